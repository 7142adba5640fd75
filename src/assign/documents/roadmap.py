"""Roadmaps (XLSX): one sheet per methodist and the aggregated sheet for the ЦНППМ head (000),
in the columns of seed 003, filled from the year plan.

Rows follow the catalogue's directions in order, then the months; the expected result names
how many teachers the event reaches, so the head sees coverage without another table.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import xlsxwriter

from assign.documents.context import ScheduledDates, short_name
from assign.documents.workbook import Sheets, write_table
from assign.domain import Region
from assign.events.outline import PlannedEvent
from assign.format import fmt_int, ru_sort_key

COLUMNS = (
    "Направления мероприятий",
    "Задачи",
    "Наименование мероприятия",
    "Сроки",
    "Ответственные",
    "Ожидаемые результаты",
)
OWN_ORGANIZER = "ЦНППМ"


def roadmap_row(event: PlannedEvent, methodist_name: str, dates: ScheduledDates) -> list[str]:
    spec = event.spec
    responsible = f"Региональный методист {short_name(methodist_name)}"
    if spec.organizer != OWN_ORGANIZER:
        responsible += f"; {spec.organizer}"
    result = spec.result
    if event.teacher_ids:
        result += f" (охват: {fmt_int(len(event.teacher_ids))} пед.)"
    return [spec.direction, spec.task, spec.name, dates.terms(event), responsible, result]


def _ordered(events: list[PlannedEvent]) -> list[PlannedEvent]:
    directions: dict[str, int] = {}
    for event in events:
        directions.setdefault(event.spec.direction, len(directions))
    return sorted(events, key=lambda e: (directions[e.spec.direction], e.months[0]))


def write_roadmaps(
    region: Region,
    planned: Iterable[PlannedEvent],
    path: Path,
    dates: ScheduledDates | None = None,
) -> None:
    """`dates` from the year plan, where one was made, replace the month terms."""
    dates = dates or ScheduledDates()
    events_of: dict[str, list[PlannedEvent]] = {}
    for event in planned:
        events_of.setdefault(event.methodist_id, []).append(event)
    methodists = sorted(
        (region.methodist_by_id[m] for m in events_of),
        key=lambda m: (ru_sort_key(m.full_name), m.methodist_id),
    )
    sheets = Sheets()
    book = xlsxwriter.Workbook(str(path))
    title = book.add_format({"bold": True, "font_size": 14})
    overview = book.add_worksheet(sheets.name("Сводная дорожная карта"))
    overview.write(
        0, 0, f"Сводная дорожная карта методического сопровождения: {region.name}", title
    )
    all_rows = []
    for m in methodists:
        rows = [roadmap_row(e, m.full_name, dates) for e in _ordered(events_of[m.methodist_id])]
        all_rows += [[m.full_name, *row] for row in rows]
        sheet = book.add_worksheet(sheets.name(short_name(m.full_name)))
        sheet.write(0, 0, f"Дорожная карта регионального методиста {m.full_name}", title)
        write_table(book, sheet, 2, COLUMNS, rows)
    write_table(book, overview, 2, ("Региональный методист", *COLUMNS), all_rows)
    book.close()
