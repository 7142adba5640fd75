"""A fixed-size pool's bound and local search, checked against independent computations:
knapsacks by enumeration, bounds against the LP and the published optima of the
Osman–Christofides instances, plans re-checked for capacity and service."""

from __future__ import annotations

import csv
import importlib
import itertools
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import highspy
import numpy as np
import pytest

from assign.assignment import AssignmentSettings, Status, build_problem, neighbourhood
from assign.assignment.candidates import CandidateLimit
from assign.assignment.fixed_pool import FixedPool
from assign.assignment.formulation import WEIGHT_SCALE, PoolSpec, formulate
from assign.assignment.growth import Growth
from assign.assignment.lagrange import lagrangian_bound, pair_bounds
from assign.assignment.lp import Relaxation, solve_relaxation
from assign.assignment.mip import solve_highs
from assign.assignment.neighbourhood import local_search
from assign.assignment.problem import AssignmentProblem, Component
from assign.assignment.settings import Term
from assign.assignment.solve import _fixed_pool_stages
from assign.assignment.stages import STOP, Outcome, stopping_on
from assign.domain import Region
from assign.io import load_region
from assign.pool import PoolResult, PoolSettings, size_pool
from assign.pool.sizing import pool_region
from assignment_helpers import planar_region
from test_pool import _with_candidates

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import cpmp_bench  # the benchmark's instance reader and region writer

KNOWN = {
    row["instance"]: float(row["bks"])
    for row in csv.DictReader((cpmp_bench.BENCH / "bks.csv").open(encoding="utf-8"))
}


def _oc(tmp_path: Path, name: str, nearest: int | None = None):
    """An Osman–Christofides instance as the benchmark builds it: (problem, component, p)."""
    p, capacity, points = cpmp_bench.read_instance(cpmp_bench.BENCH / "cpmp" / f"{name}.txt")
    cpmp_bench.write_region(tmp_path / name, points, True)
    region = load_region(tmp_path / name).region
    assert region is not None
    widened, eligible, _ = pool_region(region, False)
    settings = AssignmentSettings(
        min_load=0, max_load=capacity, objective="distance", load_unit="weighted"
    )
    limit = CandidateLimit(frozenset(eligible), nearest) if nearest else None
    problem = build_problem(widened, settings, limit=limit)
    return problem, problem.components[0], p


def _fixed(comp: Component, p: int) -> FixedPool:
    return FixedPool(comp, comp.pair_travel * float(WEIGHT_SCALE), p, frozenset())


def _lp(problem: AssignmentProblem, comp: Component, p: int):
    full = formulate(comp, np.arange(comp.n_pairs), False, (Term.TRAVEL,), PoolSpec(frozenset(), p))
    relaxation = solve_relaxation(full, *_fixed_pool_stages(problem, full)[0])
    duals = np.array([relaxation.duals[full.assign_row[g]] for g in range(comp.n_groups)])
    opened = np.array([relaxation.values[full.open[m]] for m in range(len(comp.methodists))])
    return relaxation.objective, duals, opened


