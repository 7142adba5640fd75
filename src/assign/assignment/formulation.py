"""The assignment model of one component, written once as a linear model in arrays.

Both the LP relaxation (for the bound and the reduced costs that prune pairs) and the integer
solver (HiGHS or CP-SAT, for the integer optimum) are read from this one description, so the
two can never disagree. One function per constraint family; the objective is kept per term so
it can be weighted or ranked.

Variables: x[p] teachers of pair p's group sent to its methodist; split[k, m] "methodist m
serves school-subject k"; dev[m] a methodist's distance from the average load; with
`allow_partial`, unplaced[g] teachers left out and short[m] missing minimum load.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from assign.assignment.leavers import HeldMoves, Leaving
from assign.assignment.problem import LOAD_SCALE, OBJECTIVE_SCALE, Component, IntArray
from assign.assignment.settings import Term

UNPLACED_POINTS = OBJECTIVE_SCALE * 10_000  # per teacher left out: above any trip
SHORT_POINTS = OBJECTIVE_SCALE * 100  # per load unit of missing minimum load
WEIGHT_SCALE = 100  # weights resolved to hundredths: points × weight × WEIGHT_SCALE
UNBOUNDED = 10**12  # a row bound this large means "none"
RECRUIT = "recruit"  # the pool term of candidates opened (`PoolSpec.recruits`)


@dataclass
class Row:
    vars: list[int]
    coefs: list[int]
    lb: int
    ub: int


@dataclass
class Formulation:
    """A mixed-integer linear model: variables with bounds, rows, and objective terms."""

    lb: list[int] = field(default_factory=list)
    ub: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    terms: dict[str, dict[int, int]] = field(default_factory=dict)
    """Term name → {variable: points per unit}, weight 1 (see `objective`)."""
    constants: dict[str, int] = field(default_factory=dict)
    x: list[int] = field(default_factory=list)  # variable of each kept pair
    pairs: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    unplaced: dict[int, int] = field(default_factory=dict)
    short: dict[int, int] = field(default_factory=dict)
    split: dict[tuple[int, int], int] = field(default_factory=dict)
    open: dict[int, int] = field(default_factory=dict)  # component-local methodist → var
    assign_row: dict[int, int] = field(default_factory=dict)  # group → its assignment row
    load_rows: dict[int, list[int]] = field(default_factory=dict)
    """Component-local methodist → its load-limit rows: with `assign_row`, what a pair
    outside the model would touch, so its reduced cost can be priced from the LP's duals."""

    def var(self, lb: int, ub: int) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        return len(self.lb) - 1

    def add_row(self, vars_: list[int], coefs: list[int], lb: int, ub: int) -> None:
        self.rows.append(Row(vars_, coefs, lb, ub))

    def add_term(self, name: str, var: int, points: int) -> None:
        if points:
            bucket = self.terms.setdefault(name, {})
            bucket[var] = bucket.get(var, 0) + points

    def objective(self, weights: dict[str, float]) -> tuple[dict[int, int], int]:
        """The weighted sum of terms: {variable: coefficient} and a constant, in points
        × WEIGHT_SCALE (so that a weight of 0.05 still counts in integers)."""
        coefs: dict[int, int] = defaultdict(int)
        constant = 0
        for name, weight in weights.items():
            if weight <= 0:
                continue
            scale = weight * WEIGHT_SCALE
            for var, points in self.terms.get(name, {}).items():
                coefs[var] += round(points * scale)
            constant += round(self.constants.get(name, 0) * scale)
        return dict(coefs), constant


@dataclass(frozen=True)
class PoolSpec:
    """Sizing the pool: which methodists (component-local) are open for sure, and, for a fixed
    pool size, how many in all."""

    always_open: frozenset[int]
    count: int | None = None
    max_pairs: int = 2_000_000
    """Pairs in a model at most, when the pairs grow from candidate lists (the memory
    guard of `pool.sizing` sets it)."""
    recruits: frozenset[int] = frozenset()
    """The candidates among the methodists, when the existing ones may be released: of the
    smallest pools, the one with the fewest of them (`add_open_links`), so no methodist is
    swapped for a candidate to save travel."""


def formulate(
    comp: Component,
    pairs: IntArray,
    allow_partial: bool,
    terms: tuple[Term, ...],
    pool: PoolSpec | None = None,
) -> Formulation:
    """The model of `comp` restricted to `pairs` (indices into the component's pairs)."""
    f = Formulation(pairs=pairs)
    count = comp.group_count
    for p in pairs:
        f.x.append(f.var(0, int(count[comp.pair_group[p]])))
    add_assignment(f, comp, allow_partial)
    if pool is not None:
        add_open_links(f, comp, pool)
    add_load_limits(f, comp, allow_partial)
    if pool is None and Term.CHANGES in terms:
        add_change_cuts(f, comp)
    if Term.SPLIT in terms:
        add_split_links(f, comp)
    if Term.BALANCE in terms:
        add_balance(f, comp)
    add_travel_and_changes(f, comp)
    return f


