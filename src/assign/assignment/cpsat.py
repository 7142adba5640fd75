"""Running CP-SAT on a formulation: one weighted objective, or terms ranked lexicographically.

Runs are reproducible: a fixed seed and worker count, and a deterministic time limit beside the
wall-clock one (`AssignmentSettings.deterministic_time_limit`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ortools.sat.python import cp_model

from assign.assignment.formulation import Formulation
from assign.assignment.result import Status
from assign.assignment.settings import AssignmentSettings
from assign.assignment.stages import (
    Outcome,
    Progress,
    Stage,
    StageRun,
    interrupted_on_stop,
    lexicographic,
)

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.MODEL_INVALID: Status.MODEL_INVALID,
    cp_model.UNKNOWN: Status.UNKNOWN,  # a limit reached or not: see `solver_status`
}
LIMIT_REACHED = 0.95  # of a time limit: CP-SAT stops at its limits, give or take a little


def solver_status(code: cp_model.CpSolverStatus, solver: cp_model.CpSolver) -> Status:
    """CP-SAT's answer named: UNKNOWN is a time limit only when the wall-clock or the work
    limit was reached, else it stays unknown; a status CP-SAT may add later is unknown too."""
    status = _STATUS.get(code, Status.UNKNOWN)
    if status is Status.UNKNOWN:
        parameters = solver.parameters
        wall = solver.wall_time >= LIMIT_REACHED * parameters.max_time_in_seconds
        work = solver.response_proto.deterministic_time >= (
            LIMIT_REACHED * parameters.max_deterministic_time
        )
        if wall or work:
            return Status.TIME_LIMIT
    return status


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


def solve_cpsat(
    f: Formulation,
    stages: Sequence[Stage],
    settings: AssignmentSettings,
    hint: dict[int, int] | None = None,
    progress: Progress | None = None,
    time_limit: float | None = None,
    heuristics: bool = True,
) -> Outcome:
    """Minimise each stage's objective in turn, holding earlier stages at their optimum.

    A weighted objective is one stage. The bound reported is the first stage's. CP-SAT's
    search is its portfolio of workers: `heuristics` does not change it.
    """
    model, variables = _build(f)
    if hint:
        for var, value in hint.items():
            model.add_hint(variables[var], value)
    held: list[cp_model.LinearExpr] = []  # the objective of the stage being solved

    def solve_stage(index: int, stage: Stage, time_left: float) -> StageRun:
        coefs, constant = stage
        expr = cp_model.LinearExpr.weighted_sum([variables[v] for v in coefs], list(coefs.values()))
        held[:] = [expr]
        model.minimize(expr)
        solver = _solver(settings, time_left)
        reporter = _Reporter(progress, constant) if progress and index == 0 else None
        with interrupted_on_stop(solver.stop_search):  # a cancelled job: CP-SAT stops too
            code = solver.solve(model, reporter)
        run = StageRun(solver_status(code, solver), solver.wall_time)
        if run.status.has_plan:
            run.values = np.array([solver.value(v) for v in variables], dtype=np.int64)
            run.value, run.bound = solver.objective_value, solver.best_objective_bound
        return run

    def hold(stage: Stage, run: StageRun) -> None:
        # hold this stage at its optimum and warm-start the next from this plan
        assert run.values is not None
        model.add(held[0] <= round(run.value))
        model.clear_hints()
        for var, value in enumerate(run.values):
            model.add_hint(variables[var], int(value))

    budget = time_limit if time_limit is not None else settings.time_limit
    return lexicographic(stages, budget, solve_stage, hold)
