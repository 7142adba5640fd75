"""Roadmaps (XLSX) in the form of seed 003 («Комплекс мер („дорожная карта“)»): one sheet per
methodist, the aggregated sheet for the ЦНППМ head (000) and the totals per event.

Each sheet opens with the approval mark (УТВЕРЖДАЮ, the head of ЦНППМ), the title with the
methodist's name in the genitive, the school year and the region's Russian name. Rows carry
seed 003's directions and tasks (the catalogue's events mapped to them), the dates of the year
plan, the responsible persons — for diagnostics, as 002 (Положение о диагностике, §5.2) names
them: ЦНППМ specialists and municipal coordinators — and the expected result with the
teachers it reaches. Columns are sized for a landscape page at full scale (10 pt).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from assign.documents.context import ScheduledDates, people, short_names, signature_name
from assign.documents.settings import DocumentSettings
from assign.documents.workbook import Sheets, workbook_properties, write_table
from assign.domain import Region
from assign.events.catalogue import EventType
from assign.events.outline import PlannedEvent
from assign.format import count_ru, date_ru, name_case, ru_sort_key
from assign.io.safe_text import XLSX_TEXT_ONLY

COLUMNS = (
    "Направления мероприятий",
    "Задачи",
    "Наименование мероприятия",
    "Сроки",
    "Ответственные",
    "Ожидаемые результаты",
)
WIDTHS = (18, 21, 25, 13, 19, 24)  # characters: 120, a landscape page at 100 %
OVERVIEW_WIDTHS = (13, 16, 18, 21, 12, 18, 22)
OWN_ORGANIZER = "ЦНППМ"

# Seed 003's directions and tasks
MANAGEMENT = (
    "Управление системой научно-методического сопровождения педагогических работников и "
    "управленческих кадров"
)
GROWTH = "Непрерывное повышение профессионального мастерства педагогических работников"
CONTENT = (
    "Содержательно-методическое обеспечение непрерывного профессионального (педагогического) "
    "образования"
)
TASK_IOM = (
    "Построение индивидуальных образовательных маршрутов непрерывного профессионального "
    "развития педагогических работников и управленческих кадров на основе диагностики "
    "профессиональных компетенций"
)
TASK_COMPETENCES = (
    "Организация деятельности по совершенствованию профессиональных компетенций "
    "педагогических работников"
)
TASK_YOUNG = (
    "Сопровождение в профессиональном становлении педагогических работников до 35 лет в "
    "первые три года работы"
)
TASK_MATERIALS = (
    "Обеспечение педагогических работников и управленческих кадров методическими "
    "рекомендациями, материалами"
)
TASK_INFORM = (
    "Информирование педагогического сообщества об основных тенденциях развития образования"
)
TASK_ACTIVE = "Формирование и организация деятельности регионального методического актива"
TASK_MONITORING = (
    "Организация и проведение мониторингов эффективности функционирования РСНМС, отдельных "
    "субъектов РСНМС"
)
SEED_003: dict[EventType, tuple[str, str]] = {
    EventType.DIAGNOSTICS_ENTRY: (GROWTH, TASK_IOM),
    EventType.DIAGNOSTICS_FINAL: (GROWTH, TASK_IOM),
    EventType.IOM_DEVELOPMENT: (GROWTH, TASK_IOM),
    EventType.IOM_EVENT: (GROWTH, TASK_IOM),
    EventType.FINAL_EVENT: (GROWTH, TASK_IOM),
    EventType.VISIT: (GROWTH, TASK_COMPETENCES),
    EventType.SEMINAR: (GROWTH, TASK_YOUNG),
    EventType.CONSULTATION: (CONTENT, TASK_MATERIALS),
    EventType.WEBINAR: (CONTENT, TASK_INFORM),
    EventType.REPORT: (MANAGEMENT, TASK_MONITORING),
    EventType.REGIONAL: (MANAGEMENT, TASK_ACTIVE),
}
SEED_003_BY_KEY = {"contest_webinar": (GROWTH, TASK_COMPETENCES)}
DIRECTION_ORDER = {GROWTH: 0, CONTENT: 1, MANAGEMENT: 2}

DIAGNOSTICS = {EventType.DIAGNOSTICS_ENTRY, EventType.DIAGNOSTICS_FINAL}
SCHOOL_SIDE = {EventType.IOM_DEVELOPMENT, EventType.FINAL_EVENT, EventType.VISIT}


def seed_direction(event: PlannedEvent) -> tuple[str, str]:
    """Seed 003's direction and task of an event of the catalogue."""
    return SEED_003_BY_KEY.get(event.spec.key) or SEED_003[event.spec.type]


