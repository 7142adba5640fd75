"""Files as planners have them: each messy case gives its finding once, where it is, and
nothing is dropped without a word. Fixtures are built from the clean samples into tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from assign.assignment import AssignmentSettings, build_problem, solve
from assign.errors import Code, Issue
from assign.io import load_region
from assign.io.availability import read_availability
from assign.io.solution import read_assignment
from conftest import DATA, SAMPLES
from messy import messy_tables, messy_workbook, read_csv_folder, write_workbook

SMALL = DATA / "small_ok"


def only(issues: list[Issue], code: Code) -> Issue:
    found = [i for i in issues if i.code is code]
    assert len(found) == 1, [str(i) for i in issues]
    return found[0]


def small_tables() -> dict[str, list[list[str]]]:
    return read_csv_folder(SMALL)


def teacher_rows(tables: dict[str, list[list[str]]]) -> int:
    return len(tables["teachers"]) - 1


def test_title_rows_and_merged_title_are_skipped(tmp_path: Path) -> None:
    path = write_workbook(small_tables(), tmp_path / "r.xlsx")
    result = load_region(path)
    assert result.region is not None, [str(i) for i in result.report.errors]
    teachers = [i for i in result.report.issues if i.file == "r.xlsx, лист «Педагоги»"]
    issue = only(teachers, Code.HEADER_ROW_FOUND)
    assert issue.row == 3
    clean = load_region(SMALL).region
    assert clean is not None
    assert [t.model_dump() for t in result.region.teachers] == [
        t.model_dump() for t in clean.teachers
    ]
    assert result.region.teachers[0].row == 4  # rows as the spreadsheet shows them


def test_split_names_become_one_full_name(tmp_path: Path) -> None:
    tables = small_tables()
    header = tables["teachers"][0]
    i = header.index("full_name")
    tables["teachers"] = [
        [*header[:i], "Фамилия", "Имя", "Отчество", *header[i + 1 :]],
        *([*r[:i], *r[i].split(" "), *r[i + 1 :]] for r in tables["teachers"][1:]),
    ]
    result = load_region(write_workbook(tables, tmp_path / "r.xlsx", title_rows=False))
    assert result.region is not None, [str(i) for i in result.report.errors]
    assert result.region.teacher_by_id["T01"].full_name == "Иванова Анна Петровна"
    assert not result.report.warnings or all(
        i.code in (Code.ELIGIBILITY_UNCHECKED, Code.SCHOOL_AT_CENTRE)  # small_ok's S4
        for i in result.report.warnings
    )


def test_schools_and_municipalities_by_name(tmp_path: Path) -> None:
    tables = small_tables()
    names = {r[0]: r[1] for r in tables["schools"][1:]}
    munis = {r[0]: r[1] for r in tables["municipalities"][1:]}
    tables["teachers"] = [tables["teachers"][0]] + [
        [r[0], r[1], names[r[2]], *r[3:]] for r in tables["teachers"][1:]
    ]
    tables["schools"][0][2] = "Муниципальное образование"
    for r in tables["schools"][1:]:
        r[2] = munis[r[2]]
    result = load_region(write_workbook(tables, tmp_path / "r.xlsx", title_rows=False))
    assert result.region is not None, [str(i) for i in result.report.errors]
    by_name = [i for i in result.report.issues if i.code is Code.MATCHED_BY_NAME]
    assert [(i.file, i.row, i.column) for i in by_name] == [
        ("r.xlsx, лист «Школы»", 2, "Муниципальное образование"),
        ("r.xlsx, лист «Педагоги»", 2, "Код ОО"),
    ]
    assert "сопоставлены с таблицей «Муниципалитеты» по названию" in by_name[0].message
    assert result.region.teacher_by_id["T05"].school_id == "S4"


def test_an_unknown_school_name_gets_suggestions(tmp_path: Path) -> None:
    tables = small_tables()
    tables["teachers"][5][2] = "СОШ с. Южная"  # T05: a typo for «СОШ с. Южное»
    result = load_region(write_workbook(tables, tmp_path / "r.xlsx", title_rows=False))
    issue = only(result.report.errors, Code.UNKNOWN_REFERENCE)
    assert (issue.row, issue.column) == (6, "Код ОО")
    assert "«СОШ с. Южное» (S4)" in issue.message


def test_cp1251_and_semicolons_are_detected(small_copy: Path) -> None:
    for file, separator in (("teachers.csv", ","), ("schools.csv", ";")):
        path = small_copy / file
        text = path.read_text(encoding="utf-8").replace(",", separator)
        path.write_bytes(text.encode("cp1251"))
    result = load_region(small_copy)
    assert result.region is not None, [str(i) for i in result.report.errors]
    guessed = [i for i in result.report.issues if i.code is Code.FILE_ENCODING_GUESSED]
    assert sorted(i.file for i in guessed) == ["schools.csv", "teachers.csv"]
    assert "Windows-1251" in guessed[0].message
    assert result.region.teacher_by_id["T01"].full_name == "Иванова Анна Петровна"


def test_side_files_share_the_reader(tmp_path: Path) -> None:
    """An availability file in cp1251 with `;` and Russian headers; a plan as XLSX."""
    region = load_region(SMALL).region
    assert region is not None
    path = tmp_path / "доступность.csv"
    path.write_bytes(
        "Код методиста;Часов в неделю;Дни отсутствия\nP1;12,5;2026-11-09..2026-11-10\n".encode(
            "cp1251"
        )
    )
    hours, days, report = read_availability(path, region)
    assert hours == {"P1": 12.5}
    assert len(days["P1"]) == 2
    assert [i.code for i in report.issues] == [Code.FILE_ENCODING_GUESSED]
    plan = {"assignments": [["teacher_id", "methodist_id"], ["T01", "P1"], ["T02", "P9"]]}
    book = write_workbook(plan, tmp_path / "plan.xlsx")
    assignment, report = read_assignment(book, region)
    assert assignment == {"T01": "P1"}
    issue = only(report.errors, Code.UNKNOWN_REFERENCE)
    assert (issue.row, issue.column, issue.value) == (5, "methodist_id", "P9")


def test_lookalike_letters_are_fixed_and_said(small_copy: Path) -> None:
    path = small_copy / "teachers.csv"
    text = path.read_text(encoding="utf-8").replace("S3,Физика", "S3,\u0424изикa")
    path.write_text(text.replace("Зайцев", "Зaйцев"), encoding="utf-8")
    result = load_region(small_copy)
    assert result.region is not None
    latin = [i for i in result.report.issues if i.code is Code.LATIN_LETTERS]
    assert [(i.row, i.column) for i in latin] == [(10, "full_name"), (11, "subject")]
    assert result.region.teacher_by_id["T10"].subject == "physics"
    assert result.region.teacher_by_id["T09"].full_name.startswith("Зайцев")


def test_unknown_subject_says_a_latin_letter_is_inside() -> None:
    from assign.domain import Teacher

    with pytest.raises(ValueError, match="латинские буквы: X"):
        Teacher(teacher_id="T", full_name="А", school_id="S", subject="Xимия и физика")


def test_staff_are_skipped_and_counted(small_copy: Path) -> None:
    path = small_copy / "teachers.csv"
    rows = "T11,Белова Нина Ивановна,S1,учитель-логопед,,\nT12,Орлов Илья Ильич,S2,Психолог,,\n"
    path.write_text(path.read_text(encoding="utf-8") + rows, encoding="utf-8")
    result = load_region(small_copy)
    assert result.region is not None
    issue = only(result.report.issues, Code.STAFF_SKIPPED)
    assert (issue.file, issue.row, issue.column) == ("teachers.csv", 12, "subject")
    assert "логопед — 1 (строка 12); психолог — 1 (строка 13)" in issue.message
    read = {t.row for t in result.region.teachers}
    assert len(read) + len(result.skipped["teachers"]) == 12  # rows in the file


def test_an_order_line_for_staff_says_they_are_staff(small_copy: Path) -> None:
    """Found by a planner: the order still named a psychologist the teachers' table set aside,
    and the warning said «педагога «T12» нет в таблице «Педагоги»» — but he is there."""
    path = small_copy / "teachers.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "T12,Орлов Илья Ильич,S2,Психолог,,\n", encoding="utf-8"
    )
    order = small_copy / "current_assignment.csv"
    order.write_text(order.read_text(encoding="utf-8") + "T12,P1\n", encoding="utf-8")
    result = load_region(small_copy)
    assert result.region is not None
    issue = only(result.report.issues, Code.ASSIGNMENT_TEACHER_GONE)
    assert (issue.file, issue.row, issue.value) == ("current_assignment.csv", 8, "T12")
    assert issue.message == (
        "«T12» в таблице «Педагоги» — психолог (строка 12), не учитель-предметник: строка "
        "закрепления не учитывается"
    )


def test_primary_school_lines_go_to_primary(small_copy: Path) -> None:
    path = small_copy / "teachers.csv"
    text = path.read_text(encoding="utf-8").replace("учитель начальных классов", "Лит. чтение")
    path.write_text(text.replace("S2,Лит. чтение", "S2,Литературное чтение"), encoding="utf-8")
    result = load_region(small_copy)
    assert result.region is not None
    issue = only(result.report.issues, Code.PRIMARY_SUBJECT)
    assert (issue.row, issue.column) == (8, "subject")
    assert result.region.teacher_by_id["T07"].subject == "primary"


@pytest.mark.parametrize("how", ["list in a cell", "row per subject"])
def test_a_teacher_of_two_subjects(small_copy: Path, how: str) -> None:
    """T10 teaches physics and mathematics: one record per subject, one person."""
    path = small_copy / "teachers.csv"
    text = path.read_text(encoding="utf-8")
    if how == "list in a cell":
        text = text.replace("S3,Физика,", "S3,Физика; Математика,")
    else:
        text += "T10,Фролов Павел Сергеевич,S3,Математика,,\n"
    path.write_text(text, encoding="utf-8")
    result = load_region(small_copy)
    region = result.region
    assert region is not None, [str(i) for i in result.report.errors]
    records = [t for t in region.teachers if t.person_id == "T10"]
    assert sorted(t.teacher_id for t in records) == ["T10#math", "T10#physics"]
    assert region.current_methodist_of == {
        **{k: v for k, v in region.current_methodist_of.items() if not k.startswith("T10")},
        # the current pair (T10, P2): P2 teaches both, so the first of T10's subjects
        "T10#physics": "P2",
    }
    settings = AssignmentSettings(min_load=0, max_load=9)
    plan = solve(build_problem(region, settings))
    assert {"T10#math", "T10#physics"} <= set(plan.assignment)
    math = [t for t in region.teachers_by_subject["math"] if t.person_id == "T10"]
    assert len(math) == 1  # counted once in each subject's load


def test_two_rows_with_one_id_and_different_people_are_a_duplicate(small_copy: Path) -> None:
    path = small_copy / "teachers.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "T10,Другой Человек,S3,Математика,,\n",
        encoding="utf-8",
    )
    issue = only(load_region(small_copy).report.errors, Code.DUPLICATE_ID)
    assert (issue.row, issue.value) == (12, "T10")


def test_swapped_coordinates_are_said(small_copy: Path) -> None:
    path = small_copy / "schools.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("M2,53.21,41.52", "M2,41.52,53.21"),
        encoding="utf-8",
    )
    result = load_region(small_copy)
    issue = only(result.report.issues, Code.SCHOOL_FAR)
    assert (issue.file, issue.row, issue.column) == ("schools.csv", 4, "lat")
    assert "переставлены" in issue.message


def test_same_person_under_two_ids_with_yo(small_copy: Path) -> None:
    path = small_copy / "teachers.csv"
    text = path.read_text(encoding="utf-8").replace("Козлова Вера", "Королёва Вера")
    path.write_text(text + "T11,Королева Вера Николаевна,S4,Математика,,\n", encoding="utf-8")
    result = load_region(small_copy)
    issue = only(result.report.issues, Code.DUPLICATE_PERSON)
    assert (issue.row, issue.column, issue.value) == (12, "teacher_id", "T11")
    assert "T05" in issue.message
    assert "в одной школе («СОШ с. Южное»); педагог будет учтён дважды" in issue.message


def test_methodist_without_teachers_is_said(small_copy: Path) -> None:
    path = small_copy / "methodists.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "P4,Белов Пётр Ильич,Химия,M1,,,,,\n", encoding="utf-8"
    )
    issue = only(load_region(small_copy).report.issues, Code.METHODIST_IDLE)
    assert (issue.row, issue.column) == (5, "subjects")


def test_a_missing_column_is_one_error_not_ten_thousand(tmp_path: Path) -> None:
    target = tmp_path / "tambov"
    shutil.copytree(SAMPLES / "tambov", target)
    path = target / "teachers.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("teacher_id,", "Таб. №,", 1), encoding="utf-8")
    report = load_region(target).report
    assert len(report.errors) == 1, [str(i) for i in report.errors[:5]]
    issue = report.errors[0]
    assert (issue.code, issue.file, issue.row, issue.column) == (
        Code.COLUMN_MISSING,
        "teachers.csv",
        1,
        "teacher_id",
    )
    assert "«Таб. №»" in issue.message and issue.value == "Таб. №"
    assert len(report.warnings) < 40  # no flood of «teacher gone» from the current order


def test_a_flood_of_one_cause_is_summarised(tmp_path: Path) -> None:
    target = tmp_path / "tambov"
    shutil.copytree(SAMPLES / "tambov", target)
    path = target / "teachers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",TMB-OO", ",XX-OO"), encoding="utf-8")
    errors = load_region(target).report.errors
    assert len(errors) <= 6
    assert "и ещё таких же находок (unknown_reference): 10 795" in errors[-1].message


def test_messy_tambov_loads_with_warnings_and_solves_to_the_same_optimum(
    tmp_path: Path,
) -> None:
    clean = load_region(SAMPLES / "tambov")
    messy = load_region(messy_workbook(SAMPLES / "tambov", tmp_path / "тамбов.xlsx"))
    assert messy.region is not None, [str(i) for i in messy.report.errors[:10]]
    assert clean.region is not None
    assert messy.report.errors == []
    codes = {i.code for i in messy.report.warnings}
    assert {
        Code.HEADER_ROW_FOUND,
        Code.LATIN_LETTERS,
        Code.STAFF_SKIPPED,
        Code.MATCHED_BY_NAME,
    } <= codes
    rows = teacher_rows(messy_tables(read_csv_folder(SAMPLES / "tambov")))
    assert len(messy.region.teachers) + len(messy.skipped["teachers"]) == rows
    key = lambda r: sorted((t.teacher_id, t.school_id, t.subject) for t in r.teachers)  # noqa: E731
    assert key(messy.region) == key(clean.region)
    settings = AssignmentSettings()
    a = solve(build_problem(clean.region, settings))
    b = solve(build_problem(messy.region, settings))
    assert (a.status, a.objective) == (b.status, b.objective)
    assert a.terms == pytest.approx(b.terms)


def test_template_loads_and_its_headers_are_recognised(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from assign.io.tables import SPEC_BY_NAME, canonical_column
    from assign.io.template import HEADERS_RU, template_columns, write_template

    for spec in SPEC_BY_NAME.values():
        for column in template_columns(spec):
            assert canonical_column(spec, HEADERS_RU[column]) == column, (spec.name, column)
    path = write_template(tmp_path / "region.xlsx")
    report = load_region(path).report
    assert {i.code for i in report.issues} <= {
        Code.TABLE_EMPTY,
        Code.FILE_MISSING,
        Code.NO_METHODISTS,
    }, [str(i) for i in report.issues]
    book = load_workbook(path)
    assert book.sheetnames[0] == "Инструкция"
    teachers = book["Педагоги"]
    assert [c.value for c in teachers[1]][:4] == ["Код педагога", "ФИО", "Код ОО", "Предмет"]
    assert any("Справочники" in v.formula1 for v in teachers.data_validations.dataValidation)
    # filled with the small region, it loads as the CSVs do
    _fill_with_small(book)
    book.save(path)
    filled = load_region(path)
    clean = load_region(SMALL).region
    assert filled.region is not None and clean is not None, [str(i) for i in filled.report.errors]
    assert {t.teacher_id: t.subject for t in filled.region.teachers} == {
        t.teacher_id: t.subject for t in clean.teachers
    }


def _fill_with_small(book: Any) -> None:
    """The template's table sheets filled with the small region's rows, column by header."""
    from assign.io.tables import SPEC_BY_NAME, canonical_column

    for name, rows in small_tables().items():
        sheet = book[SHEETS_RU[name]]
        header = [c.value for c in sheet[1]]
        by_column = {canonical_column(SPEC_BY_NAME[name], h): i for i, h in enumerate(header)}
        for row in rows[1:]:
            cells: list[object] = [None] * len(header)
            for column, value in zip(rows[0], row, strict=True):
                cells[by_column[column]] = value
            sheet.append(cells)


def _filled_template(path: Path, details: dict[str, object]) -> Path:
    """The template filled with the small region and `details` on its «Реквизиты» sheet."""
    from openpyxl import load_workbook

    from assign.io.template import write_template

    book = load_workbook(write_template(path))
    _fill_with_small(book)
    sheet = book["Реквизиты"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in details:
            row[1].value = details[row[0].value]
    book.save(path)
    return path


def test_the_order_takes_its_details_from_the_workbooks_sheet(tmp_path: Path) -> None:
    """A planner who keeps the region in the template fills «Реквизиты» there: the order
    carries them, the loader takes the sheet for no table, and nothing is left to fill."""
    from datetime import datetime

    from docx import Document
    from typer.testing import CliRunner

    from assign.cli import app
    from assign.io.template import DETAIL_LABELS

    details = {
        DETAIL_LABELS["region_name"]: "Тамбовская область",
        DETAIL_LABELS["organization"]: "ГАУ ДПО «Институт развития образования»",
        DETAIL_LABELS["city"]: "Тамбов",
        DETAIL_LABELS["head_name"]: "Петрова Анна Ивановна",
        DETAIL_LABELS["order_number"]: "17-од",
        DETAIL_LABELS["order_date"]: datetime(2026, 9, 15),
    }
    path = _filled_template(tmp_path / "region.xlsx", details)
    assert not [i for i in load_region(path).report.issues if i.code is Code.TABLE_UNKNOWN]
    from assign.pipeline.settings import load_region_settings

    # the region's name titles plan.xlsx and the roadmaps when no region.yaml gives it
    assert load_region_settings(path).documents_for(path).region_name == "Тамбовская область"
    out = tmp_path / "out"
    done = CliRunner().invoke(
        app, ["documents", str(path), "--out", str(out), "--min-load", "0"], env={"COLUMNS": "200"}
    )
    assert done.exit_code == 0, done.output
    assert "В приказе не заполнено" not in done.output
    text = "\n".join(p.text for p in Document(str(out / "order.docx")).paragraphs)
    for expected in ("ГАУ ДПО «Институт развития образования»", "Тамбов", "17-од"):
        assert expected in text, expected
    assert "«15» сентября 2026 г." in text and "Петрова" in text
    # a date the sheet cannot hold is told by sheet, row and label, before any solving
    bad = _filled_template(tmp_path / "bad.xlsx", {DETAIL_LABELS["order_date"]: "вчера"})
    done = CliRunner().invoke(
        app, ["documents", str(bad), "--out", str(out / "bad")], env={"COLUMNS": "200"}
    )
    assert done.exit_code == 2
    row = list(DETAIL_LABELS).index("order_date") + 2
    said = f"bad.xlsx, лист «Реквизиты», строка {row} «Дата приказа»: ожидается дата (01.09.2026)"
    assert said in " ".join(done.output.split())
    # and `validate` finds it with the region's own findings
    checked = CliRunner().invoke(app, ["validate", str(bad)], env={"COLUMNS": "300"})
    assert checked.exit_code == 1 and said in " ".join(checked.output.split())
    assert "[document_settings_invalid]" in checked.output


SHEETS_RU = {
    "municipalities": "Муниципалитеты",
    "schools": "Школы",
    "teachers": "Педагоги",
    "methodists": "Методисты",
    "candidates": "Кандидаты",
    "current_assignment": "Текущее закрепление",
}


def test_validate_out_writes_the_findings_in_russian(small_copy: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from assign.cli import app

    path = small_copy / "teachers.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("S1,Математика", "S1,Матиматика"),
        encoding="utf-8",
    )
    out = tmp_path / "отчёт.xlsx"
    done = CliRunner().invoke(app, ["validate", str(small_copy), "--out", str(out)])
    assert done.exit_code == 1, done.output
    sheet = load_workbook(out)["Находки"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:6] == [
        "Лист или файл",
        "Строка",
        "Столбец",
        "Значение",
        "Что не так",
        "Как исправить",
    ]
    assert rows[1][:4] == ["teachers.csv", 2, "subject", "Матиматика"]
    assert "Возможно, имелось в виду: Математика" in rows[1][4]
    assert rows[1][5] and rows[1][6] == "ошибка"
    assert rows[-1][6] == "предупреждение"


def test_template_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assign.cli import app

    done = CliRunner().invoke(app, ["template", "--out", str(tmp_path / "r.xlsx")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "r.xlsx").exists()
    # the file as a plain argument, as a planner types it
    done = CliRunner().invoke(app, ["template", str(tmp_path / "книга.xlsx")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "книга.xlsx").stat().st_size > 0


def test_a_two_subject_teacher_in_the_plan_files_order_and_iom(
    small_copy: Path, tmp_path: Path
) -> None:
    """T02 (on an IOM) teaches mathematics and physics: a methodist in each subject, a line
    under each in the order but one person in its headcount, the id as written in
    assignments.csv, one IOM card."""
    import csv

    from assign.assignment.output import write_solution
    from assign.documents.context import ScheduledDates, by_methodist
    from assign.documents.iom import card_context, iom_cards
    from assign.documents.order import order_context
    from assign.documents.roadmap import event_totals
    from assign.documents.settings import DocumentSettings
    from assign.events.catalogue import load_catalogue
    from assign.events.outline import outline
    from assign.format import count_ru

    path = small_copy / "teachers.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("S1,математика,iom", "S1,математика; физика,iom"), "utf-8")
    region = load_region(small_copy).region
    assert region is not None
    problem = build_problem(region, AssignmentSettings(min_load=0, max_load=9))
    plan = solve(problem)
    write_solution(problem, plan, tmp_path / "plan")
    with (tmp_path / "plan" / "assignments.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["teacher_id"] == "T02"]
    assert sorted(r["subject"] for r in rows) == ["math", "physics"]
    back, report = read_assignment(tmp_path / "plan" / "assignments.csv", region)
    assert report.ok and back == plan.assignment
    lines = [t for block in by_methodist(region, plan.assignment) for t in block.teachers]
    assert sorted(t.subject for t in lines if t.person_id == "T02") == ["math", "physics"]
    cards = iom_cards(region, outline(region, plan.assignment, load_catalogue(), 2026))
    assert [c.teacher.person_id for c in cards].count("T02") == 1
    people = len({t.person_id for t in region.teachers})
    assert people == len(region.teachers) - 1
    context = order_context(region, plan.assignment, DocumentSettings())
    assert f", {count_ru(people, 'педагогический работник')} из" in context["points"][0]
    # each methodist's rows count people too: their sum is the heading's count
    for block in context["methodists"]:
        rows = sum(int(r["count"]) for r in block["rows"])
        assert block["heading"].endswith(f"— {count_ru(rows, 'педагогический работник')}")
    # the roadmaps' coverage and the card name her once, with both subjects
    planned = outline(region, plan.assignment, load_catalogue(), 2026)
    reach = max(row[4] for row in event_totals(region, planned, ScheduledDates()))
    assert reach == people
    (card,) = [c for c in cards if c.teacher.person_id == "T02"]
    position = card_context(region, card, DocumentSettings(), ScheduledDates())["position"]
    assert position == "учитель математики и физики"


def test_category_errors_name_the_categories_in_russian(small_copy: Path) -> None:
    path = small_copy / "teachers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",iom,", ",отличник,"), "utf-8")
    issue = only(load_region(small_copy).report.errors, Code.UNKNOWN_CATEGORY)
    assert "«ИОМ»" in issue.message and "iom" not in issue.message


def test_a_lone_qualification_category_is_told_for_what_it_is(small_copy: Path) -> None:
    """One «высшая» among support categories: the column is not set aside (most of it is
    right), and the row's error says it is a qualification category, not an unknown word."""
    path = small_copy / "teachers.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "T01,Иванова Анна Петровна,S1,Математика,,",
            "T01,Иванова Анна Петровна,S1,Математика,высшая,",
        ),
        "utf-8",
    )
    issue = only(load_region(small_copy).report.errors, Code.UNKNOWN_CATEGORY)
    assert (issue.row, issue.value) == (2, "высшая")
    assert issue.message.startswith(
        "«высшая» — квалификационная категория, а здесь нужна категория сопровождения"
    )


