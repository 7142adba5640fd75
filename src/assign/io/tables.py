"""Raw tables of a region: which tables and columns exist, and reading them as text.

A region is a folder of CSV files (`teachers.csv`...) or one XLSX workbook with sheets of the
same names. Files come from registry exports and hand-kept workbooks, so the reader meets them
where they are: the encoding is detected (UTF-8, else a guess that is reported), the header row
is found below title rows, merged cells are filled, Russian headers are accepted as people type
them, and split Фамилия/Имя/Отчество columns become one name. The same reader serves the side
files (availability, saved plans). This module only reads text and names columns; turning text
into records is `loader`'s job.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assign.errors import Code, Issue
from assign.io.safe_text import csv_text_back
from assign.subjects import normalize

LOCATION = ("lat", "lon")
PLANAR = ("x", "y")
NAME_PARTS = ("last_name", "first_name", "middle_name")
HEADER_SEARCH_ROWS = 15
"""How far below the top a header row is looked for (title rows, notes, an empty line)."""


@dataclass(frozen=True)
class TableSpec:
    name: str
    names_ru: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    required_table: bool = False
    aliases: dict[str, str] = field(default_factory=dict)
    label_ru: str = ""
    """What the column list calls the table in messages and the template («Педагоги»)."""

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


_COMMON_ALIASES = {
    "код муниципалитета": "municipality_id",
    "муниципалитет": "municipality_id",
    "id муниципалитета": "municipality_id",
    "муниципальное образование": "municipality_id",
    "муниципальный район": "municipality_id",
    "муниципальный округ": "municipality_id",
    "муниципальный район (округ)": "municipality_id",
    "район": "municipality_id",
    "мо": "municipality_id",
    "код оо": "school_id",
    "код школы": "school_id",
    "оо": "school_id",
    "школа": "school_id",
    "id школы": "school_id",
    "образовательная организация": "school_id",
    "наименование оо": "school_id",
    "место работы": "school_id",
    "широта": "lat",
    "долгота": "lon",
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "фио": "full_name",
    "ф.и.о.": "full_name",
    "ф. и. о.": "full_name",
    "ф.и.о": "full_name",
    "фамилия, имя, отчество": "full_name",
    "фамилия имя отчество": "full_name",
    "name_full": "full_name",
    "фамилия": "last_name",
    "имя": "first_name",
    "отчество": "middle_name",
    "предметы": "subjects",
    "предмет": "subject",
    "мин. нагрузка": "min_load",
    "минимальная нагрузка": "min_load",
    "макс. нагрузка": "max_load",
    "максимальная нагрузка": "max_load",
    "месяцы": "months",
    "часы": "hours",
    "время, ч": "hours",
    "км": "km",
    "расстояние, км": "km",
}

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "municipalities",
        ("муниципалитеты", "муниципальные образования", "районы"),
        ("municipality_id", "name"),
        ("road_network",),
        required_table=True,
        aliases={
            "код": "municipality_id",
            "наименование": "name",
            "название": "name",
            "муниципальное образование": "name",
            "наименование муниципалитета": "name",
            "дорожная сеть": "road_network",
        },
        label_ru="Муниципалитеты",
    ),
    TableSpec(
        "schools",
        ("школы", "оо", "образовательные организации"),
        ("school_id", "name", "municipality_id"),
        ("low_results",),
        required_table=True,
        aliases={
            "код": "school_id",
            "наименование": "name",
            "название": "name",
            "наименование оо": "name",
            "образовательная организация": "name",
            "полное наименование": "name",
            "краткое наименование": "name",
            "нор": "low_results",
            "шнор": "low_results",
            "низкие результаты": "low_results",
        },
        label_ru="Школы",
    ),
    TableSpec(
        "teachers",
        ("педагоги", "учителя", "педагогические работники"),
        ("teacher_id", "full_name", "school_id", "subject"),
        ("category", "load_weight", "phone", "position", "municipality_id"),
        required_table=True,
        aliases={
            "код": "teacher_id",
            "код педагога": "teacher_id",
            "id педагога": "teacher_id",
            "идентификатор": "teacher_id",
            "табельный номер": "teacher_id",
            "таб. номер": "teacher_id",
            "фио педагога": "full_name",
            "педагог": "full_name",
            "предметы": "subject",
            "преподаваемый предмет": "subject",
            "преподаваемые предметы": "subject",
            "предмет(ы)": "subject",
            "категория": "category",
            "категории": "category",
            "вес нагрузки": "load_weight",
            "вес": "load_weight",
            "телефон": "phone",
            "контактный телефон": "phone",
            "должность": "position",
        },
        label_ru="Педагоги",
    ),
    TableSpec(
        "methodists",
        ("методисты", "региональные методисты"),
        ("methodist_id", "full_name", "subjects"),
        ("municipality_id", "school_id", "min_load", "max_load"),
        required_table=True,
        aliases={
            "код": "methodist_id",
            "код методиста": "methodist_id",
            "предмет": "subjects",
            "фио методиста": "full_name",
        },
        label_ru="Методисты",
    ),
    TableSpec(
        "candidates",
        ("кандидаты",),
        ("candidate_id", "full_name", "subjects"),
        (
            "municipality_id",
            "school_id",
            "role",
            "qualification_category",
            "pedagogical_education",
            "experience_years",
        ),
        aliases={
            "код": "candidate_id",
            "код кандидата": "candidate_id",
            "предмет": "subjects",
            "роль": "role",
            "квалификационная категория": "qualification_category",
            "педагогическое образование": "pedagogical_education",
            "стаж": "experience_years",
            "стаж, лет": "experience_years",
        },
        label_ru="Кандидаты",
    ),
    TableSpec(
        "transport",
        ("транспорт", "транспортные связи"),
        ("from_municipality", "to_municipality", "hours", "mode"),
        ("months", "km"),
        aliases={
            "откуда": "from_municipality",
            "куда": "to_municipality",
            "вид транспорта": "mode",
            "вид": "mode",
        },
        label_ru="Транспорт",
    ),
    TableSpec(
        "travel_times",
        ("время в пути", "матрица времени"),
        ("from_id", "to_id"),
        ("km", "hours", "months"),
        aliases={"откуда": "from_id", "куда": "to_id"},
        label_ru="Время в пути",
    ),
    TableSpec(
        "current_assignment",
        ("текущее закрепление", "закрепление"),
        ("teacher_id", "methodist_id"),
        aliases={
            "код педагога": "teacher_id",
            "код методиста": "methodist_id",
            "педагог": "teacher_id",
            "методист": "methodist_id",
        },
        label_ru="Текущее закрепление",
    ),
)

SPEC_BY_NAME = {spec.name: spec for spec in TABLES}
LOCATED_TABLES = ("municipalities", "schools", "methodists", "candidates")

# side files: read by the same reader, checked by their own modules
AVAILABILITY = TableSpec(
    "availability",
    ("доступность",),
    ("methodist_id",),
    ("hours_per_week", "days_off"),
    aliases={
        "код": "methodist_id",
        "код методиста": "methodist_id",
        "методист": "methodist_id",
        "часов в неделю": "hours_per_week",
        "часы в неделю": "hours_per_week",
        "дни отсутствия": "days_off",
        "отсутствие": "days_off",
        "отпуск": "days_off",
    },
)
ASSIGNMENTS = TableSpec(
    "assignments",
    ("план", "закрепление"),
    ("teacher_id", "methodist_id"),
    (
        "subject",
        "school_id",
        "municipality_id",
        "distance_km",
        "travel_hours",
        "in_person",
        "changed",
    ),
    aliases={
        "код педагога": "teacher_id",
        "педагог": "teacher_id",
        "код методиста": "methodist_id",
        "методист": "methodist_id",
    },
)

# sheets of the template that hold no data
HELPER_SHEETS = frozenset({"инструкция", "справочники", "списки", "instructions", "lists"})


def _table_key(text: str) -> str:
    return normalize(text).replace("_", " ")


_TABLE_ALIASES: dict[str, str] = {}
for _spec in TABLES:
    for _alias in (_spec.name, *_spec.names_ru):
        _TABLE_ALIASES[_table_key(_alias)] = _spec.name


def table_for(name: str) -> str | None:
    """The canonical table a file or sheet name stands for ("Педагоги" → "teachers")."""
    return _TABLE_ALIASES.get(_table_key(name))


_HEADER_NOISE = re.compile(r"[\s*:.]+$")


def header_key(header: str) -> str:
    """A header as compared: case, ё, quotes, spacing, a trailing «*» or «:» folded."""
    key = normalize(header).replace("_", " ").replace("\n", " ")
    stripped = _HEADER_NOISE.sub("", key)
    return stripped if stripped else key


def _known_column(spec: TableSpec, header: str) -> str | None:
    key = normalize(header).replace("_", " ")
    for candidate in dict.fromkeys((key, header_key(header))):
        for column in (*spec.columns, *LOCATION, *PLANAR):
            if candidate == column.replace("_", " "):
                return column
        found = spec.aliases.get(candidate) or _COMMON_ALIASES.get(candidate)
        if found:
            return found
    return None


def canonical_column(spec: TableSpec, header: str) -> str:
    return _known_column(spec, header) or header.strip()


def spellings(spec: TableSpec, column: str) -> list[str]:
    """Every header that names `column` in this table: the name and its Russian aliases."""
    names = [column]
    names += [a for a, c in spec.aliases.items() if c == column]
    names += [a for a, c in _COMMON_ALIASES.items() if c == column and a not in spec.aliases]
    return names


@dataclass
class RawTable:
    """Text cells of one table: `rows` are (row number as the user sees it, column → text)."""

    name: str
    source: str
    headers: dict[str, str]  # canonical column → header as written
    rows: list[tuple[int, dict[str, str]]]
    header_row: int = 1
    unrecognised: list[str] = field(default_factory=list)
    """Headers as written that name no column (for «did you mean» on a missing column)."""


@dataclass
class RawRegion:
    name: str
    tables: dict[str, RawTable]
    issues: list[Issue]


def read_tables(path: Path) -> RawRegion:
    """Read a CSV folder or an XLSX workbook; problems with whole files go to `issues`."""
    path = Path(path)
    if not path.exists():
        return RawRegion(
            path.stem, {}, [Issue(Code.FILE_MISSING, "путь не найден", file=str(path))]
        )
    if path.is_dir():
        return _read_folder(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path)
    return RawRegion(
        path.stem,
        {},
        [
            Issue(
                Code.FILE_UNREADABLE, "ожидается папка с CSV-файлами или книга XLSX", file=str(path)
            )
        ],
    )


def read_side_table(path: Path, spec: TableSpec) -> tuple[RawTable | None, list[Issue]]:
    """A side file (availability, a saved plan) as CSV or XLSX (its first sheet), read like a
    region's tables: encoding, separator, header row and Russian headers."""
    path = Path(path)
    if not path.is_file():
        return None, [Issue(Code.FILE_MISSING, "файл не найден", file=path.name)]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        grids, issues = _workbook_grids(path)
        if not grids:
            return None, issues or [Issue(Code.TABLE_EMPTY, "в книге нет листов", file=path.name)]
        title, sheet_grid = grids[0]
        table, more = _make_table(spec, f"{path.name}, лист «{title}»", sheet_grid)
        return table, issues + more
    grid, issues = _csv_grid(path)
    if grid is None:
        return None, issues
    table, more = _make_table(spec, path.name, grid)
    return table, issues + more


