"""Raw tables of a region: which tables and columns exist, and reading them as text.

A region is a folder of UTF-8 CSV files (`teachers.csv`...) or one XLSX workbook with sheets of
the same names. Russian table and column names are accepted as aliases of the English ones.
This module only reads text and names columns; turning text into records is `loader`'s job.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from assign.errors import Code, Issue
from assign.subjects import normalize

LOCATION = ("lat", "lon")
PLANAR = ("x", "y")


@dataclass(frozen=True)
class TableSpec:
    name: str
    names_ru: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    required_table: bool = False
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


_COMMON_ALIASES = {
    "код муниципалитета": "municipality_id",
    "муниципалитет": "municipality_id",
    "id муниципалитета": "municipality_id",
    "муниципальное образование": "municipality_id",
    "код оо": "school_id",
    "код школы": "school_id",
    "оо": "school_id",
    "школа": "school_id",
    "id школы": "school_id",
    "широта": "lat",
    "долгота": "lon",
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "фио": "full_name",
    "ф.и.о.": "full_name",
    "ф. и. о.": "full_name",
    "name_full": "full_name",
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
            "дорожная сеть": "road_network",
        },
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
            "нор": "low_results",
            "шнор": "low_results",
            "низкие результаты": "low_results",
        },
    ),
    TableSpec(
        "teachers",
        ("педагоги", "учителя", "педагогические работники"),
        ("teacher_id", "full_name", "school_id", "subject"),
        ("category", "load_weight"),
        required_table=True,
        aliases={
            "код": "teacher_id",
            "код педагога": "teacher_id",
            "категория": "category",
            "категории": "category",
            "вес нагрузки": "load_weight",
            "вес": "load_weight",
        },
    ),
    TableSpec(
        "methodists",
        ("методисты", "региональные методисты"),
        ("methodist_id", "full_name", "subjects"),
        ("municipality_id", "school_id", "min_load", "max_load"),
        required_table=True,
        aliases={"код": "methodist_id", "код методиста": "methodist_id"},
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
            "роль": "role",
            "квалификационная категория": "qualification_category",
            "педагогическое образование": "pedagogical_education",
            "стаж": "experience_years",
            "стаж, лет": "experience_years",
        },
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
    ),
    TableSpec(
        "travel_times",
        ("время в пути", "матрица времени"),
        ("from_id", "to_id"),
        ("km", "hours", "months"),
        aliases={"откуда": "from_id", "куда": "to_id"},
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
    ),
)

SPEC_BY_NAME = {spec.name: spec for spec in TABLES}
LOCATED_TABLES = ("municipalities", "schools", "methodists", "candidates")


def _table_key(text: str) -> str:
    return normalize(text).replace("_", " ")


_TABLE_ALIASES: dict[str, str] = {}
for _spec in TABLES:
    for _alias in (_spec.name, *_spec.names_ru):
        _TABLE_ALIASES[_table_key(_alias)] = _spec.name


def table_for(name: str) -> str | None:
    """The canonical table a file or sheet name stands for ("Педагоги" → "teachers")."""
    return _TABLE_ALIASES.get(_table_key(name))


def canonical_column(spec: TableSpec, header: str) -> str:
    key = normalize(header).replace("_", " ")
    for column in (*spec.columns, *LOCATION, *PLANAR):
        if key == column.replace("_", " "):
            return column
    return spec.aliases.get(key) or _COMMON_ALIASES.get(key) or header.strip()


@dataclass
class RawTable:
    """Text cells of one table: `rows` are (row number as the user sees it, column → text)."""

    name: str
    source: str
    headers: dict[str, str]  # canonical column → header as written
    rows: list[tuple[int, dict[str, str]]]


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
        table, table_issues = _read_csv(file, name)
        issues += table_issues
        if table is not None:
            tables[name] = table
    return RawRegion(folder.name, tables, issues)


def _read_csv(file: Path, name: str) -> tuple[RawTable | None, list[Issue]]:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [
            Issue(
                Code.FILE_ENCODING,
                f"файл не в кодировке UTF-8 (байт {exc.start}); сохраните его как «CSV UTF-8»",
                file=file.name,
            )
        ]
    except OSError:
        return None, [
            Issue(
                Code.FILE_UNREADABLE,
                "файл не читается (нет доступа или это папка)",
                file=file.name,
            )
        ]
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return None, [Issue(Code.TABLE_EMPTY, "файл пуст: нет строки заголовков", file=file.name)]
    header_line = lines[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    header = next(reader)
    rows: list[tuple[int, list[str]]] = []
    for cells in reader:
        rows.append((reader.line_num, cells))
    return _make_table(name, file.name, header, rows)


def _make_table(
    name: str, source: str, header: list[str], rows: list[tuple[int, list[str]]]
) -> tuple[RawTable, list[Issue]]:
    spec = SPEC_BY_NAME[name]
    issues: list[Issue] = []
    headers: dict[str, str] = {}
    positions: list[str | None] = []
    for written in header:
        if not written.strip():
            positions.append(None)
            continue
        column = canonical_column(spec, written)
        if column in headers:
            issues.append(
                Issue(
                    Code.COLUMN_DUPLICATE,
                    f"столбец «{written}» повторяет столбец «{headers[column]}»",
                    file=source,
                    row=1,
                    column=written,
                )
            )
            positions.append(None)
            continue
        headers[column] = written
        positions.append(column)
    table_rows: list[tuple[int, dict[str, str]]] = []
    for row_number, cells in rows:
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
        table_rows.append((row_number, values))
    return RawTable(name, source, headers, table_rows), issues


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _read_workbook(file: Path) -> RawRegion:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError):
        return RawRegion(
            file.stem,
            {},
            [
                Issue(
                    Code.FILE_UNREADABLE,
                    "книга XLSX не открывается: файл повреждён или это не XLSX",
                    file=file.name,
                )
            ],
        )
    tables: dict[str, RawTable] = {}
    issues: list[Issue] = []
    try:
        for sheet in workbook.worksheets:
            source = f"{file.name}, лист «{sheet.title}»"
            name = table_for(sheet.title)
            if name is None:
                issues.append(
                    Issue(
                        Code.TABLE_UNKNOWN,
                        "лист не относится ни к одной таблице региона и не используется",
                        file=source,
                    )
                )
                continue
            rows_iter = sheet.iter_rows(values_only=True)
            header_cells = next(rows_iter, None)
            if header_cells is None:
                issues.append(
                    Issue(Code.TABLE_EMPTY, "лист пуст: нет строки заголовков", file=source)
                )
                continue
            header = [_cell_text(c) for c in header_cells]
            rows = [(i, [_cell_text(c) for c in cells]) for i, cells in enumerate(rows_iter, 2)]
            table, table_issues = _make_table(name, source, header, rows)
            issues += table_issues
            tables[name] = table
    finally:
        workbook.close()
    return RawRegion(file.stem, tables, issues)
