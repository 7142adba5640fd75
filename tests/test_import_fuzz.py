"""Bad input never ends in a traceback: random cells written into valid workbooks and CSVs give
a region or Russian findings, never an exception. Examples are few so the suite stays fast."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from assign.io import load_region
from conftest import DATA
from messy import read_csv_folder, write_workbook

TABLES = ("municipalities", "schools", "teachers", "methodists", "current_assignment")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)

cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", ";", "nan", "-1", "1e400", "52,7", "Xимия", "логопед", '"', "\x00"]),
)
cell_value = st.one_of(
    cell_text,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
edits = st.lists(
    st.tuples(st.sampled_from(TABLES), st.integers(0, 12), st.integers(0, 9), cell_value),
    min_size=1,
    max_size=6,
)


def assert_russian_or_loaded(path: Path) -> None:
    result = load_region(path)
    if result.region is None:
        assert result.report.errors
    for issue in result.report.issues:
        assert CYRILLIC.search(issue.message), issue


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=edits)
def test_random_cells_in_a_workbook(edits: list[tuple[str, int, int, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_workbook(read_csv_folder(DATA / "small_ok"), Path(folder) / "r.xlsx")
        book = load_workbook(path)
        names = {"municipalities": "Муниципалитеты", "schools": "Школы", "teachers": "Педагоги"}
        names |= {"methodists": "Методисты", "current_assignment": "Текущее закрепление"}
        for table, row, column, value in edits:
            cell = book[names[table]].cell(row=row + 1, column=column + 1)
            if not isinstance(cell, MergedCell):
                cell.value = _storable(value)
        book.save(path)
        assert_russian_or_loaded(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=edits,
    encoding=st.sampled_from(["utf-8", "cp1251", "utf-16"]),
    separator=st.sampled_from([",", ";", "\t"]),
)
def test_random_cells_in_csv_files(
    edits: list[tuple[str, int, int, object]], encoding: str, separator: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "region"
        shutil.copytree(DATA / "small_ok", target)
        tables = read_csv_folder(target)
        for table, row, column, value in edits:
            rows = tables[table]
            while len(rows) <= row:
                rows.append([])
            while len(rows[row]) <= column:
                rows[row].append("")
            rows[row][column] = "" if value is None else str(value)
        for table, rows in tables.items():
            text = "\n".join(separator.join(row) for row in rows) + "\n"
            data = text.encode(encoding, errors="replace")
            (target / f"{table}.csv").write_bytes(data)
        assert_russian_or_loaded(target)


def _storable(value: object) -> object:
    """openpyxl refuses control characters and infinities; a planner's Excel would too."""
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0b-\x1f]", "", value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    return value