def test_a_two_row_header_with_merged_cells(tmp_path: Path) -> None:
    """«ФИО» merged over Фамилия/Имя/Отчество, the other headers merged down two rows."""
    from openpyxl import Workbook

    tables = small_tables()
    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        if name != "teachers":
            for row in rows:
                sheet.append(row)
            continue
        sheet.append(["Код педагога", "ФИО", None, None, "Код ОО", "Предмет", "Категория"])
        sheet.append([None, "Фамилия", "Имя", "Отчество"])
        for column in "AEFG":
            sheet.merge_cells(f"{column}1:{column}2")
        sheet.merge_cells("B1:D1")
        for r in rows[1:]:
            sheet.append([r[0], *r[1].split(" "), r[2], r[3], r[4]])
    path = tmp_path / "r.xlsx"
    book.save(path)
    result = load_region(path)
    assert result.region is not None, [str(i) for i in result.report.errors]
    assert result.region.teacher_by_id["T04"].full_name == "Орлова Мария Сергеевна"
    assert result.region.teacher_by_id["T04"].row == 6  # two header rows, T01 on row 3


def test_a_school_name_shared_by_districts_is_told_apart_by_the_district(tmp_path: Path) -> None:
    tables = small_tables()
    tables["schools"][3][1] = "СОШ № 1"  # S3 in Северный район, like S1 in the Центральный
    tables["teachers"][4][2] = "СОШ № 1"  # T04 works at S3
    ambiguous = load_region(write_workbook(tables, tmp_path / "a.xlsx", title_rows=False))
    issue = only(ambiguous.report.errors, Code.UNKNOWN_REFERENCE)
    assert (issue.row, issue.value) == (5, "СОШ № 1")
    assert "есть у нескольких записей (S1, S3)" in issue.message
    header = tables["teachers"][0]
    tables["teachers"] = [[*header, "Муниципальное образование"]] + [
        [*r, "Северный район" if r[0] == "T04" else ""] for r in tables["teachers"][1:]
    ]
    told = load_region(write_workbook(tables, tmp_path / "b.xlsx", title_rows=False))
    assert told.region is not None, [str(i) for i in told.report.errors]
    assert told.region.teacher_by_id["T04"].school_id == "S3"


