"""Documents re-read field by field against the plan: the order, the workbook, the roadmaps and
the IOM cards; Russian conventions; the CLI; a PDF render with LibreOffice where it exists."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document
from docx.shared import Cm
from docxtpl import DocxTemplate
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from assign.assignment import AssignmentProblem, AssignmentSettings, build_problem, solve
from assign.assignment.changes import UNNAMED_FORMER, change_list
from assign.categories import Category
from assign.cli import app
from assign.documents.context import ScheduledDates, short_name, short_names, signature_name
from assign.documents.iom import card_context, iom_cards, position_ru, write_iom_cards
from assign.documents.order import order_context, write_order
from assign.documents.plan_workbook import SHEETS as PLAN_SHEETS
from assign.documents.plan_workbook import need_rows
from assign.documents.roadmap import (
    COLUMNS,
    CONTENT,
    GROWTH,
    MANAGEMENT,
    TABLE_ROW,
    event_totals,
    write_roadmaps,
)
from assign.documents.settings import DocumentSettings, load_document_settings
from assign.documents.workbook import Sheets, write_workbook
from assign.domain import Region
from assign.events.calendar import load_calendar
from assign.events.catalogue import (
    DEFAULT_CATALOGUE,
    IOM_CYCLE,
    CatalogueError,
    EventType,
    load_catalogue,
)
from assign.events.outline import outline
from assign.format import (
    MONTHS_GENITIVE,
    MONTHS_NOMINATIVE,
    count_ru,
    date_ru,
    fmt_int,
    name_case,
    ru_sort_key,
    sorted_ru,
)
from assign.io import load_region_or_raise
from assign.io.safe_text import docx_context
from assign.pipeline.settings import load_region_settings
from assign.schedule import ScheduleSettings, plan_year
from assign.schedule.output import write_schedule
from assign.schedule.saved import ScheduleRow
from assign.subjects import subject_name
from assign.summary import subject_capacity
from conftest import DATA, SAMPLES, card_id

SETTINGS = DocumentSettings(
    organization="Институт развития образования",
    city="Тамбов",
    head_name="А.Б. Руководитель",
    order_number="125-о",
    order_date=date(2026, 9, 15),
)


@pytest.fixture(scope="module")
def tambov() -> tuple[AssignmentProblem, dict[str, str]]:
    region = load_region_or_raise(SAMPLES / "tambov")
    problem = build_problem(region, AssignmentSettings())
    result = solve(problem)
    assert len(result.assignment) == len(region.teachers)
    return problem, result.assignment


def _expected_rows(region: Region, assignment: dict[str, str]) -> dict[str, Counter[tuple]]:
    """Per methodist name: the (teacher, school, municipality, subject) rows the appendix needs."""
    municipality = {m.municipality_id: m.name for m in region.municipalities}
    rows: dict[str, Counter[tuple]] = {}
    for t in region.teachers:
        m = region.methodist_by_id[assignment[t.teacher_id]]
        s = region.school_by_id[t.school_id]
        rows.setdefault(m.full_name, Counter())[
            (t.full_name, s.name, municipality[s.municipality_id], subject_name(t.subject))
        ] += 1
    return rows


def test_russian_conventions() -> None:
    assert date_ru(date(2026, 9, 15)) == "«15» сентября 2026 г."
    assert date_ru(date(2027, 1, 3)) == "«03» января 2027 г."
    assert fmt_int(10800) == "10 800"
    names = ["Жуков", "Ёлкин", "Ежов", "Елисеев", "Яковлев", "Акимов"]
    assert sorted_ru(names, str) == ["Акимов", "Ежов", "Елисеев", "Ёлкин", "Жуков", "Яковлев"]
    assert short_name("Иванова Анна Петровна") == "Иванова А.П."
    # a signature is spelled out initials first (GOST R 7.0.97-2016), whatever was given
    assert signature_name("Петрова Анна Ивановна") == "А.И. Петрова"
    assert signature_name("Петрова А.И.") == signature_name("А.И. Петрова") == "А.И. Петрова"
    assert signature_name("________________") == "________________"
    assert signature_name("Петрова") == "Петрова"


def _order_rows(table: Any) -> tuple[dict[str, Counter[tuple]], dict[str, int], list[str]]:
    """Appendix 1 read back: per methodist, (teacher, school, municipality) rows; the count
    each heading declares; the methodists in order."""
    found: dict[str, Counter[tuple]] = {}
    declared: dict[str, int] = {}
    order: list[str] = []
    current = ""
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        if len(set(cells)) == 1:  # a merged heading row
            heading = cells[0]
            current = heading.split("Региональный методист ")[1].split(" (")[0]
            declared[current] = int(heading.rsplit(" — ", 1)[1].split(" ")[0])
            order.append(current)
            continue
        number, text, count = cells
        assert number.startswith(f"{len(order)}.")
        municipality, *schools = text.split("\n")
        municipality = municipality.removesuffix(" (продолжение)")
        listed = 0
        for line in schools:
            school, names = line.split(": ", 1)
            for name in names.removesuffix(".").split(", "):
                found.setdefault(current, Counter())[(name, school, municipality)] += 1
                listed += 1
        assert listed == int(count.replace(" ", ""))
    return found, declared, order


def _assert_own_properties(doc: Any, title: str) -> None:
    """File → Properties: the organization wrote it today, not «python-docx» in 2013 (a head
    who signs it sees both)."""
    core = doc.core_properties
    assert (core.author, core.last_modified_by) == (SETTINGS.organization,) * 2
    assert core.title == title and core.revision == 1
    assert core.created.date() == core.modified.date() == date.today()


def _has(element: Any, tag: str) -> bool:
    return element.find(f".//{{{W}}}{tag}") is not None


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PREVIOUS = SETTINGS.model_copy(
    update={
        "previous_order_number": "87-о",
        "previous_order_date": date(2025, 9, 1),
        "control_position": "заместитель руководителя ЦНППМ",
        "control_name": "Петрова Анна Ивановна",
    }
)


def test_order_is_a_gost_act_with_every_teacher_once_and_the_changes(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    problem, assignment = tambov
    region = problem.region
    path = tmp_path / "order.docx"
    write_order(problem.region, assignment, PREVIOUS, path, problem)
    doc = Document(str(path))
    _assert_own_properties(doc, "Приказ о закреплении педагогов за методистами")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "«15» сентября 2026 г." in text and "№ 125-о" in text and "г. Тамбов" in text
    assert "А.Б. Руководитель" in text and "Институт развития образования" in text
    assert "№ АЗ-1061/08" in text  # the grounds
    groups = len(set(assignment.values()))
    assert f"всего {count_ru(groups, 'региональный методист')}, " in text
    assert f"{count_ru(len(region.teachers), 'педагогический работник')} из 30 " in text
    assert "Признать утратившим силу приказ от «01» сентября 2025 г. № 87-о" in text
    assert "органы местного самоуправления" in text and "руководителям образовательных" in text
    assert "возложить на заместителя руководителя ЦНППМ Петрову А.И." in text
    # page numbers: a PAGE field in the footer; none on the first page
    section = doc.sections[0]
    assert 'w:instr="PAGE"' in section.footer._element.xml
    assert section.different_first_page_header_footer
    assert "PAGE" not in section.first_page_footer._element.xml
    appendix, changes_table = doc.tables
    for table in (appendix, changes_table):
        assert _has(table.rows[0]._tr, "tblHeader")  # the header repeats on every page
        assert all(_has(row._tr, "cantSplit") for row in table.rows)  # rows never split
        assert table.columns[0].width >= Cm(1.3)  # «12.10» fits in the № column
    found, declared, order = _order_rows(appendix)
    expected: dict[str, Counter[tuple]] = {}
    for t in region.teachers:
        m = region.methodist_by_id[assignment[t.teacher_id]]
        s = region.school_by_id[t.school_id]
        name = t.full_name + (
            f" ({subject_name(t.subject).lower()})" if len(m.subjects) > 1 else ""
        )
        municipality = next(
            x.name for x in region.municipalities if x.municipality_id == s.municipality_id
        )
        expected.setdefault(m.full_name, Counter())[(name, s.name, municipality)] += 1
    assert found == expected
    assert declared == {m: sum(rows.values()) for m, rows in found.items()}
    assert order == sorted(order, key=ru_sort_key)
    # appendix 2 is the change list, row for row
    changes = change_list(problem, assignment)
    assert changes, "the Tambov sample has a current order to change"
    rows = [[c.text for c in row.cells] for row in changes_table.rows[1:]]
    assert rows == [
        [
            str(n),
            f"{c.teacher_name} ({subject_name(c.subject)}), {c.school_name}",
            short_name(c.from_name) if c.from_name else UNNAMED_FORMER,
            short_name(c.to_name),
            c.reason_text,
        ]
        for n, c in enumerate(changes, start=1)
    ]
    assert (
        f"Изменить закрепление {count_ru(len(changes), 'педагогический работник', 'gent')}" in text
    )
    # a reason names the new methodist in the genitive, as the sentence needs
    reasons = {c.reason_text for c in changes}
    assert "у методиста Гавриловой Надежды Семёновны было 29 педагогов при минимуме 100" in reasons


def test_order_without_changes_has_no_second_appendix(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    problem, assignment = tambov
    current = dict(problem.region.current_methodist_of)
    kept = {t: current.get(t, m) for t, m in assignment.items()}  # the current order itself
    path = tmp_path / "order.docx"
    write_order(problem.region, kept, SETTINGS, path, problem)
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert len(doc.tables) == 1 and "Приложение 2" not in text
    assert "Признать утратившим силу" not in text
    assert "Контроль за исполнением настоящего приказа оставляю за собой." in text


def test_workbook_totals_and_sheets_match_the_plan(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    problem, assignment = tambov
    region = problem.region
    path = tmp_path / "assignment.xlsx"
    write_workbook(problem, assignment, [], path)
    book = openpyxl.load_workbook(path, read_only=False)
    summary = book["Сводка"]
    facts = {summary.cell(r, 1).value: summary.cell(r, 4).value for r in range(3, 11)}
    assert facts["Педагогов закреплено"] == len(region.teachers)
    assert facts["Педагогов не закреплено"] == 0
    heads = Counter(assignment.values())
    assert facts["Региональных методистов с педагогами"] == len(heads)
    header_row = 12
    assert summary.cell(header_row, 2).value == "Региональный методист"
    assert summary.freeze_panes == f"A{header_row + 1}"
    assert summary.auto_filter.ref is not None
    by_name = {m.full_name: m.methodist_id for m in region.methodists}
    listed = 0
    for r in range(header_row + 1, summary.max_row + 1):
        name, count = summary.cell(r, 2).value, summary.cell(r, 5).value
        assert heads[by_name[name]] == count
        listed += count
    assert listed == len(region.teachers)
    # one sheet per methodist, titled with their name and subjects, with exactly their teachers
    title_of = {
        f"{m.full_name} — " + ", ".join(subject_name(s) for s in m.subjects): m.methodist_id
        for m in region.methodists
    }
    seen = []
    for sheet in book.worksheets[1:]:
        methodist_id = title_of.get(sheet.cell(1, 1).value)
        if methodist_id is None:
            continue  # a municipality sheet
        seen.append(methodist_id)
        names = [sheet.cell(r, 2).value for r in range(4, sheet.max_row + 1)]
        expected = [
            t.full_name for t in region.teachers if assignment[t.teacher_id] == methodist_id
        ]
        assert Counter(names) == Counter(expected)
        assert names == sorted(names, key=ru_sort_key)
        assert sheet.freeze_panes == "A4"
    assert sorted(seen) == sorted(heads)
    # one sheet per municipality, with every teacher of it
    per_muni = Counter(region.school_municipality(t.school_id) for t in region.teachers)
    for muni in region.municipalities:
        name = Sheets().name(muni.name)
        assert len(name) <= 31
        # a long name is shortened by its kind, not cut before its city (the planner's review
        # found «городской округ город» for Рассказово)
        assert name == muni.name or name.split()[-1] == muni.name.split()[-1], name
        sheet = book[name]
        assert sheet.max_row - 3 == per_muni[muni.municipality_id]


# An independent declension: written by hand, as a Russian reader expects them
GENITIVE = {
    "Алексеева Надежда Юрьевна": "Алексеевой Надежды Юрьевны",
    "Антонова Анна Ивановна": "Антоновой Анны Ивановны",
    "Баранова Людмила Павловна": "Барановой Людмилы Павловны",
    "Белов Иван Викторович": "Белова Ивана Викторовича",
    "Иванов Пётр Сергеевич": "Иванова Петра Сергеевича",
    "Кузьмина Любовь Николаевна": "Кузьминой Любови Николаевны",
    "Черных Ольга Ивановна": "Черных Ольги Ивановны",
    "Седых Пётр Ильич": "Седых Петра Ильича",
    "Шевчук Анна Павловна": "Шевчук Анны Павловны",
    "Гусь Илья Ильич": "Гуся Ильи Ильича",
    "Ким Елена Олеговна": "Ким Елены Олеговны",
    "Петрова-Водкина Мария Игоревна": "Петровой-Водкиной Марии Игоревны",
    "Саввинов Айаал Дмитриевич": "Саввинова Айаала Дмитриевича",
}
DATIVE = {
    "Алексеева Надежда Юрьевна": "Алексеевой Надежде Юрьевне",
    "Иванов Пётр Сергеевич": "Иванову Петру Сергеевичу",
    "Черных Ольга Ивановна": "Черных Ольге Ивановне",
    "Гусь Илья Ильич": "Гусю Илье Ильичу",
}


def test_names_decline_as_a_russian_reader_expects() -> None:
    assert {n: name_case(n, "gent") for n in GENITIVE} == GENITIVE
    assert {n: name_case(n, "datv") for n in DATIVE} == DATIVE
    assert name_case("Петрова Анна Ивановна", "accs") == "Петрову Анну Ивановну"
    # a name given with initials: only the surname declines, by its own ending
    assert name_case("П.П. Смирнова", "accs") == "П.П. Смирнову"
    assert name_case("Смирнова П.П.", "accs") == "Смирнову П.П."
    assert name_case("И.И. Иванов", "gent") == "И.И. Иванова"
    assert short_name("П.П. Смирнову") == "П.П. Смирнову"
    assert short_name("Смирнову Полину Петровну") == "Смирнову П.П."


def test_control_of_the_order_names_a_person_given_with_initials() -> None:
    from assign.documents.order import order_points

    settings = DocumentSettings(
        control_position="заместитель директора", control_name="П.П. Смирнова"
    )
    points = order_points([], 0, 0, [], settings)
    assert points[-1] == (
        "Контроль за исполнением настоящего приказа возложить на заместителя директора "
        "П.П. Смирнову."
    )


def test_short_names_keep_namesakes_apart() -> None:
    """Signature forms, unless two people of the document share one: those are named in
    full, so a reader can tell «Новикова Ольга Павловна» from «Новикова Ольга Петровна»,
    and two of one full name carry their codes as well; ё and е count as one letter."""
    label = short_names(
        [
            ("M1", "Новикова Ольга Павловна"),
            ("M2", "Новикова Ольга Петровна"),
            ("M3", "Козлова Наталья Владимировна"),
            ("M4", "А.П. Иванова"),
            ("M5", "Белова Мария Петровна"),
            ("M6", "Белова Мария Петровна"),
            ("M7", "Киселёва Лидия Андреевна"),
            ("M8", "Киселева Людмила Алексеевна"),
        ]
    )
    assert label == {
        "M1": "Новикова Ольга Павловна",
        "M2": "Новикова Ольга Петровна",
        "M3": "Козлова Н.В.",
        "M4": "А.П. Иванова",
        "M5": "Белова Мария Петровна (M5)",
        "M6": "Белова Мария Петровна (M6)",
        "M7": "Киселёва Лидия Андреевна",
        "M8": "Киселева Людмила Алексеевна",
    }


def test_namesake_methodists_are_told_apart_in_the_roadmaps_and_the_order(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    """Two methodists of one subject whose signature forms are the same (Tambov's sample
    with one renamed like another): the roadmaps name both in full, in the overview, in
    the person answering and on sheets of their own; the order's table of changes, where a
    teacher moves from one to the other, names both in full as well."""
    problem, assignment = tambov
    region = problem.region
    planned = outline(region, assignment, load_catalogue(), 2026)
    busy = {e.methodist_id for e in planned}
    first, second = next(
        (a, b)
        for a in region.methodists
        for b in region.methodists
        if a.methodist_id < b.methodist_id
        and {a.methodist_id, b.methodist_id} <= busy
        and set(a.subjects) & set(b.subjects)
    )
    surname, given, father = first.full_name.split()
    other = next(
        n
        for n in (
            "Надежда",
            "Наталья",
            "Елена",
            "Екатерина",
            "Ольга",
            "Оксана",
            "Мария",
            "Марина",
            "Татьяна",
            "Анна",
            "Алёна",
            "Ирина",
            "Инна",
            "Светлана",
            "Юлия",
            "Галина",
            "Людмила",
            "Любовь",
            "Валентина",
            "Вера",
            "Дарья",
            "Ксения",
            "Лилия",
        )
        if n[0] == given[0] and n != given
    )
    namesake = f"{surname} {other} {father}"  # the same signature form, another person
    assert short_name(namesake) == short_name(first.full_name)
    renamed = region.changed(
        methodists=[
            m.model_copy(update={"full_name": namesake}) if m is second else m
            for m in region.methodists
        ]
    )
    path = tmp_path / "roadmaps.xlsx"
    write_roadmaps(renamed, planned, path, settings=SETTINGS)
    book = openpyxl.load_workbook(path)
    rows = list(book["Сводная дорожная карта"].iter_rows(min_row=TABLE_ROW + 2, values_only=True))
    names = {row[0] for row in rows}
    assert {first.full_name, namesake} <= names and short_name(namesake) not in names
    assert any(f"региональный методист {namesake}" in (row[5] or "") for row in rows)
    assert {first.full_name, namesake} <= set(book.sheetnames)
    # the order: the first's current teachers of a shared subject move to the namesake
    shared = set(first.subjects) & set(second.subjects)
    current = dict(renamed.current_methodist_of)
    moved = {
        t: second.methodist_id
        if current.get(t) == first.methodist_id and renamed.teacher_by_id[t].subject in shared
        else current.get(t, m)
        for t, m in assignment.items()
    }
    context = order_context(renamed, moved, SETTINGS, build_problem(renamed, AssignmentSettings()))
    pairs = {(row["was"], row["now"]) for row in context["changes"]}
    assert pairs == {(first.full_name, namesake)}


def test_roadmaps_follow_seed_003_and_the_year_plan(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    problem, assignment = tambov
    region = problem.region
    planned = outline(region, assignment, load_catalogue(), 2026)
    path = tmp_path / "roadmaps.xlsx"
    settings = SETTINGS.model_copy(update={"region_name": "Тамбовская область"})
    write_roadmaps(region, planned, path, settings=settings)
    book = openpyxl.load_workbook(path)
    overview = book["Сводная дорожная карта"]
    first = TABLE_ROW + 1  # openpyxl counts from 1
    assert [c.value for c in overview[first]] == ["Региональный методист", *COLUMNS]
    assert overview.cell(1, 6).value == "УТВЕРЖДАЮ"
    assert overview.cell(7, 1).value == "на 2026/2027 учебный год — Тамбовская область"
    rows = [[c.value for c in row] for row in overview.iter_rows(min_row=first + 1)]
    assert len(rows) == len(planned)
    # merged cells keep their value in the first row only: fill them down
    for r in range(1, len(rows)):
        for c in range(3):
            if rows[r][c] is None:
                rows[r][c] = rows[r - 1][c]
    per_methodist = Counter(e.methodist_id for e in planned)
    name_of = short_names(
        (m.methodist_id, m.full_name) for m in region.methodists if m.methodist_id in per_methodist
    )
    assert Counter(r[0] for r in rows) == Counter({name_of[m]: n for m, n in per_methodist.items()})
    assert {r[1] for r in rows} <= {GROWTH, CONTENT, MANAGEMENT}  # seed 003's directions
    assert {r[1] for r in rows} == {GROWTH, CONTENT, MANAGEMENT}
    # every methodist reports in December and June (002 §6.2)
    reports = {(r[0], r[4]) for r in rows if r[3].startswith("Отчёт")}
    for m in per_methodist:
        assert (name_of[m], "декабрь 2026 г.") in reports
        assert (name_of[m], "июнь 2027 г.") in reports
    for r in rows:  # diagnostics are organised by ЦНППМ specialists and municipal coordinators
        if "диагностика" in r[3]:
            assert r[5].startswith("Специалисты ЦНППМ; координаторы муниципальных методических")
    iom_teachers = Counter(
        assignment[t.teacher_id]
        for t in region.teachers
        if Category.IOM in region.teacher_categories(t)
    )
    for r in rows:
        if r[3] == "Разработка и согласование индивидуального образовательного маршрута":
            methodist_id = next(m for m, n in name_of.items() if n == r[0])
            assert r[6].endswith(f"(охват: {count_ru(iom_teachers[methodist_id], 'педагог')})")
    # a sheet per methodist, its title in the genitive
    full = {
        name_of[m.methodist_id]: m.full_name for m in region.methodists if m.methodist_id in name_of
    }
    sheets = [book[n] for n in book.sheetnames[2:]]
    titled = {sheet.cell(6, 1).value for sheet in sheets}
    expected = {
        f"Дорожная карта регионального методиста {name_case(full[name_of[m]], 'gent')}"
        for m in per_methodist
    }
    assert titled == expected
    for name, genitive in GENITIVE.items():
        if name in full.values():
            assert f"Дорожная карта регионального методиста {genitive}" in titled
    assert sum(sheet.max_row - first for sheet in sheets) == len(planned)
    for sheet in (overview, *sheets[:3]):  # one page wide, at full size, ≥ 9 pt
        assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.orientation == "landscape"
        columns = [c for c in sheet[first] if c.value]
        widths = [sheet.column_dimensions[get_column_letter(c.column)].width for c in columns]
        assert sum(widths) <= 125
        assert sheet.cell(first + 1, 1).font.sz >= 9
    # the totals per event
    totals = book["Итоги по мероприятиям"]
    events = {r[1].value: r for r in totals.iter_rows(min_row=5)}
    reached = {
        e.spec.name: set()  # type: ignore[var-annotated]
        for e in planned
    }
    for e in planned:
        reached[e.spec.name].update(e.teacher_ids)
    assert {name: row[4].value for name, row in events.items()} == {
        n: len(t) for n, t in reached.items()
    }


IOM_SECTIONS = (  # 002: Положение об ИОМ §3.1, §3.4; the Инструкция's appendices 1–3
    "СОГЛАСОВАНО",
    "УТВЕРЖДАЮ",
    "Карта индивидуального образовательного маршрута педагога",
    "1. Информационная справка о педагоге",
    "Заместитель руководителя образовательной организации",
    "Руководитель методического объединения учителей-предметников",
    "2. Результаты входной диагностики профессиональных дефицитов",
    "3. Перечень мероприятий, обеспечивающих повышение уровня профессиональных компетенций",
    "1. Анализ результатов диагностики",
    "2. Разработка ИОМ",
    "3. Реализация ИОМ",
    "4. Заключительный этап",
    "4. Заключительное публичное мероприятие",
    "Начало работы по реализации ИОМ",
    "Завершение работы по реализации ИОМ",
    "1. Сведения о корректировке индивидуального образовательного маршрута",
    "Причины внесения изменения / дополнения в ИОМ",
    "2. Мониторинг реализации мероприятий индивидуального образовательного маршрута",
    "Отметка о выполнении",
    "Причины невыполнения",
    "3. Заключительное публичное мероприятие",
    "Итоги прохождения индивидуального образовательного маршрута",
    "1. Результаты итоговой диагностики профессиональных компетенций",
    "2. Выводы",
    "С выводами ознакомлен(а)",
)
MONTHS = {m: i for i, m in enumerate(MONTHS_GENITIVE, start=1)}
NOMINATIVE = {m: i for i, m in enumerate(MONTHS_NOMINATIVE, start=1)}


def _dates_in(text: str) -> tuple[list[date], list[date]]:
    """Days («05» октября 2026 г.) and months (октябрь 2026 г.) a text names."""
    days = [
        date(int(y), MONTHS[m], int(d))
        for d, m, y in re.findall(r"«(\d\d)» (\w+) (\d{4}) г\.", text)
    ]
    months = [
        date(int(y), NOMINATIVE[m], 1)
        for m, y in re.findall(r"(\w+) (\d{4}) г\.", text)
        if m in NOMINATIVE
    ]
    return days, months


def _all_text(path: Path) -> str:
    """Every paragraph of a document, tables and nested tables included."""
    body = Document(str(path)).element.body
    text = "\n".join(
        "".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in body.iter(f"{{{W}}}p")
    )
    return text.replace("\u00ad", "")  # soft hyphens


def test_iom_cards_hold_every_section_of_002_and_nothing_before_the_start(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    problem, assignment = tambov
    region = problem.region
    planned = outline(region, assignment, load_catalogue(), 2026)
    cards = iom_cards(region, planned)
    on_iom = [t for t in region.teachers if Category.IOM in region.teacher_categories(t)]
    assert {c.teacher.teacher_id for c in cards} == {t.teacher_id for t in on_iom}
    # diagnostics → development → implementation (002, Инструкция): no item of the route's
    # implementation in a month before its IOM is developed (the September consultations)
    cycle = {EventType.DIAGNOSTICS_ENTRY, EventType.IOM_DEVELOPMENT}
    cycle |= {EventType.DIAGNOSTICS_FINAL, EventType.FINAL_EVENT}
    for c in cards:  # nor after the final diagnostics (a spring visit after 1 April)
        (developed,) = c.of_type(EventType.IOM_DEVELOPMENT)
        (final,) = c.of_type(EventType.DIAGNOSTICS_FINAL)
        later = [e for e in c.events if e.spec.type not in cycle]
        assert later and all(
            developed.months[-1] <= m <= final.months[0] for e in later for m in e.months
        )
    paths = write_iom_cards(region, cards[:3], SETTINGS, tmp_path / "iom")
    for card, path in zip(cards[:3], paths, strict=True):
        doc = Document(str(path))
        _assert_own_properties(doc, "Индивидуальный образовательный маршрут педагога")
        text = _all_text(path)
        for section in IOM_SECTIONS:
            assert section in text, section
        info = {row.cells[0].text: row.cells[1].text for row in doc.tables[1].rows}
        assert info["ФИО педагога"] == card.teacher.full_name
        assert info["Название ОО"] == region.school_by_id[card.teacher.school_id].name
        assert info["Год реализации ИОМ"] == "2026/2027"
        assert info["Занимаемая должность"].startswith("учитель ")
        assert "(" not in info["Занимаемая должность"] or "язык" in info["Занимаемая должность"]
        methodist = region.methodist_by_id[assignment[card.teacher.teacher_id]]
        assert f"/ {signature_name(methodist.full_name)} /" in text  # «П.С. Степанова»
        assert methodist.full_name in text  # the participants
        start_text = re.search(r"Начало работы по реализации ИОМ – (.+)", text)
        assert start_text is not None
        (start,), _ = _dates_in(start_text.group(1))
        days, months = _dates_in(text.replace(start_text.group(0), ""))
        assert days and all(d >= start for d in days)
        assert all(m >= start.replace(day=1) for m in months)
        # the signatures under the final event share a block that cannot split
        blocks = [
            t for t in doc.tables if _has(t.rows[0]._tr, "cantSplit") and t.rows[0].cells[0].tables
        ]
        assert len(blocks) >= 2
        assert all("Региональный методист ____" in b.rows[0].cells[0].text for b in blocks)


def test_cards_rendered_with_the_template_compiled_once_equal_docxtpls_own(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    """The cards reuse one patched, compiled template per process; each must still be what
    docxtpl renders for that card afresh, part by part."""
    problem, assignment = tambov
    region = problem.region
    cards = iom_cards(region, outline(region, assignment, load_catalogue(), 2026))[:4]
    paths = write_iom_cards(region, cards, SETTINGS, tmp_path / "iom")
    template = SETTINGS.iom_template.read_bytes()
    for card, path in zip(cards, paths, strict=True):
        plain = DocxTemplate(io.BytesIO(template))
        plain.render(
            docx_context(card_context(region, card, SETTINGS, ScheduledDates())), autoescape=True
        )
        plain.save(tmp_path / "plain.docx")
        with zipfile.ZipFile(path) as ours, zipfile.ZipFile(tmp_path / "plain.docx") as theirs:
            assert ours.namelist() == theirs.namelist()
            for name in ours.namelist():
                if name == "docProps/core.xml":  # made now, by the organization: its own test
                    continue
                assert ours.read(name) == theirs.read(name), (card.teacher.teacher_id, name)


def test_position_is_the_subject_in_the_genitive() -> None:
    assert position_ru("russian") == "учитель русского языка"
    assert position_ru("primary") == "учитель начальных классов"
    assert position_ru("math", "physics") == "учитель математики и физики"
    assert position_ru("math") == "учитель математики"


def test_an_unplanned_event_is_marked_on_the_card(
    tambov: tuple[AssignmentProblem, dict[str, str]],
) -> None:
    problem, assignment = tambov
    region = problem.region
    planned = outline(region, assignment, load_catalogue(), 2026)
    card = iom_cards(region, planned)[0]
    tid = card.teacher.teacher_id
    seminar = next(e for e in card.events if e.spec.type is EventType.IOM_EVENT)
    missed = ScheduleRow(
        f"{seminar.methodist_id}-{seminar.spec.key}",
        seminar.spec.key,
        seminar.spec.type.value,
        seminar.methodist_id,
        (tid,),
        reason="неделя методиста занята поездками",
    )
    context = card_context(region, card, SETTINGS, ScheduledDates(unplanned=[missed]))
    (row,) = [e for e in context["events"] if e["name"] == seminar.spec.name]
    assert row["terms"] == "не запланировано: неделя методиста занята поездками"
    assert row["done_mark"] == "не запланировано"
    assert row["missed_reason"] == "неделя методиста занята поездками"
    # a reason that names a municipality by its id reads with its name
    muni = region.municipalities[0]
    coded = ScheduleRow(
        missed.event_id,
        missed.event_key,
        missed.type,
        missed.methodist_id,
        (tid,),
        reason=f"школы муниципалитета {muni.municipality_id} недоступны для выезда",
    )
    named = ScheduledDates(unplanned=[coded]).with_names(region)
    context = card_context(region, card, SETTINGS, named)
    (row,) = [e for e in context["events"] if e["name"] == seminar.spec.name]
    assert row["missed_reason"] == f"школы муниципалитета {muni.name} недоступны для выезда"


def test_cli_writes_every_document_from_a_saved_plan(tmp_path: Path, small_plan: Path) -> None:
    solution = small_plan
    out = tmp_path / "docs"
    done = CliRunner().invoke(
        app, ["documents", str(DATA / "small_ok"), "--out", str(out), "--solution", str(solution)]
    )
    assert done.exit_code == 0, done.output
    region = load_region_or_raise(DATA / "small_ok")
    on_iom = {t.teacher_id for t in region.teachers if Category.IOM in region.teacher_categories(t)}
    assert {card_id(p) for p in (out / "iom").iterdir()} == on_iom
    names = {t.teacher_id: t.full_name for t in region.teachers}
    assert {p.name for p in (out / "iom").iterdir()} == {f"{names[t]} ({t}).docx" for t in on_iom}
    for name in ("order.docx", "assignment.xlsx", "roadmaps.xlsx"):
        assert (out / name).stat().st_size > 0
    text = _all_text(out / "order.docx")
    assert all(t.full_name in text for t in region.teachers)
    # small_ok has no documents settings: the screen lists what the order still needs
    said = " ".join(done.output.split())
    assert (
        "В приказе не заполнено: наименование организации, город, ФИО руководителя, номер "
        "приказа, дата приказа — впишите их перед подписанием" in said
    )


def test_a_card_file_is_named_by_the_teacher_and_stays_in_its_folder() -> None:
    from assign.documents.iom import card_file_name

    taken: set[str] = set()
    assert card_file_name("Иванова Анна Петровна", "T1", taken) == "Иванова Анна Петровна (T1).docx"
    assert card_file_name("Иванова Анна Петровна", "T1", taken) == (
        "Иванова Анна Петровна (T1) (2).docx"  # the same id twice: a number, not overwritten
    )
    hostile = card_file_name('../Ко/ва "CON?"', "../x", taken)
    assert "/" not in hostile and '"' not in hostile and "?" not in hostile
    assert card_id("Иванова Анна Петровна (T1).docx") == "T1"


def test_unfilled_details_are_the_blanks_and_placeholders_of_the_order() -> None:
    blank = DocumentSettings()
    assert blank.unfilled() == [
        "наименование организации",
        "город",
        "ФИО руководителя",
        "номер приказа",
        "дата приказа",
    ]
    from assign.pipeline.settings import load_region_settings

    folder = SAMPLES / "tambov"
    sample = load_region_settings(folder).documents_for(folder)
    assert sample.unfilled() == ["ФИО руководителя", "номер приказа"]  # «И.О. Фамилия», ____
    signed = sample.model_copy(update={"head_name": "Петрова Анна Ивановна", "order_number": "17"})
    assert signed.unfilled() == []


@pytest.mark.parametrize("command", ["documents", "plan"])
def test_a_bad_details_file_is_one_russian_line_before_any_solving(
    command: str, small_copy: Path, tmp_path: Path
) -> None:
    (small_copy / "documents.yaml").write_text("order_date: вчера\n", encoding="utf-8")
    out = tmp_path / "out"
    done = CliRunner().invoke(
        app,
        [command, str(small_copy), "--out", str(out), "--min-load", "0"],
        env={"COLUMNS": "200"},
    )
    assert done.exit_code == 2
    assert "documents.yaml: поле order_date: ожидается дата в виде ГГГГ-ММ-ДД" in done.output
    assert "[document_settings_invalid]" in done.output and "Traceback" not in done.output
    assert not out.exists()  # nothing was solved first


def test_cli_reports_a_bad_plan_by_file_row_and_field(tmp_path: Path, small_plan: Path) -> None:
    solution = small_plan
    lines = solution.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(lines[2].split(",")[1], "НЕТ-ТАКОГО", 1)
    solution.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = CliRunner().invoke(
        app,
        [
            "documents",
            str(DATA / "small_ok"),
            "--out",
            str(tmp_path / "d"),
            "--solution",
            str(solution),
        ],
        env={"COLUMNS": "250"},
    )
    assert done.exit_code == 1
    (line,) = [x for x in done.output.splitlines() if "assignments.csv" in x]
    cells = [c.strip() for c in line.strip("│ ").split("│")]
    assert cells == [
        "assignments.csv",
        "3",
        "methodist_id",
        "НЕТ-ТАКОГО",
        "нет такого методиста",
        "unknown_reference",
    ]
    assert not (tmp_path / "d" / "order.docx").exists()


def test_bad_settings_file_is_a_russian_message_with_a_code(tmp_path: Path) -> None:
    bad = tmp_path / "documents.yaml"
    bad.write_text("school_year_start: давно\n", encoding="utf-8")
    done = CliRunner().invoke(
        app,
        ["documents", str(DATA / "small_ok"), "--out", str(tmp_path / "d"), "--settings", str(bad)],
    )
    assert done.exit_code == 2
    assert "school_year_start" in done.output and "document_settings_invalid" in done.output
    assert "ожидается целое число" in done.output
    with pytest.raises(ValueError, match="school_year_start"):
        load_document_settings(bad)


def test_sample_settings_files_load() -> None:
    for region in ("tambov", "yakutia"):
        settings = load_region_settings(SAMPLES / region).documents_for(SAMPLES / region)
        assert settings.school_year == "2026/2027" and settings.grounds
        assert settings.organization.startswith(("ТОГОАУ", "АОУ"))


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`assign plan` on small_ok: every stage, the documents and plan.xlsx."""
    run = tmp_path_factory.mktemp("run")
    done = CliRunner().invoke(
        app,
        ["plan", str(DATA / "small_ok"), "--out", str(run), "--min-load", "0", "--max-load", "9"],
    )
    assert done.exit_code == 0, done.output
    return run


