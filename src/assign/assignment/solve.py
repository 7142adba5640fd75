"""Solving the assignment, component by component, to proven optimality where time allows.

For each component that is not a network: the LP relaxation gives a lower bound and reduced
costs; the integer solver (HiGHS, or CP-SAT with `solver: cpsat`) solves the model restricted to
pairs whose reduced cost is within a window of the LP bound; the window is widened until every
pruned pair's reduced cost exceeds (plan − LP bound), at which point no pruned pair can improve
the plan and the solver's optimum is the optimum of the whole problem. A bound reported
without that proof is min(the solver's bound, LP + cheapest pruned reduced cost), which is
valid for the unpruned problem. Components (subject groups) are solved side by side on
`settings.parallel` threads, each in its share of the time limit.
"""

from __future__ import annotations

import collections
import hashlib
import math
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import chain

import numpy as np

from assign.assignment import network
from assign.assignment.cpsat import solve_cpsat
from assign.assignment.diagnose import component_name, diagnose_component, unplaceable_messages
from assign.assignment.fixed_pool import FixedPool
from assign.assignment.formulation import (
    RECRUIT,
    UNBOUNDED,
    WEIGHT_SCALE,
    Formulation,
    PoolSpec,
    add_stay_rows,
    formulate,
)
from assign.assignment.growth import TRACTABLE_PAIRS, Growth
from assign.assignment.knapsack_bound import pair_rises
from assign.assignment.kpi import objective_terms
from assign.assignment.lagrange import lagrangian_bound, pair_bounds
from assign.assignment.leavers import HeldMoves
from assign.assignment.lp import Relaxation, solve_relaxation, solve_relaxation_highs
from assign.assignment.mip import solve_highs
from assign.assignment.neighbourhood import local_search
from assign.assignment.problem import GONE, OBJECTIVE_SCALE, AssignmentProblem, Component, IntArray
from assign.assignment.result import ComponentResult, Result, Status, Unplaced
from assign.assignment.settings import AssignmentSettings, Term
from assign.assignment.stages import (
    STOP,
    ExactSolver,
    Outcome,
    Progress,
    Stopped,
    interrupted_on_stop,
    stop_set,
    stopping_on,
)

EPS = 1e-6
POINTS = OBJECTIVE_SCALE * WEIGHT_SCALE  # objective points per unit (hour, km, teacher)
KEEP_CHEAPEST = 2  # per group, so a first window rarely starves a group
SEARCH_SHARE = 0.7  # of a fixed-size pool's time left after its LP: the local search
BOUND_SHARE = 0.1  # of that time: the Lagrangian bound
# a pool this small (in groups, with every pair built) is within the integer solver's reach:
# the Lagrangian bound also rules pairs out (`lagrange.pair_bounds`), so it gets more time
# (it stops earlier once its steps are spent) — sjc3a proven, its LP's pruning alone kept
# too many pairs
PROOF_GROUPS = 500
PROOF_SEARCH_SHARE = 0.55
FIXING_SHARE = 0.2
# past this many groups the branch-and-cut after the local search ends in its root LP: the
# local search takes the time it would have had, the Lagrangian bound what is left (on
# all3000 it levels off after some 15 s, 6 % of the time after the LP)
LARGE_POOL_GROUPS = 1000
GUIDE_MIN_PAIRS = 50_000  # a fixed-size pool this large starts from the nearest pairs' LP
GUIDE_NEAREST = 30  # methodists per group in that LP
# a large fixed-size pool's first model holds the pairs within this share of the gap
# between the local search's plan and the bound: the optimum lies at a quarter to a third
# of it on sjc4a and sjc4b, and HiGHS finds and proves it sooner in a model half as large
# (sjc4b: 7 684 pairs proven in 21 s, where 15 352 took 18 s to find it and a second model
# 16 s more to prove it); a plan outside it widens the window as any round does. Not for
# the small ones: on oc08–oc19 the optimum lies further up the gap (a weaker bound), and
# the extra round made them 1.2–1.6× slower
FIRST_WINDOW = 0.5
LARGE_SEARCH_SHARE = 0.93
GROWTH_SHARE = 0.4  # of a component's time, at most, for column generation
MODEL_PER_GROUP = 12  # pairs per group in the integer model of a grown component
MAX_ROUNDS = 6  # widenings of the window: a count, not a clock, so runs repeat exactly
ComponentProgress = Callable[[int, int, str], None]  # (done, total, component name)


@dataclass
class _Plan:
    """Teachers sent from each group to each methodist: {(group, global methodist): count}."""

    counts: dict[tuple[int, int], int]
    unplaced: dict[int, int]
    opened: set[int] = field(default_factory=set)  # global methodist indices, when sizing


INTEGER_SOLVERS: dict[str, ExactSolver] = {"highs": solve_highs, "cpsat": solve_cpsat}


def _stages(problem: AssignmentProblem, f: Formulation) -> list[tuple[dict[int, int], int]]:
    """One weighted stage, or one stage per ranked term; penalties always lead."""
    settings = problem.settings
    penalties = {"unplaced": 1.0, "short": 1.0}
    if settings.effective_ranking:
        stages = [f.objective({**penalties, settings.effective_ranking[0].value: 1.0})]
        stages += [f.objective({term.value: 1.0}) for term in settings.effective_ranking[1:]]
        return stages
    weights = settings.effective_weights
    return [f.objective({**penalties, **{t.value: weights.of(t) for t in Term}})]


POOL_WEIGHTS = ({"unplaced": 1.0, "short": 1.0, "pool": 1.0}, {Term.TRAVEL.value: 1.0})
FIXED_POOL_WEIGHTS = ({"unplaced": 1.0, "short": 1.0, Term.TRAVEL.value: 1.0},)


def _pool_stages(problem: AssignmentProblem, f: Formulation) -> list[tuple[dict[int, int], int]]:
    """Sizing: the fewest methodists first (unless the size is fixed); then — when existing
    methodists may go — the fewest candidates among them; then, where the region's ranking
    counts them, the fewest teachers moved off the current order (who is released, who is
    recruited: 1 327 moves on Tambov where 1 012 do); then the least travel."""
    size, travel = POOL_WEIGHTS
    between: list[dict[str, float]] = [{RECRUIT: 1.0}] if RECRUIT in f.terms else []
    counts_changes = Term.CHANGES in (problem.settings.effective_ranking or ())
    if counts_changes and Term.CHANGES.value in f.terms:
        between.append({Term.CHANGES.value: 1.0})
    return [f.objective(weights) for weights in (size, *between, travel)]


