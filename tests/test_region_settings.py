"""region.yaml: one settings object behind every planning command; flags override it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assign.cli import app
from assign.pipeline.settings import (
    RegionSettings,
    RegionSettingsError,
    load_region_settings,
    settings_path,
)
from conftest import DATA, SAMPLES


def test_sample_region_files_hold_their_norms() -> None:
    yakutia = load_region_settings(SAMPLES / "yakutia")
    assert yakutia.name == "Республика Саха (Якутия)"
    assert (yakutia.assignment.load_min, yakutia.assignment.load_max) == (100, 150)
    assert yakutia.assignment.required_months == (1, 2, 3, 4)
    assert yakutia.calendar.region_key == "sakha"
    tambov = load_region_settings(SAMPLES / "tambov")
    assert tambov.name == "Тамбовская область"
    assert (tambov.assignment.load_min, tambov.assignment.load_max) == (100, 250)


def test_no_file_means_defaults_and_a_workbook_looks_beside_itself(tmp_path: Path) -> None:
    assert load_region_settings(DATA / "small_ok") == RegionSettings()
    workbook = tmp_path / "region.xlsx"
    assert settings_path(workbook) == tmp_path / "region.yaml"
    (tmp_path / "region.yaml").write_text("name: Пробная область\n", encoding="utf-8")
    assert load_region_settings(workbook).name == "Пробная область"


def test_override_replaces_only_the_given_fields() -> None:
    base = load_region_settings(SAMPLES / "yakutia")
    changed = base.override(assignment={"preset": "federal", "reach": None})
    assert (changed.assignment.load_min, changed.assignment.load_max) == (200, 250)
    assert changed.assignment.reach == "months"  # not given: the file's
    assert changed.documents == base.documents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("assignment:\n  preset: nowhere\n", "assignment.preset"),
        ("assignment:\n  min_load: -1\n", "assignment.min_load"),
        ("colour: red\n", "colour"),
        ("year_plan: [1, 2]\n", "year_plan"),
        ("- just\n- a list\n", "ожидается словарь"),
        ("name: [unclosed\n", "ошибка YAML"),
    ],
)
def test_bad_settings_name_the_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    region = tmp_path / "r"
    shutil.copytree(DATA / "small_ok", region)
    (region / "region.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RegionSettingsError, match=r"region\.yaml") as caught:
        load_region_settings(region)
    assert expected in str(caught.value)
    done = CliRunner().invoke(app, ["solve", str(region), "--out", str(tmp_path / "o")])
    assert done.exit_code == 2
    assert "region_settings_invalid" in done.output and "Traceback" not in done.output


def test_commands_read_the_file_and_flags_override_it(tmp_path: Path) -> None:
    region = tmp_path / "r"
    shutil.copytree(DATA / "small_ok", region)
    (region / "region.yaml").write_text(
        "name: Малая область\nassignment:\n  min_load: 0\n  max_load: 9\n", encoding="utf-8"
    )
    runner = CliRunner()
    done = runner.invoke(app, ["solve", str(region), "--out", str(tmp_path / "a")])
    assert done.exit_code == 0, done.output
    settings = json.loads((tmp_path / "a" / "kpi.json").read_text(encoding="utf-8"))["settings"]
    assert (settings["min_load"], settings["max_load"]) == (0, 9)
    done = runner.invoke(
        app, ["solve", str(region), "--out", str(tmp_path / "b"), "--max-load", "7"]
    )
    assert done.exit_code == 0, done.output
    settings = json.loads((tmp_path / "b" / "kpi.json").read_text(encoding="utf-8"))["settings"]
    assert (settings["min_load"], settings["max_load"]) == (0, 7)
    done = runner.invoke(app, ["info", str(region)], env={"COLUMNS": "200"})
    assert done.exit_code == 0 and "Малая область" in done.output
