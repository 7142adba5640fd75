"""A command's --time-limit is the whole command's (issue: proofs at region scale): the clock
starts with the command, a pool's two solves of a subject share its time, and the stages of
`plan` and `explain` share one limit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import assign.pipeline as pipeline
import assign.pool.sizing as sizing
from assign import clock
from assign.assignment import AssignmentSettings, Status
from assign.cli import app
from assign.io import load_region_or_raise
from assign.pipeline import ASSIGNMENT_DIR, POOL_DIR, SCHEDULE_DIR, STAGES, PlanClock
from assign.pipeline.settings import load_region_settings
from assign.pool import PoolSettings, size_pool
from conftest import DATA
from test_pool import _instance

runner = CliRunner()
PLAN = ["plan", str(DATA / "small_ok"), "--min-load", "0", "--time-limit", "40"]
EXPLAIN = ["explain", str(DATA / "small_ok"), "--teacher", "T05", "--min-load", "0"]


def test_the_solvers_have_what_is_left_of_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_started", time.perf_counter() - 10.0)
    left = clock.solving_time(30.0)
    assert 30.0 * (1 - clock.WRITING_SHARE) - 10.2 < left <= 30.0 * (1 - clock.WRITING_SHARE) - 10
    assert clock.solving_time(5.0) == clock.MIN_SECONDS  # spent already: the floor


def test_a_command_long_after_the_import_starts_its_own_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clock, "IMPORTED", time.perf_counter() - 2.0)
    clock.start_command()  # as `assign ...` runs: the import was its start
    assert clock.elapsed() >= 2.0
    monkeypatch.setattr(clock, "IMPORTED", time.perf_counter() - clock.STALE - 1.0)
    clock.start_command()  # in-process, as here: now
    assert clock.elapsed() < 1.0


def _recording(calls: list[dict[str, Any]], delay: float = 0.0, status: Status | None = None):
    real = sizing.solve_component

    def solve_component(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        shortcut = kwargs.get("pool") is None
        if shortcut:
            time.sleep(delay)
        result, plan = real(*args, **kwargs)
        if shortcut and status is not None and plan is not None:
            result.status = status
        return result, plan

    return solve_component


def test_a_subjects_sizing_has_what_its_shortcut_left(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept methodist alone cannot serve the 8 teachers (3 at most): the shortcut fails
    and the sizing model gets the subject's share less the shortcut's time, not a share of
    its own (Yakutia, weighted, 30 s: 40 s before, two subjects without a plan)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(sizing, "solve_component", _recording(calls, delay=0.5))
    settings = AssignmentSettings(min_load=0, max_load=3, time_limit=20)
    result = size_pool(_instance(0), PoolSettings(assignment=settings))
    assert [c.get("pool") is None for c in calls] == [True, False]
    assert calls[1]["time_limit"] <= calls[0]["time_limit"] - 0.5
    assert result.pools[0].pool_size >= 3 and result.status is Status.OPTIMAL


def test_a_plan_of_the_kept_methodists_alone_proves_the_pools_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Any plan of the kept methodists proves the smallest pool, even when its travel was
    not proven least in the time: no sizing model after it."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(sizing, "solve_component", _recording(calls, status=Status.FEASIBLE))
    settings = AssignmentSettings(min_load=0, max_load=10, time_limit=20)
    result = size_pool(_instance(0), PoolSettings(assignment=settings))
    assert len(calls) == 1
    pool = result.pools[0]
    assert pool.pool_size == 1 and pool.bound == 1.0 and pool.status is Status.FEASIBLE
    assert pool.kept == ["E0"] and not pool.recruited


def test_plan_clock_shares_the_time_left_among_the_solving_stages() -> None:
    region = load_region_or_raise(DATA / "small_ok")
    settings = load_region_settings(DATA / "small_ok")
    shared = PlanClock(time.perf_counter() + 100.0, reserve=20.0)
    assignment = shared.settings_for(ASSIGNMENT_DIR, settings).assignment.time_limit
    assert 31.5 < assignment <= 32.0  # 0.4 of the 80 s left after the documents' reserve
    pool = shared.settings_for(POOL_DIR, settings).assignment.time_limit
    assert 39.5 < pool <= 40.0
    year = shared.settings_for(SCHEDULE_DIR, settings).year_plan.time_limit
    assert year == min(settings.year_plan.time_limit, year)
    assert year <= 80.0
    assert not shared.short
    over = PlanClock.of(region, 0.001, STAGES)  # less than the documents need
    assert over.reserve == pytest.approx(
        pipeline.DOCUMENT_SECONDS_PER_TEACHER * len(region.teachers)
    )
    assert over.short
    spent = PlanClock(time.perf_counter() - 5.0, reserve=0.0)
    assert spent.settings_for(POOL_DIR, settings).assignment.time_limit == (
        pipeline.MIN_STAGE_SECONDS
    )


def test_plan_with_a_time_limit_gives_each_stage_its_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plan --time-limit 40`: the assignment, the pool and the year plan are each given a
    share of what is left, each to end within the 40 s, and a limit the documents alone
    would not fit is said in Russian before the plan is made (and it is made)."""
    seen: dict[str, float] = {}
    ends: dict[str, float] = {}  # when each stage would stop at the latest
    for name, limit_of in (
        ("assignment_stage", lambda s: s.assignment.time_limit),
        ("pool_stage", lambda s: s.assignment.time_limit),
        ("schedule_stage", lambda s: s.year_plan.time_limit),
    ):
        real = getattr(pipeline, name)

        def stage(region: Any, settings: Any, *rest: Any, _real=real, _n=name, _l=limit_of) -> Any:
            seen[_n] = _l(settings)
            ends[_n] = time.perf_counter() + seen[_n]
            return _real(region, settings, *rest)

        monkeypatch.setattr(pipeline, name, stage)
    out = tmp_path / "out"
    began = time.perf_counter()
    done = runner.invoke(
        app,
        [*PLAN, "--out", str(out)],
        env={"COLUMNS": "200"},
    )
    assert done.exit_code == 0, done.output
    assert set(seen) == {"assignment_stage", "pool_stage", "schedule_stage"}
    assert seen["assignment_stage"] <= 0.4 * 40
    assert seen["pool_stage"] <= 0.5 * 40
    assert max(ends.values()) <= began + 40
    assert "не хватит" not in done.output
    assert (out / "documents").is_dir() and (out / "plan.json").exists()
    monkeypatch.setattr(pipeline, "DOCUMENT_SECONDS_PER_TEACHER", 10.0)
    short = runner.invoke(
        app,
        [*PLAN, "--out", str(out)],
        env={"COLUMNS": "200"},
    )
    assert short.exit_code == 0, short.output
    told = " ".join(short.output.split())
    assert "Предела времени 40 с не хватит" in told and "только на документы" in told
    assert (out / "plan.json").exists()


