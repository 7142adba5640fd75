"""A what-if scenario through the one pipeline: the changed region is planned (assigned, or its
pool sized when the scenario recruits), then its year when the scenario asks, each stage saving
its files as `assign plan` does; the documents are made from those saved files.

`assign scenario run` and the service's jobs both call `run_scenario_plan`; the service
renders a stored result's documents later with `scenario_documents` from the files it kept,
so the API's documents and the CLI's are the same for one plan and one settings file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assign.assignment import AssignmentProblem
from assign.assignment.output import write_solution
from assign.assignment.solve import ComponentCache, ComponentProgress
from assign.documents import WrittenDocuments
from assign.documents.settings import DocumentSettings
from assign.domain import Region
from assign.pipeline import (
    ASSIGNMENT_DIR,
    DOCUMENTS_DIR,
    SCHEDULE_DIR,
    StageHook,
    documents_stage,
    plan_workbook,
    region_calendar,
    year_inputs,
)
from assign.pipeline.settings import RegionSettings
from assign.pool.output import write_pool
from assign.pool.sizing import pool_region
from assign.scenario import (
    Scenario,
    ScenarioOutcome,
    apply,
    check_effective_from,
    plan_scenario_year,
    run_scenario,
)
from assign.schedule import ScheduleResult
from assign.schedule.output import write_schedule


def effective_scenario(scenario: Scenario, settings: RegionSettings) -> Scenario:
    """The scenario with the region's assignment settings where it gives none of its own."""
    if "assignment" in scenario.model_fields_set:
        return scenario
    return scenario.model_copy(update={"assignment": settings.assignment})


def scenario_region_settings(scenario: Scenario, settings: RegionSettings) -> RegionSettings:
    """The region's settings with the scenario's assignment settings in force."""
    assignment = effective_scenario(scenario, settings).assignment
    return settings.model_copy(update={"assignment": assignment})


def plan_region(base: Region, scenario: Scenario) -> Region:
    """The region a scenario's plan is made in: the changed region, with the eligible
    candidates as potential methodists when the scenario recruits."""
    changed = apply(base, scenario)
    return pool_region(changed)[0] if scenario.recruit else changed


@dataclass
class ScenarioRun:
    """What `run_scenario_plan` made and where it saved it."""

    out: Path
    outcome: ScenarioOutcome
    kpi: dict[str, Any]
    schedule: ScheduleResult | None = None
    schedule_kpi: dict[str, Any] = field(default_factory=dict)
    documents: WrittenDocuments | None = None
    plan_workbook: Path | None = None


def run_scenario_plan(
    base: Region,
    region_path: Path,
    scenario: Scenario,
    settings: RegionSettings,
    out: Path,
    *,
    documents: bool = True,
    on_stage: StageHook | None = None,
    on_component: ComponentProgress | None = None,
    cache: ComponentCache | None = None,
    on_totals: Callable[[float, float], None] | None = None,
) -> ScenarioRun:
    """The scenario's plan into out/assignment, its year into out/schedule (when asked) and
    its documents into out/documents (when `documents`)."""

    def begin(name: str) -> None:
        if on_stage is not None:
            on_stage(name)

    scenario = effective_scenario(scenario, settings)
    if scenario.effective_from is not None:  # as the service checks it when it is saved
        calendar = region_calendar(settings)
        check_effective_from(scenario, calendar.start, calendar.end)
    begin(ASSIGNMENT_DIR)
    outcome = run_scenario(base, scenario, on_component, cache, on_totals)
    if outcome.pool is not None:
        kpi = write_pool(outcome.pool, out / ASSIGNMENT_DIR)
    else:
        assert outcome.result is not None
        report = {k: v for k, v in outcome.kpi.items() if k != "realigned"}
        kpi = write_solution(outcome.problem, outcome.result, out / ASSIGNMENT_DIR, report)
    run = ScenarioRun(out, outcome, kpi)
    if scenario.plan_year:
        begin(SCHEDULE_DIR)
        catalogue, calendar, plan = year_inputs(outcome.region, settings)
        plan = plan.model_copy(update={"time_limit": scenario.plan_seconds})
        run.schedule = plan_scenario_year(base, scenario, outcome, catalogue, calendar, plan)
        run.schedule_kpi = write_schedule(run.schedule, calendar, plan, out / SCHEDULE_DIR)
    if documents:
        begin(DOCUMENTS_DIR)
        run.documents = scenario_documents(
            base, region_path, scenario, settings, out, out / DOCUMENTS_DIR, outcome
        )
        run.plan_workbook = scenario_workbook(
            base, region_path, scenario, settings, out, outcome.region
        )
    return run


def scenario_workbook(
    base: Region,
    region_path: Path,
    scenario: Scenario,
    settings: RegionSettings,
    plan_dir: Path,
    changed: Region | None = None,
) -> Path:
    """plan_dir/plan.xlsx of a saved scenario plan. Its region is the changed one, with its
    candidates apart from its methodists (`changed`, when the run has it); a recruiting
    scenario's pool plan is its assignment."""
    scenario = effective_scenario(scenario, settings)
    return plan_workbook(
        changed or apply(base, scenario),
        scenario_region_settings(scenario, settings),
        region_path,
        plan_dir,
        plan_dir / ASSIGNMENT_DIR if scenario.recruit else None,
    )


def scenario_documents(
    base: Region,
    region_path: Path,
    scenario: Scenario,
    settings: RegionSettings,
    plan_dir: Path,
    out: Path,
    outcome: ScenarioOutcome | None = None,
) -> WrittenDocuments:
    """The documents of a saved scenario plan (plan_dir/assignment, plan_dir/schedule);
    `outcome`: the run that made it, so the changed region is not built again."""
    scenario = effective_scenario(scenario, settings)
    problem: AssignmentProblem | None = outcome.problem if outcome else None
    changed = problem.region if problem else plan_region(base, scenario)
    schedule_dir = plan_dir / SCHEDULE_DIR
    settings = scenario_region_settings(scenario, settings)
    if scenario.effective_from is not None:  # the order's changes take effect that day
        details = settings.documents_for(region_path)
        update: dict[str, Any] = {"changes_from": scenario.effective_from}
        if details.order_date is not None and details.order_date < scenario.effective_from:
            # the region's details are its order of the year; a change from a later day is a
            # new order: its number and date are the head's to give (the screen says so)
            blank = DocumentSettings.model_fields
            update |= {"order_date": None, "order_number": blank["order_number"].default}
        settings = settings.model_copy(update={"documents": details.model_copy(update=update)})
    return documents_stage(
        changed,
        region_path,
        settings,
        plan_dir / ASSIGNMENT_DIR / "assignments.csv",
        schedule_dir if (schedule_dir / "schedule.csv").exists() else None,
        out,
        problem,
    )
