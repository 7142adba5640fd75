"""Improving a fixed-size pool by solving small pools exactly, a few clusters at a time.

A cluster is one open methodist's teachers. A cluster and its nearest neighbours are freed
and solved again as a pool of their own — the same number of methodists, chosen among theirs
and the closed candidates near them — by the MIP solver, to optimality in a fraction of a
second; a better sub-plan replaces theirs, and the next cluster is freed. This is the
iterated reduction matheuristic of Stefanello, de Araújo and Müller (2015) for the
capacitated p-median problem: each step is exact, so the plan only improves, and the moves a
swap or shift local search cannot see (several medians and many schools at once) are found.
Two moves reach farther once the small sub-pools gain nothing: every teacher placed again
among the open methodists at once (an exact generalized assignment: chains of moves through
many clusters), and regions of a hundred clusters where each keeps its methodist or moves it
to its best candidate, the kernel idea of the same authors.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np

from assign.assignment.fixed_pool import EPS, BoolArray, FixedPool
from assign.assignment.formulation import Formulation, PoolSpec, formulate
from assign.assignment.mip import solve_highs
from assign.assignment.problem import Component, IntArray
from assign.assignment.settings import AssignmentSettings, Term
from assign.assignment.stages import STOP, Outcome, in_time


class Level(NamedTuple):
    """A level of the descent: the sub-pools it cuts from the plan, one per open cluster
    (per region: each cluster in one region of a round)."""

    size: int  # clusters freed: each with its `size` nearest, or (`region`) in all
    extra: int  # closed candidates per freed cluster its sub-pool may choose from
    nearest: int = 0  # pairs per teacher in its sub-pool, to its nearest methodists (0: all)
    region: bool = False  # clusters reached breadth-first, each keeping its methodist or
    # moving it to its candidate (so `extra` 1)


# Few extra candidates: a small sub-pool is solved several times faster, and the first extra
# candidate, where the cluster would move, is the one that pays most. A region's clusters each
# keep their methodist or move it to their one candidate: HiGHS settles that choice for a
# hundred clusters in a few seconds. Measured on all3000 from the local optimum of the other
# levels (35 026.9), one region at a time with up to 10 s each: regions of 100 clusters +19.5
# in 63 s, of 50 +12.1 in 41 s, the same 100 clusters free to open any of their methodists
# and candidates +9.7 in 125 s. The last level (11 clusters, 2 candidates each, pairs to the
# 6 nearest) replaced 7 clusters with 8 candidates each and every pair: +22 in 77 s against
# +17 in 92 s.
LEVELS = (
    Level(2, 1),
    Level(4, 1),
    Level(6, 1),
    Level(4, 4),
    Level(100, 1, 8, region=True),
    Level(10, 2, 6),
)
SUB_SECONDS = 2.0  # a sub-pool's time at most
WORKERS = 2  # threads solving sub-pools at once (HiGHS lets go of the GIL while it runs)
BATCH = 2 * WORKERS  # sub-pools cut from one plan and solved together
# HiGHS for a sub-pool that starts from the current sub-plan, so finding plans is not its
# work: its primal heuristics (run at the root whatever their effort) and the restart after
# the root were half of its time on all3000's sub-pools, and reliable pseudo-costs more
# strong branching than a model of a few hundred columns repays. Measured on 400 sub-pools of
# the all3000 benchmark, each proven optimal either way: 19.6 s by default, 8.5 s with these.
SUB_OPTIONS: dict[str, bool | int | float | str] = {
    "mip_allow_restart": False,
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_shifting": False,
    "mip_heuristic_run_zi_round": False,
    "mip_pscost_minreliable": 0,
}
REGION_STEP = 6  # neighbours of each cluster a region grows through
REALLOCATE_FROM = 1  # the level from which a round that gains nothing reallocates the whole
REALLOCATE_SECONDS = 10.0
SWAP_SIDE = 8  # methodists to close, and candidates to open with each, in a drop–add step
SWAP_AREA = 3  # clusters around each of them freed with it in a drop–add's sub-pool


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
    move gains, time is up or a stop is asked for (`stages.in_time`). None when the open set
    cannot even be allocated."""
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
    clusters (`LEVELS`), then a drop–add move; any gain starts again from the smallest
    sub-pools, none moves on to larger ones."""
    solved = swaps = level = retry_at = 0
    done: set[bytes] = set()  # sub-pools already solved, unchanged since
    plan = _Current.of(pool, counts, opened)
    reallocated: IntArray | None = None  # the plan last reallocated as a whole
    # the sub-pools' solves watch the caller's stop event (a cancelled job) on their threads
    with ThreadPoolExecutor(WORKERS, initializer=STOP.set, initargs=(STOP.get(),)) as threads:
        while in_time(deadline) and level < len(LEVELS):
            plan, gained, count = _round(comp, pool, plan, level, done, settings, deadline, threads)
            solved += count
            # with every teacher served, a drop–add that found nothing is tried again only
            # once as many sub-pools again have been solved (on 3 000 points each try costs
            # 64 allocations, some 2 s, and none gained), and always before the search ends
            if not gained and (solved >= retry_at or level == len(LEVELS) - 1):
                swapped = _drop_add(comp, pool, plan, settings, deadline, threads)
                if swapped is not None:
                    plan = swapped
                    swaps += 1
                    gained = True
                elif not plan.missing.any():
                    retry_at = 2 * solved
            if not gained and level >= REALLOCATE_FROM and plan.counts is not reallocated:
                better = _reallocate(comp, pool, plan, settings, deadline, threads)
                gained = better is not None
                plan = better or plan
                reallocated = plan.counts
            level = 0 if gained else level + 1
    return plan.counts, plan.opened, solved, swaps


def _round(
    comp: Component,
    pool: FixedPool,
    plan: _Current,
    level: int,
    done: set[bytes],
    settings: AssignmentSettings,
    deadline: float,
    threads: ThreadPoolExecutor,
) -> tuple[_Current, bool, int]:
    """One sub-pool of each open cluster with its neighbours of `level` (or of each region, at
    a region level): the plan after, whether it gained, and how many sub-pools were solved.
    Sub-pools are solved `BATCH` at a time on `WORKERS` threads, those of a batch sharing no
    methodist, so each one's better plan applies whatever the others did; the batches and
    their order depend on the plan alone, so a run that is not stopped by the clock repeats
    exactly. A teacher left out is offered to the first sub-pool of a batch that can reach
    them only, so that two cannot both take them."""
    size, extra, nearest, region = LEVELS[level]
    neighbours = _neighbours(pool, plan, REGION_STEP if region else size)
    queue = [int(s) for s in np.flatnonzero(plan.opened)]
    covered: set[int] = set()  # clusters in a region of this round
    gained, solved = False, 0
    while queue and in_time(deadline):
        batch: list[tuple[bytes, _Sub]] = []
        busy: set[int] = set()
        claimed = np.zeros(pool.n_groups, dtype=bool)  # groups left out offered in the batch
        later: list[int] = []
        for s in queue:
            if len(batch) >= BATCH:
                later.append(s)
                continue
            if not plan.opened[s] or s in covered:
                continue  # moved away earlier in this round, or in a region already
            if region:
                freed = _region(s, neighbours, plan.opened, covered, size)
            else:
                freed = [s, *(int(t) for t in neighbours.get(s, ()) if plan.opened[t])]
            members = plan.members(pool, freed)
            key = (
                bytes([extra, nearest, region])
                + np.sort(freed).tobytes()
                + members.tobytes()
                + plan.counts[members].tobytes()
            )
            if key in done:  # a region solved before, unchanged: not covered, so that its
                continue  # clusters seed regions across its borders instead
            if busy.intersection(freed):
                later.append(s)  # shares a methodist with the batch: the next one
                continue
            sub = _cut_sub(comp, pool, plan, freed, extra, claimed, nearest, region)
            used = set(sub.chosen.tolist())
            if busy & used:
                later.append(s)
                continue
            busy |= used
            if region:
                covered.update(freed)
            claimed[sub.groups[sub.missing > 0]] = True
            batch.append((key, sub))
        queue = later
        plan, gains = _solve_batch(
            pool, plan, [sub for _, sub in batch], settings, deadline, threads
        )
        done.update(key for (key, _), gain in zip(batch, gains, strict=True) if not gain)
        gained |= any(gains)
        solved += len(batch)
    return plan, gained, solved


def _solve_batch(
    pool: FixedPool,
    plan: _Current,
    batch: list[_Sub],
    settings: AssignmentSettings,
    deadline: float,
    threads: ThreadPoolExecutor,
) -> tuple[_Current, list[bool]]:
    """Disjoint sub-pools cut from `plan`, solved on the threads: the plan with every better
    sub-plan in place, and which of them were better."""
    gains = []
    outcomes = threads.map(lambda sub: sub.solve(settings, deadline), batch)
    for sub, outcome in zip(batch, outcomes, strict=True):
        better = sub.better(pool, plan, outcome)
        if better is not None:
            plan = _Current.of(pool, *better)
        gains.append(better is not None)
    return plan, gains


@dataclass
class _Current:
    """The plan being improved, with what every sub-pool asks of it worked out once per
    change instead of once per sub-pool (a pass over all pairs each: a third of the time)."""

    counts: IntArray
    opened: BoolArray
    assigned: IntArray  # pairs with teachers
    missing: IntArray  # teachers left out, per group

    @classmethod
    def of(cls, pool: FixedPool, counts: IntArray, opened: BoolArray) -> _Current:
        return cls(counts, opened, np.flatnonzero(counts > 0), pool.unserved(counts))

    def members(self, pool: FixedPool, freed: list[int]) -> IntArray:
        """The pairs with teachers at the `freed` methodists."""
        return self.assigned[np.isin(pool.pair_fac[self.assigned], freed)]


def _drop_add(
    comp: Component,
    pool: FixedPool,
    plan: _Current,
    settings: AssignmentSettings,
    deadline: float,
    threads: ThreadPoolExecutor,
) -> _Current | None:
    """One methodist closed and a candidate opened anywhere — the move no neighbourhood of
    clusters makes when the pool's methodists sit in the wrong part of the region. The
    methodists cheapest to close (their teachers to their next open methodist) are tried with
    the candidates that would gain most once that one is closed — each candidate's gain a
    knapsack of the teachers nearer to it than to their methodist, within its capacity. Each
    pair is judged by a sub-pool of both areas (the closed one's cluster and its neighbours,
    the clusters whose teachers the new one would take) with the candidate among its
    methodists, solved exactly: a transportation flow rounded to whole teachers misjudges a
    tight region by several per cent. The plan after the first batch that gains, or None."""
    counts, opened, assigned = plan.counts, plan.opened, plan.assigned
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
    paying[plan.missing > 0] = pool.penalty
    serving = np.full(pool.n_groups, -1)  # a methodist of each group's teachers
    serving[group] = at
    neighbours = _neighbours(pool, plan, SWAP_AREA)
    drops = np.flatnonzero(opened & ~pool.always & np.isfinite(loss))
    trials: list[list[int]] = []
    for drop in drops[np.argsort(loss[drops], kind="stable")[:SWAP_SIDE]]:
        if not in_time(deadline):  # each drop's knapsacks take some 0.2 s on 400 points
            return None
        price = paying.copy()
        mine = at == drop
        np.maximum.at(price, group[mine], second[mine])
        value, taken = pool.knapsacks(price)
        value[opened] = 0.0
        value[drop] = 0.0
        adds = np.flatnonzero(value < -EPS)
        for add in adds[np.argsort(value[adds], kind="stable")[:SWAP_SIDE]]:
            won = np.flatnonzero((pool.pair_fac == add) & (taken > 0))
            near = serving[pool.pair_group[won[np.argsort(pool.cost[won], kind="stable")]]]
            area = [int(drop), *(int(t) for t in neighbours.get(int(drop), ()))]
            area += [int(t) for t in dict.fromkeys(near.tolist()) if t >= 0][:SWAP_AREA]
            trials.append([*dict.fromkeys(area), int(add)])
    while trials and in_time(deadline):
        batch: list[_Sub] = []
        busy: set[int] = set()
        claimed = np.zeros(pool.n_groups, dtype=bool)  # as in `_round`
        later: list[list[int]] = []
        for trial in trials:
            if len(batch) >= BATCH or busy.intersection(trial):
                later.append(trial)
                continue
            busy.update(trial)
            sub = _cut_sub(comp, pool, plan, trial[:-1], 0, claimed, also=trial[-1:])
            claimed[sub.groups[sub.missing > 0]] = True
            batch.append(sub)
        trials = later
        plan, gains = _solve_batch(pool, plan, batch, settings, deadline, threads)
        if any(gains):
            return plan
    return None


def _region(
    seed: int, neighbours: dict[int, IntArray], opened: BoolArray, covered: set[int], size: int
) -> list[int]:
    """Up to `size` open clusters not yet `covered`, reached from `seed` breadth-first over
    each cluster's neighbours (`_neighbours`): a connected part of the region's map without
    coordinates."""
    reached, frontier = [seed], [seed]
    seen = {seed} | covered
    while frontier and len(reached) < size:
        following = []
        for s in frontier:
            for t in (int(t) for t in neighbours.get(s, ())):
                if t not in seen and opened[t]:
                    seen.add(t)
                    following.append(t)
        reached += following
        frontier = following
    return reached[:size]


def _reallocate(
    comp: Component,
    pool: FixedPool,
    plan: _Current,
    settings: AssignmentSettings,
    deadline: float,
    threads: ThreadPoolExecutor,
) -> _Current | None:
    """Every teacher placed again among the open methodists at once — an exact generalized
    assignment, which finds the chains of moves through many clusters that no sub-pool of a
    few neighbouring ones holds. The plan after, or None when it gains nothing."""
    sub = _cut_sub(comp, pool, plan, [int(s) for s in np.flatnonzero(plan.opened)], 0)
    # HiGHS's own options: on a model of every open methodist its heuristics do pay (3.3 s
    # with `SUB_OPTIONS`, 2.2 s without, on all3000's plans)
    sub.seconds, sub.options = REALLOCATE_SECONDS, {}
    better, gains = _solve_batch(pool, plan, [sub], settings, deadline, threads)
    return better if gains[0] else None


def _neighbours(pool: FixedPool, plan: _Current, size: int) -> dict[int, IntArray]:
    """Each open methodist's neighbours: the open methodists its teachers would go to next
    (by their cheapest other open methodist, weighted by load), nearest on average after."""
    counts, opened, assigned = plan.counts, plan.opened, plan.assigned
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


@dataclass
class _Sub:
    """A sub-pool ready for the MIP solver: its model, the current sub-plan as the start,
    and what turns the solver's answer back into the component's pairs."""

    freed: list[int]
    chosen: IntArray  # the sub-pool's methodists: the freed ones and closed candidates
    at: IntArray  # the freed clusters' pairs with teachers
    other: IntArray  # the sub-pool's pairs, as component pairs
    now: IntArray  # teachers on each of them in the current plan
    groups: IntArray  # the sub-pool's groups, as component groups
    missing: IntArray  # teachers left out, per sub-pool group
    model: Formulation
    hint: dict[int, int]
    seconds: float = SUB_SECONDS  # its time at most
    options: Mapping[str, bool | int | float | str] = field(default_factory=lambda: SUB_OPTIONS)

    def solve(self, settings: AssignmentSettings, deadline: float) -> Outcome:
        """HiGHS on the sub-pool, with one thread: it lets go of the GIL while it runs, so
        sub-pools on threads of their own overlap. Run it on such a thread only — HiGHS fixes
        a thread's scheduler size at its first run there and refuses another size later."""
        stage = self.model.objective({"unplaced": 1.0, Term.TRAVEL.value: 1.0})
        left = min(deadline - time.perf_counter(), self.seconds)
        return solve_highs(
            self.model, [stage], settings, self.hint, None, left, threads=1, options=self.options
        )

    def better(
        self, pool: FixedPool, plan: _Current, outcome: Outcome
    ) -> tuple[IntArray, BoolArray] | None:
        """`plan` with the sub-pool's plan in place of its own when that travels less, else
        None. `plan` may have changed elsewhere since the sub-pool was cut from it: its
        methodists and teachers are untouched (sub-pools solved together are disjoint)."""
        if outcome.values is None:
            return None
        f = self.model
        sent = np.array([outcome.values[v] for v in f.x], dtype=np.int64)
        left_out = sum(int(outcome.values[v]) for v in f.unplaced.values())
        cost = pool.cost[self.other]
        before = float((self.now * cost).sum()) + pool.penalty * int(self.missing.sum())
        if float((sent * cost).sum()) + pool.penalty * left_out >= before - EPS:
            return None
        counts, opened = plan.counts.copy(), plan.opened.copy()
        counts[self.at] = 0
        counts[self.other] += sent
        opened[self.freed] = False
        opened[[int(m) for i, m in enumerate(self.chosen) if outcome.values[f.open[i]] > 0.5]] = (
            True
        )
        return counts, opened


