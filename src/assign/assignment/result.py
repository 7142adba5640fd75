"""What a solve returns: status, objective, bound, gap, runtime, the plan and its explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """What a solver said, named for what it means; a failure is never passed off as
    «infeasible» or «time limit»."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"  # proven: no plan meets the rules
    TIME_LIMIT = "time_limit"  # a time or work limit reached before any plan was found
    UNKNOWN = "unknown"  # stopped without a plan and without reaching a limit
    MODEL_INVALID = "model_invalid"  # the solver rejected the model: a defect, not the data

    @property
    def has_plan(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


STATUS_RU = {
    Status.OPTIMAL: "оптимум доказан",
    Status.FEASIBLE: "допустимый план (оптимальность не доказана)",
    Status.INFEASIBLE: "план невозможен",
    Status.TIME_LIMIT: "время вышло, план не найден",
    Status.UNKNOWN: "решатель остановился, не найдя плана (причина не установлена)",
    Status.MODEL_INVALID: "решатель отклонил модель: ошибка программы, сообщите разработчикам",
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
