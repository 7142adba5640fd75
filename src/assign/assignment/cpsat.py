"""Running CP-SAT on a formulation: one weighted objective, or terms ranked lexicographically.

Runs are reproducible: a fixed seed and worker count, and a deterministic time limit beside the
wall-clock one (`AssignmentSettings.deterministic_time_limit`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from ortools.sat.python import cp_model

from assign.assignment.formulation import Formulation
from assign.assignment.result import Status
from assign.assignment.settings import AssignmentSettings

Progress = Callable[[float, float], None]  # (objective, bound) in points

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.TIME_LIMIT,
}


@dataclass
class Outcome:
    status: Status
    values: np.ndarray | None
    objective: float  # points of the first stage's objective (with its constant)
    bound: float
    wall_time: float


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress, constant: int) -> None:
        super().__init__()
        self.progress = progress
        self.constant = constant

    def on_solution_callback(self) -> None:
        self.progress(
            self.objective_value + self.constant, self.best_objective_bound + self.constant
        )


def _build(f: Formulation) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    model = cp_model.CpModel()
    # [0, 1] integers are booleans to CP-SAT; new_int_var also keeps a lower bound of 1
    variables = [model.new_int_var(lo, hi, "") for lo, hi in zip(f.lb, f.ub, strict=True)]
    for row in f.rows:
        expr = cp_model.LinearExpr.weighted_sum([variables[v] for v in row.vars], row.coefs)
        model.add_linear_constraint(expr, row.lb, row.ub)
    return model, variables


def _solver(settings: AssignmentSettings, time_left: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    solver.parameters.max_time_in_seconds = max(time_left, 0.01)
    solver.parameters.max_deterministic_time = settings.deterministic_time_limit
    return solver


class ExactSolver(Protocol):
    """What the solve loop needs of an integer solver (`solve_cpsat`, `mip.solve_highs`)."""

    def __call__(
        self,
        f: Formulation,
        stages: Sequence[tuple[dict[int, int], int]],
        settings: AssignmentSettings,
        hint: dict[int, int] | None = None,
        progress: Progress | None = None,
        time_limit: float | None = None,
    ) -> Outcome: ...


def solve_cpsat(
    f: Formulation,
    stages: Sequence[tuple[dict[int, int], int]],
    settings: AssignmentSettings,
    hint: dict[int, int] | None = None,
    progress: Progress | None = None,
    time_limit: float | None = None,
) -> Outcome:
    """Minimise each stage's objective in turn, holding earlier stages at their optimum.

    A weighted objective is one stage. The bound reported is the first stage's.
    """
    model, variables = _build(f)
    if hint:
        for var, value in hint.items():
            model.add_hint(variables[var], value)
    budget = time_limit if time_limit is not None else settings.time_limit
    total_time = 0.0
    first_objective = first_bound = float("nan")
    status = Status.OPTIMAL
    values: np.ndarray | None = None
    for index, (coefs, constant) in enumerate(stages):
        expr = cp_model.LinearExpr.weighted_sum([variables[v] for v in coefs], list(coefs.values()))
        model.minimize(expr)
        solver = _solver(settings, budget - total_time)
        reporter = _Reporter(progress, constant) if progress and index == 0 else None
        code = solver.solve(model, reporter)
        total_time += solver.wall_time
        stage_status = _STATUS.get(code, Status.TIME_LIMIT)
        if stage_status in (Status.INFEASIBLE, Status.TIME_LIMIT):
            if index == 0:
                return Outcome(stage_status, None, float("nan"), float("nan"), total_time)
            break  # keep the plan of the earlier stage
        values = np.array([solver.value(v) for v in variables], dtype=np.int64)
        stage_value = solver.objective_value + constant
        if index == 0:
            first_objective = stage_value
            first_bound = solver.best_objective_bound + constant
        if stage_status is not Status.OPTIMAL:
            status = Status.FEASIBLE
            break
        # hold this stage at its optimum and warm-start the next from this plan
        model.add(expr <= round(solver.objective_value))
        model.clear_hints()
        for var, held in enumerate(values):
            model.add_hint(variables[var], int(held))
    return Outcome(status, values, first_objective, first_bound, total_time)
