"""The recruitment plan: per subject, the need under the settings' norm, what the region has,
the deficit, what the optimised pool adds and which municipalities have no methodist within reach.

The need and the deficit come from `summary.subject_need` with the pool's own settings, so they
are the figures `assign info` shows for the same settings; the optimised pool may need more
(reach: a remote district wants its own methodist) and says so apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from assign.assignment import Status
from assign.format import name_case
from assign.pool.sizing import PoolResult
from assign.subjects import subject_name
from assign.summary import amount_ru, need_note, subject_need


@dataclass
class SubjectNeed:
    subject: str
    teachers: int
    load: float  # in the settings' unit
    load_unit: str
    norm: str  # «100–250»
    need: int  # the fewest methodists the norm allows (summary.need)
    need_most: int | None  # the most the norm's minimum allows; None: no minimum
    need_optimal: int  # methodists of the subject in the optimised pool
    have: int
    deficit: int  # need − have, as `assign info` shows it
    recruit: list[tuple[str, str]]  # candidate id, municipality name
    out_of_reach: list[str]  # municipalities with no existing methodist within reach
    note: str = ""  # why the norm cannot divide the load, and the options
    pool_found: bool = True  # False: the optimiser found no pool for this subject
    recruit_names: list[str] = field(default_factory=list)  # the candidates' full names
    unchecked: list[str] = field(default_factory=list)
    """Ids of the candidates to invite whose eligibility (002 §3.4) no facts on file could
    check (by id: two candidates may share a name)."""
    release: list[tuple[str, str]] = field(default_factory=list)
    """Existing methodists of the subject the pool leaves out (`--release-existing`): id,
    municipality name."""
    release_names: list[str] = field(default_factory=list)

    def text(self) -> str:
        amount = amount_ru(self.teachers)
        if self.load_unit == "weighted":
            amount += f", {amount_ru(self.load, 'weighted')}"
        line = (
            f"{subject_name(self.subject)}: {amount}; по норме {self.norm} нужно "
            f"{self.need}, есть {self.have}"
        )
        line += f", не хватает {self.deficit}" if self.deficit else ", дефицита по норме нет"
        if not self.pool_found:
            line += "; пул подобрать не удалось (причины — ниже)"
        elif self.recruit:
            who = _who(self.recruit_names, self.recruit)
            line += f"; пул по расчёту — {self.need_optimal}: пригласить {who}"
            if self.unchecked:
                names = self.recruit_names or [cid for cid, _ in self.recruit]
                unchecked = [
                    n
                    for (cid, _), n in zip(self.recruit, names, strict=True)
                    if cid in self.unchecked
                ]
                line += (
                    f" (не проверено соответствие 002 §3.4, нет сведений: {', '.join(unchecked)})"
                )
        else:
            line += f"; пул по расчёту — {self.need_optimal}, набор не нужен"
        if self.pool_found and self.release:
            line += f"; вывести из актива: {_who(self.release_names, self.release)}"
        if self.out_of_reach:
            line += "; без методиста в пределах досягаемости: " + ", ".join(self.out_of_reach)
        if self.note:
            line += f". {self.note}"  # it opens with a number
        return line


def _who(names: list[str], people: list[tuple[str, str]]) -> str:
    """«ФИО (муниципальное образование)» in the accusative the verbs before it take
    («пригласить Егорову Марину Михайловну»), by id where a name is missing."""
    shown = [name_case(n, "accs") for n in names] or [person for person, _ in people]
    return ", ".join(f"{name} ({muni})" for name, (_, muni) in zip(shown, people, strict=True))


def recruitment_plan(result: PoolResult) -> list[SubjectNeed]:
    """Per planned subject, the need under the pool's settings and what the pool adds."""
    problem = result.problem
    region = problem.region
    opened = {m for pool in result.pools for m in (*pool.kept, *pool.recruited)}
    released = {m for pool in result.pools for m in pool.released}
    municipality_name = {m.municipality_id: m.name for m in region.municipalities}
    reached: dict[str, set[str]] = defaultdict(set)  # subject → municipalities existing reach
    for comp in problem.components:
        for p in range(comp.n_pairs):
            methodist = problem.methodist_ids[int(comp.pair_methodist[p])]
            if methodist in result.candidate_ids or not comp.pair_in_person[p]:
                continue
            g = int(comp.pair_group[p])
            school = region.schools[int(comp.group_school[g])]
            reached[comp.group_subject[g]].add(school.municipality_id)
    pool_of = {s: pool for pool in result.pools for s in pool.subjects}
    needs = []
    for subject in region.subjects:
        if subject not in pool_of:
            continue
        teachers = region.teachers_by_subject[subject]
        members = [m for m in region.methodists if subject in m.subjects]
        existing = [m for m in members if m.methodist_id not in result.candidate_ids]
        in_pool = [m for m in members if m.methodist_id in opened]
        recruit = [m for m in in_pool if m.methodist_id in result.candidate_ids]
        release = [m for m in existing if m.methodist_id in released]
        munis = {region.school_municipality(t.school_id) for t in teachers}
        found = subject_need(region, subject, problem.settings)
        needs.append(
            SubjectNeed(
                subject=subject,
                teachers=len(teachers),
                load=found.load,
                load_unit=found.unit,
                norm=found.norm_text,
                need=found.fewest,
                need_most=found.most,
                need_optimal=len(in_pool),
                have=len(existing),
                deficit=found.deficit(len(existing)),
                recruit=[
                    (m.methodist_id, municipality_name[region.person_base(m)[1]]) for m in recruit
                ],
                out_of_reach=sorted(municipality_name[m] for m in munis - reached[subject]),
                note=need_note(found, sum(1 for m in existing if len(m.subjects) > 1)),
                pool_found=pool_of[subject].status in (Status.OPTIMAL, Status.FEASIBLE),
                recruit_names=[m.full_name for m in recruit],
                unchecked=[m.methodist_id for m in recruit if m.methodist_id in result.unchecked],
                release=[
                    (m.methodist_id, municipality_name[region.person_base(m)[1]]) for m in release
                ],
                release_names=[m.full_name for m in release],
            )
        )
    return needs
