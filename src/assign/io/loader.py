"""Turn raw tables into a validated `Region`, reporting every problem at once.

Each row becomes a record (the record checks its own fields); the region then checks references
between records. Every finding keeps the file, row, column and value it is about. A row with an
error is never guessed at: the region is returned only when there are no errors at all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from assign.domain import (
    AssignmentPair,
    Candidate,
    CoordinateSystem,
    Methodist,
    Municipality,
    Region,
    School,
    Teacher,
    TransportLink,
    TravelTime,
    check_references,
)
from assign.errors import Code, Issue, RegionInvalidError, Report
from assign.io.tables import (
    LOCATED_TABLES,
    LOCATION,
    PLANAR,
    SPEC_BY_NAME,
    TABLES,
    RawRegion,
    RawTable,
    read_tables,
)

RECORD_TYPES: dict[str, type[BaseModel]] = {
    "municipalities": Municipality,
    "schools": School,
    "teachers": Teacher,
    "methodists": Methodist,
    "candidates": Candidate,
    "transport": TransportLink,
    "travel_times": TravelTime,
    "current_assignment": AssignmentPair,
}
ID_COLUMN = {
    "municipalities": "municipality_id",
    "schools": "school_id",
    "teachers": "teacher_id",
    "methodists": "methodist_id",
    "candidates": "candidate_id",
}
# the column a whole-record error is about, when pydantic gives no field
_RECORD_ERROR_COLUMN = {
    Code.COORDINATES_MISSING.value: "lat",
    Code.COORDINATES_OUT_OF_RANGE.value: "lat",
    Code.BASE_MISSING.value: "municipality_id",
    Code.LOAD_RANGE_INVALID.value: "min_load",
    Code.VALUE_MISSING.value: "km",
    Code.VALUE_INVALID.value: "km",
}
# what the file calls a record field
_FIELD_COLUMN = {"categories": "category"}


@dataclass
class LoadResult:
    region: Region | None
    report: Report


def load_region(path: str | Path, name: str | None = None) -> LoadResult:
    """Read and validate a region folder or workbook; `region` is None when there are errors.
    `name` is the region's Russian name (its region.yaml); default: the folder's name."""
    raw = read_tables(Path(path))
    if name:
        raw.name = name
    return build_region(raw)


def load_region_or_raise(path: str | Path) -> Region:
    result = load_region(path)
    if result.region is None:
        raise RegionInvalidError(result.report)
    return result.region


def build_region(raw: RawRegion) -> LoadResult:
    report = Report()
    report.extend(raw.issues)
    if not raw.tables and not report.ok:
        return LoadResult(None, report)  # nothing could be read: the path itself is the problem
    for spec in TABLES:
        if (
            spec.required_table
            and spec.name not in raw.tables
            and not any(
                i.code is Code.FILE_ENCODING and i.file and i.file.startswith(spec.name)
                for i in raw.issues
            )
        ):
            report.add(
                Issue(
                    Code.FILE_MISSING,
                    f"нет обязательной таблицы «{spec.name}» "
                    f"(файл {spec.name}.csv или лист «{spec.name}»)",
                    file=f"{spec.name}.csv",
                )
            )
    coordinate_system = _coordinate_system(raw, report)
    records: dict[str, list[Any]] = {}
    failed_ids: set[str] = set()
    for name, table in raw.tables.items():
        records[name] = _records(table, coordinate_system, report, failed_ids)
        if not table.rows and name in ("municipalities", "schools", "teachers"):
            report.add(
                Issue(Code.TABLE_EMPTY, "в таблице нет ни одной строки данных", file=table.source)
            )
    if any(
        i.code in (Code.FILE_MISSING, Code.FILE_UNREADABLE, Code.FILE_ENCODING)
        for i in report.errors
    ):
        return LoadResult(None, report)

    fields: dict[str, Any] = {
        "name": raw.name,
        "coordinate_system": coordinate_system,
        "sources": {name: table.source for name, table in raw.tables.items()},
        **{name: tuple(records.get(name, ())) for name in RECORD_TYPES},
    }
    draft = Region.model_construct(**fields)
    headers_by_source = {table.source: table.headers for table in raw.tables.values()}
    for issue in check_references(draft):
        # a reference to a row that already failed its own checks repeats that row's error
        if issue.code is Code.UNKNOWN_REFERENCE and issue.value in failed_ids:
            continue
        written = headers_by_source.get(issue.file or "", {}).get(issue.column or "")
        report.add(replace(issue, column=written) if written else issue)
    if not report.ok:
        return LoadResult(None, report)
    return LoadResult(Region(**fields), report)


def _coordinate_system(raw: RawRegion, report: Report) -> CoordinateSystem:
    """Geographic (lat, lon) unless the municipalities give planar (x, y); never both."""
    municipalities = raw.tables.get("municipalities")
    planar = (
        municipalities is not None
        and all(c in municipalities.headers for c in PLANAR)
        and (not any(c in municipalities.headers for c in LOCATION))
    )
    wrong, right = (LOCATION, PLANAR) if planar else (PLANAR, LOCATION)
    for name in LOCATED_TABLES:
        table = raw.tables.get(name)
        if table is None:
            continue
        for column in wrong:
            if column in table.headers:
                report.add(
                    Issue(
                        Code.COORDINATES_MIXED,
                        f"в регионе координаты заданы как {', '.join(right)}, а в этом файле есть "
                        f"столбец «{table.headers[column]}»: все файлы должны использовать одну "
                        "систему координат",
                        file=table.source,
                        row=1,
                        column=table.headers[column],
                    )
                )
    return "planar" if planar else "geographic"


def _records(
    table: RawTable, coordinate_system: CoordinateSystem, report: Report, failed_ids: set[str]
) -> list[Any]:
    spec = SPEC_BY_NAME[table.name]
    planar = coordinate_system == "planar"
    point_columns = PLANAR if planar else LOCATION
    allowed = set(spec.columns) | (set(point_columns) if table.name in LOCATED_TABLES else set())
    for column in spec.required:
        if column not in table.headers:
            report.add(
                Issue(
                    Code.COLUMN_MISSING,
                    f"нет обязательного столбца «{column}»",
                    file=table.source,
                    row=1,
                    column=column,
                )
            )
    if any(c not in table.headers for c in spec.required):
        return []
    for column, written in table.headers.items():
        if column not in allowed and column not in (LOCATION + PLANAR):
            report.add(
                Issue(
                    Code.COLUMN_UNKNOWN,
                    f"столбец «{written}» не используется программой",
                    file=table.source,
                    row=1,
                    column=written,
                )
            )
    record_type = RECORD_TYPES[table.name]
    column_of_field = {"lat": point_columns[0], "lon": point_columns[1]}
    records = []
    for row_number, values in table.rows:
        data: dict[str, Any] = {}
        for column, text in values.items():
            if column not in allowed or not text.strip():
                continue
            field = {"x": "lat", "y": "lon"}.get(column, column) if planar else column
            field = {"category": "categories"}.get(field, field)
            data[field] = text
        if table.name in LOCATED_TABLES:
            data["planar"] = planar
        try:
            record = record_type(row=row_number, **data)
        except ValidationError as exc:
            key = values.get(ID_COLUMN.get(table.name, ""), "").strip()
            if key:
                failed_ids.add(key)
            for error in exc.errors():
                report.add(_issue_from_error(error, table, row_number, values, column_of_field))
            continue
        records.append(record)
    return records


def _issue_from_error(
    error: Any, table: RawTable, row: int, values: dict[str, str], column_of_field: dict[str, str]
) -> Issue:
    kind = error["type"]
    field = str(error["loc"][0]) if error["loc"] else _RECORD_ERROR_COLUMN.get(kind, "")
    column = column_of_field.get(field) or _FIELD_COLUMN.get(field, field)
    written = table.headers.get(column, column)
    value = values.get(column, "")
    if kind in Code._value2member_map_:
        code, message = Code(kind), error["msg"]
    elif kind == "missing":
        code, message = Code.VALUE_MISSING, "не заполнено обязательное поле"
    elif kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        code, message = Code.VALUE_INVALID, f"«{value}» не является числом"
    else:
        code, message = Code.VALUE_INVALID, f"недопустимое значение «{value}»"
    return Issue(code, message, table.source, row, written, value)
