"""The year plan: every hard rule checked independently on both samples, the IOM order,
seasonal reachability, holidays, frequencies, and what cannot be scheduled."""

from __future__ import annotations

import csv
import functools
import json
import shutil
from collections import Counter
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assign.assignment import AssignmentProblem, AssignmentSettings, build_problem, solve
from assign.cli import app
from assign.events.calendar import SchoolCalendar, load_calendar, school_calendar
from assign.events.catalogue import EventType, load_catalogue
from assign.events.outline import outline
from assign.io import load_region_or_raise
from assign.sample.profiles import PROFILES
from assign.schedule import ScheduleResult, ScheduleSettings, plan_year
from assign.schedule.instances import build_instances
from assign.schedule.output import write_schedule
from conftest import DATA, SAMPLES
from schedule_checker import check_schedule, read_rows

CALENDAR = load_calendar()


def _plan(name: str) -> tuple[AssignmentProblem, dict[str, str]]:
    region = load_region_or_raise(SAMPLES / name)
    problem = build_problem(region, AssignmentSettings(**PROFILES[name].demo_settings))
    result = solve(problem)
    return problem, result.assignment


@pytest.mark.parametrize("name", ["tambov", "yakutia"])
def test_sample_schedules_keep_every_hard_rule(name: str, tmp_path: Path) -> None:
    problem, assignment = _plan(name)
    settings = ScheduleSettings(time_limit=8)
    calendar = school_calendar(2026, "sakha" if name == "yakutia" else None)
    result = plan_year(problem, assignment, load_catalogue(), calendar, settings)
    kpi = write_schedule(result, calendar, settings, tmp_path)
    # Sakha's День Республики and Ысыах, named here rather than taken from the calendar
    regional = (date(2027, 4, 27), date(2027, 6, 21)) if name == "yakutia" else ()
    assert check_schedule(tmp_path, problem.region, assignment, calendar, regional) == []
    assert kpi["hard_violations"] == 0
    # nothing silently dropped: every instance is either planned or listed with a reason
    planned = outline(problem.region, assignment, load_catalogue(), calendar.start_year)
    expected = {e.event_id for e in build_instances(problem, planned, calendar)}
    written = {r["event_id"] for r in read_rows(tmp_path / "schedule.csv")}
    unplanned = read_rows(tmp_path / "unplanned.csv")
    assert written | {r["event_id"] for r in unplanned} == expected
    assert not written & {r["event_id"] for r in unplanned}
    assert all(r["reason"] for r in unplanned)
    assert len(unplanned) <= 0.01 * len(expected)
    # frequencies: reports in December and June, a consultation every teaching month
    rows = read_rows(tmp_path / "schedule.csv")
    reports = Counter((r["methodist_id"], r["start"][:7]) for r in rows if r["type"] == "report")
    consultations = Counter(
        (r["methodist_id"], r["start"][:7]) for r in rows if r["type"] == "consultation"
    )
    for methodist in set(assignment.values()):
        assert reports[methodist, "2026-12"] == 1 and reports[methodist, "2027-06"] == 1
        months = {m for (mid, m), n in consultations.items() if mid == methodist and n == 1}
        assert len(months) >= 8  # of the nine teaching months


