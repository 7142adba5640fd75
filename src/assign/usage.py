"""The command line's usage errors in Russian: an unknown option, a value that is not a
number, a missing argument. Typer words them in English before any command of ours runs;
`cli.main` catches them and prints these lines instead, as every other message of `assign`
is Russian. Typer's exception classes are private, so they are told apart by name and by
the attributes they carry."""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import ValidationError

from assign.validation import message_ru

_EXTRA = re.compile(r"Got unexpected extra argument\(s\) \((?P<args>.*)\)")
_RUSSIAN = re.compile("[а-яё]", re.IGNORECASE)  # our own checks' messages, told as they are
_COMMAND = re.compile(r"No such command (?P<name>.+)\.")


def _kind(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _hint(exc: Any) -> str:
    """The option or argument as the help screen names it (--time-limit, path)."""
    param = getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None)
    if hint is None and param is not None:
        hint = param.opts[0] if getattr(param, "param_type_name", "") == "option" else None
        hint = hint or str(getattr(param, "metavar", None) or param.name)
    if isinstance(hint, list | tuple):
        hint = " / ".join(str(h) for h in hint)
    return str(hint or "").strip("'\"")


def _number(value: Any) -> float | None:
    """The number a planner meant, «1,5» (a Russian decimal comma) and «nan» included."""
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None


def usage_error_ru(exc: BaseException) -> str:
    """One Russian line for a usage error of the command line."""
    kind = _kind(exc)
    message = str(getattr(exc, "message", exc))
    if "MissingParameter" in kind:
        param = getattr(exc, "param", None)
        argument = "argument" in (getattr(exc, "param_type", ""), param and param.param_type_name)
        what = "аргумент" if argument else "параметр"
        about = getattr(param, "help", None)  # the help screen's words for it
        return f"Не задан обязательный {what} {_hint(exc)}" + (f": {about}" if about else "")
    if "BadParameter" in kind:
        cause = exc.__cause__
        reason = message if _RUSSIAN.search(message) else "недопустимое значение"
        if isinstance(cause, ValidationError) and cause.errors():
            error = cause.errors()[0]
            value = error.get("input")
            reason = message_ru(error)
            number = _number(value)
            if number is not None and not math.isfinite(number):  # nan fails a range
                reason = message_ru({"type": "finite_number"})
            elif number is not None and "," in str(value) and error["type"] == "float_parsing":
                reason += f"; дробная часть пишется через точку: {str(value).replace(',', '.')}"
        return f"Неверный параметр {_hint(exc)}: {reason}"
    if "NoSuchOption" in kind:
        line = f"Нет такого параметра: {getattr(exc, 'option_name', '')}"
        possible = sorted(getattr(exc, "possibilities", None) or ())
        return line + (f" (может быть, {', '.join(possible)}?)" if possible else "")
    if "BadOptionUsage" in kind:
        option = getattr(exc, "option_name", "")
        if "does not take a value" in message:
            return f"Параметр {option} не принимает значения"
        return f"Параметру {option} нужно значение"
    extra = _EXTRA.search(message)
    if extra:
        return f"Лишние аргументы: {extra['args']}"
    command = _COMMAND.search(message)
    if command:
        return f"Нет такой команды: {command['name'].strip(chr(39))}"
    return f"Неверный вызов команды: {message}"


def help_hint(exc: BaseException) -> str | None:
    """«Справка: assign solve --help» for the command the error was in."""
    ctx = getattr(exc, "ctx", None)
    return f"Справка: {ctx.command_path} --help" if ctx is not None else None


def russian_help_panels() -> None:
    """The help screens' panel titles and notes in Russian: Typer reads them from module
    constants of `typer.rich_utils` when it prints a help screen. Its usage line and the
    --help option's own line stay Typer's."""
    from typer import rich_utils

    for name, text in {
        "ARGUMENTS_PANEL_TITLE": "Аргументы",
        "OPTIONS_PANEL_TITLE": "Параметры",
        "COMMANDS_PANEL_TITLE": "Команды",
        "ERRORS_PANEL_TITLE": "Ошибка",
        "ABORTED_TEXT": "Прервано.",
        "DEFAULT_STRING": "[по умолчанию: {}]",
        "REQUIRED_LONG_STRING": "[обязательно]",
        "DEPRECATED_STRING": "(устарело) ",
        "ENVVAR_STRING": "[переменная окружения: {}]",
    }.items():
        if hasattr(rich_utils, name):  # a later Typer may rename them: English then
            setattr(rich_utils, name, text)
