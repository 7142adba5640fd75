"""The assignment engine against the greedy baseline and a plain MIP in HiGHS, in one run.

Part 1, the sample regions (their demo settings): the engine's default ranked objective, and
the travel-only objective that all three methods can share — the engine, the greedy nearest
methodist with room, and a plain MIP with one binary per teacher × methodist in HiGHS.
Part 2, a generated national case: 85 regions, about a million teachers, solved one region at
a time; total time and peak memory, with the greedy baseline beside it and HiGHS on the
first regions only (it would take hours on all).

Run: .venv/bin/python bench/assignment_bench.py [--regions 85] [--teachers 1000000]
"""

from __future__ import annotations

import argparse
import math
import resource
import tempfile
import time
from pathlib import Path

import highspy
import numpy as np

from assign.assignment import AssignmentSettings, Status, Weights, build_problem, solve
from assign.assignment.greedy import solve_greedy
from assign.assignment.kpi import raw_terms
from assign.assignment.problem import OBJECTIVE_SCALE, AssignmentProblem, pair_costs
from assign.domain import Region
from assign.io import load_region_or_raise
from assign.io.writer import write_tables
from assign.sample.national import national_plan, national_tables
from assign.sample.profiles import PROFILES

DATA = Path(__file__).resolve().parents[1] / "data"
TRAVEL_ONLY = Weights(travel=1, changes=0, split=0, balance=0)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def highs_travel(problem: AssignmentProblem, time_limit: float) -> tuple[float, float, float]:
    """A plain MIP over teachers: x[t, m] binary for every eligible pair; travel only.
    Returns (objective in hours, relative gap, seconds)."""
    region, settings = problem.region, problem.settings
    hours, km, in_person = pair_costs(problem.travel, settings)
    cost = km if settings.objective == "distance" else hours
    s_index = {s: i for i, s in enumerate(problem.school_ids)}
    limits = {}
    for comp in problem.components:
        for i, m in enumerate(comp.methodists):
            limits[int(m)] = (comp.min_load[i] / 100, comp.max_load[i] / 100)
    cols_t, cols_m, costs = [], [], []
    covering = {
        s: [i for i, m in enumerate(region.methodists) if s in m.subjects]
        for s in region.teachers_by_subject
    }
    for t, teacher in enumerate(region.teachers):
        school = s_index[teacher.school_id]
        for m in covering[teacher.subject]:
            if in_person[school, m] or settings.reach == "remote":
                cols_t.append(t)
                cols_m.append(m)
                costs.append(round(float(cost[school, m]) * OBJECTIVE_SCALE))
    n_cols, n_t, n_m = len(costs), len(region.teachers), len(region.methodists)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_t + n_m
    lp.col_cost_ = np.array(costs, dtype=float)
    lp.col_lower_, lp.col_upper_ = np.zeros(n_cols), np.ones(n_cols)
    low = np.array([limits.get(m, (0, 0))[0] for m in range(n_m)])
    high = np.array([limits.get(m, (0, 0))[1] for m in range(n_m)])
    lp.row_lower_ = np.concatenate([np.ones(n_t), low])
    lp.row_upper_ = np.concatenate([np.ones(n_t), high])
    index = np.empty(2 * n_cols, dtype=np.int32)
    index[0::2], index[1::2] = cols_t, n_t + np.array(cols_m)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, 2 * n_cols + 1, 2, dtype=np.int32)
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = np.ones(2 * n_cols)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_cols
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", time_limit)
    h.setOptionValue("threads", 2)
    h.passModel(lp)
    start = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - start
    info = h.getInfo()
    value = info.objective_function_value / OBJECTIVE_SCALE
    gap = info.mip_gap if math.isfinite(info.mip_gap) else float("nan")
    return value, gap, seconds


def engine(region: Region, settings: AssignmentSettings) -> tuple[AssignmentProblem, object, float]:
    start = time.perf_counter()
    problem = build_problem(region, settings)
    result = solve(problem)
    return problem, result, time.perf_counter() - start


def part_samples(highs_limit: float) -> None:
    print("== Sample regions (problem build + solve, seconds)")
    print(
        f"{'region':<9}{'objective':<11}{'status':<9}{'engine s':>9}{'travel h':>13}"
        f"{'greedy h':>12}{'HiGHS h':>13}{'HiGHS gap':>10}{'HiGHS s':>9}{'HiGHS/eng':>10}"
        f"{'greedy/opt':>11}"
    )
    for key, profile in PROFILES.items():
        region = load_region_or_raise(DATA / key)
        base = AssignmentSettings(**profile.demo_settings)
        problem, result, seconds = engine(region, base)
        print(
            f"{key:<9}{'ranked':<11}{result.status.value:<9}{seconds:>9.2f}"
            f"{raw_terms(problem, result.assignment)['travel']:>13,.2f}"
        )
        travel = base.model_copy(update={"weights": TRAVEL_ONLY})
        problem, result, seconds = engine(region, travel)
        greedy = solve_greedy(problem)
        greedy_cost = raw_terms(problem, greedy.assignment)["travel"]
        greedy_note = "" if _keeps_limits(problem, greedy.assignment) else "*"
        h_value, h_gap, h_seconds = highs_travel(problem, highs_limit)
        print(
            f"{key:<9}{'travel':<11}{result.status.value:<9}{seconds:>9.2f}"
            f"{result.objective:>13,.2f}{greedy_cost:>11,.1f}{greedy_note:1}{h_value:>13,.2f}"
            f"{h_gap:>10.4%}{h_seconds:>9.2f}{h_seconds / seconds:>10.1f}"
            f"{greedy_cost / result.objective:>11.3f}"
        )
    print(
        "* greedy left teachers out or broke minimum loads (it ignores them), so its cost is "
        "not comparable"
    )


