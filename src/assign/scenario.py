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
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assign.assignment import AssignmentProblem, AssignmentSettings, build_problem, solve
from assign.assignment.kpi import kpis
from assign.assignment.result import Result, Status
from assign.assignment.solve import ComponentCache, ComponentProgress
from assign.domain import Candidate, Methodist, Mode, Region, School, Teacher, TransportLink
from assign.events.calendar import SchoolCalendar
from assign.events.catalogue import Catalogue
from assign.pool import PoolResult, PoolSettings, size_pool
from assign.schedule import ScheduleResult, ScheduleSettings, plan_year, replan_from
from assign.yamlfile import load_yaml_model

MAX_ITEMS = 100_000  # people, schools or links one change may list
Id = Annotated[str, Field(min_length=1, max_length=100)]
Month = Annotated[int, Field(ge=1, le=12)]
STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class LinkClosure(BaseModel):
    """Links closed in some months (a winter road that did not freeze): between two
    municipalities, or every link of a mode when no ends are given."""

    model_config = STRICT

    from_municipality: Id | None = None
    to_municipality: Id | None = None
    mode: Mode | None = None  # only this mode; every mode when absent
    months: tuple[Month, ...] = Field(min_length=1, max_length=12)

    def closes(self, link: TransportLink) -> bool:
        if self.mode is not None and link.mode.value != self.mode:
            return False
        ends = {self.from_municipality, self.to_municipality} - {None}
        return ends <= {link.from_municipality, link.to_municipality}


Listed = Field((), max_length=MAX_ITEMS)


class Changes(BaseModel):
    model_config = STRICT

    remove_methodists: tuple[Id, ...] = Listed
    add_methodists: tuple[Methodist, ...] = Listed
    add_candidates: tuple[Candidate, ...] = Listed
    remove_teachers: tuple[Id, ...] = Listed
    add_teachers: tuple[Teacher, ...] = Listed
    add_schools: tuple[School, ...] = Listed
    remove_schools: tuple[Id, ...] = Listed
    """Schools closed or merged away; their teachers go with them unless moved by
    `add_teachers` (a teacher listed again with the new school replaces the old record)."""
    close_links: tuple[LinkClosure, ...] = Field((), max_length=1_000)
    open_links: tuple[TransportLink, ...] = Listed
    """New links or seasons (a winter road opened early, a new flight)."""

    @model_validator(mode="after")
    def _distinct(self) -> Changes:
        for field_name, ids in (
            ("add_methodists", [m.methodist_id for m in self.add_methodists]),
            ("add_candidates", [c.candidate_id for c in self.add_candidates]),
            ("add_teachers", [t.teacher_id for t in self.add_teachers]),
            ("add_schools", [s.school_id for s in self.add_schools]),
        ):
            twice = sorted({i for i in ids if ids.count(i) > 1}) if len(ids) < 5_000 else []
            if len(set(ids)) != len(ids):
                raise ValueError(f"{field_name}: один и тот же id дважды {', '.join(twice)}")
        return self


