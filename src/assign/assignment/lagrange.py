"""A fixed-size pool's Lagrangian bound: stronger than the LP's when capacities are tight.

The LP of capacitated facility location fills each methodist's capacity with fractions of
schools. Relaxing "every teacher goes to one methodist" with a price u_g per teacher of group g
leaves one *integer* knapsack per methodist (the groups it would take at those prices within
its capacity, `FixedPool.knapsacks`); Σ u_g·n_g plus the `count` best knapsacks (those always
open among them) bounds every plan from below for any u. At the LP's duals it is at least the
LP bound; subgradient steps (Polyak's step towards the best known plan) raise it. Minimum
loads are left out of the knapsacks — a relaxation, so the bound stays valid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assign.assignment.fixed_pool import EPS, BoolArray, FixedPool, FloatArray
from assign.assignment.stages import in_time

STALL = 25  # steps without a better bound before the step length halves
FIRST_STEP = 2.0
LAST_STEP = 0.005  # the step factor at which the search ends


@dataclass
class LagrangeBound:
    bound: float  # in the model's objective units; -inf when no step was made
    steps: int
    values: FloatArray  # each methodist's knapsack at the prices of the best bound
    prices: FloatArray  # those prices, to go on from


def _relaxed_plan(pool: FixedPool, u: FloatArray, value: FloatArray) -> tuple[BoolArray, float]:
    """The methodists of the relaxed plan at prices `u` (those always open, then the best
    knapsacks `value`) and its bound."""
    opened = pool.always.copy()
    others = np.flatnonzero(~pool.always)
    room = max(pool.count - int(pool.always.sum()), 0)
    opened[others[np.argsort(value[others], kind="stable")[:room]]] = True
    return opened, float((pool.n * u).sum() + value[opened].sum())


def relaxed(pool: FixedPool, u: FloatArray) -> tuple[float, FloatArray, FloatArray]:
    """The Lagrangian bound at prices `u`, its subgradient (teachers not served minus served
    more than once, per group) and each methodist's knapsack value."""
    value, taken = pool.knapsacks(u)
    opened, bound = _relaxed_plan(pool, u, value)
    served = np.bincount(
        pool.pair_group, weights=taken * opened[pool.pair_fac], minlength=pool.n_groups
    )
    return bound, np.asarray(pool.n - served, dtype=np.float64), value


def lagrangian_bound(
    pool: FixedPool, u: FloatArray, cap: FloatArray, upper: float, deadline: float
) -> LagrangeBound:
    """Subgradient steps from prices `u` until `deadline`, the step length spent, or the bound
    meeting `upper` (the best plan's objective). Each price stays at most `cap`: the cheapest
    pair of its group left out of the model, so the pairs not built cannot undercut it."""
    u = np.minimum(np.asarray(u, dtype=np.float64), cap)
    best, step, stall, steps = -np.inf, FIRST_STEP, 0, 0
    values, best_u = np.zeros(pool.n_fac), u
    while in_time(deadline) and step > LAST_STEP:
        with np.errstate(over="ignore", invalid="ignore"):  # runaway prices: handled below
            bound, gradient, value = relaxed(pool, u)
        if not np.isfinite(bound):
            break  # prices running away: a relaxation some group cannot be served in
        steps += 1
        if bound > best + EPS:
            best, stall, values, best_u = bound, 0, value, u
        else:
            stall += 1
            if stall >= STALL:
                step, stall = step / 2, 0
        norm = float((gradient * gradient).sum())
        if norm < EPS or upper - best <= EPS:
            break  # the relaxed plan serves everyone once, or the bound meets the plan
        target = upper if np.isfinite(upper) else abs(bound) * 1.05 + 1.0
        u = np.minimum(u + step * max(target - bound, EPS) / norm * gradient, cap)
    return LagrangeBound(best, steps, values, best_u)


def pair_bounds(pool: FixedPool, u: FloatArray) -> tuple[float, FloatArray]:
    """Lagrangian reduced-cost fixing: the bound at prices `u` and, per pair, a lower bound on
    every plan that sends at least one teacher along it — the bound with that pair's
    methodist's knapsack forced to take one (`knapsacks_with_forced`), its methodist opened
    in place of the last one opened when it was not. A pair whose bound exceeds a known
    plan's objective carries no teacher in any better plan."""
    value, _, with_one = pool.knapsacks_with_forced(u)
    opened, bound = _relaxed_plan(pool, u, value)
    chosen = opened & ~pool.always
    fac = pool.pair_fac
    if chosen.any():  # a methodist not opened takes the place of the last one opened
        swapped = np.where(opened[fac], value[fac], float(value[chosen].max()))
        return bound, bound - swapped + with_one
    # every place is taken by those always open: no other methodist can serve
    return bound, np.where(opened[fac], bound - value[fac] + with_one, np.inf)
