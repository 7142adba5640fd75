"""The `assign` command: a thin shell over the library, in Russian for the ЦНППМ staff."""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from xlsxwriter.exceptions import FileCreateError

from assign import clock
from assign.assignment import (
    AssignmentProblem,
    AssignmentSettings,
    PinError,
    Result,
    build_problem,
    solve,
)
from assign.assignment.changes import ChangeReason
from assign.assignment.explain import explain_teacher
from assign.assignment.kpi import below_minimum
from assign.assignment.output import person_csv
from assign.assignment.problem import LOAD_SCALE
from assign.assignment.result import STATUS_RU, Status
from assign.assignment.settings import TERM_NAMES_RU, Term
from assign.assignment.solve import INTEGER_SOLVERS, ComponentProgress
from assign.documents import WrittenDocuments
from assign.documents.settings import (
    DocumentSettingsError,
    load_document_settings,
    settings_for_region,
)
from assign.domain import Region
from assign.errors import Code, Report, validation_message_ru
from assign.events.calendar import CalendarError
from assign.events.catalogue import CatalogueError
from assign.format import MONTHS_NOMINATIVE, agree_with_person, count_ru, fmt_int, fmt_number
from assign.io import LoadResult, load_region
from assign.io.loader import name_key
from assign.pipeline import (
    ASSIGNMENT_DIR,
    DOCUMENTS_DIR,
    POOL_DIR,
    SCHEDULE_DIR,
    STAGES,
    PlanClock,
    StageError,
    assignment_stage,
    documents_stage,
    run_plan,
    schedule_stage,
)
from assign.pipeline.settings import RegionSettings, RegionSettingsError, load_region_settings
from assign.pipeline.whatif import run_scenario_plan
from assign.pool import PoolResult, PoolSettings, size_pool
from assign.pool.memory import MemoryLimitError
from assign.pool.output import write_pool
from assign.scenario import ScenarioError, load_scenario
from assign.schedule import ScheduleResult
from assign.schedule.saved import SavedScheduleError
from assign.subjects import resolve_subject, subject_name
from assign.summary import (
    NORMS,
    decimal_ru,
    municipality_table,
    subject_by_municipality,
    subject_capacity,
)
from assign.usage import (
    RussianTyper,
    help_hint,
    os_error_ru,
    russian_help_panels,
    usage_error_ru,
)

T = TypeVar("T")
russian_help_panels()

app = RussianTyper(
    help="Планирование регионального методического актива ЦНППМ.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


@app.callback()
def _command_clock() -> None:
    """A command's --time-limit counts from its start (`assign.clock`)."""
    clock.start_command()


PathArg = Annotated[
    Path, typer.Argument(metavar="ПУТЬ", help="Папка с CSV-файлами региона или книга XLSX")
]
SolutionOpt = Annotated[
    Path | None,
    typer.Option("--solution", help="assignments.csv готового плана (иначе план строится)"),
]


def _load(path: Path, name: str | None = None) -> LoadResult:
    with console.status(f"Читаю и проверяю данные: {path}"):
        return load_region(path, name)


def render_report(report: Report, limit: int = 50) -> None:
    """Errors and warnings as tables; the first `limit` of each."""
    for title, issues, total, style in (
        ("Ошибки", report.errors, report.error_count, "red"),
        ("Предупреждения", report.warnings, report.warning_count, "yellow"),
    ):
        if not issues:
            continue
        table = Table(
            title=f"{title}: {fmt_int(total)}", title_style=f"bold {style}", show_lines=False
        )
        for column in ("Файл", "Строка", "Поле", "Значение", "Сообщение", "Код"):
            table.add_column(column, overflow="fold")
        for issue in issues[:limit]:
            table.add_row(
                issue.file or "",
                "" if issue.row is None else str(issue.row),
                issue.column or "",
                issue.value or "",
                issue.message,
                issue.code.value,
            )
        console.print(table)
        if total > min(len(issues), limit):
            console.print(
                f"… и ещё {fmt_int(total - min(len(issues), limit))}: повторы одной причины "
                "показаны примерами (список: --json или --out)"
            )


# --- the plan options every planning command shares ---------------------------------------
@dataclass(frozen=True)
class PlanFlags:
    """The plan options as given on the command line; None is "not given": the region's
    region.yaml (or the default) holds."""

    config: Path | None = None
    preset: str | None = None
    min_load: float | None = None
    max_load: float | None = None
    load_unit: str | None = None
    objective: str | None = None
    reach: str | None = None
    reach_months: str | None = None
    max_hours: float | None = None
    rank: str | None = None
    weights: str | None = None
    partial: bool | None = None
    time_limit: float | None = None
    hours_per_week: float | None = None
    year_time_limit: float | None = None
    catalogue: Path | None = None
    calendar: Path | None = None
    availability: Path | None = None


_PLAN_OPTIONS: dict[str, tuple[Any, Any]] = {
    "config": (Path | None, typer.Option("--config", help="Настройки региона (region.yaml)")),
    "preset": (
        str | None,
        typer.Option("--preset", help="Норма: default (100–250), federal (200–250), yakutia"),
    ),
    "min_load": (float | None, typer.Option("--min-load", help="Мин. нагрузка методиста")),
    "max_load": (float | None, typer.Option("--max-load", help="Макс. нагрузка методиста")),
    "load_unit": (
        str | None,
        typer.Option("--load-unit", help="heads (педагоги) или weighted (веса категорий)"),
    ),
    "objective": (str | None, typer.Option("--objective", help="time (часы) или distance (км)")),
    "reach": (str | None, typer.Option("--reach", help="Досягаемость: all_year, months, remote")),
    "reach_months": (
        str | None,
        typer.Option("--reach-months", help="Месяцы для --reach months, например 12,1,2,3"),
    ),
    "max_hours": (
        float | None,
        typer.Option("--max-hours", help="Поездка дольше — вне досягаемости, ч"),
    ),
    "rank": (
        str | None,
        typer.Option(
            "--rank",
            help="Порядок целей (по умолчанию changes,travel,balance: сначала стабильность)",
        ),
    ),
    "weights": (
        str | None,
        typer.Option("--weights", help="Веса целей вместо порядка: travel=1,changes=2,split=1"),
    ),
    "partial": (
        bool | None,
        typer.Option(
            "--partial/--strict",
            help="Частичный план при невозможном предмете (по умолчанию) или отказ",
        ),
    ),
    "time_limit": (
        float | None,
        typer.Option("--time-limit", help="Предел времени всей команды, с"),
    ),
    "hours_per_week": (
        float | None,
        typer.Option("--hours-per-week", help="Часы методиста в неделю на методическую работу"),
    ),
    "year_time_limit": (
        float | None,
        typer.Option("--year-time-limit", help="Предел времени плана года, с"),
    ),
    "catalogue": (Path | None, typer.Option("--catalogue", help="Каталог мероприятий (YAML)")),
    "calendar": (Path | None, typer.Option("--calendar", help="Календарь учебного года (YAML)")),
    "availability": (
        Path | None,
        typer.Option(
            "--availability",
            help="CSV: methodist_id, hours_per_week, days_off (даты через «;», период «a..b»)",
        ),
    ),
}


def plan_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the shared plan options; it receives them as `flags: PlanFlags`. Typer
    has no option groups, so the options join the command's signature here, once."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "flags"]
    shared = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[kind, option]
        )
        for name, (kind, option) in _PLAN_OPTIONS.items()
    ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        flags = PlanFlags(**{name: kwargs.pop(name) for name in _PLAN_OPTIONS})
        command(*args, flags=flags, **kwargs)

    del wrapper.__wrapped__  # typer must see the new signature, not the command's own
    wrapper.__signature__ = signature.replace(parameters=[*own, *shared])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in [*own, *shared]}
    return wrapper


