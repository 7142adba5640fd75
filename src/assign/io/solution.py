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


def read_assignment(path: Path, region: Region) -> tuple[dict[str, str], Report]:
    report = Report()
    name = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
            header = rows[0].keys() if rows else []
    except OSError:
        report.add(Issue(Code.FILE_MISSING, "файл плана не найден или не читается", name))
        return {}, report
    missing = [c for c in COLUMNS if c not in header]
    if missing or not rows:
        for column in missing or COLUMNS:
            report.add(Issue(Code.COLUMN_MISSING, "нет обязательного столбца", name, None, column))
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