def _read_folder(folder: Path) -> RawRegion:
    tables: dict[str, RawTable] = {}
    issues: list[Issue] = []
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() != ".csv":
            continue
        name = table_for(file.stem)
        if name is None:
            issues.append(
                Issue(
                    Code.TABLE_UNKNOWN,
                    f"файл «{file.name}» не относится ни к одной таблице региона и не используется",
                    file=file.name,
                )
            )
            continue
        if name in tables:
            issues.append(
                Issue(
                    Code.TABLE_DUPLICATE,
                    f"таблица «{name}» задана дважды: {tables[name].source} и {file.name}",
                    file=file.name,
                )
            )
            continue
        grid, grid_issues = _csv_grid(file)
        issues += grid_issues
        if grid is None:
            continue
        table, table_issues = _make_table(SPEC_BY_NAME[name], file.name, grid)
        issues += table_issues
        if table is not None:
            tables[name] = table
    return RawRegion(folder.name, tables, issues)


# --- text of a CSV file -------------------------------------------------------------------
_GUESSES = ["cp1251", "utf_16", "koi8_r", "cp866", "mac_cyrillic"]
_ENCODING_NAMES = {
    "cp1251": "Windows-1251",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "koi8_r": "KOI8-R",
    "cp866": "CP866 (DOS)",
    "mac_cyrillic": "Mac Cyrillic",
}


