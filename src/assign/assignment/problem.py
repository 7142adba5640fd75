"""The assignment problem: a region and settings turned into dense arrays a solver can use.

Teachers of one school, subject, load weight and current methodist (and no pin or ban of their
own) are interchangeable, so they form one *group* with a count; a solver decides how many of a
group go to each methodist. Subjects are independent except where a methodist covers several:
such subjects form one *component*, solved together; the others are solved apart.
Ids stay strings in the region; here they become dense integers once, in `AssignmentProblem`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from assign.assignment.candidates import CandidateCosts, CandidateLimit
from assign.assignment.costs import pair_costs
from assign.assignment.settings import AssignmentSettings
from assign.domain import Region, Teacher
from assign.format import count_ru
from assign.subjects import subject_name
from assign.transport import TravelMatrix, TravelModel, shared_travel_model

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

OBJECTIVE_SCALE = 100  # points per unit of travel: trips count to 0.01 h (36 s) or 0.01 km
LOAD_SCALE = 100  # load units per teacher of weight 1
PAIR_FIELDS = (
    "pair_group",
    "pair_methodist",
    "pair_travel",
    "pair_change",
    "pair_hours",
    "pair_km",
    "pair_in_person",
)
GONE = -2  # a current methodist no longer in the region: every plan changes the teacher


@dataclass
class Unplaceable:
    """A teacher no methodist can take, and why (in Russian)."""

    teacher: int
    reason: str


@dataclass
class Component:
    """Subjects solved together, their methodists, teacher groups and eligible pairs."""

    index: int
    subjects: tuple[str, ...]
    methodists: IntArray  # global methodist indices
    group_teachers: list[list[int]]
    group_count: IntArray
    group_weight: IntArray  # load units per teacher (LOAD_SCALE = weight 1)
    group_school: IntArray
    group_subject: list[str]
    group_current: IntArray  # global methodist index, -1 if none
    pair_group: IntArray
    pair_methodist: IntArray  # global methodist index
    pair_travel: IntArray  # travel points per teacher (OBJECTIVE_SCALE per hour or km)
    pair_change: IntArray  # 1 where a teacher of the group would leave its current methodist
    pair_hours: FloatArray
    pair_km: FloatArray
    pair_in_person: npt.NDArray[np.bool_]
    min_load: IntArray  # per methodist of the component, in load units
    max_load: IntArray
    unplaceable: list[Unplaceable] = field(default_factory=list)

    @property
    def n_groups(self) -> int:
        return len(self.group_count)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_group)

    @property
    def total_load(self) -> int:
        return int((self.group_count * self.group_weight).sum())

    @property
    def balance_target(self) -> int:
        """The load each methodist would carry if all were equal, to a whole teacher (0 for
        a component with no methodist yet: a pool sized from candidates alone)."""
        if not len(self.methodists):
            return 0
        return LOAD_SCALE * round(self.total_load / (len(self.methodists) * LOAD_SCALE))

    def pairs_at(self, index: npt.NDArray[np.int64] | npt.NDArray[np.bool_]) -> dict[str, Any]:
        """The pair arrays at `index` (positions or a mask): what a smaller component made
        with `dataclasses.replace` takes."""
        return {name: getattr(self, name)[index] for name in PAIR_FIELDS}

    def local_methodists(self, methodists: IntArray) -> IntArray:
        """Global methodist indices → the component's own (−1 for none, gone or another
        component's): what its pairs' and groups' `pair_methodist` / `group_current` are
        here."""
        if not len(self.methodists):
            return np.full(len(methodists), -1, dtype=np.int64)
        order = np.argsort(self.methodists, kind="stable")
        ranked = self.methodists[order]
        at = np.minimum(np.searchsorted(ranked, methodists), len(order) - 1)
        return np.where(ranked[at] == methodists, order[at], -1).astype(np.int64)

    def split_keys(self) -> IntArray:
        """One key per (school, subject): groups that must not be split share it."""
        keys: dict[tuple[int, str], int] = {}
        return np.array(
            [
                keys.setdefault((int(s), subj), len(keys))
                for s, subj in zip(self.group_school, self.group_subject, strict=True)
            ],
            dtype=np.int64,
        )


@dataclass
class AssignmentProblem:
    region: Region
    settings: AssignmentSettings
    teacher_ids: list[str]
    methodist_ids: list[str]
    school_ids: list[str]
    travel: TravelMatrix
    components: list[Component]
    unplaceable: list[Unplaceable]
    columns: TeacherColumns
    """The teachers' facts in region order, as `build_problem` read them."""
    candidate_costs: CandidateCosts | None = None
    """Set when built with a `CandidateLimit`: `travel` then covers only the methodists
    before the candidates, and the pairs not built are priced from here."""

    @property
    def n_teachers(self) -> int:
        return len(self.teacher_ids)

    @cached_property
    def teacher_arrays(self) -> TeacherArrays:
        return TeacherArrays.of(self)

    @cached_property
    def costs(self) -> tuple[FloatArray, FloatArray, BoolArray]:
        """`pair_costs` of `travel`: hours, km and in-person of each school × methodist
        pair, worked out once (the pairs, KPIs, change list and files all read them)."""
        return pair_costs(self.travel, self.settings)

    def methodist_of(self, assignment: dict[str, str]) -> IntArray:
        """A plan as one methodist index per teacher (in `teacher_ids` order), -1 where
        the plan leaves the teacher out."""
        t_index, m_index = self.teacher_arrays.index, self.teacher_arrays.methodist_index
        chosen = np.full(self.n_teachers, -1, dtype=np.int64)
        if assignment:  # lookups by `map`: no Python frame per teacher
            teachers = np.fromiter(map(t_index.__getitem__, assignment), np.int64, len(assignment))
            chosen[teachers] = np.fromiter(
                map(m_index.__getitem__, assignment.values()), np.int64, len(assignment)
            )
        return chosen