LATIN = re.compile(r"[A-Za-z]")


def test_plan_workbook_is_russian_with_names_not_ids(small_run: Path) -> None:
    region = load_region_or_raise(DATA / "small_ok")
    book = openpyxl.load_workbook(small_run / "plan.xlsx")
    assert book.sheetnames == list(PLAN_SHEETS)
    assert book.properties.title == "План методического сопровождения"
    ids = {
        *(t.teacher_id for t in region.teachers),
        *(m.methodist_id for m in region.methodists),
        *(c.candidate_id for c in region.candidates),
        *(s.school_id for s in region.schools),
        *(m.municipality_id for m in region.municipalities),
    }
    for sheet in book.worksheets[1:]:
        header = [c.value for c in sheet[3] if c.value]
        assert header and not any(LATIN.search(str(h)) for h in header), sheet.title
        values = [c.value for row in sheet.iter_rows(min_row=4) for c in row if c.value]
        assert not ids & {str(v) for v in values}, sheet.title  # no ID in place of a name
        assert not any(  # nor an English code (subjects, formats, kinds)
            isinstance(v, str) and re.fullmatch(r"[a-z_;]+", v) for v in values
        ), sheet.title
    assignment = book["Закрепление"]
    rows = [[c.value for c in row] for row in assignment.iter_rows(min_row=4)]
    assert len(rows) == len(region.teachers)
    names = {t.full_name for t in region.teachers}
    assert {r[1] for r in rows} == names
    assert {r[4] for r in rows} <= {subject_name(t.subject) for t in region.teachers}
    assert {r[6] for r in rows} <= {m.full_name for m in region.methodists}
    need = [[c.value for c in row] for row in book["Потребность"].iter_rows(min_row=4)]
    assert {r[1] for r in need} == {subject_name(s) for s in region.teachers_by_subject}
    # the need as numbers a spreadsheet can sum: the fewest, and the most the norm allows
    # (a blank where it has no most), as `subject_capacity` counts them
    capacity = {
        r["subject_name"]: r
        for r in subject_capacity(region, AssignmentSettings(min_load=0, max_load=9)).to_dict(
            "records"
        )
    }
    for r in need:
        assert isinstance(r[4], int) and r[4] == capacity[r[1]]["need"], r
        assert r[5] is None or (isinstance(r[5], int) and r[5] >= r[4]), r
    # an empty table says so under its header, where its rows would be
    for sheet in book.worksheets[1:]:
        notes = [
            c.coordinate
            for row in sheet.iter_rows()
            for c in row
            if str(c.value or "").startswith("Нет строк")
        ]
        assert notes in ([], ["A4"]), (sheet.title, notes)
    assert any(sheet["A4"].value == "Нет строк: таких нет" for sheet in book.worksheets[1:])
    # a norm with a minimum: math's 5 teachers need 1 methodist (≤ 9 each), 2 at most (≥ 2)
    rows = {r[1]: r for r in need_rows(region, AssignmentSettings(min_load=2, max_load=9))}
    assert rows["Математика"][4:6] == [1, 2]
    year = [[c.value for c in row] for row in book["План года"].iter_rows(min_row=4)]
    assert year and all(r[1] in {m.full_name for m in region.methodists} for r in year)
    assert all(r[5] in {"очно", "дистанционно"} for r in year)


