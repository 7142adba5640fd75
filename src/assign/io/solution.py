"""Reading a plan back: the assignments.csv that `assign solve` writes, checked against the
region, so documents are made from a saved (perhaps hand-edited) plan without solving again.

Every problem is an Issue naming the file, the row and the field; nothing is dropped silently.
"""

from __future__ import annotations

import csv
from pathlib import Path

from assign.domain import Region
from assign.errors import Code, Issue, Report

COLUMNS = ("teacher_id", "methodist_id")


def read_side_table(
    path: Path, required: tuple[str, ...], what: str, report: Report
) -> list[dict[str, str]] | None:
    """The rows of a small CSV beside the region (a plan, availability), or None with the
    problem in `report`: a missing file, or a missing required column."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = reader.fieldnames or []
    except OSError:
        report.add(Issue(Code.FILE_MISSING, f"файл {what} не найден или не читается", path.name))
        return None
    missing = [c for c in required if c not in header]
    for column in missing:
        report.add(Issue(Code.COLUMN_MISSING, "нет обязательного столбца", path.name, None, column))
    return None if missing else rows


def read_assignment(path: Path, region: Region) -> tuple[dict[str, str], Report]:
    report = Report()
    name = path.name
    rows = read_side_table(path, COLUMNS, "плана", report)
    if rows is None:
        return {}, report
    assignment: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        teacher, methodist = (row["teacher_id"] or "").strip(), (row["methodist_id"] or "").strip()
        for column, value in (("teacher_id", teacher), ("methodist_id", methodist)):
            if not value:
                report.add(Issue(Code.VALUE_MISSING, "пустое значение", name, number, column))
        if not teacher or not methodist:
            continue
        if teacher not in region.teacher_by_id:
            report.add(
                Issue(
                    Code.UNKNOWN_REFERENCE,
                    "нет такого педагога",
                    name,
                    number,
                    "teacher_id",
                    teacher,
                )
            )
        elif methodist not in region.methodist_by_id:
            report.add(
                Issue(
                    Code.UNKNOWN_REFERENCE,
                    "нет такого методиста",
                    name,
                    number,
                    "methodist_id",
                    methodist,
                )
            )
        elif teacher in assignment:
            report.add(
                Issue(
                    Code.DUPLICATE_ASSIGNMENT,
                    "педагог закреплён повторно",
                    name,
                    number,
                    "teacher_id",
                    teacher,
                )
            )
        else:
            assignment[teacher] = methodist
    return assignment, report
