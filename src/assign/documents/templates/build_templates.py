"""Writes the default DOCX templates (order.docx, iom_card.docx) beside this file.

The templates are what a user edits in Word to change the layout: fonts, margins, wording,
the order of blocks. Jinja tags in them ({{ ... }}, {%tr for ... %}) are filled by docxtpl;
the fields they may use are listed in `assign.documents.order` and `assign.documents.iom`.
This script only recreates the defaults: `python -m assign.documents.templates.build_templates`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

HERE = Path(__file__).parent
ORDER_WIDTHS = [1.4, 14.0, 1.6]  # cm, 17 cm of an A4 page; «12.10» fits in 1.4 cm
CHANGE_WIDTHS = [1.4, 4.8, 3.4, 3.4, 4.0]
EVENT_WIDTHS = [1.0, 7.0, 4.5, 3.0, 3.5, 3.0, 3.5]  # cm, 25.5 cm of a landscape page
MONITOR_WIDTHS = [0.9, 4.8, 3.0, 3.4, 3.0, 2.8, 2.2, 2.2, 3.2]


def _base(landscape: bool = False) -> DocumentType:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    style.paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    return doc


def _para(
    doc: DocumentType,
    text: str = "",
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    size: int | None = None,
    space_after: int = 0,
    indent: bool = False,
) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    if indent:
        p.paragraph_format.first_line_indent = Cm(1.25)


def _table(doc: DocumentType, header: list[str]) -> Table:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    _repeat_header(table)
    return table


def _fit(table: Table, widths: list[float], size: int = 10) -> None:
    """Fixed column widths on the grid and every cell (Word and LibreOffice read different
    ones), and a smaller font, so long lists stay compact."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        cells = row._tr.tc_lst
        if len(cells) == len(widths):
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def _repeat_header(table: Table) -> None:
    """The header row repeats on every page a long table spans."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _tag_row(table: Table, tag: str) -> None:
    """A row that holds only a docxtpl row tag ({%tr ... %}); docxtpl removes it."""
    row = table.add_row()
    row.cells[0].text = tag


def _row(table: Table, texts: list[str]) -> None:
    row = table.add_row()
    for cell, text in zip(row.cells, texts, strict=True):
        cell.text = text


def _signature(doc: DocumentType, left: str, right: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.tab_stops.add_tab_stop(Cm(17.0), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run(f"{left}\t{right}")


def _no_split(table: Table) -> None:
    """Every row of the table stays on one page (w:cantSplit)."""
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        cant.set(qn("w:val"), "true")
        tr_pr.append(cant)


def _page_numbers(doc: DocumentType) -> None:
    """A page number (a PAGE field) in the middle of every footer but the first page's: the
    first page of an order carries no number."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _keep_with_next(doc: DocumentType, count: int) -> None:
    """The last `count` paragraphs hold together with what follows (a heading, a signature)."""
    for paragraph in doc.paragraphs[-count:]:
        paragraph.paragraph_format.keep_with_next = True


def _appendix_heading(doc: DocumentType, number: str, title: str) -> None:
    right = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _para(doc, f"Приложение {number}", align=right)
    _para(doc, "к приказу {{ organization_short }}", align=right)
    _para(doc, "от {{ order_date }} № {{ order_number }}", align=right, space_after=12)
    _para(doc, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)


