"""The year's events as instances to place on days: one per occurrence, with its window.

From the month-level outline: a repeated event ("monthly", "months") gives one instance per
month, "biweekly" two and "weekly" one per week of the month; a single one ("once",
"yearly") one instance whose window spans its months. School visits and final public events
happen at schools: one trip per municipality, calling at each school of the teachers
concerned there (one stop per school), so a far district costs one journey, not one per
school. A visit that cannot reach its municipality in its months may move within the same
half-year to a month when it can (a winter-road ulus is visited in winter); a final public
event keeps its month, since it closes the IOM cycle. Where no month is left, or the road
one way is longer than the remote threshold, the event is held remotely (002 §5.4) before
it is dropped, and the instance says why.

Region-wide events (in person, for every methodist: congress, conference) are one event
with one date and one venue: each methodist's instance travels to the venue (or takes part
remotely when the venue is out of reach); the common date is set by the solver for all.
Reports close the half-year: they fall in its last two working weeks.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from assign.assignment import AssignmentProblem
from assign.events.calendar import SchoolCalendar
from assign.events.catalogue import IOM_CYCLE, EventSpec, EventType
from assign.events.outline import PlannedEvent
from assign.format import month_ru

AT_SCHOOL = (EventType.VISIT, EventType.FINAL_EVENT)
FIRST_HALF = (9, 10, 11, 12)
SECOND_HALF = (1, 2, 3, 4, 5, 6)
REPORT_WEEKS = 2  # reports fall in the last two working weeks of their month
IN_PERSON, REMOTE = "in_person", "remote"


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
    format: str = ""  # the format used; empty: the catalogue's
    format_reason: str = ""  # why the format differs from the catalogue's (Russian)
    not_before: date | None = None  # the first day it may be held (reports, a re-plan)
    not_after: date | None = None
    common_key: str | None = None  # a region-wide event: the same key for every methodist

    @property
    def is_trip(self) -> bool:
        """Held at schools: one row per school (in person with travel, or remotely)."""
        return bool(self.stops)

    @property
    def region_wide(self) -> bool:
        return self.common_key is not None

    @property
    def used_format(self) -> str:
        return self.format or self.planned.spec.format

    @property
    def spec_type(self) -> EventType:
        return self.planned.spec.type

    @property
    def hours(self) -> float:
        """The event's own hours: each stop of a trip takes the catalogue's duration."""
        return self.planned.spec.hours * max(len(self.stops), 1)

    @property
    def in_person(self) -> bool:
        return self.used_format == IN_PERSON

    @property
    def cycle_stage(self) -> int | None:
        kind = self.spec_type
        return IOM_CYCLE.index(kind) if kind in IOM_CYCLE else None


class VenueError(ValueError):
    """A venue for region-wide events that is not a municipality of the region."""

    code = "venue_unknown"


def is_region_wide(spec: EventSpec) -> bool:
    """An in-person event for the methodists themselves: one date and place for all."""
    return spec.format == IN_PERSON and spec.participants == ("methodist",)


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


def report_window(month: date, calendar: SchoolCalendar) -> tuple[date, date] | None:
    """The last two working weeks of a month: from the Monday a week before the week of the
    month's last working day to that day."""
    days = [d for d in calendar.working_days() if (d.year, d.month) == (month.year, month.month)]
    if not days:
        return None
    last = days[-1]
    first = last - timedelta(days=last.weekday() + 7 * (REPORT_WEEKS - 1))
    return max(first, days[0]), last


def _hours_text(hours: float) -> str:
    return f"{hours:.1f}".replace(".", ",")


def _eligible(trip: float, remote_beyond: float | None) -> bool:
    return math.isfinite(trip) and (remote_beyond is None or trip <= remote_beyond)


