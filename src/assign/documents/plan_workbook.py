"""plan.xlsx — the one workbook a planner opens first: the whole plan in Russian, from the files
the stages saved (assignment/, pool/, schedule/), so it shows exactly what was saved.

Sheets: «Сводка», «Закрепление» (teachers with names, schools, municipalities, Russian
subject names, travel), «Потребность» (need and deficit per subject under the plan's norm),
«План набора» (candidates by name), «Не закреплены» (with the reasons), «Изменения»
(against the current order), «План года» (per methodist: date, time, event, format, school,
teachers' names, travel) and «Не запланировано». No sheet shows an ID alone: every person,
school and municipality appears by name.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from assign.assignment.changes import UNNAMED_FORMER
from assign.assignment.settings import AssignmentSettings
from assign.categories import CATEGORY_NAMES_RU
from assign.documents.context import ID_TOKEN, short_name
from assign.documents.workbook import Sheets, workbook_properties, write_table
from assign.domain import Region, Teacher
from assign.events.catalogue import FORMAT_RU
from assign.format import count_ru, fmt_int, fmt_number, months_after_v, ru_sort_key
from assign.io.safe_text import XLSX_TEXT_ONLY, csv_text_back
from assign.subjects import subject_name
from assign.summary import subject_capacity

NAMES_LISTED = 12  # teachers named in one row of the year plan

SHEETS = (
    "Сводка",
    "Закрепление",
    "Потребность",
    "План набора",
    "Не закреплены",
    "Изменения",
    "План года",
    "Не запланировано",
)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    for row in csv.DictReader(io.StringIO(text), delimiter=";" if ";" in first else ","):
        yield {k: csv_text_back(v or "") for k, v in row.items()}


def _yes(value: str) -> str:
    return "да" if value.strip() in {"1", "true", "True"} else "нет"


def _number(value: str, digits: int = 1) -> float | str:
    """A number cell (Excel shows it with the reader's decimal comma, sums and sorts it);
    «—» where the file has none."""
    try:
        number = round(float(value), digits)
    except ValueError:
        return "—"
    return number if math.isfinite(number) else "—"


class _Names:
    """Russian names of whatever the saved files hold by id."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self.municipality = {m.municipality_id: m.name for m in region.municipalities}
        self.person = {m.methodist_id: m.full_name for m in region.methodists}
        self.person |= {c.candidate_id: c.full_name for c in region.candidates}
        # one who left during the year held the events before she left (`effective_from`)
        self.person |= {m.methodist_id: m.full_name for m in region.former_methodists}
        self.teacher = region.teacher_by_id
        self.school = region.school_by_id
        # files name a teacher by the id as written (person_id) and the subject
        self.by_person: dict[str, list[Teacher]] = {}
        for t in region.teachers:
            self.by_person.setdefault(t.person_id, []).append(t)

    def find(self, teacher_id: str, subject: str = "") -> Teacher:
        """The teacher a file's row names: by the internal id, else by the id as written and
        the subject (a code or its Russian name)."""
        if teacher_id in self.teacher:
            return self.teacher[teacher_id]
        records = self.by_person[teacher_id]
        return next(
            (t for t in records if subject in (t.subject, subject_name(t.subject))), records[0]
        )

    def readable(self, text: str) -> str:
        """A reason with the ids it names replaced by names."""
        known = {**self.municipality, **{s: x.name for s, x in self.school.items()}, **self.person}
        return months_after_v(ID_TOKEN.sub(lambda m: known.get(m.group(0), m.group(0)), text))

    def teacher_names(self, ids: str) -> str:
        """Short names; a long list (a diagnostics of every teacher) names the first ones and
        counts the rest, so a row stays a few lines tall."""
        people = {  # a teacher of two subjects is in an event once
            self.teacher[t].person_id: short_name(self.teacher[t].full_name)
            for t in ids.split(";")
            if t in self.teacher
        }
        names = list(people.values())
        if len(names) <= NAMES_LISTED:
            return ", ".join(names)
        rest = len(names) - NAMES_LISTED
        return (
            f"{count_ru(len(names), 'педагог')}: {', '.join(names[:NAMES_LISTED])} "
            f"и ещё {fmt_int(rest)}"
        )


def assignment_rows(region: Region, names: _Names, folder: Path) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for row in _rows(folder / "assignments.csv"):
        teacher = names.find(row["teacher_id"], row.get("subject", ""))
        school = names.school[teacher.school_id]
        # a pool plan's methodist may be a candidate it recruits
        methodist = region.methodist_by_id.get(row["methodist_id"]) or region.candidate_by_id.get(
            row["methodist_id"]
        )
        rows.append(
            [
                teacher.full_name,
                school.name,
                names.municipality[school.municipality_id],
                subject_name(teacher.subject),
                ", ".join(CATEGORY_NAMES_RU[c] for c in region.teacher_categories(teacher)),
                methodist.full_name if methodist else "выбыл из актива",
                names.municipality[region.person_base(methodist)[1]] if methodist else "",
                _number(row["distance_km"], 2),
                _number(row["travel_hours"], 2),
                _yes(row["in_person"]),
                _yes(row["changed"]),
            ]
        )
    rows.sort(
        key=lambda r: (ru_sort_key(r[5]), ru_sort_key(r[2]), ru_sort_key(r[1]), ru_sort_key(r[0]))
    )
    return [[n, *r] for n, r in enumerate(rows, start=1)]


def need_rows(region: Region, settings: AssignmentSettings) -> list[list[Any]]:
    frame = subject_capacity(region, settings)
    rows = []
    for n, r in enumerate(frame.to_dict("records"), start=1):
        rows.append(
            [
                n,
                r["subject_name"],
                r["teachers"],
                round(float(r["load"]), 2),
                r["need"],
                # the most the norm's minimum allows; none when it has no minimum or cannot
                # divide the load (the note says why)
                int(r["need_most"]) if r["fits"] and _given(r["need_most"]) else "",
                r["methodists"],
                r["candidates"],
                r["deficit"],
                r["note"] or "",
            ]
        )
    return rows


def _pool_facts(folder: Path) -> list[tuple[str, int]]:
    """The pool plan's people, as the order counts them: in the pool, to invite, to release
    (none without a pool plan). A candidate or methodist of several subjects counts once."""
    path = folder / "kpi.json"
    if not path.is_file():
        return []
    pools = json.loads(path.read_text(encoding="utf-8")).get("pools", [])
    people = {
        kind: {p for pool in pools for p in pool.get(kind, [])}
        for kind in ("kept", "recruited", "released")
    }
    return [
        ("Методистов в пуле по плану", len(people["kept"] | people["recruited"])),
        ("Пригласить кандидатов", len(people["recruited"])),
        ("Вывести из актива", len(people["released"])),
    ]


def _given(value: Any) -> bool:
    """A number in a frame's column that also holds None (read back as NaN)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def recruitment_rows(names: _Names, folder: Path) -> list[list[Any]]:
    """One row per person to invite or to release, with every subject of theirs the pool
    plan counts them in (a candidate of history, ОДНКНР and ОРКСЭ is one row, not three),
    then one row per subject that needs no one."""
    path = folder / "kpi.json"
    if not path.is_file():
        return []
    plan = json.loads(path.read_text(encoding="utf-8")).get("recruitment_plan", [])
    decided: dict[tuple[str, str], tuple[str, list[str], list[str]]] = {}
    untouched = []
    unchecked = {person for item in plan for person in item.get("unchecked", [])}
    for item in plan:
        subject = subject_name(item["subject"])
        decisions = [
            *(("пригласить", person, muni) for person, muni in item["recruit"]),
            *(("вывести из актива", person, muni) for person, muni in item.get("release", [])),
        ]
        if not decisions:
            untouched.append(["набор не нужен", "", "", subject, _figures(item)])
        for decision, person, municipality in decisions:
            _, subjects, figures = decided.setdefault((decision, person), (municipality, [], []))
            subjects.append(subject)
            figures.append(_figures(item))
    rows = []
    for (decision, person), (muni, subjects, why) in decided.items():
        name = names.person.get(person, "без ФИО")
        note = UNCHECKED_NOTE if decision == "пригласить" and person in unchecked else ""
        rows.append([decision, name, muni, ", ".join(subjects), note + "; ".join(why)])
    rows.sort(key=lambda r: (r[0] != "пригласить", ru_sort_key(r[1])))
    return [[n, *r] for n, r in enumerate(rows + untouched, start=1)]


UNCHECKED_NOTE = "Соответствие 002 §3.4 не проверено: нет сведений о кандидате. "


def _figures(item: dict[str, Any]) -> str:
    """«Математика: по норме нужно 3, есть 2, не хватает 1; по расчёту пула — 3»."""
    text = f"{subject_name(item['subject'])}: по норме нужно {item['need']}, есть {item['have']}"
    text += f", не хватает {item['deficit']}" if item["deficit"] else ", дефицита по норме нет"
    return text + f"; по расчёту пула — {item['need_optimal']}"


def unplaced_rows(names: _Names, folder: Path) -> list[list[Any]]:
    rows = []
    for row in _rows(folder / "unplaced.csv"):
        teacher = names.find(row["teacher_id"], row.get("subject", ""))
        school = names.school[teacher.school_id]
        rows.append(
            [
                teacher.full_name,
                school.name,
                names.municipality[school.municipality_id],
                subject_name(teacher.subject),
                row["reason"],
            ]
        )
    rows.sort(key=lambda r: (ru_sort_key(r[2]), ru_sort_key(r[0])))
    return [[n, *r] for n, r in enumerate(rows, start=1)]


def change_rows(folder: Path) -> list[list[Any]]:
    rows = [
        [
            r["full_name"],
            r["school"],
            r["subject"],
            r["from_methodist"] or UNNAMED_FORMER,
            r["to_methodist"],
            r["reason"],
        ]
        for r in _rows(folder / "changes.csv")
    ]
    return [[n, *r] for n, r in enumerate(rows, start=1)]


def year_rows(names: _Names, folder: Path) -> list[list[Any]]:
    rows = []
    for r in _rows(folder / "schedule.csv"):
        start, end = datetime.fromisoformat(r["start"]), datetime.fromisoformat(r["end"])
        school = names.school.get(r.get("school_id", ""))
        municipality = names.municipality.get(r.get("municipality_id", ""), "")
        rows.append(
            [
                names.person.get(r["methodist_id"], "—"),
                start,
                start.date(),
                f"{start:%H:%M}–{end:%H:%M}",
                r.get("name", ""),
                FORMAT_RU.get(r.get("format", ""), r.get("format", "")),
                school.name if school else municipality,
                names.teacher_names(r["teacher_ids"]),
                _number(r.get("travel_hours", ""), 1) if r.get("travel_hours") else "—",
            ]
        )
    rows.sort(key=lambda r: (ru_sort_key(str(r[0])), r[1]))
    return [[n, r[0], *r[2:]] for n, r in enumerate(rows, start=1)]


def _events(folder: Path) -> int:
    """Events in the year plan, as the command's screen counts them: one event may meet
    several times (a row of the plan each)."""
    return len({r["event_id"] for r in _rows(folder / "schedule.csv")})


def unplanned_rows(names: _Names, folder: Path, catalogue_names: dict[str, str]) -> list[list[Any]]:
    rows = []
    for r in _rows(folder / "unplanned.csv"):
        key = (
            r.get("event_key") or r["event_id"].removeprefix(r["methodist_id"] + "-").split("-")[0]
        )
        rows.append(
            [
                names.person.get(r["methodist_id"], "—"),
                catalogue_names.get(key, key),
                names.teacher_names(r["teacher_ids"]),
                names.readable(r["reason"]),
            ]
        )
    rows.sort(key=lambda r: ru_sort_key(r[0]))
    return [[n, *r] for n, r in enumerate(rows, start=1)]


def write_plan_workbook(
    region: Region,
    settings: AssignmentSettings,
    run: Path,
    path: Path,
    *,
    region_name: str = "",
    school_year: str = "",
    catalogue_names: dict[str, str] | None = None,
    pool_dir: Path | None = None,
) -> Path:
    """plan.xlsx from the run folder `run` (assignment/, pool/, schedule/ as `run_plan`
    saves them; `pool_dir`: where the pool plan is when not in pool/ — a recruiting
    scenario's is its assignment); a stage not run leaves its sheet with a line saying so.
    `region` is the region with its candidates, not the pool's region of candidates as
    methodists: the summary and the need count methodists and candidates apart."""
    names = _Names(region)
    assignment_dir, schedule_dir = run / "assignment", run / "schedule"
    pool_dir = pool_dir or run / "pool"
    sheets = Sheets()
    book = xlsxwriter.Workbook(str(path), XLSX_TEXT_ONLY)
    book.set_properties(workbook_properties("План методического сопровождения", region_name))
    title = book.add_format({"bold": True, "font_size": 12})
    heading = f"План методического сопровождения: {region_name or 'регион'}" + (
        f", {school_year} учебный год" if school_year else ""
    )
    tables: list[tuple[str, str, tuple[str, ...], list[list[Any]], tuple[float, ...]]] = [
        (
            "Закрепление",
            "Закрепление педагогов за региональными методистами",
            (
                "№",
                "ФИО педагога",
                "Образовательная организация",
                "Муниципальное образование",
                "Предмет",
                "Категории",
                "Региональный методист",
                "Муниципальное образование методиста",
                "Расстояние, км",
                "Время в пути, ч",
                "Очно досягаем",
                "Методист сменился",
            ),
            assignment_rows(region, names, assignment_dir),
            (6, 22, 20, 16, 14, 14, 22, 16, 9, 9, 8, 9),
        ),
        (
            "Потребность",
            "Потребность в методистах по предметам (норма "
            f"{fmt_number(settings.load_min, 2)}–{fmt_number(settings.load_max, 2)})",
            (
                "№",
                "Предмет",
                "Педагогов",
                "Нагрузка",
                "Нужно методистов, не меньше",
                "Нужно методистов, не больше",
                "Есть методистов",
                "Кандидатов",
                "Дефицит",
                "Пояснение",
            ),
            need_rows(region, settings),
            (5, 22, 10, 10, 11, 11, 11, 11, 9, 40),
        ),
        (
            "План набора",
            "План набора в методический актив",
            (
                "№",
                "Решение",
                "ФИО",
                "Муниципальное образование",
                "Предметы",
                "Пояснение (по предметам)",
            ),
            recruitment_rows(names, pool_dir),
            (5, 16, 26, 20, 24, 60),
        ),
        (
            "Не закреплены",
            "Педагоги без закрепления и причины",
            (
                "№",
                "ФИО педагога",
                "Образовательная организация",
                "Муниципальное образование",
                "Предмет",
                "Причина",
            ),
            unplaced_rows(names, assignment_dir),
            (5, 24, 24, 18, 16, 43),
        ),
        (
            "Изменения",
            "Изменения закрепления относительно действующего приказа",
            (
                "№",
                "ФИО педагога",
                "Образовательная организация",
                "Предмет",
                "Был закреплён за",
                "Закреплён за",
                "Причина",
            ),
            change_rows(assignment_dir),
            (5, 24, 22, 15, 20, 20, 24),
        ),
        (
            "План года",
            "План года по региональным методистам",
            (
                "№",
                "Региональный методист",
                "Дата",
                "Время",
                "Мероприятие",
                "Формат",
                "Образовательная организация (место)",
                "Педагоги",
                "В пути, ч",
            ),
            year_rows(names, schedule_dir),
            (6, 20, 14, 11, 28, 10, 20, 32, 7),
        ),
        (
            "Не запланировано",
            "Мероприятия, не вошедшие в план года, и причины",
            ("№", "Региональный методист", "Мероприятие", "Педагоги", "Причина"),
            unplanned_rows(names, schedule_dir, catalogue_names or {}),
            (5, 22, 30, 30, 43),
        ),
    ]
    summary = book.add_worksheet(sheets.name("Сводка"))
    summary.write(0, 0, heading, title)
    summary.set_column(0, 0, 60)
    summary.set_column(1, 1, 16)
    summary.set_landscape()
    summary.set_paper(9)
    summary.fit_to_pages(1, 1)
    people = len({t.person_id for t in region.teachers})
    per_subject = " (по предметам)" if people != len(region.teachers) else ""
    facts = [
        ("Педагогов в регионе", people),
        *(
            [("Педагогов по предметам (ведущий два предмета — в каждом)", len(region.teachers))]
            if per_subject
            else []
        ),
        ("Региональных методистов", len(region.methodists)),
        ("Кандидатов", len(region.candidates)),
        *_pool_facts(pool_dir),
        ("Закреплено педагогов" + per_subject, len(tables[0][3])),
        ("Не закреплено педагогов" + per_subject, len(tables[3][3])),
        ("Сменили методиста" + per_subject, len(tables[4][3])),
        ("Мероприятий в плане года", _events(schedule_dir)),
        ("Встреч и занятий в плане года", len(tables[5][3])),
        ("Не запланировано мероприятий", len(tables[6][3])),
    ]
    for row, (label, value) in enumerate(facts, start=2):
        summary.write(row, 0, label)
        summary.write(row, 1, value)
    note = book.add_format({"text_wrap": True, "valign": "top"})
    summary.merge_range(
        len(facts) + 3,
        0,
        len(facts) + 3,
        1,
        "Листы: " + ", ".join(SHEETS[1:]) + ". CSV-файлы в папках этапов — для программ.",
        note,
    )
    summary.set_row(len(facts) + 3, 45)
    for sheet_name, caption, header, rows, widths in tables:
        sheet = book.add_worksheet(sheets.name(sheet_name))
        sheet.write(0, 0, caption, title)
        write_table(book, sheet, 2, header, rows, widths)
        if not rows:  # under the header, where the rows would be
            stage_kpi = {
                "План набора": pool_dir / "kpi.json",
                "План года": schedule_dir / "schedule_kpi.json",
                "Не запланировано": schedule_dir / "schedule_kpi.json",
            }.get(sheet_name)
            ran = stage_kpi is None or stage_kpi.is_file()
            sheet.write(3, 0, "Нет строк: " + ("таких нет" if ran else "этап не выполнялся"))
    book.close()
    return path


__all__ = ["SHEETS", "write_plan_workbook"]