# settings a flag sets under another name (`--time-limit` sets both limits of the assignment)
FLAG_OF_SETTING = {
    "assignment.deterministic_time_limit": "time_limit",
    "assignment.allow_partial": "partial",
    "assignment.ranking": "rank",
    "year_plan.time_limit": "year_time_limit",
}
POOL_FLAGS = {"memory_limit_gb": "--memory-limit"}  # pool settings named otherwise
LOAD_FLAGS = "--min-load, --max-load или --preset"
"""The assignment section's own check (the minimum load above the maximum) reads all three."""


def _flag_of(where: str) -> str:
    """The option a settings field was given by ('assignment.max_load' → --max-load,
    'assignment.ranking.1' → --rank, 'assignment.weights.travel' → --weights), or the field
    itself when no option sets it."""
    parts = where.split(".")
    for end in range(len(parts), 1, -1):
        field = ".".join(parts[:end])
        name = FLAG_OF_SETTING.get(field, field.partition(".")[2])
        if name in _PLAN_OPTIONS:
            return f"--{name.replace('_', '-')}"
    return LOAD_FLAGS if where == "assignment" else where


def _settings_errors(exc: Exception) -> NoReturn:
    errors = exc.errors() if isinstance(exc, ValidationError) else [{"msg": str(exc), "loc": ()}]
    said: set[str] = set()
    for error in errors:
        where = _flag_of(".".join(str(p) for p in error["loc"]))
        message = validation_message_ru(error) if error.get("type") else str(error["msg"])
        if error.get("type") == "extra_forbidden":  # --weights foo=1
            message = f"неизвестное имя «{error['loc'][-1]}»"
        line = (
            f"Неверные параметры {where}: {message}"
            if where == LOAD_FLAGS
            else f"Неверный параметр {where}: {message}"
        )
        if line not in said:  # one flag setting two fields is told once
            said.add(line)
            err_console.print(f"[red]{escape(line)}[/red]")
    raise typer.Exit(2) from None


def _option_error(flag: str, message: str) -> NoReturn:
    err_console.print(f"[red]{escape(f'Неверный параметр {flag}: {message}')}[/red]")
    raise typer.Exit(2)


def _months_of(text: str) -> tuple[int, ...]:
    """--reach-months 1,2,3 as month numbers."""
    try:
        return tuple(int(m) for m in text.split(",") if m.strip())
    except ValueError:
        _option_error(
            "--reach-months", f"нужны номера месяцев через запятую (1,2,3), а не «{text}»"
        )


def _weights_of(text: str) -> dict[str, float]:
    """--weights travel=1,changes=10 as {term: weight}."""
    weights: dict[str, float] = {}
    for item in (i.strip() for i in text.split(",")):
        key, sep, value = item.partition("=")
        try:
            weights[key.strip()] = float(value)
        except ValueError:
            sep = ""
        if item and not sep:
            _option_error(
                "--weights",
                f"нужны пары цель=вес через запятую (travel=1,changes=10), а не «{item}»; "
                "дробный вес пишется через точку",
            )
    return weights


def region_settings(path: Path, flags: PlanFlags) -> RegionSettings:
    """The region's region.yaml with the flags given on top; a wrong value is a Russian
    message and exit code 2."""
    try:
        base = load_region_settings(path, flags.config)
    except RegionSettingsError as exc:
        _exit_with(exc)
    assignment: dict[str, Any] = {
        "preset": flags.preset,
        "min_load": flags.min_load,
        "max_load": flags.max_load,
        "load_unit": flags.load_unit,
        "objective": flags.objective,
        "reach": flags.reach,
        "max_hours": flags.max_hours,
        "allow_partial": flags.partial,
        "time_limit": flags.time_limit,
        "deterministic_time_limit": flags.time_limit,
    }
    if flags.reach_months:
        assignment["reach_months"] = _months_of(flags.reach_months)
    if flags.rank:
        assignment["ranking"] = tuple(t.strip() for t in flags.rank.split(",") if t.strip())
    if flags.weights:
        assignment["weights"] = _weights_of(flags.weights)
    try:
        settings = base.override(
            assignment=assignment,
            year_plan={"hours_per_week": flags.hours_per_week, "time_limit": flags.year_time_limit},
        )
    except (ValueError, ValidationError) as exc:
        _settings_errors(exc)
    paths = {"catalogue": flags.catalogue, "availability": flags.availability}
    update: dict[str, Any] = {k: v for k, v in paths.items() if v is not None}
    if flags.calendar is not None:
        update["calendar"] = settings.calendar.model_copy(update={"file": flags.calendar})
    return settings.model_copy(update=update) if update else settings


FAILED = (Status.INFEASIBLE, Status.MODEL_INVALID)
"""Statuses a planning command exits with 1 for: no plan can be, or the solver refused."""


def _exit_with(exc: Exception, status: int = 2) -> NoReturn:
    """A bad settings, catalogue, calendar or scenario file: its Russian message and code."""
    code_text = getattr(exc, "code", "error")
    err_console.print(f"[red]{escape(f'{exc} [{code_text}]')}[/red]")
    raise typer.Exit(status) from None


def _region_or_exit(path: Path, settings: RegionSettings | None = None) -> Region:
    result = _load(path, settings.name if settings else None)
    if result.region is None:
        render_report(result.report)
        err_console.print("[red]Данные содержат ошибки: план не построен.[/red]")
        raise typer.Exit(1)
    warnings = result.report.warnings
    if warnings:
        console.print(
            f"[yellow]Предупреждений: {fmt_int(len(warnings))}[/yellow] "
            f"(подробно: assign validate {path})"
        )
        for issue in warnings:
            if issue.code is Code.ASSIGNMENT_METHODIST_GONE:
                console.print(f"[yellow]•[/yellow] {escape(issue.message)}")
    return result.region


