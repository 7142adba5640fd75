"""Improving a fixed-size pool by solving small pools exactly, a few clusters at a time.

A cluster is one open methodist's teachers. A cluster and its nearest neighbours are freed
and solved again as a pool of their own — the same number of methodists, chosen among theirs
and the closed candidates near them — by the MIP solver, to optimality in a fraction of a
second; a better sub-plan replaces theirs, and the next cluster is freed. This is the
iterated reduction matheuristic of Stefanello, de Araújo and Müller (2015) for the
capacitated p-median problem: each step is exact, so the plan only improves, and the moves a
swap or shift local search cannot see (several medians and many schools at once) are found.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from assign.assignment.fixed_pool import EPS, BoolArray, FixedPool
from assign.assignment.formulation import PoolSpec, formulate
from assign.assignment.mip import solve_highs
from assign.assignment.problem import Component, IntArray
from assign.assignment.settings import AssignmentSettings, Term

NEIGHBOURS = (2, 4, 6)  # clusters freed with each cluster, by level of the descent
EXTRA_CANDIDATES = 8  # closed candidates per freed cluster a sub-pool may choose from
SUB_SECONDS = 2.0  # a sub-pool's time at most
SWAP_SIDE = 8  # methodists to close, and candidates to open with each, in a drop–add step


@dataclass
class Searched:
    counts: IntArray  # teachers per component pair
    opened: BoolArray
    objective: float  # travel in the model's units, with the penalty for any teacher left out
    complete: bool  # every teacher served
    sub_pools: int  # sub-pools solved
    swaps: int  # drop–add moves made


def local_search(
    comp: Component,
    pool: FixedPool,
    opened: BoolArray,
    settings: AssignmentSettings,
    deadline: float,
) -> Searched | None:
    """From an open set (allocated first) until neither a round of sub-pools nor a drop–add
    move gains or time is up. None when the open set cannot even be allocated."""
    counts = pool.allocate(opened)
    if counts is None:
        return None
    counts, opened, solved, swaps = _improve(comp, pool, counts, opened, settings, deadline)
    left_out = int(pool.unserved(counts).sum())
    return Searched(counts, opened, pool.objective(counts), left_out == 0, solved, swaps)


def _improve(
    comp: Component,
    pool: FixedPool,
    counts: IntArray,
    opened: BoolArray,
    settings: AssignmentSettings,
    deadline: float,
) -> tuple[IntArray, BoolArray, int, int]:
    """Variable neighbourhood descent: rounds of sub-pools of each cluster with its nearest
    `NEIGHBOURS[level]` clusters, then a drop–add move; any gain starts again from the
    smallest sub-pools, none moves on to larger ones."""
    solved = swaps = level = 0
    done: set[bytes] = set()  # sub-pools already solved, unchanged since
    while time.perf_counter() < deadline and level < len(NEIGHBOURS):
        if pool.unserved(counts).any():  # teachers left out: a methodist where they are first
            swapped = _drop_add(pool, counts, opened, deadline)
            if swapped is not None:
                counts, opened = swapped
                swaps += 1
                continue
        gained = False
        neighbours = _neighbours(pool, counts, opened, NEIGHBOURS[level])
        for s in np.flatnonzero(opened):
            if time.perf_counter() >= deadline:
                break
            if not opened[s]:
                continue  # moved away earlier in this round
            freed = [int(s), *(int(t) for t in neighbours.get(int(s), ()) if opened[t])]
            members = np.flatnonzero((counts > 0) & np.isin(pool.pair_fac, freed))
            key = np.sort(freed).tobytes() + members.tobytes() + counts[members].tobytes()
            if key in done:
                continue
            better = _solve_sub(comp, pool, counts, opened, freed, settings, deadline)
            solved += 1
            if better is None:
                done.add(key)
                continue
            counts, opened = better
            gained = True
        if not gained:
            swapped = _drop_add(pool, counts, opened, deadline)
            if swapped is not None:
                counts, opened = swapped
                swaps += 1
                gained = True
        level = 0 if gained else level + 1
    return counts, opened, solved, swaps


def _drop_add(
    pool: FixedPool, counts: IntArray, opened: BoolArray, deadline: float
) -> tuple[IntArray, BoolArray] | None:
    """One methodist closed and a candidate opened anywhere — the move no neighbourhood of
    clusters makes when the pool's methodists sit in the wrong part of the region. The
    methodists cheapest to close (their teachers to their next open methodist) are tried with
    the candidates that would gain most once that one is closed — each candidate's gain a
    knapsack of the teachers nearer to it than to their methodist, within its capacity — and
    the first pair a fresh allocation improves is taken."""
    assigned = np.flatnonzero(counts > 0)
    at, teachers, cost = pool.pair_fac[assigned], counts[assigned], pool.cost[assigned]
    group = pool.pair_group[assigned]
    owner, other = pool.pairs_of_groups(group)
    fac = pool.pair_fac[other]
    alternative = np.where(opened[fac] & (fac != at[owner]), pool.cost[other], np.inf)
    second = np.full(len(assigned), np.inf)
    np.minimum.at(second, owner, alternative)
    loss = np.bincount(at, weights=teachers * (second - cost), minlength=pool.n_fac)
    # what a teacher of each group pays now (the dearest of its methodists, if split)
    paying = np.full(pool.n_groups, -np.inf)
    np.maximum.at(paying, group, cost)
    paying[pool.unserved(counts) > 0] = pool.penalty
    drops = np.flatnonzero(opened & ~pool.always & np.isfinite(loss))
    current = pool.objective(counts)
    for drop in drops[np.argsort(loss[drops], kind="stable")[:SWAP_SIDE]]:
        price = paying.copy()
        mine = at == drop
        np.maximum.at(price, group[mine], second[mine])
        value, _ = pool.knapsacks(price)
        value[opened] = 0.0
        value[drop] = 0.0
        adds = np.flatnonzero(value < -EPS)
        for add in adds[np.argsort(value[adds], kind="stable")[:SWAP_SIDE]]:
            if time.perf_counter() >= deadline:
                return None
            trial = opened.copy()
            trial[drop], trial[add] = False, True
            found = pool.allocate(trial)
            if found is not None and pool.objective(found) < current - EPS:
                return found, trial
    return None


def _neighbours(
    pool: FixedPool, counts: IntArray, opened: BoolArray, size: int
) -> dict[int, IntArray]:
    """Each open methodist's neighbours: the open methodists its teachers would go to next
    (by their cheapest other open methodist, weighted by load), nearest on average after."""
    assigned = np.flatnonzero(counts > 0)
    cluster, group = pool.pair_fac[assigned], pool.pair_group[assigned]
    owner, other = pool.pairs_of_groups(group)
    target = pool.pair_fac[other]
    keep = opened[target] & (target != cluster[owner])
    owner, other, target = owner[keep], other[keep], target[keep]
    # each teacher's next methodist: the cheapest other open one
    order = np.lexsort((pool.cost[other], owner))
    first = order[np.r_[True, np.diff(owner[order]) != 0]]
    load = counts[assigned] * pool.weight[group]
    key = cluster[owner] * pool.n_fac + target
    keys, inverse = np.unique(key, return_inverse=True)
    pulled = np.bincount(inverse[first], weights=load[owner[first]], minlength=len(keys))
    mean = np.bincount(inverse, weights=pool.cost[other]) / np.bincount(inverse)
    source, dest = keys // pool.n_fac, keys % pool.n_fac
    ranked = np.lexsort((mean, -pulled, source))
    source, dest = source[ranked], dest[ranked]
    cuts = np.flatnonzero(np.diff(source)) + 1
    return {
        int(s[0]): d[:size]
        for s, d in zip(np.split(source, cuts), np.split(dest, cuts), strict=True)
        if len(s)
    }


def _solve_sub(
    comp: Component,
    pool: FixedPool,
    counts: IntArray,
    opened: BoolArray,
    freed: list[int],
    settings: AssignmentSettings,
    deadline: float,
) -> tuple[IntArray, BoolArray] | None:
    """The freed clusters' teachers, with those left out that the sub-pool's methodists can
    reach, as a pool of len(freed) methodists: the better plan, or None when the current one
    is already optimal (or nothing better was found in time)."""
    at = np.flatnonzero((counts > 0) & np.isin(pool.pair_fac, freed))
    chosen = np.union1d(freed, _nearest_candidates(pool, counts, opened, at))
    served = np.bincount(pool.pair_group[at], weights=counts[at], minlength=pool.n_groups)
    missing = pool.unserved(counts)
    reaching = np.zeros(pool.n_groups, dtype=bool)
    reaching[pool.pair_group[np.isin(pool.pair_fac, chosen)]] = True
    missing = np.where(reaching, missing, 0)
    groups = np.flatnonzero((served > 0) | (missing > 0))
    owner, other = pool.pairs_of_groups(groups)
    keep = np.isin(pool.pair_fac[other], chosen)
    owner, other = owner[keep], other[keep]
    sub_missing = missing[groups]
    sub = _sub_component(
        comp, groups, served[groups].astype(np.int64) + sub_missing, chosen, owner, other
    )
    always = frozenset(int(i) for i, m in enumerate(chosen) if pool.always[m])
    # with teachers left out before, a partial sub-plan is allowed at a price above any trip,
    # so that it stays feasible (only then: the price's large coefficients slow the solver)
    partial = bool(sub_missing.any())
    spec = PoolSpec(always, len(freed))
    f = formulate(sub, np.arange(sub.n_pairs), partial, (Term.TRAVEL,), spec)
    now = counts[other] * np.isin(pool.pair_fac[other], freed)
    hint = {int(v): int(now[p]) for p, v in enumerate(f.x)}
    hint.update({v: int(sub_missing[g]) for g, v in f.unplaced.items()})
    hint.update({v: int(chosen[i] in freed) for i, v in f.open.items()})
    left = deadline - time.perf_counter()
    stage = f.objective({"unplaced": 1.0, Term.TRAVEL.value: 1.0})
    outcome = solve_highs(f, [stage], settings, hint, None, min(left, SUB_SECONDS))
    if outcome.values is None:
        return None
    sent = np.array([outcome.values[v] for v in f.x], dtype=np.int64)
    left_out = sum(int(outcome.values[v]) for v in f.unplaced.values())
    before = float((now * pool.cost[other]).sum()) + pool.penalty * int(sub_missing.sum())
    if float((sent * pool.cost[other]).sum()) + pool.penalty * left_out >= before - EPS:
        return None
    new_counts, new_open = counts.copy(), opened.copy()
    new_counts[at] = 0
    new_counts[other] += sent
    new_open[freed] = False
    new_open[[int(m) for i, m in enumerate(chosen) if outcome.values[f.open[i]] > 0.5]] = True
    return new_counts, new_open


def _nearest_candidates(
    pool: FixedPool, counts: IntArray, opened: BoolArray, at: IntArray
) -> IntArray:
    """For each freed cluster, the `EXTRA_CANDIDATES` closed candidates that would serve its
    teachers cheapest on average (of those able to serve half of them at least)."""
    cluster = pool.pair_fac[at]
    owner, other = pool.pairs_of_groups(pool.pair_group[at])
    fac = pool.pair_fac[other]
    closed = ~opened[fac]
    owner, other, fac = owner[closed], other[closed], fac[closed]
    teachers = counts[at][owner]
    key = cluster[owner] * pool.n_fac + fac
    keys, inverse = np.unique(key, return_inverse=True)
    reach = np.bincount(inverse, weights=teachers)
    mean = np.bincount(inverse, weights=teachers * pool.cost[other]) / reach
    size = np.bincount(cluster, weights=counts[at], minlength=pool.n_fac)
    source, candidate = keys // pool.n_fac, keys % pool.n_fac
    fit = reach >= size[source] / 2
    source, candidate, mean = source[fit], candidate[fit], mean[fit]
    order = np.lexsort((mean, source))
    source, candidate = source[order], candidate[order]
    rank = np.arange(len(source)) - np.searchsorted(source, source)
    return np.unique(candidate[rank < EXTRA_CANDIDATES])


def _sub_component(
    comp: Component,
    groups: IntArray,
    group_counts: IntArray,
    chosen: IntArray,
    owner: IntArray,
    other: IntArray,
) -> Component:
    """The freed teachers and the chosen methodists as a component of their own: its group
    g is `groups[g]` with `group_counts[g]` teachers, its pair p the component's `other[p]`."""
    return replace(
        comp,
        methodists=comp.methodists[chosen],
        group_teachers=[comp.group_teachers[g] for g in groups],
        group_count=group_counts,
        group_weight=comp.group_weight[groups],
        group_school=comp.group_school[groups],
        group_subject=[comp.group_subject[g] for g in groups],
        group_current=comp.group_current[groups],
        **{**comp.pairs_at(other), "pair_group": owner},
        min_load=comp.min_load[chosen],
        max_load=comp.max_load[chosen],
        unplaceable=[],
    )