def build_order() -> None:
    """An order as a распорядительный акт (ГОСТ Р 7.0.97-2016): the organization, the kind
    of document, date and number, place, title to the text, the preamble, ПРИКАЗЫВАЮ and
    numbered points (built in `order.py`, so their count follows the plan), the signature;
    appendix 1 — the methodists' teachers, a row per methodist and municipality with a
    paragraph per school; appendix 2 — the changes against the previous order."""
    doc = _base()
    _page_numbers(doc)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "{{ organization }}", bold=True, align=center)
    _para(doc, "{{ center }}", align=center, space_after=18)
    _para(doc, "П Р И К А З", bold=True, align=center, size=14, space_after=12)
    _signature(doc, "{{ order_date }}", "№ {{ order_number }}")
    _para(doc, "г. {{ city }}", align=center, space_after=18)
    _para(
        doc,
        "О закреплении региональных методистов за педагогическими работниками",
        bold=True,
        space_after=12,
    )
    _para(
        doc,
        "В соответствии с {{ grounds }}, в целях обеспечения адресного научно-методического "
        "сопровождения педагогических работников в {{ school_year }} учебном году",
        indent=True,
    )
    _para(doc, "ПРИКАЗЫВАЮ:", bold=True, space_after=6)
    _para(doc, "{%p for point in points[:-1] %}")
    _para(doc, "{{ loop.index }}. {{ point }}", indent=True)
    _para(doc, "{%p endfor %}")
    _para(doc, "{{ points|length }}. {{ points[-1] }}", indent=True)
    _para(doc, space_after=24)
    _keep_with_next(doc, 2)  # the last point and the signature share a page
    _signature(doc, "{{ head_position }}", "{{ head_name }}")
    _appendix_heading(
        doc,
        "1",
        "Закрепление педагогических работников за региональными методистами "
        "на {{ school_year }} учебный год",
    )
    table = _table(
        doc,
        [
            "№",
            "Муниципальное образование, образовательные организации, педагогические работники",
            "Всего",
        ],
    )
    _tag_row(table, "{%tr for m in methodists %}")
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    merged.text = "{{ m.heading }}"
    merged.paragraphs[0].runs[0].bold = True
    _tag_row(table, "{%tr for r in m.rows %}")
    _row(table, ["{{ r.number }}", "{{r r.schools }}", "{{ r.count }}"])
    _tag_row(table, "{%tr endfor %}")
    _tag_row(table, "{%tr endfor %}")
    _fit(table, ORDER_WIDTHS)
    _no_split(table)
    _para(doc, "{%p if changes %}")
    _appendix_heading(
        doc,
        "2",
        "Изменения закрепления относительно {{ changes_against }}",
    )
    changes = _table(
        doc,
        [
            "№",
            "ФИО педагогического работника, образовательная организация",
            "Был закреплён за",
            "Закреплён за",
            "Причина изменения",
        ],
    )
    _tag_row(changes, "{%tr for c in changes %}")
    _row(
        changes,
        ["{{ c.number }}", "{{ c.teacher }}", "{{ c.was }}", "{{ c.now }}", "{{ c.reason }}"],
    )
    _tag_row(changes, "{%tr endfor %}")
    _fit(changes, CHANGE_WIDTHS)
    _no_split(changes)
    _para(doc, "{%p endif %}")
    doc.save(str(HERE / "order.docx"))


