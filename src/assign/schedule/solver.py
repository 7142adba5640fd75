"""Placing the year's events on days with CP-SAT, one methodist at a time.

Why per methodist: every event is led by one methodist and each teacher has one methodist, so
no constraint links two methodists — teachers cannot be double-booked by someone else.

Hard: each event on one allowed day (a working day in its window; teachers' events outside
vacations and after the notice period; a school reachable that month), a methodist's hours per
day and per week including travel, trips that take several days blocking them, and the IOM
cycle in order for every teacher. An event that cannot be placed is reported with the reason.
Soft: as few trips as possible (visits to one municipality in one week share the trip), then
the busiest week as light as possible. Within a day, events follow one another from the
start of the working day; a visit is framed by its travel there and back.
"""

from __future__ import annotations

import math
import os
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from assign.assignment.result import Status
from assign.events.calendar import SchoolCalendar
from assign.events.catalogue import EventType
from assign.format import month_ru
from assign.schedule.instances import Instance, trip_days

TENTHS = 10  # hours are counted in tenths in the model
UNPLACED_WEIGHT = 100_000


class ScheduleSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    day_start_hour: int = Field(9, ge=0, le=12)
    day_hours: float = Field(8.0, gt=0, le=14)
    hours_per_week: float = Field(40.0, gt=0, le=60)
    """A methodist's working week (Labour Code: 40 h), travel included."""
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    days_off: dict[str, tuple[date, ...]] = Field(default_factory=dict)
    """Per methodist: days they are away (leave, other duties)."""
    hours_per_week_of: dict[str, float] = Field(default_factory=dict)
    """Per methodist: their own working week, where it differs from `hours_per_week`."""

    def week_hours(self, methodist_id: str) -> float:
        return self.hours_per_week_of.get(methodist_id, self.hours_per_week)

    time_limit: float = Field(45.0, gt=0)
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


@dataclass
class ScheduleResult:
    status: Status
    runtime: float
    placed: list[Placed]
    unplaced: list[tuple[Instance, str]]
    objective: float = math.nan
    bound: float = math.nan
    per_methodist: dict[str, Status] = field(default_factory=dict)


@dataclass
class _Option:
    day: int  # index of the first working day occupied
    days: tuple[int, ...]
    event_days: tuple[int, ...]  # indices of the days the event itself is held
    loads: tuple[int, ...]  # tenths of hours on each occupied day

    @property
    def event_day(self) -> int:
        return self.event_days[0]


def _options(
    e: Instance,
    days: list[date],
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
    available: list[bool],
) -> list[_Option]:
    months = {(m.year, m.month) for m in e.months}
    earliest = calendar.start + timedelta(days=e.planned.spec.notice_days)
    day_tenths = round(settings.day_hours * TENTHS)
    options = []
    for i, day in enumerate(days):
        if not available[i] or day < earliest:
            continue
        travel = e.travel_hours[day.month - 1]
        if not math.isfinite(travel):
            continue
        out, held, back = trip_days(travel, e.planned.spec.hours, len(e.stops), settings.day_hours)
        occupied = tuple(range(i, i + out + held + back))
        if occupied[-1] >= len(days) or not all(available[j] for j in occupied):
            continue
        event_days = occupied[out : out + held]
        first = days[event_days[0]]
        if (first.year, first.month) not in months:
            continue
        if not math.isfinite(e.travel_hours[first.month - 1]):
            continue
        if e.teacher_ids and not all(calendar.teachers_available(days[j]) for j in event_days):
            continue
        if len(occupied) == 1:
            loads: tuple[int, ...] = (math.ceil((e.hours + 2 * travel) * TENTHS - 1e-9),)
        else:
            loads = (day_tenths,) * len(occupied)
        options.append(_Option(i, occupied, event_days, loads))
    return options


def _no_day_reason(e: Instance, calendar: SchoolCalendar) -> str:
    months = ", ".join(month_ru(m) for m in e.months)
    if e.is_trip and not any(math.isfinite(e.travel_hours[m.month - 1]) for m in e.months):
        also = " (и в другие месяцы полугодия)" if e.spec_type is EventType.VISIT else ""
        return f"школы муниципалитета {e.municipality_id} недоступны для выезда в {months}{also}"
    return f"нет рабочего дня, когда методист и педагоги свободны: {months}"


_Outcome = tuple[Status, list[Placed], list[tuple[Instance, str]], float, float]