def _stage_or_exit(run: Callable[[], T]) -> T:
    """A stage's own failure (a saved file or setting that does not fit) as its message."""
    try:
        return run()
    except StageError as exc:
        render_report(exc.report)
        _exit_with(exc, 1)
    except (
        CatalogueError,
        CalendarError,
        SavedScheduleError,
        PinError,
        MemoryLimitError,
        DocumentSettingsError,
    ) as exc:
        _exit_with(exc)


def progress_bar(transient: bool = False) -> Progress:
    """A bar with a description, done/total and the time so far."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
    )


@contextmanager
def component_progress() -> Iterator[ComponentProgress]:
    """A progress bar over the subject groups of a solve."""
    with progress_bar(transient=True) as bar:
        task = bar.add_task("Подготовка задачи", total=None)

        def on_component(done: int, total: int, name: str) -> None:
            bar.update(
                task,
                total=total,
                completed=done,
                description=f"Решение: {name}" if name else "Готово",
            )

        yield on_component


def run_solve(region: Region, settings: AssignmentSettings) -> tuple[AssignmentProblem, Result]:
    """Build and solve with a progress bar over the subject groups."""
    with component_progress() as on_component:
        try:
            problem = build_problem(region, settings)
        except PinError as exc:
            _exit_with(exc)
        return problem, solve(problem, on_component=on_component)


@app.command()
def validate(
    path: PathArg,
    as_json: Annotated[bool, typer.Option("--json", help="Отчёт в формате JSON")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Записать находки в книгу XLSX (лист, строка, столбец, как исправить)"
        ),
    ] = None,
) -> None:
    """Проверить данные региона: код выхода 0 — ошибок нет, 1 — есть ошибки."""
    result = _load(path) if not as_json else load_region(path)
    report = result.report
    details = _details_problem(path)
    if out is not None:
        from assign.io.template import write_findings

        write_findings(report, out)
    if as_json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "errors": report.error_count,
                    "warnings": report.warning_count,
                    "counts": {code.value: n for code, n in sorted(report.counts.items())},
                    "issues": [i.as_dict() for i in report.issues],
                    "document_settings": details,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        render_report(report)
        if report.ok:
            console.print(
                f"[green]Ошибок нет.[/green] Предупреждений: {fmt_int(report.warning_count)}."
            )
        else:
            console.print(
                f"[red]Найдено ошибок: {fmt_int(report.error_count)}.[/red] "
                "Исправьте их и запустите проверку снова."
            )
        if out is not None:
            console.print(f"Находки записаны: {out}")
        if details is not None:
            console.print(f"[red]Реквизиты документов: {escape(details)}[/red]")
    raise typer.Exit(0 if report.ok and details is None else 1)


def _details_problem(path: Path) -> str | None:
    """What is wrong with the documents' details (documents.yaml or a workbook's
    «Реквизиты» sheet), with its code; None when they can be used."""
    try:
        settings_for_region(path)
    except DocumentSettingsError as exc:
        return f"{exc} [{exc.code}]"
    return None


@app.command()
def template(
    file: Annotated[
        Path | None,
        typer.Argument(metavar="ФАЙЛ", help="Куда записать книгу XLSX (или --out)"),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Куда записать книгу XLSX")] = Path(
        "region.xlsx"
    ),
) -> None:
    """Пустая книга региона: листы, русские заголовки, списки предметов и категорий, инструкция."""
    from assign.io.template import write_template

    out = file or out  # «assign template книга.xlsx», as a planner types it
    write_template(out)
    console.print(f"Шаблон записан: {out}. Заполните листы и проверьте: assign validate {out}")


@app.command()
@plan_options
def info(
    path: PathArg,
    out: Annotated[
        Path | None, typer.Option(help="Записать таблицу «муниципалитет × предмет» в CSV")
    ] = None,
    *,
    flags: PlanFlags,
) -> None:
    """Сводка по региону: педагоги по предметам и муниципалитетам, методисты и потребность в
    них по норме региона (region.yaml или --preset)."""
    settings = region_settings(path, flags)
    result = _load(path, settings.name)
    if result.region is None:
        render_report(result.report)
        err_console.print("[red]Данные содержат ошибки: сводка не построена.[/red]")
        raise typer.Exit(1)
    print_info(result, settings.assignment)
    if out is not None:
        table = subject_by_municipality(result.region)
        person_csv(  # a municipality's name stays text in Excel, never a formula
            out,
            ["Муниципальное образование", *map(str, table.columns)],
            (
                [name, *map(int, counts)]
                for name, counts in zip(table.index, table.values, strict=True)
            ),
        )
        console.print(f"Таблица «муниципалитет × предмет» записана в {out}")


def print_info(result: LoadResult, settings: AssignmentSettings | None = None) -> None:
    """The region's summary; the need is counted in the unit and norm of `settings`, the same
    that `assign solve` and `assign pool` use, so its deficit is the recruitment plan's."""
    settings = settings or AssignmentSettings()
    region = result.region
    assert region is not None
    counts = {
        "муниципалитетов": len(region.municipalities),
        "школ": len(region.schools),
        "педагогов": len(region.teachers),
        "методистов": len(region.methodists),
        "кандидатов": len(region.candidates),
        "транспортных связей": len(region.transport),
        "предупреждений": len(result.report.warnings),
    }
    console.print(
        f"[bold]Регион «{region.name}»[/bold]: "
        + ", ".join(f"{what} {fmt_int(n)}" for what, n in counts.items())
    )
    capacity = subject_capacity(region, settings)
    weighted = settings.load_unit == "weighted"
    norm = f"{decimal_ru(settings.load_min)}–{decimal_ru(settings.load_max)}"
    unit = "во взвешенных единицах нагрузки" if weighted else "в педагогах"
    table = Table(
        title=f"Предметы: педагоги, методисты и потребность по норме {norm}",
        caption=f"Нужно — от наименьшего до наибольшего числа методистов по норме {norm} "
        f"(нагрузка {unit}), как в закреплении и подборе пула; для сравнения — нормы "
        + "; ".join(n.title for n in NORMS),
    )
    columns = ["Предмет", "Педагогов", *(["Нагрузка"] if weighted else [])]
    columns += ["Методистов", "Кандидатов", f"Нужно {norm}", "Не хватает"]
    columns += [f"для сравнения {fmt_int(n.min_load)}–{fmt_int(n.max_load)}" for n in NORMS]
    for column in columns:
        table.add_column(column, justify="right" if column != "Предмет" else "left")
    notes = []
    for row in capacity.to_dict("records"):
        cells = [row["subject_name"], fmt_int(row["teachers"])]
        if weighted:
            cells.append(decimal_ru(row["load"]))
        cells += [
            fmt_int(row["methodists"]) + (f" ({row['shared']} общ.)" if row["shared"] else ""),
            fmt_int(row["candidates"]),
            row["need_text"] + ("" if row["fits"] else " [yellow]![/yellow]"),
            f"[red]{row['deficit']}[/red]" if row["deficit"] else "[green]—[/green]",
            *(str(row[f"need_{n.key}"]) for n in NORMS),
        ]
        table.add_row(*cells)
        if row["note"]:
            notes.append(f"[yellow]![/yellow] {row['subject_name']}: {escape(row['note'])}")
    console.print(table)
    for note in notes:
        console.print(note)
    munis = municipality_table(region)
    table = Table(title="Муниципалитеты")
    for column in ("Муниципалитет", "Школ", "Педагогов", "Методистов (база)"):
        table.add_column(column, justify="right" if column != "Муниципалитет" else "left")
    for row in munis.to_dict("records"):
        table.add_row(
            row["name"],
            fmt_int(row["schools"]),
            fmt_int(row["teachers"]),
            fmt_int(row["methodists"]),
        )
    console.print(table)


