"""Weighted loads (`load_unit: weighted`, the categories of 002) on the sample regions: the
engine as it runs (subject groups on two threads), the engine one group after another, and
the baseline — a plain HiGHS MIP of each subject group over every pair, the ranked terms one
after another, without the engine's pruning, starts or windows — all in one run, each with
the same whole-region time limit.

Each row's terms are recomputed from its plan (`kpi.raw_terms`), not taken from the solver;
where the engine and the baseline both prove every group, their ranked terms must be equal
(the lexicographic optimum is one value), and the script says whether they are.

Run: .venv/bin/python bench/weighted_bench.py [--limit 60] [--regions tambov,yakutia]
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

import numpy as np

from assign.assignment import AssignmentSettings, Status, build_problem, solve
from assign.assignment.formulation import formulate
from assign.assignment.kpi import raw_terms
from assign.assignment.mip import solve_highs
from assign.assignment.problem import AssignmentProblem
from assign.io import load_region_or_raise
from assign.sample.profiles import PROFILES

engine = importlib.import_module("assign.assignment.solve")  # the module, not the function
DATA = Path(__file__).resolve().parents[1] / "data"


def plain_highs(problem: AssignmentProblem) -> tuple[dict[str, str], int, float]:
    """Each group's whole model in HiGHS, the ranked terms in turn; the groups one after
    another, each in its share of the limit (as the engine shares it). Returns the plan, the
    groups proven and the seconds."""
    start = time.perf_counter()
    settings = problem.settings
    terms = settings.effective_ranking or ()
    assignment: dict[str, str] = {}
    proven = 0
    components = problem.components
    for done, comp in enumerate(components):
        share = engine.time_share(
            settings.time_limit, start, [c.n_pairs for c in components[done:]]
        )
        model = formulate(comp, np.arange(comp.n_pairs), settings.allow_partial, terms)
        outcome = solve_highs(model, engine._stages(problem, model), settings, time_limit=share)
        proven += outcome.status is Status.OPTIMAL
        if outcome.values is None:
            continue
        plan = engine._plan_of(comp, model, outcome)
        engine.distribute_plan(comp, plan, problem.methodist_ids, problem.teacher_ids, assignment)
    return assignment, proven, time.perf_counter() - start


def row(
    label: str, problem: AssignmentProblem, assignment: dict[str, str], proven: int, seconds: float
) -> tuple[float, ...]:
    terms = raw_terms(problem, assignment)
    ranked = tuple(round(terms[t.value], 4) for t in problem.settings.effective_ranking or ())
    n = len(problem.components)
    print(
        f"  {label:<24}{proven:>4}/{n:<3}{len(assignment):>9,}"
        f"{terms['changes']:>9,.0f}{terms['travel']:>12,.2f}{terms['balance']:>10,.2f}"
        f"{seconds:>9.1f}",
        end="",
    )
    return ranked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--regions", default="tambov,yakutia")
    args = parser.parse_args()
    print(f"== Weighted loads, {args.limit:.0f} s limit for the whole region")
    print(
        f"  {'method':<24}{'proven':>8}{'placed':>9}{'changes':>9}{'travel h':>12}"
        f"{'balance':>10}{'seconds':>9}{'s / baseline s':>16}"
    )
    for key in args.regions.split(","):
        region = load_region_or_raise(DATA / key)
        print(key)
        base = dict(PROFILES[key].demo_settings, load_unit="weighted", time_limit=args.limit)
        plain = build_problem(region, AssignmentSettings(**base, parallel=1))
        plan, proven_plain, plain_seconds = plain_highs(plain)
        rows = []
        for label, parallel in (("engine (2 threads)", None), ("engine (one at a time)", 1)):
            start = time.perf_counter()
            problem = build_problem(region, AssignmentSettings(**base, parallel=parallel))
            result = solve(problem)
            seconds = time.perf_counter() - start
            proven = sum(c.status is Status.OPTIMAL for c in result.components)
            rows.append((row(label, problem, result.assignment, proven, seconds), proven))
            print(f"{seconds / plain_seconds:>16.2f}")
        baseline = row("plain HiGHS (baseline)", plain, plan, proven_plain, plain_seconds)
        print(f"{1.0:>16.2f}")
        n = len(plain.components)
        for (ranked, proven), label in zip(rows, ("2 threads", "one at a time"), strict=True):
            if proven == n and proven_plain == n:
                same = "the same" if ranked == baseline else "DIFFERENT"
                print(f"  ranked terms, engine ({label}) and baseline, all proven: {same}")


if __name__ == "__main__":
    main()
