"""The command line, run as a user would (exit codes, Russian output)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from assign.cli import app
from conftest import DATA, SAMPLES

runner = CliRunner()


def test_validate_ok_region_exits_zero() -> None:
    result = runner.invoke(app, ["validate", str(DATA / "small_ok")])
    assert result.exit_code == 0, result.output
    assert "Ошибок нет" in result.output
    # the candidate's unchecked eligibility, and S4 taken at its municipality's centre
    assert "Предупреждения: 2" in result.output
    assert "eligibility_unchecked" in result.output and "school_at_centre" in result.output


def test_validate_bad_region_exits_one_with_locations(small_copy: Path) -> None:
    path = small_copy / "teachers.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("S1,Математика", "S1,Матиматика"), encoding="utf-8"
    )
    result = runner.invoke(app, ["validate", str(small_copy)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "Найдено ошибок: 1" in result.output
    assert "unknown_subject" in result.output
    data = json.loads(runner.invoke(app, ["validate", str(small_copy), "--json"]).output)
    assert data["ok"] is False
    error = next(i for i in data["issues"] if i["severity"] == "error")
    assert (error["file"], error["row"], error["column"], error["code"]) == (
        "teachers.csv",
        2,
        "subject",
        "unknown_subject",
    )


def test_validate_missing_path_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "нет.xlsx")], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "путь не найден" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_info_prints_subjects_norms_and_writes_the_cross_table(tmp_path: Path) -> None:
    out = tmp_path / "cross.csv"
    result = runner.invoke(
        app, ["info", str(DATA / "small_ok"), "--out", str(out)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "Математика" in result.output
    assert "Нужно 100–250" in result.output  # the settings' norm; the sources' for comparison
    assert "для сравнения 100–150" in result.output and "для сравнения 200–250" in result.output
    assert "Математика: 5 педагогов — меньше минимальной нагрузки" in result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Russian Excel opens it by a double click
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[0] == "Муниципальное образование"
    assert lines[0].split(";")[1:] == [
        "Иностранный язык (английский)",
        "Математика",
        "Начальные классы",
        "Физика",
    ]  # Russian order
    assert lines[1] == "Городской округ Центральный;0;3;2;0"


def test_demo_on_the_sample_regions(tmp_path: Path) -> None:
    """The demo runs `assign plan` per sample: every stage once, each reading the last one's
    files, into out/<region>/{assignment,pool,schedule,documents}."""
    result = runner.invoke(
        app,
        ["demo", "--data", str(SAMPLES), "--out", str(tmp_path), "--year-time-limit", "4"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Регион «Тамбовская область»" in result.output
    assert "Регион «Республика Саха (Якутия)»" in result.output
    assert "18 600" in result.output
    assert result.output.count("Закрепление: оптимум доказан") == 2
    assert result.output.count("Пул методистов: оптимум доказан") == 2
    for region in ("tambov", "yakutia"):
        folder = tmp_path / region
        kpi = json.loads((folder / "assignment" / "kpi.json").read_text(encoding="utf-8"))
        assert kpi["status"] == "optimal"
        pool = json.loads((folder / "pool" / "kpi.json").read_text(encoding="utf-8"))
        assert pool["status"] == "optimal" and pool["objective_kind"] == "pool_size"
        assert (folder / "schedule" / "schedule.csv").is_file()
        assert (folder / "documents" / "order.docx").is_file()
        plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        assert plan["stages"] == ["assignment", "pool", "schedule", "documents"]
        assert plan["teachers_changed"] == kpi["changes"]["teachers_changed"]
        assert plan["settings"]["year_plan"]["time_limit"] == 4  # the flag over region.yaml


def test_ctrl_c_stops_a_long_solve_at_once_and_writes_nothing(tmp_path: Path) -> None:
    """Ctrl-C during Yakutia's weighted loads (about a minute of solving): the subject groups
    running are interrupted, the command ends within seconds with «Прервано.» and code 130,
    and no half-made plan is written."""
    out = tmp_path / "out"
    command = [str(Path(sys.executable).with_name("assign")), "solve", str(SAMPLES / "yakutia")]
    child = subprocess.Popen(
        [*command, "--load-unit", "weighted", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell's background job ignores SIGINT, and Python would keep that: not a terminal
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert child.stdout is not None
    assert "Предупреждений" in child.stdout.readline()  # the region is read: solving next
    time.sleep(4.0)  # the problem built, the two largest groups on their threads
    child.send_signal(signal.SIGINT)
    asked = time.monotonic()
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130 and "Прервано." in err, err
    assert time.monotonic() - asked < 10
    assert not (out / "assignments.csv").exists()
