"""The assignment workbook (XLSX): a summary sheet with the KPIs and every methodist's load,
one sheet per methodist and one per municipality — frozen headers, filters, widths that fit,
landscape pages one wide, ready to print."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from assign.assignment import AssignmentProblem
from assign.assignment.kpi import kpis
from assign.categories import CATEGORY_NAMES_RU
from assign.documents.context import (
    by_methodist,
    short_names,
    subjects_text,
)
from assign.format import ru_sort_key
from assign.io.safe_text import XLSX_TEXT_ONLY
from assign.subjects import subject_name

DATE_FORMAT = "dd.mm.yyyy"  # Russian short dates; a spreadsheet sorts them as dates
MAX_WIDTH = 36  # characters: a wider column wraps, so a landscape page stays readable
FONT_SIZE = 10  # points; pages one wide of ~130 characters print it at ≥ 9 pt


class Sheets:
    """Unique Excel sheet names (≤ 31 characters, no []:*?/\\, no apostrophe at an end)."""

    def __init__(self) -> None:
        self.used: set[str] = {"history"}  # reserved by Excel

    def name(self, text: str) -> str:
        # Excel refuses a name with []:*?/\ or control characters, or one that starts or ends
        # with an apostrophe
        clean = re.sub(r"[\[\]:*?/\\\x00-\x1f]", " ", text).strip().strip("'").strip()
        if len(clean) > 31:  # «городской округ город Рассказово» lost its city when cut
            for long, short in SHORT_FORMS:
                clean = re.sub(long, short, clean, flags=re.IGNORECASE)
        base = _cut(clean, 31).strip("'").strip() or "Лист"
        name, n = base, 1
        while name.lower() in self.used:
            n += 1
            suffix = f" ({n})"
            name = _cut(base, 31 - len(suffix)) + suffix
        self.used.add(name.lower())
        return name


SHORT_FORMS = (  # a municipality's kind as its own documents shorten it, for a sheet tab
    (r"\bгородской округ город\b", "г.о. г."),
    (r"\bгородской округ\b", "г.о."),
    (r"\bмуниципальный округ\b", "м.о."),
    (r"\bмуниципальный район\b", "м.р."),
    (r"\bмуниципальное образование\b", "МО"),
)


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word's end («Тамбовский район» rather than
    «Тамбовский ра»); a single long word is cut where it must be."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,.-–—(")


LINE_POINTS = 1.35 * FONT_SIZE


def _lines(value: Any, width: float) -> int:
    return max(math.ceil(len(str(value)) / max(width - 2, 1)), 1)


def _height(
    row: Sequence[Any], widths: Sequence[float], skip: frozenset[int] = frozenset()
) -> float:
    """Row height for wrapped text: neither Excel nor LibreOffice refits rows on opening."""
    lines = max(
        [_lines(v, w) for c, (v, w) in enumerate(zip(row, widths, strict=True)) if c not in skip]
        or [1]
    )
    return LINE_POINTS * lines + 2


def _runs(rows: Sequence[Sequence[Any]], column: int) -> list[tuple[int, int]]:
    """Spans of rows (first, last) where this column and every one before it repeat."""
    spans, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or tuple(rows[i][: column + 1]) != tuple(rows[start][: column + 1]):
            spans.append((start, i - 1))
            start = i
    return spans


def write_table(
    book: Workbook,
    sheet: Worksheet,
    first_row: int,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float] | None = None,
    merge: Sequence[int] = (),
) -> None:
    """A table with a bold header that stays in view, a filter, widths that fit the text and
    print settings: landscape, one page wide, the header repeated on each page. Fixed
    `widths` (characters) that sum to a landscape page's ~130 print it at full size; the
    `merge` columns (the first ones) show a value repeated in consecutive rows once, in a
    merged cell, as seed 003's roadmap does."""
    style = {"text_wrap": True, "valign": "top", "border": 1, "font_size": FONT_SIZE}
    bold = book.add_format({**style, "bold": True})
    cell = book.add_format(style)
    widths = (
        list(widths)
        if widths is not None
        else [
            min(max([len(str(title))] + [len(str(r[c])) for r in rows]) + 2, MAX_WIDTH)
            for c, title in enumerate(header)
        ]
    )
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.write_row(first_row, 0, header, bold)
    sheet.set_row(first_row, _height(header, widths))
    skip = frozenset(merge)
    heights = [_height(row, widths, skip) for row in rows]
    for column in merge:  # a merged text taller than its rows makes its last row taller
        for first, last in _runs(rows, column):
            need = LINE_POINTS * _lines(rows[first][column], widths[column]) + 2
            have = sum(heights[first : last + 1])
            if need > have:
                heights[last] += need - have
    day = book.add_format({**style, "num_format": DATE_FORMAT, "align": "left"})
    for offset, row in enumerate(rows, start=1):
        sheet.write_row(first_row + offset, 0, row, cell)
        for column, value in enumerate(row):  # a date stays a date: it sorts and filters
            if isinstance(value, date):
                sheet.write_datetime(first_row + offset, column, value, day)
        sheet.set_row(first_row + offset, heights[offset - 1])
    for column in merge:
        for first, last in _runs(rows, column):
            if last > first:
                sheet.merge_range(
                    first_row + 1 + first,
                    column,
                    first_row + 1 + last,
                    column,
                    rows[first][column],
                    cell,
                )
    sheet.freeze_panes(first_row + 1, 0)
    sheet.autofilter(first_row, 0, first_row + len(rows), len(header) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(first_row)


def workbook_properties(title: str, region_name: str = "", author: str = "") -> dict[str, str]:
    """A workbook's own properties (File → Properties): its title, the region, the author."""
    return {"title": title, "subject": region_name, "author": author, "company": author}


def write_workbook(
    problem: AssignmentProblem,
    assignment: Mapping[str, str],
    unplaced: list[str],
    path: Path,
    region_name: str = "",
) -> None:
    """`region_name`: the Russian name region.yaml gives (the data's own name is often the
    folder's)."""
    region = problem.region
    report = kpis(problem, dict(assignment), unplaced)
    hours, km, _ = problem.costs
    m_index = {m: i for i, m in enumerate(problem.methodist_ids)}
    s_index = {s: i for i, s in enumerate(problem.school_ids)}
    municipality = {m.municipality_id: m.name for m in region.municipalities}
    school = region.school_by_id
    groups = by_methodist(region, assignment)
    per_methodist = {row["methodist_id"]: row for row in report["methodists"]}
    sheets = Sheets()
    book = xlsxwriter.Workbook(str(path), XLSX_TEXT_ONLY)
    book.set_properties(workbook_properties("Закрепление педагогов за методистами", region_name))
    title = book.add_format({"bold": True, "font_size": 14})

    summary = book.add_worksheet(sheets.name("Сводка"))
    overall = report["overall"]
    title_text = "Закрепление педагогов за региональными методистами"
    summary.write(0, 0, title_text + (f": {region_name}" if region_name else ""), title)
    facts = [
        ("Региональных методистов с педагогами", len(groups)),
        ("Педагогов закреплено", overall["served"]),
        ("Педагогов не закреплено", overall["unserved"]),
        ("Изменено закреплений относительно текущего", overall["changed"]),
        ("Среднее время в пути, ч", overall.get("travel_hours_mean", "—")),
        ("Наибольшее время в пути, ч", overall.get("travel_hours_max", "—")),
        ("Среднее расстояние, км", overall.get("travel_km_mean", "—")),
        ("Доля педагогов в пределах 2 ч, %", round(100 * overall.get("share_within_2h", 0), 1)),
    ]
    for row, (label, value) in enumerate(facts, start=2):
        summary.merge_range(row, 0, row, 2, label)
        summary.write(row, 3, value)
    first = len(facts) + 3
    rows = []
    for number, group in enumerate(groups, start=1):
        m = group.methodist
        kpi = per_methodist[m.methodist_id]
        trips = [hours[s_index[t.school_id], m_index[m.methodist_id]] for t in group.teachers]
        rows.append(
            [
                number,
                m.full_name,
                subjects_text(m),
                municipality[region.person_base(m)[1]],
                kpi["teachers"],
                kpi["load"],
                kpi["min_load"],
                kpi["max_load"],
                round(float(sum(trips)) / len(trips), 2),
                len({school[t.school_id].municipality_id for t in group.teachers}),
            ]
        )
    write_table(
        book,
        summary,
        first,
        [
            "№",
            "Региональный методист",
            "Предметы",
            "Муниципальное образование",
            "Педагогов",
            "Нагрузка",
            "Норма от",
            "Норма до",
            "Среднее время в пути, ч",
            "Муниципальных образований",
        ],
        rows,
    )

    teacher_header = [
        "№",
        "ФИО педагога",
        "Образовательная организация",
        "Муниципальное образование",
        "Предмет",
        "Категории",
        "Расстояние, км",
        "Время в пути, ч",
    ]
    sheet_name = short_names((g.methodist.methodist_id, g.methodist.full_name) for g in groups)
    for group in groups:
        m = group.methodist
        sheet = book.add_worksheet(sheets.name(sheet_name[m.methodist_id]))
        sheet.write(0, 0, f"{m.full_name} — {subjects_text(m)}", title)
        rows = []
        for number, t in enumerate(group.teachers, start=1):
            s, j = s_index[t.school_id], m_index[m.methodist_id]
            rows.append(
                [
                    number,
                    t.full_name,
                    school[t.school_id].name,
                    municipality[school[t.school_id].municipality_id],
                    subject_name(t.subject),
                    ", ".join(CATEGORY_NAMES_RU[c] for c in region.teacher_categories(t)),
                    round(float(km[s, j]), 2),
                    round(float(hours[s, j]), 2),
                ]
            )
        write_table(book, sheet, 2, teacher_header, rows)

    by_municipality: dict[str, list[list[Any]]] = {}
    for t in sorted(region.teachers, key=lambda t: (ru_sort_key(t.full_name), t.teacher_id)):
        mid = assignment.get(t.teacher_id)
        muni = school[t.school_id].municipality_id
        methodist = region.methodist_by_id[mid].full_name if mid else "не закреплён"
        by_municipality.setdefault(muni, []).append(
            [t.full_name, school[t.school_id].name, subject_name(t.subject), methodist]
        )
    for muni in sorted(by_municipality, key=lambda m: ru_sort_key(municipality[m])):
        sheet = book.add_worksheet(sheets.name(municipality[muni]))
        sheet.write(0, 0, municipality[muni], title)
        rows = [[n, *row] for n, row in enumerate(by_municipality[muni], start=1)]
        write_table(
            book,
            sheet,
            2,
            ["№", "ФИО педагога", "Образовательная организация", "Предмет", "Методист"],
            rows,
        )
    book.close()