def _fixed_pool_stages(
    problem: AssignmentProblem, f: Formulation
) -> list[tuple[dict[int, int], int]]:
    """A pool of fixed size: only travel is left to optimise (and to bound)."""
    return [f.objective(weights) for weights in FIXED_POOL_WEIGHTS]


def solve_component(
    problem: AssignmentProblem,
    comp: Component,
    progress: Progress | None = None,
    time_limit: float | None = None,
    pool: PoolSpec | None = None,
    integer_solver: ExactSolver | None = None,
) -> tuple[ComponentResult, _Plan | None]:
    """The component's plan: by min-cost flow where the model allows, else by the LP,
    reduced-cost pruning and `integer_solver` (by default the settings' `solver`)."""
    start = time.perf_counter()
    settings = problem.settings
    integer_solver = integer_solver or INTEGER_SOLVERS[settings.solver]
    terms = problem.settings.active_terms if pool is None else (Term.TRAVEL,)
    stages_of = _stages
    if pool is not None:
        stages_of = _pool_stages if pool.count is None else _fixed_pool_stages
    if pool is None and network.applies(comp, terms):
        solved = network.solve_by_flow(problem, comp, terms)
        if solved is not None:
            result, counts, left_out = solved
            if result.status is Status.INFEASIBLE:
                result.problems = _infeasible_reasons(problem, comp)
                return result, None
            return result, _Plan(counts, left_out)
    budget = time_limit if time_limit is not None else settings.time_limit
    growth = _growth(problem, pool)
    # Grown from candidate lists, the LP may leave a teacher out at a price until the pairs
    # that can take them join: it is always feasible, so its duals can price them.
    lp_partial = settings.allow_partial or growth is not None

    fixed_size = pool is not None and pool.count is not None
    lp_deadline = start + budget * GROWTH_SHARE

    def relax(f: Formulation) -> Relaxation:
        # HiGHS's simplex is several times faster on sizing models (sjc4a: 6 s against GLOP's
        # 30 s); GLOP stays for the assignment's own models. A fixed-size pool has a plan
        # without its LP (`_fixed_pool_without_lp`), so its LP may stop at a deadline.
        if pool is None:
            return _relaxation(f, stages_of(problem, f)[0], start + budget)
        limit = lp_deadline - time.perf_counter() if fixed_size else None
        return solve_relaxation_highs(f, *stages_of(problem, f)[0], limit)

    every = np.arange(comp.n_pairs)
    full = formulate(comp, every, lp_partial, terms, pool)
    # a large fixed-size pool within the proof's reach: the LP of each group's nearest
    # methodists guides the start, and the Lagrangian takes the whole LP's place (`_guide_lp`)
    guide = _guide_lp(comp, pool, growth, terms, relax)
    relaxation = guide[1] if guide is not None else relax(full)
    if stop_set():  # a cancelled job: no plan, and no search after the LP
        return _no_plan(comp, Status.UNKNOWN, start), None
    if relaxation.stopped and pool is not None:
        return _fixed_pool_without_lp(problem, comp, pool, growth, start, start + budget)
    lp_bound, converged = relaxation.objective, True
    if growth is not None and relaxation.feasible:
        generated = growth.generate(
            comp,
            lambda c: formulate(c, np.arange(c.n_pairs), True, terms, pool),
            relax,
            full,
            relaxation,
            lp_deadline,
        )
        comp, full, relaxation = generated.comp, generated.formulation, generated.relaxation
        lp_bound, converged = generated.bound, generated.converged
        every = np.arange(comp.n_pairs)
        left_out = sum(relaxation.values[v] for v in full.unplaced.values())
        if converged and left_out > EPS and not settings.allow_partial:
            relaxation.feasible = False  # the whole problem's LP cannot place everyone
    if not relaxation.feasible:
        return _no_plan(comp, Status.INFEASIBLE, start, _infeasible_reasons(problem, comp)), None
    if guide is None:
        rc = relaxation.reduced_costs[full.x]
        positive = relaxation.values[full.x] > EPS
    else:  # the guide's variables are its own: the Lagrangian's figures come after the start
        rc, positive = np.zeros(len(full.x)), np.zeros(len(full.x), dtype=bool)
    cheapest = _cheapest_per_group(comp, rc)
    window = 0.0
    rounds = 0
    hint: _Hint | None = None
    outside = float("inf")  # the least reduced cost among pairs not built
    known_bound = lp_bound  # valid for the whole problem
    started: _Started | None = None
    lagrange_lb: np.ndarray | None = None  # per pair, from the Lagrangian (fixed-size pools)
    if pool is not None and pool.count is not None:
        # A plan from the local search is an upper bound: pruning at (upper − LP bound) is
        # exact at once, and the plan starts the solver, which tight capacities otherwise starve.
        near, guiding = guide if guide is not None else (full, relaxation)
        started = _fixed_pool_start(problem, comp, near, guiding, pool, growth, start + budget)
        if guide is not None:  # the Lagrangian's bound and pair bounds in the LP's place
            relaxation = _lagrangian_relaxation(full, started)
            rc = relaxation.reduced_costs[full.x]
            cheapest = _cheapest_per_group(comp, rc)
            lp_bound = known_bound = relaxation.objective
        known_bound = max(known_bound, started.bound)
        if started.hint is not None:
            hint = started.hint
            # the first model: the pairs whose bounds lie within the gap (a share of it for
            # a large pool, `FIRST_WINDOW`)
            share = FIRST_WINDOW if guide is not None else 1.0
            window = known_bound + share * (started.upper - known_bound) - relaxation.objective
            lagrange_lb = started.with_pair  # it rules out against a plan: only with one
    proven_start: Outcome | None = None  # a start that meets the LP's bound: optimal
    if pool is None:
        start_plan = _lp_floor_start(problem, full, relaxation, integer_solver, budget * 0.1)
        hint = start_plan[0] if start_plan else None
        if start_plan is not None and start_plan[1].objective <= known_bound + EPS:
            proven_start = start_plan[1]  # a plan of `full`: its variables are the same
    while True:
        if stop_set():  # a cancelled job: no further model is built
            return _no_plan(comp, Status.UNKNOWN, start), None
        if growth is not None:
            if converged:
                comp, extra, outside = growth.widen(comp, full, relaxation, window)
                rc = np.concatenate([rc, extra])
                positive = np.concatenate([positive, np.zeros(len(extra), dtype=bool)])
                cheapest = _cheapest_per_group(comp, rc)
                every = np.arange(comp.n_pairs)
            else:
                outside = -float("inf")  # unknown: no proof from pruning
        keep = (rc <= window + EPS) | positive | cheapest
        if lagrange_lb is not None:  # what the Lagrangian rules out against the start
            keep &= lagrange_lb <= relaxation.objective + window + EPS
        if (pool is None or lagrange_lb is not None) and hint is not None:
            keep[[p for p, n in hint.pairs.items() if n]] = True  # the start stays a plan
        if growth is not None:
            must = positive | cheapest
            if hint is not None:  # the start's pairs, so that it stays a plan of the model
                must[[p for p, n in hint.pairs.items() if n]] = True
            keep = _within_budget(comp, keep | must, rc, must, growth.max_model_pairs)
        if proven_start is not None:  # no solver needed: the start, over every pair
            keep[:] = True
            f = full
        else:
            f = formulate(comp, every[keep], settings.allow_partial, terms, pool)
        elapsed = time.perf_counter() - start
        stages = stages_of(problem, f)
        ranked = pool is None and len(stages) > 1  # the later terms: `_later_stages`
        seconds = max(budget - elapsed, 0.01)
        solve_stages = stages[:1] if ranked else stages
        if proven_start is not None:
            outcome, refixed = replace(proven_start, status=Status.OPTIMAL), False
            proven_start = None
        elif lagrange_lb is None:
            outcome = integer_solver(
                f, solve_stages, settings, _map_hint(hint, f), progress, seconds
            )
            refixed = False
        else:  # each kept pair's bound: a better plan rules out those above it
            kept_bounds = np.maximum(rc + relaxation.objective, lagrange_lb)[keep]
            outcome, refixed = _until_fewer_pairs(
                integer_solver,
                f,
                solve_stages,
                settings,
                _map_hint(hint, f),
                seconds,
                kept_bounds,
                progress,
            )
        if refixed and outcome.values is not None:  # a better plan rules out more pairs
            window, hint = outcome.objective - relaxation.objective, _hint_of(f, outcome)
            continue
        pruned = ~keep
        # pairs priced but not built can still join while the LP is the whole problem's
        can_grow = growth is not None and converged and outside < float("inf")
        in_time = time.perf_counter() - start < budget
        if outcome.status is Status.INFEASIBLE and (pruned.any() or (can_grow and in_time)):
            least = float(rc[pruned].min()) if pruned.any() else outside
            window = max(window * 4, least) + 1.0  # too tight: widen
            continue
        if (
            started is not None
            and started.hint is not None
            and not (outcome.values is not None and outcome.objective <= started.upper + EPS)
        ):
            outcome = started.outcome(f, outcome)  # the solver lost the start: keep it
        if outcome.values is None:
            return ComponentResult(
                comp.subjects,
                outcome.status,
                float("nan"),
                known_bound / POINTS,
                time.perf_counter() - start,
                comp.n_pairs,
                int(keep.sum()),
            ), None
        slack = outcome.objective - relaxation.objective
        # the least any plan through a pair left out can cost, above the LP bound
        pair_rise = (
            rc if lagrange_lb is None else np.maximum(rc, lagrange_lb - relaxation.objective)
        )
        cheapest_pruned = float(pair_rise[pruned].min()) if pruned.any() else float("inf")
        cheapest_pruned = min(cheapest_pruned, outside)
        exact = cheapest_pruned > slack + EPS
        if outcome.objective <= known_bound + EPS and (ranked or len(stages) == 1):
            outcome.status, exact = Status.OPTIMAL, True  # the plan meets a bound of the whole
        rounds += 1
        if outcome.status is Status.OPTIMAL and not exact and rounds < MAX_ROUNDS:
            window = slack
            hint = _hint_of(f, outcome)
            continue
        status = outcome.status if exact else Status.FEASIBLE
        bound = (
            outcome.objective
            if status is Status.OPTIMAL
            else max(known_bound, min(outcome.bound, relaxation.objective + cheapest_pruned))
        )
        plan_model = f
        if ranked and outcome.status is Status.OPTIMAL:
            first_term = outcome.objective  # the result reports the first term
            later = _later_stages(
                problem, comp, terms, integer_solver, (f, outcome), rc, slack, start + budget
            )
            (plan_model, outcome), proven = later
            outcome.objective = first_term
            status = status if proven else Status.FEASIBLE
        result = ComponentResult(
            comp.subjects,
            status,
            outcome.objective / POINTS,
            bound / POINTS,
            time.perf_counter() - start,
            comp.n_pairs,
            int(keep.sum()),
        )
        return result, _plan_of(comp, plan_model, outcome)


