"""`assign sample national` and `assign batch`: generated regions that read back without a
finding; every region's whole plan as `assign plan` writes it, two at a time; a broken region
reported, not fatal; a second run skipping what was done from the same inputs."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assign.cli import app
from assign.io import load_region
from assign.pipeline.batch import LocalRunner, RegionOutcome, run_batch
from assign.sample.national import national_plan

runner = CliRunner()


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("national")
    done = runner.invoke(
        app, ["sample", "national", "--out", str(folder), "--regions", "2", "--teachers", "3000"]
    )
    assert done.exit_code == 0, done.output
    return folder


def test_the_national_sample_reads_back_as_generated(national: Path, tmp_path: Path) -> None:
    plan = national_plan(2, 3000)
    for name, teachers in plan:
        loaded = load_region(national / name)
        assert loaded.region is not None and loaded.report.error_count == 0
        assert loaded.report.warning_count == 0
        assert len(loaded.region.teachers) == teachers
        subjects = {t.subject for t in loaded.region.teachers}
        assert subjects <= {s for m in loaded.region.methodists for s in m.subjects}
    again = tmp_path / "again"
    runner.invoke(
        app, ["sample", "national", "--out", str(again), "--regions", "2", "--teachers", "3000"]
    )
    for name, _ in plan:  # the same files from the same seed
        for path in (national / name).iterdir():
            assert path.read_bytes() == (again / name / path.name).read_bytes()


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle, delimiter=";" if "summary" in path.name else ","))


def test_a_batch_plans_every_region_as_assign_plan_does_and_resumes(
    national: Path, tmp_path: Path
) -> None:
    regions = tmp_path / "regions"
    shutil.copytree(national, regions)
    broken = regions / "R99"
    shutil.copytree(regions / "R00", broken)
    text = (broken / "teachers.csv").read_text(encoding="utf-8")
    (broken / "teachers.csv").write_text(text.replace("school_id", "school"), encoding="utf-8")
    out = tmp_path / "out"
    seen: list[RegionOutcome] = []
    outcomes = run_batch(regions, out, LocalRunner(2), seen.append)
    assert [(o.folder, o.status) for o in outcomes] == [
        ("R00", "done"),
        ("R01", "done"),
        ("R99", "invalid"),
    ]
    assert len(seen) == 3 and "ошибок в данных" in outcomes[2].message
    for o in outcomes[:2]:
        assert o.teachers == len(load_region(regions / o.folder).region.teachers)  # type: ignore[union-attr]
        assert o.needed is not None and o.needed >= 1 and o.deficit is not None
        assert set(o.stages) == {"validate", "assignment", "pool", "schedule", "documents"}
        for made in ("assignment/assignments.csv", "pool", "schedule/schedule.csv", "plan.xlsx"):
            assert (out / o.folder / made).exists(), made
        assert (out / o.folder / "documents" / "order.docx").exists()
    # `assign plan` on one region writes the same plan and year
    single = tmp_path / "single"
    done = runner.invoke(app, ["plan", str(regions / "R01"), "--out", str(single)])
    assert done.exit_code == 0, done.output
    for made in ("assignment/assignments.csv", "schedule/schedule.csv"):
        assert (single / made).read_bytes() == (out / "R01" / made).read_bytes(), made
    # a second run: done regions skipped, a changed one and the broken one run again
    teachers = regions / "R01" / "teachers.csv"
    rows = teachers.read_text(encoding="utf-8").splitlines()
    teachers.write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")
    again = run_batch(regions, out, LocalRunner(1))
    assert [(o.folder, o.status) for o in again] == [
        ("R00", "skipped"),
        ("R01", "done"),
        ("R99", "invalid"),
    ]
    assert again[1].teachers == outcomes[1].teachers - 1


def test_the_batch_command_prints_and_writes_a_summary(national: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = runner.invoke(app, ["batch", str(national), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "Пакет: 2 региона" in done.output and "готово" in done.output
    summary = _csv(out / "summary.csv")
    assert [r["Папка"] for r in summary] == ["R00", "R01"]
    assert all(r["Итог"] == "готово" and int(r["Педагогов"]) > 0 for r in summary)
    empty = runner.invoke(app, ["batch", str(tmp_path / "nothing"), "--out", str(out)])
    assert empty.exit_code == 2 and "нет регионов" in empty.output