@dataclass
class TeacherArrays:
    """Per-teacher facts as arrays in `teacher_ids` order, so that plan-wide figures (KPIs,
    objective terms) are array sums rather than a Python loop over 18 600 teachers."""

    index: dict[str, int]
    methodist_index: dict[str, int]
    school: IntArray  # index into school_ids
    load: IntArray  # load units, as the settings count them
    current: IntArray  # methodist index of the current methodist, -1 if none, GONE if left
    subject: IntArray  # index into `subjects`
    subjects: list[str]
    municipality: IntArray  # index into `municipalities`
    municipalities: list[str]

    @classmethod
    def of(cls, problem: AssignmentProblem) -> TeacherArrays:
        region, columns = problem.region, problem.columns
        school = columns.school
        school_muni = [region.school_municipality(s) for s in problem.school_ids]
        used_schools = np.unique(school)
        muni_codes, used_muni = np.unique(
            [school_muni[s] for s in used_schools], return_inverse=True
        )
        muni_of_school = np.zeros(len(problem.school_ids), dtype=np.int64)
        muni_of_school[used_schools] = used_muni
        return cls(
            index=columns.index.teacher,
            methodist_index=columns.index.methodist,
            school=school,
            load=columns.load,
            current=columns.current,
            subject=columns.subject,
            subjects=columns.subjects,
            municipality=muni_of_school[school],
            municipalities=[str(x) for x in muni_codes],
        )


@dataclass
class TeacherColumns:
    """The teachers' facts the groups and KPIs need, in region order: read in one pass in
    memory order (a pass per subject over 18 600 scattered objects costs several times as
    much), then taken per component by position."""

    index: _Index  # the positions of the ids the columns hold
    school: IntArray  # index into school_ids
    load: IntArray  # load units
    current: IntArray  # methodist index of the current methodist, -1 if none, GONE if left
    special: IntArray  # 1 + the teacher's position when pinned or banned, else 0
    subject: IntArray  # index into `subjects`
    subjects: list[str]  # sorted
    by_subject: dict[str, IntArray]  # positions of each subject's teachers, in order

    @classmethod
    def of(cls, region: Region, settings: AssignmentSettings, index: _Index) -> TeacherColumns:
        teachers = region.teachers
        schools, methodists, currents = index.school, index.methodist, region.current_methodist_of
        loads = settings.teacher_loads(region, teachers)
        special = np.zeros(len(teachers), dtype=np.int64)
        if index.pins or index.bans:
            held = index.pins.keys() | index.bans.keys()
            at = np.array([i for i, t in enumerate(teachers) if t.teacher_id in held], np.int64)
            special[at] = at + 1
        subjects = sorted(region.teachers_by_subject)
        code = {s: i for i, s in enumerate(subjects)}
        subject = np.array([code[t.subject] for t in teachers], dtype=np.int64)
        order = np.argsort(subject, kind="stable")
        ends = np.cumsum(np.bincount(subject, minlength=len(subjects)))
        return cls(
            index=index,
            school=np.array([schools[t.school_id] for t in teachers], dtype=np.int64),
            load=np.array([round(x * LOAD_SCALE) for x in loads], dtype=np.int64),
            current=np.array(
                [
                    methodists.get(m, GONE) if (m := currents.get(t.teacher_id)) else -1
                    for t in teachers
                ],
                dtype=np.int64,
            ),
            special=special,
            subject=subject,
            subjects=subjects,
            by_subject={
                s: order[a:b] for s, a, b in zip(subjects, [0, *ends[:-1]], ends, strict=True)
            },
        )


