"""Pydantic's validation errors in Russian: the field as a dotted path, a stable code (the
error type) and a message a planner reads — for scenario specs, settings files and API bodies
alike, so no English "Input should be…" ever reaches a user."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

TEMPLATES: dict[str, str] = {
    "extra_forbidden": "неизвестное поле",
    "missing": "обязательное поле не задано",
    "int_type": "нужно целое число",
    "int_parsing": "нужно целое число",
    "int_from_float": "нужно целое число, а не дробное",
    "float_type": "нужно число",
    "float_parsing": "нужно число",
    "finite_number": "нужно конечное число (не NaN и не бесконечность)",
    "bool_type": "нужно да или нет (true/false)",
    "bool_parsing": "нужно да или нет (true/false)",
    "string_type": "нужна строка",
    "string_too_short": "слишком короткая строка: не меньше {min_length} символов",
    "string_too_long": "слишком длинная строка: не больше {max_length} символов",
    "string_pattern_mismatch": "недопустимые символы",
    "list_type": "нужен список",
    "tuple_type": "нужен список",
    "set_type": "нужен список",
    "dict_type": "нужен словарь (ключ: значение)",
    "model_type": "нужен словарь (ключ: значение)",
    "model_attributes_type": "нужен словарь (ключ: значение)",
    "too_short": "слишком мало элементов: не меньше {min_length}",
    "too_long": "слишком много элементов: не больше {max_length}",
    "greater_than": "должно быть больше {gt}",
    "greater_than_equal": "должно быть не меньше {ge}",
    "less_than": "должно быть меньше {lt}",
    "less_than_equal": "должно быть не больше {le}",
    "date_type": "нужна дата ГГГГ-ММ-ДД",
    "date_parsing": "нужна дата ГГГГ-ММ-ДД",
    "date_from_datetime_parsing": "нужна дата ГГГГ-ММ-ДД",
    "date_from_datetime_inexact": "нужна дата без времени",
    "json_invalid": "тело запроса — не JSON",
    "json_type": "нужен JSON",
    "frozen_instance": "поле нельзя изменить",
    "union_tag_invalid": "недопустимый вид значения",
    "bytes_type": "нужны байты",
}


def _field(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "[key]")]
    return ".".join(parts) or "тело запроса"


def number_ru(value: Any) -> Any:
    """A bound in a message written as a Russian reader writes it: 0 not «0.0», 0,5 not
    «0.5»; anything else as it is."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:.12g}".replace(".", ",")
    return value


def message_ru(error: Mapping[str, Any]) -> str:
    """One pydantic error's message in Russian."""
    kind = str(error.get("type", ""))
    ctx = {key: number_ru(value) for key, value in (error.get("ctx") or {}).items()}
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return f"недопустимое значение; допустимы: {expected}"
    if kind in ("value_error", "assertion_error"):
        reason = ctx.get("error")
        text = str(reason) if reason is not None else str(error.get("msg", ""))
        return text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    template = TEMPLATES.get(kind)
    if template is None:
        return "недопустимое значение"
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split(":")[0]


def translate_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Each error as {"field", "code", "message"} with the message in Russian."""
    return [
        {
            "field": _field(e.get("loc", ())),
            "code": str(e.get("type", "invalid")),
            "message": message_ru(e),
        }
        for e in errors
    ]


def summary(errors: Iterable[Mapping[str, Any]]) -> str:
    """One line: «field: message; field: message»."""
    return "; ".join(f"{e['field']}: {e['message']}" for e in translate_errors(errors))
