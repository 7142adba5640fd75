"""Russian conventions for numbers and ordering in user-facing text.

Numbers: a space between thousands ("1 320"), a decimal comma ("2,5"); names in Russian
alphabetical order; dates as «15» сентября 2026 г.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

T = TypeVar("T")


def fmt_int(value: int | float) -> str:
    return f"{round(value):,}".replace(",", " ")


def fmt_number(value: float, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")
    if digits and text.endswith("," + "0" * digits):
        text = text[: -(digits + 1)]
    return text


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
