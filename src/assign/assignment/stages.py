"""Ranked objectives, whatever the integer solver: minimise each stage in turn, hold it at its
optimum, go on. One driver for CP-SAT (`cpsat.py`) and HiGHS (`mip.py`), which supply only how
to solve one stage and how to hold it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assign.assignment.formulation import Formulation
from assign.assignment.result import Status
from assign.assignment.settings import AssignmentSettings

Progress = Callable[[float, float], None]  # (objective, bound) in points
STOP: ContextVar[threading.Event | None] = ContextVar("stop", default=None)
"""Set by whoever runs the solve in this thread: once the event is set (a job cancelled), a
solver that can be interrupted stops with what it has. A service job sets its cancel event
here; `solve._side_by_side` watches it while it waits and gives each thread it starts an
event of its own."""


class Stopped(Exception):
    """The caller's `STOP` event was set while the subject groups were being solved: the
    running ones were interrupted and no plan of the region is given."""


STOP_WATCH_SECONDS = 0.1  # how often a watcher looks at the stop event


@contextmanager
def stopping_on(event: threading.Event) -> Iterator[None]:
    """`event` is this thread's `STOP` while the block runs (a job's cancel), the one before
    it again after."""
    token = STOP.set(event)
    try:
        yield
    finally:
        STOP.reset(token)


def stop_set() -> bool:
    """Whether this thread's `STOP` event is set: a solve asked to stop starts nothing new."""
    stop = STOP.get()
    return stop is not None and stop.is_set()


def in_time(deadline: float) -> bool:
    """Whether a loop of its own (a local search, subgradient steps) may take another step:
    before its deadline, and no stop asked for."""
    return time.perf_counter() < deadline and not stop_set()


@contextmanager
def interrupted_on_stop(interrupt: Callable[[], object]) -> Iterator[None]:
    """While the block runs, `interrupt()` is called from a watcher thread once this thread's
    `STOP` event is set: for a solver stopped from another thread (GLOP's LP), not by a
    callback of its own."""
    stop = STOP.get()
    if stop is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        # it waits on `done`, not on `stop`: the block's end wakes it at once, where a wait
        # on `stop` held every solver call up to STOP_WATCH_SECONDS at its end
        while not done.wait(STOP_WATCH_SECONDS):
            if stop.is_set():
                interrupt()  # again until the block ends: a solver not yet started resets it

    watcher = threading.Thread(target=watch, name="stop-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


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
