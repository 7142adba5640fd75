"""Running the HiGHS MIP solver on a formulation, with the same stages and outcome as CP-SAT.

Facility location (pool sizing) and the assignment's models that are not a network (weighted
loads, the split term) are where a branch-and-cut MIP solver earns its place: its LP bound
with cuts closes gaps that CP-SAT's search leaves open for minutes (public capacitated
p-median instances, `bench/cpmp_bench.py`; the samples' weighted and split models,
`bench/assignment_bench.py`). Runs are reproducible: HiGHS's branch-and-cut is deterministic and
the seed is fixed. The thread count is left to HiGHS: its scheduler is process-wide, set once.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import highspy
import numpy as np

from assign.assignment.formulation import UNBOUNDED, Formulation
from assign.assignment.result import Status
from assign.assignment.settings import AssignmentSettings
from assign.assignment.stages import STOP, Outcome, Progress, Stage, StageRun, lexicographic

_HS = highspy.HighsModelStatus
_NO_PLAN = {
    _HS.kInfeasible: Status.INFEASIBLE,
    # every variable is bounded, so «unbounded or infeasible» can only be infeasible
    _HS.kUnboundedOrInfeasible: Status.INFEASIBLE,
    _HS.kTimeLimit: Status.TIME_LIMIT,
    _HS.kIterationLimit: Status.TIME_LIMIT,
    _HS.kLoadError: Status.MODEL_INVALID,
    _HS.kModelError: Status.MODEL_INVALID,
    _HS.kUnbounded: Status.MODEL_INVALID,  # impossible for a bounded model: a defect
    _HS.kPresolveError: Status.UNKNOWN,
    _HS.kSolveError: Status.UNKNOWN,
    _HS.kPostsolveError: Status.UNKNOWN,
    _HS.kMemoryLimit: Status.UNKNOWN,
    _HS.kInterrupt: Status.UNKNOWN,
    _HS.kSolutionLimit: Status.UNKNOWN,
    _HS.kObjectiveBound: Status.UNKNOWN,
    _HS.kObjectiveTarget: Status.UNKNOWN,
    _HS.kUnknown: Status.UNKNOWN,
    _HS.kNotset: Status.UNKNOWN,
}
"""What HiGHS's model status means when it has no feasible plan to give."""
_STOPPED_EARLY = {
    _HS.kTimeLimit,
    _HS.kIterationLimit,
    _HS.kInterrupt,
    _HS.kSolutionLimit,
    _HS.kMemoryLimit,
}
"""Statuses under which a plan HiGHS found is a plan, only not proven best."""


def highs_status(model_status: highspy.HighsModelStatus, found: bool) -> Status:
    """HiGHS's answer named: optimal; a plan found but not proven (a limit or interrupt);
    else what stopped it (`_NO_PLAN`), a status HiGHS may add later being unknown."""
    if model_status in (_HS.kOptimal, _HS.kModelEmpty):
        return Status.OPTIMAL
    if found and model_status in _STOPPED_EARLY:
        return Status.FEASIBLE
    return _NO_PLAN.get(model_status, Status.UNKNOWN)


PROOF_ONLY: dict[str, bool | int | float | str] = {
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
}
"""HiGHS's primal heuristics off: where the start is already a good plan and the time goes
to the bound (the balance term after travel; Yakutia's primary school 76 s → 18 s)."""

_first_highs = threading.Lock()
_banner_hidden = False


def quiet_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing. The first of a process prints an English banner
    on the C-level stdout before any option can be set: that one is made with stdout sent
    to /dev/null, so a planner's screen stays Russian."""
    global _banner_hidden
    with _first_highs:
        if not _banner_hidden:
            sys.stdout.flush()
            saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                h = highspy.Highs()
                ctypes.CDLL(None).fflush(None)  # the banner, still in C's buffer
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_hidden = True
        else:
            h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def _build(
    f: Formulation,
    settings: AssignmentSettings,
    threads: int | None,
    options: Mapping[str, bool | int | float | str],
) -> highspy.Highs:
    h = quiet_highs()
    if threads is not None:
        h.setOptionValue("threads", threads)
    for name, value in options.items():
        h.setOptionValue(name, value)
    h.setOptionValue("random_seed", settings.seed)
    h.setOptionValue("mip_rel_gap", 0.0)
    load_formulation(h, f)
    n = len(f.lb)
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger)
    )
    return h


