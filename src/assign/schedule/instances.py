"""The year's events as instances to place on days: one per occurrence, with its window.

From the month-level outline: a repeated event ("monthly", "months") gives one instance per
month, "biweekly" two and "weekly" one per week of the month; a single one ("once",
"yearly") one instance whose window spans its months. School visits and final public events
happen at schools: one instance per school of the teachers concerned, so one trip serves all
of a methodist's teachers there. A visit whose school cannot be reached in its month may move
within the same half-year to a month when it can (a winter-road school is visited in winter).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from assign.assignment import AssignmentProblem
from assign.events.calendar import SchoolCalendar
from assign.events.catalogue import IOM_CYCLE, EventType
from assign.events.outline import PlannedEvent

AT_SCHOOL = (EventType.VISIT, EventType.FINAL_EVENT)
FIRST_HALF = (9, 10, 11, 12)
SECOND_HALF = (1, 2, 3, 4, 5, 6)


@dataclass(frozen=True)
class Instance:
    event_id: str
    planned: PlannedEvent
    teacher_ids: tuple[str, ...]
    months: tuple[date, ...]  # first days of the months it may take place in
    school_id: str | None  # where it happens, for visits and final events
    municipality_id: str
    travel_hours: tuple[float, ...]  # one way from the methodist's base, per calendar month 1–12
    moved: bool = False  # a visit moved to another month of its half-year to reach the school

    @property
    def spec_type(self) -> EventType:
        return self.planned.spec.type

    @property
    def hours(self) -> float:
        return self.planned.spec.hours

    @property
    def in_person(self) -> bool:
        return self.planned.spec.format == "in_person"

    @property
    def cycle_stage(self) -> int | None:
        kind = self.spec_type
        return IOM_CYCLE.index(kind) if kind in IOM_CYCLE else None


def _weeks_of_month(first: date) -> list[date]:
    """Mondays of the weeks that start in the month (the first week from the 1st)."""
    days = [first + timedelta(days=i) for i in range(31)]
    days = [d for d in days if d.month == first.month]
    return [d for d in days if d.weekday() == 0] or [first]


def _repeats(event: PlannedEvent) -> list[tuple[str, tuple[date, ...]]]:
    """(suffix, months) for each occurrence of a planned event."""
    frequency = event.spec.frequency
    if frequency in ("once", "yearly"):
        return [("", event.months)]
    if frequency in ("months", "monthly"):
        return [(f"-{m:%Y%m}", (m,)) for m in event.months]
    per_month = 2 if frequency == "biweekly" else None
    out: list[tuple[str, tuple[date, ...]]] = []
    for m in event.months:
        count = per_month or len(_weeks_of_month(m))
        out += [(f"-{m:%Y%m}-{k + 1}", (m,)) for k in range(count)]
    return out


def build_instances(
    problem: AssignmentProblem, planned: list[PlannedEvent], calendar: SchoolCalendar
) -> list[Instance]:
    region = problem.region
    s_index = {s: i for i, s in enumerate(problem.school_ids)}
    m_index = {m: i for i, m in enumerate(problem.methodist_ids)}
    hours = problem.travel.hours  # [month, school, methodist]
    instances: list[Instance] = []
    for event in planned:
        methodist = region.methodist_by_id[event.methodist_id]
        base_municipality = region.person_base(methodist)[1]
        key = f"{event.methodist_id}-{event.spec.key}"
        if event.spec.type not in AT_SCHOOL:
            for suffix, months in _repeats(event):
                instances.append(
                    Instance(
                        key + suffix,
                        event,
                        event.teacher_ids,
                        months,
                        None,
                        base_municipality,
                        (0.0,) * 12,
                    )
                )
            continue
        by_school: dict[str, list[str]] = {}
        for t in event.teacher_ids:
            by_school.setdefault(region.teacher_by_id[t].school_id, []).append(t)
        m = m_index[event.methodist_id]
        for school_id, teachers in by_school.items():
            trip = tuple(float(h) for h in hours[:, s_index[school_id], m])
            municipality = region.school_by_id[school_id].municipality_id
            for suffix, months in _repeats(event):
                reachable = tuple(mo for mo in months if math.isfinite(trip[mo.month - 1]))
                moved = False
                if not reachable:
                    half = FIRST_HALF if months[0].month in FIRST_HALF else SECOND_HALF
                    reachable = tuple(
                        date(calendar.start_year + (mo < 9), mo, 1)
                        for mo in half
                        if math.isfinite(trip[mo - 1])
                    )
                    moved = bool(reachable)
                instances.append(
                    Instance(
                        f"{key}-{school_id}{suffix}",
                        event,
                        tuple(teachers),
                        reachable or months,
                        school_id,
                        municipality,
                        trip,
                        moved,
                    )
                )
    return instances


def trip_days(hours_one_way: float, event_hours: float, day_hours: float) -> int:
    """Working days an event occupies: one when there and back fit the day with the event;
    else the days out, the event's own day, and the days back."""
    if hours_one_way * 2 + event_hours <= day_hours:
        return 1
    return 2 * math.ceil(hours_one_way / day_hours) + 1