def _winter_region(tmp_path: Path) -> tuple[AssignmentProblem, dict[str, str]]:
    """small_winter_road with every teacher on an IOM, so each school gets visits."""
    folder = tmp_path / "winter"
    shutil.copytree(DATA / "small_winter_road", folder)
    lines = (folder / "teachers.csv").read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",category"] + [line + ",iom" for line in lines[1:]]
    (folder / "teachers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    region = load_region_or_raise(folder)
    problem = build_problem(region, AssignmentSettings(min_load=0, max_load=50, reach="remote"))
    return problem, solve(problem).assignment


def test_a_winter_road_school_is_visited_in_winter(tmp_path: Path) -> None:
    problem, assignment = _winter_region(tmp_path)
    region = problem.region
    catalogue = load_catalogue()
    result = plan_year(problem, assignment, catalogue, CALENDAR, ScheduleSettings(time_limit=5))
    write_schedule(result, CALENDAR, ScheduleSettings(time_limit=5), tmp_path)
    assert check_schedule(tmp_path, region, assignment, CALENDAR) == []
    rows = read_rows(tmp_path / "schedule.csv")
    visits_c = [r for r in rows if r["type"] == "visit" and r["school_id"] == "SC"]
    assert visits_c, "the winter-road school gets its visits"
    for r in visits_c:
        month = datetime.fromisoformat(r["start"]).month
        assert month in (12, 1, 2, 3, 4)  # the winter road runs December–April
    autumn = [r for r in visits_c if "visit_autumn" in r["event_id"]]
    assert [datetime.fromisoformat(r["start"]).month for r in autumn] == [12]


def test_a_visit_with_no_reachable_month_moves_within_its_half_year(tmp_path: Path) -> None:
    problem, assignment = _winter_region(tmp_path)
    catalogue = load_catalogue()
    events = [
        e.model_copy(update={"months": (9, 10)}) if e.key == "visit_autumn" else e
        for e in catalogue.events
    ]
    catalogue = catalogue.model_copy(update={"events": tuple(events)})
    planned = outline(problem.region, assignment, catalogue, 2026)
    instances = build_instances(problem, planned, CALENDAR)
    moved = [i for i in instances if i.planned.spec.key == "visit_autumn" and i.moved]
    assert moved and all(m.month == 12 for i in moved for m in i.months)


@functools.cache
def _tambov_year() -> ScheduleResult:
    """Tambov's year on the default calendar, planned once for the tests that only read it."""
    problem, assignment = _plan("tambov")
    return plan_year(
        problem, assignment, load_catalogue(), CALENDAR, ScheduleSettings(time_limit=4)
    )


def test_holidays_and_vacations_hold_no_teacher_events() -> None:
    result = _tambov_year()
    days = {p.start.date() for p in result.placed}
    assert not days & set(CALENDAR.holidays)
    teacher_days = {p.start.date() for p in result.placed if p.teacher_ids}
    assert all(CALENDAR.teachers_available(d) for d in teacher_days)
    assert {d.weekday() for d in days} <= {0, 1, 2, 3, 4}


def test_the_iom_cycle_runs_in_order_for_every_teacher() -> None:
    result = _tambov_year()
    order = [
        EventType.DIAGNOSTICS_ENTRY,
        EventType.IOM_DEVELOPMENT,
        EventType.IOM_EVENT,
        EventType.DIAGNOSTICS_FINAL,
        EventType.FINAL_EVENT,
    ]
    stages: dict[str, dict[int, list[datetime]]] = {}
    for p in result.placed:
        if p.instance.spec_type in order:
            for t in p.teacher_ids:
                stages.setdefault(t, {}).setdefault(order.index(p.instance.spec_type), []).append(
                    p.start
                )
    full = [s for s in stages.values() if len(s) == len(order)]
    assert len(full) > 500  # teachers on an IOM go through all five stages
    for by_stage in stages.values():
        ordered = sorted(by_stage)
        for a, b in pairwise(ordered):
            assert max(by_stage[a]) < min(by_stage[b])


def test_what_cannot_be_scheduled_is_reported_with_the_reason(tmp_path: Path) -> None:
    problem, assignment = _plan("tambov")
    away = sorted(set(assignment.values()))[0]
    settings = ScheduleSettings(time_limit=4, days_off={away: tuple(CALENDAR.working_days())})
    result = plan_year(problem, assignment, load_catalogue(), CALENDAR, settings)
    theirs = [(e, reason) for e, reason in result.unplaced if e.planned.methodist_id == away]
    assert theirs and all("нет рабочего дня" in reason for _, reason in theirs)
    assert not [p for p in result.placed if p.instance.planned.methodist_id == away]
    # a calendar whose teaching year ends in March: the May events cannot happen
    short = SchoolCalendar.model_validate(
        CALENDAR.model_dump() | {"teaching_end": date(2027, 3, 1)}
    )
    result = plan_year(problem, assignment, load_catalogue(), short, ScheduleSettings(time_limit=4))
    finals = [e for e, _ in result.unplaced if e.spec_type is EventType.FINAL_EVENT]
    assert finals and not [
        p for p in result.placed if p.start.date() > date(2027, 3, 1) and p.teacher_ids
    ]


def test_cli_schedule_writes_the_files(tmp_path: Path, small_plan: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "year"
    done = runner.invoke(
        app,
        [
            "schedule",
            str(DATA / "small_ok"),
            "--out",
            str(out),
            "--solution",
            str(small_plan),
            "--time-limit",
            "5",
        ],
    )
    assert done.exit_code == 0, done.output
    with (out / "schedule.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:8] == [
        "event_id",
        "type",
        "methodist_id",
        "teacher_ids",
        "start",
        "end",
        "format",
        "municipality_id",
    ]
    kpi = json.loads((out / "schedule_kpi.json").read_text(encoding="utf-8"))
    assert kpi["hard_violations"] == 0 and kpi["events_planned"] > 0
    rows = read_rows(out / "schedule.csv")
    assert {r["type"] for r in rows} <= {t.value for t in EventType}
    datetime.fromisoformat(rows[0]["start"])


def test_methodist_availability_from_a_file(tmp_path: Path, small_plan: Path) -> None:
    runner = CliRunner()
    availability = tmp_path / "availability.csv"
    availability.write_text(
        "methodist_id,hours_per_week,days_off\nP1,6,2026-10-01..2026-10-31;2026-11-05\n",
        encoding="utf-8",
    )
    out = tmp_path / "year"
    args = [
        "schedule",
        str(DATA / "small_ok"),
        "--out",
        str(out),
        "--solution",
        str(small_plan),
        "--time-limit",
        "5",
        "--availability",
    ]
    done = runner.invoke(app, [*args, str(availability)])
    assert done.exit_code == 0, done.output
    rows = [r for r in read_rows(out / "schedule.csv") if r["methodist_id"] == "P1"]
    assert rows
    weeks: Counter[tuple[int, int]] = Counter()
    for r in rows:
        start, end = datetime.fromisoformat(r["start"]), datetime.fromisoformat(r["end"])
        assert start.month != 10 and start.date() != date(2026, 11, 5)
        weeks[start.isocalendar()[:2]] += (end - start).total_seconds() / 3600
    assert max(weeks.values()) <= 6
    availability.write_text("methodist_id,hours_per_week\nP1,много\nM9,5\n", encoding="utf-8")
    done = runner.invoke(app, [*args, str(availability)], env={"COLUMNS": "250"})
    assert done.exit_code == 1
    assert "hours_per_week" in done.output and "value_invalid" in done.output
    assert "unknown_reference" in done.output
