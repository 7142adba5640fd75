"""Candidate lists for pool sizing with many candidates: pairs made on demand, in blocks.

A region whose every school is a candidate base has schools × candidates pairs (9 million
for 3 000 schools): as a dense travel matrix over twelve months and as a model with a
variable per pair they no longer fit in memory. Here each (school, subject) starts with its
`nearest` candidates within reach; the rest are *priced* from the LP's duals when asked
(column generation): a pair outside the model whose reduced cost is below a threshold joins
it, and the least reduced cost left outside bounds what the pairs not built could add.
Travel is computed for a block of schools at a time, so no school × candidate array over
all schools ever exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assign.assignment.costs import pair_costs
from assign.assignment.settings import AssignmentSettings
from assign.domain import Region
from assign.transport import TravelModel

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

BLOCK_CELLS = 250_000
"""School × candidate cells per block: twelve months of hours and km in float64 make about
130 MB with the temporaries, whatever the region's size."""
ReducedCost = Callable[[int, IntArray, IntArray], FloatArray]
"""(group, global methodist indices, travel points) → the pairs' reduced costs."""
BYTES_PER_PAIR = 600
"""Memory per pair of a sizing model, measured (arrays, the model's rows, the LP and the MIP
solver's copy): what the memory guard multiplies the pair count by."""


@dataclass(frozen=True)
class CandidateLimit:
    """Sizing with many candidates: the methodist ids that are candidates, and how many of
    the nearest each (school, subject) starts with."""

    candidates: frozenset[str]
    nearest: int


@dataclass(frozen=True)
class GroupsView:
    """What pricing needs of a component's groups."""

    school: IntArray
    subject: list[str]
    priced: BoolArray  # False for a pinned or banned teacher: all its pairs are built


@dataclass
class BlockCosts:
    """Costs of a block of schools × every candidate, as `pair_costs` gives them."""

    schools: IntArray  # school indices of the block's rows
    hours: FloatArray
    km: FloatArray
    in_person: BoolArray

    def cost(self, settings: AssignmentSettings) -> FloatArray:
        return self.km if settings.objective == "distance" else self.hours


