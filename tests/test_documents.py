"""Documents re-read field by field against the plan: the order, the workbook, the roadmaps and
the IOM cards; Russian conventions; the CLI; a PDF render with LibreOffice where it exists."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from typer.testing import CliRunner

from assign.assignment import AssignmentProblem, AssignmentSettings, build_problem, solve
from assign.categories import Category
from assign.cli import app
from assign.documents.context import ScheduledDates, short_name
from assign.documents.iom import card_context, iom_cards, write_iom_cards
from assign.documents.order import write_order
from assign.documents.roadmap import COLUMNS, write_roadmaps
from assign.documents.settings import DocumentSettings, load_document_settings
from assign.documents.workbook import write_workbook
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
from assign.format import date_ru, fmt_int, ru_sort_key, sorted_ru
from assign.io import load_region_or_raise
from assign.pipeline.settings import load_region_settings
from assign.schedule import ScheduleSettings, plan_year
from assign.schedule.output import write_schedule
from assign.subjects import subject_name
from conftest import DATA, SAMPLES

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


def test_order_lists_every_teacher_once_under_their_methodist(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    problem, assignment = tambov
    region = problem.region
    path = tmp_path / "order.docx"
    write_order(region, assignment, SETTINGS, path)
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "«15» сентября 2026 г." in text and "№ 125-о" in text and "г. Тамбов" in text
    assert "А.Б. Руководитель" in text and "Институт развития образования" in text
    assert f"{fmt_int(len(region.teachers))} педагогических работников" in text
    assert "№ АЗ-1061/08" in text  # the grounds
    (table,) = doc.tables
    found: dict[str, Counter[tuple]] = {}
    methodist_order, numbers, current = [], [], ""
    teachers_in_block: list[str] = []
    declared: dict[str, int] = {}
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        if len(set(cells)) == 1:  # a merged heading row: «N. Региональный методист: ...»
            assert teachers_in_block == sorted(teachers_in_block, key=ru_sort_key)
            teachers_in_block = []
            heading = cells[0]
            current = heading.split("Региональный методист: ")[1].split(" (")[0]
            declared[current] = int(heading.rsplit(": ", 1)[1].replace(" ", ""))
            methodist_order.append(current)
            continue
        numbers.append(int(cells[0]))
        teachers_in_block.append(cells[1])
        found.setdefault(current, Counter())[tuple(cells[1:])] += 1
    assert found == _expected_rows(region, assignment)
    assert numbers == list(range(1, len(region.teachers) + 1))
    assert declared == {m: sum(rows.values()) for m, rows in found.items()}
    assert methodist_order == sorted(methodist_order, key=ru_sort_key)


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
        sheet = book[muni.name[:31]]
        assert sheet.max_row - 3 == per_muni[muni.municipality_id]


def test_roadmaps_follow_seed_003_and_the_year_plan(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    problem, assignment = tambov
    region = problem.region
    planned = outline(region, assignment, load_catalogue(), 2026)
    path = tmp_path / "roadmaps.xlsx"
    write_roadmaps(region, planned, path)
    book = openpyxl.load_workbook(path)
    overview = book["Сводная дорожная карта"]
    assert [c.value for c in overview[3]] == ["Региональный методист", *COLUMNS]
    rows = [[c.value for c in row] for row in overview.iter_rows(min_row=4)]
    assert len(rows) == len(planned)
    per_methodist = Counter(e.methodist_id for e in planned)
    name_of = {m.methodist_id: m.full_name for m in region.methodists}
    assert Counter(r[0] for r in rows) == Counter({name_of[m]: n for m, n in per_methodist.items()})
    # every methodist reports in December and June (002 §6.2)
    reports = {(r[0], r[4]) for r in rows if r[3].startswith("Отчёт")}
    for m in per_methodist:
        assert (name_of[m], "декабрь 2026 г.") in reports
        assert (name_of[m], "июнь 2027 г.") in reports
    # coverage in the expected results equals the teachers the plan gives the event
    iom_teachers = Counter(
        assignment[t.teacher_id]
        for t in region.teachers
        if Category.IOM in region.teacher_categories(t)
    )
    for r in rows:
        if r[3] == "Разработка и согласование индивидуального образовательного маршрута":
            methodist_id = next(m for m, n in name_of.items() if n == r[0])
            assert r[6].endswith(f"(охват: {fmt_int(iom_teachers[methodist_id])} пед.)")
    sheet_rows = sum(book[name].max_row - 3 for name in book.sheetnames[1:])
    assert sheet_rows == len(planned)


def test_iom_cards_hold_the_teacher_methodist_and_events_in_cycle_order(
    tambov: tuple[AssignmentProblem, dict[str, str]], tmp_path: Path
) -> None:
    problem, assignment = tambov
    region = problem.region
    planned = outline(region, assignment, load_catalogue(), 2026)
    cards = iom_cards(region, planned)
    on_iom = [t for t in region.teachers if Category.IOM in region.teacher_categories(t)]
    assert {c.teacher.teacher_id for c in cards} == {t.teacher_id for t in on_iom}
    paths = write_iom_cards(region, cards[:3], SETTINGS, tmp_path / "iom")
    for card, path in zip(cards[:3], paths, strict=True):
        doc = Document(str(path))
        info = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
        assert info["ФИО педагога"] == card.teacher.full_name
        assert info["Название ОО"] == region.school_by_id[card.teacher.school_id].name
        assert info["Год реализации ИОМ"] == "2026/2027"
        methodist = region.methodist_by_id[assignment[card.teacher.teacher_id]]
        text = "\n".join(p.text for p in doc.paragraphs)
        assert f"/ {short_name(methodist.full_name)} /" in text
        assert "Начало работы по реализации ИОМ – «01» октября 2026 г." in text
        assert "Завершение работы по реализации ИОМ – «31» мая 2027 г." in text
        events = [[c.text for c in row.cells] for row in doc.tables[2].rows[1:]]
        expected = [
            e
            for e in card.events
            if e.spec.type
            not in (EventType.DIAGNOSTICS_ENTRY, EventType.DIAGNOSTICS_FINAL, EventType.FINAL_EVENT)
        ]
        assert [(r[1], r[5]) for r in events] == [(e.spec.name, e.terms) for e in expected]
        assert [int(r[0]) for r in events] == list(range(1, len(expected) + 1))
        final = [c.text for c in doc.tables[3].rows[1].cells]
        assert final[0] == "Заключительное публичное мероприятие по итогам ИОМ"
        assert final[2] == "май 2027 г."
        months = [e.months[0] for e in card.events]
        assert months == sorted(months)


def test_cli_writes_every_document_from_a_saved_plan(tmp_path: Path, small_plan: Path) -> None:
    solution = small_plan
    out = tmp_path / "docs"
    done = CliRunner().invoke(
        app, ["documents", str(DATA / "small_ok"), "--out", str(out), "--solution", str(solution)]
    )
    assert done.exit_code == 0, done.output
    region = load_region_or_raise(DATA / "small_ok")
    on_iom = {t.teacher_id for t in region.teachers if Category.IOM in region.teacher_categories(t)}
    assert {p.stem for p in (out / "iom").iterdir()} == on_iom
    for name in ("order.docx", "assignment.xlsx", "roadmaps.xlsx"):
        assert (out / name).stat().st_size > 0
    names = [c.text for row in Document(str(out / "order.docx")).tables[0].rows for c in row.cells]
    assert all(t.full_name in names for t in region.teachers)


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


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_documents_render_to_pdf(tmp_path: Path, small_plan: Path) -> None:
    """The order and an IOM card open in LibreOffice and keep their text when printed."""
    solution = small_plan
    out = tmp_path / "docs"
    done = CliRunner().invoke(
        app, ["documents", str(DATA / "small_ok"), "--out", str(out), "--solution", str(solution)]
    )
    assert done.exit_code == 0, done.output
    card = sorted((out / "iom").iterdir())[0]
    for source in (out / "order.docx", card, out / "roadmaps.xlsx"):
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), source],
            check=True,
            capture_output=True,
            timeout=600,  # a first start of LibreOffice on a busy machine is slow
        )
        pdf = tmp_path / f"{source.stem}.pdf"
        assert pdf.stat().st_size > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "order.pdf"), "-"], capture_output=True, text=True
        ).stdout
        assert "ПРИКАЗ" in text.replace(" ", "") and "Список педагогических работников" in text


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
    days_of: dict[str, list[date]] = {}
    for p in schedule.placed:
        if tid in p.teacher_ids:
            days_of.setdefault(p.instance.planned.spec.key, []).append(p.start.date())
    shown_apart = (EventType.DIAGNOSTICS_ENTRY, EventType.DIAGNOSTICS_FINAL, EventType.FINAL_EVENT)
    listed = sorted(
        (e for e in card.events if e.spec.type not in shown_apart),
        key=lambda e: dates.teacher_first(e, tid) or e.months[0],
    )
    for row, event in zip(context["events"], listed, strict=True):
        spec = event.spec
        assert row["name"] == spec.name
        expected = "; ".join(date_ru(d) for d in sorted(set(days_of[spec.key])))
        assert row["terms"] == (expected if len(set(days_of[spec.key])) <= 3 else row["terms"])
    assert context["start"] == date_ru(min(days_of["iom_development"]))
    assert context["end"] == date_ru(min(days_of["final_event"]))
    # the roadmap's report rows carry the report's day
    path = tmp_path / "roadmaps.xlsx"
    write_roadmaps(region, planned, path, dates)
    sheet = openpyxl.load_workbook(path)["Сводная дорожная карта"]
    report_days = {
        (p.instance.planned.methodist_id, p.start.date())
        for p in schedule.placed
        if p.instance.planned.spec.key == "report_june"
    }
    name_of = {m.methodist_id: m.full_name for m in region.methodists}
    listed = {
        (r[0].value, r[4].value)
        for r in sheet.iter_rows(min_row=4)
        if r[3].value == "Отчёт регионального методиста в ЦНППМ за учебный год"
    }
    assert listed == {(name_of[m], date_ru(d)) for m, d in report_days}
