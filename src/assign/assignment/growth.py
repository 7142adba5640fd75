"""A sizing model's pairs grown from the LP's duals: column generation over candidate lists.

A problem built with a `CandidateLimit` starts each group with its nearest candidates. The LP
over those pairs is solved, every pair outside it is priced (`candidates.price`), the ones
with a negative reduced cost join, and the LP is solved again, until none is left: the LP
bound is then the bound of the whole problem, and reduced-cost pruning stays exact because
the least reduced cost outside is known. Stopped early (time, the pair budget), the bound is
still valid: the LP's value plus each group's count times its most negative outside reduced
cost (the duals shifted to feasibility).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from assign.assignment.candidates import (
    CandidateCosts,
    FloatArray,
    GroupsView,
    IntArray,
    Priced,
    ReducedCost,
    price,
)
from assign.assignment.formulation import Formulation
from assign.assignment.lp import Relaxation
from assign.assignment.problem import OBJECTIVE_SCALE, AssignmentProblem, Component

NEGATIVE = -0.5  # a reduced cost below this (in objective points, which are integers) counts
PER_ROUND = 5  # pairs per group added in one round of column generation
MAX_ROUNDS = 40
WIDEN_FACTOR = 4
WIDEN_PER_GROUP = 24  # pairs per group a widening adds at least (more in a small problem)
TRACTABLE_PAIRS = 100_000
"""An integer model this large is searched whole; past it, each group keeps its cheapest
pairs by reduced cost (`solve._within_budget`) and a widening adds fewer per group."""


@dataclass
class Generated:
    """The component after column generation, its model, its LP and the bound they prove."""

    comp: Component
    formulation: Formulation
    relaxation: Relaxation
    bound: float  # valid for every pair, built or not (points, with the constant)
    converged: bool  # no pair outside has a negative reduced cost: `bound` is the LP's


@dataclass
class Growth:
    problem: AssignmentProblem
    costs: CandidateCosts
    travel_scale: float  # the LP stage's objective coefficient per travel point
    max_model_pairs: int  # pairs in the LP and the integer model at most (the memory guard)

    @property
    def max_pairs(self) -> int:
        """Pairs the component may hold (priced, not all modelled): its arrays cost far less
        per pair than a modelled pair's rows and solver copy."""
        return WIDEN_FACTOR * self.max_model_pairs

    def generate(
        self,
        comp: Component,
        formulate: Callable[[Component], Formulation],
        relax: Callable[[Formulation], Relaxation],
        f: Formulation,
        relaxation: Relaxation,
        deadline: float,
    ) -> Generated:
        """Rounds of pricing and LP until no pair outside has a negative reduced cost, the
        time reaches `deadline` or the pair budget is spent."""
        for _ in range(MAX_ROUNDS):
            room = max(self.max_model_pairs - comp.n_pairs, 0)
            priced = self._price(comp, f, relaxation, NEGATIVE, room, PER_ROUND)
            if not len(priced.group) or time.perf_counter() > deadline:
                break
            extended = self.extend(comp, priced)
            f_next = formulate(extended)
            relaxed = relax(f_next)
            if relaxed.stopped:
                break  # out of time: the last LP solved stands, `priced` is its pricing
            comp, f, relaxation = extended, f_next, relaxed
        else:
            priced = self._price(comp, f, relaxation, NEGATIVE, 0, 0)
        bound = relaxation.objective + float(
            (comp.group_count * np.minimum(priced.group_min, 0.0)).sum()
        )
        converged = not len(priced.group) and priced.outside >= NEGATIVE
        return Generated(comp, f, relaxation, bound, converged)

    def widen(
        self, comp: Component, f: Formulation, relaxation: Relaxation, window: float
    ) -> tuple[Component, FloatArray, float]:
        """The component with the pairs outside whose reduced cost is within `window` (as far
        as the budget allows), their reduced costs, and the least one left outside."""
        room = max(self.max_pairs - comp.n_pairs, 0)
        per_group = max(WIDEN_PER_GROUP, TRACTABLE_PAIRS // max(comp.n_groups, 1))
        priced = self._price(comp, f, relaxation, window, room, per_group)
        return self.extend(comp, priced), priced.reduced_cost, priced.outside

    def cheapest_outside(self, comp: Component) -> FloatArray:
        """Per group, the least travel (in the LP stage's units per teacher) of its pairs
        not in the component: a price above it would let a pair not built undercut a bound
        computed over the built ones (inf: every pair of the group is built)."""
        scale = self.travel_scale

        def travel(g: int, ms: IntArray, points: IntArray) -> FloatArray:
            return np.asarray(scale * points, dtype=np.float64)

        priced = price(
            self.costs,
            self._groups(comp),
            self._present(comp),
            travel,
            -np.inf,
            0,
            0,
            OBJECTIVE_SCALE,
        )
        return priced.group_min

    def _price(
        self,
        comp: Component,
        f: Formulation,
        relaxation: Relaxation,
        threshold: float,
        cap: int,
        per_group: int,
    ) -> Priced:
        return price(
            self.costs,
            self._groups(comp),
            self._present(comp),
            self._reduced(comp, f, relaxation),
            threshold,
            cap,
            per_group,
            OBJECTIVE_SCALE,
        )

    def _groups(self, comp: Component) -> GroupsView:
        settings = self.problem.settings
        special = {t for t, _ in settings.pins} | {t for t, _ in settings.bans}
        ids = self.problem.teacher_ids
        priced = np.array(
            [not (len(ts) == 1 and ids[ts[0]] in special) for ts in comp.group_teachers],
            dtype=bool,
        )
        return GroupsView(comp.group_school, comp.group_subject, priced)

    def _present(self, comp: Component) -> list[IntArray]:
        order = np.argsort(comp.pair_group, kind="stable")
        cuts = np.searchsorted(comp.pair_group[order], np.arange(1, comp.n_groups))
        return [np.sort(comp.pair_methodist[p]) for p in np.split(order, cuts)]

    def _reduced(self, comp: Component, f: Formulation, relaxation: Relaxation) -> ReducedCost:
        """c − Σ dual × coefficient over the rows a new pair would enter: its group's
        assignment row and its methodist's load rows (its own link row has dual 0)."""
        duals = relaxation.duals
        u = np.array([duals[f.assign_row[g]] for g in range(comp.n_groups)])
        s = np.array(
            [sum(duals[r] for r in f.load_rows.get(m, ())) for m in range(len(comp.methodists))]
        )
        methodists, weight, scale = comp.methodists, comp.group_weight, self.travel_scale

        def reduced(g: int, ms: IntArray, points: IntArray) -> FloatArray:
            local = np.searchsorted(methodists, ms)
            return np.asarray(scale * points - u[g] - weight[g] * s[local], dtype=np.float64)

        return reduced

    def extend(self, comp: Component, priced: Priced) -> Component:
        if not len(priced.group):
            return comp
        current = comp.group_current[priced.group]
        change = ((current != -1) & (current != priced.methodist)).astype(np.int64)
        return replace(
            comp,
            pair_group=np.concatenate([comp.pair_group, priced.group]),
            pair_methodist=np.concatenate([comp.pair_methodist, priced.methodist]),
            pair_travel=np.concatenate([comp.pair_travel, priced.travel]),
            pair_change=np.concatenate([comp.pair_change, change]),
            pair_hours=np.concatenate([comp.pair_hours, priced.hours]),
            pair_km=np.concatenate([comp.pair_km, priced.km]),
            pair_in_person=np.concatenate([comp.pair_in_person, priced.in_person]),
        )
