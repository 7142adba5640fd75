from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

# Rich wraps the CLI's messages at the terminal's width, which a test run may not have (pytest
# workers have no terminal): a wide one, so that a message the tests look for stays on one line
os.environ.setdefault("COLUMNS", "200")

TESTS = Path(__file__).parent
DATA = TESTS / "data"
REPO = TESTS.parent
SAMPLES = REPO / "data"


@pytest.fixture
def small_copy(tmp_path: Path) -> Path:
    """A writable copy of small_ok, for tests that break one file."""
    target = tmp_path / "region"
    shutil.copytree(DATA / "small_ok", target)
    return target


@pytest.fixture
def small_plan(tmp_path: Path) -> Path:
    """`assign solve` on small_ok: its assignments.csv, for the commands that take --solution."""
    from typer.testing import CliRunner

    from assign.cli import app

    out = tmp_path / "plan"
    done = CliRunner().invoke(
        app,
        ["solve", str(DATA / "small_ok"), "--out", str(out), "--min-load", "0", "--max-load", "9"],
    )
    assert done.exit_code == 0, done.output
    return out / "assignments.csv"


def card_id(path: Path | str) -> str:
    """The teacher id in an IOM card's file name, «Иванова Анна Петровна (T02).docx» → T02."""
    match = re.search(r"\(([^()]*)\)$", Path(path).stem)
    assert match, path
    return match[1]