def _remote_reason(
    trips: list[float], months: tuple[date, ...], remote_beyond: float | None, place: str
) -> str:
    """Why an in-person event is held remotely, in Russian."""
    finite = [t for t in trips if math.isfinite(t)]
    when = ", ".join(month_ru(m) for m in months)
    if not finite:
        return f"{place} недоступн{'о' if place.startswith('место') else 'ы'} для выезда: {when}"
    return (
        f"дорога в одну сторону {_hours_text(min(finite))} ч — больше порога "
        f"{_hours_text(remote_beyond or 0.0)} ч для очного формата"
    )


def default_venue(problem: AssignmentProblem, methodist_ids: set[str]) -> str:
    """The municipality where most of the planned methodists are based."""
    region = problem.region
    counts = Counter(
        region.person_base(region.methodist_by_id[m])[1] for m in sorted(methodist_ids)
    )
    return max(sorted(counts), key=lambda k: counts[k])


def _venue_hours(problem: AssignmentProblem, venue: str, methodist_id: str) -> tuple[float, ...]:
    """One way to the venue, per month: the nearest school of the venue's municipality stands
    for it (the venue is in town; its schools are where the roads lead)."""
    region = problem.region
    schools = [
        i
        for i, s in enumerate(problem.school_ids)
        if region.school_by_id[s].municipality_id == venue
    ]
    if not schools:
        home = region.person_base(region.methodist_by_id[methodist_id])[1]
        return (0.0 if home == venue else math.inf,) * 12
    m = problem.methodist_ids.index(methodist_id)
    hours = problem.travel.hours[:, schools, m]
    return tuple(float(np.min(hours[month])) for month in range(12))


def build_instances(
    problem: AssignmentProblem,
    planned: list[PlannedEvent],
    calendar: SchoolCalendar,
    venue_municipality: str | None = None,
    remote_beyond_hours: float | None = None,
) -> list[Instance]:
    """Every occurrence of the planned events, with its window, place, travel and format."""
    region = problem.region
    s_index = {s: i for i, s in enumerate(problem.school_ids)}
    m_index = {m: i for i, m in enumerate(problem.methodist_ids)}
    hours = problem.travel.hours  # [month, school, methodist]
    names = {k: v.name for k, v in region.municipality_by_id.items()}
    venue = venue_municipality
    if venue is not None and venue not in names:
        raise VenueError(f"место проведения общих мероприятий «{venue}»: нет такого муниципалитета")
    if venue is None and any(is_region_wide(e.spec) for e in planned):
        venue = default_venue(problem, {e.methodist_id for e in planned})
    instances: list[Instance] = []
    for event in planned:
        methodist = region.methodist_by_id[event.methodist_id]
        base_municipality = region.person_base(methodist)[1]
        key = f"{event.methodist_id}-{event.spec.key}"
        if event.spec.type not in AT_SCHOOL:
            wide = is_region_wide(event.spec) and venue is not None
            way = _venue_hours(problem, venue, event.methodist_id) if wide and venue else None
            for suffix, months in _repeats(event):
                window = None
                if event.spec.type is EventType.REPORT:
                    window = report_window(months[-1], calendar)
                if way is None or venue is None:
                    instances.append(
                        Instance(
                            key + suffix,
                            event,
                            event.teacher_ids,
                            months,
                            base_municipality,
                            (0.0,) * 12,
                            not_before=window[0] if window else None,
                            not_after=window[1] if window else None,
                        )
                    )
                    continue
                trips = [way[m.month - 1] for m in months]
                if any(_eligible(t, remote_beyond_hours) for t in trips):
                    fmt, reason, travel = IN_PERSON, "", way
                else:
                    place = f"место проведения ({names.get(venue, venue)})"
                    fmt, reason = REMOTE, _remote_reason(trips, months, remote_beyond_hours, place)
                    travel = (0.0,) * 12
                instances.append(
                    Instance(
                        key + suffix,
                        event,
                        event.teacher_ids,
                        months,
                        venue,
                        travel,
                        format=fmt,
                        format_reason=reason,
                        common_key=event.spec.key + suffix,
                    )
                )
            continue
        by_municipality: dict[str, dict[str, list[str]]] = {}
        for t in event.teacher_ids:
            school_id = region.teacher_by_id[t].school_id
            municipality = region.school_by_id[school_id].municipality_id
            by_municipality.setdefault(municipality, {}).setdefault(school_id, []).append(t)
        m = m_index[event.methodist_id]
        in_person = event.spec.format == IN_PERSON
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
                ok = tuple(
                    mo for mo in months if _eligible(trip[mo.month - 1], remote_beyond_hours)
                )
                moved = False
                if in_person and not ok and event.spec.type is EventType.VISIT:
                    half = FIRST_HALF if months[0].month in FIRST_HALF else SECOND_HALF
                    ok = tuple(
                        date(calendar.start_year + (mo < 9), mo, 1)
                        for mo in half
                        if _eligible(trip[mo - 1], remote_beyond_hours)
                    )
                    moved = bool(ok)
                fmt, reason, travel = "", "", trip
                if in_person and not ok:
                    place = f"школы муниципалитета «{names.get(municipality, municipality)}»"
                    trips = [trip[mo.month - 1] for mo in months]
                    fmt, reason = REMOTE, _remote_reason(trips, months, remote_beyond_hours, place)
                    travel = (0.0,) * 12
                elif not in_person:
                    travel = (0.0,) * 12
                instances.append(
                    Instance(
                        f"{key}-{municipality}{suffix}",
                        event,
                        teachers,
                        ok or months,
                        municipality,
                        travel,
                        stops,
                        moved,
                        format=fmt,
                        format_reason=reason,
                    )
                )
    return instances