def test_plan_workbook_numbers_and_dates_are_cells_a_spreadsheet_can_sum_and_sort(
    small_run: Path,
) -> None:
    """Distances, hours and dates are number and date cells (Excel shows them with the
    reader's decimal comma), equal to the saved files; the summary counts events as the
    command's screen does (schedule_kpi.json), and their meetings apart."""
    import csv
    import json

    book = openpyxl.load_workbook(small_run / "plan.xlsx")
    with (small_run / "assignment" / "assignments.csv").open(encoding="utf-8") as handle:
        saved = list(csv.DictReader(handle))
    rows = [[c.value for c in row] for row in book["Закрепление"].iter_rows(min_row=4)]
    assert sorted((r[8], r[9]) for r in rows) == sorted(
        (round(float(r["distance_km"]), 2), round(float(r["travel_hours"]), 2)) for r in saved
    )
    assert all(isinstance(r[8], int | float) and isinstance(r[9], int | float) for r in rows)
    # the same teacher's trip reads the same in assignment.xlsx (no rounding twice)
    documents = openpyxl.load_workbook(small_run / "documents" / "assignment.xlsx")
    trips = {
        (r[1], r[4]): (r[6], r[7])
        for sheet in documents.worksheets[1:]
        for r in sheet.iter_rows(min_row=4, values_only=True)
        if len(r) >= 8 and isinstance(r[6], int | float)
    }
    assert {(r[1], r[4]) for r in rows} <= set(trips)
    assert all(trips[r[1], r[4]] == (r[8], r[9]) for r in rows)
    with (small_run / "schedule" / "schedule.csv").open(encoding="utf-8-sig") as handle:
        text = handle.read()
    first = text.split("\n", 1)[0]
    planned = list(csv.DictReader(io.StringIO(text), delimiter=";" if ";" in first else ","))
    year = [[c for c in row] for row in book["План года"].iter_rows(min_row=4)]
    assert {c[2].number_format for c in year} == {"dd.mm.yyyy"}
    assert sorted(c[2].value.date() for c in year) == sorted(
        datetime.fromisoformat(r["start"]).date() for r in planned
    )
    facts = {row[0].value: row[1].value for row in book["Сводка"].iter_rows(min_row=3)}
    kpi = json.loads((small_run / "schedule" / "schedule_kpi.json").read_text(encoding="utf-8"))
    events = {r["event_id"] for r in planned}
    assert facts["Мероприятий в плане года"] == kpi["events_planned"] == len(events)
    assert facts["Встреч и занятий в плане года"] == len(planned) == kpi["rows"]


