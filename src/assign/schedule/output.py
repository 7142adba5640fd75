"""Writing the year plan: schedule.csv, unplanned.csv and schedule_kpi.json, with the hard rules
re-checked on the written plan (the KPI's `hard_violations`)."""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from assign.assignment.output import clean_json
from assign.events.calendar import SchoolCalendar
from assign.events.catalogue import IOM_CYCLE
from assign.format import MONTHS_NOMINATIVE
from assign.io.safe_text import csv_writer
from assign.schedule.solver import Placed, ScheduleResult, ScheduleSettings, travel_minutes

HEADER = (
    "event_id",
    "type",
    "methodist_id",
    "teacher_ids",
    "start",
    "end",
    "format",
    "municipality_id",
    "school_id",
    "name",
    "travel_hours",
    "trip_first_day",
    "trip_last_day",
    "format_reason",
    "trip_day_hours",
    "event_key",
)
"""The first thirteen columns are the stable contract; `format_reason` says (in Russian) why
the format differs from the catalogue's, `trip_day_hours` the hours the event's journey takes
on each of its working days, `;`-separated, `event_key` the catalogue entry the event comes
from (what the documents look it up by)."""


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def violations(
    placed: list[Placed], calendar: SchoolCalendar, settings: ScheduleSettings
) -> list[str]:
    """Every broken hard rule, described; an empty list for a valid plan."""
    found: list[str] = []
    holidays = set(calendar.holidays)
    busy: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    day_hours: dict[tuple[str, date], float] = defaultdict(float)
    stage_days: dict[str, dict[int, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    rows_of: dict[str, list[Placed]] = defaultdict(list)
    for p in placed:
        rows_of[p.instance.event_id].append(p)
        e = p.instance
        for t in p.teacher_ids:
            busy[t].append((p.start, p.end, e.event_id))
            if e.cycle_stage is not None:
                stage_days[t][e.cycle_stage].append(p.start)
        if p.teacher_ids and not calendar.teachers_available(p.start.date()):
            found.append(f"{e.event_id}: педагоги на каникулах {p.start.date()}")
        if e.is_trip and not math.isfinite(e.travel_hours[p.start.month - 1]):
            found.append(f"{e.event_id}: школа недоступна в {p.start:%m.%Y}")
    for event_id, rows in rows_of.items():
        e, first = rows[0].instance, min(r.start for r in rows)
        last = max(r.end for r in rows)
        occupied = rows[0].days
        methodist = e.planned.methodist_id
        for day in occupied:
            if day.weekday() >= 5 or day in holidays:
                found.append(f"{event_id}: нерабочий день {day}")
        travels = e.in_person and (e.is_trip or e.region_wide)
        if len(occupied) == 1:
            way = e.travel_hours[first.month - 1] if travels else 0.0
            travel = timedelta(minutes=travel_minutes(way))
            busy[methodist].append((first - travel, last + travel, event_id))
            day_hours[methodist, occupied[0]] += (last - first + 2 * travel).total_seconds() / 3600
        else:  # a journey of several days takes the methodist's whole days, each its hours
            spent = rows[0].day_hours or (settings.day_hours,) * len(occupied)
            for day, hours in zip(occupied, spent, strict=True):
                midnight = datetime.combine(day, datetime.min.time())
                busy[methodist].append((midnight, midnight + timedelta(days=1), event_id))
                day_hours[methodist, day] += hours
    week_hours: dict[tuple[str, tuple[int, int]], float] = defaultdict(float)
    for (methodist, day), hours in day_hours.items():
        if hours > settings.day_hours + 1e-6:
            found.append(f"{methodist}: {day} — {hours:.1f} ч за день")
        week_hours[methodist, day.isocalendar()[:2]] += hours
    for (methodist, week), hours in week_hours.items():
        if hours > settings.week_hours(methodist) + 1e-6:
            found.append(f"{methodist}: неделя {week} — {hours:.1f} ч")
    for who, spans in busy.items():
        spans.sort()
        for (_, end_a, a), (start_b, _, b) in pairwise(spans):
            if start_b < end_a and a != b:
                found.append(f"{who}: пересекаются {a} и {b}")
    for t, stages in stage_days.items():
        for earlier, later in pairwise(sorted(stages)):
            if max(stages[earlier]) >= min(stages[later]):
                found.append(f"{t}: этап {IOM_CYCLE[later]} не позже этапа {IOM_CYCLE[earlier]}")
    return found


def write_schedule(
    result: ScheduleResult, calendar: SchoolCalendar, settings: ScheduleSettings, out: Path
) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    placed = sorted(result.placed, key=lambda p: (p.start, p.instance.event_id))
    with (out / "schedule.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for p in placed:
            e = p.instance
            writer.writerow(
                [
                    e.event_id,
                    e.spec_type.value,
                    e.planned.methodist_id,
                    ";".join(p.teacher_ids),
                    _iso(p.start),
                    _iso(p.end),
                    e.used_format,
                    e.municipality_id,
                    p.school_id or "",
                    e.planned.spec.name,
                    f"{travel_minutes(e.travel_hours[p.start.month - 1]) / 60:.4f}",
                    p.days[0].isoformat(),
                    p.days[-1].isoformat(),
                    e.format_reason,
                    ";".join(f"{h:.4f}" for h in p.day_hours),
                    e.planned.spec.key,
                ]
            )
    with (out / "unplanned.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle, lineterminator="\n")
        writer.writerow(["event_id", "type", "methodist_id", "teacher_ids", "reason", "event_key"])
        for e, reason in result.unplaced:
            writer.writerow(
                [
                    e.event_id,
                    e.spec_type.value,
                    e.planned.methodist_id,
                    ";".join(e.teacher_ids),
                    reason,
                    e.planned.spec.key,
                ]
            )
    broken = violations(result.placed, calendar, settings)
    travel_days = {
        (p.instance.planned.methodist_id, day)
        for p in result.placed
        if p.instance.in_person and p.instance.travel_hours[p.start.month - 1] > 0
        for day in p.days
    }
    per_methodist = Counter(m for m, _ in travel_days)
    methodists = sorted({p.instance.planned.methodist_id for p in result.placed})
    counts = sorted(per_methodist.get(m, 0) for m in methodists)
    per_month: dict[str, dict[str, float]] = {}
    teacher_events: Counter[tuple[str, int]] = Counter()
    for p in result.placed:
        month = MONTHS_NOMINATIVE[p.start.month - 1]
        row = per_month.setdefault(month, {"events": 0, "methodist_hours": 0.0})
        row["events"] += 1
        row["methodist_hours"] += p.instance.hours
        for t in p.teacher_ids:
            teacher_events[t, p.start.month] += 1
    for (_, month_number), count in teacher_events.items():
        row = per_month[MONTHS_NOMINATIVE[month_number - 1]]
        row["max_events_per_teacher"] = max(row.get("max_events_per_teacher", 0), count)
    payload = clean_json(
        {
            "status": result.status.value,
            "runtime_s": round(result.runtime, 3),
            "objective": result.objective,
            "bound": result.bound,
            "events_planned": len({p.instance.event_id for p in result.placed}),
            "rows": len(result.placed),
            "events_unplanned": len(result.unplaced),
            "unplanned_reasons": dict(Counter(reason for _, reason in result.unplaced)),
            "hard_violations": len(broken),
            "violations": broken[:50],
            "travel_days": len(travel_days),
            "travel_days_per_methodist": {
                "median": statistics.median(counts) if counts else 0,
                "max": counts[-1] if counts else 0,
            },
            "formats": dict(Counter(p.instance.used_format for p in result.placed)),
            "format_reasons": dict(
                Counter(p.instance.format_reason for p in result.placed if p.instance.format_reason)
            ),
            "region_wide_dates": {k: d.isoformat() for k, d in sorted(result.common_days.items())},
            "hours_shortfalls": [
                {
                    "methodist_id": f.methodist_id,
                    "window": f.window,
                    "first": f.first.isoformat(),
                    "last": f.last.isoformat(),
                    "need_hours": round(f.need_hours, 1),
                    "available_hours": round(f.available_hours, 1),
                    "missing_hours": round(f.missing_hours, 1),
                    "text": f.text(),
                }
                for f in result.shortfalls
            ],
            "planned_by_type": dict(Counter(p.instance.spec_type.value for p in result.placed)),
            "load_per_month": per_month,
            "settings": json.loads(settings.model_dump_json()),
        }
    )
    (out / "schedule_kpi.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return payload
