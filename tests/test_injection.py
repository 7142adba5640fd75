"""No injection into what the plan writes: a region whose names hold Word XML, markup or
spreadsheet formulas gives documents in which they are plain text — the order and IOM cards
(DOCX) have no field or markup from the data, the workbooks (XLSX) no formula, the CSV files
a formula-like cell neutralised with «'» — and reading our own CSV files back gives the names
exactly."""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from typer.testing import CliRunner

from assign.cli import app
from assign.errors import Code, Issue, Report
from assign.io import load_region_or_raise
from assign.io.safe_text import csv_text, csv_text_back
from assign.io.solution import read_assignment
from assign.io.template import write_findings
from assign.io.writer import region_tables, write_tables
from assign.pipeline import PlanRun, load_region_settings, run_plan
from assign.schedule.saved import read_saved_schedule
from conftest import DATA, card_id
from test_pipeline import docx_text

WORD_FIELD = (
    'Иванова</w:t></w:r><w:r><w:fldSimple w:instr="INCLUDEPICTURE http://evil/x"/></w:r>'
    "<w:r><w:t> Анна"
)
HOSTILE = {  # (table, id) → the name put in; T02 and T04 are on an IOM: they get cards
    ("teachers", "T02"): WORD_FIELD,
    ("teachers", "T01"): "Смит & <b>Вессон</b> Анна",
    ("teachers", "T04"): '=HYPERLINK("http://evil","x") Мария',
    ("teachers", "T03"): "\"Сидорова\" 'Елена' Павловна",
    ("methodists", "P1"): "+1+1 Лебедева Наталья",
    ("methodists", "P2"): "-2+3 Морозов Алексей",
    ("schools", "S1"): "@SUM(A1) школа",
    ("municipalities", "M1"): "=1+1 округ",
}
HOSTILE_ID = "-T05"  # an id a spreadsheet would read as a formula
TEACHERS = [v for (table, _), v in HOSTILE.items() if table == "teachers"]


def _edit(folder: Path, table: str, changes: dict[str, dict[str, str]]) -> None:
    path = folder / f"{table}.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row.update(changes.get(row[next(iter(row))], {}))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def hostile_region(folder: Path) -> Path:
    shutil.copytree(DATA / "small_ok", folder)
    for table in ("teachers", "methodists", "schools", "municipalities"):
        column = "name" if table in ("schools", "municipalities") else "full_name"
        changes = {key: {column: v} for (t, key), v in HOSTILE.items() if t == table}
        _edit(folder, table, changes)
    _edit(folder, "teachers", {"T05": {"teacher_id": HOSTILE_ID}})
    return folder


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PlanRun:
    root = tmp_path_factory.mktemp("injection")
    folder = hostile_region(root / "region")
    region = load_region_or_raise(folder)
    assert region.teacher_by_id["T02"].full_name == WORD_FIELD  # the loader keeps it as is
    return run_plan(region, folder, load_region_settings(folder), root / "out")


def assert_no_live_xml(path: Path) -> None:
    """No field, hyperlink or markup of the data: «evil» only ever inside a text run."""
    with zipfile.ZipFile(path) as package:
        for part in package.namelist():
            if not part.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(package.read(part))
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                name = etree.QName(element)
                tag = name.localname
                assert name.namespace is not None, (path, part, tag)  # «<b>» of a name
                if part == "word/document.xml":
                    assert tag not in ("fldSimple", "instrText", "hyperlink"), (path, part)
                assert not any(
                    "evil" in v or "INCLUDEPICTURE" in v for v in element.attrib.values()
                )
                if tag != "t":
                    assert "evil" not in (element.text or ""), (path, part, tag)


def test_docx_names_are_text(plan: PlanRun) -> None:
    assert plan.documents is not None
    order = docx_text(plan.documents.order)
    assert_no_live_xml(plan.documents.order)
    for name in [*TEACHERS, *HOSTILE.values()]:
        assert name in order, name
    assert len(plan.documents.iom_cards) == 2
    for card in plan.documents.iom_cards:
        assert_no_live_xml(card)
    cards = {card_id(p): docx_text(p) for p in plan.documents.iom_cards}
    assert WORD_FIELD in cards["T02"]
    assert HOSTILE["teachers", "T04"] in cards["T04"]