REACH_RU = {
    "all_year": "очно весь год",
    "months": "очно в заданные месяцы",
    "remote": "допускается только дистанционная поддержка",
}

CHANGE_REASONS_RU = {
    ChangeReason.LEFT.value: "методист выбыл",
    ChangeReason.SUBJECT.value: "методист не ведёт предмет",
    ChangeReason.OUT_OF_REACH.value: "школа вне досягаемости методиста",
    ChangeReason.BANNED.value: "закрепление запрещено",
    ChangeReason.PINNED.value: "закреплены вручную",
    ChangeReason.RELEASED.value: "методист не вошёл в пул (выведен из актива)",
    ChangeReason.OVERLOADED.value: "методист был перегружен",
    ChangeReason.MINIMUM_LOAD.value: "у нового методиста было меньше минимальной нагрузки",
    ChangeReason.TRAVEL.value: "дорога короче",
    ChangeReason.BALANCE.value: "выравнивание нагрузки",
}

OBJECTIVE_NAMES_RU: dict[str, str] = {
    **{term.value: name for term, name in TERM_NAMES_RU.items()},
    # teachers left out for want of room; those no methodist of their subject can take are
    # not in the model (they are counted in «Не закреплено» either way)
    "unplaced": "штраф за педагогов, которым не хватило места у методистов",
    "short": "штраф за недобор минимальной нагрузки",
}


def print_result(problem: AssignmentProblem, result: Result, payload: dict[str, Any]) -> None:
    short = below_minimum(problem, result.assignment)
    title = f"Закрепление: {STATUS_RU[result.status]}"
    if short:  # optimal for its model, yet not the norm: the headline says so
        title += f", но у {count_ru(len(short), 'методист', 'gent')} нагрузка ниже минимума"
    table = Table(title=title)
    table.add_column("Показатель")
    table.add_column("Значение", justify="right")
    kpi = payload.get("kpi", {}).get("overall", {})
    unit = "км" if problem.settings.objective == "distance" else "ч"
    ranking = problem.settings.effective_ranking
    # ranked terms: the value and bound are the first term's (the later ones are below)
    goal = f"Значение цели ({TERM_NAMES_RU[ranking[0]]})" if ranking else "Значение цели"
    rows: list[tuple[str, str]] = [
        (goal, fmt_number(result.objective, 2)),
        ("Нижняя граница", fmt_number(result.bound, 2)),
        (
            "Разрыв",
            "0 %" if result.status is Status.OPTIMAL else f"{fmt_number(100 * result.gap, 3)} %",
        ),
        ("Время решения, с", fmt_number(result.runtime, 2)),
        ("Педагогов закреплено", fmt_int(len(result.assignment))),
        ("Не закреплено", fmt_int(len(result.unplaced))),
    ]
    if "travel_hours_mean" in kpi:
        rows += [
            (
                "В пути, ч: среднее / медиана / макс.",
                f"{fmt_number(kpi['travel_hours_mean'], 2)} / "
                f"{fmt_number(kpi['travel_hours_median'], 2)} / "
                f"{fmt_number(kpi['travel_hours_max'], 2)}",
            ),
            (
                "Доля в пределах 2 / 4 / 8 ч",
                " / ".join(
                    f"{fmt_number(100 * kpi[f'share_within_{h}h'], 1)} %" for h in (2, 4, 8)
                ),
            ),
            ("Сменили методиста относительно текущего", fmt_int(kpi["changed"])),
            ("Только дистанционно", fmt_int(kpi["remote_only"])),
        ]
    for term, amount in result.terms.items():
        rows.append(
            (
                f"Цель: {OBJECTIVE_NAMES_RU.get(term, term)} "
                f"({unit if term == Term.TRAVEL.value else 'ед.'})",
                fmt_number(amount, 2),
            )
        )
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    for reason, count in payload.get("changes", {}).get("by_reason", {}).items():
        console.print(
            f"  сменили методиста: {count_ru(count, 'педагог')} — {CHANGE_REASONS_RU[reason]}"
        )
    if short:
        named = problem.region.methodist_by_id
        console.print(
            "[red]Минимальная нагрузка не выполнена:[/red] "
            + "; ".join(
                f"{escape(named[m].full_name)} — {fmt_number(load / LOAD_SCALE, 2)} при минимуме "
                f"{fmt_number(low / LOAD_SCALE, 2)}"
                for m, load, low in short[:10]
            )
            + (f" и ещё {count_ru(len(short) - 10, 'методист')}" if len(short) > 10 else "")
        )
    for problem_text in result.problems[:20]:
        console.print(f"[red]•[/red] {problem_text}")
    if len(result.problems) > 20:
        console.print(f"… и ещё {fmt_int(len(result.problems) - 20)}")


def _output_folder(value: Path) -> Path:
    """--out names a folder that can be written: a file there, a file on the way to it or a
    folder without the right to write would end in an OS error after the solving."""
    if value.exists() and not value.is_dir():
        raise typer.BadParameter(f"«{value}» — файл, а нужна папка")
    existing = next(p for p in (value.absolute(), *value.absolute().parents) if p.exists())
    if not existing.is_dir():
        raise typer.BadParameter(f"«{existing}» — файл: папку «{value}» в нём не создать")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise typer.BadParameter(f"нет прав на запись в папку «{existing}»")
    return value


OutOpt = Annotated[
    Path, typer.Option("--out", help="Папка для результатов", callback=_output_folder)
]


@app.command("solve")
@plan_options
def solve_command(path: PathArg, out: OutOpt = Path("out"), *, flags: PlanFlags) -> None:
    """Закрепить педагогов за методистами: assignments.csv, methodists.csv, changes.csv,
    kpi.json."""
    settings = region_settings(path, flags)
    region = _region_or_exit(path, settings)
    settings = on_the_clock(settings)
    with component_progress() as on_component:
        problem, result, payload = _stage_or_exit(
            lambda: assignment_stage(region, settings, out, on_component)
        )
    print_result(problem, result, payload)
    console.print(f"Результаты записаны в {out}")
    raise typer.Exit(1 if result.status in FAILED else 0)


