"""Methodists' availability for the year plan: hours per week and days away, from a CSV.

Columns: `methodist_id`, then optional `hours_per_week` and `days_off` (dates separated by
`;`, a span written `2026-11-09..2026-11-13`). Every problem names the file, row and field.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from assign.domain import Region
from assign.errors import Code, Issue, Report
from assign.io.solution import read_side_table
from assign.io.tables import AVAILABILITY


def _days(text: str) -> list[date]:
    days: list[date] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if ".." in part:
            first, last = (date.fromisoformat(x.strip()) for x in part.split("..", 1))
            if first > last:
                raise ValueError(part)
            days += [first + timedelta(days=i) for i in range((last - first).days + 1)]
        else:
            days.append(date.fromisoformat(part))
    return days


def read_availability(
    path: Path, region: Region
) -> tuple[dict[str, float], dict[str, tuple[date, ...]], Report]:
    report = Report()
    hours: dict[str, float] = {}
    days_off: dict[str, tuple[date, ...]] = {}
    read = read_side_table(path, AVAILABILITY, "доступности", report)
    if read is None:
        return hours, days_off, report
    name, rows = read
    for number, row in rows:
        methodist = (row.get("methodist_id") or "").strip()
        if methodist not in region.methodist_by_id:
            report.add(
                Issue(
                    Code.UNKNOWN_REFERENCE,
                    "нет такого методиста",
                    name,
                    number,
                    "methodist_id",
                    methodist,
                )
            )
            continue
        text = (row.get("hours_per_week") or "").strip().replace(",", ".")
        if text:
            try:
                value = float(text)
                if not 0 < value <= 60:
                    raise ValueError(text)
                hours[methodist] = value
            except ValueError:
                report.add(
                    Issue(
                        Code.VALUE_INVALID,
                        "часы в неделю — число от 0 до 60",
                        name,
                        number,
                        "hours_per_week",
                        text,
                    )
                )
        text = (row.get("days_off") or "").strip()
        if text:
            try:
                days_off[methodist] = tuple(_days(text))
            except ValueError:
                report.add(
                    Issue(
                        Code.VALUE_INVALID,
                        "даты ГГГГ-ММ-ДД через «;», период — «начало..конец»",
                        name,
                        number,
                        "days_off",
                        text,
                    )
                )
    return hours, days_off, report