class Scenario(BaseModel):
    model_config = STRICT

    name: str = Field(min_length=1, max_length=200)
    region: str | None = Field(None, max_length=1_000)
    """The base region's folder or workbook, relative to the scenario file (CLI only)."""
    description: str = Field("", max_length=10_000)
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
    """A scenario that cannot be run; `issues` name each field (field, code, message)."""

    code = "scenario_invalid"

    def __init__(self, message: str, issues: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.issues = issues or []


@dataclass(frozen=True)
class RegionIndex:
    """The ids a scenario may name, without the region itself: the service keeps it with an
    upload and checks a scenario against it when the scenario is saved."""

    teachers: frozenset[str]
    methodists: frozenset[str]
    candidates: frozenset[str]
    schools: frozenset[str]
    municipalities: frozenset[str]
    school_span: tuple[date, date] | None = None
    """The first and last day of the region's school year as its calendar has them, when
    known: a scenario's `effective_from` must fall within them."""

    @classmethod
    def from_region(
        cls, region: Region, school_span: tuple[date, date] | None = None
    ) -> RegionIndex:
        return cls(
            region.teacher_names,  # kept with the region: a what-if checks against it each run
            frozenset(region.methodist_by_id),
            frozenset(c.candidate_id for c in region.candidates),
            frozenset(region.school_by_id),
            frozenset(m.municipality_id for m in region.municipalities),
            school_span,
        )

    def to_json(self) -> dict[str, Any]:
        ids: dict[str, Any] = {k: sorted(getattr(self, k)) for k in _ID_FIELDS}
        if self.school_span is not None:
            ids["school_span"] = [day.isoformat() for day in self.school_span]
        return ids

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RegionIndex:
        ids = {k: frozenset(data.get(k, ())) for k in _ID_FIELDS}
        span = data.get("school_span")
        first, last = (date.fromisoformat(day) for day in span) if span else (None, None)
        return cls(**ids, school_span=(first, last) if first and last else None)


_ID_FIELDS = ("teachers", "methodists", "candidates", "schools", "municipalities")


def check_effective_from(scenario: Scenario, first: date, last: date) -> None:
    """`effective_from` within the school year [first, last], else ScenarioError naming the
    field: a date outside it would plan the whole year as before, or none of it, silently."""
    day = scenario.effective_from
    if day is None or first <= day <= last:
        return
    span = f"{first.year}/{str(last.year)[-2:]} ({first:%d.%m.%Y}–{last:%d.%m.%Y})"
    message = f"дата {day:%d.%m.%Y} вне учебного года {span}"
    issue = {"field": "effective_from", "code": "out_of_school_year", "message": message}
    raise ScenarioError(f"сценарий «{scenario.name}»: effective_from: {message}", [issue])


def check_references(scenario: Scenario, index: RegionIndex) -> None:
    """Every id the scenario names must be in the region (or added by the scenario itself);
    raises ScenarioError naming each one and its field."""
    changes = scenario.changes
    schools = index.schools | {s.school_id for s in changes.add_schools}
    methodists = (
        index.methodists
        | index.candidates
        | {m.methodist_id for m in changes.add_methodists}
        | {c.candidate_id for c in changes.add_candidates}
    )
    teachers = index.teachers | {t.teacher_id for t in changes.add_teachers}
    municipalities = index.municipalities
    checks: list[tuple[str, str, frozenset[str] | set[str], str]] = []
    checks += [
        (f"changes.remove_methodists.{n}", m, index.methodists, "методиста")
        for n, m in enumerate(changes.remove_methodists)
    ]
    checks += [
        (f"changes.remove_teachers.{n}", t, index.teachers, "педагога")
        for n, t in enumerate(changes.remove_teachers)
    ]
    checks += [
        (f"changes.remove_schools.{n}", s, index.schools, "школы")
        for n, s in enumerate(changes.remove_schools)
    ]
    checks += [
        (f"changes.add_teachers.{n}.school_id", t.school_id, schools, "школы")
        for n, t in enumerate(changes.add_teachers)
    ]
    for n, closure in enumerate(changes.close_links):
        for end in ("from_municipality", "to_municipality"):
            value = getattr(closure, end)
            if value is not None:
                checks.append(
                    (f"changes.close_links.{n}.{end}", value, municipalities, "муниципалитета")
                )
    for kind, pairs in (("pins", scenario.assignment.pins), ("bans", scenario.assignment.bans)):
        for n, (teacher, methodist) in enumerate(pairs):
            checks.append((f"assignment.{kind}.{n}.0", teacher, teachers, "педагога"))
            checks.append((f"assignment.{kind}.{n}.1", methodist, methodists, "методиста"))
    issues = [
        {"field": field, "code": "unknown_reference", "message": f"в регионе нет {what} «{value}»"}
        for field, value, known, what in checks
        if value not in known
    ]
    if issues:
        named = ", ".join(dict.fromkeys(i["message"].rsplit("«", 1)[1].rstrip("»") for i in issues))
        raise ScenarioError(f"сценарий «{scenario.name}»: в регионе нет {named}", issues)
    if index.school_span is not None:
        check_effective_from(scenario, *index.school_span)


def load_scenario(path: Path) -> Scenario:
    return load_yaml_model(path, Scenario, ScenarioError)


def apply(region: Region, scenario: Scenario) -> Region:
    """The region as the scenario changes it."""
    changes = scenario.changes
    check_references(scenario, RegionIndex.from_region(region))
    gone_m, gone_s = set(changes.remove_methodists), set(changes.remove_schools)
    replaced = {t.teacher_id for t in changes.add_teachers}
    gone_t = set(changes.remove_teachers)
    if gone_s:
        gone_t |= {t.teacher_id for t in region.teachers if t.school_id in gone_s}
    dropped = gone_t | replaced
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
    gone_places = gone_m | gone_s  # measured travel times to them go too
    data: dict[str, Any] = {
        "methodists": tuple(m for m in region.methodists if m.methodist_id not in gone_m)
        + changes.add_methodists,
        "former_methodists": region.former_methodists
        + tuple(m for m in region.methodists if m.methodist_id in gone_m),
        "candidates": region.candidates + changes.add_candidates,
        "schools": tuple(s for s in region.schools if s.school_id not in gone_s)
        + changes.add_schools,
        "teachers": (
            tuple(t for t in region.teachers if t.teacher_id not in dropped)
            if dropped
            else region.teachers
        )
        + changes.add_teachers,
        "transport": tuple(links),
        "travel_times": tuple(
            e for e in region.travel_times if not {e.from_id, e.to_id} & gone_places
        ),
        "current_assignment": (
            # pairs of a methodist who left stay: their teachers count as changed
            tuple(p for p in region.current_assignment if p.teacher_id not in gone_t)
            if scenario.keep_current
            else ()
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
    scenario's plan takes over from it (`pipeline.whatif.run_scenario_plan` has checked the
    day against the calendar before the solve)."""
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
