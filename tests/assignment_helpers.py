"""Tiny planar regions built in code, and a brute-force optimum to check the solver against."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np

from assign.assignment import AssignmentProblem, AssignmentSettings, build_problem
from assign.assignment.kpi import raw_terms, teacher_load
from assign.domain import AssignmentPair, Methodist, Municipality, Region, School, Teacher

MethodistSpec = tuple[
    str, str, float, float, float | None, float | None
]  # id, subjects, x, y, lo, hi


def planar_region(
    schools: Sequence[tuple[str, float, float]],
    teachers: Sequence[tuple[str, str, str] | tuple[str, str, str, float]],
    methodists: Sequence[MethodistSpec],
    current: Sequence[tuple[str, str]] = (),
) -> Region:
    """A region on a plane in km: one municipality, schools at points, methodists at points."""
    return Region(
        name="test",
        coordinate_system="planar",
        municipalities=(Municipality(municipality_id="M", name="М", lat=0, lon=0, planar=True),),
        schools=tuple(
            School(school_id=s, name=s, municipality_id="M", lat=x, lon=y, planar=True)
            for s, x, y in schools
        ),
        teachers=tuple(
            Teacher(
                teacher_id=t[0],
                full_name=t[0],
                school_id=t[1],
                subject=t[2],
                load_weight=t[3] if len(t) > 3 else None,
            )  # type: ignore[misc]
            for t in teachers
        ),
        methodists=tuple(
            Methodist(
                methodist_id=m,
                full_name=m,
                subjects=subjects,
                lat=x,
                lon=y,
                planar=True,
                municipality_id="M",
                min_load=lo,
                max_load=hi,
            )
            for m, subjects, x, y, lo, hi in methodists
        ),
        current_assignment=tuple(AssignmentPair(teacher_id=t, methodist_id=m) for t, m in current),
    )


def random_region(
    seed: int,
    n_teachers: int = 7,
    n_methodists: int = 3,
    weights: Sequence[float] | None = None,
    limits: tuple[float | None, float | None] = (1.0, 3.0),
) -> Region:
    rng = np.random.default_rng(seed)
    schools = [(f"S{i}", float(rng.uniform(0, 100)), float(rng.uniform(0, 100))) for i in range(4)]
    teachers = []
    for i in range(n_teachers):
        school = schools[int(rng.integers(len(schools)))][0]
        if weights is None:
            teachers.append((f"T{i}", school, "Математика"))
        else:
            teachers.append(
                (f"T{i}", school, "Математика", float(weights[int(rng.integers(len(weights)))]))
            )
    methodists = [
        (f"P{j}", "Математика", float(rng.uniform(0, 100)), float(rng.uniform(0, 100)), *limits)
        for j in range(n_methodists)
    ]
    current = [(t[0], methodists[int(rng.integers(n_methodists))][0]) for t in teachers[:4]]
    return planar_region(schools, teachers, methodists, current)


def feasible_plans(
    region: Region, settings: AssignmentSettings
) -> Iterator[tuple[AssignmentProblem, dict[str, str]]]:
    """Every assignment of teachers to methodists that keeps the load limits."""
    problem = build_problem(region, settings)
    teachers = [t.teacher_id for t in region.teachers]
    methodists = [m.methodist_id for m in region.methodists]
    limits = {
        problem.methodist_ids[int(m)]: (lo, hi)
        for comp in problem.components
        for m, lo, hi in zip(comp.methodists, comp.min_load, comp.max_load, strict=True)
    }
    for choice in itertools.product(methodists, repeat=len(teachers)):
        plan = dict(zip(teachers, choice, strict=True))
        load = dict.fromkeys(methodists, 0)
        for t, m in plan.items():
            load[m] += teacher_load(problem, t)
        if all(limits[m][0] <= load[m] <= limits[m][1] for m in methodists):
            yield problem, plan


def brute_force(
    region: Region, settings: AssignmentSettings, terms: Sequence[str]
) -> tuple[float, ...] | None:
    """The lexicographic optimum of `terms` over every feasible assignment."""
    keys = [
        tuple(round(raw_terms(problem, plan)[term], 6) for term in terms)
        for problem, plan in feasible_plans(region, settings)
    ]
    return min(keys, default=None)


def weighted_brute_force(region: Region, settings: AssignmentSettings) -> float | None:
    """The weighted optimum over every feasible assignment."""
    weights = settings.effective_weights
    totals = [
        sum(getattr(weights, term) * value for term, value in raw_terms(problem, plan).items())
        for problem, plan in feasible_plans(region, settings)
    ]
    return min(totals, default=None)


def everyone_placed_somewhere(seed: int, teachers: int = 7, methodists: int = 3) -> Region:
    """Weighted teachers who all have a current methodist (one of the first two), so that
    loads start over the maximum and under the minimum: what the change cuts work on."""
    base = random_region(seed, teachers, methodists, weights=(1.0, 1.5, 2.0), limits=(None, None))
    rng = np.random.default_rng(100 + seed)
    methodists = [m.methodist_id for m in base.methodists]
    current = tuple(
        AssignmentPair(teacher_id=t.teacher_id, methodist_id=methodists[int(rng.integers(2))])
        for t in base.teachers
    )
    return base.changed(current_assignment=current)
