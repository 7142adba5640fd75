"""Placing the year's events on days with CP-SAT, one methodist at a time.

Why per methodist: every event is led by one methodist and each teacher has one methodist, so
no constraint links two methodists — teachers cannot be double-booked by someone else. The one
link, region-wide events (congress, conference), is cut before the models run: their common
date is chosen first for everybody (`common_dates`), and each model holds it on that day.

Hard: each event on one allowed day (a working day in its window; teachers' events outside
vacations and after the notice period; a school reachable that month; reports in the last two
working weeks of the half-year, after the methodist's other events of it), a methodist's hours
per day and per week including travel, and the IOM cycle in order for every teacher, with
monitoring visits after the teacher's IOM is developed. Travel is counted in hours: a journey
takes the working days its hours need (`journey`), each day loaded with the hours spent on it;
a journey of several days, and a region-wide event's day, is the methodist's whole day (they
are away). An in-person event may be held remotely when the methodist's time cannot carry the
journey, at a cost; one that cannot be placed at all is reported with the reason, and where
a window's events need more hours than the methodist has there, with that certificate.
Soft: as few events left out as possible (by priority), then as few held remotely for lack
of time, then the busiest week as light as possible. Within a day, events follow one another
from the start of the working day; a visit is framed by its travel there and back.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from itertools import pairwise
from typing import cast

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from assign.assignment.result import Status
from assign.assignment.settings import MAX_SECONDS
from assign.assignment.stages import STOP, Stopped, interrupted_on_stop, stop_set
from assign.events.calendar import SchoolCalendar
from assign.events.catalogue import EventType
from assign.format import month_ru
from assign.schedule.instances import (
    FIRST_HALF,
    SECOND_HALF,
    DayPlan,
    Instance,
    journey,
    venue_journey,
)

TENTHS = 10  # hours are counted in tenths in the model
UNPLACED_WEIGHT = 100_000
DETERMINISTIC_SHARE = 0.1  # of each methodist's share of the time limit, in CP-SAT work units
CLOCK_SLACK, CLOCK_PER_WORK = 0.5, 4.0  # s and s per work unit: a methodist's clock floor
WORKING_WEEK = 5  # days; a longer journey (far uluses) may stay out over a weekend
REMOTE_WEIGHT = 2_000  # an in-person event held remotely for lack of time
YEAR_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    # no better plan within the limits: the greedy start, which meets every hard rule, stays
    cp_model.UNKNOWN: Status.FEASIBLE,
    cp_model.MODEL_INVALID: Status.MODEL_INVALID,
    # the greedy start satisfies the model, so «infeasible» can only be a defect of the model
    cp_model.INFEASIBLE: Status.MODEL_INVALID,
}
"""A methodist's year plan: CP-SAT's answer named; under a defect the greedy plan is kept but
the status says so."""


class ScheduleSettings(BaseModel):
    model_config = ConfigDict(frozen=True, allow_inf_nan=False)  # a limit of inf never ends

    day_start_hour: int = Field(9, ge=0, le=12)
    day_hours: float = Field(8.0, gt=0, le=14)
    hours_per_week: float = Field(40.0, gt=0, le=60)
    """A methodist's working week for the plan, travel included; methodists are practising
    teachers, so a region sets the hours they can give (the Labour Code's 40 h at most)."""
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    days_off: dict[str, tuple[date, ...]] = Field(default_factory=dict)
    """Per methodist: days they are away (leave, other duties)."""
    hours_per_week_of: dict[str, float] = Field(default_factory=dict)
    """Per methodist: their own working week, where it differs from `hours_per_week`."""
    venue_municipality: str | None = None
    """Where region-wide events (congress, conference) are held; None: the municipality
    where most methodists are based."""
    remote_beyond_hours: float | None = Field(None, gt=0)
    """An in-person event whose road one way is longer than this is held remotely (002
    §5.4); None: only where the place cannot be reached that month."""

    def week_hours(self, methodist_id: str) -> float:
        return self.hours_per_week_of.get(methodist_id, self.hours_per_week)

    time_limit: float = Field(45.0, gt=0, le=MAX_SECONDS)
    seed: int = 0
    workers: int = Field(0, ge=0)
    """Processes sharing the methodists; 0 means one per core."""


@dataclass
class Placed:
    """One row of the plan: an event, or one school's stop of a trip."""

    instance: Instance
    start: datetime
    end: datetime
    days: tuple[date, ...]  # the working days it occupies, travel included
    teacher_ids: tuple[str, ...]
    school_id: str | None = None
    day_hours: tuple[float, ...] = ()  # hours the journey takes on each of `days`


@dataclass(frozen=True)
class Shortfall:
    """A certificate that a methodist's hours cannot carry their events: the events whose
    every allowed day lies in the window need more hours than the window holds."""

    methodist_id: str
    window: str  # in Russian: «декабрь 2026», «первое полугодие», «учебный год»
    first: date
    last: date
    need_hours: float
    available_hours: float

    @property
    def missing_hours(self) -> float:
        return self.need_hours - self.available_hours

    def text(self) -> str:
        def ru(hours: float) -> str:
            return f"{hours:.1f}".replace(".", ",")

        return (
            f"не хватает часов методиста: за период «{self.window}» "
            f"({self.first:%d.%m.%Y}–{self.last:%d.%m.%Y}) мероприятиям нужно "
            f"{ru(self.need_hours)} ч, доступно {ru(self.available_hours)} ч "
            f"(недостаёт {ru(self.missing_hours)} ч)"
        )


@dataclass
class ScheduleResult:
    status: Status
    runtime: float
    placed: list[Placed]
    unplaced: list[tuple[Instance, str]]
    objective: float = math.nan
    bound: float = math.nan
    per_methodist: dict[str, Status] = field(default_factory=dict)
    shortfalls: list[Shortfall] = field(default_factory=list)
    common_days: dict[str, date] = field(default_factory=dict)
    """Region-wide events: the one date of each, by its common key."""


@dataclass
class _Option:
    day: int  # index of the first working day occupied
    days: tuple[int, ...]
    event_days: tuple[int, ...]  # indices of the days the event itself is held
    loads: tuple[int, ...]  # tenths of hours actually spent on each occupied day
    caps: tuple[int, ...]  # tenths counted against the day's limit (a whole day when away)
    plan: DayPlan
    variant: Instance | None = None  # the event as held remotely, when this option is that

    @property
    def event_day(self) -> int:
        return self.event_days[0]

    @property
    def last_day(self) -> int:
        return self.event_days[-1]


def _plan_of(e: Instance, travel: float, settings: ScheduleSettings) -> DayPlan:
    way = travel_minutes(travel) / 60 if e.in_person else 0.0
    if e.region_wide:
        return venue_journey(way, e.planned.spec.hours, settings.day_hours)
    return journey(way, e.planned.spec.hours, len(e.stops), settings.day_hours)


def _starts(e: Instance, days: list[date], earliest: date, longest: int) -> list[int]:
    """The working days a journey for `e` can start on: from its longest journey before
    each of its months to the month's end, not before `earliest` — so the options are
    looked for among a month's days, not the year's."""
    floor = bisect_left(days, earliest)
    starts: set[int] = set()
    for m in e.months:
        after = date(m.year + m.month // 12, m.month % 12 + 1, 1)
        first = max(bisect_left(days, m) - longest + 1, floor)
        starts.update(range(first, bisect_left(days, after)))
    return sorted(starts)


def _options(
    e: Instance,
    days: list[date],
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
    available: list[bool],
    fixed_day: date | None = None,
) -> list[_Option]:
    months = {(m.year, m.month) for m in e.months}
    earliest = calendar.start + timedelta(days=e.planned.spec.notice_days)
    if e.not_before is not None:
        earliest = max(earliest, e.not_before)
    latest = e.not_after or date.max
    day_tenths = round(settings.day_hours * TENTHS)
    # the journey for each month's road
    plans = {t: _plan_of(e, t, settings) for t in set(e.travel_hours) if math.isfinite(t)}
    longest = max((len(p) for p in plans.values()), default=1)
    options = []
    for i in _starts(e, days, earliest, longest):
        day = days[i]
        if not available[i]:
            continue
        travel = e.travel_hours[day.month - 1]
        if not math.isfinite(travel):
            continue
        plan = plans[travel]
        occupied = tuple(range(i, i + len(plan)))
        if occupied[-1] >= len(days) or not all(available[j] for j in occupied):
            continue
        event_days = tuple(i + k for k, (_, held) in enumerate(plan) if held)
        first, last = days[event_days[0]], days[event_days[-1]]
        there = e.travel_hours[first.month - 1]
        if there != travel:  # the journey is counted with the road of the event's month
            if not math.isfinite(there):
                continue
            if [bool(h) for _, h in plans[there]] != [bool(h) for _, h in plan]:
                continue
            plan = plans[there]
            occupied = tuple(range(i, i + len(plan)))
            if occupied[-1] >= len(days) or not all(available[j] for j in occupied):
                continue
        if (first.year, first.month) not in months or last > latest:
            continue
        span = (days[occupied[-1]] - days[occupied[0]]).days + 1
        if 1 < len(occupied) <= WORKING_WEEK and span != len(occupied):
            continue  # a journey of a few days is not spread over a weekend or a holiday
        if fixed_day is not None and first != fixed_day:
            continue
        if not math.isfinite(e.travel_hours[first.month - 1]):
            continue
        if e.teacher_ids and not all(calendar.teachers_available(days[j]) for j in event_days):
            continue
        loads = tuple(math.ceil(h * TENTHS - 1e-9) for h, _ in plan)
        # away from home, or at the region's event: the day is the journey's alone
        whole = len(plan) > 1 or e.region_wide
        caps = (day_tenths,) * len(plan) if whole else loads
        options.append(_Option(i, occupied, event_days, loads, caps, plan))
    return options


TIME_REMOTE_REASON = "очный выезд не помещается в рабочее время методиста"


def remote_variant(e: Instance) -> Instance | None:
    """The event held remotely (002 §5.4) when the methodist's time cannot carry the
    journey: no travel, same days and teachers; None for an event without travel."""
    if not e.in_person or not (e.is_trip or e.region_wide):
        return None
    return replace(e, format="remote", format_reason=TIME_REMOTE_REASON, travel_hours=(0.0,) * 12)


def _all_options(
    e: Instance,
    days: list[date],
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
    available: list[bool],
    fixed_day: date | None,
) -> list[_Option]:
    """In person where it can be, and the remote fallback beside it (penalised)."""
    options = _options(e, days, calendar, settings, available, fixed_day)
    remote = remote_variant(e)
    if remote is not None:
        fallback = _options(remote, days, calendar, settings, available, fixed_day)
        options += [replace(o, variant=remote) for o in fallback]
    return options


def _no_day_reason(e: Instance, calendar: SchoolCalendar, fixed_day: date | None) -> str:
    months = ", ".join(month_ru(m) for m in e.months)
    if fixed_day is not None:
        return (
            f"в общий для всех методистов день {fixed_day:%d.%m.%Y} нет рабочего дня "
            "методиста (или свободных дней на дорогу до места проведения)"
        )
    if e.is_trip and not any(math.isfinite(e.travel_hours[m.month - 1]) for m in e.months):
        also = " (и в другие месяцы полугодия)" if e.spec_type is EventType.VISIT else ""
        return f"школы муниципалитета {e.municipality_id} недоступны для выезда: {months}{also}"
    if e.not_before is not None and e.spec_type is EventType.REPORT:
        return (
            f"нет рабочего дня методиста в последние две рабочие недели: {months} "
            f"({e.not_before:%d.%m}–{(e.not_after or e.not_before):%d.%m})"
        )
    return f"нет рабочего дня, когда методист и педагоги свободны: {months}"


Booked = Mapping[date, tuple[float, bool]]
"""A methodist's days already taken by events kept from an earlier plan: hours, and whether
the day is the earlier event's alone."""

_Outcome = tuple[Status, list[Placed], list[tuple[Instance, str]], float, float, list["Shortfall"]]


def _half(e: Instance) -> int:
    return 0 if e.months[0].month in FIRST_HALF else 1


def _windows(days: list[date], calendar: SchoolCalendar) -> list[tuple[str, date, date]]:
    """The windows a shortfall is looked for in: each month, each half-year, the year."""
    out: list[tuple[str, date, date]] = []
    months = sorted({(d.year, d.month) for d in days})
    for year, month in months:
        inside = [d for d in days if (d.year, d.month) == (year, month)]
        out.append((month_ru(date(year, month, 1)), inside[0], inside[-1]))
    halves = (("первое полугодие", FIRST_HALF), ("второе полугодие", SECOND_HALF))
    for name, half in halves:
        inside = [d for d in days if d.month in half]
        if inside:
            out.append((name, inside[0], inside[-1]))
    if days:
        out.append(("учебный год", days[0], days[-1]))
    return out


def shortfalls(
    methodist_id: str,
    instances: list[Instance],
    options: Mapping[int, list[_Option]],
    days: list[date],
    available: list[bool],
    calendar: SchoolCalendar,
    day_cap: Sequence[int],
    week_cap: Mapping[tuple[int, int], int],
) -> list[Shortfall]:
    """Windows where the events that must fall inside need more hours than the methodist
    has there (each event at its cheapest day; the days' and weeks' hours as limits): a
    proof that some of them cannot be planned, whatever the solver does."""
    found = []
    for name, first, last in _windows(days, calendar):
        need = 0
        for opts in options.values():
            if opts and all(first <= days[o.day] and days[o.days[-1]] <= last for o in opts):
                need += min(sum(o.loads) for o in opts)
        if not need:
            continue
        weeks: dict[tuple[int, int], int] = defaultdict(int)
        for i, d in enumerate(days):
            if first <= d <= last and available[i]:
                weeks[_week(d)] += day_cap[i]
        have = sum(min(h, week_cap[w]) for w, h in weeks.items())
        if need > have:
            found.append(Shortfall(methodist_id, name, first, last, need / TENTHS, have / TENTHS))
    return found


def schedule_methodist(
    methodist_id: str,
    instances: list[Instance],
    days: list[date],
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
    time_limit: float,
    common_days: Mapping[str, date] | None = None,
    booked: Booked | None = None,
    methodists: int = 1,
) -> _Outcome:
    """One methodist's year. `methodists` is how many share the time limit in this process:
    each gets the same deterministic work budget."""
    common_days = common_days or {}
    booked = booked or {}
    off = set(settings.days_off.get(methodist_id, ()))
    full = round(settings.day_hours * TENTHS)
    taken = [booked.get(d, (0.0, False)) for d in days]
    day_cap = [0 if alone else full - math.ceil(h * TENTHS - 1e-9) for h, alone in taken]
    available = [
        d.weekday() in settings.weekdays and d not in off and day_cap[i] > 0
        for i, d in enumerate(days)
    ]
    week_total = round(settings.week_hours(methodist_id) * TENTHS)
    week_cap: dict[tuple[int, int], int] = defaultdict(lambda: week_total)
    for (h, _), d in zip(taken, days, strict=True):
        week_cap[_week(d)] -= math.ceil(h * TENTHS - 1e-9)
    model = cp_model.CpModel()
    unplaced: list[tuple[Instance, str]] = []
    all_options: dict[int, list[_Option]] = {}
    choices: dict[int, list[tuple[_Option, cp_model.IntVar]]] = {}
    skipped: dict[int, cp_model.IntVar] = {}
    for n, e in enumerate(instances):
        fixed = common_days.get(e.common_key) if e.common_key else None
        options = _all_options(e, days, calendar, settings, available, fixed)
        all_options[n] = options
        if not options:
            unplaced.append((e, _no_day_reason(e, calendar, fixed)))
            continue
        choices[n] = [(o, model.new_bool_var("")) for o in options]
        skipped[n] = model.new_bool_var("")
        model.add_exactly_one([v for _, v in choices[n]] + [skipped[n]])
    day_terms: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    week_terms: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for opts in choices.values():
        for o, v in opts:
            for j, load, cap in zip(o.days, o.loads, o.caps, strict=True):
                day_terms[j].append((cap, v))
                week_terms[_week(days[j])].append((load, v))
    for i, terms in day_terms.items():
        model.add(_weighted(terms) <= day_cap[i])
    busiest = model.new_int_var(0, week_total, "")
    for week, terms in week_terms.items():
        total = _weighted(terms)
        model.add(total <= week_cap[week])
        model.add(total <= busiest)
    pairs = _order_pairs(instances, choices)
    for x, y, strict in pairs:
        gap = 1 if strict else 0
        model.add(
            _weighted([(o.event_day, v) for o, v in choices[y]])
            >= _weighted([(o.last_day, v) for o, v in choices[x]]) + gap
        ).only_enforce_if([skipped[x].Not(), skipped[y].Not()])
    start = _greedy(
        instances,
        {n: [o for o, _ in opts] for n, opts in choices.items()},
        days,
        day_cap,
        week_cap,
        pairs,
    )
    for n, opts in choices.items():
        model.add_hint(skipped[n], n not in start)
        for o, v in opts:
            model.add_hint(v, start.get(n) is o)
    # a complete hint: CP-SAT then starts from the greedy plan instead of searching for one
    start_weeks: dict[tuple[int, int], int] = defaultdict(int)
    for o in start.values():
        for j, load in zip(o.days, o.loads, strict=True):
            start_weeks[_week(days[j])] += load
    model.add_hint(busiest, max(start_weeks.values(), default=0))
    remote_terms = [v for opts in choices.values() for o, v in opts if o.variant is not None]
    model.minimize(
        sum(UNPLACED_WEIGHT * _priority(instances[n]) * v for n, v in skipped.items())
        + REMOTE_WEIGHT * sum(remote_terms)
        + busiest
    )
    solver = cp_model.CpSolver()
    # the work limit binds before the clock, so the same input gives the same plan however
    # busy the machine is; the clock stays the safety net, never below what the work takes
    # on a loaded machine (loading the model counts on the clock only), lest a share eaten
    # by the model building of earlier methodists let the clock bind first
    work = max(DETERMINISTIC_SHARE * settings.time_limit / max(methodists, 1), 0.01)
    solver.parameters.max_deterministic_time = work
    solver.parameters.max_time_in_seconds = max(time_limit, CLOCK_SLACK + CLOCK_PER_WORK * work)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = settings.seed
    with interrupted_on_stop(solver.stop_search):  # a cancelled job: CP-SAT stops at once
        code = solver.solve(model)
    if stop_set():
        raise Stopped
    status = YEAR_STATUS.get(code, Status.UNKNOWN)
    start_objective = (
        sum(UNPLACED_WEIGHT * _priority(instances[n]) for n in choices if n not in start)
        + REMOTE_WEIGHT * sum(o.variant is not None for o in start.values())
        + max(start_weeks.values(), default=0)
    )
    bound = solver.best_objective_bound
    if status.has_plan and code != cp_model.UNKNOWN and solver.objective_value < start_objective:
        picked = {
            n: next(o for o, v in opts if solver.value(v))
            for n, opts in choices.items()
            if not solver.value(skipped[n])
        }
        objective = solver.objective_value
    else:  # no better plan (CP-SAT may stop on a worse one when presolve loses the hint):
        picked, objective = start, start_objective  # the greedy one meets every hard rule too
        if status is Status.OPTIMAL and start_objective > bound:
            status = Status.FEASIBLE
    found = shortfalls(
        methodist_id,
        instances,
        {n: all_options[n] for n in choices},
        days,
        available,
        calendar,
        day_cap,
        week_cap,
    )
    for n in choices:
        if n not in picked:
            unplaced.append((instances[n], _time_reason(all_options[n], days, found)))
    placed = [(o.variant or instances[n], o) for n, o in sorted(picked.items())]
    return status, _clock_times(placed, days, settings), unplaced, objective, bound, found


def _time_reason(options: list[_Option], days: list[date], found: list[Shortfall]) -> str:
    """Why an event with allowed days was left out: the narrowest proven shortfall that
    covers all its days, else the limits in general."""
    first, last = days[min(o.day for o in options)], days[max(o.days[-1] for o in options)]
    covering = [f for f in found if f.first <= first and last <= f.last]
    if covering:
        return min(covering, key=lambda f: f.last - f.first).text()
    return "не хватило рабочего времени методиста (лимит дня или недели)"


def _priority(e: Instance) -> int:
    """How much leaving an event out costs: the obligations of 002 (reports, diagnostics, the
    IOM cycle, the region's congress) before visits, consultations and the rest."""
    if e.spec_type in (EventType.REPORT, EventType.DIAGNOSTICS_ENTRY, EventType.DIAGNOSTICS_FINAL):
        return 10
    return 5 if e.cycle_stage is not None or e.region_wide else 1


def _order_pairs(
    instances: list[Instance], choices: Mapping[int, list[tuple[_Option, cp_model.IntVar]]]
) -> list[tuple[int, int, bool]]:
    """(x, y, strict): y starts after x ends (strict: on a later day). Every teacher's IOM
    stages in order; a monitoring visit after the teacher's entry diagnostics and IOM
    development (002, Инструкция: monitoring of the IOM); a report on or after the last of
    the methodist's other events of its half-year. Pairs their windows already order are
    left out."""
    pairs: set[tuple[int, int, bool]] = set()
    stages: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    visits: dict[str, list[int]] = defaultdict(list)
    for n, e in enumerate(instances):
        if n not in choices:
            continue
        stage = e.cycle_stage
        for t in e.teacher_ids:
            if stage is not None:
                stages[t][stage].append(n)
            elif e.spec_type is EventType.VISIT:
                visits[t].append(n)
    for t, by_stage in stages.items():
        ordered = sorted(by_stage)
        for a, b in pairwise(ordered):
            pairs.update((x, y, True) for x in by_stage[a] for y in by_stage[b])
        before = by_stage.get(0, []) + by_stage.get(1, [])
        pairs.update((x, y, True) for x in before for y in visits.get(t, ()))
    reports = [n for n in choices if instances[n].spec_type is EventType.REPORT]
    for y in reports:
        half = _half(instances[y])
        pairs.update(
            (x, y, False)
            for x in choices
            if instances[x].spec_type is not EventType.REPORT and _half(instances[x]) == half
        )
    kept = []
    for x, y, strict in sorted(pairs):
        last_x = max(o.last_day for o, _ in choices[x])
        first_y = min(o.event_day for o, _ in choices[y])
        if first_y >= last_x + strict:
            continue  # the windows already keep them in order
        kept.append((x, y, strict))
    return kept


def _greedy(
    instances: list[Instance],
    options: dict[int, list[_Option]],
    days: list[date],
    day_cap: Sequence[int],
    week_cap: Mapping[tuple[int, int], int],
    pairs: list[tuple[int, int, bool]],
) -> dict[int, _Option]:
    """A first schedule for CP-SAT to improve: events in IOM-stage and window order, each on
    the allowed day that keeps within the day's and week's hours and after what it must
    follow (earlier stages, the IOM before a visit, the half-year before its report)."""
    day_used: dict[int, int] = defaultdict(int)
    week_used: dict[tuple[int, int], int] = defaultdict(int)
    chosen: dict[int, _Option] = {}
    before: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    after: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for x, y, strict in pairs:
        before[y].append((x, strict))
        after[x].append((y, strict))

    def order(n: int) -> tuple[bool, bool, bool, int, int, int]:
        # reports first, on the latest day they can take (they close the half-year, so
        # the rest must end by then), the region's fixed days next, short fixed events
        # next, the long and flexible trips after them
        e = instances[n]
        stage = e.cycle_stage
        return (
            e.spec_type is not EventType.REPORT,
            not e.region_wide,
            e.is_trip,
            -1 if stage is None else stage,
            options[n][-1].day,
            len(options[n]),
        )

    for n in sorted(options, key=order):
        e = instances[n]
        earliest, latest = -1, len(days)
        for x, strict in before[n]:
            if x in chosen:
                earliest = max(earliest, chosen[x].last_day + strict - 1)
        for y, strict in after[n]:
            if y in chosen:
                latest = min(latest, chosen[y].event_day - strict)
        late = e.spec_type is EventType.REPORT
        best: tuple[tuple[bool, int, int, int], _Option] | None = None
        for o in options[n]:
            if o.event_day <= earliest or o.last_day > latest:
                continue
            if any(day_used[d] + cap > day_cap[d] for d, cap in zip(o.days, o.caps, strict=True)):
                continue
            weeks: dict[tuple[int, int], int] = defaultdict(int)
            for d, load in zip(o.days, o.loads, strict=True):
                weeks[_week(days[d])] += load
            if any(week_used[w] + load > week_cap[w] for w, load in weeks.items()):
                continue
            # short events fill days already begun, keeping whole days free for journeys;
            # journeys go to the lightest week
            begun = 0 if e.is_trip or day_used[o.day] else 1
            when = -o.day if late else o.day
            key = (o.variant is not None, begun, max(week_used[w] for w in weeks), when)
            if late:
                key = (o.variant is not None, 0, 0, when)
            if best is None or key < best[0]:
                best = key, o
        if best is None:
            continue
        o = best[1]
        chosen[n] = o
        for d, load, cap in zip(o.days, o.loads, o.caps, strict=True):
            day_used[d] += cap
            week_used[_week(days[d])] += load
    return chosen


@cache
def _week(day: date) -> tuple[int, int]:
    """The ISO (year, week) a day falls in: the unit of a methodist's weekly hours."""
    year, week, _ = day.isocalendar()
    return year, week


def _weighted(terms: Sequence[tuple[int, cp_model.IntVar]]) -> cp_model.LinearExpr:
    """Σ coefficient·variable built in one call, not term by term: models hold ~10⁵ terms."""
    return cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])


