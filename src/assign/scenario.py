"""What-if scenarios: a base region, the changes to it, and the parameters of the plan.

A scenario is data (a YAML file in `scenarios/`, or a JSON body of the API): norms and other
assignment settings, methodists who leave or join, candidates added, transport links closed in
some months, teachers removed, and whether to size the pool or plan the year. `apply` makes the
changed region; `run_scenario` solves it and returns the result with its KPIs. Every change
that names something the region lacks is an error that names it, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assign.assignment import AssignmentProblem, AssignmentSettings, build_problem, solve
from assign.assignment.kpi import kpis
from assign.assignment.result import Result, Status
from assign.assignment.solve import ComponentCache, ComponentProgress
from assign.domain import Candidate, Methodist, Region, School, Teacher, TransportLink
from assign.events.calendar import SchoolCalendar
from assign.events.catalogue import Catalogue
from assign.pool import PoolResult, PoolSettings, size_pool
from assign.schedule import ScheduleResult, ScheduleSettings, plan_year, replan_from
from assign.yamlfile import load_yaml_model


class LinkClosure(BaseModel):
    """Links closed in some months (a winter road that did not freeze): between two
    municipalities, or every link of a mode when no ends are given."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_municipality: str | None = None
    to_municipality: str | None = None
    mode: str | None = None  # only this mode; every mode when absent
    months: tuple[int, ...] = Field(min_length=1)

    def closes(self, link: TransportLink) -> bool:
        if self.mode is not None and link.mode.value != self.mode:
            return False
        ends = {self.from_municipality, self.to_municipality} - {None}
        return ends <= {link.from_municipality, link.to_municipality}