REFIX_SHARE = 0.6  # a better plan that leaves at most this share of the pairs: start again


def _until_fewer_pairs(
    integer_solver: ExactSolver,
    f: Formulation,
    stages: list[tuple[dict[int, int], int]],
    settings: AssignmentSettings,
    hint: dict[int, int] | None,
    seconds: float,
    kept_bounds: np.ndarray,
    progress: Progress | None,
) -> tuple[Outcome, bool]:
    """The integer solver on `f`, stopped as soon as it finds a plan so much better that
    the pairs' bounds (`kept_bounds`, one per pair of `f`) would leave at most REFIX_SHARE
    of them: a smaller model, solved again, proves sooner than this one. Returns its
    outcome and whether it was stopped for that (not when it ended proven). A stop of the
    caller's (`stages.STOP`) still stops it."""
    refix, outer = threading.Event(), STOP.get()
    most = REFIX_SHARE * len(kept_bounds)

    def watch(objective: float, bound: float) -> None:
        if progress is not None:
            progress(objective, bound)
        if np.count_nonzero(kept_bounds <= objective + EPS) <= most:
            refix.set()

    # the caller's stop (read before it is replaced) sets `refix`, which the solver watches
    with interrupted_on_stop(refix.set), stopping_on(refix):
        outcome = integer_solver(f, stages, settings, hint, watch, seconds)
    # a solver that cannot be interrupted (CP-SAT) may have ended proven all the same
    stopped = refix.is_set() and outcome.status is not Status.OPTIMAL
    return outcome, stopped and not (outer is not None and outer.is_set())


def _no_plan(
    comp: Component, status: Status, start: float, problems: list[str] | None = None
) -> ComponentResult:
    """A component's result without a plan or a bound (cancelled, infeasible)."""
    return ComponentResult(
        comp.subjects,
        status,
        float("nan"),
        float("nan"),
        time.perf_counter() - start,
        comp.n_pairs,
        0,
        problems=problems or [],
    )