EXPLAIN_PLAN_SHARE = 0.6  # of `explain`'s time: the plan; the rest prices the next best choice


@app.command()
@plan_options
def explain(
    path: PathArg,
    teacher: Annotated[
        str, typer.Option("--teacher", help="Код педагога или его ФИО, как в документах")
    ],
    *,
    flags: PlanFlags,
) -> None:
    """Почему педагог закреплён за этим методистом и во что обошёлся бы другой выбор."""
    settings = region_settings(path, flags)
    region = _region_or_exit(path, settings)
    # the id as the planner wrote it (a teacher of two subjects has a record per subject),
    # else the full name the documents print
    records = [t.teacher_id for t in region.teachers if teacher in (t.teacher_id, t.person_id)]
    if not records:
        wanted = name_key(teacher)  # case, ё/е, spaces and look-alikes folded
        named = [t for t in region.teachers if name_key(t.full_name) == wanted]
        people = {t.person_id for t in named}
        if len(people) > 1:
            listed = ", ".join(sorted(people))
            err_console.print(
                f"[red]ФИО «{escape(teacher)}» носят несколько педагогов ({listed}): укажите "
                "код (--teacher КОД).[/red]"
            )
            raise typer.Exit(1)
        records = [t.teacher_id for t in named]
    if not records:
        err_console.print(
            f"[red]Педагог «{escape(teacher)}» не найден в списке педагогов (ни по коду, "
            "ни по ФИО).[/red]"
        )
        raise typer.Exit(1)
    # the plan first, in a share of the limit; the next best choice's plan in what is left
    limit = settings.assignment.time_limit
    first = clock.solving_time(limit) * EXPLAIN_PLAN_SHARE
    problem, result = run_solve(region, settings.with_time_limit(first).assignment)
    for done, record in enumerate(records):
        left = clock.solving_time(limit) / (len(records) - done)
        for line in explain_teacher(problem, result, record, left).lines():
            console.print(line)


@app.command()
@plan_options
def pool(
    path: PathArg,
    out: OutOpt = Path("out"),
    subject: Annotated[str | None, typer.Option("--subject", help="Только этот предмет")] = None,
    count: Annotated[
        int | None, typer.Option("--count", help="Фиксированный размер пула вместо наименьшего")
    ] = None,
    release: Annotated[
        bool,
        typer.Option("--release-existing", help="Разрешить освобождать действующих методистов"),
    ] = False,
    no_rules: Annotated[
        bool, typer.Option("--no-eligibility", help="Не проверять требования 002 §3.4 к кандидатам")
    ] = False,
    solver: Annotated[
        str, typer.Option("--solver", help="Целочисленный решатель: highs или cpsat")
    ] = "highs",
    memory_limit: Annotated[
        float | None,
        typer.Option(
            "--memory-limit", min=0.1, help="Предел памяти, ГБ (по умолчанию — половина памяти)"
        ),
    ] = None,
    nearest: Annotated[
        int | None,
        typer.Option(
            "--nearest",
            min=1,
            help="Начинать с стольких ближайших кандидатов на школу, остальных — по расчёту",
        ),
    ] = None,
    *,
    flags: PlanFlags,
) -> None:
    """Подобрать пул методистов по предметам и план набора: pool.csv, assignments.csv, kpi.json."""
    settings = region_settings(path, flags)
    if solver not in INTEGER_SOLVERS:
        err_console.print(f"[red]Неизвестный решатель «{escape(solver)}»: highs или cpsat.[/red]")
        raise typer.Exit(2)
    code = None
    if subject is not None:
        code = resolve_subject(subject)
        if code is None:
            err_console.print(f"[red]Неизвестный предмет «{escape(subject)}».[/red]")
            raise typer.Exit(2)
    try:
        pool_settings = PoolSettings(
            subject=code,
            count=count,
            keep_existing=not release,
            check_eligibility=not no_rules,
            solver=solver,
            memory_limit_gb=memory_limit,
            nearest=nearest,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0])
        _option_error(POOL_FLAGS.get(field, f"--{field}"), validation_message_ru(error))
    region = _region_or_exit(path, settings)
    pool_settings = pool_settings.model_copy(
        update={"assignment": on_the_clock(settings).assignment}
    )
    with console.status("Подбор пула методистов"):
        result = _stage_or_exit(lambda: size_pool(region, pool_settings))
    payload = write_pool(result, out)
    print_pool(result, payload)
    console.print(f"Результаты записаны в {out}")
    raise typer.Exit(1 if result.status in FAILED else 0)


def print_pool(result: PoolResult, payload: dict[str, Any]) -> None:
    table = Table(title=f"Пул методистов: {STATUS_RU[result.status]}")
    for column in ("Предметы", "Статус", "Размер", "Граница", "Новые", "Освобождены", "В пути"):
        table.add_column(column, justify="left" if column == "Предметы" else "right")
    for item in result.pools:
        table.add_row(
            ", ".join(subject_name(s) for s in item.subjects),
            STATUS_RU[item.status],
            fmt_int(item.pool_size),
            fmt_number(item.bound, 2),
            fmt_int(len(item.recruited)),
            fmt_int(len(item.released)),
            fmt_number(item.travel, 1),
        )
    console.print(table)
    memory = f"Пик памяти к концу подбора: {fmt_int(round(result.peak_memory_mb))} МБ"
    if result.memory is not None and result.memory.nearest is not None:
        nearest = count_ru(result.memory.nearest, "ближайший кандидат", "accs")
        memory += f" (по {nearest} на школу, остальные — по расчёту)"
    console.print(memory)
    for need in payload.get("recruitment_plan", []):
        console.print(f"• {need['text']}")
    for candidate_id, reason in result.excluded:
        who = result.candidate_names.get(candidate_id, candidate_id)
        excluded = agree_with_person("исключён", who)
        console.print(f"[yellow]Кандидат {escape(who)} {excluded}:[/yellow] {escape(reason)}")
    for text in result.problems[:20]:
        console.print(f"[red]•[/red] {text}")


@app.command()
@plan_options
def schedule(
    path: PathArg,
    out: OutOpt = Path("out"),
    solution: SolutionOpt = None,
    *,
    flags: PlanFlags,
) -> None:
    """План года: мероприятия по дням и часам для каждого методиста (schedule.csv,
    unplanned.csv, schedule_kpi.json). Без --solution сначала строит закрепление
    (out/assignment) и планирует год по нему."""
    settings = region_settings(path, flags)
    region = _region_or_exit(path, settings)
    shared = _shared_clock(region, settings, flags, (ASSIGNMENT_DIR, SCHEDULE_DIR))
    solving = settings if shared is None else shared.settings_for(ASSIGNMENT_DIR, settings)
    plan_file, problem = _plan_file(region, solving, solution, out)
    year = settings if shared is None else shared.settings_for(SCHEDULE_DIR, settings)
    with console.status("Планирование мероприятий года"):
        result, payload = _stage_or_exit(
            lambda: schedule_stage(region, year, plan_file, out, problem)
        )
    print_schedule(result, payload, out)