def travel_minutes(hours: float) -> int:
    """Travel in whole minutes, rounded up, so a written plan never shortens a journey."""
    return math.ceil(hours * 60 - 1e-9)


VENUE_START_HOUR = 1  # region-wide events start an hour after the working day does
# a visit begins on the quarter hour, as planners write it (10:45, not the 10:39 its travel
# gives: the methodist leaves that much later), else on five minutes where the quarter would
# run the day past its end (two trips in a day), else at the minute the travel gives
CLOCK_STEPS = (timedelta(minutes=15), timedelta(minutes=5), timedelta(minutes=1))


def rounded_up(moment: datetime, grid: timedelta) -> datetime:
    """`moment` rounded up to a multiple of `grid` since midnight (every event lasts whole
    half hours, so the visits after the first stay on the grid too)."""
    midnight = datetime.combine(moment.date(), datetime.min.time())
    return midnight + math.ceil((moment - midnight) / grid - 1e-9) * grid


def _clock_times(
    placed: list[tuple[Instance, _Option]], days: list[date], settings: ScheduleSettings
) -> list[Placed]:
    """Events of a day one after another from the day's start (reports last); a one-day
    trip goes there, calls at its schools in turn and comes back; a longer journey holds its
    stops at the hours its day plan gives; a region-wide event starts at the same hour for
    everyone."""
    step = timedelta

    def at(day: int, hours: float) -> datetime:
        return datetime.combine(days[day], datetime.min.time()) + step(
            hours=settings.day_start_hour + hours
        )

    out = []
    shared: dict[int, list[tuple[Instance, _Option]]] = defaultdict(list)
    for e, o in placed:
        occupied = tuple(days[i] for i in o.days)
        spent = tuple(round(h, 4) for h, _ in o.plan)
        if e.region_wide:
            begin = at(o.event_day, VENUE_START_HOUR)
            out.append(
                Placed(e, begin, begin + step(hours=e.hours), occupied, e.teacher_ids, None, spent)
            )
        elif len(o.plan) > 1:
            each = e.planned.spec.hours
            for k, (hours, held) in enumerate(o.plan):
                exact = [at(o.day + k, offset) for _, offset in held]
                room = at(o.day + k, settings.day_hours) - at(o.day + k, hours)
                for (n, _), begin in zip(held, _on_grid(exact, room), strict=True):
                    stop = e.stops[n] if e.stops else None
                    out.append(
                        Placed(
                            e,
                            begin,
                            begin + step(hours=each),
                            occupied,
                            stop.teacher_ids if stop else e.teacher_ids,
                            stop.school_id if stop else None,
                            spent,
                        )
                    )
        else:
            shared[o.event_day].append((e, o))
    for d, items in sorted(shared.items()):
        ordered = sorted(
            items, key=lambda item: (item[0].spec_type is EventType.REPORT, item[0].event_id)
        )
        limit = at(d, settings.day_hours)
        for grid in CLOCK_STEPS:  # the coarsest grid that keeps the day within its hours
            laid, end = _in_turn(ordered, at(d, 0), days, d, grid)
            if end <= limit or grid == CLOCK_STEPS[-1]:
                break
        out += laid
    return out