def test_lists_with_commas_for_methodist_subjects_and_categories(small_copy: Path) -> None:
    path = small_copy / "methodists.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Математика;Физика", '"Математика, физика"'),
        "utf-8",
    )
    path = small_copy / "teachers.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("young;iom", '"молодой, ИОМ"'), "utf-8"
    )
    region = load_region(small_copy).region
    assert region is not None
    assert region.methodist_by_id["P2"].subjects == ("math", "physics")
    assert [c.value for c in region.teacher_by_id["T04"].categories] == ["young", "iom"]


def test_a_qualification_category_column_is_set_aside(small_copy: Path) -> None:
    path = small_copy / "teachers.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [lines[0].replace("category,load_weight", "Категория")]
    for i, line in enumerate(lines[1:]):
        rows.append(",".join([*line.split(",")[:4], ("высшая", "первая", "")[i % 3]]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = load_region(small_copy)
    assert result.region is not None, [str(i) for i in result.report.errors]
    issue = only(result.report.issues, Code.COLUMN_UNKNOWN)
    assert (issue.row, issue.column) == (1, "Категория")
    assert "квалификационные" in issue.message


def test_explain_finds_a_two_subject_teacher_by_the_id_as_written(small_copy: Path) -> None:
    from typer.testing import CliRunner

    from assign.cli import app

    path = small_copy / "teachers.csv"
    text = path.read_text(encoding="utf-8").replace("S3,Физика,", "S3,Физика; Математика,")
    path.write_text(text, encoding="utf-8")
    done = CliRunner().invoke(
        app,
        ["explain", str(small_copy), "--teacher", "T10", "--min-load", "0", "--max-load", "9"],
        env={"COLUMNS": "200"},
    )
    assert done.exit_code == 0, done.output
    # one explanation per subject, by name
    assert "Педагог Фролов Павел Сергеевич (физика) закреплён" in done.output
    assert "Педагог Фролов Павел Сергеевич (математика) закреплён" in done.output
    assert "T10#" not in done.output


def test_a_row_with_an_error_is_reported_once_not_again_by_those_who_refer_to_it(
    small_copy: Path,
) -> None:
    """P3's maximum load is «30 чел.» and S2 has a latitude without a longitude: each row's
    own error is the finding. The order naming P3, the subjects only P3 teaches and a
    teacher who names S2 by its name do not add findings that send a planner looking for
    problems that are not there; a load range is told in Russian."""
    methodists = small_copy / "methodists.csv"
    text = methodists.read_text(encoding="utf-8")
    text = text.replace("52.25,41.62,0,300", '52.25,41.62,0,"30 чел."')
    text = text.replace(
        "P1,Лебедева Наталья Викторовна,Математика,M1,,,,,",
        "P1,Лебедева Наталья Викторовна,Математика,M1,,,,1000,20",
    )
    methodists.write_text(text, encoding="utf-8")
    schools = small_copy / "schools.csv"
    schools.write_text(
        schools.read_text(encoding="utf-8").replace(
            "S2,СОШ № 2,M1,52.73,41.47,", "S2,СОШ № 2,M1,52.73,,"
        ),
        encoding="utf-8",
    )
    teachers = small_copy / "teachers.csv"
    teachers.write_text(
        teachers.read_text(encoding="utf-8").replace(
            "T03,Сидорова Елена Павловна,S2,", "T03,Сидорова Елена Павловна,СОШ № 2,"
        ),
        encoding="utf-8",
    )
    report = load_region(small_copy).report
    rows = sorted((i.file, i.row) for i in report.errors)
    assert rows == [("methodists.csv", 2), ("methodists.csv", 4), ("schools.csv", 3)], [
        str(i) for i in report.issues
    ]
    codes = {i.code for i in report.issues}
    assert not codes & {
        Code.ASSIGNMENT_METHODIST_GONE,
        Code.SUBJECT_UNCOVERED,
        Code.UNKNOWN_REFERENCE,
    }, [str(i) for i in report.issues]
    (load_range,) = [i for i in report.errors if i.code is Code.LOAD_RANGE_INVALID]
    assert "недопустимые пределы нагрузки: минимальная нагрузка 1000 больше максимальной 20" in (
        load_range.message
    )