def _pdf(source: Path, folder: Path) -> Path:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=600,  # a first start of LibreOffice on a busy machine is slow
    )
    pdf = folder / f"{source.stem}.pdf"
    assert pdf.stat().st_size > 1000
    return pdf


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def _smallest_font(pdf: Path) -> float:
    """The median word height on the first page, in points, as a font size (glyph boxes of
    Liberation/DejaVu fonts are ≈ 1.17 of the size)."""
    bbox = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    heights = sorted(
        float(b) - float(a)
        for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', bbox)
    )
    return heights[len(heights) // 2] / 1.17


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler-utils (pdftotext) are not installed",
)
def test_documents_render_to_pdf(small_run: Path, tmp_path: Path) -> None:
    """The order, an IOM card, the roadmaps and plan.xlsx as LibreOffice prints them: page
    numbers from page 2, no page of the card with signatures alone, roadmaps at ≥ 9 pt."""
    run = small_run
    docs = run / "documents"
    order = _pages(_pdf(docs / "order.docx", tmp_path))
    assert "ПРИКАЗ" in order[0].replace(" ", "") and "Приложение 1" in order[1]
    assert order[1].strip().endswith("2")  # the footer's page number
    card = _pages(_pdf(sorted((docs / "iom").iterdir())[0], tmp_path))
    for page in card:
        if "Педагогический работник ____" in page or "С выводами ознакомлен" in page:
            assert "публичное мероприятие" in page or "Выводы" in page
    roadmaps = _pdf(docs / "roadmaps.xlsx", tmp_path)
    assert "Дорожная карта" in "".join(_pages(roadmaps))
    assert _smallest_font(roadmaps) >= 9
    plan = _pages(_pdf(run / "plan.xlsx", tmp_path))
    assert any("План методического сопровождения" in page for page in plan)


