"""Teachers moved by a re-plan: the stability-first default against the travel-first ranking
(the default before), on both samples and after a methodist leaves.

Prints, per region and case: teachers whose methodist changes against the current order
(counted from the plan and the current order alone), the share of the region, mean travel per
teacher, and the ratio of moves travel-first / stability-first.

    .venv/bin/python bench/replan_bench.py
"""

from __future__ import annotations

import time
from pathlib import Path

from assign.assignment import AssignmentSettings, build_problem, solve
from assign.assignment.settings import DEFAULT_RANKING, TRAVEL_FIRST_RANKING
from assign.domain import Region
from assign.io import load_region_or_raise
from assign.pipeline.settings import load_region_settings

DATA = Path(__file__).resolve().parents[1] / "data"


def moved(region: Region, assignment: dict[str, str]) -> int:
    current = region.current_methodist_of
    return sum(1 for t, m in assignment.items() if current.get(t, m) != m)


def without_first_methodist(region: Region) -> Region:
    """The plain way to say "she left": her row deleted, the order left as it was (a
    mathematics methodist, whose subject has the room for her teachers)."""
    leaver = next(m.methodist_id for m in region.methodists if m.subjects == ("math",))
    return region.changed(
        methodists=tuple(m for m in region.methodists if m.methodist_id != leaver)
    )


def run(region: Region, settings: AssignmentSettings) -> tuple[int, float, float]:
    start = time.perf_counter()
    problem = build_problem(region, settings)
    result = solve(problem)
    runtime = time.perf_counter() - start
    travel = result.terms["travel"] / max(len(result.assignment), 1)
    return moved(region, result.assignment), travel, runtime


def main() -> None:
    print("| region | case | ranking | moved | share | mean travel, h | time, s | moves ×|")
    print("|---|---|---|---|---|---|---|---|")
    for name in ("tambov", "yakutia"):
        base = load_region_or_raise(DATA / name)
        settings = load_region_settings(DATA / name).assignment
        for case, region in (
            ("re-plan", base),
            ("a methodist left", without_first_methodist(base)),
        ):
            figures = {}
            for label, ranking in (
                ("stability first (default)", DEFAULT_RANKING),
                ("travel first (before)", TRAVEL_FIRST_RANKING),
            ):
                figures[label] = run(region, settings.model_copy(update={"ranking": ranking}))
            stable = figures["stability first (default)"][0]
            for label, (count, travel, runtime) in figures.items():
                ratio = count / stable if stable else float("inf")
                print(
                    f"| {name} | {case} | {label} | {count} | "
                    f"{100 * count / len(region.teachers):.1f} % | {travel:.2f} | "
                    f"{runtime:.2f} | {ratio:.1f} |"
                )


if __name__ == "__main__":
    main()