def _owners(f: Formulation, comp: Component) -> list[int]:
    """The component-local methodist of each pair of the model, in the order of `f.x`."""
    owners: list[int] = comp.local_methodists(comp.pair_methodist[f.pairs]).tolist()
    return owners


def _load_expressions(f: Formulation, comp: Component) -> dict[int, tuple[list[int], list[int]]]:
    """Each methodist's load as (variables, weights), by component-local methodist."""
    by_methodist: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    weights = comp.group_weight[comp.pair_group[f.pairs]].tolist()
    for var, m, weight in zip(f.x, _owners(f, comp), weights, strict=True):
        vars_, coefs = by_methodist[m]
        vars_.append(var)
        coefs.append(weight)
    return by_methodist


def add_assignment(f: Formulation, comp: Component, allow_partial: bool) -> None:
    """Hard: every teacher of a group goes to exactly one methodist (or, when a partial plan is
    allowed, is counted as left out at a price above any trip)."""
    by_group: dict[int, list[int]] = defaultdict(list)
    for var, p in zip(f.x, f.pairs, strict=True):
        by_group[int(comp.pair_group[p])].append(var)
    for g in range(comp.n_groups):
        n = int(comp.group_count[g])
        vars_ = by_group.get(g, [])
        if allow_partial:
            f.unplaced[g] = f.var(0, n)
            vars_ = [*vars_, f.unplaced[g]]
            f.add_term("unplaced", f.unplaced[g], UNPLACED_POINTS)
        f.assign_row[g] = len(f.rows)
        f.add_row(vars_, [1] * len(vars_), n, n)


def add_load_limits(f: Formulation, comp: Component, allow_partial: bool) -> None:
    """Hard: each methodist's load (teachers' weights) stays within [min_load, max_load]; with a
    partial plan, missing minimum load is allowed at a price."""
    by_methodist = _load_expressions(f, comp)
    for m in range(len(comp.methodists)):
        vars_, coefs = by_methodist.get(m, ([], []))
        low, high = int(comp.min_load[m]), int(comp.max_load[m])
        first = len(f.rows)
        if m in f.open:  # a closed methodist carries nothing; an open one keeps the limits
            f.add_row([*vars_, f.open[m]], [*coefs, -high], -UNBOUNDED, 0)
            f.add_row([*vars_, f.open[m]], [*coefs, -low], 0, UNBOUNDED)
        elif allow_partial and low > 0:
            f.short[m] = f.var(0, low)
            f.add_term("short", f.short[m], SHORT_POINTS)
            f.add_row(vars_, coefs, 0, high)
            f.add_row([*vars_, f.short[m]], [*coefs, 1], low, UNBOUNDED)
        else:
            f.add_row(vars_, coefs, low, high)
        f.load_rows[m] = list(range(first, len(f.rows)))