def test_a_bad_catalogue_names_the_entry_and_field(tmp_path: Path) -> None:
    text = DEFAULT_CATALOGUE.read_text(encoding="utf-8")
    bad = tmp_path / "catalogue.yaml"
    bad.write_text(text.replace("months: [10]\n", "months: [13]\n", 1), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"events\.1\.months: .*от 1 до 12"):
        load_catalogue(bad)
    done = CliRunner().invoke(
        app,
        [
            "documents",
            str(DATA / "small_ok"),
            "--out",
            str(tmp_path / "d"),
            "--catalogue",
            str(bad),
        ],
        env={"COLUMNS": "250"},
    )
    assert done.exit_code == 2 and "catalogue_invalid" in done.output


def test_the_default_catalogue_covers_the_rules_of_the_year() -> None:
    """Diagnostics twice a year, the IOM cycle in order, reports in June and December."""
    catalogue = load_catalogue()
    by_type: dict[EventType, list] = {}
    for spec in catalogue.events:
        by_type.setdefault(spec.type, []).append(spec)
    diagnostics = by_type[EventType.DIAGNOSTICS_ENTRY] + by_type[EventType.DIAGNOSTICS_FINAL]
    assert len(diagnostics) >= 2 and all(1.5 <= s.hours <= 3 for s in diagnostics)
    assert all(s.notice_days >= 3 for s in diagnostics)
    school_order = {m: i for i, m in enumerate(catalogue.school_year_months)}
    cycle = [min(school_order[m] for s in by_type[t] for m in s.months) for t in IOM_CYCLE]
    assert cycle == sorted(cycle)
    report_months = {m for s in by_type[EventType.REPORT] for m in s.months}
    assert report_months == {6, 12}
    assert {s.key for s in by_type[EventType.REGIONAL]} >= {"duty_call", "conference"}


