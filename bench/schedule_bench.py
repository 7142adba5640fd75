"""The full school year of a sample region scheduled, against the greedy plan alone.

Prints, per region: instances to place, how many were planned and left out (with reasons),
hard violations found by re-checking the plan, travel days in all and per methodist (median,
max; a day counts when the methodist is on a journey that day, read from the written
schedule.csv), and the wall time of each stage (assignment, instances, scheduling); the
baseline is the greedy construction the scheduler starts from, run alone. Runs on the code
before the year-plan realism changes too (it falls back to the old calendar and API), so the
before/after figures in bench/README.md come from one script.

Run: .venv/bin/python bench/schedule_bench.py [--regions yakutia,tambov] [--limit 45]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from assign.assignment import AssignmentSettings, build_problem, solve
from assign.events import calendar as calendar_module
from assign.events.catalogue import load_catalogue
from assign.io import load_region
from assign.sample.profiles import PROFILES
from assign.schedule import plan_year
from assign.schedule.output import write_schedule
from assign.schedule.solver import ScheduleSettings

DATA = Path(__file__).resolve().parents[1] / "data"
REGION_KEYS = {"yakutia": "sakha", "tambov": None}


def _calendar(name: str) -> Any:
    build = getattr(calendar_module, "school_calendar", None)
    if build is None:  # the code before the production calendar from the `holidays` package
        return calendar_module.load_calendar()
    return build(2026, REGION_KEYS.get(name))


def travel_days(schedule_csv: Path, working: set[date]) -> dict[str, int]:
    """Working days each methodist spends on journeys, from the written plan."""
    days: dict[str, set[date]] = defaultdict(set)
    with schedule_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if float(row["travel_hours"]) <= 0:
                continue
            day = date.fromisoformat(row["trip_first_day"])
            while day <= date.fromisoformat(row["trip_last_day"]):
                if day in working:
                    days[row["methodist_id"]].add(day)
                day += timedelta(days=1)
    return {m: len(d) for m, d in days.items()}


def run(name: str, limit: float) -> None:
    started = time.perf_counter()
    region = load_region(DATA / name).region
    assert region is not None
    problem = build_problem(region, AssignmentSettings(**PROFILES[name].demo_settings))
    assignment = solve(problem).assignment
    t_assign = time.perf_counter() - started
    calendar = _calendar(name)
    working = set(calendar.working_days())
    methodists = sorted(set(assignment.values()))
    print(
        f"\n{name}: {len(region.teachers):,} teachers, {len(methodists)} methodists,"
        f" {len(calendar.holidays)} holidays in the calendar"
    )
    print(
        f"{'run':<12}{'planned':>9}{'left out':>10}{'left %':>8}{'violations':>12}"
        f"{'travel days':>13}{'per methodist med/max':>23}{'schedule s':>12}"
    )
    reasons: Counter[str] = Counter()
    for label, seconds in (("greedy only", 1e-3), ("CP-SAT", limit)):
        settings = ScheduleSettings(time_limit=seconds)
        t0 = time.perf_counter()
        result = plan_year(problem, assignment, load_catalogue(), calendar, settings)
        t_schedule = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            kpi = write_schedule(result, calendar, settings, Path(tmp))
            per = travel_days(Path(tmp) / "schedule.csv", working)
        counts = [per.get(m, 0) for m in methodists]
        total = kpi["events_planned"] + kpi["events_unplanned"]
        print(
            f"{label:<12}{kpi['events_planned']:>9,}{kpi['events_unplanned']:>10,}"
            f"{100 * kpi['events_unplanned'] / total:>7.2f}%{kpi['hard_violations']:>12}"
            f"{sum(counts):>13,}{statistics.median(counts):>17.1f} / {max(counts):<3}"
            f"{t_schedule:>12.1f}"
        )
        if label == "CP-SAT":
            reasons = Counter(reason for _, reason in result.unplaced)
            t_cp = t_schedule
    for reason, count in reasons.most_common(8):
        print(f"  {count:>5} × {reason}")
    print(
        f"stages: assignment {t_assign:.1f} s; year plan with CP-SAT {t_cp:.1f} s "
        f"(bench total {time.perf_counter() - started:.1f} s)"
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
