"""Teacher categories by the methodist's directions of work (seed 000) and their load weights.

Categories cost different effort: a teacher on an IOM needs more of a methodist's time than one
with no identified deficits. A teacher's load weight is the largest weight among the teacher's
categories, unless the input gives `load_weight` explicitly; a scenario may change the weights.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum

from assign.subjects import fix_lookalikes, normalize


class Category(StrEnum):
    GENERAL = "general"
    IOM = "iom"
    YOUNG = "young"
    LOW_RESULTS = "low_results"
    CONTEST = "contest"
    EXPERT = "expert"


CATEGORY_NAMES_RU: dict[Category, str] = {
    Category.GENERAL: "общая поддержка",
    Category.IOM: "педагог на ИОМ (выявлены дефициты)",
    Category.YOUNG: "молодой педагог",
    Category.LOW_RESULTS: "школа с низкими образовательными результатами",
    Category.CONTEST: "участник профессиональных конкурсов",
    Category.EXPERT: "эксперт",
}

CATEGORY_SHORT_RU: dict[Category, str] = {
    Category.GENERAL: "общая",
    Category.IOM: "ИОМ",
    Category.YOUNG: "молодой педагог",
    Category.LOW_RESULTS: "ШНОР",
    Category.CONTEST: "конкурсант",
    Category.EXPERT: "эксперт",
}
"""The names a planner types and picks from the template's list."""

DEFAULT_WEIGHTS: Mapping[Category, float] = {
    Category.GENERAL: 1.0,
    Category.IOM: 1.5,
    Category.YOUNG: 1.25,
    Category.LOW_RESULTS: 1.25,
    Category.CONTEST: 1.1,
    Category.EXPERT: 1.0,
}

_ALIASES: dict[str, Category] = {}
for _category, _name in CATEGORY_NAMES_RU.items():
    _ALIASES[normalize(_category.value)] = _category
    _ALIASES[normalize(_name)] = _category
_ALIASES.update(
    {
        "общая": Category.GENERAL,
        "общий": Category.GENERAL,
        "иом": Category.IOM,
        "дефициты": Category.IOM,
        "молодой": Category.YOUNG,
        "молодой специалист": Category.YOUNG,
        "низкие результаты": Category.LOW_RESULTS,
        "шнор": Category.LOW_RESULTS,
        "конкурс": Category.CONTEST,
        "конкурсант": Category.CONTEST,
        "эксперт": Category.EXPERT,
        "педагог на иом": Category.IOM,
        "молодой учитель": Category.YOUNG,
        "молодые педагоги": Category.YOUNG,
        "участник конкурсов": Category.CONTEST,
        "шнор/нор": Category.LOW_RESULTS,
        "нор": Category.LOW_RESULTS,
    }
)


_QUALIFICATION = re.compile(
    r"^(высшая|первая|вкк|1 ?кк|без категории|нет категории|соответствие занимаемой должности|сзд)"
)


def is_qualification(text: str) -> bool:
    """«высшая», «первая», «СЗД»: a qualification category, which registries put in a column
    named «Категория» too — not a category of support."""
    return bool(_QUALIFICATION.match(normalize(text)))


def resolve_category(text: str) -> Category | None:
    return _ALIASES.get(normalize(fix_lookalikes(text))) or _ALIASES.get(
        normalize(fix_lookalikes(text)).rstrip(".")
    )


def load_weight(
    categories: Iterable[Category], weights: Mapping[Category, float] = DEFAULT_WEIGHTS
) -> float:
    """Weight of one teacher in a methodist's load: the heaviest of the teacher's categories."""
    return max((weights[c] for c in categories), default=weights[Category.GENERAL])