class CandidateCosts:
    """Travel from schools to the region's candidates, a block of schools at a time."""

    def __init__(
        self,
        region: Region,
        settings: AssignmentSettings,
        model: TravelModel,
        school_ids: list[str],
        first: int,
    ) -> None:
        self.region = region
        self.settings = settings
        self.model = model
        self.school_ids = school_ids
        self.first = first  # global index of the first candidate (they come last)
        self.people = region.methodists[first:]
        self.places = [model.person_place(m) for m in self.people]
        self.subjects = {
            s: np.array([i for i, m in enumerate(self.people) if s in m.subjects], dtype=np.int64)
            for s in region.teachers_by_subject
        }

    @property
    def count(self) -> int:
        return len(self.people)

    def blocks(self, schools: IntArray) -> Iterator[BlockCosts]:
        size = max(1, BLOCK_CELLS // max(self.count, 1))
        for at in range(0, len(schools), size):
            block = schools[at : at + size]
            matrix = self.model.matrix([self.school_ids[s] for s in block], self.places)
            hours, km, in_person = pair_costs(matrix, self.settings)
            del matrix
            yield BlockCosts(block, hours, km, in_person)

    def allowed(self, block: BlockCosts) -> BoolArray:
        """Pairs the rule of reach allows (every pair under remote support)."""
        if self.settings.reach == "remote":
            return np.ones_like(block.in_person)
        return block.in_person

    def nearest(
        self, needs: dict[int, list[str]], k: int
    ) -> dict[tuple[int, str], tuple[IntArray, FloatArray, FloatArray, BoolArray]]:
        """For each school's subjects (`needs`: school → subjects), the `k` cheapest allowed
        candidates of the subject: global methodist indices, hours, km, in person."""
        found: dict[tuple[int, str], tuple[IntArray, FloatArray, FloatArray, BoolArray]] = {}
        schools = np.array(sorted(needs), dtype=np.int64)
        for block in self.blocks(schools):
            cost = np.where(self.allowed(block), block.cost(self.settings), np.inf)
            for row, school in enumerate(block.schools):
                for subject in needs[int(school)]:
                    cover = self.subjects.get(subject, np.zeros(0, dtype=np.int64))
                    values = cost[row, cover]
                    take = min(k, int(np.isfinite(values).sum()))
                    if take == 0:
                        continue
                    pick = np.argpartition(values, take - 1)[:take] if take < len(cover) else None
                    chosen = cover if pick is None else cover[pick]
                    chosen = chosen[np.isfinite(cost[row, chosen])]
                    chosen.sort()
                    found[int(school), subject] = (
                        chosen + self.first,
                        block.hours[row, chosen],
                        block.km[row, chosen],
                        block.in_person[row, chosen],
                    )
        return found

    def row(self, school: int) -> BlockCosts:
        """One school × every candidate (a pinned or banned teacher's eligibility)."""
        return next(self.blocks(np.array([school], dtype=np.int64)))


def matrix_bytes(cells: int) -> int:
    """Travel for `cells` school × place cells while it is computed: twelve months of hours
    and km in float64, about three copies with the temporaries."""
    return cells * 8 * 12 * 2 * 3


def estimate_bytes(pairs: int, schools: int, candidates: int) -> int:
    """A sizing run's peak: its pairs, plus one block of travel being computed."""
    return pairs * BYTES_PER_PAIR + matrix_bytes(min(schools * candidates, BLOCK_CELLS))


@dataclass
class Priced:
    """Pairs outside a model whose reduced cost is at most the threshold (the cheapest, up to
    the cap), and the least reduced cost among the pairs left outside (inf: none)."""

    group: IntArray
    methodist: IntArray  # global methodist index
    hours: FloatArray
    km: FloatArray
    in_person: BoolArray
    travel: IntArray  # objective points per teacher
    reduced_cost: FloatArray
    outside: float
    group_min: FloatArray  # per group: the least reduced cost of its pairs outside (inf: none)


def price(
    costs: CandidateCosts,
    groups: GroupsView,
    present: list[IntArray],
    reduced: ReducedCost,
    threshold: float,
    cap: int,
    per_group: int,
    points_per_unit: int,
) -> Priced:
    """Every allowed (group, candidate) pair not in `present` (per group, global indices),
    priced by `reduced`; those at most `threshold` come back, up to `per_group` per group and
    `cap` in all, the cheapest first."""
    keep: list[PricedColumns] = []
    outside = np.inf
    group_min = np.full(len(groups.school), np.inf)
    order = np.argsort(groups.school, kind="stable")
    schools = np.unique(groups.school)
    by_school = np.split(order, np.searchsorted(groups.school[order], schools[1:]))
    rows = dict(zip(schools.tolist(), by_school, strict=True))
    for block in costs.blocks(schools):
        allowed = costs.allowed(block)
        points = np.round(block.cost(costs.settings) * points_per_unit).astype(np.int64)
        for row, school in enumerate(block.schools):
            for g in rows[int(school)]:
                if not groups.priced[g]:
                    continue
                cover = costs.subjects.get(groups.subject[g], np.zeros(0, dtype=np.int64))
                cover = cover[allowed[row, cover]]
                cover = cover[~np.isin(cover + costs.first, present[g])]
                if not len(cover):
                    continue
                rc = reduced(int(g), cover + costs.first, points[row, cover])
                group_min[g] = float(rc.min())
                take = np.flatnonzero(rc <= threshold)
                if len(take) > per_group:
                    take = take[np.argsort(rc[take], kind="stable")[:per_group]]
                rest = np.ones(len(cover), dtype=bool)
                rest[take] = False
                if rest.any():
                    outside = min(outside, float(rc[rest].min()))
                if len(take):
                    c = cover[take]
                    keep.append(
                        (
                            np.full(len(c), g, dtype=np.int64),
                            c + costs.first,
                            block.hours[row, c],
                            block.km[row, c],
                            block.in_person[row, c],
                            points[row, c],
                            rc[take],
                        )
                    )
    if not keep:
        keep.append(_no_pairs())
    group, methodist, hours, km, in_person, travel, rc = (
        np.concatenate(column) for column in zip(*keep, strict=True)
    )
    if len(rc) > cap:
        ranked = np.argsort(rc, kind="stable")
        outside = min(outside, float(rc[ranked[cap]]))
        chosen = np.sort(ranked[:cap])
        group, methodist, hours, km, in_person, travel, rc = (
            a[chosen] for a in (group, methodist, hours, km, in_person, travel, rc)
        )
    return Priced(group, methodist, hours, km, in_person, travel, rc, outside, group_min)


PricedColumns = tuple[IntArray, IntArray, FloatArray, FloatArray, BoolArray, IntArray, FloatArray]


def _no_pairs() -> PricedColumns:
    ints, floats = np.zeros(0, dtype=np.int64), np.zeros(0)
    return ints, ints, floats, floats, np.zeros(0, dtype=bool), ints, floats
