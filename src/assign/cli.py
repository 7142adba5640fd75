"""The `assign` command: a thin shell over the library, in Russian for the ЦНППМ staff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assign.assignment import AssignmentProblem, AssignmentSettings, Result, build_problem, solve
from assign.assignment.explain import explain_teacher
from assign.assignment.output import write_solution
from assign.assignment.result import STATUS_RU, Status
from assign.assignment.settings import SCHOOL_YEAR, TERM_NAMES_RU, Term
from assign.documents import write_documents
from assign.documents.settings import DocumentSettings, DocumentSettingsError, settings_for_region
from assign.domain import Region
from assign.errors import Report, validation_message_ru
from assign.events.calendar import CalendarError, SchoolCalendar, load_calendar
from assign.events.catalogue import Catalogue, CatalogueError, load_catalogue
from assign.format import fmt_int, fmt_number
from assign.io import LoadResult, load_region
from assign.io.availability import read_availability
from assign.io.solution import read_assignment
from assign.pool import PoolResult, PoolSettings, size_pool
from assign.pool.output import write_pool
from assign.pool.sizing import EXACT
from assign.sample.profiles import PROFILES
from assign.scenario import ScenarioError, load_scenario, run_scenario
from assign.schedule import ScheduleResult, ScheduleSettings, plan_year
from assign.schedule.output import write_schedule
from assign.store import ROLES, create_token, database_url, open_database
from assign.subjects import resolve_subject, subject_name
from assign.summary import (
    NORMS,
    decimal_ru,
    municipality_table,
    subject_by_municipality,
    subject_capacity,
)

app = typer.Typer(
    help="Планирование регионального методического актива ЦНППМ.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

PathArg = Annotated[Path, typer.Argument(help="Папка с CSV-файлами региона или книга XLSX")]
SolutionOpt = Annotated[
    Path | None,
    typer.Option("--solution", help="assignments.csv готового плана (иначе план строится)"),
]
CatalogueOpt = Annotated[
    Path | None, typer.Option("--catalogue", help="Каталог мероприятий года (YAML)")
]


def _load(path: Path) -> LoadResult:
    with console.status(f"Читаю и проверяю данные: {path}"):
        return load_region(path)


def render_report(report: Report, limit: int = 50) -> None:
    """Errors and warnings as tables; the first `limit` of each."""
    for title, issues, style in (
        ("Ошибки", report.errors, "red"),
        ("Предупреждения", report.warnings, "yellow"),
    ):
        if not issues:
            continue
        table = Table(
            title=f"{title}: {fmt_int(len(issues))}", title_style=f"bold {style}", show_lines=False
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
        if len(issues) > limit:
            console.print(f"… и ещё {fmt_int(len(issues) - limit)} (полный список: --json)")


@app.command()
def validate(
    path: PathArg,
    as_json: Annotated[bool, typer.Option("--json", help="Отчёт в формате JSON")] = False,
) -> None:
    """Проверить данные региона: код выхода 0 — ошибок нет, 1 — есть ошибки."""
    result = _load(path) if not as_json else load_region(path)
    report = result.report
    if as_json:
        print(
            json.dumps(
                {"ok": report.ok, "issues": [i.as_dict() for i in report.issues]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        render_report(report)
        if report.ok:
            console.print(
                f"[green]Ошибок нет.[/green] Предупреждений: {fmt_int(len(report.warnings))}."
            )
        else:
            console.print(
                f"[red]Найдено ошибок: {fmt_int(len(report.errors))}.[/red] "
                "Исправьте их и запустите проверку снова."
            )
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def info(
    path: PathArg,
    out: Annotated[
        Path | None, typer.Option(help="Записать таблицу «муниципалитет × предмет» в CSV")
    ] = None,
) -> None:
    """Сводка по региону: педагоги по предметам и муниципалитетам, методисты, ёмкость по нормам."""
    result = _load(path)
    if result.region is None:
        render_report(result.report)
        err_console.print("[red]Данные содержат ошибки: сводка не построена.[/red]")
        raise typer.Exit(1)
    print_info(result)
    if out is not None:
        subject_by_municipality(result.region).to_csv(out, encoding="utf-8")
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


# --- assignment ---------------------------------------------------------------------------
SCHOOL_YEAR_TEXT = ",".join(map(str, SCHOOL_YEAR))
PresetOpt = Annotated[
    str,
    typer.Option("--preset", help="Норма: default (100–250), federal (200–250), yakutia (100–150)"),
]
MinLoadOpt = Annotated[float | None, typer.Option("--min-load", help="Мин. нагрузка методиста")]
MaxLoadOpt = Annotated[float | None, typer.Option("--max-load", help="Макс. нагрузка методиста")]
TimeLimitOpt = Annotated[float, typer.Option("--time-limit", help="Предел времени решения, с")]
ObjectiveOpt = Annotated[
    str, typer.Option("--objective", help="Цель: time (часы) или distance (км)")
]
ReachOpt = Annotated[str, typer.Option("--reach", help="Досягаемость: all_year, months, remote")]
MonthsOpt = Annotated[
    str, typer.Option("--reach-months", help="Месяцы для --reach months, например 12,1,2,3")
]
MaxHoursOpt = Annotated[
    float | None, typer.Option("--max-hours", help="Поездка дольше — вне досягаемости")
]
LoadUnitOpt = Annotated[
    str, typer.Option("--load-unit", help="heads (педагоги) или weighted (веса категорий)")
]
RankOpt = Annotated[
    str | None, typer.Option("--rank", help="Порядок целей, например travel,changes,split,balance")
]
WeightsOpt = Annotated[
    str | None,
    typer.Option(
        "--weights", help="Веса целей вместо порядка, например travel=1,changes=2,split=1"
    ),
]
PartialOpt = Annotated[
    bool, typer.Option("--partial", help="Вернуть частичный план, если полный невозможен")
]


def make_settings(
    preset: str = "default",
    min_load: float | None = None,
    max_load: float | None = None,
    time_limit: float = 60.0,
    objective: str = "time",
    reach: str = "all_year",
    reach_months: str = SCHOOL_YEAR_TEXT,
    max_hours: float | None = None,
    load_unit: str = "heads",
    rank: str | None = None,
    weights: str | None = None,
    partial: bool = False,
) -> AssignmentSettings:
    """Settings from the command line; a wrong value is a Russian message and exit code 2."""
    data: dict[str, Any] = {
        "preset": preset,
        "min_load": min_load,
        "max_load": max_load,
        "time_limit": time_limit,
        "deterministic_time_limit": time_limit,
        "objective": objective,
        "reach": reach,
        "max_hours": max_hours,
        "load_unit": load_unit,
        "allow_partial": partial,
    }
    try:
        data["reach_months"] = tuple(int(m) for m in reach_months.split(",") if m.strip())
        if rank:
            data["ranking"] = tuple(t.strip() for t in rank.split(",") if t.strip())
        if weights:
            data["weights"] = {
                k.strip(): float(v)
                for k, v in (item.split("=", 1) for item in weights.split(",") if item.strip())
            }
        return AssignmentSettings(**data)
    except (ValueError, ValidationError) as exc:
        errors = (
            exc.errors() if isinstance(exc, ValidationError) else [{"msg": str(exc), "loc": ()}]
        )
        for error in errors:
            where = ".".join(str(p) for p in error["loc"])
            message = validation_message_ru(error) if error.get("type") else error["msg"]
            err_console.print(f"[red]Неверный параметр {where}: {message}[/red]")
        raise typer.Exit(2) from None


def _exit_with(exc: Exception, status: int = 2) -> NoReturn:
    """A bad settings, catalogue, calendar or scenario file: its Russian message and code."""
    code_text = getattr(exc, "code", "error")
    err_console.print(f"[red]{escape(f'{exc} [{code_text}]')}[/red]")
    raise typer.Exit(status) from None


def _region_or_exit(path: Path) -> Region:
    result = _load(path)
    if result.region is None:
        render_report(result.report)
        err_console.print("[red]Данные содержат ошибки: план не построен.[/red]")
        raise typer.Exit(1)
    return result.region


def run_solve(region: Region, settings: AssignmentSettings) -> tuple[AssignmentProblem, Result]:
    """Build and solve with a progress bar over the subject groups."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("Подготовка задачи", total=None)
        problem = build_problem(region, settings)

        def on_component(done: int, total: int, name: str) -> None:
            bar.update(
                task,
                total=total,
                completed=done,
                description=f"Решение: {name}" if name else "Готово",
            )

        result = solve(problem, on_component=on_component)
    return problem, result


