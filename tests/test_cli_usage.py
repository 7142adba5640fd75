"""The command line's usage errors reach a planner in Russian, with the option named and exit
code 2, never as Typer's English («Invalid value for…», «No such option…»)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assign.cli import main

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).parents[1] / "data"
ASSIGN = Path(sys.executable).with_name("assign")
ENGLISH = ("Invalid value", "No such", "Missing", "Got unexpected", "requires an", "Try '")


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    argv = sys.argv
    sys.argv = ["assign", *args]
    try:
        with pytest.raises(SystemExit) as stopped:
            main()
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return int(stopped.value.code or 0), " ".join((captured.out + captured.err).split())


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["solve", "--time-limit", "abc"], "Неверный параметр --time-limit: нужно число"),
        (["solve", "--max-load", "много"], "Неверный параметр --max-load: нужно число"),
        (["solve", "--time-limit", "nan"], "Неверный параметр --time-limit: нужно конечное число"),
        (["solve", "--time-limit", "0"], "Неверный параметр --time-limit: должно быть больше 0"),
        (["solve", "--max-load", "0.5"], "минимальная нагрузка 100 больше максимальной 0,5"),
        (["solve", "--load-unit", "kg"], "Неверный параметр --load-unit: допустимые значения"),
        (
            ["solve", "--time-limti", "30"],
            "Нет такого параметра: --time-limti (может быть, --time-limit",
        ),
        (["solve", "--time-limit"], "Параметру --time-limit нужно значение"),
        (["solve", "extra"], "Лишние аргументы: extra"),
        (["schedule", "--year-time-limit", "inf"], "--year-time-limit: нужно конечное число"),
        (["schedule", "--year-time-limit", "nan"], "--year-time-limit: нужно конечное число"),
        (["schedule", "--year-time-limit", "99999"], "--year-time-limit: должно быть не больше"),
        (["schedule", "--hours-per-week", "nan"], "--hours-per-week: нужно конечное число"),
        (["pool", "--count", "0"], "Неверный параметр --count: должно быть не меньше 1"),
        (["pool", "--memory-limit", "inf"], "--memory-limit: нужно конечное число"),
        (["pool", "--memory-limit", "nan"], "--memory-limit: нужно конечное число"),
        (["solve", "--max-load", "1,5"], "дробная часть пишется через точку: 1.5"),
        (["solve", "--reach-months", "a,b"], "--reach-months: нужны номера месяцев"),
        (["solve", "--weights", "travel=x"], "--weights: нужны пары цель=вес"),
        (["solve", "--weights", "travel"], "--weights: нужны пары цель=вес"),
        (["solve", "--weights", "foo=1"], "Неверный параметр --weights: неизвестное имя «foo»"),
        (["solve", "--rank", "travel,foo"], "Неверный параметр --rank: допустимые значения"),
        (
            ["solve", "--min-load", "250.5", "--max-load", "100.5"],
            "Неверные параметры --min-load, --max-load или --preset: минимальная нагрузка "
            "250,5 больше максимальной 100,5",
        ),
        (["solve", "--reach-months", "13"], "--reach-months: месяцы досягаемости"),
    ],
)
def test_a_bad_value_is_one_russian_line_naming_its_option(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    command, *options = args
    code, output = _run([command, str(DATA / "small_ok"), *options], capsys)
    assert code == 2
    assert said in output
    assert not any(english in output for english in ENGLISH), output
    assert "Traceback" not in output and "assignment." not in output
    assert "0.0" not in output and "finite_number" not in output


def test_a_file_as_the_output_folder_and_token_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    afile = tmp_path / "kpi.json"
    afile.write_text("{}", encoding="utf-8")
    code, output = _run(["solve", str(DATA / "small_ok"), "--out", str(afile)], capsys)
    assert code == 2
    assert "Неверный параметр --out:" in output and "файл, а нужна папка" in output
    assert afile.read_text(encoding="utf-8") == "{}"
    # a folder beneath a file: refused before the solving, not a traceback after it
    code, output = _run(["solve", str(DATA / "small_ok"), "--out", str(afile / "sub")], capsys)
    assert code == 2 and "Traceback" not in output
    assert "— файл: папку" in output and "в нём не создать" in output
    for days, said in (("inf", "нужно конечное число"), ("1e9", "должно быть не больше 3650")):
        code, output = _run(["token", "create", "--org", "x", "--days", days], capsys)
        assert code == 2
        assert f"Неверный параметр --days: {said}" in output


def test_a_write_the_system_refuses_is_told_in_russian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder where the plan's file should go (the system refuses the write after the
    solving): the file named and the reason in Russian, exit code 1, no traceback."""
    (tmp_path / "assignments.csv").mkdir()
    code, output = _run(["solve", str(DATA / "small_ok"), "--out", str(tmp_path)], capsys)
    assert code == 1 and "Traceback" not in output
    assert "Не удалось записать или прочитать «" in output and "assignments.csv" in output
    assert "это папка, а нужен файл" in output
    # a workbook: xlsxwriter wraps the system's refusal in an error of its own
    other = tmp_path / "other"
    (other / "plan.xlsx").mkdir(parents=True)
    code, output = _run(["plan", str(DATA / "small_ok"), "--out", str(other)], capsys)
    assert code == 1 and "Traceback" not in output, output
    assert "plan.xlsx»: это папка, а нужен файл" in output