def load_formulation(h: highspy.Highs, f: Formulation) -> None:
    """The formulation's variables and rows, continuous, into a HiGHS model."""
    inf = highspy.kHighsInf
    n = len(f.lb)
    h.addVars(n, np.array(f.lb, dtype=np.float64), np.array(f.ub, dtype=np.float64))
    lower = np.array([-inf if r.lb <= -UNBOUNDED else r.lb for r in f.rows], dtype=np.float64)
    upper = np.array([inf if r.ub >= UNBOUNDED else r.ub for r in f.rows], dtype=np.float64)
    starts = np.cumsum([0] + [len(r.vars) for r in f.rows[:-1]], dtype=np.int32)
    index = np.fromiter((v for r in f.rows for v in r.vars), dtype=np.int32)
    value = np.fromiter((c for r in f.rows for c in r.coefs), dtype=np.float64)
    h.addRows(len(f.rows), lower, upper, len(index), starts, index, value)


def _reporter(progress: Progress, constant: int) -> Callable[[Any], None]:
    def report(event: Any) -> None:
        data = event.data_out
        progress(data.objective_function_value + constant, data.mip_dual_bound + constant)

    return report


def _set_objective(h: highspy.Highs, n: int, coefs: dict[int, int]) -> None:
    cost = np.zeros(n)
    for var, coef in coefs.items():
        cost[var] = coef
    h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)


def solve_highs(
    f: Formulation,
    stages: Sequence[Stage],
    settings: AssignmentSettings,
    hint: dict[int, int] | None = None,
    progress: Progress | None = None,
    time_limit: float | None = None,
    heuristics: bool = True,
    threads: int | None = None,
    options: Mapping[str, bool | int | float | str] | None = None,
) -> Outcome:
    """Minimise each stage's objective in turn, holding earlier stages at their optimum (the
    contract of `cpsat.solve_cpsat`). The bound reported is the first stage's. `threads`: the
    calling thread's HiGHS scheduler size, fixed at its first run (None: HiGHS's own, half
    the cores) — 1 for many small models solved side by side on threads of their own.
    `options`: HiGHS options of the caller's (by HiGHS's names). `heuristics` False turns
    HiGHS's primal heuristics off (`PROOF_ONLY`)."""
    h = _build(f, settings, threads, {**(options or {}), **({} if heuristics else PROOF_ONLY)})
    n = len(f.lb)
    start = (  # a partial start is fine: HiGHS completes it
        (np.array(list(hint), dtype=np.int32), np.array(list(hint.values()), np.float64))
        if hint
        else None
    )
    starts = [start]  # the plan HiGHS starts each stage from

    stop = STOP.get()
    if stop is not None:  # a cancelled job's solve ends at HiGHS's next check, not its limit
        h.cbMipInterrupt.subscribe(lambda event: event.interrupt() if stop.is_set() else None)

    def solve_stage(index: int, stage: Stage, time_left: float) -> StageRun:
        coefs, constant = stage
        _set_objective(h, n, coefs)
        if starts[0] is not None:  # after the model changes, which drop a start given before
            h.setSolution(len(starts[0][0]), *starts[0])
        h.setOptionValue("time_limit", max(time_left, 0.01))
        if progress and index == 0:
            h.cbMipImprovingSolution.subscribe(_reporter(progress, constant))
        before = h.getRunTime()  # HiGHS's run clock adds up over the runs of one model
        h.run()
        h.cbMipImprovingSolution.clear()
        info = h.getInfo()
        model_status = h.getModelStatus()
        found = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        status = highs_status(model_status, found)
        run = StageRun(status, h.getRunTime() - before)
        if status.has_plan:
            run.values = np.rint(np.array(h.getSolution().col_value)).astype(np.int64)
            run.value = float(sum(coef * run.values[var] for var, coef in coefs.items()))
            run.bound = info.mip_dual_bound
        return run

    def hold(stage: Stage, run: StageRun) -> None:
        # hold this stage at its optimum; the plan stays HiGHS's start for the next stage
        assert run.values is not None
        vars_ = np.array(list(stage[0]), dtype=np.int32)
        coefs = np.array(list(stage[0].values()), float)
        h.addRow(-highspy.kHighsInf, run.value, len(vars_), vars_, coefs)
        starts[0] = np.arange(n, dtype=np.int32), run.values.astype(np.float64)

    budget = time_limit if time_limit is not None else settings.time_limit
    return lexicographic(stages, budget, solve_stage, hold)