def _keeps_limits(problem: AssignmentProblem, assignment: dict[str, str]) -> bool:
    if len(assignment) != len(problem.region.teachers):
        return False
    loads: dict[str, int] = {}
    for methodist_id in assignment.values():
        loads[methodist_id] = loads.get(methodist_id, 0) + 100
    return all(
        int(comp.min_load[i])
        <= loads.get(problem.methodist_ids[int(m)], 0)
        <= int(comp.max_load[i])
        for comp in problem.components
        for i, m in enumerate(comp.methodists)
    )


def part_hard(time_limit: float) -> None:
    """The modes without a network structure: category weights, and the split term ranked;
    each with HiGHS (the default integer solver) and with CP-SAT (the previous one, the
    baseline) in the same run."""
    print(f"\n== Harder objectives on the sample regions ({time_limit:.0f} s limit)")
    print(
        f"{'region':<9}{'mode':<10}{'solver':<7}{'status':<12}{'objective':>12}{'bound':>12}"
        f"{'gap':>10}{'seconds':>9}{'proven':>8}{'s / CP-SAT s':>14}"
    )
    modes = {
        "weighted": {"load_unit": "weighted"},
        "split": {"ranking": ("travel", "changes", "split", "balance")},
    }
    for key, profile in PROFILES.items():
        region = load_region_or_raise(DATA / key)
        for mode, extra in modes.items():
            rows = []
            for solver in ("cpsat", "highs"):
                settings = AssignmentSettings(
                    **profile.demo_settings, **extra, time_limit=time_limit, solver=solver
                )
                _, result, seconds = engine(region, settings)
                rows.append((solver, result, seconds))
            baseline = rows[0][2]
            for solver, result, seconds in rows[::-1]:
                proven = sum(c.status is Status.OPTIMAL for c in result.components)
                print(
                    f"{key:<9}{mode:<10}{solver:<7}{result.status.value:<12}"
                    f"{result.objective:>12,.2f}{result.bound:>12,.2f}{result.gap:>10.4%}"
                    f"{seconds:>9.1f}{proven:>5}/{len(result.components):<2}"
                    f"{seconds / baseline:>14.2f}"
                )


def synthetic_region(name: str, teachers: int, seed: int) -> Region:
    """A region of the national sample (`assign sample national`), read as a folder is."""
    with tempfile.TemporaryDirectory() as tmp:
        write_tables(national_tables(name, teachers, seed), Path(tmp))
        return load_region_or_raise(Path(tmp))


def part_national(n_regions: int, n_teachers: int, highs_regions: int, highs_limit: float) -> None:
    print(
        f"\n== National case: {n_regions} regions, ~{n_teachers:,} teachers "
        "(generated; one region at a time)"
    )
    plan = national_plan(n_regions, n_teachers)
    settings = AssignmentSettings()
    totals = {"teachers": 0, "engine": 0.0, "greedy": 0.0, "optimal": 0, "generate": 0.0}
    largest = (0, 0.0)
    comparisons = []
    for index, (name, size) in enumerate(plan):
        start = time.perf_counter()
        region = synthetic_region(name, size, seed=index)
        totals["generate"] += time.perf_counter() - start
        problem, result, seconds = engine(region, settings)
        totals["engine"] += seconds
        totals["teachers"] += len(region.teachers)
        totals["optimal"] += result.status is Status.OPTIMAL
        if len(region.teachers) > largest[0]:
            largest = (len(region.teachers), seconds)
        start = time.perf_counter()
        solve_greedy(problem)
        totals["greedy"] += time.perf_counter() - start
        if index < highs_regions:
            travel = settings.model_copy(update={"weights": TRAVEL_ONLY})
            travel_problem, travel_result, t_seconds = engine(region, travel)
            h_value, h_gap, h_seconds = highs_travel(travel_problem, highs_limit)
            comparisons.append(
                (
                    name,
                    len(region.teachers),
                    travel_result.objective,
                    t_seconds,
                    h_value,
                    h_gap,
                    h_seconds,
                )
            )
    print(
        f"teachers {totals['teachers']:,}; regions proven optimal {totals['optimal']}/"
        f"{len(plan)}; engine (build + solve) {totals['engine']:.1f} s; greedy "
        f"{totals['greedy']:.1f} s; data generation {totals['generate']:.1f} s (not counted)"
    )
    print(
        f"largest region: {largest[0]:,} teachers in {largest[1]:.2f} s; "
        f"peak memory of this process {peak_mb():,.0f} MB"
    )
    for name, size, value, seconds, h_value, h_gap, h_seconds in comparisons:
        print(
            f"  {name} ({size:,} teachers), travel only: engine {value:,.1f} h in "
            f"{seconds:.2f} s; HiGHS {h_value:,.1f} h (gap {h_gap:.4%}) in {h_seconds:.2f} s; "
            f"ratio {h_seconds / seconds:.1f}×"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=85)
    parser.add_argument("--teachers", type=int, default=1_000_000)
    parser.add_argument("--highs-regions", type=int, default=3)
    parser.add_argument("--highs-limit", type=float, default=300.0)
    parser.add_argument("--hard-limit", type=float, default=120.0)
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--skip-hard", action="store_true")
    args = parser.parse_args()
    part_samples(args.highs_limit)
    if not args.skip_hard:
        part_hard(args.hard_limit)
    if not args.skip_national:
        part_national(args.regions, args.teachers, args.highs_regions, args.highs_limit)


if __name__ == "__main__":
    main()
