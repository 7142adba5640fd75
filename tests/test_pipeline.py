"""One plan behind every output: `assign plan` runs each stage once, each reading the files the
stage before saved; the documents show the saved year plan's dates, and its unplanned events
as unplanned."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from typer.testing import CliRunner

from assign.cli import app
from assign.format import date_ru
from assign.io import load_region_or_raise
from conftest import DATA, card_id

runner = CliRunner()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """small_ok with a working week too short for its events, so some stay unplanned."""
    root = tmp_path_factory.mktemp("pipeline")
    region = root / "region"
    shutil.copytree(DATA / "small_ok", region)
    (region / "region.yaml").write_text(
        "name: Малая область\n"
        "assignment:\n  min_load: 0\n  max_load: 9\n"
        "year_plan:\n  hours_per_week: 2\n  time_limit: 5\n",
        encoding="utf-8",
    )
    out = root / "out"
    done = runner.invoke(app, ["plan", str(region), "--out", str(out)], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    return out


def test_every_stage_is_saved_once(planned: Path) -> None:
    for name in (
        "assignment/assignments.csv",
        "assignment/changes.csv",
        "pool/pool.csv",
        "schedule/schedule.csv",
        "schedule/unplanned.csv",
        "documents/order.docx",
        "documents/roadmaps.xlsx",
    ):
        assert (planned / name).is_file(), name
    plan = json.loads((planned / "plan.json").read_text(encoding="utf-8"))
    assert plan["region"] == "Малая область"
    assert plan["settings"]["year_plan"]["hours_per_week"] == 2


def test_cards_show_the_saved_dates_and_the_unplanned(planned: Path) -> None:
    placed = read_csv(planned / "schedule" / "schedule.csv")
    unplanned = read_csv(planned / "schedule" / "unplanned.csv")
    assert unplanned, "a two-hour week leaves events unplanned"
    cards = {card_id(p): docx_text(p) for p in (planned / "documents" / "iom").glob("*.docx")}
    assert cards
    shown = 0
    for row in unplanned:
        for teacher in row["teacher_ids"].split(";"):
            if teacher in cards:
                assert "не запланировано" in cards[teacher], (teacher, row["event_id"])
                shown += 1
    assert shown, "an unplanned event of a teacher on an IOM"
    for row in placed:
        day = datetime.fromisoformat(row["start"]).date()
        for teacher in row["teacher_ids"].split(";"):
            if teacher in cards and row["type"] in ("diagnostics_entry", "iom_development"):
                assert date_ru(day) in cards[teacher], (teacher, row["event_id"])


def test_documents_read_a_hand_edited_saved_plan(planned: Path, tmp_path: Path) -> None:
    """What a planner edits between stages is what the next stage uses."""
    rows = read_csv(planned / "assignment" / "assignments.csv")
    edited = tmp_path / "assignments.csv"
    math = [r for r in rows if r["subject"] == "math"]
    target = next(r["methodist_id"] for r in math if r["methodist_id"] != math[0]["methodist_id"])
    math[0]["methodist_id"] = target
    with edited.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    region = planned.parent / "region"
    out = tmp_path / "docs"
    done = runner.invoke(
        app,
        [
            "documents",
            str(region),
            "--out",
            str(out),
            "--solution",
            str(edited),
            "--schedule",
            str(planned / "schedule"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert not (out / "schedule").exists()  # the saved year plan, not a second one
    workbook = read_workbook_assignment(out / "assignment.xlsx")
    assert workbook[math[0]["teacher_id"]] == target


def read_workbook_assignment(path: Path) -> dict[str, str]:
    """teacher id → methodist id from the workbook's sheet per methodist (title «name — …»,
    teachers' names in column B under the header)."""
    region = load_region_or_raise(DATA / "small_ok")
    methodist_by_name = {m.full_name: m.methodist_id for m in region.methodists}
    teacher_by_name = {t.full_name: t.teacher_id for t in region.teachers}
    found: dict[str, str] = {}
    book = openpyxl.load_workbook(path, read_only=True)
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        title = str(rows[0][0] or "") if rows else ""
        methodist = methodist_by_name.get(title.split(" — ")[0])
        if methodist is None:
            continue
        for row in rows[1:]:
            if len(row) > 1 and row[1] in teacher_by_name:
                found[teacher_by_name[str(row[1])]] = methodist
    return found
