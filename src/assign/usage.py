"""The command line's usage errors in Russian: an unknown option, a value that is not a
number, a missing argument. Typer words them in English before any command of ours runs;
`cli.main` catches them and prints these lines instead, as every other message of `assign`
is Russian. Typer's exception classes are private, so they are told apart by name and by
the attributes they carry."""

from __future__ import annotations

import errno
import inspect
import math
import re
from typing import Any

import typer
from pydantic import ValidationError
from typer.core import TyperCommand, TyperGroup, TyperOption

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
    constants of `typer.rich_utils` when it prints a help screen. The usage line, the
    --help option's line and the value types are `RussianCommand`'s."""
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


USAGE_PREFIX = "Использование: "
OPTIONS_METAVAR = "[ПАРАМЕТРЫ]"
SUBCOMMAND_METAVAR = "КОМАНДА [АРГУМЕНТЫ]..."
HELP_OPTION_TEXT = "Показать эту справку и выйти."
TYPE_LABELS: dict[str, str | None] = {
    "<path>": "<путь>",
    "<str>": "<текст>",
    "<float>": "<число>",
    "<int>": "<целое>",
    "<bool>": None,  # a flag: its name says it all
}
"""Typer's value types in the help screens, in Russian; a type not listed (a list of
choices) is shown as Typer shows it."""


def _russify(command: TyperCommand | TyperGroup) -> None:
    """What Click and Typer write in English on a help screen, said in Russian: the usage
    line («Использование: assign solve [ПАРАМЕТРЫ] {ПУТЬ}»), the --help option's line and
    the value types. Typer's Click words these itself (its `gettext` strings), so the
    command classes below override the methods that write them and call these helpers.
    Typer carries its own copy of Click, whose classes are private: hence the `Any`s."""
    command.options_metavar = OPTIONS_METAVAR
    for param in command.params:
        _russian_type(param)
    if command.short_help is None and command.help:
        # a group's list of commands keeps the docstring's line breaks in Typer's rich mode:
        # the first paragraph as one line, wrapped by the screen instead
        first = inspect.cleandoc(command.help).split("\n\n")[0]
        command.short_help = " ".join(first.split())


def _write_usage(command: TyperCommand | TyperGroup, ctx: Any, formatter: Any) -> None:
    pieces = command.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)


def _russian_help_option(option: TyperOption | None) -> TyperOption | None:
    if option is not None:
        option.help = HELP_OPTION_TEXT
        _russian_type(option)
    return option


def _russian_type(param: Any) -> None:
    """The parameter's value type as `TYPE_LABELS` name it. Typer asks each parameter for
    it (`display_type_rich`), so the parameter gets its own method."""
    english = getattr(type(param), "display_type_rich", None)
    if english is None or "display_type_rich" in vars(param):
        return

    def display_type_rich(ctx: Any) -> str | None:
        label = english(param, ctx)
        return TYPE_LABELS.get(label, label) if label is not None else None

    param.display_type_rich = display_type_rich


class RussianCommand(TyperCommand):
    """A command whose help screen is Russian throughout (`_russify`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _russify(self)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _write_usage(self, ctx, formatter)

    def get_help_option(self, ctx: Any) -> TyperOption | None:
        return _russian_help_option(super().get_help_option(ctx))


class RussianGroup(TyperGroup):
    """A group of commands (`assign`, `assign scenario`) whose help screen is Russian."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _russify(self)
        self.subcommand_metavar = SUBCOMMAND_METAVAR

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _write_usage(self, ctx, formatter)

    def get_help_option(self, ctx: Any) -> TyperOption | None:
        return _russian_help_option(super().get_help_option(ctx))


class RussianTyper(typer.Typer):
    """A Typer app whose group and every command are `RussianGroup` and `RussianCommand`, so
    that a command added later cannot forget to be Russian."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cls=RussianGroup, **kwargs)

    def command(self, name: str | None = None, **kwargs: Any) -> Any:
        return super().command(name, **{"cls": RussianCommand, **kwargs})


_OS_REASONS = {
    errno.EACCES: "нет прав на запись или чтение",
    errno.EPERM: "нет прав на запись или чтение",
    errno.ENOTDIR: "часть пути — файл, а не папка",
    errno.EISDIR: "это папка, а нужен файл",
    errno.ENOSPC: "на диске нет места",
    errno.EROFS: "диск только для чтения",
    errno.ENOENT: "нет такой папки или файла",
    errno.ENAMETOOLONG: "слишком длинное имя",
}


def os_error_ru(exc: OSError) -> str:
    """A file the system refused to write or read, named, with the reason in Russian."""
    reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    where = f"«{exc.filename}»: " if exc.filename else ""
    return f"Не удалось записать или прочитать {where}{reason}"