def _relaxation(f: Formulation, stage: tuple[dict[int, int], int], deadline: float) -> Relaxation:
    """GLOP's LP of an assignment model; where GLOP calls it infeasible, HiGHS's dual simplex
    (by `deadline`): GLOP's «infeasible» is not taken on its word alone — on the rows that
    hold earlier terms (Yakutia's math, primary school) it is numerics, not the model."""
    relaxation = solve_relaxation(f, *stage)
    if relaxation.feasible:
        return relaxation
    return solve_relaxation_highs(f, *stage, max(deadline - time.perf_counter(), 0.01))


def _lp_floor_start(
    problem: AssignmentProblem,
    model: Formulation,
    relaxation: Relaxation,
    integer_solver: ExactSolver,
    seconds: float,
    stage: int = 0,
) -> tuple[_Hint, Outcome] | None:
    """A start for ranked term `stage` and its solve (a plan of `model`: the same variables):
    the LP's teachers rounded down stay where the LP sends them and the integer solver places
    only the rest (a small model; with category weights the solver's own heuristics take many
    seconds to find a plan that keeps every minimum load). None when that leaves no plan in
    `seconds`."""
    values = relaxation.values[model.x]
    fixed = replace(model, lb=list(model.lb))
    for var, value in zip(model.x, values, strict=True):
        fixed.lb[var] = math.floor(value + EPS)
    term = _stages(problem, fixed)[stage]
    outcome = integer_solver(fixed, [term], problem.settings, None, None, seconds)
    if outcome.values is None:
        return None
    return _hint_of(fixed, outcome), outcome


def _later_stages(
    problem: AssignmentProblem,
    comp: Component,
    terms: tuple[Term, ...],
    integer_solver: ExactSolver,
    first: tuple[Formulation, Outcome],
    rc: np.ndarray,
    slack: float,
    deadline: float,
) -> tuple[tuple[Formulation, Outcome], bool]:
    """The ranked terms after the first, each in turn over the pairs that a plan as good on
    the terms before could use, and whether every one is proven.

    A pair whose reduced cost in term k's LP (the terms before held at their optima) exceeds
    (plan − LP bound) carries no teacher in any plan as good on terms 0…k: the first term's
    reduced costs `rc` (over every pair of `comp`) and its `slack` leave the candidates of
    term 1, term 1's leave those of term 2. Each term's integer model starts from the plan
    of the term before and widens its window of reduced cost until the pairs left out cannot
    improve it, as the first term's loop does; so the later terms are solved on a fraction of
    the pairs (the first term's reduced costs are mostly zero) and proven as exactly.
    Under category weights the reduced costs are strengthened by each methodist's integer
    knapsack (`knapsack_bound`), and with the moves held only the pairs that some plan within
    them may use are candidates (`leavers`)."""
    settings = problem.settings
    model, outcome = first
    held = [_stage_total(problem, model, outcome, 0)]
    candidates = np.union1d(np.flatnonzero(rc <= slack + EPS), _used_pairs(model, outcome))
    proven = True
    for k in range(1, len(_stages(problem, model))):
        if stop_set():  # a cancelled job: no further term is begun
            return (model, outcome), False
        moves = _held_moves(problem, comp, terms, held)
        if moves is not None:  # who may leave their methodist, with the moves held
            candidates = candidates[moves.movable(comp, candidates)]
        hint = _hint_of(model, outcome)
        wide = _held_model(problem, comp, candidates, terms, held, moves)
        coefs, constant = _stages(problem, wide)[k]
        relaxation = _relaxation(wide, (coefs, constant), deadline)
        # numerically infeasible to both LPs: every candidate stays, nothing proven by the LP
        term_rc = relaxation.reduced_costs[wide.x] if relaxation.feasible else np.zeros(len(wide.x))
        term_bound = relaxation.objective
        knapsacks = pair_rises(wide, comp, relaxation) if relaxation.feasible else None
        if knapsacks is not None:  # the load rows kept whole: a bound above the LP's
            term_bound, term_rc = relaxation.objective + knapsacks[0], knapsacks[1]
        if relaxation.feasible:  # a plan near the LP's: a smaller gap, a narrower window
            seconds = 0.1 * max(deadline - time.perf_counter(), 0.0)
            near = _lp_floor_start(problem, wide, relaxation, integer_solver, seconds, k)
            if (
                near is not None
                and near[1].objective < _stage_total(problem, model, outcome, k) - EPS
            ):
                hint = near[0]
        used = np.isin(candidates, [p for p, n in hint.pairs.items() if n])
        # measured: the balance term's proof goes 2–4× faster without the primal heuristics
        # (its start, the plan of the term before, is already near), travel's much slower
        heuristics = terms[k] is not Term.BALANCE
        window, rounds = 0.0, 0
        while True:
            keep = (term_rc <= window + EPS) | used
            narrow = _held_model(problem, comp, candidates[keep], terms, held, moves)
            solved = integer_solver(
                narrow,
                [_stages(problem, narrow)[k]],
                settings,
                _map_hint(hint, narrow),
                None,
                max(deadline - time.perf_counter(), 0.01),
                heuristics,
            )
            if solved.values is None:  # no time left for this term: the plan before stands
                return (model, outcome), False
            gap = solved.objective - term_bound
            outside = float(term_rc[~keep].min()) if (~keep).any() else float("inf")
            # without the LP (numerically infeasible) every candidate is in the model
            exact = outside > gap + EPS if relaxation.feasible else not (~keep).any()
            rounds += 1
            if solved.status is Status.OPTIMAL and not exact and rounds < MAX_ROUNDS:
                window, hint = gap, _hint_of(narrow, solved)
                continue
            break
        model, outcome = narrow, solved
        proven = proven and solved.status is Status.OPTIMAL and exact
        if not (solved.status is Status.OPTIMAL and exact):
            break
        held.append(_stage_total(problem, model, outcome, k))
        if relaxation.feasible:  # without the LP's reduced costs no candidate can be ruled out
            candidates = candidates[term_rc <= gap + EPS]
        candidates = np.union1d(candidates, _used_pairs(model, outcome))
    return (model, outcome), proven


def _stage_total(problem: AssignmentProblem, f: Formulation, outcome: Outcome, k: int) -> float:
    """Term k's value (with its constant) in a plan: the same in every model of `comp`."""
    assert outcome.values is not None
    coefs, constant = _stages(problem, f)[k]
    return float(sum(c * outcome.values[v] for v, c in coefs.items())) + constant


def _used_pairs(f: Formulation, outcome: Outcome) -> np.ndarray:
    """The component pairs that carry teachers in a plan."""
    assert outcome.values is not None
    return np.array(
        [p for v, p in zip(f.x, f.pairs, strict=True) if outcome.values[v]], dtype=np.int64
    )


