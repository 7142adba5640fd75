"""The smallest pool per subject, then the least travel among pools of that size.

A capacitated facility-location problem: existing methodists and eligible candidates are the
facilities, each open one must carry a load within its limits, every teacher must be served
within the reach rule. It is solved by the assignment engine's LP + reduced-cost pruning +
CP-SAT loop with open/closed variables (`formulation.add_open_links`): first the pool size,
then travel with the size held; with `count` the size is fixed and only travel is optimised.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assign.assignment import AssignmentProblem, AssignmentSettings, Status, build_problem
from assign.assignment.candidates import CandidateLimit
from assign.assignment.diagnose import component_name, unplaceable_messages
from assign.assignment.formulation import PoolSpec
from assign.assignment.kpi import raw_terms
from assign.assignment.problem import Component
from assign.assignment.result import STATUS_RU
from assign.assignment.settings import Term
from assign.assignment.solve import (
    INTEGER_SOLVERS,
    distribute_plan,
    overall_status,
    solve_component,
    time_share,
)
from assign.domain import Methodist, Region
from assign.format import count_ru, fmt_int
from assign.pool.eligibility import exclusion_reason
from assign.pool.memory import GB, MemoryPlan, default_limit, peak_memory_mb, plan_memory

MIN_SHARE = 0.05  # seconds: a solver given less still returns the plan it has
REASSIGN_SHARE = 0.2  # of the time limit, kept for assigning the pool's teachers again


class PoolSettings(BaseModel):
    model_config = ConfigDict(frozen=True, allow_inf_nan=False)

    assignment: AssignmentSettings = Field(default_factory=AssignmentSettings)
    subject: str | None = None
    """A catalogue code: size only the subject group that contains it."""
    count: int | None = Field(None, ge=1)
    """A fixed pool size instead of the smallest (needs one subject group)."""
    keep_existing: bool = True
    check_eligibility: bool = True
    memory_limit_gb: float | None = Field(None, gt=0, le=1_000_000)
    """Memory a sizing run may use (GB); None: half of the machine's (`pool.memory`)."""
    nearest: int | None = Field(None, ge=1)
    """Start each school with this many nearest candidates, the rest priced on demand,
    whatever the size (by default only past `memory.DENSE_PAIRS` pairs or the limit)."""
    solver: Literal["highs", "cpsat"] = "highs"
    """The integer solver of the facility-location model: HiGHS's branch-and-cut proves
    optima that CP-SAT leaves open (bench/cpmp_bench.py); CP-SAT stays for comparison."""


@dataclass
class SubjectPool:
    subjects: tuple[str, ...]
    status: Status
    pool_size: int
    travel: float
    bound: float  # on the pool size, or on travel when the size is fixed
    runtime: float
    kept: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    recruited: list[str] = field(default_factory=list)


@dataclass
class PoolResult:
    status: Status
    runtime: float
    pools: list[SubjectPool]
    assignment: dict[str, str]
    excluded: list[tuple[str, str]]  # candidate id, reason
    problems: list[str]
    problem: AssignmentProblem
    candidate_ids: frozenset[str]
    fixed_size: bool = False  # a given `count`: the bound is on travel, not on the size
    peak_memory_mb: float = 0.0  # the process's peak resident memory at the end
    memory: MemoryPlan | None = None
    candidate_names: dict[str, str] = field(default_factory=dict)
    """Every candidate's full name by id, excluded ones too: messages name people."""
    unchecked: frozenset[str] = frozenset()
    """Candidates with no facts on file (002 §3.4 unchecked, taken as eligible): an
    invitation to them says so."""


def _as_methodist(region: Region, candidate_id: str) -> Methodist:
    c = region.candidate_by_id[candidate_id]
    return Methodist(
        methodist_id=c.candidate_id,
        full_name=c.full_name,
        subjects=c.subjects,
        municipality_id=c.municipality_id,
        school_id=c.school_id,
        lat=c.lat,
        lon=c.lon,
        planar=c.planar,
    )


def pool_region(
    region: Region, check_eligibility: bool = True
) -> tuple[Region, list[str], list[tuple[str, str]]]:
    """The region with its eligible candidates as potential methodists, the eligible ids and
    the excluded ones with the reason: what a pool plan's documents are made from too."""
    excluded: list[tuple[str, str]] = []
    eligible = []
    for candidate in region.candidates:
        reason = exclusion_reason(candidate) if check_eligibility else None
        if reason:
            excluded.append((candidate.candidate_id, reason))
        else:
            eligible.append(candidate.candidate_id)
    widened = region.changed(
        methodists=region.methodists + tuple(_as_methodist(region, c) for c in eligible),
        candidates=(),
    )
    return widened, eligible, excluded