def on_the_clock(settings: RegionSettings) -> RegionSettings:
    """The assignment's time limit as what is left of it for the solvers once the command
    has read its files (`assign.clock`): the whole command ends within it."""
    return settings.with_time_limit(clock.solving_time(settings.assignment.time_limit))


def _shared_clock(
    region: Region, settings: RegionSettings, flags: PlanFlags, stages: tuple[str, ...]
) -> PlanClock | None:
    """A command of several stages given --time-limit: they share it (`PlanClock`), and a
    limit too short for the documents alone is said before the work starts."""
    if flags.time_limit is None:
        return None
    left = clock.solving_time(flags.time_limit)
    shared = PlanClock.of(region, left, stages)
    if shared.short:
        err_console.print(
            f"[yellow]Предела времени {fmt_number(flags.time_limit, 0)} с не хватит: после "
            f"чтения данных остаётся {fmt_number(left, 0)} с, а только на документы нужно "
            f"около {fmt_number(shared.reserve, 0)} с — план займёт больше.[/yellow]"
        )
    return shared


def print_schedule(result: ScheduleResult, payload: dict[str, Any], out: Path) -> None:
    console.print(
        f"План года — {STATUS_RU[result.status]}: "
        f"мероприятий {fmt_int(payload['events_planned'])}, "
        f"не запланировано {fmt_int(payload['events_unplanned'])}, "
        f"нарушений жёстких правил {payload['hard_violations']}, "
        f"дней в поездках {fmt_int(payload['travel_days'])}; записано в {out}"
    )
    for reason, count in payload["unplanned_reasons"].items():
        console.print(f"  не запланировано ({fmt_int(count)}): {escape(reason)}")


def _solve_into(
    region: Region, settings: RegionSettings, out: Path
) -> tuple[Path, AssignmentProblem]:
    """Solve and save the assignment the next stage reads (and the problem it was built on);
    an impossible one ends the run."""
    with component_progress() as on_component:
        problem, result, _ = _stage_or_exit(
            lambda: assignment_stage(region, settings, out, on_component)
        )
    if result.status in FAILED:
        for line in result.problems:
            err_console.print(f"[red]{escape(line)}[/red]")
        raise typer.Exit(1)
    return out / "assignments.csv", problem


def _plan_file(
    region: Region, settings: RegionSettings, solution: Path | None, out: Path
) -> tuple[Path, AssignmentProblem | None]:
    """The saved plan given, or one solved and saved into out/assignment now."""
    if solution is not None:
        return solution, None
    return _solve_into(region, settings, out / ASSIGNMENT_DIR)


@app.command()
@plan_options
def documents(
    path: PathArg,
    out: Annotated[
        Path, typer.Option("--out", help="Папка для документов", callback=_output_folder)
    ] = Path("out"),
    solution: SolutionOpt = None,
    schedule_dir: Annotated[
        Path | None,
        typer.Option("--schedule", help="Папка сохранённого плана года (schedule.csv)"),
    ] = None,
    no_year: Annotated[
        bool, typer.Option("--no-year-plan", help="Без плана года: в документах только месяцы")
    ] = False,
    settings_file: Annotated[
        Path | None,
        typer.Option("--settings", help="Реквизиты организации (по умолчанию из region.yaml)"),
    ] = None,
    *,
    flags: PlanFlags,
) -> None:
    """Документы плана: приказ (order.docx), книга закрепления (assignment.xlsx), дорожные карты
    (roadmaps.xlsx) и карты ИОМ (iom/<ФИО педагога> (<код>).docx). Без --solution и --schedule
    сначала строит и сохраняет закрепление и план года (out/assignment, out/schedule) —
    документы читают именно их."""
    settings = region_settings(path, flags)
    if settings_file is not None:
        try:
            settings = settings.model_copy(
                update={"documents": load_document_settings(settings_file)}
            )
        except DocumentSettingsError as exc:
            _exit_with(exc)
    if schedule_dir is not None and solution is None:
        err_console.print(
            "[red]С --schedule укажите и --solution: план года и документы должны "
            "опираться на одно закрепление.[/red]"
        )
        raise typer.Exit(2)
    _stage_or_exit(lambda: settings.documents_for(path))  # a bad details file: before solving
    region = _region_or_exit(path, settings)
    plan_file, problem = _plan_file(region, settings, solution, out)
    if schedule_dir is None and not no_year:
        schedule_dir = out / SCHEDULE_DIR
        with console.status("Планирование мероприятий года"):
            result, payload = _stage_or_exit(
                lambda: schedule_stage(region, settings, plan_file, schedule_dir, problem)
            )
        print_schedule(result, payload, schedule_dir)
    with console.status("Подготовка документов"):
        written = _stage_or_exit(
            lambda: documents_stage(region, path, settings, plan_file, schedule_dir, out, problem)
        )
    print_documents(written, out)


def print_documents(written: WrittenDocuments, out: Path) -> None:
    console.print(
        f"Документы записаны в {out}: приказ, книга закрепления, дорожные карты, "
        f"карт ИОМ: {fmt_int(len(written.iom_cards))}"
    )
    if written.unfilled:
        console.print(
            f"[yellow]В приказе не заполнено: {', '.join(written.unfilled)} — впишите их "
            "перед подписанием или задайте в region.yaml (раздел documents) либо в "
            "documents.yaml рядом с данными региона.[/yellow]"
        )


@app.command()
@plan_options
def plan(path: PathArg, out: OutOpt = Path("out"), *, flags: PlanFlags) -> None:
    """Весь план один раз: закрепление → пул и набор → план года → документы; каждый этап
    читает сохранённые файлы предыдущего (out/assignment, out/pool, out/schedule,
    out/documents)."""
    settings = region_settings(path, flags)
    _stage_or_exit(lambda: settings.documents_for(path))  # a bad details file: before solving
    region = _region_or_exit(path, settings)
    shared = _shared_clock(region, settings, flags, STAGES)
    failed = run_and_print_plan(region, path, settings, out, shared)
    raise typer.Exit(1 if failed else 0)


STAGE_NAMES_RU = {
    ASSIGNMENT_DIR: "Закрепление педагогов",
    POOL_DIR: "Пул методистов и план набора",
    SCHEDULE_DIR: "План года",
    DOCUMENTS_DIR: "Документы",
}