def responsible(event: PlannedEvent, methodist_label: str) -> str:
    """Who answers for the event: the methodist; for diagnostics also ЦНППМ specialists and
    municipal coordinators (002, Положение о диагностике, §5.2); for the IOM's development,
    the final event and school visits the school's deputy head and the head of the subject
    association (002, Положение об ИОМ, §3.1); an outside organizer by name."""
    people = [f"региональный методист {methodist_label}"]
    kind = event.spec.type
    if kind in DIAGNOSTICS:
        people = [
            "специалисты ЦНППМ",
            "координаторы муниципальных методических служб",
            *people,
        ]
    if kind in SCHOOL_SIDE:
        people.append("заместитель руководителя ОО, руководитель методического объединения")
    if event.spec.organizer != OWN_ORGANIZER:
        people.append(event.spec.organizer)
    text = "; ".join(people)
    return text[0].upper() + text[1:]


def roadmap_row(
    region: Region, event: PlannedEvent, methodist_label: str, dates: ScheduledDates
) -> list[str]:
    """One event's row; `methodist_label` is how the document names its methodist
    (`context.short_names`)."""
    spec = event.spec
    direction, task = seed_direction(event)
    result = spec.result
    if event.teacher_ids:
        result += f" (охват: {count_ru(people(region, event.teacher_ids), 'педагог')})"
    return [
        direction,
        task,
        spec.name,
        dates.terms(event),
        responsible(event, methodist_label),
        result,
    ]


def _ordered(events: list[PlannedEvent]) -> list[PlannedEvent]:
    return sorted(
        events,
        key=lambda e: (DIRECTION_ORDER[seed_direction(e)[0]], seed_direction(e)[1], e.months[0]),
    )


def _approval(
    book: Workbook, sheet: Worksheet, last_column: int, settings: DocumentSettings
) -> None:
    """The approval mark in the top right corner, as seed 003's appendix carries it."""
    plain = book.add_format({"font_size": 10, "text_wrap": True, "valign": "top"})
    bold = book.add_format({"font_size": 10, "bold": True})
    lines = [
        ("УТВЕРЖДАЮ", bold),
        (settings.head_position, plain),
        (settings.organization_short or settings.organization, plain),
        (f"_____________ / {signature_name(settings.head_name)} /", plain),
        ("«___» ____________ 20__ г.", plain),
    ]
    for row, (text, style) in enumerate(lines):
        # two columns wide and wrapped: the mark stays inside the printed width
        sheet.merge_range(row, last_column - 1, row, last_column, text, style)
    sheet.set_row(2, 2 * 13.5 + 2)


def _title(
    book: Workbook, sheet: Worksheet, row: int, text: str, settings: DocumentSettings
) -> None:
    title = book.add_format({"bold": True, "font_size": 12})
    sheet.write(row, 0, text, title)
    region = settings.region_name
    sub = f"на {settings.school_year} учебный год" + (f" — {region}" if region else "")
    sheet.write(row + 1, 0, sub, book.add_format({"font_size": 11}))


TABLE_ROW = 8  # the table's header row: after the mark (5 rows) and the title (2)