def _held_model(
    problem: AssignmentProblem,
    comp: Component,
    pairs: np.ndarray,
    terms: tuple[Term, ...],
    held: list[float],
    moves: HeldMoves | None = None,
) -> Formulation:
    """The model over `pairs`, the first len(held) ranked terms held at those values (and,
    with the moves among them, the stays that implies: `_held_moves`)."""
    f = formulate(comp, pairs, problem.settings.allow_partial, terms)
    for (coefs, constant), total in zip(_stages(problem, f), held, strict=False):
        f.add_row(list(coefs), list(coefs.values()), -UNBOUNDED, math.floor(total - constant + EPS))
    if moves is not None:
        add_stay_rows(f, comp, moves)
    return f


def _held_moves(
    problem: AssignmentProblem, comp: Component, terms: tuple[Term, ...], held: list[float]
) -> HeldMoves | None:
    """What holding the moves at most their optimum implies (`leavers`), when they are one
    of the terms held. With a partial plan a teacher who leaves may be left out instead of
    moved: only the first stage, where leaving out costs more than a move, bounds both."""
    if Term.CHANGES not in terms[: len(held)]:
        return None
    stage = terms.index(Term.CHANGES)
    if problem.settings.allow_partial and stage > 0:
        return None
    # every teacher who leaves costs at least a move's POINTS in the stage; the penalties
    # in it are never negative
    most = math.floor(held[stage] / POINTS + EPS)
    return HeldMoves.of(comp, most)


def _growth(problem: AssignmentProblem, pool: PoolSpec | None) -> Growth | None:
    """Column generation, for a sizing problem built from candidate lists."""
    if pool is None or problem.candidate_costs is None:
        return None
    weights = POOL_WEIGHTS if pool.count is None else FIXED_POOL_WEIGHTS
    return Growth(
        problem,
        problem.candidate_costs,
        weights[0].get(Term.TRAVEL.value, 0.0) * WEIGHT_SCALE,
        pool.max_pairs,
    )


def _within_budget(
    comp: Component, keep: np.ndarray, rc: np.ndarray, always: np.ndarray, most: int
) -> np.ndarray:
    """The integer model of a grown component: whole up to `TRACTABLE_PAIRS`, else per group
    its `MODEL_PER_GROUP` cheapest pairs by reduced cost (and those it must have), at most
    `most` in all. The pairs left out count as pruned in the bound."""
    if keep.sum() <= TRACTABLE_PAIRS:
        return keep
    ranked = _rank_in_group(comp, np.where(keep & ~always, rc, np.inf))
    limited = (keep & always) | (keep & (ranked < MODEL_PER_GROUP))
    if limited.sum() > most:
        extra = np.flatnonzero(limited & ~always)
        room = max(most - int((keep & always).sum()), 0)
        limited = keep & always
        limited[extra[np.argsort(rc[extra], kind="stable")[:room]]] = True
    return limited


@dataclass
class _Started:
    """A fixed-size pool's start: the local search's plan (hint None: none that serves
    everyone), its objective, and the Lagrangian bound (points, with the constant)."""

    hint: _Hint | None
    upper: float
    bound: float
    with_pair: np.ndarray | None = None
    """Per component pair, a lower bound on every plan that uses it (Lagrangian
    reduced-cost fixing, `lagrange.pair_bounds`); None for a grown component."""

    def outcome(self, f: Formulation, solved: Outcome) -> Outcome:
        """The start as the solver's outcome on `f`, with the solver's bound."""
        assert self.hint is not None
        values = np.zeros(len(f.lb), dtype=np.int64)
        for var, value in (_map_hint(self.hint, f) or {}).items():
            values[var] = value
        return Outcome(Status.FEASIBLE, values, self.upper, solved.bound, solved.wall_time)


def _fixed_pool_start(
    problem: AssignmentProblem,
    comp: Component,
    full: Formulation,
    relaxation: Relaxation,
    pool: PoolSpec,
    growth: Growth | None,
    deadline: float,
) -> _Started:
    """A good plan and a better bound, for a pool of fixed size: a local search from the
    LP's most open methodists (`neighbourhood`), then Lagrangian steps from the LP's duals
    (`lagrange`), each in its share of the time left; for a pool within the integer
    solver's reach, also each pair's Lagrangian bound, which rules pairs out of its model."""
    fixed = _fixed_pool(comp, pool)
    score = np.array([relaxation.values[full.open[m]] for m in range(len(comp.methodists))])
    left = deadline - time.perf_counter()
    fixing = growth is None and comp.n_groups <= PROOF_GROUPS
    share = LARGE_SEARCH_SHARE if comp.n_groups > LARGE_POOL_GROUPS else SEARCH_SHARE
    share = PROOF_SEARCH_SHARE if fixing else share
    searched = local_search(
        comp, fixed, fixed.first_open(score), problem.settings, time.perf_counter() + left * share
    )
    hint, upper = None, float("inf")
    if searched is not None and searched.complete:
        counts = searched.counts
        hint = _Hint(
            {int(p): int(counts[p]) for p in np.flatnonzero(counts)},
            {m: int(searched.opened[m]) for m in range(len(comp.methodists))},
        )
        upper = searched.objective
    duals = np.array([relaxation.duals[full.assign_row[g]] for g in range(comp.n_groups)])
    caps = _price_caps(comp, growth)
    bound_share = FIXING_SHARE if fixing else BOUND_SHARE
    bound_deadline = min(time.perf_counter() + left * bound_share, deadline)
    lagrange = lagrangian_bound(fixed, duals, caps, upper, bound_deadline)
    if not fixing:  # region scale, or pairs not built (priced only by caps)
        return _Started(hint, upper, lagrange.bound)
    bound, with_pair = pair_bounds(fixed, lagrange.prices)
    return _Started(hint, upper, max(bound, lagrange.bound), with_pair)