OBJECTIVE_NAMES_RU: dict[str, str] = {
    **{term.value: name for term, name in TERM_NAMES_RU.items()},
    "unplaced": "штраф за незакреплённых педагогов",
    "short": "штраф за недобор минимальной нагрузки",
}


def print_result(problem: AssignmentProblem, result: Result, payload: dict[str, Any]) -> None:
    table = Table(title=f"Закрепление: {STATUS_RU[result.status]}")
    table.add_column("Показатель")
    table.add_column("Значение", justify="right")
    kpi = payload.get("kpi", {}).get("overall", {})
    unit = "км" if problem.settings.objective == "distance" else "ч"
    rows: list[tuple[str, str]] = [
        ("Значение цели", fmt_number(result.objective, 2)),
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
            ("Изменено относительно текущего", fmt_int(kpi["changed"])),
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
    for problem_text in result.problems[:20]:
        console.print(f"[red]•[/red] {problem_text}")
    if len(result.problems) > 20:
        console.print(f"… и ещё {fmt_int(len(result.problems) - 20)}")


@app.command("solve")
def solve_command(
    path: PathArg,
    out: Annotated[Path, typer.Option("--out", help="Папка для результатов")] = Path("out"),
    preset: PresetOpt = "default",
    min_load: MinLoadOpt = None,
    max_load: MaxLoadOpt = None,
    time_limit: TimeLimitOpt = 120.0,
    objective: ObjectiveOpt = "time",
    reach: ReachOpt = "all_year",
    reach_months: MonthsOpt = SCHOOL_YEAR_TEXT,
    max_hours: MaxHoursOpt = None,
    load_unit: LoadUnitOpt = "heads",
    rank: RankOpt = None,
    weights: WeightsOpt = None,
    partial: PartialOpt = False,
) -> None:
    """Закрепить педагогов за методистами: assignments.csv, methodists.csv, kpi.json."""
    settings = make_settings(
        preset,
        min_load,
        max_load,
        time_limit,
        objective,
        reach,
        reach_months,
        max_hours,
        load_unit,
        rank,
        weights,
        partial,
    )
    region = _region_or_exit(path)
    problem, result = run_solve(region, settings)
    payload = write_solution(problem, result, out)
    print_result(problem, result, payload)
    console.print(f"Результаты записаны в {out}")
    raise typer.Exit(1 if result.status is Status.INFEASIBLE else 0)


@app.command()
def explain(
    path: PathArg,
    teacher: Annotated[str, typer.Option("--teacher", help="Код педагога")],
    preset: PresetOpt = "default",
    min_load: MinLoadOpt = None,
    max_load: MaxLoadOpt = None,
    time_limit: TimeLimitOpt = 120.0,
    objective: ObjectiveOpt = "time",
    reach: ReachOpt = "all_year",
    reach_months: MonthsOpt = SCHOOL_YEAR_TEXT,
    max_hours: MaxHoursOpt = None,
    load_unit: LoadUnitOpt = "heads",
    rank: RankOpt = None,
    weights: WeightsOpt = None,
    partial: PartialOpt = False,
) -> None:
    """Почему педагог закреплён за этим методистом и во что обошёлся бы другой выбор."""
    settings = make_settings(
        preset,
        min_load,
        max_load,
        time_limit,
        objective,
        reach,
        reach_months,
        max_hours,
        load_unit,
        rank,
        weights,
        partial,
    )
    region = _region_or_exit(path)
    if teacher not in region.teacher_by_id:
        err_console.print(f"[red]Педагог «{teacher}» не найден в таблице teachers.[/red]")
        raise typer.Exit(1)
    problem, result = run_solve(region, settings)
    for line in explain_teacher(problem, result, teacher).lines():
        console.print(line)


@app.command()
def pool(
    path: PathArg,
    out: Annotated[Path, typer.Option("--out", help="Папка для результатов")] = Path("out"),
    subject: Annotated[str | None, typer.Option("--subject", help="Только этот предмет")] = None,
    count: Annotated[
        int | None, typer.Option("--count", help="Фиксированный размер пула вместо наименьшего")
    ] = None,
    preset: PresetOpt = "default",
    min_load: MinLoadOpt = None,
    max_load: MaxLoadOpt = None,
    time_limit: TimeLimitOpt = 120.0,
    objective: ObjectiveOpt = "time",
    reach: ReachOpt = "all_year",
    reach_months: MonthsOpt = SCHOOL_YEAR_TEXT,
    max_hours: MaxHoursOpt = None,
    load_unit: LoadUnitOpt = "heads",
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
) -> None:
    """Подобрать пул методистов по предметам и план набора: pool.csv, assignments.csv, kpi.json."""
    settings = make_settings(
        preset, min_load, max_load, time_limit, objective, reach, reach_months, max_hours, load_unit
    )
    if solver not in EXACT:
        err_console.print(f"[red]Неизвестный решатель «{solver}»: highs или cpsat.[/red]")
        raise typer.Exit(2)
    code = None
    if subject is not None:
        code = resolve_subject(subject)
        if code is None:
            err_console.print(f"[red]Неизвестный предмет «{subject}».[/red]")
            raise typer.Exit(2)
    region = _region_or_exit(path)
    with console.status("Подбор пула методистов"):
        result = size_pool(
            region,
            PoolSettings(
                assignment=settings,
                subject=code,
                count=count,
                keep_existing=not release,
                check_eligibility=not no_rules,
                solver=solver,
            ),
        )
    payload = write_pool(result, out)
    print_pool(result, payload)
    console.print(f"Результаты записаны в {out}")
    raise typer.Exit(1 if result.status is Status.INFEASIBLE else 0)


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
    for need in payload.get("recruitment_plan", []):
        console.print(f"• {need['text']}")
    for candidate_id, reason in result.excluded:
        console.print(f"[yellow]Кандидат {candidate_id} исключён:[/yellow] {reason}")
    for text in result.problems[:20]:
        console.print(f"[red]•[/red] {text}")


@app.command()
def schedule(
    path: PathArg,
    out: Annotated[Path, typer.Option("--out", help="Папка для результатов")] = Path("out"),
    solution: SolutionOpt = None,
    catalogue_file: CatalogueOpt = None,
    calendar_file: Annotated[
        Path | None, typer.Option("--calendar", help="Календарь учебного года (YAML)")
    ] = None,
    hours_per_week: Annotated[
        float, typer.Option("--hours-per-week", help="Рабочие часы методиста в неделю")
    ] = 40.0,
    availability: Annotated[
        Path | None,
        typer.Option(
            "--availability",
            help="CSV: methodist_id, hours_per_week, days_off (даты через «;», период «a..b»)",
        ),
    ] = None,
    preset: PresetOpt = "default",
    time_limit: TimeLimitOpt = 60.0,
) -> None:
    """План года: мероприятия по дням и часам для каждого методиста (schedule.csv,
    unplanned.csv, schedule_kpi.json)."""
    settings = make_settings(preset, None, None, time_limit)
    region = _region_or_exit(path)
    try:
        catalogue, calendar = load_catalogue(catalogue_file), load_calendar(calendar_file)
        plan_settings = ScheduleSettings(hours_per_week=hours_per_week, time_limit=time_limit)
    except (CatalogueError, CalendarError) as exc:
        _exit_with(exc)
    except ValidationError as exc:
        for error in exc.errors():
            err_console.print(f"[red]Неверный параметр: {validation_message_ru(error)}[/red]")
        raise typer.Exit(2) from None
    if availability is not None:
        own_hours, days_off, report = read_availability(availability, region)
        if not report.ok:
            render_report(report)
            err_console.print("[red]Файл доступности содержит ошибки.[/red]")
            raise typer.Exit(1)
        plan_settings = plan_settings.model_copy(
            update={"hours_per_week_of": own_hours, "days_off": days_off}
        )
    problem, assignment = _plan_or_exit(region, settings, solution)
    make_schedule(problem, assignment, catalogue, calendar, plan_settings, out)


def make_schedule(
    problem: AssignmentProblem,
    assignment: dict[str, str],
    catalogue: Catalogue,
    calendar: SchoolCalendar,
    settings: ScheduleSettings,
    out: Path,
) -> ScheduleResult:
    with console.status("Планирование мероприятий года"):
        result = plan_year(problem, assignment, catalogue, calendar, settings)
    payload = write_schedule(result, calendar, settings, out)
    console.print(
        f"План года ({STATUS_RU[result.status]}): "
        f"мероприятий {fmt_int(payload['events_planned'])}, "
        f"не запланировано {fmt_int(payload['events_unplanned'])}, "
        f"нарушений жёстких правил {payload['hard_violations']}, "
        f"дней в поездках {fmt_int(payload['travel_days'])}; записано в {out}"
    )
    for reason, count in payload["unplanned_reasons"].items():
        console.print(f"  не запланировано ({fmt_int(count)}): {reason}")
    return result


def _plan_or_exit(
    region: Region, settings: AssignmentSettings, solution: Path | None
) -> tuple[AssignmentProblem, dict[str, str]]:
    """A saved plan read back and checked, or a plan solved now."""
    if solution is not None:
        assignment, report = read_assignment(solution, region)
        if not report.ok:
            render_report(report)
            err_console.print("[red]План содержит ошибки.[/red]")
            raise typer.Exit(1)
        return build_problem(region, settings), assignment
    problem, result = run_solve(region, settings)
    if result.status is Status.INFEASIBLE:
        for line in result.problems:
            err_console.print(f"[red]{line}[/red]")
        raise typer.Exit(1)
    return problem, result.assignment


@app.command()
def documents(
    path: PathArg,
    out: Annotated[Path, typer.Option("--out", help="Папка для документов")] = Path("out"),
    solution: SolutionOpt = None,
    settings_file: Annotated[
        Path | None,
        typer.Option("--settings", help="Реквизиты организации (по умолчанию documents.yaml)"),
    ] = None,
    catalogue_file: CatalogueOpt = None,
    plan_seconds: Annotated[
        float,
        typer.Option(
            "--plan-seconds",
            help="Время на план года для дат в дорожных картах и картах ИОМ (0 — только месяцы)",
        ),
    ] = 20.0,
    preset: PresetOpt = "default",
    time_limit: TimeLimitOpt = 120.0,
) -> None:
    """Документы плана: приказ (order.docx), книга закрепления (assignment.xlsx), дорожные карты
    (roadmaps.xlsx) и карты ИОМ (iom/<код педагога>.docx)."""
    settings = make_settings(preset, None, None, time_limit)
    region = _region_or_exit(path)
    doc_settings, catalogue = _document_inputs(path, settings_file, catalogue_file)
    problem, assignment = _plan_or_exit(region, settings, solution)
    schedule_result = None
    if plan_seconds > 0:
        with console.status("Планирование мероприятий года"):
            schedule_result = plan_year(
                problem,
                assignment,
                catalogue,
                load_calendar(),
                ScheduleSettings(time_limit=plan_seconds),
            )
    make_documents(problem, assignment, doc_settings, catalogue, out, schedule_result)


def _document_inputs(
    path: Path, settings_file: Path | None, catalogue_file: Path | None
) -> tuple[DocumentSettings, Catalogue]:
    try:
        return settings_for_region(path, settings_file), load_catalogue(catalogue_file)
    except (DocumentSettingsError, CatalogueError) as exc:
        _exit_with(exc)


def make_documents(
    problem: AssignmentProblem,
    assignment: dict[str, str],
    doc_settings: DocumentSettings,
    catalogue: Catalogue,
    out: Path,
    schedule: ScheduleResult | None = None,
) -> None:
    region = problem.region
    unplaced = [t.teacher_id for t in region.teachers if t.teacher_id not in assignment]
    with console.status("Подготовка документов"):
        written = write_documents(
            problem, assignment, unplaced, doc_settings, catalogue, out, schedule
        )
    console.print(
        f"Документы записаны в {out}: приказ, книга закрепления, дорожные карты, "
        f"карт ИОМ: {fmt_int(len(written.iom_cards))}"
    )


scenario_app = typer.Typer(help="Сценарии «что если».", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("run")
def scenario_run(
    file: Annotated[Path, typer.Argument(help="Файл сценария (YAML)")],
    out: Annotated[Path, typer.Option("--out", help="Папка для результатов")] = Path("out"),
    region_path: Annotated[
        Path | None, typer.Option("--region", help="Регион (иначе — поле region сценария)")
    ] = None,
) -> None:
    """Выполнить сценарий: изменить регион, построить закрепление или план набора."""
    try:
        scenario = load_scenario(file)
        base = region_path or (file.parent / scenario.region if scenario.region else None)
        if base is None:
            raise ScenarioError(f"{file.name}: не указан регион (поле region или --region)")
        region = _region_or_exit(base)
        console.print(f"Сценарий: {scenario.name}")
        with console.status("Решение сценария"):
            outcome = run_scenario(region, scenario)
    except ScenarioError as exc:
        _exit_with(exc)
    if outcome.pool is not None:
        print_pool(outcome.pool, write_pool(outcome.pool, out))
    else:
        assert outcome.result is not None
        payload = write_solution(outcome.problem, outcome.result, out)
        print_result(outcome.problem, outcome.result, payload)
    console.print(f"Результаты записаны в {out}")
    raise typer.Exit(1 if outcome.status is Status.INFEASIBLE else 0)


token_app = typer.Typer(help="Токены доступа к API.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option("--role", help="Роль: viewer, planner или admin")],
) -> None:
    """Создать токен доступа; он печатается последней строкой и больше нигде не хранится."""
    if role not in ROLES:
        err_console.print(f"[red]Неизвестная роль «{role}»: viewer, planner или admin.[/red]")
        raise typer.Exit(2)
    token = create_token(open_database(), role)
    console.print(f"Токен с ролью {role} создан (база: {database_url()}). Сохраните его:")
    print(token)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Адрес")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Порт")] = 8000,
) -> None:
    """Запустить API (FastAPI); база — ASSIGN_DATABASE_URL или файл assign.db в текущей папке."""
    import uvicorn
    from api.app import create_app

    uvicorn.run(create_app(), host=host, port=port)