def schedule_methodist(
    methodist_id: str,
    instances: list[Instance],
    days: list[date],
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
    time_limit: float,
) -> _Outcome:
    off = set(settings.days_off.get(methodist_id, ()))
    available = [d.weekday() in settings.weekdays and d not in off for d in days]
    model = cp_model.CpModel()
    unplaced: list[tuple[Instance, str]] = []
    choices: dict[int, list[tuple[_Option, cp_model.IntVar]]] = {}
    skipped: dict[int, cp_model.IntVar] = {}
    for n, e in enumerate(instances):
        options = _options(e, days, calendar, settings, available)
        if not options:
            unplaced.append((e, _no_day_reason(e, calendar)))
            continue
        choices[n] = [(o, model.new_bool_var("")) for o in options]
        skipped[n] = model.new_bool_var("")
        model.add_exactly_one([v for _, v in choices[n]] + [skipped[n]])
    day_load: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for opts in choices.values():
        for o, v in opts:
            for d, load in zip(o.days, o.loads, strict=True):
                day_load[d].append((load, v))
    day_cap = round(settings.day_hours * TENTHS)
    week_cap = round(settings.week_hours(methodist_id) * TENTHS)
    weeks: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for d, terms in day_load.items():
        model.add(sum(load * v for load, v in terms) <= day_cap)
        weeks[days[d].isocalendar()[:2]] += terms
    busiest = model.new_int_var(0, week_cap, "")
    for terms in weeks.values():
        total = sum(load * v for load, v in terms)
        model.add(total <= week_cap)
        model.add(total <= busiest)
    _iom_order(model, instances, choices, skipped)
    start = _greedy(
        instances, {n: [o for o, _ in opts] for n, opts in choices.items()}, days, day_cap, week_cap
    )
    for n, opts in choices.items():
        model.add_hint(skipped[n], n not in start)
        for o, v in opts:
            model.add_hint(v, start.get(n) is o)
    model.minimize(
        sum(UNPLACED_WEIGHT * _priority(instances[n]) * v for n, v in skipped.items()) + busiest
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.05)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = settings.seed
    code = solver.solve(model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        picked = {
            n: next(o for o, v in opts if solver.value(v))
            for n, opts in choices.items()
            if not solver.value(skipped[n])
        }
        status = Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE
        objective, bound = solver.objective_value, solver.best_objective_bound
    else:  # no better plan in time: keep the greedy one, which meets every hard rule too
        picked, status = start, Status.FEASIBLE
        objective, bound = math.nan, solver.best_objective_bound
    for n in choices:
        if n not in picked:
            unplaced.append(
                (instances[n], "не хватило рабочего времени методиста (лимит дня или недели)")
            )
    placed = [(instances[n], o) for n, o in sorted(picked.items())]
    return status, _clock_times(placed, days, settings), unplaced, objective, bound


def _priority(e: Instance) -> int:
    """How much leaving an event out costs: the obligations of 002 (reports, diagnostics, the
    IOM cycle) before visits, consultations and the rest."""
    if e.spec_type in (EventType.REPORT, EventType.DIAGNOSTICS_ENTRY, EventType.DIAGNOSTICS_FINAL):
        return 10
    return 5 if e.cycle_stage is not None else 1


def _greedy(
    instances: list[Instance],
    options: dict[int, list[_Option]],
    days: list[date],
    day_cap: int,
    week_cap: int,
) -> dict[int, _Option]:
    """A first schedule for CP-SAT to improve: events in IOM-stage and window order, each on
    the allowed day that keeps within the day's and week's hours and after the teacher's
    earlier stages."""
    day_used: dict[int, int] = defaultdict(int)
    week_used: dict[tuple[int, int], int] = defaultdict(int)
    after: dict[str, int] = defaultdict(lambda: -1)  # teacher → last day of their IOM stage
    chosen: dict[int, _Option] = {}

    def order(n: int) -> tuple[bool, int, int, int]:
        # short fixed events first, the long and flexible trips after them
        stage = instances[n].cycle_stage
        return (
            instances[n].is_trip,
            -1 if stage is None else stage,
            options[n][-1].day,
            len(options[n]),
        )

    for n in sorted(options, key=order):
        e = instances[n]
        staged = e.cycle_stage is not None
        earliest = max((after[t] for t in e.teacher_ids), default=-1) if staged else -1
        best: tuple[tuple[int, int, int], _Option] | None = None
        for o in options[n]:
            if o.event_day <= earliest:
                continue
            weeks: dict[tuple[int, int], int] = defaultdict(int)
            if any(day_used[d] + load > day_cap for d, load in zip(o.days, o.loads, strict=True)):
                continue
            for d, load in zip(o.days, o.loads, strict=True):
                weeks[days[d].isocalendar()[:2]] += load
            if any(week_used[w] + load > week_cap for w, load in weeks.items()):
                continue
            # short events fill days already begun, keeping whole days free for journeys;
            # journeys go to the lightest week
            begun = 0 if e.is_trip or day_used[o.day] else 1
            key = (begun, max(week_used[w] for w in weeks), o.day)
            if best is None or key < best[0]:
                best = key, o
        if best is None:
            continue
        o = best[1]
        chosen[n] = o
        for d, load in zip(o.days, o.loads, strict=True):
            day_used[d] += load
            week_used[days[d].isocalendar()[:2]] += load
        if e.cycle_stage is not None:
            for t in e.teacher_ids:
                after[t] = max(after[t], o.event_day)
    return chosen


def _day_index_expr(opts: list[tuple[_Option, cp_model.IntVar]]) -> cp_model.LinearExprT:
    return sum(o.event_day * v for o, v in opts)


def _iom_order(
    model: cp_model.CpModel,
    instances: list[Instance],
    choices: dict[int, list[tuple[_Option, cp_model.IntVar]]],
    skipped: dict[int, cp_model.IntVar],
) -> None:
    """Every teacher's IOM stages in order: each event after all of the stage before."""
    stages: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for n, e in enumerate(instances):
        stage = e.cycle_stage
        if stage is not None and n in choices:
            for t in e.teacher_ids:
                stages[t][stage].append(n)
    pairs: set[tuple[int, int]] = set()
    for by_stage in stages.values():
        ordered = sorted(by_stage)
        for a, b in pairwise(ordered):
            pairs.update((x, y) for x in by_stage[a] for y in by_stage[b])
    for x, y in sorted(pairs):
        if max(o.event_day for o, _ in choices[x]) < min(o.event_day for o, _ in choices[y]):
            continue  # the windows already keep them in order
        model.add(_day_index_expr(choices[y]) >= _day_index_expr(choices[x]) + 1).only_enforce_if(
            [skipped[x].Not(), skipped[y].Not()]
        )


def travel_minutes(hours: float) -> int:
    """Travel in whole minutes, rounded up, so a written plan never shortens a journey."""
    return math.ceil(hours * 60 - 1e-9)


def _clock_times(
    placed: list[tuple[Instance, _Option]], days: list[date], settings: ScheduleSettings
) -> list[Placed]:
    """Events of a day one after another from the day's start; a one-day trip goes there,
    calls at its schools in turn and comes back; a longer one holds its stops on its event
    days, as many a day as fit."""
    by_day: dict[int, list[tuple[Instance, _Option]]] = defaultdict(list)
    for e, o in placed:
        by_day[o.event_day].append((e, o))
    out = []
    step = timedelta
    for d, items in sorted(by_day.items()):
        cursor = datetime.combine(days[d], datetime.min.time()) + step(
            hours=settings.day_start_hour
        )
        for e, o in sorted(items, key=lambda item: item[0].event_id):
            occupied = tuple(days[i] for i in o.days)
            if not e.is_trip:
                out.append(Placed(e, cursor, cursor + step(hours=e.hours), occupied, e.teacher_ids))
                cursor += step(hours=e.hours)
                continue
            each = e.planned.spec.hours
            way = step(minutes=travel_minutes(e.travel_hours[days[d].month - 1]))
            if len(o.days) == 1:
                cursor += way
                for stop in e.stops:
                    out.append(
                        Placed(
                            e,
                            cursor,
                            cursor + step(hours=each),
                            occupied,
                            stop.teacher_ids,
                            stop.school_id,
                        )
                    )
                    cursor += step(hours=each)
                cursor += way
                continue
            per_day = max(int(settings.day_hours // each), 1)
            for n, stop in enumerate(e.stops):
                day = days[o.event_days[n // per_day]]
                begin = datetime.combine(day, datetime.min.time()) + step(
                    hours=settings.day_start_hour + each * (n % per_day)
                )
                out.append(
                    Placed(
                        e,
                        begin,
                        begin + step(hours=each),
                        occupied,
                        stop.teacher_ids,
                        stop.school_id,
                    )
                )
    return out


def _schedule_chunk(
    groups: list[tuple[str, list[Instance]]],
    days: list[date],
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
) -> list[tuple[str, _Outcome]]:
    """Methodists one after another, each with an equal share of the time still left."""
    start = time.perf_counter()
    done = []
    for n, (methodist_id, items) in enumerate(groups):
        left = settings.time_limit - (time.perf_counter() - start)
        share = left / (len(groups) - n)
        outcome = schedule_methodist(methodist_id, items, days, calendar, settings, share)
        done.append((methodist_id, outcome))
    return done


def schedule_year(
    instances: list[Instance], calendar: SchoolCalendar, settings: ScheduleSettings
) -> ScheduleResult:
    """Every methodist's year; methodists are independent, so they are shared among worker
    processes (one per core), each keeping to the whole time limit."""
    start = time.perf_counter()
    days = calendar.working_days()
    by_methodist: dict[str, list[Instance]] = defaultdict(list)
    for e in instances:
        by_methodist[e.planned.methodist_id].append(e)
    groups = sorted(by_methodist.items())
    workers = min(settings.workers or os.cpu_count() or 1, len(groups) or 1)
    if workers == 1:
        outcomes = _schedule_chunk(groups, days, calendar, settings)
    else:
        with ProcessPoolExecutor(workers) as pool:
            chunks = [
                pool.submit(_schedule_chunk, groups[k::workers], days, calendar, settings)
                for k in range(workers)
            ]
            outcomes = [item for chunk in chunks for item in chunk.result()]
    placed: list[Placed] = []
    unplaced: list[tuple[Instance, str]] = []
    statuses: dict[str, Status] = {}
    objective = bound = 0.0
    for methodist_id, (status, got, missed, obj, low) in sorted(outcomes, key=lambda o: o[0]):
        statuses[methodist_id] = status
        placed += got
        unplaced += missed
        objective += obj
        bound += low
    worst = Status.OPTIMAL
    for status in (Status.FEASIBLE, Status.TIME_LIMIT):
        if status in statuses.values():
            worst = status
    return ScheduleResult(
        worst, time.perf_counter() - start, placed, unplaced, objective, bound, statuses
    )