def _names(region: Region) -> dict[str, str]:
    return {c.candidate_id: c.full_name for c in region.candidates}


def size_pool(region: Region, settings: PoolSettings) -> PoolResult:
    """The pool per subject group; a run that would not fit its memory limit is a
    MemoryLimitError before anything is built."""
    start = time.perf_counter()
    widened, eligible, excluded = pool_region(region, settings.check_eligibility)
    candidate_ids = frozenset(eligible)
    memory_limit = (
        round(settings.memory_limit_gb * GB) if settings.memory_limit_gb else default_limit()
    )
    memory = plan_memory(widened, candidate_ids, memory_limit, settings.nearest)
    lists = CandidateLimit(candidate_ids, memory.nearest) if memory.nearest is not None else None
    # a pool serves every teacher: leaving some out is not a smaller pool
    problem = build_problem(
        widened, settings.assignment.model_copy(update={"allow_partial": False}), limit=lists
    )
    components = [
        c for c in problem.components if settings.subject is None or settings.subject in c.subjects
    ]
    problems = unplaceable_messages(problem) if problem.unplaceable else []
    if settings.count is not None and len(components) != 1:
        problems.append(
            "фиксированный размер пула задаётся для одного предмета: укажите предмет (--subject)"
        )
    elif settings.count is not None and settings.count > len(components[0].methodists):
        people = count_ru(len(components[0].methodists), "методист или кандидат")
        problems.append(
            f"{component_name(components[0])}: пул из {fmt_int(settings.count)} не набрать — "
            f"всего {people} (--count)"
        )
    if problems:
        return PoolResult(
            Status.INFEASIBLE,
            time.perf_counter() - start,
            [],
            {},
            excluded,
            problems,
            _plan_problem(widened, problem, candidate_ids, set()),
            candidate_ids,
            settings.count is not None,
            peak_memory_mb(),
            memory,
            _names(region),
        )
    pools: list[SubjectPool] = []
    assignment: dict[str, str] = {}
    reassign = _reassigns(region, settings)
    deadline = start + settings.assignment.time_limit
    limit = settings.assignment.time_limit * (1 - REASSIGN_SHARE if reassign else 1)
    for done, comp in enumerate(components):
        ids = [problem.methodist_ids[int(m)] for m in comp.methodists]
        existing = frozenset(i for i, mid in enumerate(ids) if mid not in candidate_ids)
        share = time_share(limit, start, [c.n_pairs for c in components[done:]])
        kept = _global(comp, existing)
        # The pool cannot be smaller than the methodists it keeps; if they alone can serve every
        # teacher they are the smallest pool, and the exact assignment engine gives its
        # least-travel plan.
        shortcut = False
        began = time.perf_counter()
        if settings.keep_existing and settings.count is None:
            result, plan = solve_component(
                problem, _without(comp, set(map(int, comp.methodists)) - kept), time_limit=share
            )
            # any plan of theirs proves the pool's size (a pool holds them all), its travel
            # proven least or not; the sizing model has only what is left of the share
            shortcut = plan is not None and result.status in (Status.OPTIMAL, Status.FEASIBLE)
            share = max(share - (time.perf_counter() - began), MIN_SHARE)
        if not shortcut:
            spec = PoolSpec(
                existing if settings.keep_existing else frozenset(),
                settings.count,
                memory.model_pairs,
                # free to go, the existing ones stay where a candidate would only save travel
                frozenset() if settings.keep_existing else frozenset(range(len(ids))) - existing,
            )
            result, plan = solve_component(
                problem,
                comp,
                time_limit=share,
                pool=spec,
                integer_solver=INTEGER_SOLVERS[settings.solver],
            )
        if plan is None:
            problems += result.problems or [
                f"{component_name(comp)}: пул подобрать не удалось ({STATUS_RU[result.status]})"
            ]
            pools.append(
                SubjectPool(
                    comp.subjects, result.status, 0, float("nan"), result.bound, result.runtime
                )
            )
            continue
        distribute_plan(comp, plan, problem.methodist_ids, problem.teacher_ids, assignment)
        opened = {problem.methodist_ids[m] for m in (kept if shortcut else plan.opened)}
        if shortcut:
            result.bound = float(len(opened))  # the kept methodists: a proven minimum
        pools.append(
            SubjectPool(
                comp.subjects,
                result.status,
                len(opened),
                0.0,  # from the plan's problem, below
                result.bound,
                result.runtime,
                kept=sorted(m for m in opened if m not in candidate_ids),
                released=sorted(m for i, m in enumerate(ids) if i in existing and m not in opened),
                recruited=sorted(m for m in opened if m in candidate_ids),
            )
        )
    if reassign:
        assignment = _fewest_changes(widened, problem, pools, assignment, deadline)
    opened_ids = {m for p in pools for m in p.recruited}
    plan_problem = _plan_problem(widened, problem, candidate_ids, opened_ids)
    for item in pools:
        if item.pool_size:
            item.travel = _travel(plan_problem, item.subjects, assignment)
    return PoolResult(
        overall_status({p.status for p in pools}),
        time.perf_counter() - start,
        pools,
        assignment,
        excluded,
        problems,
        plan_problem,
        candidate_ids,
        settings.count is not None,
        peak_memory_mb(),
        memory,
        _names(region),
        frozenset(c.candidate_id for c in region.candidates if not c.eligibility_known),
    )


