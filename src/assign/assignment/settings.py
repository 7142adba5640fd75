"""What a planner can say about an assignment: norms, reach, objective weights or ranks, pins.

Named presets give the norms of the sources: "federal" 200–250 teachers per methodist (letter
АЗ-1061/08), "yakutia" 100–150 (002 §3.7); the default 100–250 spans both. Loads count heads by
default, as the norms do; `load_unit="weighted"` counts the teachers' category weights instead.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assign.categories import DEFAULT_WEIGHTS, Category
from assign.validation import number_ru

if TYPE_CHECKING:
    from collections.abc import Sequence

    from assign.domain import Region, Teacher

SCHOOL_YEAR: tuple[int, ...] = (9, 10, 11, 12, 1, 2, 3, 4, 5)


class Term(StrEnum):
    """Objective terms, in their default order of importance."""

    TRAVEL = "travel"
    CHANGES = "changes"
    SPLIT = "split"
    BALANCE = "balance"


TERM_NAMES_RU = {
    Term.TRAVEL: "время (расстояние) в пути",
    Term.CHANGES: "изменения текущего закрепления",
    Term.SPLIT: "разделение предметников одной школы между методистами",
    Term.BALANCE: "неравномерность нагрузки",
}


# Stability first: a re-plan keeps every teacher with their current methodist unless a hard
# rule (the methodist left, is over the limit, cannot reach the school) or a pin moves them;
# travel decides only among the plans that move the fewest. Without a current assignment the
# changes term is zero and travel leads.
DEFAULT_RANKING = (Term.CHANGES, Term.TRAVEL, Term.BALANCE)
TRAVEL_FIRST_RANKING = (Term.TRAVEL, Term.CHANGES, Term.BALANCE)


MAX_LOAD = 100_000.0  # teachers (or load units) per methodist
MAX_HOURS = 10_000.0
MAX_WEIGHT = 1_000_000.0
MAX_CATEGORY_WEIGHT = 100.0
MAX_SECONDS = 3_600.0
MAX_PAIRS = 100_000


class Preset(StrEnum):
    DEFAULT = "default"
    FEDERAL = "federal"
    YAKUTIA = "yakutia"


PRESET_LOADS: dict[Preset, tuple[float, float]] = {
    Preset.DEFAULT: (100.0, 250.0),
    Preset.FEDERAL: (200.0, 250.0),
    Preset.YAKUTIA: (100.0, 150.0),
}

HOURS_TO_KM = 50.0  # default weights given in hours become km weights at this rate


class Weights(BaseModel):
    """Weight of each term in units of travel (hours, or km with the distance objective).

    travel: per hour of a teacher's trip; changes: per teacher moved from the current
    methodist; split: per extra methodist in one school's subject; balance: per load unit
    a methodist is away from the average of their subject group.
    """

    model_config = ConfigDict(frozen=True)

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    travel: float = Field(1.0, ge=0, le=MAX_WEIGHT)
    changes: float = Field(2.0, ge=0, le=MAX_WEIGHT)
    split: float = Field(1.0, ge=0, le=MAX_WEIGHT)
    balance: float = Field(0.05, ge=0, le=MAX_WEIGHT)

    def of(self, term: Term) -> float:
        return float(getattr(self, term.value))


class AssignmentSettings(BaseModel):
    """Bounds keep every value one a plan can be made with: loads up to MAX_LOAD, hours up
    to MAX_HOURS, weights up to MAX_WEIGHT, finite numbers only; unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    preset: Preset = Preset.DEFAULT
    min_load: float | None = Field(None, ge=0, le=MAX_LOAD, description="default: the preset's")
    max_load: float | None = Field(None, gt=0, le=MAX_LOAD, description="default: the preset's")
    load_unit: Literal["heads", "weighted"] = "heads"
    category_weights: dict[Category, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    """Load of one teacher of each category; those not given keep their defaults."""
    objective: Literal["time", "distance"] = "time"
    reach: Literal["all_year", "months", "remote"] = "all_year"
    """In-person reachability the plan must keep: in every month, in `reach_months`, or none
    (remote support; unreachable pairs then cost `remote_penalty_hours`)."""
    reach_months: tuple[int, ...] = Field(SCHOOL_YEAR, max_length=12)
    max_hours: float | None = Field(
        None, gt=0, le=MAX_HOURS, description="a trip longer than this is out of reach"
    )
    remote_penalty_hours: float = Field(48.0, ge=0, le=MAX_HOURS)
    weights: Weights | None = None
    """A weighted objective (in units of travel). None: the terms are ranked instead."""
    ranking: tuple[Term, ...] | None = None
    """Lexicographic order of terms; default (changes, travel, balance) when no weights are
    given. `split` is left out of the default: proving its optimum is much harder (a fixed
    charge per school-subject), so a planner asks for it explicitly."""
    pins: tuple[tuple[str, str], ...] = Field((), max_length=MAX_PAIRS)
    bans: tuple[tuple[str, str], ...] = Field((), max_length=MAX_PAIRS)
    allow_partial: bool = True
    """An impossible subject is reported with its reason and leaves out as few teachers as
    possible, while the rest of the region is planned in full."""
    time_limit: float = Field(120.0, gt=0, le=MAX_SECONDS)
    """Wall-clock limit for the whole solve, a safety net."""
    solver: Literal["highs", "cpsat"] = "highs"
    """The integer solver of the models that are not a network (weighted loads, the split
    term): HiGHS's branch-and-cut proves far more of them within the limit than CP-SAT
    (bench/assignment_bench.py); CP-SAT's deterministic work limit gives the same plan on
    any machine even when the time runs out first."""
    deterministic_time_limit: float = Field(30.0, gt=0, le=MAX_SECONDS)
    """CP-SAT's own work limit per model (about seconds): it binds first, so the same input
    and seed give the same plan on any machine."""
    workers: int = Field(1, ge=1, le=64)
    """CP-SAT's workers per model."""
    parallel: int | None = Field(None, ge=1, le=64)
    """Subject groups solved at the same time, on threads; None: two, or one on one core
    (Yakutia's weighted loads proven in 65 s on two, 99 s one after another; bench/README)."""
    seed: int = Field(0, ge=0, le=2**31 - 1)

    @field_validator("category_weights", mode="after")
    @classmethod
    def _complete_weights(cls, given: dict[Category, float]) -> dict[Category, float]:
        bad = [f"{c.value}={w}" for c, w in given.items() if not 0 < w <= MAX_CATEGORY_WEIGHT]
        if bad:
            raise ValueError(
                f"вес категории должен быть больше 0 и не больше {MAX_CATEGORY_WEIGHT:g}: "
                + ", ".join(bad)
            )
        return {**DEFAULT_WEIGHTS, **given}

    @field_validator("ranking", mode="after")
    @classmethod
    def _distinct_terms(cls, ranking: tuple[Term, ...] | None) -> tuple[Term, ...] | None:
        if ranking is not None and len(set(ranking)) != len(ranking):
            raise ValueError("цель названа в порядке целей дважды")
        if ranking is not None and not ranking:
            raise ValueError("порядок целей пуст")
        return ranking

    @field_validator("reach_months", mode="after")
    @classmethod
    def _months(cls, months: tuple[int, ...]) -> tuple[int, ...]:
        if not months or any(not 1 <= m <= 12 for m in months):
            raise ValueError("месяцы досягаемости должны быть числами 1–12")
        return months

    @model_validator(mode="after")
    def _load_range(self) -> AssignmentSettings:
        if self.load_min > self.load_max:
            raise ValueError(
                f"минимальная нагрузка {number_ru(self.load_min)} больше максимальной "
                f"{number_ru(self.load_max)}"
            )
        return self

    @property
    def effective_ranking(self) -> tuple[Term, ...] | None:
        """The ranking in force: the given one, none when weights are given, else the default."""
        if self.ranking is not None:
            return self.ranking
        if self.weights is not None:
            return None
        return DEFAULT_RANKING

    @property
    def active_terms(self) -> tuple[Term, ...]:
        """The terms the plan optimises: the ranking in force, else those weighted above 0."""
        if self.effective_ranking:
            return self.effective_ranking
        weights = self.effective_weights
        return tuple(t for t in Term if weights.of(t) > 0)

    @property
    def load_min(self) -> float:
        return self.min_load if self.min_load is not None else PRESET_LOADS[self.preset][0]

    @property
    def load_max(self) -> float:
        return self.max_load if self.max_load is not None else PRESET_LOADS[self.preset][1]

    def teacher_load(self, region: Region, teacher: Teacher) -> float:
        """A teacher's load as these settings count it: one head, or the category weight;
        the need, the solver's groups and the KPIs all count it this way."""
        if self.load_unit == "weighted":
            return region.teacher_weight(teacher, self.category_weights)
        return 1.0

    def teacher_loads(self, region: Region, teachers: Sequence[Teacher]) -> list[float]:
        """`teacher_load` of each of `teachers`, at once (a region has 18 600 of them)."""
        if self.load_unit == "weighted":
            return [region.teacher_weight(t, self.category_weights) for t in teachers]
        return [1.0] * len(teachers)

    @property
    def effective_weights(self) -> Weights:
        if self.weights is not None:
            return self.weights
        if self.objective == "distance":
            base = Weights()
            return Weights(
                travel=1.0,
                changes=base.changes * HOURS_TO_KM,
                split=base.split * HOURS_TO_KM,
                balance=base.balance * HOURS_TO_KM,
            )
        return Weights()

    @property
    def required_months(self) -> tuple[int, ...]:
        """Months in which every pair must be reachable in person."""
        if self.reach == "all_year":
            return tuple(range(1, 13))
        if self.reach == "months":
            return tuple(sorted(set(self.reach_months)))
        return ()

    @property
    def cost_months(self) -> tuple[int, ...]:
        """Months whose trips make up a pair's travel cost (visits happen then)."""
        if self.reach == "months":
            return tuple(sorted(set(self.reach_months)))
        return tuple(sorted(SCHOOL_YEAR))
