"""Honest statuses: a model the solver rejects is `model_invalid`, a solver that stops without a
plan and without reaching a limit is `unknown`, a limit reached is `time_limit` — never passed
off as «infeasible»; and a pin naming an unknown teacher or methodist is a clear error."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import highspy
import pytest
from ortools.sat.python import cp_model
from typer.testing import CliRunner

from assign.assignment import AssignmentSettings, PinError, Status, build_problem, solve
from assign.assignment.cpsat import solver_status
from assign.assignment.mip import highs_status
from assign.assignment.result import STATUS_RU
from assign.cli import app
from assign.io import load_region_or_raise
from assign.pipeline import ASSIGNMENT_DIR, SCHEDULE_DIR, load_region_settings, run_plan
from assign.pool import PoolSettings, size_pool
from conftest import DATA

SOLVE = cp_model.CpSolver.solve
# weighted load: the component goes to the integer solver (here CP-SAT), not to the flow
THROUGH_CPSAT = AssignmentSettings(min_load=0, max_load=9, load_unit="weighted", solver="cpsat")


def _invalid(self: cp_model.CpSolver, model: cp_model.CpModel, *args: Any, **kwargs: Any) -> Any:
    """CP-SAT given the model plus a variable of an empty domain: MODEL_INVALID, for real."""
    variable = model.proto.variables.add()
    variable.domain.extend([5, 0])
    return SOLVE(self, model, *args, **kwargs)


def _stops_unknown(self: cp_model.CpSolver, *args: Any, **kwargs: Any) -> Any:
    """CP-SAT solves, then says UNKNOWN (as on an interrupt), far from any limit."""
    SOLVE(self, *args, **kwargs)
    return cp_model.UNKNOWN


def _patched(monkeypatch: pytest.MonkeyPatch, fake: Callable[..., Any]) -> None:
    monkeypatch.setattr(cp_model.CpSolver, "solve", fake)


def test_every_status_has_a_russian_label() -> None:
    assert set(STATUS_RU) == set(Status)


def test_model_invalid_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    _patched(monkeypatch, _invalid)
    region = load_region_or_raise(DATA / "small_ok")
    result = solve(build_problem(region, THROUGH_CPSAT))
    assert result.status is Status.MODEL_INVALID
    assert {c.status for c in result.components} == {Status.MODEL_INVALID}
    assert result.summary()["status"] == "model_invalid"


def test_unknown_is_not_a_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    _patched(monkeypatch, _stops_unknown)
    region = load_region_or_raise(DATA / "small_ok")
    result = solve(build_problem(region, THROUGH_CPSAT))
    assert result.status is Status.UNKNOWN
    assert not result.assignment


def test_a_limit_reached_is_a_time_limit() -> None:
    """A subset sum CP-SAT cannot settle within a tiny work limit: UNKNOWN at the limit."""
    rng = random.Random(1)
    model = cp_model.CpModel()
    xs = [model.new_bool_var("") for _ in range(60)]
    weights = [rng.randrange(10**6, 10**7) for _ in xs]
    model.add(sum(w * x for w, x in zip(weights, xs, strict=True)) == sum(weights) // 2 + 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 0.001
    code = solver.solve(model)
    assert code == cp_model.UNKNOWN
    assert solver_status(code, solver) is Status.TIME_LIMIT


def test_highs_statuses_are_mapped() -> None:
    hs = highspy.HighsModelStatus
    assert highs_status(hs.kOptimal, True) is Status.OPTIMAL
    assert highs_status(hs.kInfeasible, False) is Status.INFEASIBLE
    assert highs_status(hs.kTimeLimit, True) is Status.FEASIBLE
    assert highs_status(hs.kTimeLimit, False) is Status.TIME_LIMIT
    assert highs_status(hs.kModelError, False) is Status.MODEL_INVALID
    assert highs_status(hs.kModelError, True) is Status.MODEL_INVALID
    for failure in (hs.kSolveError, hs.kPresolveError, hs.kMemoryLimit, hs.kUnknown):
        assert highs_status(failure, False) is Status.UNKNOWN


def test_pool_names_the_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    _patched(monkeypatch, _invalid)
    region = load_region_or_raise(DATA / "small_ok")
    result = size_pool(
        region, PoolSettings(assignment=THROUGH_CPSAT, keep_existing=False, solver="cpsat")
    )
    assert result.status is Status.MODEL_INVALID
    assert any(STATUS_RU[Status.MODEL_INVALID] in p for p in result.problems)


def test_year_plan_names_the_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The year plan keeps its greedy plan (every hard rule met), but says the model failed."""
    _patched(monkeypatch, _invalid)
    folder = DATA / "small_ok"
    region = load_region_or_raise(folder)
    run = run_plan(
        region,
        folder,
        load_region_settings(folder),
        tmp_path,
        stages=(ASSIGNMENT_DIR, SCHEDULE_DIR),
    )
    assert run.schedule is not None and run.schedule.placed
    assert run.schedule.status is Status.MODEL_INVALID
    assert run.schedule_kpi["status"] == "model_invalid"


@pytest.mark.parametrize(
    ("pin", "named"),
    [(("T99", "P1"), "нет педагога «T99»"), (("T01", "P9"), "нет методиста «P9»")],
)
def test_pin_to_unknown_is_an_error(pin: tuple[str, str], named: str) -> None:
    region = load_region_or_raise(DATA / "small_ok")
    with pytest.raises(PinError) as caught:
        build_problem(region, AssignmentSettings(pins=(pin,)))
    assert caught.value.code == "pin_unknown"
    assert named in str(caught.value)


def test_ban_of_unknown_is_an_error() -> None:
    region = load_region_or_raise(DATA / "small_ok")
    with pytest.raises(PinError, match="нет методиста «P9»"):
        build_problem(region, AssignmentSettings(bans=(("T01", "P9"),)))


def test_cli_pin_to_unknown(tmp_path: Path) -> None:
    folder = tmp_path / "region"
    shutil.copytree(DATA / "small_ok", folder)
    (folder / "region.yaml").write_text("assignment:\n  pins: [[T01, P9]]\n", encoding="utf-8")
    done = CliRunner().invoke(app, ["solve", str(folder), "--out", str(tmp_path / "out")])
    assert done.exit_code == 2, done.output
    assert "P9" in done.output and "pin_unknown" in done.output
    assert "невозможен" not in done.output
