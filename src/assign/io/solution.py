"""Reading a plan back: the assignments.csv that `assign solve` writes, checked against the
region, so documents are made from a saved (perhaps hand-edited) plan without solving again.

Every problem is an Issue naming the file, the row and the field; nothing is dropped silently.
"""

from __future__ import annotations

from pathlib import Path

from assign.domain import Region
from assign.errors import Code, Issue, Report
from assign.io.tables import ASSIGNMENTS, TableSpec
from assign.io.tables import read_side_table as read_side_file
from assign.subjects import resolve_subject

COLUMNS = ("teacher_id", "methodist_id")


def read_side_table(
    path: Path, spec: TableSpec, what: str, report: Report
) -> tuple[str, list[tuple[int, dict[str, str]]]] | None:
    """The source name and rows of a side file beside the region (a plan, availability) read
    as the region's tables are (CSV in any common encoding and separator, or XLSX), or None
    with the problem in `report`: a missing file, or a missing required column."""
    table, issues = read_side_file(path, spec)
    for issue in issues:
        if issue.code is Code.FILE_MISSING:
            issue = Issue(Code.FILE_MISSING, f"файл {what} не найден или не читается", path.name)
        report.add(issue)
    if table is None:
        return None
    missing = [c for c in spec.required if c not in table.headers]
    for column in missing:
        found = ", ".join(f"«{h}»" for h in table.headers.values()) or "ничего"
        report.add(
            Issue(
                Code.COLUMN_MISSING,
                f"нет обязательного столбца «{column}»; в заголовке найдены: {found}",
                table.source,
                table.header_row,
                column,
            )
        )
    return None if missing else (table.source, table.rows)


def _record_id(region: Region, teacher: str, subject: str, methodist: str) -> str | None:
    """The record a plan row means: its id, or for a teacher of several subjects the id as
    written plus the subject (or the subject the methodist teaches)."""
    if teacher in region.teacher_by_id:
        return teacher
    records = [t for t in region.teachers if t.person_id == teacher]
    code = resolve_subject(subject) if subject else None
    teaches = (
        region.methodist_by_id[methodist].subjects if methodist in region.methodist_by_id else ()
    )
    for record in records:
        if record.subject == code or (code is None and record.subject in teaches):
            return record.teacher_id
    return None


def read_assignment(path: Path, region: Region) -> tuple[dict[str, str], Report]:
    report = Report()
    read = read_side_table(path, ASSIGNMENTS, "плана", report)
    if read is None:
        return {}, report
    name, rows = read
    assignment: dict[str, str] = {}
    for number, row in rows:
        teacher = (row.get("teacher_id") or "").strip()
        methodist = (row.get("methodist_id") or "").strip()
        for column, value in (("teacher_id", teacher), ("methodist_id", methodist)):
            if not value:
                report.add(Issue(Code.VALUE_MISSING, "пустое значение", name, number, column))
        if not teacher or not methodist:
            continue
        teacher = _record_id(region, teacher, row.get("subject", ""), methodist) or teacher
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
