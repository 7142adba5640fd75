"""The `assign` command: a thin shell over the library, in Russian for the ЦНППМ staff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assign.errors import Report
from assign.format import fmt_int, fmt_number
from assign.io import LoadResult, load_region
from assign.summary import NORMS, municipality_table, subject_by_municipality, subject_capacity

app = typer.Typer(
    help="Планирование регионального методического актива ЦНППМ.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

PathArg = Annotated[Path, typer.Argument(help="Папка с CSV-файлами региона или книга XLSX")]


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


def print_info(result: LoadResult) -> None:
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
    capacity = subject_capacity(region)
    table = Table(
        title="Предметы: педагоги, нагрузка и методисты по нормам",
        caption="Нужно — методистов при максимальной нагрузке нормы: "
        + "; ".join(norm.title for norm in NORMS),
    )
    for column in ("Предмет", "Педагогов", "Нагрузка", "Методистов", "Кандидатов"):
        table.add_column(column, justify="right" if column != "Предмет" else "left")
    for norm in NORMS:
        table.add_column(
            f"Нужно {fmt_int(norm.min_load)}–{fmt_int(norm.max_load)}", justify="right"
        )
    for row in capacity.to_dict("records"):
        cells = [
            row["subject_name"],
            fmt_int(row["teachers"]),
            fmt_number(row["load"], 1),
            fmt_int(row["methodists"]) + (f" ({row['shared']} общ.)" if row["shared"] else ""),
            fmt_int(row["candidates"]),
        ]
        for norm in NORMS:
            need = row[f"need_{norm.key}"]
            deficit = row[f"deficit_{norm.key}"]
            cells.append(
                f"{need}" + (f" [red](−{deficit})[/red]" if deficit else " [green]✓[/green]")
            )
        table.add_row(*cells)
    console.print(table)
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


def default_data_dir() -> Path:
    """The repository's data/ folder (an editable install), else ./data."""
    repo_data = Path(__file__).resolve().parents[2] / "data"
    return repo_data if repo_data.is_dir() else Path("data")


@app.command()
def demo(
    data: Annotated[Path | None, typer.Option(help="Папка с регионами-примерами")] = None,
) -> None:
    """Основной сценарий на данных-примерах: проверка и сводка по каждому региону."""
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
    raise typer.Exit(1 if failed else 0)


if __name__ == "__main__":
    app()
