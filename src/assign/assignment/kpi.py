"""KPIs and objective terms recomputed from a plan alone, without the solver.

The tests hold the solver to these numbers: the objective it reports must equal the weighted
sum of the terms computed here from the teacher → methodist pairs.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from assign.assignment.formulation import SHORT_POINTS, UNPLACED_POINTS
from assign.assignment.problem import (
    LOAD_SCALE,
    OBJECTIVE_SCALE,
    AssignmentProblem,
    IntArray,
    load_units,
)
from assign.assignment.settings import Term


def teacher_load(problem: AssignmentProblem, teacher_id: str) -> int:
    """A teacher's load in load units, as the settings count it."""
    region = problem.region
    return load_units(region, problem.settings, region.teacher_by_id[teacher_id])


def methodist_loads(problem: AssignmentProblem, assignment: dict[str, str]) -> dict[str, int]:
    """Each methodist's load in load units (a methodist with no teachers is absent: 0);
    `assignment` may name methodists no longer in the region (the current order)."""
    arrays = problem.teacher_arrays
    per_teacher, index = arrays.load.tolist(), arrays.index
    load: dict[str, int] = defaultdict(int)
    for teacher_id, methodist_id in assignment.items():
        load[methodist_id] += per_teacher[index[teacher_id]]
    return load


def load_array(problem: AssignmentProblem, chosen: IntArray) -> IntArray:
    """Load units per methodist index of a plan given as `methodist_of`."""
    served = chosen >= 0
    arrays = problem.teacher_arrays
    loads = np.zeros(len(problem.methodist_ids), dtype=np.int64)
    np.add.at(loads, chosen[served], arrays.load[served])
    return loads


def load_limits(problem: AssignmentProblem) -> dict[str, tuple[int, int]]:
    """Each methodist's [min, max] load in load units, as the solver used them."""
    return {
        problem.methodist_ids[int(m)]: (int(low), int(high))
        for comp in problem.components
        for m, low, high in zip(comp.methodists, comp.min_load, comp.max_load, strict=True)
    }


def raw_terms(problem: AssignmentProblem, assignment: dict[str, str]) -> dict[str, float]:
    """Unweighted terms: travel (hours or km), changes (teachers), split (extra methodists in
    school-subjects), balance (load units away from each component's average, in teachers)."""
    settings = problem.settings
    hours, km, _ = problem.costs
    cost = km if settings.objective == "distance" else hours
    arrays = problem.teacher_arrays
    chosen = problem.methodist_of(assignment)
    served = np.flatnonzero(chosen >= 0)
    methodist, school = chosen[served], arrays.school[served]
    points = np.round(cost[school, methodist] * OBJECTIVE_SCALE).astype(np.int64)
    current = arrays.current[served]
    changes = int(((current != -1) & (current != methodist)).sum())  # one who left counts too
    school_subject = school * len(arrays.subjects) + arrays.subject[served]
    by_methodist = school_subject * len(problem.methodist_ids) + methodist
    split = len(np.unique(by_methodist)) - len(np.unique(school_subject))
    load = load_array(problem, chosen)
    balance = sum(
        int(np.abs(load[comp.methodists] - comp.balance_target).sum())
        for comp in problem.components
    )
    return {
        Term.TRAVEL.value: int(points.sum()) / OBJECTIVE_SCALE,
        Term.CHANGES.value: float(changes),
        Term.SPLIT.value: float(split),
        Term.BALANCE.value: balance / LOAD_SCALE,
    }


def objective_terms(
    problem: AssignmentProblem, assignment: dict[str, str], left_out: dict[int, str] | None = None
) -> dict[str, float]:
    """Terms as the objective counts them: weighted (or unweighted when ranked), plus the
    penalties of a partial plan."""
    settings = problem.settings
    raw = raw_terms(problem, assignment)
    if settings.effective_ranking:
        terms = {t.value: raw[t.value] for t in settings.effective_ranking}
    else:
        weights = settings.effective_weights
        terms = {t.value: weights.of(t) * raw[t.value] for t in Term if weights.of(t) > 0}
    if settings.allow_partial:
        terms["unplaced"] = len(left_out or {}) * UNPLACED_POINTS / OBJECTIVE_SCALE
        terms["short"] = _shortfall(problem, assignment) * SHORT_POINTS / OBJECTIVE_SCALE
    return terms