DayPlan = tuple[tuple[float, tuple[tuple[int, float], ...]], ...]
"""Per working day of a journey: the hours spent that day and the stops held (index, hour
offset from the start of the day)."""


def journey(way: float, each: float, stops: int, day_hours: float) -> DayPlan:
    """The days a journey needs, packed by its hours: travel out, the stops (each within one
    day, as many a day as fit), travel back; a journey that fits one day takes one day, and
    each day's load is the hours actually spent that day."""
    n = max(stops, 1)
    eps = 1e-9
    if 2 * way + each * n <= day_hours + eps:
        return ((2 * way + each * n, tuple((k, way + k * each) for k in range(n))),)
    days: list[tuple[float, tuple[tuple[int, float], ...]]] = []
    used, held = 0.0, list[tuple[int, float]]()  # the day being filled

    def close() -> None:
        nonlocal used, held
        days.append((used, tuple(held)))
        used, held = 0.0, []

    left = way
    while left > eps:
        if used >= day_hours - eps:
            close()
        take = min(left, day_hours - used)
        used, left = used + take, left - take
    for k in range(n):
        if used + each > day_hours + eps and used > eps:
            close()
        held.append((k, used))
        used += each
    left = way
    while left > eps:
        if used >= day_hours - eps:
            close()
        take = min(left, day_hours - used)
        used, left = used + take, left - take
    close()
    return tuple(days)


def venue_journey(way: float, hours: float, day_hours: float) -> DayPlan:
    """A region-wide event holds its own day at the common time: there and back the same day
    when it fits, else travel the day(s) before and back the same evening or the day(s)
    after."""
    eps = 1e-9
    if 2 * way + hours <= day_hours + eps:
        return ((2 * way + hours, ((0, way),)),)
    days: list[tuple[float, tuple[tuple[int, float], ...]]] = []
    full, rest = divmod(way, day_hours)
    days += [(day_hours, ())] * int(full)
    if rest > eps:
        days.append((rest, ()))
    if hours + way <= day_hours + eps:
        days.append((hours + way, ((0, 0.0),)))
        return tuple(days)
    days.append((hours, ((0, 0.0),)))
    days += [(day_hours, ())] * int(full)
    if rest > eps:
        days.append((rest, ()))
    return tuple(days)