def add_change_cuts(f: Formulation, comp: Component) -> None:
    """Valid inequalities on the number of teachers who move, which the load rows alone leave
    fractional under category weights (the LP moves two thirds of a teacher of weight 1.5
    where one must go): a methodist whose current teachers weigh more than the maximum keeps
    at most all but the fewest of them whose weights cover the excess; one whose current
    teachers weigh less than the minimum takes at least ⌈deficit / heaviest teacher who can
    come⌉ newcomers, unless short of the minimum (`short`, an integer of load units: then
    the row is void). Every integer plan meets them, so the LP bound and the proof stay
    exact; on Yakutia's weighted loads they lift the LP's bound on the changes to the
    integer optimum."""
    current = comp.local_methodists(comp.group_current)
    staying: dict[int, list[int]] = defaultdict(list)
    coming: dict[int, list[int]] = defaultdict(list)
    heaviest: dict[int, int] = defaultdict(int)
    for var, p, m in zip(f.x, f.pairs, _owners(f, comp), strict=True):
        g = int(comp.pair_group[p])
        if current[g] == m:
            staying[m].append(var)
        else:
            coming[m].append(var)
            heaviest[m] = max(heaviest[m], int(comp.group_weight[g]))
    leaving = Leaving.of(comp)
    for m in range(len(comp.methodists)):
        if leaving.least[m] > 0:
            kept = staying[m]
            f.add_row(
                kept, [1] * len(kept), -UNBOUNDED, len(leaving.weights[m]) - int(leaving.least[m])
            )
        deficit = int(comp.min_load[m]) - int(leaving.weights[m].sum())
        if deficit > 0 and heaviest[m] > 0:
            newcomers = -(-deficit // heaviest[m])
            vars_, coefs = coming[m], [1] * len(coming[m])
            if m in f.short:
                vars_, coefs = [*vars_, f.short[m]], [*coefs, newcomers]
            f.add_row(vars_, coefs, newcomers, UNBOUNDED)


def add_stay_rows(f: Formulation, comp: Component, moves: HeldMoves) -> None:
    """Hard, once the moves are held (`leavers.HeldMoves`): each methodist keeps at least
    all but their least leavers and the spare moves of their current teachers."""
    x, pairs = np.array(f.x, dtype=np.int64), f.pairs
    owner = comp.local_methodists(comp.pair_methodist[pairs])
    stays = owner == comp.local_methodists(comp.group_current)[comp.pair_group[pairs]]
    for m, keep in enumerate(moves.least_kept()):
        if keep > 0:
            kept = x[stays & (owner == m)].tolist()
            f.add_row(kept, [1] * len(kept), int(keep), UNBOUNDED)


def add_open_links(f: Formulation, comp: Component, pool: PoolSpec) -> None:
    """Hard: teachers go only to open methodists; a fixed pool has exactly `count` open.
    Soft (the pool term): each open methodist counts one."""
    for m in range(len(comp.methodists)):
        fixed = m in pool.always_open
        f.open[m] = f.var(1 if fixed else 0, 1)
        f.add_term("pool", f.open[m], OBJECTIVE_SCALE)
        if m in pool.recruits:
            f.add_term(RECRUIT, f.open[m], OBJECTIVE_SCALE)
    for var, p, m in zip(f.x, f.pairs, _owners(f, comp), strict=True):
        g = int(comp.pair_group[p])
        # x ≤ n·open: redundant for integers, but it is what makes the LP bound strong
        f.add_row(
            [var, f.open[m]],
            [1, -int(comp.group_count[g])],
            -UNBOUNDED,
            0,
        )
    if pool.count is not None:
        opened = list(f.open.values())
        f.add_row(opened, [1] * len(opened), pool.count, pool.count)


def add_split_links(f: Formulation, comp: Component) -> None:
    """Soft: teachers of one subject in one school stay with one methodist; each extra
    methodist serving a school-subject costs one split."""
    keys = comp.split_keys()
    teachers_per_key = np.bincount(keys, weights=comp.group_count).astype(int)
    used_keys: set[int] = set()
    for var, p in zip(f.x, f.pairs, strict=True):
        g = int(comp.pair_group[p])
        key = int(keys[g])
        if teachers_per_key[key] < 2:
            continue
        m = int(comp.pair_methodist[p])
        if (key, m) not in f.split:
            f.split[key, m] = f.var(0, 1)
            f.add_term(Term.SPLIT.value, f.split[key, m], OBJECTIVE_SCALE)
        used_keys.add(key)
        f.add_row([var, f.split[key, m]], [1, -int(comp.group_count[g])], -UNBOUNDED, 0)
    f.constants[Term.SPLIT.value] = -OBJECTIVE_SCALE * len(used_keys)


def add_balance(f: Formulation, comp: Component) -> None:
    """Soft: loads stay near the average of the component's methodists (L1 deviation)."""
    target = comp.balance_target
    by_methodist = _load_expressions(f, comp)
    per_unit = OBJECTIVE_SCALE // LOAD_SCALE
    for m in range(len(comp.methodists)):
        vars_, coefs = by_methodist.get(m, ([], []))
        dev = f.var(0, max(int(comp.max_load[m]), comp.total_load))
        # dev >= load - target and dev >= target - load
        f.add_row([*vars_, dev], [*coefs, -1], -UNBOUNDED, target)
        f.add_row([*vars_, dev], [*coefs, 1], target, UNBOUNDED)
        f.add_term(Term.BALANCE.value, dev, per_unit)


def add_travel_and_changes(f: Formulation, comp: Component) -> None:
    """Soft: total travel (hours or km per teacher) and teachers moved from their current
    methodist."""
    for var, p in zip(f.x, f.pairs, strict=True):
        f.add_term(Term.TRAVEL.value, var, int(comp.pair_travel[p]))
        if comp.pair_change[p]:
            f.add_term(Term.CHANGES.value, var, OBJECTIVE_SCALE)
