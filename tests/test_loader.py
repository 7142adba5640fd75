"""Loading a region from CSV and XLSX, with Russian headers and spreadsheet habits."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from assign.categories import Category
from assign.errors import Code, RegionInvalidError
from assign.io import load_region, load_region_or_raise, region_tables, write_tables
from conftest import DATA
from messy import HEADERS, SHEETS  # the Russian sheet and column names people type


def test_small_ok_loads_with_hand_checked_facts() -> None:
    result = load_region(DATA / "small_ok")
    assert result.report.errors == []
    assert [i.code for i in result.report.warnings] == [
        Code.ELIGIBILITY_UNCHECKED,
        Code.SCHOOL_AT_CENTRE,  # S4 has no coordinates, the other schools have
    ]
    unchecked, at_centre = result.report.warnings
    assert unchecked.message.startswith("у кандидата «Павлов Олег Дмитриевич» нет сведений")
    assert (at_centre.file, at_centre.row) == ("schools.csv", 5)
    assert "«Южный район»" in at_centre.message
    region = result.region
    assert region is not None
    assert (len(region.municipalities), len(region.schools), len(region.teachers)) == (3, 4, 10)
    assert [t.subject for t in region.teachers] == [
        "math",
        "math",
        "math",
        "math",
        "math",
        "primary",
        "primary",
        "english",
        "english",
        "physics",
    ]
    weights = {t.teacher_id: region.teacher_weight(t) for t in region.teachers}
    assert weights["T02"] == 1.5
    assert weights["T03"] == 1.25
    assert weights["T04"] == 1.5
    assert weights["T08"] == 2.0
    assert weights["T10"] == 1.25  # low-results school
    assert weights["T09"] == 1.0
    assert sum(weights[t.teacher_id] for t in region.teachers_by_subject["math"]) == 6.25
    assert region.teacher_categories(region.teacher_by_id["T10"]) == (Category.LOW_RESULTS,)
    # bases: by municipality, by school, by coordinates (nearest centre M3)
    assert region.person_base(region.methodist_by_id["P1"]) == ((52.72, 41.45), "M1")
    assert region.person_base(region.methodist_by_id["P2"]) == ((53.21, 41.52), "M2")
    assert region.person_base(region.methodist_by_id["P3"]) == ((52.25, 41.62), "M3")
    assert region.school_point(region.school_by_id["S4"]) == (52.20, 41.60)
    assert region.methodist_by_id["P3"].max_load == 300
    assert region.current_methodist_of["T04"] == "P2"


def _rows(folder: Path) -> dict[str, list[list[str]]]:
    tables = {}
    for file in sorted(folder.glob("*.csv")):
        with file.open(encoding="utf-8") as handle:
            tables[file.stem] = list(csv.reader(handle))
    return tables


def test_xlsx_with_russian_sheets_and_headers_equals_csv(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in _rows(DATA / "small_ok").items():
        sheet = workbook.create_sheet(SHEETS[name])
        sheet.append([HEADERS.get(h, h) for h in rows[0]])
        for row in rows[1:]:
            # numbers as numbers, the way Excel stores them
            sheet.append(
                [float(v) if v.replace(".", "").isdigit() and "." in v else v for v in row]
            )
    path = tmp_path / "регион.xlsx"
    workbook.save(path)
    from_xlsx = load_region_or_raise(path)
    from_csv = load_region_or_raise(DATA / "small_ok")
    assert from_xlsx.teachers == from_csv.teachers
    assert from_xlsx.schools == from_csv.schools
    assert from_xlsx.methodists == from_csv.methodists
    assert from_xlsx.candidates == from_csv.candidates
    assert from_xlsx.current_assignment == from_csv.current_assignment
    assert from_xlsx.sources["teachers"] == "регион.xlsx, лист «Педагоги»"


def test_semicolon_csv_with_decimal_comma_and_bom(small_copy: Path) -> None:
    """What Russian Excel writes when asked for CSV: `;`, decimal comma, a byte-order mark."""
    rows = _rows(small_copy)["municipalities"]
    text = "\n".join(";".join(cell.replace(".", ",") for cell in row) for row in rows)
    (small_copy / "municipalities.csv").write_text("\ufeff" + text + "\n", encoding="utf-8")
    region = load_region_or_raise(small_copy)
    assert region.municipality_by_id["M2"].point == (53.20, 41.50)


def test_write_tables_round_trip_both_formats(tmp_path: Path) -> None:
    region = load_region_or_raise(DATA / "small_ok")
    for target in (tmp_path / "folder", tmp_path / "book.xlsx"):
        write_tables(region_tables(region), target)
        again = load_region_or_raise(target)
        assert again.teachers == region.teachers
        assert again.methodists == region.methodists
        assert again.current_assignment == region.current_assignment


def test_planar_region_loads() -> None:
    region = load_region_or_raise(DATA / "small_planar")
    assert region.coordinate_system == "planar"
    assert region.school_point(region.school_by_id["S2"]) == (103.0, 4.0)


def test_load_region_or_raise_carries_the_report(small_copy: Path) -> None:
    (small_copy / "teachers.csv").write_text(
        "teacher_id,full_name,school_id,subject\nT1,Иванова,S1,Астрология\n", encoding="utf-8"
    )
    with pytest.raises(RegionInvalidError) as info:
        load_region_or_raise(small_copy)
    assert info.value.report.codes() >= {"unknown_subject"}
    assert "teachers.csv, строка 2" in str(info.value)
