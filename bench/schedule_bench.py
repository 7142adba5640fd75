"""The full school year of a sample region scheduled, against the greedy plan alone.

Prints, per region: instances to place, how many were planned and left out (with reasons),
hard violations found by re-checking the plan, travel days, and the wall time of each stage
(assignment, instances, scheduling); the baseline is the greedy construction the scheduler
starts from, run alone, and the ratio is CP-SAT's gain over it in events left out.
Target: the Yakutia sample's full year in under 60 s with zero hard violations.

Run: .venv/bin/python bench/schedule_bench.py [--regions yakutia,tambov] [--limit 45]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from assign.assignment import AssignmentSettings, build_problem, solve
from assign.events.calendar import load_calendar
from assign.events.catalogue import load_catalogue
from assign.events.outline import outline
from assign.io import load_region
from assign.sample.profiles import PROFILES
from assign.schedule.instances import build_instances
from assign.schedule.output import write_schedule
from assign.schedule.solver import ScheduleSettings, schedule_year

DATA = Path(__file__).resolve().parents[1] / "data"


def run(name: str, limit: float) -> None:
    started = time.perf_counter()
    region = load_region(DATA / name).region
    assert region is not None
    problem = build_problem(region, AssignmentSettings(**PROFILES[name].demo_settings))
    assignment = solve(problem).assignment
    t_assign = time.perf_counter() - started
    calendar = load_calendar()
    t0 = time.perf_counter()
    planned = outline(region, assignment, load_catalogue(), calendar.start_year)
    instances = build_instances(problem, planned, calendar)
    t_instances = time.perf_counter() - t0
    results = {}
    for label, seconds in (("greedy only", 1e-3), ("CP-SAT", limit)):
        settings = ScheduleSettings(time_limit=seconds)
        t0 = time.perf_counter()
        result = schedule_year(instances, calendar, settings)
        t_schedule = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            kpi = write_schedule(result, calendar, settings, Path(tmp))
        results[label] = (result, kpi, t_schedule)
    total = time.perf_counter() - started
    print(
        f"\n{name}: {len(region.teachers):,} teachers, {len(set(assignment.values()))} methodists,"
        f" {len(instances):,} events to place"
    )
    print(
        f"{'run':<12}{'planned':>9}{'left out':>10}{'violations':>12}{'travel days':>13}"
        f"{'schedule s':>12}"
    )
    for label, (_, kpi, seconds) in results.items():
        print(
            f"{label:<12}{kpi['events_planned']:>9,}{kpi['events_unplanned']:>10,}"
            f"{kpi['hard_violations']:>12}{kpi['travel_days']:>13,}{seconds:>12.1f}"
        )
    greedy, best = results["greedy only"][1], results["CP-SAT"][1]
    if best["events_unplanned"]:
        ratio = greedy["events_unplanned"] / best["events_unplanned"]
        print(f"left out, greedy / CP-SAT: {ratio:.2f}×")
    reasons = Counter(reason for _, reason in results["CP-SAT"][0].unplaced)
    for reason, count in reasons.most_common():
        print(f"  {count:>5} × {reason}")
    print(
        f"stages: assignment {t_assign:.1f} s, instances {t_instances:.2f} s, "
        f"schedule {results['CP-SAT'][2]:.1f} s; whole run with CP-SAT "
        f"{t_assign + t_instances + results['CP-SAT'][2]:.1f} s (bench total {total:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", default="yakutia,tambov")
    parser.add_argument("--limit", type=float, default=45.0)
    args = parser.parse_args()
    for name in args.regions.split(","):
        run(name, args.limit)


if __name__ == "__main__":
    main()