def _cells(path: Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def test_xlsx_names_are_strings(plan: PlanRun) -> None:
    assert plan.documents is not None and plan.plan_workbook is not None
    books = [plan.documents.workbook, plan.documents.roadmaps, plan.plan_workbook]
    for path in books:
        cells = _cells(path)
        formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
        assert not formulas, (path.name, formulas)
        for sheet in openpyxl.load_workbook(path):
            assert not sheet._hyperlinks, path.name
    by_value = {c.value: c for c in _cells(plan.documents.workbook) if c.value is not None}
    for name in [*TEACHERS, *HOSTILE.values()]:
        assert name in by_value, name
        assert by_value[name].data_type == "s"
    planned = {c.value for c in _cells(plan.plan_workbook)}
    assert set(TEACHERS) <= planned


def _raw_rows(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if ";" in text.split("\n", 1)[0] else ","
    return list(csv.reader(text.splitlines(), delimiter=delimiter))


def test_csv_cells_neutralised(plan: PlanRun) -> None:
    cells = {
        (path.relative_to(plan.out).as_posix(), cell)
        for path in plan.out.rglob("*.csv")
        for row in _raw_rows(path)
        for cell in row
    }
    dangerous = [
        (f, c) for f, c in cells if c and c[0] in "=+-@\t\r" and not re.fullmatch(r"-[\d.]+", c)
    ]
    assert not dangerous
    texts = {c for _, c in cells}
    assert "'" + HOSTILE["teachers", "T04"] in texts  # changes.csv: T04 changes methodist
    assert "'" + HOSTILE["methodists", "P1"] in texts  # methodists.csv, changes.csv
    assert "'" + HOSTILE["methodists", "P2"] in texts
    assert "'" + HOSTILE_ID in texts  # assignments.csv


def test_csv_read_back_exactly(plan: PlanRun) -> None:
    assert plan.result is not None and plan.problem is not None
    assignment, report = read_assignment(plan.assignment_file, plan.problem.region)
    assert report.ok
    assert assignment == plan.result.assignment
    assert HOSTILE_ID in assignment
    saved = read_saved_schedule(plan.out / "schedule")
    assert HOSTILE_ID in {t for row in saved.placed for t in row.teacher_ids}


def test_region_tables_round_trip(plan: PlanRun, tmp_path: Path) -> None:
    assert plan.problem is not None
    region = plan.problem.region
    for target in (tmp_path / "csv", tmp_path / "region.xlsx"):
        write_tables(region_tables(region), target)
        if target.suffix == ".xlsx":
            assert not [c for c in _cells(target) if c.data_type == "f"]
        again = load_region_or_raise(target)
        names = {("teachers", t.teacher_id): t.full_name for t in again.teachers}
        names |= {("methodists", m.methodist_id): m.full_name for m in again.methodists}
        names |= {("schools", x.school_id): x.name for x in again.schools}
        names |= {("municipalities", x.municipality_id): x.name for x in again.municipalities}
        assert {key: names[key] for key in HOSTILE} == HOSTILE
        assert HOSTILE_ID in again.teacher_by_id


def test_findings_workbook_keeps_values_text(tmp_path: Path) -> None:
    report = Report()
    report.add(Issue(Code.VALUE_MISSING, "проверка", "teachers.csv", 2, "full_name", "=1+1"))
    path = write_findings(report, tmp_path / "report.xlsx")
    (cell,) = [c for c in _cells(path) if c.value == "=1+1"]
    assert cell.data_type == "s"


def test_info_table_csv(tmp_path: Path) -> None:
    folder = hostile_region(tmp_path / "region")
    out = tmp_path / "info.csv"
    done = CliRunner().invoke(app, ["info", str(folder), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert [row[0] for row in _raw_rows(out) if "округ" in row[0]] == ["'=1+1 округ"]


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+7 999", "-2+3", "@SUM(A1)", "\tx", "\rx", "'=x", "''@x", "'", "-", "x=1"],
)
def test_csv_text_round_trip(text: str) -> None:
    written = csv_text(text)
    assert written[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert csv_text_back(written) == text


@pytest.mark.parametrize("number", ["-5", "-0.5", "+3", "-0,5", "-1e3", "'-5", "Иванова"])
def test_numbers_and_plain_text_unchanged(number: str) -> None:
    assert csv_text(number) == number
    assert csv_text_back(number) == number