def test_cards_and_roadmaps_take_their_days_from_the_year_plan(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    problem, assignment = tambov
    region = problem.region
    calendar = load_calendar()
    schedule = plan_year(
        problem, assignment, load_catalogue(), calendar, ScheduleSettings(time_limit=4)
    )
    write_schedule(schedule, calendar, ScheduleSettings(time_limit=4), tmp_path / "year")
    dates = ScheduledDates.from_folder(tmp_path / "year")  # the saved plan, read back
    planned = outline(region, assignment, load_catalogue(), calendar.start_year)
    card = iom_cards(region, planned)[0]
    tid = card.teacher.teacher_id
    context = card_context(region, card, SETTINGS, dates)
    days_of: dict[str, set[date]] = {}
    for p in schedule.placed:
        if tid in p.teacher_ids:
            days_of.setdefault(p.instance.planned.spec.key, set()).add(p.start.date())
    # the route in its cycle's order (002, Инструкция): the implementation's items count from
    # the day after the IOM is developed; one held only before it is no item of the route
    developed = max(days_of["iom_development"])
    final = min(days_of["diagnostics_final"])
    assert max(days_of["diagnostics_entry"]) < developed < final
    cycle = {EventType.DIAGNOSTICS_ENTRY, EventType.IOM_DEVELOPMENT}
    cycle |= {EventType.DIAGNOSTICS_FINAL, EventType.FINAL_EVENT}
    for e in card.events:
        if e.spec.type not in cycle and e.spec.key in days_of:
            days_of[e.spec.key] = {d for d in days_of[e.spec.key] if developed < d < final}
    by_name = {e.spec.name: e for e in card.events}
    held = [e for e in card.events if e.spec.type is not EventType.FINAL_EVENT]
    assert len(context["events"]) == sum(days_of.get(e.spec.key) != set() for e in held)
    for row in context["events"]:
        spec = by_name[row["name"]].spec
        if spec.key not in days_of:
            assert row["terms"].startswith("не запланировано") and row["done_mark"]
            continue
        expected = "; ".join(date_ru(d) for d in sorted(days_of[spec.key]))
        assert row["terms"] == (expected if len(days_of[spec.key]) <= 3 else row["terms"])
        if spec.type not in cycle:  # as the card prints it: within the route's window
            printed, months = _dates_in(row["terms"])
            assert all(developed < d < final for d in printed)
            assert all(developed.replace(day=1) <= m <= final for m in months)
    every_day = [d for days in days_of.values() for d in days]
    assert context["start"] == date_ru(min(every_day))
    assert context["end"] == date_ru(max(every_day))
    # the roadmap's report rows carry the report's day
    path = tmp_path / "roadmaps.xlsx"
    write_roadmaps(region, planned, path, dates)
    sheet = openpyxl.load_workbook(path)["Сводная дорожная карта"]
    column = [r[0].value for r in sheet.iter_rows(min_row=TABLE_ROW + 2)]
    for r in range(1, len(column)):  # merged cells: the name in the first row only
        column[r] = column[r] or column[r - 1]
    report_days = {
        (p.instance.planned.methodist_id, p.start.date())
        for p in schedule.placed
        if p.instance.planned.spec.key == "report_june"
    }
    name_of = {m.methodist_id: short_name(m.full_name) for m in region.methodists}
    listed = {
        (column[n], r[4].value)
        for n, r in enumerate(sheet.iter_rows(min_row=TABLE_ROW + 2))
        if r[3].value == "Отчёт регионального методиста в ЦНППМ за учебный год"
    }
    assert listed == {(name_of[m], date_ru(d)) for m, d in report_days}


def test_a_card_without_breaks_skips_docxtpl_s_listing_passes() -> None:
    """The shortcut is exact: a paragraph with no tab or break in its text is left as it is
    (docxtpl's passes would rebuild it unchanged); one with a line break still gets Word's
    break. (All 1 067 of Tambov's cards compared byte for byte with the code before: equal.)"""
    from assign.documents.iom import _CardTemplate, _CompiledOnce

    card = _CardTemplate(SETTINGS.iom_template.read_bytes(), _CompiledOnce())
    plain = (
        '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Иванова А.П.</w:t></w:r></w:p>'
    )
    assert card.resolve_listing(plain) == plain
    assert DocxTemplate.resolve_listing(card, plain) == plain  # docxtpl's own, the same
    broken = plain.replace("Иванова А.П.", "Иванова\nА.П.")
    assert card.resolve_listing(broken) == DocxTemplate.resolve_listing(card, broken)
    assert "<w:br/>" in card.resolve_listing(broken)


def test_an_event_held_on_one_day_by_every_methodist_counts_one_day(
    tambov: tuple[AssignmentProblem, dict[str, str]],
) -> None:
    """Found by a planner: «Дней проведения по плану года» summed each methodist's days, so
    the regional congress on one date read 60. The days are the calendar days it is held."""
    problem, assignment = tambov
    region = problem.region
    planned = outline(region, assignment, load_catalogue(), 2026)
    key = next(
        k
        for k in dict.fromkeys(e.spec.key for e in planned)
        if len({e.methodist_id for e in planned if e.spec.key == k}) > 2
    )
    events = [e for e in planned if e.spec.key == key]
    day, other = datetime(2027, 3, 23, 10), datetime(2027, 3, 24, 10)
    rows = [
        ScheduleRow(f"{e.methodist_id}-{key}", key, e.spec.type.value, e.methodist_id, (), start)
        for n, e in enumerate(events)
        for start in ([day] if n else [day, other])  # the first one also holds it a day later
    ]
    (total,) = [
        r
        for r in event_totals(region, planned, ScheduledDates(rows))
        if r[1] == events[0].spec.name
    ]
    assert total[3] == len({e.methodist_id for e in events}) > 2
    assert total[5] == 2  # 23 and 24 March, not one day per methodist


def test_a_head_given_by_full_name_signs_as_initials_and_surname(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    """Found by a head who signs: region.yaml gave «Петрова Анна Ивановна» and the order,
    the roadmaps' approval mark and the cards printed it whole under the signature line,
    where GOST R 7.0.97-2016 writes «А.И. Петрова»."""
    problem, assignment = tambov
    region = problem.region
    settings = SETTINGS.model_copy(update={"head_name": "Петрова Анна Ивановна"})
    write_order(region, assignment, settings, tmp_path / "order.docx", problem)
    order = _all_text(tmp_path / "order.docx")
    planned = outline(region, assignment, load_catalogue(), 2026)
    write_roadmaps(region, planned, tmp_path / "roadmaps.xlsx", settings=settings)
    book = openpyxl.load_workbook(tmp_path / "roadmaps.xlsx")
    # and the workbook's own properties: the organization wrote it, under its title
    assert book.properties.creator == SETTINGS.organization
    assert book.properties.title == "Дорожные карты региональных методистов"
    marks = [str(c.value) for row in book.worksheets[0]["A1:Z6"] for c in row if c.value]
    (card,) = write_iom_cards(region, iom_cards(region, planned)[:1], settings, tmp_path / "iom")
    for text in (order, "\n".join(marks), _all_text(card)):
        assert "А.И. Петрова" in text and "Петрова Анна Ивановна" not in text