def event_totals(
    region: Region, planned: list[PlannedEvent], dates: ScheduledDates
) -> list[list[Any]]:
    """Per event of the catalogue: methodists holding it, teachers reached, the days it is
    held on (a regional congress on one date for every methodist is one day, not sixty) and
    events the year plan left out."""
    totals: dict[str, dict[str, Any]] = {}
    for e in planned:
        row = totals.setdefault(
            e.spec.key,
            {
                "name": e.spec.name,
                "spec": e,
                "methodists": set(),
                "teachers": set(),
                "days": set(),  # the calendar days it is held on, whoever holds it
                "missed": 0,
            },
        )
        row["methodists"].add(e.methodist_id)
        row["teachers"].update(e.teacher_ids)
        key = (e.methodist_id, e.spec.key)
        row["days"] |= dates.by_event.get(key, set())
        row["missed"] += key in dates.missed_event and not dates.by_event.get(key)
    rows = []
    for number, row in enumerate(
        sorted(
            totals.values(),
            key=lambda r: (DIRECTION_ORDER[seed_direction(r["spec"])[0]], ru_sort_key(r["name"])),
        ),
        start=1,
    ):
        rows.append(
            [
                number,
                row["name"],
                seed_direction(row["spec"])[0],
                len(row["methodists"]),
                people(region, row["teachers"]),
                len(row["days"]) or "—",
                row["missed"],
            ]
        )
    return rows


def _until(region: Region, methodist_id: str, settings: DocumentSettings) -> str:
    """« (до «11» января 2027 г.)» for a methodist who left during the year."""
    if methodist_id in region.methodist_by_id or settings.changes_from is None:
        return ""
    return f" (до {date_ru(settings.changes_from)})"


def write_roadmaps(
    region: Region,
    planned: Iterable[PlannedEvent],
    path: Path,
    dates: ScheduledDates | None = None,
    settings: DocumentSettings | None = None,
) -> None:
    """`dates` from the year plan, where one was made, replace the month terms."""
    dates = dates or ScheduledDates()
    settings = settings or DocumentSettings()
    planned = list(planned)
    events_of: dict[str, list[PlannedEvent]] = {}
    for event in planned:
        events_of.setdefault(event.methodist_id, []).append(event)
    # one who left during the year keeps the roadmap of what she held (`held_by_former`)
    people = region.former_methodist_by_id | region.methodist_by_id
    methodists = sorted(
        (people[m] for m in events_of),
        key=lambda m: (ru_sort_key(m.full_name), m.methodist_id),
    )
    sheets = Sheets()
    book = xlsxwriter.Workbook(str(path), XLSX_TEXT_ONLY)
    title = "Дорожные карты региональных методистов"
    book.set_properties(workbook_properties(title, settings.region_name, settings.author))
    overview = book.add_worksheet(sheets.name("Сводная дорожная карта"))
    totals = book.add_worksheet(sheets.name("Итоги по мероприятиям"))
    all_rows = []
    label = short_names((m.methodist_id, m.full_name) for m in methodists)
    for m in methodists:
        named = label[m.methodist_id]
        rows = [roadmap_row(region, e, named, dates) for e in _ordered(events_of[m.methodist_id])]
        all_rows += [[named, *row] for row in rows]
        sheet = book.add_worksheet(sheets.name(named))
        _approval(book, sheet, len(COLUMNS) - 1, settings)
        _title(
            book,
            sheet,
            5,
            f"Дорожная карта регионального методиста {name_case(m.full_name, 'gent')}"
            + _until(region, m.methodist_id, settings),
            settings,
        )
        write_table(book, sheet, TABLE_ROW, COLUMNS, rows, WIDTHS, merge=(0, 1))
    _approval(book, overview, len(COLUMNS), settings)
    _title(
        book,
        overview,
        5,
        "Сводная дорожная карта методического сопровождения педагогических работников "
        "региональными методистами",
        settings,
    )
    write_table(
        book,
        overview,
        TABLE_ROW,
        ("Региональный методист", *COLUMNS),
        all_rows,
        OVERVIEW_WIDTHS,
        merge=(0, 1, 2),
    )
    _title(book, totals, 0, "Итоги дорожной карты по мероприятиям", settings)
    write_table(
        book,
        totals,
        3,
        (
            "№",
            "Мероприятие",
            "Направление (дорожная карта)",
            "Региональных методистов",
            "Педагогов (охват)",
            "Дней проведения по плану года",
            "Не запланировано (у методистов)",
        ),
        event_totals(region, planned, dates),
        (5, 36, 36, 13, 12, 14, 14),
    )
    book.close()
