"""What a solve returns: status, objective, bound, gap, runtime, the plan and its explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"  # stopped before any plan was found


STATUS_RU = {
    Status.OPTIMAL: "оптимум доказан",
    Status.FEASIBLE: "допустимый план (оптимальность не доказана)",
    Status.INFEASIBLE: "план невозможен",
    Status.TIME_LIMIT: "время вышло, план не найден",
}


@dataclass
class ComponentResult:
    subjects: tuple[str, ...]
    status: Status
    objective: float  # in travel units (hours or km) with the weights applied
    bound: float
    runtime: float
    pairs_total: int = 0
    pairs_kept: int = 0
    problems: list[str] = field(default_factory=list)  # why infeasible, in Russian


@dataclass
class Unplaced:
    teacher_id: str
    reason: str


@dataclass
class Result:
    """A plan for a region, with the evidence of its quality."""

    status: Status
    objective: float
    bound: float
    runtime: float
    assignment: dict[str, str]  # teacher id → methodist id
    unplaced: list[Unplaced]
    components: list[ComponentResult]
    terms: dict[str, float]  # objective value per term, weights applied
    problems: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float:
        """Relative distance between the plan and the lower bound (0 = proven optimal)."""
        if self.status is Status.OPTIMAL:
            return 0.0
        if self.status is not Status.FEASIBLE:
            return float("nan")
        return max(0.0, self.objective - self.bound) / max(abs(self.objective), 1e-9)

    def summary(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "objective": round(self.objective, 4),
            "bound": round(self.bound, 4),
            "gap": self.gap,
            "runtime_s": round(self.runtime, 3),
            "terms": {k: round(v, 4) for k, v in self.terms.items()},
            "teachers_assigned": len(self.assignment),
            "teachers_unplaced": len(self.unplaced),
            "problems": self.problems,
        }
