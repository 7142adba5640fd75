"""KPIs and objective terms recomputed from a plan alone, without the solver.

The tests hold the solver to these numbers: the objective it reports must equal the weighted
sum of the terms computed here from the teacher → methodist pairs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np

from assign.assignment.formulation import SHORT_POINTS, UNPLACED_POINTS
from assign.assignment.problem import LOAD_SCALE, OBJECTIVE_SCALE, AssignmentProblem, pair_costs
from assign.assignment.settings import Term


def _indices(problem: AssignmentProblem) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    return (
        {t: i for i, t in enumerate(problem.teacher_ids)},
        {m: i for i, m in enumerate(problem.methodist_ids)},
        {s: i for i, s in enumerate(problem.school_ids)},
    )


def teacher_load(problem: AssignmentProblem, teacher_id: str) -> int:
    """A teacher's load in load units, as the settings count it."""
    if problem.settings.load_unit == "heads":
        return LOAD_SCALE
    teacher = problem.region.teacher_by_id[teacher_id]
    weight = problem.region.teacher_weight(teacher, problem.settings.category_weights)
    return round(weight * LOAD_SCALE)


def methodist_loads(problem: AssignmentProblem, assignment: dict[str, str]) -> dict[str, int]:
    """Each methodist's load in load units (a methodist with no teachers is absent: 0)."""
    load: dict[str, int] = defaultdict(int)
    for teacher_id, methodist_id in assignment.items():
        load[methodist_id] += teacher_load(problem, teacher_id)
    return load


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
    region = problem.region
    settings = problem.settings
    _, m_index, s_index = _indices(problem)
    hours, km, _ = pair_costs(problem.travel, settings)
    cost = km if settings.objective == "distance" else hours
    travel = 0.0
    changes = 0
    served: dict[tuple[str, str], set[str]] = defaultdict(set)
    for teacher_id, methodist_id in assignment.items():
        teacher = region.teacher_by_id[teacher_id]
        travel += (
            round(float(cost[s_index[teacher.school_id], m_index[methodist_id]]) * OBJECTIVE_SCALE)
            / OBJECTIVE_SCALE
        )
        current = region.current_methodist_of.get(teacher_id)
        if current is not None and current != methodist_id:  # a methodist who left counts too
            changes += 1
        served[teacher.school_id, teacher.subject].add(methodist_id)
    split = sum(len(ms) - 1 for ms in served.values())
    load = methodist_loads(problem, assignment)
    balance = 0
    for comp in problem.components:
        target = comp.balance_target
        balance += sum(abs(load[problem.methodist_ids[int(m)]] - target) for m in comp.methodists)
    return {
        Term.TRAVEL.value: travel,
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


def _shortfall(problem: AssignmentProblem, assignment: dict[str, str]) -> int:
    load = methodist_loads(problem, assignment)
    return sum(max(0, low - load[m]) for m, (low, _) in load_limits(problem).items())


def kpis(
    problem: AssignmentProblem, assignment: dict[str, str], unplaced: list[str] | None = None
) -> dict[str, Any]:
    """Loads, travel per teacher, changes and unserved teachers: overall, per subject, per
    municipality, per methodist."""
    region = problem.region
    settings = problem.settings
    _, m_index, s_index = _indices(problem)
    hours, km, in_person = pair_costs(problem.travel, settings)
    rows = []
    for teacher in region.teachers:
        methodist_id = assignment.get(teacher.teacher_id)
        school = s_index[teacher.school_id]
        current = region.current_methodist_of.get(teacher.teacher_id)
        row: dict[str, Any] = {
            "subject": teacher.subject,
            "municipality_id": region.school_municipality(teacher.school_id),
            "served": methodist_id is not None,
            "changed": bool(methodist_id and current and current != methodist_id),
        }
        if methodist_id is not None:
            m = m_index[methodist_id]
            row.update(
                hours=float(hours[school, m]),
                km=float(km[school, m]),
                in_person=bool(in_person[school, m]),
            )
        rows.append(row)

    def summary(selected: list[dict[str, Any]]) -> dict[str, Any]:
        trips = np.array([r["hours"] for r in selected if r["served"]], dtype=float)
        distances = np.array([r["km"] for r in selected if r["served"]], dtype=float)
        out: dict[str, Any] = {
            "teachers": len(selected),
            "served": len(trips),
            "unserved": len(selected) - len(trips),
            "changed": sum(1 for r in selected if r["changed"]),
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
                remote_only=sum(1 for r in selected if r["served"] and not r["in_person"]),
            )
        return out

    by_subject: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_muni: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_subject[row["subject"]].append(row)
        by_muni[row["municipality_id"]].append(row)
    load = methodist_loads(problem, assignment)
    heads = Counter(assignment.values())
    limits = load_limits(problem)
    methodists = []
    for methodist in region.methodists:
        low, high = limits.get(methodist.methodist_id, (0, 0))
        methodists.append(
            {
                "methodist_id": methodist.methodist_id,
                "subjects": list(methodist.subjects),
                "teachers": heads[methodist.methodist_id],
                "load": load[methodist.methodist_id] / LOAD_SCALE,
                "min_load": low / LOAD_SCALE,
                "max_load": high / LOAD_SCALE,
            }
        )
    return {
        "overall": summary(rows),
        "by_subject": {k: summary(v) for k, v in sorted(by_subject.items())},
        "by_municipality": {k: summary(v) for k, v in sorted(by_muni.items())},
        "methodists": methodists,
        "terms": raw_terms(problem, assignment),
        "unplaced": len(unplaced or []),
    }
