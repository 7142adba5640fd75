"""An independent checker of a written year plan: it reads schedule.csv and unplanned.csv, the
region and the catalogue file, and checks every hard rule itself, sharing no code with the
scheduler: days off from the `holidays` package directly (plus the regional days the caller
names), travel from its own travel matrix, journeys' days re-packed by its own count."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import holidays as holidays_lib
import yaml

from assign.domain import Region
from assign.events.calendar import SchoolCalendar
from assign.transport import TravelModel

CYCLE = ["diagnostics_entry", "iom_development", "iom_event", "diagnostics_final", "final_event"]
DAY_HOURS = 8.0
WEEK_HOURS = 40.0
CATALOGUE = Path(__file__).resolve().parents[1] / "src/assign/events/catalogue.yaml"
EPS = 2e-3  # hours: travel is written in whole minutes, days' hours to four decimals


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _days_needed(way: float, stops: list[float], cap: float) -> int:
    """The fewest working days a journey can take: travel may run over days, a stop may not."""
    if 2 * way + sum(stops) <= cap + EPS:
        return 1
    count, used = 1, 0.0
    for part in [("road", way)] + [("stop", h) for h in stops] + [("road", way)]:
        kind, hours = part
        if kind == "stop":
            if used + hours > cap + EPS and used > EPS:
                count, used = count + 1, 0.0
            used += hours
            continue
        while hours > EPS:
            if used >= cap - EPS:
                count, used = count + 1, 0.0
            take = min(hours, cap - used)
            used, hours = used + take, hours - take
    return count


def _working(day: date, off: set[date]) -> bool:
    return day.weekday() < 5 and day not in off


def check_schedule(
    out: Path,
    region: Region,
    assignment: dict[str, str],
    calendar: SchoolCalendar,
    regional_days_off: Iterable[date] = (),
    week_hours: float = WEEK_HOURS,
    remote_beyond_hours: float | None = None,
    catalogue: Path = CATALOGUE,
) -> list[str]:
    rows = read_rows(out / "schedule.csv")
    problems: list[str] = []
    years = range(calendar.start.year, calendar.end.year + 1)
    holidays = set(holidays_lib.country_holidays("RU", years=years)) | set(regional_days_off)
    spec = {e["name"]: e for e in yaml.safe_load(catalogue.read_text(encoding="utf-8"))["events"]}
    travel = TravelModel(region)
    matrix = travel.matrix(
        [s.school_id for s in region.schools],
        [travel.person_place(m) for m in region.methodists],
    )
    s_index = {s.school_id: i for i, s in enumerate(region.schools)}
    m_index = {m.methodist_id: i for i, m in enumerate(region.methodists)}
    by_event: dict[str, list[dict[str, str]]] = defaultdict(list)
    teacher_spans: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    stages: dict[str, dict[int, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    visits: dict[str, list[datetime]] = defaultdict(list)
    for row in rows:
        start, end = datetime.fromisoformat(row["start"]), datetime.fromisoformat(row["end"])
        event = row["event_id"]
        by_event[event].append(row)
        teachers = [t for t in row["teacher_ids"].split(";") if t]
        if not start < end or start.date() != end.date():
            problems.append(f"{event}: время {start}–{end}")
        if start.weekday() >= 5 or start.date() in holidays:
            problems.append(f"{event}: нерабочий день {start.date()}")
        if row["format"] not in ("in_person", "remote"):
            problems.append(f"{event}: формат «{row['format']}»")
        entry = spec.get(row["name"])
        if entry is None:
            problems.append(f"{event}: нет в каталоге «{row['name']}»")
        elif row["format"] != entry["format"] and not row["format_reason"]:
            problems.append(f"{event}: формат {row['format']} вместо {entry['format']} без причины")
        if teachers and (
            start.date() > calendar.teaching_end
            or any(a <= start.date() <= b for a, b in calendar.vacations)
        ):
            problems.append(f"{event}: педагоги на каникулах или после учебного года")
        for t in teachers:
            if assignment.get(t) != row["methodist_id"]:
                problems.append(f"{event}: педагог {t} не закреплён за {row['methodist_id']}")
            teacher_spans[t].append((start, end, event))
            if row["type"] in CYCLE:
                stages[t][CYCLE.index(row["type"])].append(start)
            if row["type"] == "visit":
                visits[t].append(start)
        if row["school_id"]:
            hours = matrix.hours[
                start.month - 1, s_index[row["school_id"]], m_index[row["methodist_id"]]
            ]
            if row["format"] == "remote":
                if float(row["travel_hours"]) != 0:
                    problems.append(f"{event}: дистанционно, но в пути {row['travel_hours']} ч")
                if "недоступн" in row["format_reason"] and math.isfinite(hours):
                    problems.append(f"{event}: школа {row['school_id']} доступна в {start:%m.%Y}")
            elif not math.isfinite(hours):
                problems.append(f"{event}: школа {row['school_id']} недоступна в {start:%m.%Y}")
            elif float(row["travel_hours"]) + 1e-4 < hours:
                problems.append(f"{event}: в пути {row['travel_hours']} ч, нужно {hours:.2f}")
            elif remote_beyond_hours is not None and hours > remote_beyond_hours + 1e-9:
                problems.append(
                    f"{event}: очно при {hours:.2f} ч пути, порог {remote_beyond_hours}"
                )
    methodist_spans: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    day_hours: dict[tuple[str, date], float] = defaultdict(float)
    for event, items in by_event.items():
        methodist = items[0]["methodist_id"]
        first_day = date.fromisoformat(items[0]["trip_first_day"])
        last_day = date.fromisoformat(items[0]["trip_last_day"])
        begin = min(datetime.fromisoformat(r["start"]) for r in items)
        finish = max(datetime.fromisoformat(r["end"]) for r in items)
        way_hours = float(items[0]["travel_hours"]) if items[0]["format"] == "in_person" else 0.0
        stops = [
            (datetime.fromisoformat(r["end"]) - datetime.fromisoformat(r["start"])).total_seconds()
            / 3600
            for r in items
        ]
        spent = [float(h) for h in items[0]["trip_day_hours"].split(";") if h]
        trip_days = []
        day = first_day
        while day <= last_day:
            if _working(day, holidays):
                trip_days.append(day)
            day += timedelta(days=1)
        if len(spent) != len(trip_days):
            problems.append(f"{event}: часы по дням {spent} на {len(trip_days)} дн.")
            spent = [DAY_HOURS] * len(trip_days)
        if abs(sum(spent) - (2 * way_hours + sum(stops))) > EPS * (len(spent) + 1):
            whole = 2 * way_hours + sum(stops)
            problems.append(f"{event}: {sum(spent):.2f} ч по дням, а поездка — {whole:.2f} ч")
        needed = _days_needed(way_hours, stops, DAY_HOURS)
        if len(items) == 1 and 2 * way_hours + stops[0] > DAY_HOURS + EPS:
            # a region-wide event on its own day: travel the day(s) before and after
            needed = 2 * math.ceil(way_hours / DAY_HOURS - EPS) + 1
        if len(trip_days) > needed:
            problems.append(f"{event}: {len(trip_days)} дн. поездки, хватило бы {needed}")
        if first_day == last_day:
            # travel is written as whole minutes / 60
            minutes = round(way_hours * 60)
            way = timedelta(minutes=minutes)
            methodist_spans[methodist].append((begin - way, finish + way, event))
            day_hours[methodist, first_day] += (finish - begin + 2 * way).total_seconds() / 3600
            continue
        for day, hours in zip(trip_days, spent, strict=False):
            midnight = datetime.combine(day, datetime.min.time())
            methodist_spans[methodist].append((midnight, midnight + timedelta(days=1), event))
            day_hours[methodist, day] += hours
            if hours > DAY_HOURS + EPS:
                problems.append(f"{event}: {day} — {hours:.2f} ч в поездке")
        if not first_day <= begin.date() <= finish.date() <= last_day:
            problems.append(f"{event}: мероприятие вне дней поездки")
    for who, spans in [*methodist_spans.items(), *teacher_spans.items()]:
        spans.sort()
        for (_, end_a, a), (start_b, _, b) in pairwise(spans):
            if start_b < end_a and a != b:
                problems.append(f"{who}: пересекаются {a} и {b}")
    week: dict[tuple[str, tuple[int, int]], float] = defaultdict(float)
    for (methodist, day), hours in day_hours.items():
        if hours > DAY_HOURS + 1e-6:
            problems.append(f"{methodist}: {day} — {hours:.2f} ч")
        week[methodist, day.isocalendar()[:2]] += hours
    for (methodist, w), hours in week.items():
        if hours > week_hours + 1e-6:
            problems.append(f"{methodist}: неделя {w} — {hours:.2f} ч")
    for t, by_stage in stages.items():
        ordered = sorted(by_stage)
        for a, b in pairwise(ordered):
            if max(by_stage[a]) >= min(by_stage[b]):
                problems.append(f"{t}: {CYCLE[b]} не после {CYCLE[a]}")
    for t, starts in visits.items():
        # IOM monitoring after the entry diagnostics and after the IOM is developed
        done = [d for stage in (0, 1) for d in stages[t].get(stage, [])]
        if done and min(starts).date() <= max(done).date():
            problems.append(f"{t}: посещение {min(starts):%d.%m} не после разработки ИОМ")
    problems += _region_wide(rows, spec)
    problems += _reports(rows, calendar, holidays)
    return problems


def _region_wide(rows: list[dict[str, str]], spec: dict[str, dict]) -> list[str]:
    """In-person events for all methodists: one start and one venue for everyone."""
    wide = {
        name
        for name, e in spec.items()
        if e["format"] == "in_person" and list(e["participants"]) == ["methodist"]
    }
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row["name"] in wide:
            occurrence = row["event_id"][len(row["methodist_id"]) + 1 :]
            groups[row["name"], occurrence].append(row)
    found = []
    for (name, occurrence), items in groups.items():
        starts = {r["start"] for r in items}
        venues = {r["municipality_id"] for r in items}
        if len(starts) > 1 or len(venues) > 1:
            found.append(f"«{name}» {occurrence}: {len(starts)} дат, {len(venues)} мест")
        if len({r["methodist_id"] for r in items}) != len(items):
            found.append(f"«{name}» {occurrence}: у методиста несколько строк")
    return found


def _reports(rows: list[dict[str, str]], calendar: SchoolCalendar, off: set[date]) -> list[str]:
    """Reports in the last two working weeks of their month, after the methodist's other
    events of the half-year."""
    found = []
    last_end: dict[tuple[str, bool], datetime] = {}
    for row in rows:
        if row["type"] != "report":
            key = (row["methodist_id"], datetime.fromisoformat(row["start"]).month >= 9)
            end = datetime.fromisoformat(row["end"])
            last_end[key] = max(last_end.get(key, end), end)
    for row in rows:
        if row["type"] != "report":
            continue
        start = datetime.fromisoformat(row["start"])
        day = date(start.year, start.month, 28)
        while (day + timedelta(days=1)).month == start.month:
            day += timedelta(days=1)
        while not _working(day, off):
            day -= timedelta(days=1)
        window_start = day - timedelta(days=day.weekday() + 7)
        if not window_start <= start.date() <= day:
            found.append(f"{row['event_id']}: отчёт {start.date()} не в последние две недели")
        latest = last_end.get((row["methodist_id"], start.month >= 9))
        if latest is not None and start < latest:
            found.append(f"{row['event_id']}: отчёт {start} раньше мероприятия до {latest}")
    return found