def run_and_print_plan(
    region: Region,
    path: Path,
    settings: RegionSettings,
    out: Path,
    shared: PlanClock | None = None,
) -> bool:
    """`run_plan` with what each stage made on screen; True when a stage failed. `shared`:
    the stages share one time limit."""
    assignment = settings.assignment
    console.print(
        f"Норма {fmt_int(assignment.load_min)}–{fmt_int(assignment.load_max)}, "
        f"досягаемость: {REACH_RU[assignment.reach]}"
        + (
            " (" + ", ".join(MONTHS_NOMINATIVE[m - 1] for m in assignment.required_months) + ")"
            if assignment.reach == "months"
            else ""
        )
        + ", порядок целей: "
        + ", ".join(
            OBJECTIVE_NAMES_RU.get(t.value, t.value) for t in assignment.effective_ranking or ()
        )
    )
    with console.status("План") as status:

        def on_stage(name: str) -> None:
            status.update(STAGE_NAMES_RU[name])

        run = _stage_or_exit(lambda: run_plan(region, path, settings, out, on_stage, clock=shared))
    assert run.problem is not None and run.result is not None
    print_result(run.problem, run.result, run.kpi)
    if run.pool is not None:
        print_pool(run.pool, run.pool_kpi)
    if run.schedule is not None:
        print_schedule(run.schedule, run.schedule_kpi, out / SCHEDULE_DIR)
    if run.documents is not None:
        print_documents(run.documents, out / DOCUMENTS_DIR)
    if run.plan_workbook is not None:
        console.print(f"Книга плана для работы в Excel: {run.plan_workbook}")
    console.print(f"План записан в {out}")
    statuses = [run.result.status] + ([run.pool.status] if run.pool else [])
    return any(s in FAILED for s in statuses)


scenario_app = RussianTyper(help="Сценарии «что если».", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("run")
def scenario_run(
    file: Annotated[Path, typer.Argument(metavar="ФАЙЛ", help="Файл сценария (YAML)")],
    out: OutOpt = Path("out"),
    region_path: Annotated[
        Path | None, typer.Option("--region", help="Регион (иначе — поле region сценария)")
    ] = None,
    documents: Annotated[
        bool, typer.Option("--documents/--no-documents", help="Сделать и документы плана")
    ] = True,
) -> None:
    """Выполнить сценарий: изменить регион, построить закрепление или план набора, план года
    (если сценарий его просит) и документы — тем же конвейером, что и сервис."""
    try:
        scenario = load_scenario(file)
        base = region_path or (file.parent / scenario.region if scenario.region else None)
        if base is None:
            raise ScenarioError(f"{file.name}: не указан регион (поле region или --region)")
        settings = region_settings(base, PlanFlags())
        region = _region_or_exit(base, settings)
        console.print(f"Сценарий: {scenario.name}")
        with console.status("Сценарий") as status:

            def on_stage(name: str) -> None:
                status.update(STAGE_NAMES_RU[name])

            run = _stage_or_exit(
                lambda: run_scenario_plan(
                    region, base, scenario, settings, out, documents=documents, on_stage=on_stage
                )
            )
    except ScenarioError as exc:
        _exit_with(exc)
    outcome = run.outcome
    if outcome.pool is not None:
        print_pool(outcome.pool, run.kpi)
    else:
        assert outcome.result is not None
        print_result(outcome.problem, outcome.result, run.kpi)
    if run.schedule is not None:
        print_schedule(run.schedule, run.schedule_kpi, out / SCHEDULE_DIR)
    if run.documents is not None:
        print_documents(run.documents, out / DOCUMENTS_DIR)
    if run.plan_workbook is not None:
        console.print(f"Книга плана сценария (для работы в Excel): {run.plan_workbook}")
    console.print(f"Результаты записаны в {out}")
    raise typer.Exit(1 if outcome.status in FAILED else 0)


token_app = RussianTyper(help="Токены доступа к API.", no_args_is_help=True)
app.add_typer(token_app, name="token")


SERVICE_MISSING = (
    "Сервис не установлен: установите пакет с дополнением service (pip install 'assign[service]')."
)


def _service() -> Any:
    """The service package, or a Russian message when its extra is not installed."""
    try:
        import assign.service.main as service_main
        import assign.service.store as store
    except ImportError:
        err_console.print(f"[red]{SERVICE_MISSING}[/red]")
        raise typer.Exit(2) from None
    return service_main, store


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option("--role", help="Роль: viewer, planner или admin")],
    org: Annotated[
        str, typer.Option("--org", help="Организация (создаётся, если её ещё нет)")
    ] = "ЦНППМ",
    name: Annotated[str, typer.Option("--name", help="Чей токен (для журнала)")] = "",
    days: Annotated[
        float, typer.Option("--days", min=0.001, max=3650, help="Срок действия, дней")
    ] = 90,
) -> None:
    """Создать токен доступа; он печатается последней строкой и больше нигде не хранится."""
    _, store = _service()
    if role not in store.ROLES:
        err_console.print(f"[red]Неизвестная роль «{role}»: viewer, planner или admin.[/red]")
        raise typer.Exit(2)
    engine = store.open_database()
    token = store.create_token(engine, role, org, name, days)
    place = engine.url.render_as_string(hide_password=True)
    engine.dispose()
    console.print(
        f"Токен с ролью {role} организации «{org}» создан на {days:g} дн. (база: {place}). "
        "Сохраните его:"
    )
    print(token)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Адрес")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Порт")] = 8000,
    workers: Annotated[
        int | None, typer.Option("--workers", min=0, help="Процессов для заданий")
    ] = None,
) -> None:
    """Запустить API (FastAPI); база — ASSIGN_DATABASE_URL или файл assign.db в текущей папке,
    прочие настройки — переменные ASSIGN_… (см. README)."""
    service_main, _ = _service()
    import uvicorn

    from assign.service.config import ServiceSettings

    settings = ServiceSettings()
    if workers is not None:
        settings = settings.model_copy(update={"workers": workers})
    uvicorn.run(service_main.create_app(settings), host=host, port=port)


@app.command()
def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=64, help="Заданий одновременно")
    ] = 1,
) -> None:
    """Запустить обработчик заданий из очереди (Celery на Redis, ASSIGN_QUEUE_URL) — на любой
    машине, откуда видны очередь и база ASSIGN_DATABASE_URL."""
    _, store = _service()
    from assign.service.config import ServiceSettings

    settings = ServiceSettings()
    if not settings.queue_url:
        err_console.print(
            "[red]Не задана очередь: укажите ASSIGN_QUEUE_URL (например, "
            "redis://127.0.0.1:6379/0). Без очереди задания выполняет сам `assign serve`.[/red]"
        )
        raise typer.Exit(2)
    store.open_database(settings.database_url).dispose()  # the schema, up to date
    from assign.service.jobs.distributed import run_worker

    run_worker(settings, concurrency)


