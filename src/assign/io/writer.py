"""Writing region tables: to a folder of CSV files or to one XLSX workbook, same layout as input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assign.domain import Region
from assign.io.safe_text import csv_writer, openpyxl_row
from assign.io.tables import LOCATED_TABLES, SPEC_BY_NAME

Rows = Sequence[Mapping[str, Any]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_tables(tables: Mapping[str, Rows], path: Path) -> None:
    """Write {table name: rows} as `path/<table>.csv` files, or as sheets when path is .xlsx."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        _write_workbook(tables, path)
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = _columns(rows)
        with (path / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv_writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_text(row.get(c)) for c in columns])


def _columns(rows: Rows) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def _write_workbook(tables: Mapping[str, Rows], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(name)
        columns = _columns(rows)
        sheet.append(openpyxl_row(sheet, columns))
        for row in rows:
            sheet.append(openpyxl_row(sheet, [_text(row.get(c)) for c in columns]))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def region_tables(region: Region) -> dict[str, list[dict[str, Any]]]:
    """The region as input tables again (subjects by code), e.g. to save an edited region."""
    tables: dict[str, list[dict[str, Any]]] = {}
    planar = region.coordinate_system == "planar"
    for name in SPEC_BY_NAME:
        records = getattr(region, name)
        if not records and name not in ("municipalities", "schools", "teachers", "methodists"):
            continue
        rows = []
        for record in records:
            row = record.model_dump(exclude={"planar"})
            if name in LOCATED_TABLES and planar:
                row["x"], row["y"] = row.pop("lat"), row.pop("lon")
            if "categories" in row:
                row["category"] = row.pop("categories")
            if name == "teachers":
                # a teacher of several subjects: one row per subject under the id as written
                row["teacher_id"] = row.pop("person_id")
                if row.get("phone") is None:
                    row.pop("phone", None)
            rows.append(row)
        tables[name] = rows
    return tables