def _guide_lp(
    comp: Component,
    pool: PoolSpec | None,
    growth: Growth | None,
    terms: tuple[Term, ...],
    relax: Callable[[Formulation], Relaxation],
) -> tuple[Formulation, Relaxation] | None:
    """For a fixed-size pool of many pairs within the proof's reach (sjc3a–sjc4b: 90 000
    and 161 604 pairs): the LP over each group's `GUIDE_NEAREST` nearest methodists (sjc4a:
    2.0 s against the whole LP's 13.4 s, its objective 0.04 % above). It is no bound, but
    its opening and duals start the local search and the Lagrangian as well as the whole
    LP's do, and the Lagrangian's bound and pair bounds (valid for any prices) then stand
    in for the LP's (`_lagrangian_relaxation`). None — the whole LP — elsewhere, or when
    the nearest methodists cannot serve everyone (the whole LP then says whether any can)."""
    if (
        pool is None
        or pool.count is None
        or growth is not None
        or comp.n_groups > PROOF_GROUPS
        or comp.n_pairs < GUIDE_MIN_PAIRS
    ):
        return None
    nearest = np.flatnonzero(
        _rank_in_group(comp, comp.pair_travel.astype(np.float64)) < GUIDE_NEAREST
    )
    near = formulate(comp, nearest, True, terms, pool)
    guide = relax(near)
    if guide.stopped or not guide.feasible:
        return None
    if sum(guide.values[v] for v in near.unplaced.values()) > EPS:
        return None
    return near, guide


def _lagrangian_relaxation(full: Formulation, started: _Started) -> Relaxation:
    """The Lagrangian in the LP's place over `full`'s variables: its bound as the objective
    and each pair's bound above it (`lagrange.pair_bounds`) as the pair's reduced cost, so
    the pruning and its proof read it as they read the LP."""
    assert started.with_pair is not None
    reduced = np.zeros(len(full.lb))
    reduced[full.x] = started.with_pair - started.bound
    return Relaxation(
        True, started.bound, np.zeros(len(full.lb)), reduced, np.zeros(len(full.rows))
    )


def _fixed_pool(comp: Component, pool: PoolSpec) -> FixedPool:
    assert pool.count is not None
    travel = FIXED_POOL_WEIGHTS[0][Term.TRAVEL.value] * WEIGHT_SCALE
    cost = comp.pair_travel.astype(np.float64) * travel
    return FixedPool(comp, cost, pool.count, pool.always_open)


def _price_caps(comp: Component, growth: Growth | None) -> np.ndarray:
    """The Lagrangian prices' caps: the cheapest pair not built, per group."""
    return growth.cheapest_outside(comp) if growth is not None else np.full(comp.n_groups, np.inf)


def _fixed_pool_without_lp(
    problem: AssignmentProblem,
    comp: Component,
    pool: PoolSpec,
    growth: Growth | None,
    start: float,
    deadline: float,
) -> tuple[ComponentResult, _Plan | None]:
    """A fixed-size pool whose LP did not end in its share of the time (region scale): the
    Lagrangian bound from each group's cheapest pair, then the local search from the
    methodists whose knapsacks at the best prices save most. No pruning proof, so the plan
    is optimal only when it meets the bound."""
    fixed = _fixed_pool(comp, pool)
    cheapest = np.full(comp.n_groups, np.inf)
    np.minimum.at(cheapest, fixed.pair_group, fixed.cost)
    caps = _price_caps(comp, growth)
    left = deadline - time.perf_counter()
    first = lagrangian_bound(
        fixed, cheapest, caps, np.inf, time.perf_counter() + left * BOUND_SHARE
    )
    searched = local_search(
        comp,
        fixed,
        fixed.first_open(-first.values),
        problem.settings,
        deadline - left * BOUND_SHARE,
    )
    upper = searched.objective if searched is not None and searched.complete else np.inf
    # on from the best prices, now with the plan as the steps' target
    again = lagrangian_bound(fixed, first.prices, caps, upper, deadline)
    bound, runtime = max(first.bound, again.bound), time.perf_counter() - start
    if searched is None or not searched.complete:
        return ComponentResult(
            comp.subjects, Status.TIME_LIMIT, float("nan"), bound / POINTS, runtime, comp.n_pairs, 0
        ), None
    counts = searched.counts
    used = np.flatnonzero(counts)
    status = Status.OPTIMAL if searched.objective <= bound + EPS else Status.FEASIBLE
    result = ComponentResult(
        comp.subjects,
        status,
        searched.objective / POINTS,
        bound / POINTS,
        runtime,
        comp.n_pairs,
        len(used),
    )
    plan = _Plan(
        {(int(comp.pair_group[p]), int(comp.pair_methodist[p])): int(counts[p]) for p in used},
        {},
        {int(comp.methodists[m]) for m in np.flatnonzero(searched.opened)},
    )
    return result, plan


def _infeasible_reasons(problem: AssignmentProblem, comp: Component) -> list[str]:
    """The diagnosis, or — when no single cause stands out — the plain fact."""
    return diagnose_component(problem, comp) or [
        f"{component_name(comp)}: пределы нагрузки несовместимы с досягаемостью"
    ]


def _cheapest_per_group(comp: Component, rc: np.ndarray) -> np.ndarray:
    return _rank_in_group(comp, rc) < KEEP_CHEAPEST


def _rank_in_group(comp: Component, rc: np.ndarray) -> np.ndarray:
    """Each pair's rank by reduced cost among its group's pairs (0 = cheapest)."""
    order = np.lexsort((rc, comp.pair_group))
    rank = np.empty(comp.n_pairs, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(comp.pair_group[order])) + 1]
    sizes = np.diff(np.r_[starts, comp.n_pairs])
    rank[order] = np.arange(comp.n_pairs) - np.repeat(starts, sizes)
    return rank


@dataclass
class _Hint:
    """A plan in model-independent terms, to warm-start a wider model: teachers per component
    pair and, when sizing, the open methodists (component-local)."""

    pairs: dict[int, int]
    opened: dict[int, int]


def _hint_of(f: Formulation, outcome: Outcome) -> _Hint:
    assert outcome.values is not None
    values = outcome.values
    return _Hint(
        {int(p): int(values[v]) for v, p in zip(f.x, f.pairs, strict=True)},
        {m: int(values[v]) for m, v in f.open.items()},
    )


def _map_hint(hint: _Hint | None, f: Formulation) -> dict[int, int] | None:
    if hint is None:
        return None
    mapped = {v: hint.pairs.get(int(p), 0) for v, p in zip(f.x, f.pairs, strict=True)}
    mapped.update({v: hint.opened[m] for m, v in f.open.items() if m in hint.opened})
    return mapped


def _plan_of(comp: Component, f: Formulation, outcome: Outcome) -> _Plan:
    assert outcome.values is not None
    counts: dict[tuple[int, int], int] = {}
    for var, p in zip(f.x, f.pairs, strict=True):
        value = int(outcome.values[var])
        if value:
            counts[int(comp.pair_group[p]), int(comp.pair_methodist[p])] = value
    unplaced = {g: int(outcome.values[v]) for g, v in f.unplaced.items() if outcome.values[v]}
    opened = {int(comp.methodists[m]) for m, v in f.open.items() if outcome.values[v]}
    return _Plan(counts, unplaced, opened)