def _arbitrary_start(pool: FixedPool, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Every seventh candidate open — an arbitrary open set, far from the optimum — and its
    allocation: (counts, opened)."""
    opened = np.zeros(pool.n_fac, dtype=bool)
    opened[np.arange(p) * 7] = True
    counts = pool.allocate(opened)
    assert counts is not None
    return counts, opened


def _check_plan(pool: FixedPool, counts: np.ndarray, opened: np.ndarray, p: int) -> None:
    """Every teacher served once, only by open methodists, within their capacity."""
    assert (pool.unserved(counts) == 0).all()
    loads = pool.loads(counts)
    assert (loads <= pool.cap).all()
    assert (loads[~opened] == 0).all() and opened.sum() == p


def _weighted_schools(
    rng: np.random.Generator, count: int, side: float, shift: tuple[float, float]
) -> Region:
    """`count` schools on a square of `side` km, each with 1–3 math teachers of one weight
    2–5, a candidate `shift` km from each, one methodist at the corner: widened for sizing."""
    schools = [
        (f"S{i}", float(rng.uniform(0, side)), float(rng.uniform(0, side))) for i in range(count)
    ]
    teachers = []
    for s, _, _ in schools:
        weight = float(rng.integers(2, 6))
        teachers += [(f"T{s}{k}", s, "Математика", weight) for k in range(int(rng.integers(1, 4)))]
    region = planar_region(schools, teachers, [("X", "Математика", 0.0, 0.0, None, None)])
    dx, dy = shift
    candidates = [(f"C{i}", x + dx, y + dy) for i, (_, x, y) in enumerate(schools)]
    widened, _, _ = pool_region(_with_candidates(region, candidates, False), False)
    return widened


def test_knapsacks_equal_enumeration() -> None:
    """Schools with several teachers of one weight (a group of count > 1, split into 1, 2, 4…
    copies), weights 2–5, a capacity of 9: each methodist's best knapsack at random prices
    equals the best of every integer choice of teachers."""
    rng = np.random.default_rng(7)
    widened = _weighted_schools(rng, 5, 80.0, (5.0, 0.0))
    settings = AssignmentSettings(min_load=0, max_load=9, load_unit="weighted")
    comp = build_problem(widened, settings).components[0]
    assert comp.group_count.max() > 1
    pool = _fixed(comp, 2)
    for _ in range(5):
        prices = pool.cost.max() * rng.uniform(0.2, 1.2, comp.n_groups)
        value, taken = pool.knapsacks(prices)
        for m in range(pool.n_fac):
            own = np.flatnonzero(pool.pair_fac == m)
            best = 0.0
            for choice in itertools.product(*(range(pool.n[pool.pair_group[q]] + 1) for q in own)):
                x = np.array(choice)
                if (x * pool.weight[pool.pair_group[own]]).sum() <= pool.cap[m]:
                    best = min(
                        best, float((x * (pool.cost[own] - prices[pool.pair_group[own]])).sum())
                    )
            assert value[m] == pytest.approx(best)
            got = taken[own]
            assert (got * pool.weight[pool.pair_group[own]]).sum() <= pool.cap[m]
            assert (got * (pool.cost[own] - prices[pool.pair_group[own]])).sum() == pytest.approx(
                best
            )


@pytest.mark.parametrize("name", ["oc01", "oc08"])
def test_lagrangian_bound_lies_between_the_lp_and_the_known_optimum(
    tmp_path: Path, name: str
) -> None:
    """The integer knapsacks raise the bound over the LP's, never past the published optimum
    (floored distances in points: × 100 per km, × WEIGHT_SCALE in the model)."""
    problem, comp, p = _oc(tmp_path, name)
    lp, duals, _ = _lp(problem, comp, p)
    pool = _fixed(comp, p)
    optimum = KNOWN[name] * 100 * WEIGHT_SCALE
    found = lagrangian_bound(
        pool, duals, np.full(comp.n_groups, np.inf), optimum, time.perf_counter() + 30
    )
    assert lp + 1 < found.bound <= optimum + 1e-6
    assert found.steps > 1


def test_a_bound_over_candidate_lists_is_capped_by_the_pairs_not_built(tmp_path: Path) -> None:
    """oc01 with each school's 2 nearest candidates only: prices capped at the cheapest pair
    left out keep the bound under the whole problem's optimum (713); uncapped, the bound of
    the lists alone passes it — the lists' own optimum is dearer."""
    problem, comp, p = _oc(tmp_path, "oc01", nearest=2)
    assert problem.candidate_costs is not None
    _, duals, _ = _lp(problem, comp, p)
    growth = Growth(problem, problem.candidate_costs, float(WEIGHT_SCALE), 10**6)
    cap = growth.cheapest_outside(comp)
    assert np.isfinite(cap).all()
    pool = _fixed(comp, p)
    optimum = KNOWN["oc01"] * 100 * WEIGHT_SCALE
    capped = lagrangian_bound(pool, duals, cap, optimum, time.perf_counter() + 30)
    free = lagrangian_bound(
        pool, duals, np.full(comp.n_groups, np.inf), np.inf, time.perf_counter() + 30
    )
    assert capped.bound <= optimum + 1e-6
    assert free.bound > optimum


def test_an_open_set_with_room_sends_each_teacher_to_the_nearest_open_methodist(
    tmp_path: Path,
) -> None:
    _, comp, p = _oc(tmp_path, "oc01")
    pool = _fixed(comp, p)
    pool.cap[:] = int((pool.n * pool.weight).sum())  # room for everyone anywhere
    opened = np.zeros(pool.n_fac, dtype=bool)
    opened[[3, 17, 25, 31, 44]] = True
    counts = pool.allocate(opened)
    assert counts is not None
    _check_plan(pool, counts, opened, p)
    nearest = sum(
        pool.cost[own[opened[pool.pair_fac[own]]]].min()
        for own in (np.flatnonzero(pool.pair_group == g) for g in range(pool.n_groups))
    )
    assert pool.objective(counts) == pytest.approx(nearest)


@pytest.mark.parametrize("name", ["oc01", "oc02", "oc03"])
def test_the_local_search_reaches_the_known_optimum(tmp_path: Path, name: str) -> None:
    """From the LP's most open methodists, sub-pools and drop–add moves reach the published
    optimum of 50-point instances; the plan is re-checked for capacity and service."""
    problem, comp, p = _oc(tmp_path, name)
    _, _, score = _lp(problem, comp, p)
    pool = _fixed(comp, p)
    start = pool.first_open(score)
    first = pool.allocate(start)
    searched = local_search(comp, pool, start, problem.settings, time.perf_counter() + 60)
    assert searched is not None and searched.complete
    _check_plan(pool, searched.counts, searched.opened, p)
    assert searched.objective == pytest.approx(KNOWN[name] * 100 * WEIGHT_SCALE)
    assert first is not None and searched.objective <= pool.objective(first)


def test_a_pool_whose_lp_does_not_end_still_gets_a_plan_and_a_valid_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Region scale, where the LP may not end in its share of the time: with every LP
    stopped, `assign pool --count` still plans oc01 from the Lagrangian prices and the local
    search; the plan is re-checked on the instance's own distances and the bound stays under
    the published optimum."""
    solve_module = importlib.import_module("assign.assignment.solve")

    def stopped(f: object, coefs: object, constant: object, time_limit: object = None):
        empty = np.zeros(1)
        return Relaxation(False, float("inf"), empty, empty, empty, stopped=True)

    monkeypatch.setattr(solve_module, "solve_relaxation_highs", stopped)
    result, travel = _pool_of_oc(tmp_path, "oc01", 10)
    (pool,) = result.pools
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert 600 < pool.bound <= KNOWN["oc01"] <= travel


@pytest.mark.parametrize("solver", ["highs", "cpsat"])
def test_a_cancel_stops_a_pool_while_it_searches(tmp_path: Path, solver: str) -> None:
    """A cancelled pool job stops within a fraction of a second, whatever runs: oc20's local
    search (some 10 s, sub-pools solved on threads of its own) and Lagrangian steps watch
    the stop event, as the integer solvers do. The job ends without a plan."""
    p, capacity, points = cpmp_bench.read_instance(cpmp_bench.BENCH / "cpmp" / "oc20.txt")
    cpmp_bench.write_region(tmp_path / "oc20", points, True)
    region = load_region(tmp_path / "oc20").region
    assert region is not None
    settings = AssignmentSettings(
        min_load=0, max_load=capacity, objective="distance", load_unit="weighted", time_limit=60
    )
    stop = threading.Event()
    cancel = threading.Timer(2.0, stop.set)
    with stopping_on(stop):
        cancel.start()
        started = time.perf_counter()
        result = size_pool(
            region,
            PoolSettings(assignment=settings, count=p, check_eligibility=False, solver=solver),
        )
    assert stop.is_set() and time.perf_counter() - started < 6.0
    assert result.status is Status.UNKNOWN and not result.assignment


def _pool_of_oc(tmp_path: Path, name: str, time_limit: float) -> tuple[PoolResult, float]:
    """`assign pool --count p` on an Osman–Christofides instance, as the benchmark runs it:
    the result and its travel re-checked on the instance's own (floored) distances, after
    checking that the plan serves every point once, by p medians within capacity."""
    p, capacity, points = cpmp_bench.read_instance(cpmp_bench.BENCH / "cpmp" / f"{name}.txt")
    cpmp_bench.write_region(tmp_path / name, points, True)
    region = load_region(tmp_path / name).region
    assert region is not None
    settings = AssignmentSettings(
        min_load=0,
        max_load=capacity,
        objective="distance",
        load_unit="weighted",
        time_limit=time_limit,
    )
    result = size_pool(region, PoolSettings(assignment=settings, count=p, check_eligibility=False))
    served = {int(t[1:]): int(m[1:]) for t, m in result.assignment.items()}
    assert len(served) == len(points) and len(set(served.values())) == p
    loads: dict[int, float] = {}
    for t, m in served.items():
        loads[m] = loads.get(m, 0.0) + points[t][2]
    assert max(loads.values()) <= capacity
    travel = sum(cpmp_bench.distance(points[t], points[m], True) for t, m in served.items())
    (pool,) = result.pools
    assert pool.travel == pytest.approx(travel)
    return result, travel


def _as_large_pool_from_a_poor_start(monkeypatch: pytest.MonkeyPatch, nearest: int) -> None:
    """A small instance taken for a large pool (guided by each school's `nearest` candidates)
    whose local search returns an arbitrary open set as it is allocated, far above the
    optimum: the window, the pruning and their proof then decide the plan."""
    engine = importlib.import_module("assign.assignment.solve")
    monkeypatch.setattr(engine, "GUIDE_MIN_PAIRS", 0)
    monkeypatch.setattr(engine, "GUIDE_NEAREST", nearest)

    def no_search(comp, pool, opened, settings, deadline):  # type: ignore[no-untyped-def]
        counts, opened = _arbitrary_start(pool, pool.count)
        complete = not pool.unserved(counts).any()
        return neighbourhood.Searched(counts, opened, pool.objective(counts), complete, 0, 0)

    monkeypatch.setattr(engine, "local_search", no_search)


@pytest.mark.parametrize(("nearest", "guided"), [(20, True), (1, False)])
def test_a_large_pool_is_guided_by_its_nearest_pairs_and_proven_by_the_lagrangian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nearest: int, guided: bool
) -> None:
    """oc01 taken for a large pool: the only LP is the one over each school's `nearest`
    candidates, and the Lagrangian's bound and pair bounds stand in for the whole LP's —
    still proven at the published optimum. With one candidate each (itself), that LP must
    leave schools out, so the whole LP is solved after it, as for any pool."""
    engine = importlib.import_module("assign.assignment.solve")
    _as_large_pool_from_a_poor_start(monkeypatch, nearest)
    lp_pairs: list[int] = []
    solve_lp = engine.solve_relaxation_highs

    def counted(f, *args):  # type: ignore[no-untyped-def]
        lp_pairs.append(len(f.x))
        return solve_lp(f, *args)

    monkeypatch.setattr(engine, "solve_relaxation_highs", counted)
    result, travel = _pool_of_oc(tmp_path, "oc01", 60)
    (pool,) = result.pools
    schools = 50
    assert lp_pairs[0] == schools * nearest
    assert lp_pairs[1:] == ([] if guided else [schools * schools])
    assert result.status is Status.OPTIMAL
    assert travel == pytest.approx(KNOWN["oc01"])
    assert pool.bound == pytest.approx(travel, abs=1e-6)


@pytest.mark.parametrize("share", [0.0, 0.5])
def test_the_first_window_of_a_large_pool_widens_until_the_optimum_is_proven(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    """A large fixed-size pool's first model holds the pairs within a share of the gap; with
    none of it (only the start's pairs and those at the bound), the rounds widen the window
    until nothing left out can do better: oc04, taken for a large pool, ends proven at its
    published optimum either way (with none, its first model's optimum is 654 against 651)."""
    engine = importlib.import_module("assign.assignment.solve")
    _as_large_pool_from_a_poor_start(monkeypatch, 20)
    monkeypatch.setattr(engine, "FIRST_WINDOW", share)
    result, travel = _pool_of_oc(tmp_path, "oc04", 60)
    (pool,) = result.pools
    assert result.status is Status.OPTIMAL
    assert travel == pytest.approx(KNOWN["oc04"])
    assert pool.bound == pytest.approx(travel, abs=1e-6)


def test_sub_pools_solved_together_apply_in_either_order(tmp_path: Path) -> None:
    """Sub-pools of one batch share no methodist, so each one's better plan applies on top of
    the others' whatever the order: from a poor plan of oc11, every pair of disjoint
    sub-pools that both gain gives one plan both ways, travel falling by the sum of the two
    gains, and a plan that serves everyone within capacity. (Solved on a thread of their own,
    as the search does: HiGHS's scheduler of a thread keeps the thread count of its first run.)"""
    problem, comp, p = _oc(tmp_path, "oc11")
    thread = ThreadPoolExecutor(1)

    def solve(sub: neighbourhood._Sub) -> Outcome:
        return thread.submit(sub.solve, problem.settings, time.perf_counter() + 10).result()

    pool = _fixed(comp, p)
    counts, opened = _arbitrary_start(pool, p)
    assert not pool.unserved(counts).any()
    plan = neighbourhood._Current.of(pool, counts, opened)
    neighbours = neighbourhood._neighbours(pool, plan, 2)
    cut = []
    for s in np.flatnonzero(opened):
        freed = [int(s), *(int(t) for t in neighbours[int(s)])]
        sub = neighbourhood._cut_sub(comp, pool, plan, freed, 1)
        better = sub.better(pool, plan, solve(sub))
        if better is not None:
            cut.append((sub, better))
    pairs = [
        (a, b) for a, b in itertools.combinations(cut, 2) if not set(a[0].chosen) & set(b[0].chosen)
    ]
    assert pairs, "no two disjoint sub-pools gain from this plan"
    for (a, a_plan), (b, b_plan) in pairs:
        outcome_a, outcome_b = solve(a), solve(b)
        ab = b.better(pool, neighbourhood._Current.of(pool, *a_plan), outcome_b)
        ba = a.better(pool, neighbourhood._Current.of(pool, *b_plan), outcome_a)
        assert ab is not None and ba is not None
        assert (ab[0] == ba[0]).all() and (ab[1] == ba[1]).all()
        gains = 2 * pool.objective(counts) - pool.objective(a_plan[0]) - pool.objective(b_plan[0])
        assert pool.objective(ab[0]) == pytest.approx(pool.objective(counts) - gains)
        _check_plan(pool, ab[0], ab[1], p)
    thread.shutdown()


def test_the_batched_local_search_repeats_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches depend on the plan alone: searches that run to their end (no clock stop) give
    the same plan with two threads or one, and never a worse one than their start."""
    problem, comp, p = _oc(tmp_path, "oc11")
    _, _, score = _lp(problem, comp, p)
    pool = _fixed(comp, p)
    start = pool.first_open(score)
    monkeypatch.setattr(neighbourhood, "LEVELS", neighbourhood.LEVELS[:2])  # the test's time
    runs = [local_search(comp, pool, start, problem.settings, time.perf_counter() + 120)]
    monkeypatch.setattr(neighbourhood, "WORKERS", 1)
    runs.append(local_search(comp, pool, start, problem.settings, time.perf_counter() + 120))
    first = pool.allocate(start)
    assert first is not None
    for run in runs:
        assert run is not None and run.complete
        _check_plan(pool, run.counts, run.opened, p)
        assert (run.counts == runs[0].counts).all()
        assert run.objective <= pool.objective(first)


def test_teachers_left_out_are_offered_to_one_sub_pool_of_a_batch(tmp_path: Path) -> None:
    """Sub-pools cut together from a plan that leaves teachers out: each such teacher goes to
    one sub-pool only (however many can reach them), so a round of batches never serves a
    teacher twice; the round serves most of them, within capacity, at a lower objective."""
    problem, comp, p = _oc(tmp_path, "oc11")
    pool = _fixed(comp, p)
    counts, opened = _arbitrary_start(pool, p)
    dropped = np.flatnonzero(counts)[::9]  # every ninth pair's teachers left out
    counts[dropped] = 0
    plan = neighbourhood._Current.of(pool, counts, opened)
    assert plan.missing.sum() > 0
    claimed = np.zeros(pool.n_groups, dtype=bool)
    offered = np.zeros(pool.n_groups, dtype=np.int64)
    neighbours = neighbourhood._neighbours(pool, plan, 2)
    for s in np.flatnonzero(opened):
        freed = [int(s), *(int(t) for t in neighbours[int(s)])]
        sub = neighbourhood._cut_sub(comp, pool, plan, freed, 1, claimed)
        offered[sub.groups[sub.missing > 0]] += 1
        claimed[sub.groups[sub.missing > 0]] = True
    assert offered.max() == 1 and (offered > 0).sum() == (plan.missing > 0).sum()
    with ThreadPoolExecutor(neighbourhood.WORKERS) as threads:
        after, gained, _ = neighbourhood._round(
            comp, pool, plan, 0, set(), problem.settings, time.perf_counter() + 60, threads
        )
        swapped = neighbourhood._drop_add(  # its batches offer them once too
            comp, pool, plan, problem.settings, time.perf_counter() + 60, threads
        )
    assert gained and swapped is not None
    for found in (after, swapped):
        left = pool.unserved(found.counts)
        assert (left >= 0).all() and left.sum() < plan.missing.sum()
        assert (pool.loads(found.counts) <= pool.cap).all() and found.opened.sum() == p
        assert pool.objective(found.counts) < pool.objective(counts)


def test_a_drop_add_is_judged_by_an_exact_sub_pool_of_both_areas(tmp_path: Path) -> None:
    """From oc01's optimum with one methodist moved to the far side of the region, the
    drop–add finds the better plan; its plan serves everyone within capacity, travels less
    than the moved one, and no more than a transportation flow would give its open set."""
    problem, comp, p = _oc(tmp_path, "oc01")
    _, _, score = _lp(problem, comp, p)
    pool = _fixed(comp, p)
    best = local_search(
        comp, pool, pool.first_open(score), problem.settings, time.perf_counter() + 60
    )
    assert best is not None and best.objective == pytest.approx(KNOWN["oc01"] * 100 * WEIGHT_SCALE)
    moved = best.opened.copy()
    first = int(np.flatnonzero(moved)[0])
    served_there = np.isin(
        pool.pair_group, pool.pair_group[(pool.pair_fac == first) & (best.counts > 0)]
    )
    mean = np.bincount(pool.pair_fac[served_there], pool.cost[served_there], minlength=pool.n_fac)
    far = int(
        np.argmax(np.where(moved, -np.inf, mean))
    )  # the closed candidate farthest from its teachers
    moved[first], moved[far] = False, True
    counts = pool.allocate(moved)
    assert counts is not None
    plan = neighbourhood._Current.of(pool, counts, moved)
    with ThreadPoolExecutor(neighbourhood.WORKERS) as threads:
        after = neighbourhood._drop_add(
            comp, pool, plan, problem.settings, time.perf_counter() + 60, threads
        )
    assert after is not None
    _check_plan(pool, after.counts, after.opened, p)
    assert pool.objective(after.counts) < pool.objective(counts)
    flow = pool.allocate(after.opened)
    assert flow is not None and pool.objective(after.counts) <= pool.objective(flow) + 1e-6


def _best_allocation(pool: FixedPool, opened: np.ndarray) -> float:
    """The least travel that serves every teacher from the `opened` methodists within their
    capacity: the independent check of an exact reallocation, a generalized assignment
    written here row by row and solved by HiGHS to optimality."""
    pairs = np.flatnonzero(opened[pool.pair_fac])
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    n = len(pairs)
    h.addVars(n, np.zeros(n), pool.n[pool.pair_group[pairs]].astype(float))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), pool.cost[pairs])
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger)
    )
    for g in range(pool.n_groups):
        cols = np.flatnonzero(pool.pair_group[pairs] == g).astype(np.int32)
        h.addRow(float(pool.n[g]), float(pool.n[g]), len(cols), cols, np.ones(len(cols)))
    for m in np.flatnonzero(opened):
        cols = np.flatnonzero(pool.pair_fac[pairs] == m).astype(np.int32)
        weights = pool.weight[pool.pair_group[pairs[cols]]].astype(float)
        h.addRow(-highspy.kHighsInf, float(pool.cap[m]), len(cols), cols, weights)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return float(h.getInfo().objective_function_value)


def test_a_reallocation_is_the_best_assignment_to_the_open_set(tmp_path: Path) -> None:
    """From oc11's plan after a round of the smallest sub-pools, placing every teacher again
    among the open methodists gives a better plan with the same open set, within capacity,
    whose travel is the least any assignment to that set has (`_best_allocation`)."""
    problem, comp, p = _oc(tmp_path, "oc11")
    pool = _fixed(comp, p)
    counts, opened = _arbitrary_start(pool, p)
    plan = neighbourhood._Current.of(pool, counts, opened)
    with ThreadPoolExecutor(neighbourhood.WORKERS) as threads:
        plan, _, _ = neighbourhood._round(
            comp, pool, plan, 0, set(), problem.settings, time.perf_counter() + 60, threads
        )
        after = neighbourhood._reallocate(
            comp, pool, plan, problem.settings, time.perf_counter() + 60, threads
        )
        assert after is not None, "the rounded flow of this plan is not the best assignment"
        again = neighbourhood._reallocate(
            comp, pool, after, problem.settings, time.perf_counter() + 60, threads
        )
    _check_plan(pool, after.counts, after.opened, p)
    assert (after.opened == plan.opened).all()
    assert pool.objective(after.counts) < pool.objective(plan.counts)
    assert pool.objective(after.counts) == pytest.approx(_best_allocation(pool, after.opened))
    assert again is None  # nothing left to gain


def test_a_region_keeps_or_moves_each_methodist_to_its_candidate(tmp_path: Path) -> None:
    """oc01's whole plan as one region (every cluster, one candidate each, every pair): the
    sub-pool opens, for each cluster, its methodist or its candidate and never both, and its
    plan is the best of every such choice, each choice's open set allocated exactly
    (`_best_allocation`)."""
    problem, comp, p = _oc(tmp_path, "oc01")
    pool = _fixed(comp, p)
    counts, opened = _arbitrary_start(pool, p)
    plan = neighbourhood._Current.of(pool, counts, opened)
    clusters = [int(s) for s in np.flatnonzero(opened)]
    freed = neighbourhood._region(
        clusters[0], {s: np.array(clusters) for s in clusters}, opened, set(), p
    )
    assert sorted(freed) == clusters
    at = plan.members(pool, freed)
    owners, candidates = neighbourhood._nearest_candidates(pool, counts, opened, at, 1)
    assert len(set(candidates.tolist())) == len(candidates) == p  # each cluster its own
    sub = neighbourhood._cut_sub(comp, pool, plan, freed, 1, exclusive=True)
    with ThreadPoolExecutor(1) as thread:
        outcome = thread.submit(sub.solve, problem.settings, time.perf_counter() + 60).result()
    found = sub.better(pool, plan, outcome)
    assert found is not None
    new_counts, new_opened = found
    _check_plan(pool, new_counts, new_opened, p)
    for owner, candidate in zip(owners, candidates, strict=True):
        assert new_opened[owner] != new_opened[candidate]
    best = np.inf
    for moves in itertools.product([False, True], repeat=p):
        choice = np.zeros(pool.n_fac, dtype=bool)
        choice[np.where(moves, candidates, owners)] = True
        best = min(best, _best_allocation(pool, choice))
    assert pool.objective(new_counts) == pytest.approx(best)


def test_a_region_grows_breadth_first_through_uncovered_open_clusters() -> None:
    """A region takes its seed's neighbours before theirs, skips clusters closed or already in
    another region of the round, and stops at its size."""
    neighbours = {
        0: np.array([1, 2]),
        1: np.array([3, 0]),
        2: np.array([4, 5]),
        3: np.array([6]),
        4: np.array([6]),
        5: np.array([]),
        6: np.array([]),
    }
    opened = np.ones(7, dtype=bool)
    assert neighbourhood._region(0, neighbours, opened, set(), 10) == [0, 1, 2, 3, 4, 5, 6]
    assert neighbourhood._region(0, neighbours, opened, set(), 4) == [0, 1, 2, 3]
    opened[2] = False
    assert neighbourhood._region(0, neighbours, opened, {3}, 10) == [0, 1]


def test_pair_bounds_never_exceed_the_best_plan_through_the_pair() -> None:
    """Lagrangian reduced-cost fixing is exact: for every pair, the best plan that sends at
    least one teacher along it (HiGHS over every pair, that one held ≥ 1) costs at least the
    pair's bound — and the bound rules some pairs out against the optimum, so it prunes."""
    widened = _weighted_schools(np.random.default_rng(11), 9, 90.0, (3.0, -2.0))
    settings = AssignmentSettings(min_load=0, max_load=30, load_unit="weighted")
    problem = build_problem(widened, settings)
    comp, count = problem.components[0], 3
    assert 0.75 < comp.group_weight @ comp.group_count / (count * comp.max_load[0]) < 1  # tight
    pool = _fixed(comp, count)
    cheapest = np.full(comp.n_groups, np.inf)
    np.minimum.at(cheapest, pool.pair_group, pool.cost)
    steps = lagrangian_bound(
        pool, cheapest, np.full(comp.n_groups, np.inf), np.inf, time.perf_counter() + 10
    )
    bound, with_pair = pair_bounds(pool, steps.prices)
    assert bound == pytest.approx(steps.bound)
    spec = PoolSpec(frozenset(), count)

    def best_through(pair: int | None) -> float:
        f = formulate(comp, np.arange(comp.n_pairs), False, (Term.TRAVEL,), spec)
        if pair is not None:
            f.lb[f.x[pair]] = 1
        outcome = solve_highs(f, _fixed_pool_stages(problem, f), settings)
        if outcome.status is Status.INFEASIBLE:
            return np.inf
        assert outcome.status is Status.OPTIMAL
        return outcome.objective

    optimum = best_through(None)
    assert bound <= optimum + 1e-6
    for pair in range(comp.n_pairs):
        assert with_pair[pair] <= best_through(pair) + 1e-6, pair
    assert (with_pair > optimum + 1e-6).sum() >= comp.n_pairs // 4  # it prunes


@pytest.mark.parametrize(
    ("found", "outer_stop", "status", "refixed"),
    [
        (30.0, False, Status.FEASIBLE, True),
        (80.0, False, Status.FEASIBLE, False),
        (30.0, True, Status.FEASIBLE, False),
        (30.0, False, Status.OPTIMAL, False),
    ],
)
def test_a_much_better_plan_stops_the_solver_to_rule_out_pairs(
    found: float, outer_stop: bool, status: Status, refixed: bool
) -> None:
    """Ten pairs with bounds 0, 10, …, 90: a plan of 30 leaves 4 of them (≤ 60 %), so the
    solver is stopped and the model is made again; a plan of 80 leaves 9, and it goes on.
    A stop of the caller's still stops it, and is not taken for a refix; nor is a solver
    that ended proven all the same (CP-SAT is not interrupted)."""
    engine = importlib.import_module("assign.assignment.solve")
    seen: list[bool] = []
    heard: list[tuple[float, float]] = []

    def solver(f, stages, settings, hint, progress, seconds):  # type: ignore[no-untyped-def]
        progress(found, 0.0)  # the solver's improving-plan callback
        own = STOP.get()
        seen.append(own is not None and own.wait(2.0))  # what its interrupt check would see
        return Outcome(status, np.zeros(1, dtype=np.int64), found, 0.0, 0.1)

    outer = threading.Event()
    if outer_stop:
        outer.set()
    with stopping_on(outer):
        outcome, again = engine._until_fewer_pairs(
            solver,
            None,
            [],
            AssignmentSettings(),
            None,
            1.0,
            np.arange(10) * 10.0,
            lambda objective, bound: heard.append((objective, bound)),
        )
    assert again is refixed and outcome.objective == found
    assert seen == [found < 50]  # the event the solver watched was set
    assert heard == [(found, 0.0)]  # the caller's progress still hears every plan