def decode_text(data: bytes, file: str) -> tuple[str | None, list[Issue]]:
    """UTF-8 when it is (with or without BOM); else the encoding detected, reported as a
    warning so a wrong guess can be seen; undecodable bytes are one error."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        position = exc.start
    guess = None
    if b"\x00" not in data[:65536]:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:65536], cp_isolation=_GUESSES).best()
        guess = best.encoding if best is not None else None
    if guess is not None:
        try:
            text = data.decode(guess)
        except UnicodeDecodeError:
            text = None
        if text is not None and "\x00" not in text:
            name = _ENCODING_NAMES.get(guess, guess)
            sample = next((line for line in text.splitlines() if line.strip()), "")[:60]
            return text, [
                Issue(
                    Code.FILE_ENCODING_GUESSED,
                    f"файл не в UTF-8: прочитан в кодировке {name} (определена автоматически). "
                    f"Проверьте, что русские буквы прочитаны верно: «{sample}»",
                    file=file,
                    value=name,
                )
            ]
    return None, [
        Issue(
            Code.FILE_ENCODING,
            f"кодировку файла не удалось определить (байт {position} не читается как UTF-8): "
            "сохраните его как «CSV UTF-8»",
            file=file,
        )
    ]


def _delimiter(lines: list[str]) -> str:
    """The separator that splits the most lines into the same number of cells."""
    best, best_score = ",", (-1, -1)
    for delimiter in (";", ",", "\t"):
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(row)]
        widths = Counter(c for c in counts if c > 1)
        if not widths:
            continue
        width, agreeing = widths.most_common(1)[0]
        score = (agreeing, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_grid(file: Path) -> tuple[list[tuple[int, list[str]]] | None, list[Issue]]:
    try:
        data = file.read_bytes()
    except OSError:
        return None, [
            Issue(
                Code.FILE_UNREADABLE, "файл не читается (нет доступа или это папка)", file=file.name
            )
        ]
    text, issues = decode_text(data, file.name)
    if text is None:
        return None, issues
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    delimiter = _delimiter(lines[:40])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[tuple[int, list[str]]] = []
    try:
        line = 1
        for cells in reader:
            grid.append((line, [csv_text_back(c) for c in cells]))  # our own files
            line = reader.line_num + 1
    except csv.Error:
        issues.append(
            Issue(
                Code.FILE_UNREADABLE,
                f"строка {line}: кавычки не закрыты, файл не читается как CSV",
                file=file.name,
                row=line,
            )
        )
        return None, issues
    return grid, issues


# --- a table from a grid of cells ---------------------------------------------------------
def _find_header(spec: TableSpec, grid: list[tuple[int, list[str]]]) -> int | None:
    """Index in `grid` of the row that names the most of this table's columns."""
    best, best_score = None, 0
    for index, (_, cells) in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns = {_known_column(spec, c) for c in cells if c.strip()}
        columns.discard(None)
        score = len(columns)
        if score > best_score:
            best, best_score = index, score
    if best is None:
        return next((i for i, (_, cells) in enumerate(grid) if any(c.strip() for c in cells)), None)
    return best