ComponentCache = dict[
    str, tuple[ComponentResult, dict[tuple[int, str], int], dict[int, int], list[str]]
]
"""Proven component plans by `fingerprint`: the result, pair counts by methodist id, the
groups left out, and what `diagnose_component` found (a kept component is not diagnosed
again)."""


def fingerprint(problem: AssignmentProblem, comp: Component, settings: bytes = b"") -> str:
    """Everything a component's optimum depends on, by ids rather than positions: the same
    fingerprint means the same problem, so its earlier plan is still optimal. `settings`:
    the settings' JSON, when the caller has it (one per problem, not per component)."""
    digest = hashlib.sha256(settings or problem.settings.model_dump_json().encode())
    digest.update(repr(comp.subjects).encode())
    teachers = map(problem.teacher_ids.__getitem__, chain.from_iterable(comp.group_teachers))
    digest.update("\0".join(teachers).encode())
    for methodists in (comp.methodists, comp.group_current, comp.pair_methodist):
        digest.update(b"\1")
        for part in _as_ids(problem.methodist_ids, methodists):
            digest.update(part)
    for array in (
        comp.group_count,
        comp.group_weight,
        comp.pair_group,
        comp.pair_travel,
        comp.pair_change,
        comp.pair_in_person,
        comp.min_load,
        comp.max_load,
    ):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _as_ids(ids: list[str], methodists: IntArray) -> tuple[bytes, bytes]:
    """Methodist indices (or -1 for none, GONE) by id: the ids present, then each value's
    place among them — the same bytes whatever positions the methodists have."""
    present = np.zeros(len(ids) + 2, dtype=bool)
    present[methodists + 2] = True
    table = np.flatnonzero(present) - 2
    place = np.cumsum(present) - 1
    names = [ids[m] if m >= 0 else ("<gone>" if m == GONE else "") for m in table.tolist()]
    return "\0".join(names).encode(), place[methodists + 2].astype(np.int64).tobytes()


def _solve_or_reuse(
    problem: AssignmentProblem,
    comp: Component,
    progress: Progress | None,
    time_limit: float,
    cache: ComponentCache | None,
    key: str | None,
    diagnosis: list[str],
) -> tuple[ComponentResult, _Plan | None]:
    """A component solved, or its plan taken from `cache` when nothing it depends on changed
    (what-if runs re-solve only the subjects a change touches)."""
    if cache is None or key is None:
        return solve_component(problem, comp, progress, time_limit)
    if key in cache:
        result, counts, unplaced, _ = cache[key]
        index = {m: i for i, m in enumerate(problem.methodist_ids)}
        return result, _Plan({(g, index[m]): c for (g, m), c in counts.items()}, dict(unplaced))
    result, plan = solve_component(problem, comp, progress, time_limit)
    if plan is not None and result.status is Status.OPTIMAL:
        ids = problem.methodist_ids
        counts = {(g, ids[m]): c for (g, m), c in plan.counts.items()}
        cache[key] = result, counts, plan.unplaced, diagnosis
    return result, plan


def solve(
    problem: AssignmentProblem,
    progress: Progress | None = None,
    on_component: ComponentProgress | None = None,
    cache: ComponentCache | None = None,
    on_totals: Callable[[float, float], None] | None = None,
) -> Result:
    """Plan the whole region; an impossible plan is a result with the reasons, not an error.
    With `cache`, components whose data did not change reuse their proven plans;
    `on_totals(objective, bound)` hears the sums over the components solved so far, and
    `on_component` the progress, both in the caller's thread; `progress` is called from the
    threads that solve."""
    start = time.perf_counter()
    settings = problem.settings
    problems: list[str] = []
    if problem.unplaceable:
        problems += unplaceable_messages(problem)
    settings_json = settings.model_dump_json().encode()
    keys = [
        fingerprint(problem, c, settings_json) if cache is not None else None
        for c in problem.components
    ]
    diagnoses = [
        cache[key][3] if cache is not None and key in cache else diagnose_component(problem, comp)
        for comp, key in zip(problem.components, keys, strict=True)
    ]
    problems += [message for found in diagnoses for message in found]
    if not settings.allow_partial and problems:
        return Result(
            Status.INFEASIBLE,
            float("nan"),
            float("nan"),
            time.perf_counter() - start,
            {},
            _unplaced(problem, {}),
            [],
            {},
            problems,
        )
    assignment: dict[str, str] = {}
    partial_out: dict[int, str] = {}

    def solve_one(index: int, share: float) -> Solved:
        comp = problem.components[index]
        return _solve_or_reuse(problem, comp, progress, share, cache, keys[index], diagnoses[index])

    solved_by_index: dict[int, Solved] = {}

    def on_solved(index: int, solved: Solved) -> None:
        solved_by_index[index] = solved
        if on_totals:
            found = [r for r, _ in solved_by_index.values() if r.status.has_plan]
            on_totals(sum(r.objective for r in found), sum(r.bound for r in found))

    _side_by_side(problem, start, solve_one, on_component, on_solved)
    results: list[ComponentResult] = []
    for index, comp in enumerate(problem.components):  # in the components' order: repeatable
        result, plan = solved_by_index[index]
        results.append(result)
        problems += result.problems
        if plan is None:
            continue
        distribute_plan(comp, plan, problem.methodist_ids, problem.teacher_ids, assignment)
        for g, count in plan.unplaced.items():
            for t in _left_out(comp, g, count):
                partial_out[t] = (
                    "не хватило ёмкости методистов в пределах досягаемости "
                    f"({component_name(comp)})"
                )
    status = overall_status({r.status for r in results})
    if status is Status.INFEASIBLE:
        assignment = {}
    terms = objective_terms(problem, assignment, partial_out) if assignment else {}
    objective = sum(r.objective for r in results if r.status in (Status.OPTIMAL, Status.FEASIBLE))
    bound = sum(r.bound for r in results if r.status in (Status.OPTIMAL, Status.FEASIBLE))
    return Result(
        status,
        objective,
        bound,
        time.perf_counter() - start,
        assignment,
        _unplaced(problem, partial_out),
        results,
        terms,
        problems,
    )


SHARE_FLOOR_PAIRS = 1_000  # a component counts as at least this many pairs in its share