def first_appearance(columns: list[IntArray]) -> IntArray:
    """Each row's group among the rows with equal values in every column, the groups
    numbered in order of first appearance: the columns as one integer (mixed radix) hashed
    by `pandas.factorize` — no sort — or, past 62 bits, `numpy.unique` over the rows."""
    n = len(columns[0]) if columns else 0
    key, span = np.zeros(n, dtype=np.int64), 1
    for column in columns:
        low, width = (int(column.min()), int(column.max()) - int(column.min()) + 1) if n else (0, 1)
        span *= width
        if span >= 2**62:
            _, first, inverse = np.unique(
                np.stack(columns, axis=1), axis=0, return_index=True, return_inverse=True
            )
            rank = np.empty(len(first), dtype=np.int64)
            rank[np.argsort(first)] = np.arange(len(first))
            return rank[np.asarray(inverse).reshape(-1)]
        key = key * width + (column - low)
    codes, _ = pd.factorize(key)
    return np.asarray(codes, dtype=np.int64)


def _components(region: Region) -> list[tuple[str, ...]]:
    """Subjects with teachers, joined where one methodist covers several of them."""
    parent = {s: s for s in region.teachers_by_subject}

    def find(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for methodist in region.methodists:
        present = [s for s in methodist.subjects if s in parent]
        for other in present[1:]:
            parent[find(other)] = find(present[0])
    groups: dict[str, list[str]] = defaultdict(list)
    for subject in sorted(parent):
        groups[find(subject)].append(subject)
    return sorted(tuple(g) for g in groups.values())


class PinError(ValueError):
    """A pin or ban (`AssignmentSettings.pins`, `bans`) naming a teacher or methodist the
    region does not have: the planner's typo, said as such, never an «impossible plan»."""

    code = "pin_unknown"


def check_pins(region: Region, settings: AssignmentSettings) -> None:
    """Every pin and ban names a teacher record and a methodist of the region, else a
    PinError listing each unknown id (in Russian)."""
    found: list[str] = []
    for kind, pairs in (("закрепление (pins)", settings.pins), ("запрет (bans)", settings.bans)):
        for teacher_id, methodist_id in pairs:
            if teacher_id not in region.teacher_by_id:
                records = [t.teacher_id for t in region.teachers if t.person_id == teacher_id]
                hint = f" (педагог нескольких предметов: {', '.join(records)})" if records else ""
                found.append(
                    f"{kind} «{teacher_id}» → «{methodist_id}»: нет педагога «{teacher_id}»{hint}"
                )
            if methodist_id not in region.methodist_by_id:
                found.append(
                    f"{kind} «{teacher_id}» → «{methodist_id}»: нет методиста «{methodist_id}»"
                )
    if found:
        raise PinError("в настройках закрепления неизвестные коды: " + "; ".join(found))


def load_units(region: Region, settings: AssignmentSettings, teacher: Teacher) -> int:
    """A teacher's load in load units: `AssignmentSettings.teacher_load`, to LOAD_SCALE."""
    return round(settings.teacher_load(region, teacher) * LOAD_SCALE)


def build_problem(
    region: Region,
    settings: AssignmentSettings,
    travel_model: TravelModel | None = None,
    limit: CandidateLimit | None = None,
) -> AssignmentProblem:
    """The region and settings as the solver's problem; a pin or ban naming an unknown
    teacher or methodist is a PinError.

    With `limit` (pool sizing among many candidates, who come last among the methodists),
    each group gets pairs to its nearest candidates only and `travel` covers the methodists
    before them: `candidates.CandidateCosts` prices the other pairs when the solver asks."""
    check_pins(region, settings)
    model = travel_model or shared_travel_model(region)
    teacher_ids = [t.teacher_id for t in region.teachers]
    methodist_ids = [m.methodist_id for m in region.methodists]
    school_ids = [s.school_id for s in region.schools]
    m_index = {mid: i for i, mid in enumerate(methodist_ids)}
    index = _Index.of(teacher_ids, school_ids, m_index, settings)
    s_index = index.school
    columns = TeacherColumns.of(region, settings, index)
    first = len(region.methodists)  # methodists with a column in `travel`
    sparse: CandidateCosts | None = None
    near: dict[tuple[int, str], tuple[IntArray, FloatArray, FloatArray, BoolArray]] = {}
    if limit is not None:
        first = _first_candidate(methodist_ids, limit)
        sparse = CandidateCosts(region, settings, model, school_ids, first)
        needs: dict[int, set[str]] = defaultdict(set)
        for teacher in region.teachers:
            needs[s_index[teacher.school_id]].add(teacher.subject)
        near = sparse.nearest({k: sorted(v) for k, v in needs.items()}, limit.nearest)
    bases = [model.person_place(m) for m in region.methodists[:first]]
    travel = model.matrix(school_ids, bases, remember=True)
    hours, km, in_person = pair_costs(travel, settings)
    dense = (hours, km, in_person)

    pins, bans = index.pins, index.bans
    components = []
    unplaceable: list[Unplaceable] = []
    for c_index, subjects in enumerate(_components(region)):
        members = np.array(
            [
                m_index[m.methodist_id]
                for m in region.methodists
                if any(s in m.subjects for s in subjects)
            ],
            dtype=np.int64,
        )
        groups = _Groups.of(region, subjects, columns)
        pairs = _Pairs()
        for s, subject in enumerate(subjects):  # no pin or ban: the subject and the reach
            found = members[[subject in region.methodists[m].subjects for m in members]]
            found = found[found < first]
            chosen = np.flatnonzero((groups.subject == s) & groups.plain)
            if settings.reach == "remote":
                allowed = np.ones((len(chosen), len(found)), dtype=bool)
            else:
                allowed = in_person[np.ix_(groups.school[chosen], found)]
            rows, cols = np.nonzero(allowed)
            pairs.add_dense(chosen[rows], found[cols], groups.school[chosen[rows]], dense)
        for g in np.flatnonzero(groups.plain) if near else ():
            listed = near.get((int(groups.school[g]), subjects[groups.subject[g]]))
            if listed is not None:
                pairs.add(np.full(len(listed[0]), g), *listed)
        for g in np.flatnonzero(~groups.plain):  # pinned or banned: `_eligible`
            school = int(groups.school[g])
            reachable = in_person[school]
            if sparse is not None:
                row = sparse.row(school)
                reachable = np.concatenate([reachable, row.in_person[0]])
            eligible = np.array(
                _eligible(
                    region,
                    settings,
                    members,
                    subjects[groups.subject[g]],
                    groups.special[g],
                    pins,
                    bans,
                    reachable,
                    methodist_ids,
                ),
                dtype=np.int64,
            )
            here = eligible[eligible < first]
            pairs.add_dense(np.full(len(here), g), here, np.full(len(here), school), dense)
            if sparse is not None:
                picked = eligible[eligible >= first]
                owner = np.full(len(picked), g)
                at = picked - first
                pairs.add(owner, picked, row.hours[0, at], row.km[0, at], row.in_person[0, at])
        pg, pm, p_hours, p_km, p_in_person = pairs.by_group()
        served = np.bincount(pg, minlength=groups.n) > 0
        comp_unplaceable: list[Unplaceable] = []
        for g in np.flatnonzero(~served):
            subject = subjects[groups.subject[g]]
            reason = _no_pair_reason(region, settings, subject, groups.special[g], pins)
            comp_unplaceable += [Unplaceable(t, reason) for t in groups.teachers[g]]
        unplaceable += comp_unplaceable
        if not served.any():
            continue
        kept = np.flatnonzero(served)
        pg = (np.cumsum(served) - 1)[pg]  # groups renumbered without the unserved
        group_current = groups.current[kept]
        p_cost = p_km if settings.objective == "distance" else p_hours
        local_min, local_max = _load_limits(region, settings, members)
        components.append(
            Component(
                index=c_index,
                subjects=subjects,
                methodists=members,
                group_teachers=[groups.teachers[g] for g in kept],
                group_count=np.array([len(groups.teachers[g]) for g in kept], dtype=np.int64),
                group_weight=groups.weight[kept],
                group_school=groups.school[kept],
                group_subject=[subjects[groups.subject[g]] for g in kept],
                group_current=group_current,
                pair_group=pg,
                pair_methodist=pm,
                pair_travel=np.round(p_cost * OBJECTIVE_SCALE).astype(np.int64),
                pair_change=((group_current[pg] != -1) & (group_current[pg] != pm)).astype(
                    np.int64
                ),
                pair_hours=p_hours,
                pair_km=p_km,
                pair_in_person=p_in_person,
                min_load=local_min,
                max_load=local_max,
                unplaceable=comp_unplaceable,
            )
        )
    problem = AssignmentProblem(
        region,
        settings,
        teacher_ids,
        methodist_ids,
        school_ids,
        travel,
        components,
        unplaceable,
        columns,
        sparse,
    )
    problem.costs = dense  # what the pairs were priced with
    return problem


def _first_candidate(methodist_ids: list[str], limit: CandidateLimit) -> int:
    """Where the candidates start: they must all come after the other methodists."""
    first = len(methodist_ids) - len(limit.candidates)
    if set(methodist_ids[first:]) != limit.candidates:
        raise ValueError("candidates must come last among the methodists")
    return first


@dataclass
class _Index:
    """Positions of a region's ids, and its pins and bans, for grouping its teachers."""

    teacher: dict[str, int]
    school: dict[str, int]
    methodist: dict[str, int]
    pins: dict[str, str]
    bans: dict[str, set[str]]

    @classmethod
    def of(
        cls,
        teacher_ids: list[str],
        school_ids: list[str],
        methodist: dict[str, int],
        settings: AssignmentSettings,
    ) -> _Index:
        bans: dict[str, set[str]] = defaultdict(set)
        for t, m in settings.bans:
            bans[t].add(m)
        teacher = {tid: i for i, tid in enumerate(teacher_ids)}
        schools = {sid: i for i, sid in enumerate(school_ids)}
        return cls(teacher, schools, methodist, dict(settings.pins), bans)


@dataclass
class _Groups:
    """A component's teachers grouped by what makes them interchangeable (school, subject,
    load, current methodist; a pinned or banned teacher alone), in order of first
    appearance: array work rather than a dict of 18 600 keys."""

    teachers: list[list[int]]  # region teacher indices of each group
    school: IntArray
    subject: IntArray  # position in the component's subjects
    weight: IntArray
    current: IntArray  # global methodist index, -1 if none, GONE if no longer in the region
    special: list[str | None]  # the teacher's own id when pinned or banned
    plain: BoolArray  # neither pinned nor banned

    @property
    def n(self) -> int:
        return len(self.teachers)

    @classmethod
    def of(cls, region: Region, subjects: tuple[str, ...], columns: TeacherColumns) -> _Groups:
        at = [columns.by_subject[s] for s in subjects]
        members = np.concatenate(at) if at else np.zeros(0, dtype=np.int64)
        subject = np.repeat(np.arange(len(subjects), dtype=np.int64), [len(a) for a in at])
        school, weight = columns.school[members], columns.load[members]
        current, special = columns.current[members], columns.special[members]
        group = first_appearance([school, subject, weight, current, special])
        _, lead = np.unique(group, return_index=True)  # each group's first teacher
        flat = members[np.argsort(group, kind="stable")].tolist()
        ends = np.cumsum(np.bincount(group, minlength=len(lead))).tolist()
        firsts = special[lead]
        return cls(
            teachers=[flat[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)],
            school=school[lead],
            subject=subject[lead],
            weight=weight[lead],
            current=current[lead],
            special=[region.teachers[p - 1].teacher_id if p else None for p in firsts.tolist()],
            plain=firsts == 0,
        )


@dataclass
class _Pairs:
    """A component's (group, methodist) pairs with hours, km and in-person, gathered in
    blocks and put in group order at the end (each group's pairs in the order added)."""

    blocks: list[tuple[IntArray, IntArray, FloatArray, FloatArray, BoolArray]] = field(
        default_factory=list
    )

    def add(
        self, group: IntArray, methodist: IntArray, hours: Any, km: Any, in_person: Any
    ) -> None:
        self.blocks.append((np.asarray(group, dtype=np.int64), methodist, hours, km, in_person))

    def add_dense(
        self,
        group: IntArray,
        methodist: IntArray,
        school: IntArray,
        dense: tuple[FloatArray, FloatArray, BoolArray],
    ) -> None:
        """Pairs with a column in the travel matrix: their values read from it."""
        hours, km, in_person = dense
        at = (school, methodist)
        self.add(group, methodist, hours[at], km[at], in_person[at])

    def by_group(self) -> tuple[IntArray, IntArray, FloatArray, FloatArray, BoolArray]:
        """The pairs in group order, each group's in the order they were added (every
        subject adds a block, if empty, so there is one to join)."""
        group, methodist, hours, km, in_person = (
            np.concatenate([block[i] for block in self.blocks]) for i in range(5)
        )
        order = np.argsort(group, kind="stable")
        return (
            group[order],
            methodist[order].astype(np.int64),
            hours[order].astype(np.float64),
            km[order].astype(np.float64),
            in_person[order].astype(bool),
        )


def _load_limits(
    region: Region, settings: AssignmentSettings, members: IntArray
) -> tuple[IntArray, IntArray]:
    """A methodist's own limits (from the input) where given, else the settings'."""
    low, high = [], []
    for m in members:
        methodist = region.methodists[m]
        lo = methodist.min_load if methodist.min_load is not None else settings.load_min
        hi = methodist.max_load if methodist.max_load is not None else settings.load_max
        low.append(round(lo * LOAD_SCALE))
        high.append(round(hi * LOAD_SCALE))
    return np.array(low, dtype=np.int64), np.array(high, dtype=np.int64)


def _eligible(
    region: Region,
    settings: AssignmentSettings,
    members: IntArray,
    subject: str,
    teacher_id: str | None,
    pins: dict[str, str],
    bans: dict[str, set[str]],
    reachable: npt.NDArray[np.bool_],
    methodist_ids: list[str],
) -> list[int]:
    """Methodists a group may go to: the subject, reach (unless remote), pins and bans.

    A pin is the planner's explicit word: it holds even where the rule of reach would not.
    """
    result = []
    for m in members:
        if subject not in region.methodists[m].subjects:
            continue
        mid = methodist_ids[m]
        if teacher_id is not None:
            if teacher_id in pins:
                if pins[teacher_id] == mid:
                    result.append(int(m))
                continue
            if mid in bans.get(teacher_id, ()):
                continue
        if reachable[m] or settings.reach == "remote":
            result.append(int(m))
    return result


def _no_pair_reason(
    region: Region,
    settings: AssignmentSettings,
    subject: str,
    teacher_id: str | None,
    pins: dict[str, str],
) -> str:
    covering = [m for m in region.methodists if subject in m.subjects]
    if not covering:
        return f"предмет «{subject_name(subject)}» не ведёт ни один методист"
    if teacher_id is not None and teacher_id in pins:
        pinned = region.methodist_by_id.get(pins[teacher_id])
        if pinned is None:
            return f"закрепление за методистом «{pins[teacher_id]}»: такого методиста нет"
        return (
            f"закрепление за методистом «{pins[teacher_id]}», который не ведёт предмет "
            f"«{subject_name(subject)}»"
        )
    if teacher_id is not None:
        return "все методисты предмета запрещены для этого педагога или недосягаемы"
    months = ", ".join(str(m) for m in settings.required_months)
    return (
        f"ни один из {count_ru(len(covering), 'методист', 'gent')} предмета "
        f"«{subject_name(subject)}» "
        f"не может доехать до школы в требуемые месяцы ({months})"
    )