BATCH_STATUS_RU = {
    "done": "готово",
    "skipped": "уже сделан",
    "failed": "не построен",
    "invalid": "ошибки в данных",
}
BATCH_HEADER = [
    "Регион",
    "Папка",
    "Итог",
    "Педагогов",
    "Методистов",
    "Нужно",
    "Набрать",
    "Время, с",
]


@app.command()
def batch(
    regions: Annotated[Path, typer.Argument(metavar="ПАПКА", help="Папка с папками регионов")],
    out: OutOpt = Path("out"),
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Регионов одновременно (без очереди)")
    ] = 1,
) -> None:
    """Весь план (проверка → закрепление → пул → план года → документы) для каждого региона
    папки: результаты в OUT/<папка региона>/, как их пишет `assign plan`. Регион, сделанный
    раньше из тех же файлов, пропускается. С ASSIGN_QUEUE_URL регионы выполняют обработчики
    очереди (`assign worker`), которым видны те же папки."""
    from assign.pipeline.batch import (
        BatchRunner,
        LocalRunner,
        RegionOutcome,
        region_folders,
        run_batch,
    )

    folders = region_folders(regions) if regions.is_dir() else []
    if not folders:
        err_console.print(f"[red]В папке {regions} нет регионов (папок с teachers.csv).[/red]")
        raise typer.Exit(2)
    runner: BatchRunner = LocalRunner(workers)
    if os.environ.get("ASSIGN_QUEUE_URL"):
        _service()
        from assign.service.config import ServiceSettings
        from assign.service.jobs.distributed import QueueBatchRunner

        runner = QueueBatchRunner(ServiceSettings())
    with progress_bar() as progress:
        task = progress.add_task("Регионы", total=len(folders))

        def on_outcome(outcome: RegionOutcome) -> None:
            progress.advance(task)
            progress.console.print(
                f"{escape(outcome.folder)}: {BATCH_STATUS_RU[outcome.status]}"
                + (f" — {escape(outcome.message)}" if outcome.message else "")
            )

        outcomes = run_batch(regions, out, runner, on_outcome)
    table = Table(title=f"Пакет: {count_ru(len(outcomes), 'регион')}")
    for column in BATCH_HEADER:
        table.add_column(column, justify="left" if column in BATCH_HEADER[:3] else "right")
    rows = [
        [
            o.name or o.folder,
            o.folder,
            BATCH_STATUS_RU[o.status],
            o.teachers,
            o.methodists,
            "" if o.needed is None else o.needed,
            "" if o.deficit is None else o.deficit,
            round(o.seconds, 1),
        ]
        for o in outcomes
    ]
    for row in rows:
        table.add_row(*(fmt_int(v) if isinstance(v, int) else str(v) for v in row))
    console.print(table)
    out.mkdir(parents=True, exist_ok=True)
    person_csv(out / "summary.csv", BATCH_HEADER, rows)
    console.print(f"Сводка записана в {out / 'summary.csv'}")
    raise typer.Exit(1 if any(o.status in ("failed", "invalid") for o in outcomes) else 0)


sample_app = RussianTyper(help="Данные-примеры.", no_args_is_help=True)
app.add_typer(sample_app, name="sample")


@sample_app.command("national")
def sample_national(
    out: OutOpt = Path("national"),
    regions: Annotated[int, typer.Option("--regions", min=1, max=200, help="Регионов")] = 85,
    teachers: Annotated[
        int, typer.Option("--teachers", min=1500, help="Педагогов во всех регионах")
    ] = 1_000_000,
) -> None:
    """Национальная выборка: 85 сгенерированных регионов (около миллиона педагогов), каждый —
    папка OUT/<регион>/ для `assign batch`."""
    from assign.sample.national import write_national

    with console.status("Генерирую регионы"):
        plan = write_national(out, regions, teachers)
    made = f"{count_ru(len(plan), 'регион')}, {count_ru(sum(n for _, n in plan), 'педагог')}"
    console.print(f"Записано: {made} — в {out}")


def default_data_dir() -> Path:
    """The repository's data/ folder (an editable install), else ./data."""
    repo_data = Path(__file__).resolve().parents[2] / "data"
    return repo_data if repo_data.is_dir() else Path("data")


@app.command()
@plan_options
def demo(
    data: Annotated[Path | None, typer.Option(help="Папка с регионами-примерами")] = None,
    out: Annotated[Path, typer.Option(help="Папка для результатов")] = Path("out"),
    *,
    flags: PlanFlags,
) -> None:
    """Основной сценарий на данных-примерах: проверка, сводка, затем `assign plan` для каждого
    региона — закрепление, план набора, план года и документы (out/<регион>/)."""
    data_dir = data or default_data_dir()
    regions = sorted(p for p in data_dir.iterdir() if p.is_dir() and (p / "teachers.csv").exists())
    if not regions:
        err_console.print(f"[red]В папке {data_dir} нет регионов-примеров.[/red]")
        raise typer.Exit(1)
    failed = False
    for folder in regions:
        settings = region_settings(folder, flags)
        console.rule(f"Регион: {settings.name or folder.name}")
        result = _load(folder, settings.name)
        if result.region is None:
            render_report(result.report)
            failed = True
            continue
        print_info(result, settings.assignment)
        failed |= run_and_print_plan(result.region, folder, settings, out / folder.name)
    raise typer.Exit(1 if failed else 0)


INTERRUPTED = 130  # the code Typer ends a command with on Ctrl-C


def main() -> None:
    """The `assign` command: the app, with its usage errors (an unknown option, a value that
    is not a number) told in Russian (`assign.usage`) instead of Typer's English."""
    try:
        code = app(standalone_mode=False, prog_name="assign")
    except typer.Abort:
        err_console.print("[red]Прервано.[/red]")
        sys.exit(1)
    except typer.TyperException as exc:  # the command line's usage errors
        if type(exc).__name__ != "NoArgsIsHelpError":  # the help is already printed
            err_console.print(f"[red]{escape(usage_error_ru(exc))}[/red]")
            if (hint := help_hint(exc)) is not None:
                err_console.print(escape(hint))
        sys.exit(getattr(exc, "exit_code", 2))
    except (OSError, FileCreateError) as exc:  # a write the system refused (rights, a full
        # disk, a folder in a file's place); xlsxwriter wraps the system's error in its own
        refused = exc.args[0] if isinstance(exc, FileCreateError) and exc.args else exc
        text = os_error_ru(refused) if isinstance(refused, OSError) else str(refused)
        err_console.print(f"[red]{escape(text)}[/red]")
        sys.exit(1)
    if code == INTERRUPTED:  # Ctrl-C: the solvers running were stopped, nothing was written
        err_console.print("[red]Прервано.[/red]")
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