def _make_table(
    spec: TableSpec, source: str, grid: list[tuple[int, list[str]]]
) -> tuple[RawTable | None, list[Issue]]:
    header_index = _find_header(spec, grid)
    if header_index is None:
        return None, [Issue(Code.TABLE_EMPTY, "таблица пуста: нет строки заголовков", file=source)]
    header_row, header = grid[header_index]
    issues: list[Issue] = []
    if header_row > 1:
        issues.append(
            Issue(
                Code.HEADER_ROW_FOUND,
                f"заголовок таблицы найден в строке {header_row}; строки выше него "
                "(название, пояснения) не читаются",
                file=source,
                row=header_row,
            )
        )
    headers: dict[str, str] = {}
    positions: list[str | None] = []
    unrecognised: list[str] = []
    for written in header:
        if not written.strip():
            positions.append(None)
            continue
        column = canonical_column(spec, written)
        if column == written.strip():
            unrecognised.append(written.strip())
        if column in headers:
            issues.append(
                Issue(
                    Code.COLUMN_DUPLICATE,
                    f"столбец «{written}» повторяет столбец «{headers[column]}»",
                    file=source,
                    row=header_row,
                    column=written,
                )
            )
            positions.append(None)
            continue
        headers[column] = written
        positions.append(column)
    parts = [c for c in NAME_PARTS if c in headers]
    join_names = "full_name" not in headers and "last_name" in headers
    if join_names:
        headers["full_name"] = ", ".join(headers[c] for c in parts)
    table_rows: list[tuple[int, dict[str, str]]] = []
    for row_number, cells in grid[header_index + 1 :]:
        if not any(c.strip() for c in cells):
            continue  # a blank line carries no data
        if len(cells) > len(positions) and any(c.strip() for c in cells[len(positions) :]):
            issues.append(
                Issue(
                    Code.VALUE_INVALID,
                    f"в строке {len(cells)} значений, а столбцов {len(positions)}: лишние значения "
                    "не относятся ни к одному столбцу (проверьте разделитель и кавычки)",
                    file=source,
                    row=row_number,
                )
            )
        values = {
            col: cells[i] for i, col in enumerate(positions) if col is not None and i < len(cells)
        }
        if join_names:
            values["full_name"] = " ".join(
                values[c].strip() for c in parts if values.get(c, "").strip()
            )
        table_rows.append((row_number, values))
    if join_names:
        for column in parts:
            del headers[column]
    return (
        RawTable(spec.name, source, headers, table_rows, header_row, unrecognised),
        issues,
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


# --- workbooks ----------------------------------------------------------------------------
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_ranges(sheet: object) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of each merged range; read-only sheets
    do not parse them, so they are found in the sheet's XML."""
    from openpyxl.utils import column_index_from_string

    get_source = getattr(sheet, "_get_source", None)
    if get_source is None:
        return []
    with get_source() as handle:
        data = handle.read()
    return [
        (
            int(r1),
            column_index_from_string(c1.decode()),
            int(r2),
            column_index_from_string(c2.decode()),
        )
        for c1, r1, c2, r2 in _MERGE.findall(data)
    ]


def _sheet_grid(sheet: object) -> list[tuple[int, list[str]]]:
    rows: Iterable[tuple[object, ...]] = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    grid = [(i, [_cell_text(c) for c in cells]) for i, cells in enumerate(rows, 1)]
    merged = _merged_ranges(sheet)
    if merged:
        by_number = {number: cells for number, cells in grid}
        for r1, c1, r2, c2 in merged:
            first = by_number.get(r1)
            if first is None or len(first) < c1:
                continue
            value = first[c1 - 1]
            for r in range(r1, r2 + 1):
                cells = by_number.get(r)
                if cells is None:
                    continue
                while len(cells) < c2:
                    cells.append("")
                for c in range(c1, c2 + 1):
                    if not cells[c - 1]:
                        cells[c - 1] = value
    return grid


def _open_workbook(file: Path) -> tuple[object | None, list[Issue]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(file, read_only=True, data_only=True), []
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError):
        return None, [
            Issue(
                Code.FILE_UNREADABLE,
                "книга XLSX не открывается: файл повреждён или это не XLSX",
                file=file.name,
            )
        ]


def _workbook_grids(
    file: Path,
) -> tuple[list[tuple[str, list[tuple[int, list[str]]]]], list[Issue]]:
    workbook, issues = _open_workbook(file)
    if workbook is None:
        return [], issues
    try:
        return [
            (sheet.title, _sheet_grid(sheet))
            for sheet in workbook.worksheets  # type: ignore[attr-defined]
            if sheet.title.strip().lower() not in HELPER_SHEETS
        ], issues
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, OSError):
        return [], [
            Issue(
                Code.FILE_UNREADABLE,
                "книга XLSX не читается: файл повреждён",
                file=file.name,
            )
        ]
    finally:
        workbook.close()  # type: ignore[attr-defined]


def _read_workbook(file: Path) -> RawRegion:
    grids, issues = _workbook_grids(file)
    if not grids and issues:
        return RawRegion(file.stem, {}, issues)
    tables: dict[str, RawTable] = {}
    for title, grid in grids:
        source = f"{file.name}, лист «{title}»"
        name = table_for(title)
        if name is None:
            issues.append(
                Issue(
                    Code.TABLE_UNKNOWN,
                    "лист не относится ни к одной таблице региона и не используется",
                    file=source,
                )
            )
            continue
        if name in tables:
            issues.append(
                Issue(
                    Code.TABLE_DUPLICATE,
                    f"таблица «{name}» задана дважды: {tables[name].source} и лист «{title}»",
                    file=source,
                )
            )
            continue
        table, table_issues = _make_table(SPEC_BY_NAME[name], source, grid)
        issues += table_issues
        if table is not None:
            tables[name] = table
    return RawRegion(file.stem, tables, issues)