def test_explain_prices_the_next_best_in_what_the_plan_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import assign.cli as cli

    limits: dict[str, float] = {}
    real_solve, real_explain = cli.run_solve, cli.explain_teacher

    def run_solve(region: Any, settings: AssignmentSettings) -> Any:
        limits["plan"] = settings.time_limit
        return real_solve(region, settings)

    def explain_teacher(problem: Any, result: Any, record: str, time_limit: float) -> Any:
        limits["next best"] = time.perf_counter() + time_limit  # its latest end
        return real_explain(problem, result, record, time_limit)

    monkeypatch.setattr(cli, "run_solve", run_solve)
    monkeypatch.setattr(cli, "explain_teacher", explain_teacher)
    began = time.perf_counter()
    told = runner.invoke(
        app,
        [*EXPLAIN, "--time-limit", "30"],
        env={"COLUMNS": "200"},
    )
    assert told.exit_code == 0, told.output
    assert "Педагог Козлова Вера Николаевна (математика) закреплена за методистом" in told.output
    assert limits["plan"] <= cli.EXPLAIN_PLAN_SHARE * 30
    assert limits["next best"] <= began + 30


def test_a_bad_time_limit_is_told_once_by_its_option() -> None:
    """`--time-limit` sets two fields of the settings; a bad value is one Russian line naming
    the option, not the fields."""
    done = runner.invoke(
        app, ["solve", str(DATA / "small_ok"), "--time-limit", "-5"], env={"COLUMNS": "200"}
    )
    assert done.exit_code == 2
    assert done.output.count("Неверный параметр --time-limit: должно быть больше") == 1
    assert "assignment." not in done.output and "deterministic" not in done.output
    year = runner.invoke(
        app, ["schedule", str(DATA / "small_ok"), "--year-time-limit", "0"], env={"COLUMNS": "200"}
    )
    assert year.exit_code == 2
    assert "Неверный параметр --year-time-limit" in year.output


def test_no_english_solver_banner_on_the_planners_screen(tmp_path: Path) -> None:
    """HiGHS prints «Running HiGHS …» on the C-level stdout at its first instance in a
    process, before any option can silence it; a command's screen stays Russian."""
    cli = [sys.executable, "-c", "from assign.cli import app; app()"]
    weighted_into = ["--min-load", "0", "--load-unit", "weighted", "--out"]
    done = subprocess.run(
        [*cli, "solve", str(DATA / "small_ok"), *weighted_into, str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "оптимум доказан" in done.stdout
    assert "HiGHS" not in done.stdout + done.stderr