DEMO_SCHEDULE_SECONDS = 30.0


def default_data_dir() -> Path:
    """The repository's data/ folder (an editable install), else ./data."""
    repo_data = Path(__file__).resolve().parents[2] / "data"
    return repo_data if repo_data.is_dir() else Path("data")


@app.command()
def demo(
    data: Annotated[Path | None, typer.Option(help="Папка с регионами-примерами")] = None,
    out: Annotated[Path, typer.Option(help="Папка для результатов")] = Path("out"),
) -> None:
    """Основной сценарий на данных-примерах: проверка, сводка, закрепление, план набора,
    план года и документы."""
    data_dir = data or default_data_dir()
    regions = sorted(p for p in data_dir.iterdir() if p.is_dir() and (p / "teachers.csv").exists())
    if not regions:
        err_console.print(f"[red]В папке {data_dir} нет регионов-примеров.[/red]")
        raise typer.Exit(1)
    failed = False
    for folder in regions:
        console.rule(f"Регион: {folder.name}")
        result = _load(folder)
        if result.region is None:
            render_report(result.report)
            failed = True
            continue
        print_info(result)
        profile = PROFILES.get(folder.name)
        settings = AssignmentSettings(**(profile.demo_settings if profile else {}))
        console.print(
            f"Закрепление: норма {fmt_int(settings.load_min)}–"
            f"{fmt_int(settings.load_max)}, досягаемость «{settings.reach}» "
            f"{', '.join(map(str, settings.required_months))}"
        )
        problem, solved = run_solve(result.region, settings)
        payload = write_solution(problem, solved, out / folder.name)
        print_result(problem, solved, payload)
        console.print(f"Результаты записаны в {out / folder.name}")
        failed |= solved.status is Status.INFEASIBLE
        console.print("План набора методистов:")
        sized = size_pool(result.region, PoolSettings(assignment=settings))
        print_pool(sized, write_pool(sized, out / folder.name / "pool"))
        failed |= sized.status is Status.INFEASIBLE
        if solved.status is not Status.INFEASIBLE:
            doc_settings, catalogue = _document_inputs(folder, None, None)
            year = make_schedule(
                problem,
                solved.assignment,
                catalogue,
                load_calendar(),
                ScheduleSettings(time_limit=DEMO_SCHEDULE_SECONDS),
                out / folder.name / "schedule",
            )
            make_documents(
                problem,
                solved.assignment,
                doc_settings,
                catalogue,
                out / folder.name / "documents",
                year,
            )
    raise typer.Exit(1 if failed else 0)


if __name__ == "__main__":
    app()
