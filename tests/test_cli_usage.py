"""The command line's usage errors reach a planner in Russian, with the option named and exit
code 2, never as Typer's English («Invalid value for…», «No such option…»)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assign.cli import main

DATA = Path(__file__).parent / "data"
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
        (["--time-limit", "abc"], "Неверный параметр --time-limit: нужно число"),
        (["--max-load", "много"], "Неверный параметр --max-load: нужно число"),
        (["--time-limit", "nan"], "Неверный параметр --time-limit: нужно конечное число"),
        (["--time-limit", "0"], "Неверный параметр --time-limit: должно быть больше 0"),
        (["--max-load", "0.5"], "минимальная нагрузка 100 больше максимальной 0,5"),
        (["--load-unit", "kg"], "Неверный параметр --load-unit: допустимые значения"),
        (["--time-limti", "30"], "Нет такого параметра: --time-limti (может быть, --time-limit"),
        (["--time-limit"], "Параметру --time-limit нужно значение"),
        (["extra"], "Лишние аргументы: extra"),
    ],
)
def test_a_usage_error_is_one_russian_line(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _run(["solve", str(DATA / "small_ok"), *args], capsys)
    assert code == 2
    assert said in output
    assert not any(english in output for english in ENGLISH), output
    assert "0.0" not in output and "finite_number" not in output


def test_missing_argument_and_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = _run(["solve"], capsys)
    assert code == 2
    assert "Не задан обязательный аргумент PATH" in output
    assert "Справка: assign solve --help" in output
    code, output = _run(["frobnicate"], capsys)
    assert code == 2
    assert "Нет такой команды: frobnicate" in output


def test_help_and_a_good_command_keep_their_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = _run(["solve", "--help"], capsys)
    assert code == 0 and "--time-limit" in output
    code, output = _run(["solve", str(DATA / "small_ok"), "--min-load", "0"], capsys)
    assert code == 0 and "оптимум доказан" in output


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