def _on_grid(exact: list[datetime], room: timedelta) -> list[datetime]:
    """A journey day's stops on the coarsest grid that moves the last of them (and the day's
    end with it) by at most `room`, else as its day plan gives them."""
    for grid in CLOCK_STEPS:
        begins = [rounded_up(moment, grid) for moment in exact]
        if not exact or max(begins) - max(exact) <= room:
            return begins
    return exact


def _in_turn(
    items: list[tuple[Instance, _Option]],
    start: datetime,
    days: list[date],
    d: int,
    grid: timedelta,
) -> tuple[list[Placed], datetime]:
    """A day's events one after another from `start` (a trip goes there, its first visit on
    `grid`, calls at its schools in turn and comes back), and when the day ends."""
    step = timedelta
    out = []
    cursor = start
    for e, o in items:
        occupied = tuple(days[i] for i in o.days)
        spent = tuple(round(h, 4) for h, _ in o.plan)
        if not e.is_trip:
            end = cursor + step(hours=e.hours)
            out.append(Placed(e, cursor, end, occupied, e.teacher_ids, None, spent))
            cursor = end
            continue
        each = e.planned.spec.hours
        way = step(minutes=travel_minutes(e.travel_hours[days[d].month - 1]))
        if not e.in_person:
            way = step(0)
        cursor = rounded_up(cursor + way, grid)
        for stop in e.stops:
            out.append(
                Placed(
                    e,
                    cursor,
                    cursor + step(hours=each),
                    occupied,
                    stop.teacher_ids,
                    stop.school_id,
                    spent,
                )
            )
            cursor += step(hours=each)
        cursor += way
    return out, cursor