class Changes(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    remove_methodists: tuple[str, ...] = ()
    add_methodists: tuple[Methodist, ...] = ()
    add_candidates: tuple[Candidate, ...] = ()
    remove_teachers: tuple[str, ...] = ()
    add_teachers: tuple[Teacher, ...] = ()
    add_schools: tuple[School, ...] = ()
    remove_schools: tuple[str, ...] = ()
    """Schools closed or merged away; their teachers go with them unless moved by
    `add_teachers` (a teacher listed again with the new school replaces the old record)."""
    close_links: tuple[LinkClosure, ...] = ()
    open_links: tuple[TransportLink, ...] = ()
    """New links or seasons (a winter road opened early, a new flight)."""


class Scenario(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    region: str | None = None
    """The base region's folder or workbook, relative to the scenario file (CLI only)."""
    description: str = ""
    assignment: AssignmentSettings = Field(default_factory=AssignmentSettings)
    changes: Changes = Field(default_factory=Changes)
    keep_current: bool = True
    """Re-plan from the region's current assignment, disturbing it as little as possible."""
    recruit: bool = False
    """Size the pool from the candidates (the smallest pool, then least travel) instead of
    assigning to the methodists as they are."""
    plan_year: bool = False
    """Also place the year's events for the plan (the API keeps them with the result)."""
    plan_seconds: float = Field(20.0, gt=0, le=600)
    effective_from: date | None = None
    """The day the changes take effect (a methodist leaves in January): the year plan before
    it stays as the base plan had it, and only the rest of the year is planned again."""
    release_existing: bool = False
    """When recruiting, existing methodists may be released (a stricter norm may need fewer)."""


class ScenarioError(ValueError):
    code = "scenario_invalid"


def load_scenario(path: Path) -> Scenario:
    return load_yaml_model(path, Scenario, ScenarioError)


def apply(region: Region, scenario: Scenario) -> Region:
    """The region as the scenario changes it."""
    changes = scenario.changes
    unknown = [m for m in changes.remove_methodists if m not in region.methodist_by_id]
    unknown += [t for t in changes.remove_teachers if t not in region.teacher_by_id]
    unknown += [s for s in changes.remove_schools if s not in region.school_by_id]
    municipalities = {m.municipality_id for m in region.municipalities}
    unknown += [
        end
        for c in changes.close_links
        for end in (c.from_municipality, c.to_municipality)
        if end is not None and end not in municipalities
    ]
    if unknown:
        raise ScenarioError(f"сценарий «{scenario.name}»: в регионе нет {', '.join(unknown)}")
    gone_m, gone_s = set(changes.remove_methodists), set(changes.remove_schools)
    replaced = {t.teacher_id for t in changes.add_teachers}
    gone_t = set(changes.remove_teachers) | {
        t.teacher_id for t in region.teachers if t.school_id in gone_s
    }
    links = []
    for link in region.transport:
        for closure in changes.close_links:
            if closure.closes(link):
                link = link.model_copy(
                    update={"months": tuple(m for m in link.months if m not in closure.months)}
                )
        if link.months:
            links.append(link)
    links += changes.open_links
    data: dict[str, Any] = {
        "methodists": tuple(m for m in region.methodists if m.methodist_id not in gone_m)
        + changes.add_methodists,
        "candidates": region.candidates + changes.add_candidates,
        "schools": tuple(s for s in region.schools if s.school_id not in gone_s)
        + changes.add_schools,
        "teachers": tuple(t for t in region.teachers if t.teacher_id not in gone_t | replaced)
        + changes.add_teachers,
        "transport": tuple(links),
        "current_assignment": tuple(
            p
            for p in region.current_assignment
            # pairs of a methodist who left stay: their teachers count as changed
            if scenario.keep_current and p.teacher_id not in gone_t
        ),
    }
    return region.changed(**data)


def realigned(base: Region, assignment: dict[str, str]) -> list[str]:
    """Teachers whose methodist differs from the base region's current one — including those
    whose methodist left, whom the changed region no longer pairs with anyone."""
    current = base.current_methodist_of
    return sorted(t for t, m in assignment.items() if current.get(t) not in (None, m))


def run_scenario(
    region: Region,
    scenario: Scenario,
    on_component: ComponentProgress | None = None,
    cache: ComponentCache | None = None,
    on_totals: Callable[[float, float], None] | None = None,
) -> ScenarioOutcome:
    """Solve the changed region: assign, or size the pool when the scenario recruits.
    `on_component(done, total, name)` reports progress and may raise to stop the run; with
    `cache`, subjects the change does not touch keep their earlier proven plans."""
    outcome = _solve(region, scenario, on_component, cache, on_totals)
    outcome.kpi["realigned"] = len(realigned(region, outcome.assignment))
    return outcome


def _solve(
    region: Region,
    scenario: Scenario,
    on_component: ComponentProgress | None,
    cache: ComponentCache | None,
    on_totals: Callable[[float, float], None] | None = None,
) -> ScenarioOutcome:
    changed = apply(region, scenario)
    if scenario.recruit:
        settings = PoolSettings(
            assignment=scenario.assignment, keep_existing=not scenario.release_existing
        )
        pool = size_pool(changed, settings)
        report = kpis(pool.problem, pool.assignment, [])
        return ScenarioOutcome(changed, pool.problem, None, pool, report)
    problem = build_problem(changed, scenario.assignment)
    result = solve(problem, on_component=on_component, cache=cache, on_totals=on_totals)
    report = kpis(problem, result.assignment, [u.teacher_id for u in result.unplaced])
    return ScenarioOutcome(changed, problem, result, None, report)


@dataclass
class ScenarioOutcome:
    region: Region
    problem: AssignmentProblem
    result: Result | None  # the assignment, when the scenario assigns
    pool: PoolResult | None  # the pool plan, when it recruits
    kpi: dict[str, Any]

    @property
    def status(self) -> Status:
        return self.pool.status if self.pool else self.result.status  # type: ignore[union-attr]

    @property
    def assignment(self) -> dict[str, str]:
        return self.pool.assignment if self.pool else self.result.assignment  # type: ignore[union-attr]


def plan_scenario_year(
    base: Region,
    scenario: Scenario,
    outcome: ScenarioOutcome,
    catalogue: Catalogue,
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
) -> ScheduleResult:
    """The year plan of a scenario's plan. With `effective_from`, the base region's plan (the
    order as it stands, re-planned only to fill its gaps) is kept before that day and the
    scenario's plan takes over from it."""
    if scenario.effective_from is None:
        return plan_year(outcome.problem, outcome.assignment, catalogue, calendar, settings)
    base_scenario = Scenario(name=f"{scenario.name}: до изменений", assignment=scenario.assignment)
    before = _solve(base, base_scenario, None, None)
    previous = plan_year(before.problem, before.assignment, catalogue, calendar, settings)
    return replan_from(
        previous,
        scenario.effective_from,
        outcome.problem,
        outcome.assignment,
        catalogue,
        calendar,
        settings,
    )


# TEMPORARY SHIM
class RegionIndex:
    @classmethod
    def from_region(cls, region: Any) -> "RegionIndex":
        return cls()

    def to_json(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_json(cls, data: Any) -> "RegionIndex":
        return cls()


def check_references(scenario: Any, index: Any) -> None:
    pass
