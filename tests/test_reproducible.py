"""Reproducible runs: the same input and settings give the same plan — solved twice in one
process, and in fresh processes under different string-hash seeds (PYTHONHASHSEED), so no
set or dict order can leak into a plan."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assign.assignment import AssignmentSettings, build_problem, solve
from assign.io import load_region_or_raise
from assign.pipeline import load_region_settings
from conftest import DATA, SAMPLES

REPO = Path(__file__).parent.parent
TAMBOV = SAMPLES / "tambov"  # 10 800 teachers; its assignment solves in about a second

SCRIPT = """
import hashlib, json, sys, tempfile
from pathlib import Path
from assign.assignment import build_problem, solve
from assign.io import load_region_or_raise
from assign.pipeline import ASSIGNMENT_DIR, POOL_DIR, SCHEDULE_DIR, load_region_settings, run_plan

plans = {}
tambov = Path(sys.argv[1])
region = load_region_or_raise(tambov)
plans["tambov"] = solve(build_problem(region, load_region_settings(tambov).assignment)).assignment
small = Path(sys.argv[2])
with tempfile.TemporaryDirectory() as out:
    stages = (ASSIGNMENT_DIR, POOL_DIR, SCHEDULE_DIR)
    settings = load_region_settings(small)
    run_plan(load_region_or_raise(small), small, settings, Path(out), stages=stages)
    for name in ("assignment/assignments.csv", "pool/pool.csv", "schedule/schedule.csv"):
        plans[name] = hashlib.sha256((Path(out) / name).read_bytes()).hexdigest()
print(json.dumps(plans, sort_keys=True))
"""


@pytest.mark.parametrize(
    "settings",
    [
        AssignmentSettings(min_load=0, max_load=9),  # the min-cost flow
        AssignmentSettings(min_load=0, max_load=9, load_unit="weighted"),  # HiGHS
        AssignmentSettings(min_load=0, max_load=9, load_unit="weighted", solver="cpsat"),
    ],
    ids=["flow", "highs", "cpsat"],
)
def test_small_region_twice(settings: AssignmentSettings) -> None:
    region = load_region_or_raise(DATA / "small_ok")
    first = solve(build_problem(region, settings))
    second = solve(build_problem(region, settings))
    assert first.assignment and first.assignment == second.assignment
    assert first.objective == second.objective


def test_tambov_twice() -> None:
    region = load_region_or_raise(TAMBOV)
    settings = load_region_settings(TAMBOV).assignment
    first = solve(build_problem(region, settings)).assignment
    assert first == solve(build_problem(region, settings)).assignment


def _plans(hash_seed: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(TAMBOV), str(DATA / "small_ok")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_same_plans_under_other_hash_seeds() -> None:
    """Assignment (tambov), pool and year plan (small_ok) byte for byte."""
    assert _plans("1") == _plans("2")