def common_dates(
    instances: list[Instance],
    days: list[date],
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
    fixed: Mapping[str, date] | None = None,
) -> dict[str, date]:
    """One date per region-wide event, before the methodists are planned one by one: the
    working day of its window when the most of its methodists are free; among those, a day
    teachers are on vacation (no clash with their events), then mid-week (travel days
    around it stay in the week), then the earliest."""
    chosen = dict(fixed or {})
    by_key: dict[str, list[Instance]] = defaultdict(list)
    for e in instances:
        if e.common_key is not None and e.common_key not in chosen:
            by_key[e.common_key].append(e)
    for key, group in sorted(by_key.items()):
        months = {(m.year, m.month) for e in group for m in e.months}
        earliest = calendar.start + timedelta(days=group[0].planned.spec.notice_days)
        candidates = [d for d in days if (d.year, d.month) in months and d >= earliest]
        if not candidates:
            continue
        people = sorted({e.planned.methodist_id for e in group})
        free = {
            d: sum(
                d.weekday() in settings.weekdays and d not in settings.days_off.get(m, ())
                for m in people
            )
            for d in candidates
        }
        chosen[key] = min(
            candidates,
            key=lambda d: (-free[d], calendar.teachers_available(d), d.weekday() in (0, 4), d),
        )
    return chosen


