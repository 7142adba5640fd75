from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