def test_teachers_no_methodist_can_take_are_not_priced_as_if_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Physics taught by a candidate only: `solve` leaves its teacher out and says why, and
    the penalty beside «Не закреплено» is named for what it counts — teachers left out for
    want of room — where «штраф за незакреплённых 0» beside «Не закреплено 159» read as a
    contradiction (the review's case); validate tells what only `pool` can do."""
    region = tmp_path / "region"
    shutil.copytree(DATA / "small_ok", region)
    methodists = region / "methodists.csv"
    text = methodists.read_text(encoding="utf-8")
    methodists.write_text(text.replace("Математика;Физика", "Математика"), encoding="utf-8")
    code, output = _run(["solve", str(region), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, output
    assert (
        "Не закреплено │ 1 │" in output and "предмет «Физика» не ведёт ни один методист" in output
    )
    # a partial plan (this region's settings) names what its penalty counts
    assert "штраф за педагогов, которым не хватило места у методистов (ед.) │ 0 │" in output
    code, output = _run(["validate", str(region)], capsys)
    assert "не ведёт ни один методист, только кандидаты (1)" in output
    assert "подбор пула (assign pool) наберёт методистов из кандидатов" in output
    # Tambov without its only music methodist: its teachers are not the penalty's
    tambov = tmp_path / "tambov"
    shutil.copytree(SAMPLES / "tambov", tambov)
    methodists = tambov / "methodists.csv"
    lines = methodists.read_text(encoding="utf-8").splitlines(keepends=True)
    methodists.write_text("".join(x for x in lines if ",Музыка," not in x), encoding="utf-8")
    code, output = _run(["solve", str(tambov), "--out", str(tmp_path / "t")], capsys)
    assert code == 0, output
    assert "Не закреплено │ 159 │" in output
    assert "штраф за педагогов, которым не хватило места у методистов (ед.) │ 0 │" in output
    assert "других методистов по предмету «Музыка» нет: 153 педагога останутся" in output


def test_a_pool_larger_than_its_people_names_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = ["pool", str(DATA / "small_ok"), "--subject", "math", "--count", "500"]
    code, output = _run([*pool, "--out", str(tmp_path / "out")], capsys)
    assert code == 1
    assert "пул из 500 не набрать — всего" in output and "(--count)" in output


def test_missing_argument_and_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = _run(["solve"], capsys)
    assert code == 2
    assert "Не задан обязательный аргумент ПУТЬ: Папка с CSV-файлами региона" in output
    assert "Справка: assign solve --help" in output
    code, output = _run(["frobnicate"], capsys)
    assert code == 2
    assert "Нет такой команды: frobnicate" in output


def test_help_and_a_good_command_keep_their_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = _run(["solve", "--help"], capsys)
    assert code == 0 and "--time-limit" in output
    code, output = _run(["solve", str(DATA / "small_ok"), "--min-load", "0"], capsys)
    assert code == 0 and "оптимум доказан" in output


@pytest.mark.parametrize(
    "args",
    [["--help"], ["solve", "--help"], ["scenario", "--help"], ["scenario", "run", "--help"]],
)
def test_help_screens_are_russian_throughout(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Click words the usage line, the --help option and the value types itself, in English;
    a planner's help screen says them in Russian."""
    code, output = _run(args, capsys)
    assert code == 0
    command = " ".join(a for a in args if a != "--help")
    assert f"Использование: assign {command} [ПАРАМЕТРЫ]".replace("  ", " ") in output
    assert "--help Показать эту справку и выйти." in output
    english = ("Usage", "OPTIONS", "COMMAND", "ARGS", "Show this message", "<path>", "<str>")
    assert not [word for word in english if word in output], output
    assert "<bool>" not in output and "<float>" not in output and "<int>" not in output
    if args == ["--help"]:
        assert "КОМАНДА [АРГУМЕНТЫ]..." in output
    if args == ["solve", "--help"]:
        assert "{ПУТЬ}" in output and "--out <путь>" in output and "--max-load <число>" in output


def test_the_installed_command_speaks_russian() -> None:
    """The `assign` executable runs `cli.main` (pyproject's entry point), not the bare app."""
    done = subprocess.run(
        [str(ASSIGN), "solve", str(DATA / "small_ok"), "--time-limit", "abc"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": ""},
        check=False,
    )
    assert done.returncode == 2
    assert "Неверный параметр --time-limit: нужно число" in done.stderr
    assert "Invalid value" not in done.stdout + done.stderr
