"""An independent checker of a written year plan: it reads schedule.csv and unplanned.csv and
the region, and checks every hard rule itself, sharing no code with the scheduler."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from assign.domain import Region
from assign.events.calendar import SchoolCalendar
from assign.transport import TravelModel

CYCLE = ["diagnostics_entry", "iom_development", "iom_event", "diagnostics_final", "final_event"]
DAY_HOURS = 8.0
WEEK_HOURS = 40.0


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def check_schedule(
    out: Path, region: Region, assignment: dict[str, str], calendar: SchoolCalendar
) -> list[str]:
    rows = read_rows(out / "schedule.csv")
    problems: list[str] = []
    holidays = set(calendar.holidays)
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
    for row in rows:
        start, end = datetime.fromisoformat(row["start"]), datetime.fromisoformat(row["end"])
        event = row["event_id"]
        by_event[event].append(row)
        teachers = [t for t in row["teacher_ids"].split(";") if t]
        if not start < end or start.date() != end.date():
            problems.append(f"{event}: время {start}–{end}")
        if start.weekday() >= 5 or start.date() in holidays:
            problems.append(f"{event}: нерабочий день {start.date()}")
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
        if row["school_id"]:
            hours = matrix.hours[
                start.month - 1, s_index[row["school_id"]], m_index[row["methodist_id"]]
            ]
            if not math.isfinite(hours):
                problems.append(f"{event}: школа {row['school_id']} недоступна в {start:%m.%Y}")
            elif float(row["travel_hours"]) + 1e-4 < hours:
                problems.append(f"{event}: в пути {row['travel_hours']} ч, нужно {hours:.2f}")
    methodist_spans: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    day_hours: dict[tuple[str, date], float] = defaultdict(float)
    for event, items in by_event.items():
        methodist = items[0]["methodist_id"]
        first_day = date.fromisoformat(items[0]["trip_first_day"])
        last_day = date.fromisoformat(items[0]["trip_last_day"])
        begin = min(datetime.fromisoformat(r["start"]) for r in items)
        finish = max(datetime.fromisoformat(r["end"]) for r in items)
        if first_day == last_day:
            # travel is written as whole minutes / 60
            minutes = round(float(items[0]["travel_hours"]) * 60) if items[0]["school_id"] else 0
            way = timedelta(minutes=minutes)
            methodist_spans[methodist].append((begin - way, finish + way, event))
            day_hours[methodist, first_day] += (finish - begin + 2 * way).total_seconds() / 3600
            continue
        day = first_day
        while day <= last_day:
            if day.weekday() < 5 and day not in holidays:
                midnight = datetime.combine(day, datetime.min.time())
                methodist_spans[methodist].append((midnight, midnight + timedelta(days=1), event))
                day_hours[methodist, day] += DAY_HOURS
            day += timedelta(days=1)
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
        if hours > WEEK_HOURS + 1e-6:
            problems.append(f"{methodist}: неделя {w} — {hours:.2f} ч")
    for t, by_stage in stages.items():
        ordered = sorted(by_stage)
        for a, b in pairwise(ordered):
            if max(by_stage[a]) >= min(by_stage[b]):
                problems.append(f"{t}: {CYCLE[b]} не после {CYCLE[a]}")
    return problems
