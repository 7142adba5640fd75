"""Reading a written year plan back (schedule.csv and unplanned.csv), so the documents and every
later stage use the one plan that was saved, never a second one made on the side."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from assign.io.safe_text import csv_text_back


@dataclass(frozen=True)
class ScheduleRow:
    """One row of schedule.csv (placed) or unplanned.csv (with its reason)."""

    event_id: str
    event_key: str  # the catalogue entry it comes from
    type: str
    methodist_id: str
    teacher_ids: tuple[str, ...]
    start: datetime | None = None
    format: str = ""
    reason: str = ""


@dataclass(frozen=True)
class SavedSchedule:
    placed: tuple[ScheduleRow, ...]
    unplanned: tuple[ScheduleRow, ...]


class SavedScheduleError(ValueError):
    code = "schedule_file_invalid"


def _event_key(row: dict[str, str]) -> str:
    """The catalogue key: its own column, else from the id «<methodist>-<key>[-…]» (catalogue
    keys hold no «-»)."""
    if row.get("event_key"):
        return row["event_key"]
    rest = row["event_id"].removeprefix(row["methodist_id"] + "-")
    return rest.split("-", 1)[0]


def _rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [{k: csv_text_back(v or "") for k, v in row.items()} for row in reader]
            header = reader.fieldnames or []
    except OSError:
        raise SavedScheduleError(
            f"{path.name}: файл плана года не найден или не читается"
        ) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise SavedScheduleError(f"{path.name}: нет столбцов {', '.join(missing)}")
    return rows


def _row(row: dict[str, str], **more: Any) -> ScheduleRow:
    return ScheduleRow(
        row["event_id"],
        _event_key(row),
        row["type"],
        row["methodist_id"],
        tuple(t for t in row["teacher_ids"].split(";") if t),
        **more,
    )


def read_saved_schedule(folder: Path) -> SavedSchedule:
    """The plan in `folder`; a missing file or column is a SavedScheduleError in Russian."""
    required = ("event_id", "type", "methodist_id", "teacher_ids")
    placed = []
    for number, row in enumerate(_rows(folder / "schedule.csv", (*required, "start")), start=2):
        try:
            start = datetime.fromisoformat(row["start"])
        except ValueError:
            raise SavedScheduleError(
                f"schedule.csv, строка {number}, поле «start»: не дата и время «{row['start']}»"
            ) from None
        placed.append(_row(row, start=start, format=row.get("format", "")))
    unplanned = [
        _row(row, reason=row.get("reason", ""))
        for row in _rows(folder / "unplanned.csv", (*required, "reason"))
    ]
    return SavedSchedule(tuple(placed), tuple(unplanned))