def _borderless(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_para(cell: Any, text: str, *, bold: bool = False, size: int = 12) -> None:
    paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _block(doc: DocumentType, width: float) -> Any:
    """A one-cell borderless table whose row cannot split: what it holds (a last table and
    the signatures under it) always shares one page."""
    block = doc.add_table(rows=1, cols=1)
    _borderless(block)
    block.autofit = False
    block.columns[0].width = Cm(width)
    block.rows[0].cells[0].width = Cm(width)
    _no_split(block)
    return block.rows[0].cells[0]


def _inner_table(cell: Any, header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    table = cell.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for c, text in zip(table.rows[0].cells, header, strict=True):
        c.text = text
        c.paragraphs[0].runs[0].bold = True
    for texts in rows:
        _row(table, texts)
    _fit(table, widths, size=11)
    return table


def _marks(doc: DocumentType) -> None:
    """СОГЛАСОВАНО (the head of ЦНППМ) and УТВЕРЖДАЮ (the school's head): 002, Положение об
    ИОМ §3.4 — the route is agreed with the one and approved by the other."""
    marks = doc.add_table(rows=1, cols=2)
    _borderless(marks)
    left, right = marks.rows[0].cells
    for cell, lines in (
        (
            left,
            [
                ("СОГЛАСОВАНО", True),
                ("{{ center_head_position }}", False),
                ("{{ center_short }}", False),
                ("_____________ / {{ center_head }} /", False),
                ("«___» ____________ 20__ г.", False),
            ],
        ),
        (
            right,
            [
                ("УТВЕРЖДАЮ", True),
                ("{{ approver_position }}", False),
                ("{{ school }}", False),
                ("_____________ / _____________ /", False),
                ("«___» ____________ 20__ г.", False),
            ],
        ),
    ):
        for text, bold in lines:
            _cell_para(cell, text, bold=bold)
    _fit(marks, [12.75, 12.75], size=12)
    _para(doc, space_after=12)


EVENT_HEADER = [
    "№",
    "Мероприятия, обеспечивающие повышение уровня профессиональных компетенций",
    "Формируемые компетенции",
    "Уровень мероприятия",
    "Организатор мероприятия",
    "Сроки проведения",
    "Форма представления результатов",
]


def _events_table(
    doc: DocumentType, header: list[str], cells: list[str], widths: list[float]
) -> None:
    """The IOM's events by stage (a merged row per stage of 002's Инструкция)."""
    events = _table(doc, header)
    _tag_row(events, "{%tr for stage in stages %}")
    row = events.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    merged.text = "{{ stage.name }}"
    merged.paragraphs[0].runs[0].bold = True
    _tag_row(events, "{%tr for e in stage.events %}")
    _row(events, cells)
    _tag_row(events, "{%tr endfor %}")
    _tag_row(events, "{%tr endfor %}")
    _fit(events, widths)
    _no_split(events)


def _final_block(doc: DocumentType, heading: str) -> None:
    cell = _block(doc, 25.5)
    _cell_para(cell, heading, bold=True)
    _inner_table(
        cell,
        [
            "Мероприятие, демонстрирующее повышение уровня профессиональных компетенций",
            "Уровень проведения",
            "Сроки проведения",
        ],
        [["{{ final.name }}", "{{ final.level }}", "{{ final.terms }}"]],
        [14.0, 5.0, 6.0],
    )
    for text in (
        "",
        "Начало работы по реализации ИОМ – {{ start }}",
        "Завершение работы по реализации ИОМ – {{ end }}",
        "",
        "Региональный методист _____________ / {{ methodist }} /",
        "Педагогический работник _____________ / {{ teacher_short }} /",
    ):
        _cell_para(cell, text)


def build_iom_card() -> None:
    """The card of 002's appendices to the Инструкция: the marks of §3.4, Приложение 1 (the
    card: information, participants, entry diagnostics, the events by stage, the final
    event, start and end, signatures), Приложение 2 (corrections, monitoring, the final event
    again) and Приложение 3 (the results). Signatures share their page with the table above."""
    doc = _base(landscape=True)
    _page_numbers(doc)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _marks(doc)
    _para(
        doc,
        "Карта индивидуального образовательного маршрута педагога",
        bold=True,
        align=center,
        size=14,
        space_after=12,
    )
    _para(doc, "1. Информационная справка о педагоге", bold=True, space_after=6)
    info = doc.add_table(rows=0, cols=2)
    info.style = "Table Grid"
    info.autofit = False
    for label, value in [
        ("Название ОО", "{{ school }}"),
        ("ФИО педагога", "{{ teacher }}"),
        ("Занимаемая должность", "{{ position }}"),
        ("Образование", ""),
        ("Педагогический стаж", ""),
        ("Квалификационная категория", ""),
        ("Дата аттестации", ""),
        ("Курсы повышения квалификации (за последние 3 года)", ""),
        ("Звание, награды, поощрения", ""),
        ("Дополнительные сведения", "{{ notes }}"),
        ("Год реализации ИОМ", "{{ school_year }}"),
    ]:
        _row(info, [label, value])
    _fit(info, [9.0, 16.5], size=11)
    _no_split(info)
    _para(doc, space_after=6)
    _para(
        doc,
        "Участники разработки и реализации ИОМ (Положение об ИОМ, п. 3.1)",
        bold=True,
        space_after=6,
    )
    people = _table(doc, ["Участник", "ФИО", "Подпись"])
    for role, name in [
        ("Региональный методист", "{{ methodist_full }}"),
        ("Заместитель руководителя образовательной организации", ""),
        ("Руководитель методического объединения учителей-предметников", ""),
        ("Педагогический работник", "{{ teacher }}"),
    ]:
        _row(people, [role, name, ""])
    _fit(people, [11.0, 9.5, 5.0], size=11)
    _no_split(people)
    _para(doc, space_after=6)
    _para(doc, "2. Результаты входной диагностики профессиональных дефицитов", bold=True)
    _para(doc, "Входная диагностика: {{ entry_diagnostics }}", space_after=6)
    diag = _table(doc, ["№", "Задания", "Затруднения"])
    for number in range(1, 5):
        _row(diag, [f"{number}.", f"Задание №{number}", ""])
    _fit(diag, [1.0, 10.0, 14.5], size=11)
    _no_split(diag)
    _para(doc, space_after=6)
    _para(
        doc,
        "3. Перечень мероприятий, обеспечивающих повышение уровня профессиональных компетенций",
        bold=True,
        space_after=6,
    )
    _events_table(
        doc,
        EVENT_HEADER,
        [
            "{{ e.number }}",
            "{{ e.name }}",
            "{{ e.competences }}",
            "{{ e.level }}",
            "{{ e.organizer }}",
            "{{ e.terms }}",
            "{{ e.result_form }}",
        ],
        EVENT_WIDTHS,
    )
    _para(doc, space_after=6)
    _final_block(doc, "4. Заключительное публичное мероприятие")

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _para(doc, "Приложение 2 к Инструкции", align=right, space_after=6)
    _para(
        doc,
        "1. Сведения о корректировке индивидуального образовательного маршрута",
        bold=True,
        space_after=6,
    )
    corrections = _table(
        doc,
        [
            "№",
            "Дата внесения изменения / дополнения в ИОМ",
            "Причины внесения изменения / дополнения в ИОМ",
            "Подпись регионального методиста",
            "Подпись педагогического работника",
            "Отметка об ознакомлении: дата",
            "Отметка об ознакомлении: подпись",
        ],
    )
    for number in range(1, 4):
        _row(corrections, [f"{number}.", "", "", "", "", "", ""])
    _fit(corrections, [1.0, 3.5, 7.0, 3.5, 3.5, 3.5, 3.5], size=11)
    _no_split(corrections)
    _para(doc, space_after=6)
    _para(doc, "Изменённые / дополнительные мероприятия", space_after=6)
    changed = _table(doc, [*EVENT_HEADER[:-1], "Форма представления результата"])
    for number in range(1, 3):
        _row(changed, [f"{number}.", "", "", "", "", "", ""])
    _fit(changed, EVENT_WIDTHS)
    _no_split(changed)
    _para(doc, space_after=6)
    _para(
        doc,
        "2. Мониторинг реализации мероприятий индивидуального образовательного маршрута",
        bold=True,
        space_after=6,
    )
    _events_table(
        doc,
        [
            "№",
            "Мероприятия, обеспечивающие повышение уровня профессиональных компетенций",
            "Формируемые компетенции",
            "Уровень мероприятия",
            "Организатор мероприятия",
            "Сроки проведения",
            "Отметка о выпол\u00adнении",  # soft hyphens: the narrow columns break there
            "Причины невыпол\u00adнения",
            "Результат / форма представления результата",
        ],
        [
            "{{ e.number }}",
            "{{ e.name }}",
            "{{ e.competences }}",
            "{{ e.level }}",
            "{{ e.organizer }}",
            "{{ e.terms }}",
            "{{ e.done_mark }}",
            "{{ e.missed_reason }}",
            "{{ e.result_form }}",
        ],
        MONITOR_WIDTHS,
    )
    _para(doc, space_after=6)
    _final_block(doc, "3. Заключительное публичное мероприятие")

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _para(doc, "Приложение 3 к Инструкции", align=right, space_after=6)
    _para(
        doc,
        "Итоги прохождения индивидуального образовательного маршрута",
        bold=True,
        align=center,
        space_after=12,
    )
    _para(
        doc,
        "1. Результаты итоговой диагностики профессиональных компетенций ({{ final_diagnostics }})",
        bold=True,
        space_after=6,
    )
    results = _table(
        doc,
        ["№", "Задания", "Компетенции", "Недостаточный", "Достаточный", "Оптимальный", "Высокий"],
    )
    for number in range(1, 5):
        _row(results, [f"{number}.", f"Задание №{number}", "", "", "", "", ""])
    _fit(results, [1.0, 4.0, 7.0, 3.4, 3.4, 3.4, 3.3], size=11)
    _no_split(results)
    _para(doc, space_after=6)
    cell = _block(doc, 25.5)
    for text in (
        "2. Выводы: ______________________________________________________________________",
        "_______________________________________________________________________________",
        "",
        "«___» ____________ 20__ г.",
        "",
        "Региональный методист _____________ / {{ methodist }} /",
        "{{ approver_position }} _____________ / _____________ /",
        "С выводами ознакомлен(а) _____________ / {{ teacher_short }} /",
    ):
        _cell_para(cell, text)
    doc.save(str(HERE / "iom_card.docx"))


if __name__ == "__main__":
    build_order()
    build_iom_card()