def time_share(limit: float, start: float, sizes: list[int]) -> float:
    """The first of the components left its share of the time left, by their pairs (the
    model a solver works through; a small one counts as SHARE_FLOOR_PAIRS): a hard subject
    cannot starve the ones after it, and the largest are not cut to an equal slice."""
    weights = [max(size, SHARE_FLOOR_PAIRS) for size in sizes]
    left = limit - (time.perf_counter() - start)
    return max(left * weights[0] / sum(weights), 0.05)


def lanes(sizes: list[int], workers: int) -> list[list[int]]:
    """Indices of `sizes` dealt to `workers` lanes, the largest first, each to the lane with
    the fewest pairs so far (counted as `time_share` counts them): each lane then shares the
    whole limit among its own components, one after another."""
    dealt: list[list[int]] = [[] for _ in range(max(min(workers, len(sizes)), 1))]
    load = [0] * len(dealt)
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        lane = load.index(min(load))
        dealt[lane].append(i)
        load[lane] += max(sizes[i], SHARE_FLOOR_PAIRS)
    return dealt


Solved = tuple[ComponentResult, "_Plan | None"]
STOP_POLL_SECONDS = 0.2  # how often the caller's stop event is looked at while groups run


def _side_by_side(
    problem: AssignmentProblem,
    start: float,
    solve_one: Callable[[int, float], Solved],
    on_component: ComponentProgress | None,
    on_solved: Callable[[int, Solved], None],
) -> None:
    """The components solved on `settings.parallel` threads (HiGHS and GLOP work outside
    Python's lock), in `lanes`; a lane done with its own takes the next one waiting in
    another. `on_solved(index, solved)` and `on_component` are called in the caller's thread
    as they finish, and a lane starts its next component only once they have returned: when
    one raises (a job cancelled), no further component starts, those
    running stop at their HiGHS run's next check (`stages.STOP`), and the exception goes on
    once they have. The caller's own `STOP` event, when it has one, is watched while it
    waits: once set, the same happens and `Stopped` is raised — a cancel need not wait for
    a long group to end."""
    settings, components = problem.settings, problem.components
    outer = STOP.get()
    total = len(components)
    workers = settings.parallel or min(2, os.cpu_count() or 1)
    dealt = lanes([c.n_pairs for c in components], workers)
    waiting = [collections.deque(own) for own in dealt]  # each lane's, not yet begun
    lock = threading.Lock()
    finished: queue.Queue[tuple[int, tuple[int, Solved] | BaseException]] = queue.Queue()
    current = [own[0] for own in dealt if own]  # what each lane solves, to name on screen
    go = [threading.Semaphore(0) for _ in dealt]
    stop = threading.Event()

    def take(number: int) -> tuple[int, list[int]] | None:
        """The lane's next component and the lane's others after it. A lane with none
        left takes the next one waiting in the lane with most pairs waiting (its own
        limit then is the whole time left): the other lane's small ones need not wait for
        its large one to end."""
        with lock:
            own = waiting[number]
            if not own:
                others = [lane for lane in waiting if lane]
                if not others:
                    return None
                busiest = max(others, key=lambda lane: sum(components[i].n_pairs for i in lane))
                own.append(busiest.popleft())
            index = own.popleft()
            return index, list(own)

    def next_shown(number: int) -> int | None:
        """What to name on screen once lane `number` has finished a component."""
        with lock:
            if waiting[number]:
                return waiting[number][0]
            later = [lane[0] for lane in waiting if lane]
        others = [current[n] for n in range(len(current)) if n != number]
        named = later or others
        return named[0] if named else None

    def lane(number: int) -> None:
        STOP.set(stop)  # this thread's solvers watch it
        while not stop.is_set() and (taken := take(number)) is not None:
            index, after = taken
            current[number] = index
            sizes = [components[i].n_pairs for i in (index, *after)]
            try:
                solved = solve_one(index, time_share(settings.time_limit, start, sizes))
            except BaseException as exc:  # the caller raises it
                finished.put((number, exc))
                return
            finished.put((number, (index, solved)))
            go[number].acquire()  # the caller has heard of it

    if on_component:
        on_component(0, total, component_name(components[dealt[0][0]]) if total else "")
    if not total:
        return
    threads = [
        threading.Thread(target=lane, args=(n,), name=f"component-{n}", daemon=True)
        for n in range(len(dealt))
    ]
    for thread in threads:
        thread.start()
    try:
        for done in range(1, total + 1):
            while True:
                try:
                    number, got = finished.get(timeout=STOP_POLL_SECONDS)
                    break
                except queue.Empty:
                    if outer is not None and outer.is_set():
                        raise Stopped from None
            if isinstance(got, BaseException):
                raise got
            index, solved = got
            on_solved(index, solved)
            if on_component and done < total:
                shown = next_shown(number)
                name = component_name(components[shown]) if shown is not None else ""
                on_component(done, total, name)
            go[number].release()
    except BaseException:
        stop.set()
        for semaphore in go:
            semaphore.release()
        for thread in threads:
            thread.join()
        raise
    if on_component:
        on_component(total, total, "")


def overall_status(statuses: set[Status]) -> Status:
    """The worst of the components': a defect first, then no plan, then no proof."""
    worst_first = (
        Status.MODEL_INVALID,
        Status.INFEASIBLE,
        Status.UNKNOWN,
        Status.TIME_LIMIT,
        Status.FEASIBLE,
    )
    for status in worst_first:
        if status in statuses:
            return status
    return Status.OPTIMAL


def distribute_plan(
    comp: Component,
    plan: _Plan,
    methodist_ids: list[str],
    teacher_ids: list[str],
    assignment: dict[str, str],
) -> None:
    """Give each group's teachers to methodists in the counts of the plan, in a fixed order."""
    by_group: dict[int, list[tuple[int, int]]] = {}
    for (g, m), count in sorted(plan.counts.items()):
        by_group.setdefault(g, []).append((m, count))
    for g, shares in by_group.items():
        teachers = sorted(comp.group_teachers[g])
        cursor = 0
        for m, count in shares:
            for t in teachers[cursor : cursor + count]:
                assignment[teacher_ids[t]] = methodist_ids[m]
            cursor += count


def _left_out(comp: Component, g: int, count: int) -> list[int]:
    teachers = sorted(comp.group_teachers[g])
    return teachers[len(teachers) - count :]


def _unplaced(problem: AssignmentProblem, partial_out: dict[int, str]) -> list[Unplaced]:
    items = [Unplaced(problem.teacher_ids[u.teacher], u.reason) for u in problem.unplaceable]
    items += [Unplaced(problem.teacher_ids[t], reason) for t, reason in sorted(partial_out.items())]
    return items
