"""The year plan: events placed on days and hours for every methodist (CP-SAT)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta

from assign.assignment import AssignmentProblem
from assign.events.calendar import SchoolCalendar, school_calendar
from assign.events.catalogue import Catalogue
from assign.events.outline import outline
from assign.schedule.instances import Instance, build_instances
from assign.schedule.solver import (
    Booked,
    Placed,
    ScheduleResult,
    ScheduleSettings,
    Shortfall,
    schedule_year,
)


def year_instances(
    problem: AssignmentProblem,
    assignment: Mapping[str, str],
    catalogue: Catalogue,
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
) -> list[Instance]:
    """Catalogue → events per methodist by month → instances with their windows and formats."""
    planned = outline(problem.region, assignment, catalogue, calendar.start_year)
    return build_instances(
        problem, planned, calendar, settings.venue_municipality, settings.remote_beyond_hours
    )


def plan_year(
    problem: AssignmentProblem,
    assignment: Mapping[str, str],
    catalogue: Catalogue,
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
) -> ScheduleResult:
    """Catalogue → events per methodist by month → instances → days and hours."""
    instances = year_instances(problem, assignment, catalogue, calendar, settings)
    return schedule_year(instances, calendar, settings)


def _event_start(placed: list[Placed]) -> dict[str, Placed]:
    first: dict[str, Placed] = {}
    for p in placed:
        event_id = p.instance.event_id
        if event_id not in first or p.start < first[event_id].start:
            first[event_id] = p
    return first


def replan_from(
    previous: ScheduleResult,
    from_date: date,
    problem: AssignmentProblem,
    assignment: Mapping[str, str],
    catalogue: Catalogue,
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
) -> ScheduleResult:
    """The rest of the year planned again from an effective date: every event of `previous`
    that starts before `from_date` stays exactly as it was (its rows unchanged, its days and
    hours still taken); the events of the new `assignment` from `from_date` on are placed
    again, region-wide events keeping dates already announced. Events whose whole window
    lies before `from_date` are not planned anew: that part of the year is over."""
    first = _event_start(previous.placed)
    kept_ids = {e for e, p in first.items() if p.start.date() < from_date}
    kept = [p for p in previous.placed if p.instance.event_id in kept_ids]
    booked: dict[str, dict[date, tuple[float, bool]]] = defaultdict(dict)
    seen: set[str] = set()
    for p in kept:
        e = p.instance
        if e.event_id in seen:
            continue
        seen.add(e.event_id)
        rows = [r for r in kept if r.instance.event_id == e.event_id]
        spent = p.day_hours or (sum(r.instance.planned.spec.hours for r in rows),)
        alone = len(p.days) > 1 or e.region_wide
        for day, hours in zip(p.days, spent, strict=False):
            if day >= from_date:
                had, was_alone = booked[e.planned.methodist_id].get(day, (0.0, False))
                booked[e.planned.methodist_id][day] = (had + hours, was_alone or alone)
    # a kept journey may still call at a school after the date: its teachers are busy then
    busy_until: dict[str, date] = {}
    for p in kept:
        if p.start.date() >= from_date:
            for t in p.teacher_ids:
                busy_until[t] = max(busy_until.get(t, p.start.date()), p.start.date())
    common = {k: d for k, d in previous.common_days.items() if d >= from_date}
    instances = []
    for e in year_instances(problem, assignment, catalogue, calendar, settings):
        if e.event_id in kept_ids:
            continue
        last_month = max(e.months)
        if (last_month.year, last_month.month) < (from_date.year, from_date.month):
            continue
        start = max(e.not_before, from_date) if e.not_before else from_date
        for t in e.teacher_ids:
            if t in busy_until:
                start = max(start, busy_until[t] + timedelta(days=1))
        if e.not_after is not None and start > e.not_after:
            continue
        instances.append(replace(e, not_before=start))
    fresh = schedule_year(instances, calendar, settings, common, _frozen(booked))
    earlier = [
        (e, reason)
        for e, reason in previous.unplaced
        if max(e.months) < date(from_date.year, from_date.month, 1)
    ]
    fresh.placed = kept + fresh.placed
    fresh.unplaced = earlier + fresh.unplaced
    return fresh


def _frozen(booked: Mapping[str, Mapping[date, tuple[float, bool]]]) -> dict[str, Booked]:
    return {m: dict(days) for m, days in booked.items()}


__all__ = [
    "Placed",
    "ScheduleResult",
    "ScheduleSettings",
    "Shortfall",
    "plan_year",
    "replan_from",
    "school_calendar",
    "year_instances",
]
