"""A fixed-size pool (a capacitated p-median) in the arrays its bound and its local search share.

`FixedPool` holds one component's pairs with costs in the model's objective units per teacher
and loads divided by their common factor; it answers the three questions both sides ask:
each methodist's best integer knapsack at given prices per teacher (`knapsacks`), the plan of
an open set (`allocate`: a transportation flow rounded to whole teachers) and a first open set
that reaches every school (`first_open`).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from assign.assignment.problem import Component, IntArray

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
EPS = 1e-6
CHOICE_CELLS = 20_000_000  # knapsack choice bits kept at once (a byte each)
FLOW_COST_SCALE = 64  # a flow's unit cost is per load unit: cost per teacher × this / weight
UNSERVED_FACTOR = 100  # a teacher no open methodist can take costs this × the dearest pair


class FixedPool:
    """One component's pool of `count` methodists (those in `always_open` among them)."""

    def __init__(
        self, comp: Component, cost: FloatArray, count: int, always_open: frozenset[int]
    ) -> None:
        local = comp.local_methodists(comp.pair_methodist)
        self.n_groups, self.n_fac = comp.n_groups, len(comp.methodists)
        self.pair_group = comp.pair_group.astype(np.int64)
        self.pair_fac = local.astype(np.int64)
        self.cost = np.asarray(cost, dtype=np.float64)
        self.n = comp.group_count.astype(np.int64)
        unit = math.gcd(*map(int, comp.group_weight), *map(int, comp.max_load), 0) or 1
        self.weight = comp.group_weight.astype(np.int64) // unit
        self.cap = comp.max_load.astype(np.int64) // unit
        self.low = -(-comp.min_load.astype(np.int64) // unit)  # whole units, rounded up
        self.always = np.zeros(self.n_fac, dtype=bool)
        self.always[list(always_open)] = True
        self.count = count
        self.penalty = UNSERVED_FACTOR * (float(self.cost.max()) if len(self.cost) else 1.0) + 1
        self.by_group = np.argsort(self.pair_group, kind="stable")
        self.group_start = np.searchsorted(
            self.pair_group[self.by_group], np.arange(self.n_groups + 1)
        )
        # each pair's teachers split 1, 2, 4, … so that a bounded knapsack is a 0/1 one
        pieces, mults = [], []
        left, bits = self.n[self.pair_group].copy(), 1
        while (left > 0).any():
            take = np.minimum(left, bits)
            has = np.flatnonzero(take > 0)
            pieces.append(has)
            mults.append(take[has])
            left, bits = left - take, bits * 2
        self.piece_pair = np.concatenate([np.zeros(0, dtype=np.int64), *pieces])
        self.piece_mult = np.concatenate([np.zeros(0, dtype=np.int64), *mults])
        self.piece_weight = self.weight[self.pair_group[self.piece_pair]] * self.piece_mult

    def pairs_of_groups(self, groups: IntArray) -> tuple[IntArray, IntArray]:
        """Every pair of each of `groups`: (position in `groups`, pair index)."""
        begin, end = self.group_start[groups], self.group_start[groups + 1]
        degree = end - begin
        owner = np.repeat(np.arange(len(groups)), degree)
        offset = np.arange(int(degree.sum())) - np.repeat(np.cumsum(degree) - degree, degree)
        return owner, self.by_group[begin[owner] + offset]

    def unserved(self, counts: IntArray) -> IntArray:
        return self.n - np.bincount(
            self.pair_group, weights=counts, minlength=self.n_groups
        ).astype(np.int64)

    def objective(self, counts: IntArray) -> float:
        """Travel of the plan, plus the penalty for each teacher it leaves out."""
        return float((counts * self.cost).sum() + self.penalty * self.unserved(counts).sum())

    def loads(self, counts: IntArray) -> IntArray:
        return np.bincount(
            self.pair_fac, weights=counts * self.weight[self.pair_group], minlength=self.n_fac
        ).astype(np.int64)

    def knapsacks(self, prices: FloatArray) -> tuple[FloatArray, IntArray]:
        """Each methodist's best knapsack when a teacher of group g is worth `prices[g]`:
        the most it saves (its value, ≤ 0) over the groups cheaper to serve from it than their
        price, within its capacity, and the teachers it takes per pair."""
        value, taken, _ = self.knapsacks_with_forced(prices, False)
        return value, taken

    def knapsacks_with_forced(
        self, prices: FloatArray, forced: bool = True
    ) -> tuple[FloatArray, IntArray, FloatArray]:
        """`knapsacks`, and with `forced` per pair a lower bound on its methodist's knapsack
        when it must take at least one teacher of the pair: that teacher's reduced cost plus
        the best knapsack in the capacity left (over every item, the pair's own included — a
        relaxation, so the bound stays valid); +inf where one teacher does not fit."""
        pair_rc = self.cost - prices[self.pair_group]
        rc = pair_rc[self.piece_pair] * self.piece_mult
        fac = self.pair_fac[self.piece_pair]
        items = np.flatnonzero((rc < -EPS) & (self.piece_weight <= self.cap[fac]))
        value = np.zeros(self.n_fac)
        taken = np.zeros(len(self.cost), dtype=np.int64)
        room = self.cap[self.pair_fac] - self.weight[self.pair_group]  # after one teacher
        with_one = np.where(room >= 0, pair_rc, np.inf) if forced else np.zeros(0)
        if not len(items):
            return value, taken, with_one
        items = items[np.argsort(fac[items], kind="stable")]
        owners, first, sizes = np.unique(fac[items], return_index=True, return_counts=True)
        width = int(self.cap[owners].max()) + 1
        chunk = max(1, CHOICE_CELLS // (int(sizes.max()) * width))
        if forced:  # pairs by methodist, to read each one's table
            by_fac = np.argsort(self.pair_fac, kind="stable")
            fac_start = np.searchsorted(self.pair_fac[by_fac], np.arange(self.n_fac + 1))
        for at in range(0, len(owners), chunk):
            part = slice(at, at + chunk)
            lo, hi = int(first[part][0]), int(first[part][-1] + sizes[part][-1])
            part_value, chosen, best = self._knapsack_rows(
                owners[part], items[lo:hi], sizes[part], rc, width
            )
            value[owners[part]] = part_value
            np.add.at(taken, self.piece_pair[chosen], self.piece_mult[chosen])
            if forced:
                for row, m in enumerate(owners[part]):
                    own = by_fac[fac_start[m] : fac_start[m + 1]]
                    fits = own[room[own] >= 0]
                    with_one[fits] += best[row, room[fits]]
        return value, taken, with_one

    def _knapsack_rows(
        self, owners: IntArray, items: IntArray, sizes: IntArray, rc: FloatArray, width: int
    ) -> tuple[FloatArray, IntArray, FloatArray]:
        """0/1 knapsacks of several methodists at once by dynamic programming over load, one
        item of each per round; the chosen items are traced back from each capacity. Also
        the table: each one's best value within every load up to its capacity."""
        rows, rounds = len(owners), int(sizes.max())
        row = np.repeat(np.arange(rows), sizes)
        rank = np.arange(len(items)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        slot = np.full((rounds, rows), -1, dtype=np.int64)
        slot[rank, row] = items
        weight = np.where(slot >= 0, self.piece_weight[np.maximum(slot, 0)], 0)
        profit = np.where(slot >= 0, rc[np.maximum(slot, 0)], 0.0)
        best = np.zeros((rows, width))  # the best value with a load of at most c
        columns = np.arange(width)
        choice = np.zeros((rounds, rows, width), dtype=bool)
        for r in range(rounds):
            back = columns[None, :] - weight[r][:, None]
            before = np.take_along_axis(best, np.maximum(back, 0), axis=1)
            offer = np.where(back >= 0, before + profit[r][:, None], np.inf)
            choice[r] = offer < best - EPS
            best = np.where(choice[r], offer, best)
        at = self.cap[owners].copy()
        value = best[np.arange(rows), at]
        chosen = []
        for r in range(rounds - 1, -1, -1):
            took = choice[r, np.arange(rows), at] & (slot[r] >= 0)
            chosen.append(slot[r][took])
            at = at - np.where(took, weight[r], 0)
        return value, np.concatenate(chosen), best

    def allocate(self, opened: BoolArray) -> IntArray | None:
        """Teachers per pair for an open set: the transportation flow in load units (a teacher
        that no open methodist can take is left out at the penalty), rounded down to whole
        teachers, the rest of each group to the cheapest open methodist with room. None when
        the open methodists' minimum loads cannot be met."""
        pairs = np.flatnonzero(opened[self.pair_fac])
        g, fac = self.pair_group[pairs], self.pair_fac[pairs]
        supply = self.n * self.weight
        open_ids = np.flatnonzero(opened)
        low, cap = self.low[open_ids], self.cap[open_ids]
        node = np.full(self.n_fac, -1, dtype=np.int64)
        node[open_ids] = self.n_groups + np.arange(len(open_ids))
        sink = self.n_groups + len(open_ids)
        groups = np.arange(self.n_groups)
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            g, node[fac], supply[g], np.round(self.cost[pairs] * FLOW_COST_SCALE / self.weight[g])
        )
        flow.add_arcs_with_capacity_and_unit_cost(
            node[open_ids], np.full(len(open_ids), sink), cap - low, np.zeros(len(open_ids))
        )
        flow.add_arcs_with_capacity_and_unit_cost(
            groups,
            np.full(self.n_groups, sink),
            supply,
            np.round(np.full(self.n_groups, self.penalty * FLOW_COST_SCALE) / self.weight),
        )
        flow.set_nodes_supplies(
            np.arange(sink + 1), np.concatenate([supply, -low, [-(supply.sum() - low.sum())]])
        )
        if flow.solve() != flow.OPTIMAL:
            return None
        counts = np.zeros(len(self.cost), dtype=np.int64)
        counts[pairs] = flow.flows(np.arange(len(pairs))) // self.weight[g]
        return self._place_rest(counts, opened)

    def _place_rest(self, counts: IntArray, opened: BoolArray) -> IntArray | None:
        left = self.unserved(counts)
        load = self.loads(counts)
        rest = np.flatnonzero(left > 0)
        for group in rest[np.argsort(-self.weight[rest], kind="stable")]:  # heavy ones first
            own = self.by_group[self.group_start[group] : self.group_start[group + 1]]
            own = own[opened[self.pair_fac[own]]]
            w = int(self.weight[group])
            for _ in range(int(left[group])):
                fits = own[load[self.pair_fac[own]] + w <= self.cap[self.pair_fac[own]]]
                if not len(fits):
                    break  # left out, at the penalty
                best = fits[np.argmin(self.cost[fits])]
                counts[best] += 1
                load[self.pair_fac[best]] += w
        if (load[opened] < self.low[opened]).any():
            return None
        return counts

    def first_open(self, score: FloatArray) -> BoolArray:
        """`count` methodists to start from: those always open, then one at a time the best
        by `score` (the LP's open values, or the Lagrangian's knapsacks) plus the share of
        its capacity that the load no open methodist has taken yet would fill — each taking
        the nearest such load up to its capacity — then the best by `score`."""
        opened = self.always.copy()
        left = (self.n * self.weight).astype(np.float64)  # load not taken by an open one
        score = score / max(float(np.abs(score).max()), EPS)
        by_cost = np.lexsort((self.cost, self.pair_fac))
        starts = np.searchsorted(self.pair_fac[by_cost], np.arange(self.n_fac + 1))
        room = np.maximum(self.cap, 1).astype(np.float64)

        def take(m: int) -> None:
            space = float(self.cap[m])
            for group in self.pair_group[by_cost[starts[m] : starts[m + 1]]]:
                taken = min(left[group], space)
                left[group] -= taken
                space -= taken
                if space <= 0:
                    break

        for m in np.flatnonzero(opened):
            take(int(m))
        while opened.sum() < self.count:
            reachable = np.bincount(
                self.pair_fac, weights=left[self.pair_group], minlength=self.n_fac
            )
            fill = np.minimum(reachable, room) / room
            if fill[~opened].max(initial=0.0) <= EPS:
                break  # every load has a methodist: the rest by score
            key = np.where(opened, -np.inf, fill + score)
            best = int(np.argmax(key))
            opened[best] = True
            take(best)
        rest = np.flatnonzero(~opened)
        room_left = self.count - int(opened.sum())
        opened[rest[np.argsort(-score[rest], kind="stable")[: max(room_left, 0)]]] = True
        return opened
