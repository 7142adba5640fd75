"""One plan behind every output: assignment → pool → year plan → documents, each stage reading
the files the stage before it saved.

`run_plan` is what `assign plan` and `assign demo` run; the single-stage commands call the same
stage functions, so a plan, its year and its documents always agree. The year plan reads the
saved assignments.csv, the documents read the saved assignments.csv, schedule.csv and
unplanned.csv: what a planner edits or archives between stages is what the next stage uses.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assign.assignment import AssignmentProblem, Result, build_problem, solve
from assign.assignment.output import write_solution
from assign.assignment.solve import ComponentProgress
from assign.documents import WrittenDocuments, write_documents
from assign.documents.context import ScheduledDates
from assign.documents.plan_workbook import write_plan_workbook
from assign.domain import Region
from assign.errors import Report
from assign.events.calendar import SchoolCalendar, school_calendar
from assign.events.catalogue import Catalogue, load_catalogue
from assign.io.availability import read_availability
from assign.io.solution import read_assignment
from assign.pipeline.settings import RegionSettings, load_region_settings
from assign.pool import PoolResult, PoolSettings, size_pool
from assign.pool.output import write_pool
from assign.schedule import ScheduleResult, ScheduleSettings, plan_year
from assign.schedule.output import write_schedule

ASSIGNMENT_DIR, POOL_DIR, SCHEDULE_DIR, DOCUMENTS_DIR = (
    "assignment",
    "pool",
    "schedule",
    "documents",
)

STAGES = (ASSIGNMENT_DIR, POOL_DIR, SCHEDULE_DIR, DOCUMENTS_DIR)
StageHook = Callable[[str], None]

# the documents and plan.xlsx of a plan, per teacher: Yakutia's 18 600 took 42 + 6 s on this
# project's 2-core machine (2026-12-06), Tambov's 10 800 about 25 s
DOCUMENT_SECONDS_PER_TEACHER = 0.0026
# of the time left to a plan's solving stages, what each may have (the last one the rest)
SOLVING_SHARES = {ASSIGNMENT_DIR: 0.4, POOL_DIR: 0.5, SCHEDULE_DIR: 1.0}
MIN_STAGE_SECONDS = 1.0  # a stage given less still returns what it has


@dataclass(frozen=True)
class PlanClock:
    """A whole plan's time limit (`assign plan --time-limit`), shared by its solving stages:
    each may have its share of the time left before `deadline`, less `reserve`, the time the
    stages after them that cannot stop early (the documents) are expected to take."""

    deadline: float  # time.perf_counter() by which the plan is to be written
    reserve: float

    @classmethod
    def of(cls, region: Region, seconds: float, stages: tuple[str, ...]) -> PlanClock:
        teachers = len(region.teachers) if DOCUMENTS_DIR in stages else 0
        return cls(time.perf_counter() + seconds, DOCUMENT_SECONDS_PER_TEACHER * teachers)

    @property
    def short(self) -> bool:
        """Not even the documents fit in the limit: the plan will take longer."""
        return self.deadline - time.perf_counter() < self.reserve

    def settings_for(self, stage: str, settings: RegionSettings) -> RegionSettings:
        """`settings` with the stage's time limit: its share of the time left, never more
        than the one set (the year plan's own limit stays a cap)."""
        left = (self.deadline - time.perf_counter() - self.reserve) * SOLVING_SHARES[stage]
        seconds = max(left, MIN_STAGE_SECONDS)
        if stage == SCHEDULE_DIR:
            year = settings.year_plan
            update = {"time_limit": min(year.time_limit, seconds)}
            return settings.model_copy(update={"year_plan": year.model_copy(update=update)})
        return settings.with_time_limit(seconds)


class StageError(ValueError):
    """A stage that cannot go on (a saved file unreadable, settings that do not fit); the
    message is Russian, `report` holds the findings with file, row and field."""

    code = "stage_failed"

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report or Report()


def region_calendar(settings: RegionSettings) -> SchoolCalendar:
    """The school year's calendar the region's settings name."""
    choice = settings.calendar
    return school_calendar(
        settings.school_year, choice.region_key, choice.regional_holidays, choice.file
    )


def year_inputs(
    region: Region, settings: RegionSettings
) -> tuple[Catalogue, SchoolCalendar, ScheduleSettings]:
    """The catalogue, the calendar and the scheduler's settings the region's file names, with
    the methodists' own hours from its availability file."""
    catalogue = load_catalogue(settings.catalogue)
    calendar = region_calendar(settings)
    plan = settings.year_plan
    if settings.availability is not None:
        own_hours, days_off, report = read_availability(settings.availability, region)
        if not report.ok:
            raise StageError("файл доступности методистов содержит ошибки", report)
        plan = plan.model_copy(update={"hours_per_week_of": own_hours, "days_off": days_off})
    return catalogue, calendar, plan


def assignment_stage(
    region: Region,
    settings: RegionSettings,
    out: Path,
    on_component: ComponentProgress | None = None,
) -> tuple[AssignmentProblem, Result, dict[str, Any]]:
    """Solve and save: assignments.csv, methodists.csv, unplaced.csv, changes.csv, kpi.json."""
    problem = build_problem(region, settings.assignment)
    result = solve(problem, on_component=on_component)
    return problem, result, write_solution(problem, result, out)


def pool_stage(
    region: Region, settings: RegionSettings, out: Path
) -> tuple[PoolResult, dict[str, Any]]:
    """The pool and the recruitment plan under the same norm and unit as the assignment."""
    result = size_pool(region, PoolSettings(assignment=settings.assignment))
    return result, write_pool(result, out)


def saved_assignment(region: Region, path: Path) -> dict[str, str]:
    """A saved assignments.csv, checked against the region."""
    assignment, report = read_assignment(path, region)
    if not report.ok:
        raise StageError("план закрепления содержит ошибки", report)
    return assignment


def schedule_stage(
    region: Region,
    settings: RegionSettings,
    assignment_file: Path,
    out: Path,
    problem: AssignmentProblem | None = None,
) -> tuple[ScheduleResult, dict[str, Any]]:
    """The year plan of the saved assignment; saves schedule.csv, unplanned.csv and
    schedule_kpi.json. `problem`: the one the assignment stage built, not built again."""
    problem = problem or build_problem(region, settings.assignment)
    assignment = saved_assignment(region, assignment_file)
    catalogue, calendar, plan = year_inputs(region, settings)
    result = plan_year(problem, assignment, catalogue, calendar, plan)
    return result, write_schedule(result, calendar, plan, out)


def documents_stage(
    region: Region,
    region_path: Path,
    settings: RegionSettings,
    assignment_file: Path,
    schedule_dir: Path | None,
    out: Path,
    problem: AssignmentProblem | None = None,
) -> WrittenDocuments:
    """The documents of the saved plan and, where one was saved, of its year plan."""
    problem = problem or build_problem(region, settings.assignment)
    assignment = saved_assignment(region, assignment_file)
    unplaced = [t.teacher_id for t in region.teachers if t.teacher_id not in assignment]
    dates = ScheduledDates.from_folder(schedule_dir) if schedule_dir is not None else None
    return write_documents(
        problem,
        assignment,
        unplaced,
        settings.documents_for(region_path),
        load_catalogue(settings.catalogue),
        out,
        dates,
    )


def plan_workbook(
    region: Region,
    settings: RegionSettings,
    region_path: Path,
    out: Path,
    pool_dir: Path | None = None,
) -> Path:
    """out/plan.xlsx: every stage saved under `out`, one workbook a planner reads; titled
    with the region's name from region.yaml or the documents' details."""
    return write_plan_workbook(
        region,
        settings.assignment,
        out,
        out / "plan.xlsx",
        region_name=settings.documents_for(region_path).region_name,
        school_year=f"{settings.school_year}/{settings.school_year + 1}",
        catalogue_names={e.key: e.name for e in load_catalogue(settings.catalogue).events},
        pool_dir=pool_dir,
    )


@dataclass
class PlanRun:
    """What `run_plan` made, stage by stage, and where it saved it."""

    out: Path
    problem: AssignmentProblem | None = None
    result: Result | None = None
    kpi: dict[str, Any] = field(default_factory=dict)
    pool: PoolResult | None = None
    pool_kpi: dict[str, Any] = field(default_factory=dict)
    schedule: ScheduleResult | None = None
    schedule_kpi: dict[str, Any] = field(default_factory=dict)
    documents: WrittenDocuments | None = None
    plan_workbook: Path | None = None

    @property
    def assignment_file(self) -> Path:
        return self.out / ASSIGNMENT_DIR / "assignments.csv"


def run_plan(
    region: Region,
    region_path: Path,
    settings: RegionSettings,
    out: Path,
    on_stage: StageHook | None = None,
    on_component: ComponentProgress | None = None,
    stages: tuple[str, ...] = STAGES,
    clock: PlanClock | None = None,
) -> PlanRun:
    """Every stage once, into out/assignment, out/pool, out/schedule and out/documents; each
    later stage reads what the earlier ones saved. `plan.json` lists what was made;
    `plan.xlsx`, the planner's workbook, shows it all in Russian. With a `clock` the
    solving stages share its time limit; without one each has its own."""
    run = PlanRun(out)

    def begin(name: str) -> RegionSettings:
        if on_stage is not None:
            on_stage(name)
        if clock is None or name not in SOLVING_SHARES:
            return settings
        return clock.settings_for(name, settings)

    run.problem, run.result, run.kpi = assignment_stage(
        region, begin(ASSIGNMENT_DIR), out / ASSIGNMENT_DIR, on_component
    )
    if POOL_DIR in stages:
        run.pool, run.pool_kpi = pool_stage(region, begin(POOL_DIR), out / POOL_DIR)
    if SCHEDULE_DIR in stages:
        run.schedule, run.schedule_kpi = schedule_stage(
            region, begin(SCHEDULE_DIR), run.assignment_file, out / SCHEDULE_DIR, run.problem
        )
    if DOCUMENTS_DIR in stages:
        begin(DOCUMENTS_DIR)
        run.documents = documents_stage(
            region,
            region_path,
            settings,
            run.assignment_file,
            out / SCHEDULE_DIR if SCHEDULE_DIR in stages else None,
            out / DOCUMENTS_DIR,
            run.problem,
        )
    run.plan_workbook = plan_workbook(region, settings, region_path, out)
    (out / "plan.json").write_text(
        json.dumps(
            {
                "region": settings.name or region.name,
                "stages": list(dict.fromkeys((ASSIGNMENT_DIR, *stages))),
                "assignment": {k: run.kpi.get(k) for k in ("status", "objective", "bound")},
                "teachers_changed": run.kpi.get("changes", {}).get("teachers_changed"),
                "settings": json.loads(settings.model_dump_json()),
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    return run


__all__ = [
    "ASSIGNMENT_DIR",
    "DOCUMENTS_DIR",
    "POOL_DIR",
    "SCHEDULE_DIR",
    "STAGES",
    "PlanClock",
    "RegionSettings",
    "StageError",
    "assignment_stage",
    "documents_stage",
    "load_region_settings",
    "run_plan",
    "schedule_stage",
    "year_inputs",
]