def below_minimum(
    problem: AssignmentProblem, assignment: dict[str, str]
) -> list[tuple[str, int, int]]:
    """Methodists whose load in the plan is under their minimum: (id, load, minimum), in load
    units — a plan allowed to fall short (`allow_partial`) says so, not only in its penalty."""
    load = methodist_loads(problem, assignment)
    limits = load_limits(problem).items()
    return [(m, load[m], low) for m, (low, _) in limits if load[m] < low]


def _shortfall(problem: AssignmentProblem, assignment: dict[str, str]) -> int:
    return sum(low - load for _, load, low in below_minimum(problem, assignment))


def _by_code(codes: IntArray, summary: Callable[[IntArray], dict[str, Any]]) -> Iterator[Any]:
    """`summary` of each code's teachers, 0 up to the largest: one stable sort, not a mask
    over the region per code (the positions, in region order, are those a mask picks)."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(int(codes.max(initial=-1)) + 2))
    for start, end in itertools.pairwise(bounds.tolist()):
        yield summary(order[start:end])


def kpis(
    problem: AssignmentProblem, assignment: dict[str, str], unplaced: list[str] | None = None
) -> dict[str, Any]:
    """Loads, travel per teacher, changes and unserved teachers: overall, per subject, per
    municipality, per methodist."""
    region = problem.region
    hours, km, in_person = problem.costs
    arrays = problem.teacher_arrays
    chosen = problem.methodist_of(assignment)
    served = chosen >= 0
    # trips of the served only: a plan with no one served may have no methodist column at all
    at = np.flatnonzero(served)
    trip_hours, trip_km = np.zeros(len(chosen)), np.zeros(len(chosen))
    remote = np.zeros(len(chosen), dtype=bool)
    trip_hours[at] = hours[arrays.school[at], chosen[at]]
    trip_km[at] = km[arrays.school[at], chosen[at]]
    remote[at] = ~in_person[arrays.school[at], chosen[at]]
    changed = served & (arrays.current != -1) & (arrays.current != chosen)

    def summary(selected: IntArray) -> dict[str, Any]:
        """The figures of the teachers at `selected` (positions in region order)."""
        reached = selected[served[selected]]
        trips, distances = trip_hours[reached], trip_km[reached]
        out: dict[str, Any] = {
            "teachers": len(selected),
            "served": len(trips),
            "unserved": len(selected) - len(trips),
            "changed": int(changed[selected].sum()),
        }
        if len(trips):
            out.update(
                travel_hours_mean=round(float(trips.mean()), 3),
                travel_hours_median=round(float(np.median(trips)), 3),
                travel_hours_max=round(float(trips.max()), 3),
                travel_km_mean=round(float(distances.mean()), 2),
                share_within_2h=round(float((trips <= 2).mean()), 4),
                share_within_4h=round(float((trips <= 4).mean()), 4),
                share_within_8h=round(float((trips <= 8).mean()), 4),
                remote_only=int(remote[selected].sum()),
            )
        return out

    load = load_array(problem, chosen)
    heads = np.bincount(chosen[served], minlength=len(problem.methodist_ids))
    m_index = arrays.methodist_index
    limits = load_limits(problem)
    methodists = []
    for m in region.methodists:
        low, high = limits.get(m.methodist_id, (0, 0))
        methodists.append(
            {
                "methodist_id": m.methodist_id,
                "subjects": list(m.subjects),
                "teachers": int(heads[m_index[m.methodist_id]]),
                "load": int(load[m_index[m.methodist_id]]) / LOAD_SCALE,
                "min_load": low / LOAD_SCALE,
                "max_load": high / LOAD_SCALE,
            }
        )
    return {
        "overall": summary(np.arange(len(chosen))),
        "by_subject": dict(zip(arrays.subjects, _by_code(arrays.subject, summary), strict=True)),
        "by_municipality": dict(
            zip(arrays.municipalities, _by_code(arrays.municipality, summary), strict=True)
        ),
        "methodists": methodists,
        "terms": raw_terms(problem, assignment),
        "unplaced": len(unplaced or []),
    }
