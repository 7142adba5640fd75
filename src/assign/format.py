"""Russian conventions for numbers and ordering in user-facing text.

Numbers: a space between thousands ("1 320"), a decimal comma ("2,5"); names in Russian
alphabetical order.
"""

from __future__ import annotations


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