PROGRESS: ContextVar[Callable[[int, int], None] | None] = ContextVar("year_progress", default=None)
"""Set by whoever runs the year plan in this thread (a service job): called with (methodists
planned, methodists in all) after each one, when the plan runs in this process (one worker:
a job's case)."""


@contextmanager
def year_progress(report: Callable[[int, int], None]) -> Iterator[None]:
    """`report` hears this thread's year plans count their methodists while the block runs."""
    token = PROGRESS.set(report)
    try:
        yield
    finally:
        PROGRESS.reset(token)


def _stop_on(halt: object) -> None:
    """A worker process's `STOP`: the parent's event (it answers `is_set` and `wait` as a
    thread's does)."""
    STOP.set(cast(threading.Event, halt))


def _schedule_chunk(
    groups: list[tuple[str, list[Instance]]],
    days: list[date],
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
    common: Mapping[str, date],
    booked: Mapping[str, Booked],
) -> list[tuple[str, _Outcome]]:
    """Methodists one after another, each with an equal share of the time still left."""
    start = time.perf_counter()
    done = []
    for n, (methodist_id, items) in enumerate(groups):
        if stop_set():  # a cancelled job: no other methodist is begun
            raise Stopped
        left = settings.time_limit - (time.perf_counter() - start)
        share = left / (len(groups) - n)
        outcome = schedule_methodist(
            methodist_id,
            items,
            days,
            calendar,
            settings,
            share,
            common,
            booked.get(methodist_id),
            len(groups),
        )
        done.append((methodist_id, outcome))
        if (report := PROGRESS.get()) is not None:
            report(n + 1, len(groups))
    return done


