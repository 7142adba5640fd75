"""Who may leave their methodist once the moves are held at their fewest, which the LP
cannot see.

Each teacher who leaves their current methodist is one move. A methodist over the maximum
load must lose at least the fewest of their current teachers whose weights cover the
excess, and a teacher whose methodist is gone moves in every plan: the sum is a floor on the
moves of any plan. A later ranked term, solved with the moves held at most `most` (an
earlier term's optimum), has `spare = most − floor` moves beyond the floor, so each
methodist loses at most their own least plus the spare, and a teacher can leave only if a
leaving set of that size with them in it covers the excess. Every plan with at most `most`
moves meets both, so the optimum and its proof stay exact. In Yakutia's largest subject
groups, weighted, the fewest moves are the floor (spare 0): methodists within their limits
keep every teacher,
and the overloaded ones shed exactly their least, mostly the heaviest teachers. The travel
model of primary school keeps 30 746 of its 43 586 pairs, and HiGHS proves it in 13 s where
it took 57 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assign.assignment.problem import Component, IntArray

NONE = -1  # no current methodist, or none in the component (`local_methodists`)


@dataclass(frozen=True)
class Leaving:
    """Per component-local methodist: the current teachers' weights (heaviest first), the
    load above the maximum, and the fewest of them who must leave."""

    weights: list[IntArray]
    excess: IntArray
    least: IntArray

    @classmethod
    def of(cls, comp: Component) -> Leaving:
        current = comp.local_methodists(comp.group_current)
        weights, excess, least = [], [], []
        for m in range(len(comp.methodists)):
            mine = np.flatnonzero(current == m)
            heaviest = np.sort(np.repeat(comp.group_weight[mine], comp.group_count[mine]))[::-1]
            over = int(heaviest.sum()) - int(comp.max_load[m])
            weights.append(heaviest)
            excess.append(over)
            least.append(int(np.searchsorted(np.cumsum(heaviest), over)) + 1 if over > 0 else 0)
        return cls(weights, np.array(excess, dtype=np.int64), np.array(least, dtype=np.int64))

    def floor(self, comp: Component) -> int:
        """The fewest moves of any plan with every teacher placed: the least leavers, and
        every teacher whose current methodist is gone or outside the component."""
        moving = (comp.group_current != NONE) & (comp.local_methodists(comp.group_current) == NONE)
        return int(self.least.sum()) + int(comp.group_count[moving].sum())


@dataclass(frozen=True)
class HeldMoves:
    """What at most `floor + spare` moves imply: who may leave, and who must stay."""

    leaving: Leaving
    spare: int

    @classmethod
    def of(cls, comp: Component, most: int) -> HeldMoves:
        leaving = Leaving.of(comp)
        return cls(leaving, max(most - leaving.floor(comp), 0))

    def movable(self, comp: Component, pairs: IntArray) -> np.ndarray:
        """Which of `pairs` some plan with the moves held may use: every stay, and a move
        only of a teacher who can be one of their methodist's leavers."""
        current = comp.local_methodists(comp.group_current)
        can_leave = np.ones(comp.n_groups, dtype=bool)
        for g in np.flatnonzero(current >= 0):
            can_leave[g] = self._can_leave(int(current[g]), int(comp.group_weight[g]))
        local = comp.local_methodists(comp.pair_methodist[pairs])
        groups = comp.pair_group[pairs]
        return (local == current[groups]) | can_leave[groups]

    def _can_leave(self, m: int, weight: int) -> bool:
        most = int(self.leaving.least[m]) + self.spare  # leavers of `m` at most
        if most == 0:
            return False
        over = int(self.leaving.excess[m])
        if over <= 0:
            return True
        heaviest = self.leaving.weights[m]
        most = min(most, len(heaviest))
        if weight >= heaviest[most - 1]:  # among the heaviest `most`: they cover the excess
            return True
        return int(heaviest[: most - 1].sum()) + weight >= over

    def least_kept(self) -> IntArray:
        """Per methodist: the fewest current teachers they keep (all but their least
        leavers and the spare); the change cuts bound the keeping from above."""
        sizes = np.array([len(w) for w in self.leaving.weights], dtype=np.int64)
        return np.maximum(sizes - self.leaving.least - self.spare, 0)
