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

import bisect
import codecs
import csv
import datetime as dt
import io
import itertools
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assign.domain import TABLE_NAMES_RU
from assign.errors import Code, Issue
from assign.format import count_ru
from assign.io.safe_text import csv_text_back
from assign.subjects import normalize

LOCATION = ("lat", "lon")
PLANAR = ("x", "y")
NAME_PARTS = ("last_name", "first_name", "middle_name")
HEADER_SEARCH_ROWS = 15
"""How far below the top a header row is looked for (title rows, notes), blank rows not counted."""
MAX_TABLE_ROWS = 500_000
"""Non-blank rows read from one table: more than any region has (300 000 teachers at most)."""
MAX_TABLE_COLUMNS = 300
"""Columns read from one table; a region's table has 20 at most, a registry export about 100."""
MAX_CELL_CHARS = 1000
"""Longest text of a cell; longer is an error, and the cell is cut so findings stay short."""
MAX_NAME_CHARS = 500
"""Longest name (of a person, school, municipality): the longest real school name is ~300."""
_NAME_COLUMNS = frozenset({"full_name", "name", *NAME_PARTS})
_MAX_MERGED_CELLS = 100_000
"""A merged range larger than this is not filled (a whole-sheet merge would copy one value
into millions of cells)."""


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
        label_ru=TABLE_NAMES_RU["municipalities"],
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
        label_ru=TABLE_NAMES_RU["schools"],
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
        label_ru=TABLE_NAMES_RU["teachers"],
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
        label_ru=TABLE_NAMES_RU["methodists"],
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
        label_ru=TABLE_NAMES_RU["candidates"],
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
        label_ru=TABLE_NAMES_RU["transport"],
    ),
    TableSpec(
        "travel_times",
        ("время в пути", "матрица времени"),
        ("from_id", "to_id"),
        ("km", "hours", "months"),
        aliases={"откуда": "from_id", "куда": "to_id"},
        label_ru=TABLE_NAMES_RU["travel_times"],
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
        label_ru=TABLE_NAMES_RU["current_assignment"],
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
HELPER_SHEETS = frozenset(
    {"инструкция", "справочники", "списки", "instructions", "lists", "реквизиты"}
)
"""Sheets of a region workbook that are not tables of the region («Реквизиты»: the order's
details, read by `documents.settings`)."""


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
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(row)]
        except csv.Error:  # a field over the csv limit: reading the file reports it
            continue
        widths = Counter(c for c in counts if c > 1)
        if not widths:
            continue
        width, agreeing = widths.most_common(1)[0]
        score = (agreeing, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_grid(file: Path) -> tuple[list[tuple[int, list[str]]] | None, list[Issue]]:
    """Rows that hold something, each as (line number, cells up to the last non-blank one)."""
    try:
        data = file.read_bytes()
    except OSError:
        return None, [
            Issue(
                Code.FILE_UNREADABLE, "файл не читается (нет доступа или это папка)", file=file.name
            )
        ]
    text, issues = decode_text(data, file.name)
    del data
    if text is None:
        return None, issues
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = _delimiter(list(itertools.islice(io.StringIO(text, newline=""), 40)))
    record: list[str] = []  # the lines of the record being read, for a field too long

    def lines() -> Iterator[str]:
        for text_line in io.StringIO(text, newline=""):
            record.append(text_line)
            yield text_line

    reader = csv.reader(lines(), delimiter=delimiter)
    grid: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            record.clear()
            cells = _trimmed(cells)
            if cells:
                if len(grid) == MAX_TABLE_ROWS:
                    issues.append(_too_many_rows(file.name, line))
                    break
                grid.append((line, [csv_text_back(c) for c in cells]))  # our own files
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            issue = _field_too_long(file.name, line, grid, "".join(record), delimiter)
            issues.append(issue)
            if issue.code is Code.QUOTE_UNCLOSED:  # the rows before it stand: the other
                return grid, issues  # files are still checked against them, in one pass
        else:
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


def _trimmed(cells: list[str]) -> list[str]:
    """The cells up to the last non-blank one (none for a blank row)."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells if end == len(cells) else cells[:end]


def _too_many_rows(source: str, row: int) -> Issue:
    return Issue(
        Code.TABLE_TOO_LARGE,
        f"в таблице больше {MAX_TABLE_ROWS:,} строк: так много не бывает даже в самом большом "
        "регионе; строки дальше не читались (проверьте, что это таблица региона)".replace(",", " "),
        file=source,
        row=row,
    )


def _field_too_long(
    source: str, row: int, grid: list[tuple[int, list[str]]], record: str, delimiter: str
) -> Issue:
    """The cell Python's csv refuses (over 128 KB), named by its header; the file is not read
    further, since where that cell ends cannot be trusted."""
    index = _long_field_index(record, delimiter, csv.field_size_limit())
    header = grid[0][1] if grid else []
    column = header[index].strip() if index < len(header) and header[index].strip() else None
    swallowed = record.rstrip("\r\n").count("\n")
    if swallowed:  # no cell of a region runs over thousands of lines: a stray quote did
        return _quote_unclosed(
            source,
            row,
            column or f"столбец {index + 1}",
            record,
            swallowed,
            " до его конца или до предела размера ячейки, и файл дальше не прочитан",
        )
    return Issue(
        Code.VALUE_TOO_LONG,
        f"в ячейке больше {csv.field_size_limit():,} символов (допускается не больше "
        f"{MAX_CELL_CHARS:,}); файл не читался дальше этой строки: проверьте кавычки и "
        "содержимое ячейки".replace(",", " "),
        file=source,
        row=row,
        column=column or f"столбец {index + 1}",
        value=visible_text(record[:60]),
    )


def _quote_unclosed(
    source: str, row: int, column: str, text: str, swallowed: int, what_follows: str
) -> Issue:
    """A quote opened in a cell and never closed: the cell ran on over `swallowed` lines
    of the file (`what_follows`: what became of them), shown by its first line."""
    return Issue(
        Code.QUOTE_UNCLOSED,
        'в ячейке начинается кавычка «"», которая не закрыта: ячейка захватила '
        f"{count_ru(swallowed, 'следующая строка', 'accs')} файла{what_follows}; удалите "
        "лишнюю кавычку или закройте её",
        file=source,
        row=row,
        column=column,
        value=visible_text(text.split("\n", 1)[0], 60),
    )


def _long_field_index(record: str, delimiter: str, limit: int) -> int:
    """Which field of a CSV record (0-based) first grows past `limit` characters."""
    index, length, quoted, position = 0, 0, False, 0
    while position < len(record):
        char = record[position]
        if quoted:
            if char == '"' and record[position + 1 : position + 2] == '"':
                position += 1
            elif char == '"':
                quoted = False
                length -= 1
            length += 1
        elif char == '"' and length == 0:
            quoted = True
        elif char == delimiter:
            index, length = index + 1, 0
        else:
            length += 1
        if length > limit:
            return index
        position += 1
    return index


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


_SEPARATED = re.compile(r"[^,;\t]*[,;\t][^,;\t]*[,;\t]")
"""A line with two separators or more: a CSV row, not a line of a cell's text."""
# control characters other than tab and line breaks (which quoted text and Excel cells may hold)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def visible_text(text: str, limit: int = 80) -> str:
    """`text` safe to show and store: control characters as \\xNN, at most `limit` characters."""
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _checked_cell(
    text: str, column: str, written: str, source: str, row: int, issues: list[Issue]
) -> str:
    """The cell without control characters and cut to its longest length; each is an error
    (the cell is changed only so that findings about its row stay short and storable)."""
    swallowed = [line for line in text.split("\n")[1:] if line.strip()]
    if source.lower().endswith(".csv") and any(_SEPARATED.search(line) for line in swallowed):
        # a quote opened and never closed: the cell ran on over the rows after it
        issues.append(
            _quote_unclosed(
                source, row, written, text, len(swallowed), ", и их данные не прочитаны"
            )
        )
    if _CONTROL.search(text):
        issues.append(
            Issue(
                Code.VALUE_CONTROL_CHARS,
                "в ячейке управляющие символы (показаны как \\xNN), например нулевой байт: "
                "так бывает, когда файл склеен из частей или это не текст; удалите их",
                source,
                row,
                written,
                visible_text(text),
            )
        )
        text = _CONTROL.sub("", text)
    limit = MAX_NAME_CHARS if column in _NAME_COLUMNS else MAX_CELL_CHARS
    if len(text) > limit:
        issues.append(
            Issue(
                Code.VALUE_TOO_LONG,
                f"в ячейке {len(text):,} символов, допускается не больше {limit:,}: "
                "проверьте, что это одно значение (не склеенные строки)".replace(",", " "),
                source,
                row,
                written,
                visible_text(text, 60),
            )
        )
        text = text[:limit]
    return text


def _make_table(
    spec: TableSpec, source: str, grid: list[tuple[int, list[str]]]
) -> tuple[RawTable | None, list[Issue]]:
    header_index = _find_header(spec, grid)
    if header_index is None:
        return None, [Issue(Code.TABLE_EMPTY, "таблица пуста: нет строки заголовков", file=source)]
    header_row, header = grid[header_index]
    issues: list[Issue] = []
    if any(len(cells) > MAX_TABLE_COLUMNS for _, cells in grid):
        row = next(n for n, cells in grid if len(cells) > MAX_TABLE_COLUMNS)
        issues.append(
            Issue(
                Code.TABLE_TOO_LARGE,
                f"в таблице больше {MAX_TABLE_COLUMNS} столбцов: столбцы дальше не читаются "
                "(удалите лишние столбцы)",
                file=source,
                row=row,
            )
        )
        header = header[:MAX_TABLE_COLUMNS]
    header = [
        _checked_cell(h, "", visible_text(h), source, header_row, issues) if h else h
        for h in header
    ]
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
    repeated: list[int] = []  # rows that repeat the header (an export page by page)
    for row_number, cells in grid[header_index + 1 :]:
        if not any(c.strip() for c in cells):
            continue  # a blank line carries no data
        if _repeats(header, cells):
            repeated.append(row_number)
            continue
        cells = cells[:MAX_TABLE_COLUMNS]
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
        found = len(issues)
        values = {
            col: _checked_cell(cells[i], col, headers[col], source, row_number, issues)
            if cells[i]
            else ""
            for i, col in enumerate(positions)
            if col is not None and i < len(cells)
        }
        if any(i.code is Code.QUOTE_UNCLOSED for i in issues[found:]):
            continue  # its cells ran into the rows after it: its error says so, once
        if join_names:
            values["full_name"] = " ".join(
                values[c].strip() for c in parts if values.get(c, "").strip()
            )
        table_rows.append((row_number, values))
    if join_names:
        for column in parts:
            del headers[column]
    if repeated:
        shown = ", ".join(map(str, repeated[:10])) + (" …" if len(repeated) > 10 else "")
        issues.append(
            Issue(
                Code.HEADER_ROW_REPEATED,
                f"{'строка' if len(repeated) == 1 else 'строки'} {shown} "
                f"{'повторяет' if len(repeated) == 1 else 'повторяют'} заголовок таблицы (так "
                "бывает при выгрузке по страницам): не данные, пропущено",
                file=source,
                row=repeated[0],
            )
        )
    return (
        RawTable(spec.name, source, headers, table_rows, header_row, unrecognised),
        issues,
    )


def _repeats(header: list[str], cells: list[str]) -> bool:
    """Whether a row is the header again: at least two cells, each as the header writes its
    column, and nothing else."""
    filled = [(i, c.strip().casefold()) for i, c in enumerate(cells) if c.strip()]
    return len(filled) >= 2 and all(
        i < len(header) and header[i].strip().casefold() == text for i, text in filled
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


def _sheet_grid(sheet: object, source: str) -> tuple[list[tuple[int, list[str]]], list[Issue]]:
    """Rows that hold something (or lie in a merged range), as in `_csv_grid`. The sheet's
    declared dimension is ignored: openpyxl pads every row to it, and a workbook declaring
    A1:XFD1048576 would become billions of empty cells."""
    merged = [
        (r1, c1, r2, min(c2, MAX_TABLE_COLUMNS + 1))
        for r1, c1, r2, c2 in _merged_ranges(sheet)
        if c1 <= MAX_TABLE_COLUMNS and (r2 - r1 + 1) * (c2 - c1 + 1) <= _MAX_MERGED_CELLS
    ]
    merged_rows = _row_spans(merged)
    sheet.reset_dimensions()  # type: ignore[attr-defined]
    rows: Iterable[tuple[object, ...]] = sheet.iter_rows(  # type: ignore[attr-defined]
        max_col=MAX_TABLE_COLUMNS + 1, values_only=True
    )
    grid: list[tuple[int, list[str]]] = []
    issues: list[Issue] = []
    for number, values in enumerate(rows, 1):
        blank = values.count(None) == len(values)  # fast: a sheet may hold a million such rows
        cells = [] if blank else _trimmed([_cell_text(c) for c in values])
        if not cells and not _in_spans(number, merged_rows):
            continue
        if len(grid) == MAX_TABLE_ROWS:
            issues.append(_too_many_rows(source, number))
            break
        grid.append((number, cells))
    if merged:
        by_number = {number: cells for number, cells in grid}
        numbers = [number for number, _ in grid]
        budget = _MAX_MERGED_CELLS * 10
        for r1, c1, r2, c2 in merged:
            first = by_number.get(r1)
            if first is None or len(first) < c1:
                continue
            value = first[c1 - 1]
            for r in numbers[bisect.bisect_left(numbers, r1) : bisect.bisect_right(numbers, r2)]:
                budget -= c2 - c1 + 1
                if budget < 0:
                    break
                cells = by_number[r]
                while len(cells) < c2:
                    cells.append("")
                for c in range(c1, c2 + 1):
                    if not cells[c - 1]:
                        cells[c - 1] = value
    return grid, issues


def _row_spans(ranges: list[tuple[int, int, int, int]]) -> list[tuple[int, int]]:
    """The rows the merged ranges cover, as sorted disjoint (first, last) spans."""
    spans: list[tuple[int, int]] = []
    for first, last in sorted((r1, r2) for r1, _, r2, _ in ranges):
        if spans and first <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], last))
        else:
            spans.append((first, last))
    return spans


def _in_spans(number: int, spans: list[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(spans, number, key=lambda span: span[0]) - 1
    return index >= 0 and spans[index][0] <= number <= spans[index][1]


# what openpyxl raises on a damaged workbook (a bad member, broken XML)
_BROKEN_BOOK = (
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    SyntaxError,  # xml.etree.ElementTree.ParseError
)


def _open_workbook(file: Path) -> tuple[object | None, list[Issue]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(file, read_only=True, data_only=True), []
    except (InvalidFileException, *_BROKEN_BOOK):
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
        grids = []
        for sheet in workbook.worksheets:  # type: ignore[attr-defined]
            if sheet.title.strip().lower() in HELPER_SHEETS:
                continue
            grid, sheet_issues = _sheet_grid(sheet, f"{file.name}, лист «{sheet.title}»")
            grids.append((sheet.title, grid))
            issues += sheet_issues
        return grids, issues
    except _BROKEN_BOOK:
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