def schedule_year(
    instances: list[Instance],
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
    common_days: Mapping[str, date] | None = None,
    booked: Mapping[str, Booked] | None = None,
) -> ScheduleResult:
    """Every methodist's year; methodists are independent once the region-wide events have
    their common dates, so they are shared among worker processes (one per core), each
    keeping to the whole time limit. `common_days` fixes dates already announced and
    `booked` the days earlier events keep (a re-plan)."""
    start = time.perf_counter()
    days = calendar.working_days()
    common = common_dates(instances, days, calendar, settings, common_days)
    booked = booked or {}
    by_methodist: dict[str, list[Instance]] = defaultdict(list)
    for e in instances:
        by_methodist[e.planned.methodist_id].append(e)
    groups = sorted(by_methodist.items())
    workers = min(settings.workers or os.cpu_count() or 1, len(groups) or 1)
    if workers == 1:
        outcomes = _schedule_chunk(groups, days, calendar, settings, common, booked)
    else:
        # the processes watch an event of their own, set once the caller's stop is (a cancel)
        processes = multiprocessing.get_context()
        halt = processes.Event()
        with (
            ProcessPoolExecutor(
                workers, mp_context=processes, initializer=_stop_on, initargs=(halt,)
            ) as pool,
            interrupted_on_stop(halt.set),
        ):
            chunks = [
                pool.submit(
                    _schedule_chunk,
                    groups[k::workers],
                    days,
                    calendar,
                    settings,
                    common,
                    {m: booked[m] for m, _ in groups[k::workers] if m in booked},
                )
                for k in range(workers)
            ]
            outcomes = [item for chunk in chunks for item in chunk.result()]
    placed: list[Placed] = []
    unplaced: list[tuple[Instance, str]] = []
    statuses: dict[str, Status] = {}
    found: list[Shortfall] = []
    objective = bound = 0.0
    for methodist_id, (status, got, missed, obj, low, short) in sorted(
        outcomes, key=lambda o: o[0]
    ):
        statuses[methodist_id] = status
        placed += got
        unplaced += missed
        found += short
        objective += obj
        bound += low
    worst = Status.OPTIMAL
    for status in (Status.FEASIBLE, Status.TIME_LIMIT, Status.UNKNOWN, Status.MODEL_INVALID):
        if status in statuses.values():
            worst = status
    return ScheduleResult(
        worst,
        time.perf_counter() - start,
        placed,
        unplaced,
        objective,
        bound,
        statuses,
        found,
        common,
    )
