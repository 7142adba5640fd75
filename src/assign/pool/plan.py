"""The recruitment plan: per subject, the need by the norms and by the optimiser, what the region
has, the deficit, whom to recruit and which municipalities have no methodist within reach."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from assign.format import fmt_int
from assign.pool.sizing import PoolResult
from assign.subjects import subject_name
from assign.summary import FEDERAL_NORM, YAKUTIA_NORM


@dataclass
class SubjectNeed:
    subject: str
    teachers: int
    need_federal: int  # teachers / 250
    need_yakutia: int  # teachers / 150
    need_optimal: int  # methodists of the subject in the optimised pool
    have: int
    deficit: int
    recruit: list[tuple[str, str]]  # candidate id, municipality name
    out_of_reach: list[str]  # municipalities with no existing methodist within reach

    def text(self) -> str:
        line = (
            f"{subject_name(self.subject)}: {fmt_int(self.teachers)} педагогов; по нормам "
            f"нужно {self.need_federal} (200–250) – {self.need_yakutia} (100–150), по расчёту "
            f"{self.need_optimal}, есть {self.have}"
        )
        if self.deficit:
            who = ", ".join(f"{cid} ({muni})" for cid, muni in self.recruit)
            line += f"; не хватает {self.deficit}: пригласить {who}"
        else:
            line += "; дефицита нет"
        if self.out_of_reach:
            line += "; без методиста в пределах досягаемости: " + ", ".join(self.out_of_reach)
        return line


def recruitment_plan(result: PoolResult) -> list[SubjectNeed]:
    problem = result.problem
    region = problem.region
    opened = {m for pool in result.pools for m in (*pool.kept, *pool.recruited)}
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
    planned = {s for pool in result.pools for s in pool.subjects}
    needs = []
    for subject in region.subjects:
        if subject not in planned:
            continue
        teachers = region.teachers_by_subject[subject]
        members = [m for m in region.methodists if subject in m.subjects]
        existing = [m for m in members if m.methodist_id not in result.candidate_ids]
        in_pool = [m for m in members if m.methodist_id in opened]
        recruit = [m for m in in_pool if m.methodist_id in result.candidate_ids]
        munis = {region.school_municipality(t.school_id) for t in teachers}
        needs.append(
            SubjectNeed(
                subject=subject,
                teachers=len(teachers),
                need_federal=math.ceil(len(teachers) / FEDERAL_NORM.max_load),
                need_yakutia=math.ceil(len(teachers) / YAKUTIA_NORM.max_load),
                need_optimal=len(in_pool),
                have=len(existing),
                deficit=len(recruit),
                recruit=[
                    (m.methodist_id, municipality_name[region.person_base(m)[1]]) for m in recruit
                ],
                out_of_reach=sorted(municipality_name[m] for m in munis - reached[subject]),
            )
        )
    return needs
