"""Messy workbooks built from the clean samples, the way planners' files really look.

A registry export or a hand-kept workbook has a title above the header, Russian headers,
names split into Фамилия/Имя/Отчество, schools and municipalities by name, abbreviated
subjects, a stray Latin letter, non-subject staff. `messy_workbook` writes such a workbook from
a clean CSV folder; the tests and `bench/validate_messy.py` load it and compare with the clean
region.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

SHEETS = {
    "municipalities": "Муниципалитеты",
    "schools": "Школы",
    "teachers": "Педагоги",
    "methodists": "Методисты",
    "candidates": "Кандидаты",
    "current_assignment": "Текущее закрепление",
}
HEADERS = {
    "municipality_id": "Код муниципалитета",
    "name": "Наименование",
    "lat": "Широта",
    "lon": "Долгота",
    "school_id": "Код ОО",
    "low_results": "ШНОР",
    "teacher_id": "Код педагога",
    "full_name": "ФИО",
    "subject": "Предмет",
    "subjects": "Предметы",
    "category": "Категория",
    "load_weight": "Вес нагрузки",
    "methodist_id": "Код методиста",
    "min_load": "Мин. нагрузка",
    "max_load": "Макс. нагрузка",
    "candidate_id": "Код кандидата",
    "role": "Роль",
    "qualification_category": "Квалификационная категория",
    "pedagogical_education": "Педагогическое образование",
    "experience_years": "Стаж",
}
SPELLINGS = {
    "Русский язык": "Русский яз.",
    "Математика": "Математика (алгебра, геометрия)",
    "Труд (технология)": "Технология (труд)",
    "Иностранный язык (английский)": "Англ. язык",
    "Химия": "\u0058имия",  # a Latin X
}
STAFF = ("учитель-логопед", "педагог-психолог", "социальный педагог")


def read_csv_folder(folder: Path) -> dict[str, list[list[str]]]:
    tables = {}
    for file in sorted(folder.glob("*.csv")):
        with file.open(encoding="utf-8") as handle:
            tables[file.stem] = list(csv.reader(handle))
    return tables


def messy_tables(clean: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    """The clean tables as a planner's workbook has them (same facts, messier writing)."""
    tables = {name: [list(row) for row in rows] for name, rows in clean.items()}
    municipality_name = {row[0]: row[1] for row in tables["municipalities"][1:]}
    schools = tables["schools"]
    school_name = {row[0]: row[1] for row in schools[1:]}
    school_municipality = {row[0]: row[2] for row in schools[1:]}
    # schools: municipalities by name under «Муниципальное образование»
    m_col = schools[0].index("municipality_id")
    schools[0][m_col] = "Муниципальное образование"
    for row in schools[1:]:
        row[m_col] = municipality_name[row[m_col]]
    # teachers: split names, schools and their districts by name, spellings, staff
    teachers = tables["teachers"]
    header = teachers[0]
    name_col, school_col, subject_col = (
        header.index("full_name"),
        header.index("school_id"),
        header.index("subject"),
    )
    out = [
        [
            *(HEADERS.get(h, h) for h in header[:name_col]),
            "Фамилия",
            "Имя",
            "Отчество",
            "Образовательная организация",
            *(HEADERS.get(h, h) for h in header[name_col + 1 :] if h != "school_id"),
            "Муниципальное образование",
        ]
    ]
    for row in teachers[1:]:
        parts = [*row[name_col].split(" "), "", "", ""][:3]
        school = row[school_col]
        subject = SPELLINGS.get(row[subject_col], row[subject_col])
        rest = [
            subject if i == subject_col else v
            for i, v in enumerate(row)
            if i > name_col and i != school_col
        ]
        # by name; a name shared by schools of several districts is told apart by the district
        municipality = municipality_name[school_municipality[school]]
        out.append([*row[:name_col], *parts, school_name[school], *rest, municipality])
    first_school = teachers[1][school_col]
    for i, role in enumerate(STAFF):
        width = len(out[0])
        staff_row = [f"STAFF-{i}", "Петрова", "Анна", "Ивановна", first_school, role]
        out.append(staff_row + [""] * (width - len(staff_row)))
    tables["teachers"] = out
    return tables


def write_workbook(tables: dict[str, list[list[str]]], path: Path, title_rows: bool = True) -> Path:
    """Sheets with Russian names and headers; a merged title and a blank line above each
    header; numbers stored as numbers, as Excel does."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(SHEETS.get(name, name))
        if title_rows:
            sheet.append([f"{SHEETS.get(name, name)} на 01.09.2026"])
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
            sheet.append([])
        sheet.append([HEADERS.get(h, h) for h in rows[0]])
        for row in rows[1:]:
            sheet.append([_number(v) for v in row])
    workbook.save(path)
    return path


def _number(value: str) -> object:
    try:
        return float(value) if "." in value else value
    except ValueError:
        return value


def messy_workbook(folder: Path, path: Path) -> Path:
    return write_workbook(messy_tables(read_csv_folder(folder)), path)
