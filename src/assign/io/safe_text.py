"""Text from a region's files (names, ids, reasons) written out as text and nothing else.

A region comes from people, perhaps from an attacker: a name may hold Word XML
(`</w:t>…<w:fldSimple w:instr="INCLUDEPICTURE http://…"/>`) or a spreadsheet formula
(`=HYPERLINK(…)`, `+1+1`, `@SUM(A1)`). Every writer passes user text through here:

- DOCX: `docx_context` before a docxtpl render with `autoescape=True`, so a value is escaped
  text and docxtpl's control characters (\\a a paragraph, \\f a page break…) cannot reshape the
  document;
- XLSX: XlsxWriter books are opened with `XLSX_TEXT_ONLY`, openpyxl rows go through
  `openpyxl_row`: a string is a string cell, never a formula or a link;
- CSV: `csv_writer` prefixes a text cell that a spreadsheet would read as a formula with `'`
  (OWASP «CSV injection»); numbers such as «-5» stay as they are. `csv_text_back` undoes it, and
  every reader of a CSV we may have written calls it, so a round trip gives the text exactly.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel, LibreOffice or Google Sheets read a CSV cell as a formula."""

QUOTE = "'"
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def _formula_like(text: str) -> bool:
    """Text (leading quotes aside) that a spreadsheet would take for a formula, not a number.

    Quotes are looked past so that escaping stays reversible: «'=x» is written «''=x»."""
    body = text.lstrip(QUOTE)
    return body[:1] in FORMULA_START and not _NUMBER.fullmatch(body)


_SUSPECT_START = frozenset((*FORMULA_START, QUOTE))


def csv_text(value: Any) -> Any:
    """A CSV cell: a formula-like string prefixed with `'`; anything else unchanged (most
    cells start with none of `_SUSPECT_START` and are passed on at once)."""
    if isinstance(value, str) and value[:1] in _SUSPECT_START and _formula_like(value):
        return QUOTE + value
    return value


def csv_text_back(text: str) -> str:
    """The text `csv_text` was given: the one `'` it added taken off again."""
    if text.startswith(QUOTE) and _formula_like(text[1:]):
        return text[1:]
    return text


class CsvWriter:
    """`csv.writer` whose every text cell goes through `csv_text`."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_text(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)

    def write_columns(self, columns: Sequence[Sequence[Any]], numbers: int = 0) -> None:
        """Rows given as columns of equal length: each distinct value of a column goes
        through `csv_text` once (ids, subjects, places repeat down a plan of 18 600 rows);
        the last `numbers` columns hold numbers (or numbers we formatted): nothing to escape."""
        texts = len(columns) - numbers
        cells = [_escaped(c) if i < texts else c for i, c in enumerate(columns)]
        self._writer.writerows(zip(*cells, strict=True))


def _escaped(column: Sequence[Any]) -> Sequence[Any]:
    """The column with each value `csv_text` changes replaced: its distinct values are
    checked once, and a column with none to change is passed on as it is."""
    changed = {v: text for v in set(column) if (text := csv_text(v)) is not v}
    if not changed:
        return column
    return [changed.get(v, v) for v in column]


def csv_writer(handle: IO[str], **options: Any) -> CsvWriter:
    return CsvWriter(handle, **options)


# --- DOCX ---------------------------------------------------------------------------------
_DOCX_CONTROL = re.compile("[\x00-\x1f\ufffe\uffff\ud800-\udfff]")


def docx_text(text: str) -> str:
    """Text a Word run may hold: control characters (docxtpl turns \\a, \\f, \\t, \\n into
    paragraphs, page breaks, tabs and breaks; others are not XML) become spaces."""
    return _DOCX_CONTROL.sub(" ", text)


def docx_context(value: Any) -> Any:
    """Every string inside a template's context (dicts, lists, tuples) made `docx_text`;
    other values (numbers, docxtpl RichText built from `docx_text` parts) stay as they are."""
    if isinstance(value, str):
        return docx_text(value)
    if isinstance(value, dict):
        return {k: docx_context(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(docx_context(v) for v in value)
    return value


# --- XLSX ---------------------------------------------------------------------------------
XLSX_TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False}
"""XlsxWriter `Workbook` options: `write()` keeps every string a string."""

_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def openpyxl_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Cells for `sheet.append` (write-only or not): a string is a string cell (data type
    «s», a formula-like one with Excel's quote prefix), never a formula."""
    from openpyxl.cell import WriteOnlyCell

    cells: list[Any] = []
    for value in values:
        if not isinstance(value, str):
            cells.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=_XLSX_ILLEGAL.sub(" ", value))
        cell.data_type = "s"
        if _formula_like(value):
            cell.quotePrefix = True
        cells.append(cell)
    return cells


_UNSAFE_IN_FILE_NAME = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def file_name_text(text: str, replacement: str = "_") -> str:
    """User text in a file's name: what could leave the folder or Windows refuses
    («../x», «a/b», «CON?») replaced."""
    return _UNSAFE_IN_FILE_NAME.sub(replacement, text)
