"""The exact network method: a minimum-cost flow, for loads counted in heads.

When every teacher weighs the same, the assignment is a transportation problem and its
constraint matrix is totally unimodular: the min-cost flow optimum is integral and optimal for
the integer problem, proven by the flow algorithm itself. The terms travel and changes are arc
costs; balance is a convex function of a methodist's load, which parallel methodist → sink
arcs of increasing unit cost represent exactly; minimum loads are node demands. A ranking of
terms becomes one integer cost with multipliers larger than the range of every lower term.
The split term (a fixed charge) is not a flow: such models go to the integer solver.
"""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import min_cost_flow

from assign.assignment.formulation import UNPLACED_POINTS, WEIGHT_SCALE
from assign.assignment.problem import LOAD_SCALE, OBJECTIVE_SCALE, AssignmentProblem, Component
from assign.assignment.result import ComponentResult, Status
from assign.assignment.settings import Term

COST_LIMIT = 2**62 // 4  # keep costs × nodes (cost scaling) far from int64 overflow


def applies(comp: Component, terms: tuple[Term, ...]) -> bool:
    return Term.SPLIT not in terms and bool(np.all(comp.group_weight == LOAD_SCALE))


def _balance_steps(low: int, high: int, target: int) -> list[tuple[int, int]]:
    """(capacity, unit cost) arcs for |h − target| heads, h from low to high, with runs of
    equal slope merged; convex, so the cheaper arcs fill first."""
    steps: list[tuple[int, int]] = []
    for h in range(low, high):
        slope = abs(h + 1 - target) - abs(h - target)
        if steps and steps[-1][1] == slope:
            steps[-1] = (steps[-1][0] + 1, slope)
        else:
            steps.append((1, slope))
    return steps


def solve_by_flow(
    problem: AssignmentProblem, comp: Component, terms: tuple[Term, ...]
) -> tuple[ComponentResult, dict[tuple[int, int], int], dict[int, int]] | None:
    """The optimum of `comp`, its plan {(group, methodist): teachers} and the teachers left out
    of each group (a partial plan), or None when the costs would not fit in integers (the
    caller then uses the integer solver). Leaving a teacher out, or a methodist a teacher
    short of the minimum, costs more than any plan's terms, as in the formulation."""
    start = time.perf_counter()
    settings = problem.settings
    n_groups, n_methodists = comp.n_groups, len(comp.methodists)
    pair_local = comp.local_methodists(comp.pair_methodist)
    low = comp.min_load // LOAD_SCALE
    high = comp.max_load // LOAD_SCALE
    target = comp.balance_target // LOAD_SCALE  # in heads, like every load here
    total = int(comp.group_count.sum())

    # each term in its own integer unit
    travel = comp.pair_travel  # points
    changes = comp.pair_change  # teachers
    use_balance = Term.BALANCE in terms
    balance_arcs = [
        _balance_steps(int(low[m]), int(high[m]), target)
        if use_balance
        else [(int(high[m] - low[m]), 0)]
        for m in range(n_methodists)
    ]

    ranking = settings.effective_ranking
    if ranking:
        ranked = _lexicographic_multipliers(comp, ranking, travel, target, total)
        if ranked is None:
            return None
        multiplier, penalty = ranked
        pair_cost = multiplier[Term.TRAVEL] * travel + multiplier[Term.CHANGES] * changes
        balance_factor = multiplier[Term.BALANCE]
    else:
        weights = settings.effective_weights
        pair_cost = (
            np.round(WEIGHT_SCALE * weights.travel * travel).astype(np.int64)
            + round(WEIGHT_SCALE * weights.changes * OBJECTIVE_SCALE) * changes
        )
        balance_factor = round(WEIGHT_SCALE * weights.balance * OBJECTIVE_SCALE)  # per head
        if not use_balance:
            balance_factor = 0
        penalty = UNPLACED_POINTS * WEIGHT_SCALE
    partial = settings.allow_partial

    flow = min_cost_flow.SimpleMinCostFlow()
    methodist_node = n_groups
    sink = n_groups + n_methodists
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        comp.pair_group,
        methodist_node + pair_local,
        comp.group_count[comp.pair_group],
        pair_cost.astype(np.int64),
    )
    tails, heads, caps, costs = [], [], [], []
    for m in range(n_methodists):
        for capacity, slope in balance_arcs[m]:
            tails.append(methodist_node + m)
            heads.append(sink)
            caps.append(capacity)
            costs.append(slope * balance_factor)
    if tails:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.array(tails), np.array(heads), np.array(caps), np.array(costs, dtype=np.int64)
        )
    slack = sink + 1  # with a partial plan: supplies the minimum loads nobody can fill
    supplies = np.zeros(slack + 1, dtype=np.int64)
    supplies[:n_groups] = comp.group_count
    supplies[methodist_node:sink] = -low
    supplies[sink] = -(total - int(low.sum()))
    left_out_arcs = None
    if partial:
        groups = np.arange(n_groups)
        left_out_arcs = flow.add_arcs_with_capacity_and_unit_cost(
            groups, np.full(n_groups, sink), comp.group_count, np.full(n_groups, penalty)
        )
        short = int(low.sum())
        flow.add_arcs_with_capacity_and_unit_cost(
            np.full(n_methodists, slack),
            methodist_node + np.arange(n_methodists),
            low,
            np.full(n_methodists, penalty),
        )
        flow.add_arc_with_capacity_and_unit_cost(slack, sink, short, 0)
        supplies[slack] = short
        supplies[sink] -= short
    largest = max(
        int(np.abs(pair_cost).max(initial=0)),
        max(map(abs, costs), default=0),
        penalty if partial else 0,
    )
    if largest * (slack + 2) > COST_LIMIT:
        return None
    flow.set_nodes_supplies(np.arange(slack + 1), supplies)
    status = flow.solve()
    runtime = time.perf_counter() - start
    if status != flow.OPTIMAL:
        result = ComponentResult(
            comp.subjects,
            Status.INFEASIBLE,
            float("nan"),
            float("nan"),
            runtime,
            comp.n_pairs,
            comp.n_pairs,
        )
        return result, {}, {}
    sent = flow.flows(pair_arcs)
    plan = {
        (int(comp.pair_group[p]), int(comp.pair_methodist[p])): int(sent[p])
        for p in np.flatnonzero(sent)
    }
    left_out: dict[int, int] = {}
    if left_out_arcs is not None:
        out = flow.flows(left_out_arcs)
        left_out = {int(g): int(out[g]) for g in np.flatnonzero(out)}
    values = _term_values(comp, sent, target, pair_local)
    if ranking:
        objective = values[ranking[0]]
    else:
        weights = settings.effective_weights
        objective = sum(weights.of(t) * values[t] for t in terms)
    result = ComponentResult(
        comp.subjects,
        Status.OPTIMAL,
        objective,
        objective,
        runtime,
        comp.n_pairs,
        comp.n_pairs,
    )
    return result, plan, left_out