def _cut_sub(
    comp: Component,
    pool: FixedPool,
    plan: _Current,
    freed: list[int],
    extra: int,
    claimed: BoolArray | None = None,
    nearest: int = 0,
    exclusive: bool = False,
    also: list[int] | None = None,
) -> _Sub:
    """The freed clusters' teachers, with those left out that the sub-pool's methodists can
    reach (but for groups `claimed` by another sub-pool), as a pool of len(freed)
    methodists among the freed ones, `extra` closed candidates per cluster and those `also`
    named; each teacher with pairs to the `nearest` of them only (0: to all). `exclusive`:
    a cluster keeps its methodist or moves it to its candidate (when no other cluster
    has that one)."""
    counts, opened = plan.counts, plan.opened
    at = plan.members(pool, freed)
    clusters, candidates = _nearest_candidates(pool, counts, opened, at, extra)
    chosen = np.union1d(freed, candidates)
    if also:
        chosen = np.union1d(chosen, also)
    served = np.bincount(pool.pair_group[at], weights=counts[at], minlength=pool.n_groups)
    missing = plan.missing
    if missing.any():  # only those the sub-pool's methodists can reach
        reaching = np.zeros(pool.n_groups, dtype=bool)
        reaching[pool.pair_group[np.isin(pool.pair_fac, chosen)]] = True
        if claimed is not None:
            reaching &= ~claimed
        missing = np.where(reaching, missing, 0)
    groups = np.flatnonzero((served > 0) | (missing > 0))
    owner, other = pool.pairs_of_groups(groups)
    keep = np.isin(pool.pair_fac[other], chosen)
    owner, other = owner[keep], other[keep]
    if nearest:  # each teacher's `nearest` cheapest pairs, and the one they have now
        order = np.lexsort((pool.cost[other], owner))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order)) - np.searchsorted(owner[order], owner[order])
        keep = (rank < nearest) | (counts[other] > 0)
        owner, other = owner[keep], other[keep]
    sub_missing = missing[groups]
    sub = _sub_component(
        comp, groups, served[groups].astype(np.int64) + sub_missing, chosen, owner, other
    )
    always = frozenset(int(i) for i, m in enumerate(chosen) if pool.always[m])
    # with teachers left out before, a partial sub-plan is allowed at a price above any trip,
    # so that it stays feasible (only then: the price's large coefficients slow the solver)
    partial = bool(sub_missing.any())
    f = formulate(
        sub, np.arange(sub.n_pairs), partial, (Term.TRAVEL,), PoolSpec(always, len(freed))
    )
    if exclusive:
        own = np.flatnonzero(np.bincount(np.searchsorted(chosen, candidates)) == 1)
        for cluster, candidate in zip(clusters, candidates, strict=True):
            i, j = np.searchsorted(chosen, [cluster, candidate])
            if j in own:
                f.add_row([f.open[int(i)], f.open[int(j)]], [1, 1], 1, 1)
    now = counts[other] * np.isin(pool.pair_fac[other], freed)
    hint = {int(v): int(now[p]) for p, v in enumerate(f.x)}
    hint.update({v: int(sub_missing[g]) for g, v in f.unplaced.items()})
    hint.update({v: int(chosen[i] in freed) for i, v in f.open.items()})
    return _Sub(freed, chosen, at, other, now, groups, sub_missing, f, hint)


def _nearest_candidates(
    pool: FixedPool, counts: IntArray, opened: BoolArray, at: IntArray, extra: int
) -> tuple[IntArray, IntArray]:
    """For each freed cluster, the `extra` closed candidates that would serve its
    teachers cheapest on average (of those able to serve half of them at least), as
    (cluster, candidate) pairs."""
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
    return source[rank < extra], candidate[rank < extra]


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
