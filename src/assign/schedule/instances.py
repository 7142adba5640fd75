"""The year's events as instances to place on days: one per occurrence, with its window.

From the month-level outline: a repeated event ("monthly", "months") gives one instance per
month, "biweekly" two and "weekly" one per week of the month; a single one ("once",
"yearly") one instance whose window spans its months. School visits and final public events
happen at schools: one trip per municipality, calling at each school of the teachers
concerned there (one stop per school), so a far district costs one journey, not one per
school. A visit that cannot reach its municipality in its months may move within the same
half-year to a month when it can (a winter-road ulus is visited in winter); a final public
event keeps its month, since it closes the IOM cycle.
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
class Stop:
    """A school a trip calls at, and the teachers met there."""

    school_id: str
    teacher_ids: tuple[str, ...]


@dataclass(frozen=True)
class Instance:
    event_id: str
    planned: PlannedEvent
    teacher_ids: tuple[str, ...]
    months: tuple[date, ...]  # first days of the months it may take place in
    municipality_id: str
    travel_hours: tuple[float, ...]  # one way from the methodist's base, per calendar month 1–12
    stops: tuple[Stop, ...] = ()  # the schools of a trip, in order; none for other events
    moved: bool = False  # a trip moved to another month of its half-year to reach the schools

    @property
    def is_trip(self) -> bool:
        return bool(self.stops)

    @property
    def spec_type(self) -> EventType:
        return self.planned.spec.type

    @property
    def hours(self) -> float:
        """The event's own hours: each stop of a trip takes the catalogue's duration."""
        return self.planned.spec.hours * max(len(self.stops), 1)

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
                        base_municipality,
                        (0.0,) * 12,
                    )
                )
            continue
        by_municipality: dict[str, dict[str, list[str]]] = {}
        for t in event.teacher_ids:
            school_id = region.teacher_by_id[t].school_id
            municipality = region.school_by_id[school_id].municipality_id
            by_municipality.setdefault(municipality, {}).setdefault(school_id, []).append(t)
        m = m_index[event.methodist_id]
        for municipality, schools in by_municipality.items():
            stops = tuple(Stop(s, tuple(ts)) for s, ts in schools.items())
            # the farthest school sets the journey; travel between schools of one district
            # is left to the stops' order
            trip = tuple(
                float(hours[month, [s_index[s.school_id] for s in stops], m].max())
                for month in range(12)
            )
            teachers = tuple(t for stop in stops for t in stop.teacher_ids)
            for suffix, months in _repeats(event):
                reachable = tuple(mo for mo in months if math.isfinite(trip[mo.month - 1]))
                moved = False
                if not reachable and event.spec.type is EventType.VISIT:
                    half = FIRST_HALF if months[0].month in FIRST_HALF else SECOND_HALF
                    reachable = tuple(
                        date(calendar.start_year + (mo < 9), mo, 1)
                        for mo in half
                        if math.isfinite(trip[mo - 1])
                    )
                    moved = bool(reachable)
                instances.append(
                    Instance(
                        f"{key}-{municipality}{suffix}",
                        event,
                        teachers,
                        reachable or months,
                        municipality,
                        trip,
                        stops,
                        moved,
                    )
                )
    return instances


def trip_days(
    hours_one_way: float, stop_hours: float, stops: int, day_hours: float
) -> tuple[int, int, int]:
    """(days out, event days, days back): all in one day when there, the stops and back fit
    it; else whole days of travel each way around the days the stops need, as many stops a
    day as fit."""
    n = max(stops, 1)
    if hours_one_way * 2 + stop_hours * n <= day_hours:
        return 0, 1, 0
    per_day = max(int(day_hours // stop_hours), 1)
    out = math.ceil(hours_one_way / day_hours) if hours_one_way > 0 else 0
    return out, math.ceil(n / per_day), out
