"""Russian conventions for numbers and ordering in user-facing text.

Numbers: a space between thousands ("1 320"), a decimal comma ("2,5"); names in Russian
alphabetical order; dates as «15» сентября 2026 г.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from typing import TypeVar

import pymorphy3

T = TypeVar("T")


def fmt_int(value: int | float) -> str:
    return f"{round(value):,}".replace(",", " ")


def fmt_number(value: float, digits: int = 1) -> str:
    """A decimal number; an unknown one (NaN, infinity) as a dash, never «nan»."""
    if not math.isfinite(value):
        return "—"
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")
    if digits and text.endswith("," + "0" * digits):
        text = text[: -(digits + 1)]
    return text


@cache
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@cache
def agree(noun: str, count: int) -> str:
    """`noun` in the form a numeral asks for: 1 педагог, 2 педагога, 5 педагогов (pymorphy3's
    dictionary, so every count and noun agree the same way); an adjective before the noun
    agrees too: 2 региональных методиста."""
    agreed = []
    for word in noun.split():
        form = _morph().parse(word)[0].make_agree_with_number(abs(count))
        agreed.append(form.word if form is not None else word)
    return " ".join(agreed)


def count_ru(count: int, noun: str) -> str:
    """«1 педагог», «1 320 педагогов»: the count with thousands spaced and the noun agreeing."""
    return f"{fmt_int(count)} {agree(noun, count)}"


def ru_sort_key(text: str) -> tuple[int, ...]:
    """Russian alphabetical order, case-insensitive, with «ё» right after «е»."""
    key = []
    for char in text.lower():
        if char == "ё":
            key.append(2 * ord("е") + 1)
        else:
            key.append(2 * ord(char))
    return tuple(key)


MONTHS_NOMINATIVE = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def date_ru(day: date | None) -> str:
    """A date as Russian documents write it: «15» сентября 2026 г.; blank fields for none."""
    if day is None:
        return "«___» ____________ 20__ г."
    return f"«{day.day:02d}» {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def month_ru(day: date) -> str:
    """A month of a plan's terms: «октябрь 2026 г.»."""
    return f"{MONTHS_NOMINATIVE[day.month - 1]} {day.year} г."


def sorted_ru(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """Items in Russian alphabetical order of `key` (ё after е)."""
    return sorted(items, key=lambda item: ru_sort_key(key(item)))
