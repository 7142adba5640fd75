"""The event catalogue: what a methodist's year consists of, as editable data.

The default (`catalogue.yaml` beside this module) is built from the source documents, each
entry naming its source; a scenario may give its own file. Loading validates it, so a wrong
month or an unknown category is a message naming the entry, not a failure later on.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assign.categories import Category
from assign.yamlfile import load_yaml_model

DEFAULT_CATALOGUE = Path(__file__).with_name("catalogue.yaml")


class EventType(StrEnum):
    """The stable type codes of the year plan's output."""

    DIAGNOSTICS_ENTRY = "diagnostics_entry"
    DIAGNOSTICS_FINAL = "diagnostics_final"
    IOM_DEVELOPMENT = "iom_development"
    IOM_EVENT = "iom_event"
    FINAL_EVENT = "final_event"
    VISIT = "visit"
    CONSULTATION = "consultation"
    SEMINAR = "seminar"
    WEBINAR = "webinar"
    REPORT = "report"
    REGIONAL = "regional"


class Level(StrEnum):
    FEDERAL = "federal"
    REGIONAL = "regional"
    MUNICIPAL = "municipal"
    SCHOOL = "school"


LEVEL_RU = {
    Level.FEDERAL: "федеральный",
    Level.REGIONAL: "региональный",
    Level.MUNICIPAL: "муниципальный",
    Level.SCHOOL: "уровень образовательной организации",
}

FORMAT_RU = {"in_person": "очно", "remote": "дистанционно"}

# IOM cycle order (002, Инструкция): each type's events come after those of the types before.
IOM_CYCLE = (
    EventType.DIAGNOSTICS_ENTRY,
    EventType.IOM_DEVELOPMENT,
    EventType.IOM_EVENT,
    EventType.DIAGNOSTICS_FINAL,
    EventType.FINAL_EVENT,
)

Participant = Literal["all", "methodist"] | Category


class EventSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str = Field(min_length=1)
    type: EventType
    name: str = Field(min_length=1)
    direction: str
    task: str
    result: str
    result_form: str
    competences: str
    participants: tuple[Participant, ...] = Field(min_length=1)
    format: Literal["in_person", "remote"]
    level: Level
    organizer: str
    hours: float = Field(gt=0, le=12)
    frequency: Literal["once", "months", "monthly", "biweekly", "weekly", "yearly"]
    months: tuple[int, ...] = Field(min_length=1)
    notice_days: int = Field(0, ge=0)
    source: str

    @field_validator("months")
    @classmethod
    def _months(cls, months: tuple[int, ...]) -> tuple[int, ...]:
        bad = [m for m in months if not 1 <= m <= 12]
        if bad:
            raise ValueError(f"месяцы должны быть от 1 до 12, а не {bad}")
        return months

    def concerns(self, categories: frozenset[Category]) -> bool:
        """Whether a teacher with these categories takes part."""
        return "all" in self.participants or any(c in categories for c in self.participants)

    @property
    def for_methodist(self) -> bool:
        return "methodist" in self.participants


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True)

    school_year_months: tuple[int, ...]
    events: tuple[EventSpec, ...] = Field(min_length=1)

    @field_validator("events")
    @classmethod
    def _unique(cls, events: tuple[EventSpec, ...]) -> tuple[EventSpec, ...]:
        keys = [e.key for e in events]
        doubles = sorted({k for k in keys if keys.count(k) > 1})
        if doubles:
            raise ValueError(f"ключи мероприятий повторяются: {', '.join(doubles)}")
        return events


class CatalogueError(ValueError):
    """A catalogue file that cannot be used; the message is in Russian and names the entry."""

    code = "catalogue_invalid"


def load_catalogue(path: Path | None = None) -> Catalogue:
    return load_yaml_model(path or DEFAULT_CATALOGUE, Catalogue, CatalogueError)