def _lexicographic_multipliers(
    comp: Component, ranking: tuple[Term, ...], travel: np.ndarray, target: int, total: int
) -> tuple[dict[Term, int], int] | None:
    """Cost multipliers making each ranked term outweigh the whole range of the terms below,
    and the price of a teacher left out (or a head of minimum load missing).

    As in the formulation, that price joins the first ranked term at UNPLACED_POINTS per
    head; where that exceeds the term's whole range it is capped at the range, which keeps
    the same optimum (leaving a teacher out still costs more than any plan's first term) and
    the costs within integers when changes lead the ranking."""
    group_max = np.zeros(comp.n_groups, dtype=np.int64)
    np.maximum.at(group_max, comp.pair_group, travel)
    spans = {
        Term.TRAVEL: int((group_max * comp.group_count).sum()) + 1,
        Term.CHANGES: total + 1,
        Term.BALANCE: int(
            np.maximum(
                np.abs(comp.min_load // LOAD_SCALE - target),
                np.abs(comp.max_load // LOAD_SCALE - target),
            ).sum()
        )
        + 1,
    }
    multiplier: dict[Term, int] = dict.fromkeys(Term, 0)
    factor = 1
    for term in reversed(ranking):
        multiplier[term] = factor
        factor *= spans[term]
        if factor > COST_LIMIT:
            return None
    penalty = multiplier[ranking[0]] * min(UNPLACED_POINTS, spans[ranking[0]])
    if penalty > COST_LIMIT:
        return None
    return multiplier, penalty


def _term_values(
    comp: Component, sent: np.ndarray, target: int, pair_local: np.ndarray
) -> dict[Term, float]:
    """Each term of the plan in its natural unit (hours or km, teachers, teachers)."""
    load = np.zeros(len(comp.methodists), dtype=np.int64)
    np.add.at(load, pair_local, sent)  # heads
    return {
        Term.TRAVEL: float((sent * comp.pair_travel).sum()) / OBJECTIVE_SCALE,
        Term.CHANGES: float((sent * comp.pair_change).sum()),
        Term.SPLIT: 0.0,
        Term.BALANCE: float(np.abs(load - target).sum()),
    }
