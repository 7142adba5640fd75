"""Ranked objectives, whatever the integer solver: minimise each stage in turn, hold it at its
optimum, go on. One driver for CP-SAT (`cpsat.py`) and HiGHS (`mip.py`), which supply only how
to solve one stage and how to hold it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assign.assignment.formulation import Formulation
from assign.assignment.result import Status
from assign.assignment.settings import AssignmentSettings

Progress = Callable[[float, float], None]  # (objective, bound) in points
STOP: ContextVar[threading.Event | None] = ContextVar("stop", default=None)
"""Set by whoever runs the solve in this thread (`solve._side_by_side`): once the event is
set (a job cancelled), a solver that can be interrupted stops with what it has."""
Stage = tuple[dict[int, int], int]  # {variable: coefficient}, constant


@dataclass
class Outcome:
    status: Status
    values: np.ndarray | None
    objective: float  # points of the first stage's objective (with its constant)
    bound: float
    wall_time: float


@dataclass
class StageRun:
    """One stage solved: its status, seconds, the plan found and the objective value and bound
    without the stage's constant."""

    status: Status
    seconds: float
    values: np.ndarray | None = None
    value: float = float("nan")
    bound: float = float("nan")


class ExactSolver(Protocol):
    """What the solve loop needs of an integer solver (`solve_cpsat`, `mip.solve_highs`).
    `heuristics` False: spend the time on the proof, not on searching for better plans (a
    solver without that switch ignores it)."""

    def __call__(
        self,
        f: Formulation,
        stages: Sequence[Stage],
        settings: AssignmentSettings,
        hint: dict[int, int] | None = None,
        progress: Progress | None = None,
        time_limit: float | None = None,
        heuristics: bool = True,
    ) -> Outcome: ...


def lexicographic(
    stages: Sequence[Stage],
    budget: float,
    solve_stage: Callable[[int, Stage, float], StageRun],
    hold: Callable[[Stage, StageRun], None],
) -> Outcome:
    """`solve_stage(index, stage, seconds left)` each stage in turn; after an optimal one,
    `hold(stage, run)` keeps it at its optimum for the next. A stage that finds no plan ends
    the run with the earlier stage's plan; the bound reported is the first stage's."""
    total_time = 0.0
    first_objective = first_bound = float("nan")
    status = Status.OPTIMAL
    values: np.ndarray | None = None
    for index, stage in enumerate(stages):
        run = solve_stage(index, stage, budget - total_time)
        total_time += run.seconds
        if not run.status.has_plan:
            if index == 0:
                return Outcome(run.status, None, float("nan"), float("nan"), total_time)
            break  # keep the plan of the earlier stage
        values = run.values
        if index == 0:
            first_objective = run.value + stage[1]
            first_bound = run.bound + stage[1]
        if run.status is not Status.OPTIMAL:
            status = Status.FEASIBLE
            break
        hold(stage, run)
    return Outcome(status, values, first_objective, first_bound, total_time)