def _reassigns(region: Region, settings: PoolSettings) -> bool:
    """Whether the pool's teachers are assigned again by the region's ranking: a sized pool
    (not a fixed count, whose objective is travel) of a region with a current order, whose
    ranking counts the changes against it."""
    counts_changes = Term.CHANGES in settings.assignment.active_terms
    return settings.count is None and bool(region.current_methodist_of) and counts_changes


def _fewest_changes(
    widened: Region,
    problem: AssignmentProblem,
    pools: list[SubjectPool],
    assignment: dict[str, str],
    deadline: float,
) -> dict[str, str]:
    """The pool's teachers assigned again over the pool's methodists by the assignment
    engine and the region's ranking (the changes against the current order first): the
    sizing model places teachers by travel alone and moved half of Tambov's teachers where
    a pool of the same people needs far fewer moves. A subject group the engine leaves
    without a full plan in the time keeps the sizing model's."""
    sized = {s for pool in pools if pool.pool_size for s in pool.subjects}
    if not sized:
        return assignment
    in_pool = {m for pool in pools for m in (*pool.kept, *pool.recruited)}
    left_out = {  # released existing methodists and candidates not recruited
        m.methodist_id
        for m in widened.methodists
        if set(m.subjects) & sized and m.methodist_id not in in_pool
    }
    chosen = widened.changed(
        methodists=tuple(m for m in widened.methodists if m.methodist_id not in left_out)
    )
    again = build_problem(chosen, problem.settings)
    components = [c for c in again.components if set(c.subjects) & sized]
    start, planned = time.perf_counter(), dict(assignment)
    for done, comp in enumerate(components):
        share = time_share(
            max(deadline - start, MIN_SHARE), start, [c.n_pairs for c in components[done:]]
        )
        result, plan = solve_component(again, comp, time_limit=max(share, MIN_SHARE))
        if plan is None or any(plan.unplaced.values()) or not result.status.has_plan:
            continue
        distribute_plan(comp, plan, again.methodist_ids, again.teacher_ids, planned)
    return planned


def _plan_problem(
    widened: Region,
    problem: AssignmentProblem,
    candidate_ids: frozenset[str],
    recruited: set[str],
) -> AssignmentProblem:
    """The problem the plan is reported on. Sized from candidate lists, the sizing problem
    holds no travel matrix for the candidates; the plan's problem has the methodists and the
    recruited candidates only, a matrix a fraction of the size."""
    methodists = tuple(
        m
        for m in widened.methodists
        if m.methodist_id not in candidate_ids or m.methodist_id in recruited
    )
    if problem.candidate_costs is None or not methodists:
        return problem  # every pair built, or no plan and no one to report it on
    return build_problem(widened.changed(methodists=methodists), problem.settings)


def _global(comp: Component, local: frozenset[int]) -> set[int]:
    return {int(comp.methodists[i]) for i in local}


def _without(comp: Component, drop: set[int]) -> Component:
    """The component with some methodists (global indices) and their pairs taken out."""
    keep_m = np.array([int(m) not in drop for m in comp.methodists])
    keep_p = np.array([int(m) not in drop for m in comp.pair_methodist], dtype=bool)
    return replace(
        comp,
        methodists=comp.methodists[keep_m],
        min_load=comp.min_load[keep_m],
        max_load=comp.max_load[keep_m],
        **comp.pairs_at(keep_p),
    )


def _travel(
    problem: AssignmentProblem, subjects: tuple[str, ...], assignment: dict[str, str]
) -> float:
    """Travel of the subjects' teachers, recomputed from the plan."""
    part = {
        t: m for t, m in assignment.items() if problem.region.teacher_by_id[t].subject in subjects
    }
    return raw_terms(problem, part)["travel"]
