"""The files a planner fills and reads: an empty region workbook, and a findings workbook.

`write_template` gives the sheets the loader reads, Russian headers it recognises, drop-down
lists for subjects and categories and an instructions sheet, so a new region starts from a
file that loads. `write_findings` puts a validation report where the person who fixes the file
works: a sheet with the place, the value, what is wrong and how to fix it.
"""

from __future__ import annotations

from pathlib import Path

from assign.categories import CATEGORY_SHORT_RU
from assign.domain import MODE_NAMES_RU
from assign.errors import FIX_RU, Report, Severity
from assign.io.safe_text import openpyxl_row
from assign.io.tables import LOCATED_TABLES, LOCATION, TABLES, TableSpec
from assign.subjects import CATALOGUE

HEADERS_RU = {
    "municipality_id": "Код муниципалитета",
    "name": "Наименование",
    "lat": "Широта",
    "lon": "Долгота",
    "road_network": "Дорожная сеть",
    "school_id": "Код ОО",
    "low_results": "ШНОР",
    "teacher_id": "Код педагога",
    "full_name": "ФИО",
    "subject": "Предмет",
    "subjects": "Предметы",
    "category": "Категория",
    "load_weight": "Вес нагрузки",
    "phone": "Телефон",
    "position": "Должность",
    "methodist_id": "Код методиста",
    "min_load": "Мин. нагрузка",
    "max_load": "Макс. нагрузка",
    "candidate_id": "Код кандидата",
    "role": "Роль",
    "qualification_category": "Квалификационная категория",
    "pedagogical_education": "Педагогическое образование",
    "experience_years": "Стаж, лет",
    "from_municipality": "Откуда",
    "to_municipality": "Куда",
    "hours": "Часы",
    "mode": "Вид транспорта",
    "months": "Месяцы",
    "km": "Км",
    "from_id": "Откуда",
    "to_id": "Куда",
}
LISTS_SHEET = "Справочники"
DETAILS_SHEET = "Реквизиты"
"""The region workbook's sheet of the order's details: a planner who keeps the region in one
workbook fills them there, as no YAML file is needed (read by `documents.settings`)."""
DETAIL_LABELS: dict[str, str] = {
    "region_name": "Регион (субъект РФ)",
    "organization": "Полное наименование организации",
    "organization_short": "Краткое наименование организации",
    "city": "Город",
    "head_position": "Должность руководителя",
    "head_name": "ФИО руководителя",
    "order_number": "Номер приказа",
    "order_date": "Дата приказа",
    "previous_order_number": "Номер прежнего приказа (отменяется)",
    "previous_order_date": "Дата прежнего приказа",
    "control_position": "Контроль исполнения: должность",
    "control_name": "Контроль исполнения: ФИО",
}
"""Field → the label in the sheet's first column, in the sheet's order."""


YES_NO = ("да", "нет")

INSTRUCTIONS = (
    "Как заполнить книгу региона",
    "",
    "Каждый лист — одна таблица. Первая строка листа — заголовки; их не переименовывайте.",
    "Строки с названием над заголовком допустимы: программа найдёт строку заголовков сама.",
    "Обязательные листы: Муниципалитеты, Школы, Педагоги, Методисты (или Кандидаты).",
    "Коды (муниципалитета, ОО, педагога, методиста) — любые, но у каждой записи свой.",
    "Вместо кода ОО или муниципалитета можно написать точное название из листа «Школы» "
    "или «Муниципалитеты»: программа сопоставит его и предупредит.",
    "ФИО можно дать одним столбцом или тремя: «Фамилия», «Имя», «Отчество».",
    "Предмет выбирается из списка. Педагог двух предметов: оба через «;» в одной ячейке "
    "(«Математика; Физика») или по строке на предмет с одним кодом педагога.",
    "Логопеды, психологи и другие сотрудники без предмета пропускаются с предупреждением.",
    "Категории педагога (через «;»): " + ", ".join(CATEGORY_SHORT_RU.values()) + ".",
    "Координаты — широта и долгота в градусах (52,72 и 41,45); без координат школа "
    "считается в центре своего муниципалитета.",
    "Методист: предметы через «;», место базирования — код муниципалитета, код ОО или "
    "координаты; мин. и макс. нагрузка — число педагогов (пусто — по настройкам региона).",
    "ШНОР — «да» для школы с низкими образовательными результатами.",
    "Текущее закрепление — действующий приказ: пары «код педагога — код методиста».",
    "Реквизиты приказа (организация, город, руководитель, номер и дата) — на листе "
    "«Реквизиты», значение в столбце B; незаполненные останутся пропусками в документах.",
    "Проверка: assign validate ФАЙЛ --out отчёт.xlsx — все находки с листом, строкой, "
    "столбцом и подсказкой, как исправить.",
)

_TEMPLATE_TABLES = (
    "municipalities",
    "schools",
    "teachers",
    "methodists",
    "candidates",
    "current_assignment",
    "transport",
)


def template_columns(spec: TableSpec) -> list[str]:
    columns = list(spec.columns)
    if spec.name in LOCATED_TABLES:
        columns += list(LOCATION)
    return columns


def write_template(path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    guide = workbook.active
    guide.title = "Инструкция"
    for line in INSTRUCTIONS:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 120
    for cell in guide["A"]:
        cell.alignment = Alignment(wrap_text=True)

    lists = {
        "subject": [s.name for s in CATALOGUE],
        "category": list(CATEGORY_SHORT_RU.values()),
        "yes_no": list(YES_NO),
        "mode": list(MODE_NAMES_RU.values()),
    }
    specs = {spec.name: spec for spec in TABLES}
    for name in _TEMPLATE_TABLES:
        spec = specs[name]
        sheet = workbook.create_sheet(spec.label_ru)
        columns = template_columns(spec)
        sheet.append([HEADERS_RU.get(c, c) for c in columns])
        for i, column in enumerate(columns, 1):
            cell = sheet.cell(row=1, column=i)
            cell.font = Font(bold=True)
            letter = get_column_letter(i)
            sheet.column_dimensions[letter].width = max(14, len(cell.value) + 4)
            source = {
                "subject": "subject",
                "subjects": "subject",
                "category": "category",
                "low_results": "yes_no",
                "pedagogical_education": "yes_no",
                "mode": "mode",
            }.get(column)
            if source is None:
                continue
            list_column = get_column_letter(list(lists).index(source) + 1)
            formula = f"'{LISTS_SHEET}'!${list_column}$2:${list_column}${len(lists[source]) + 1}"
            # several values in one cell («Математика; Физика») stay allowed: a hint, not a lock
            several = column in ("subjects", "category", "subject")
            validation = DataValidation(
                type="list", formula1=formula, allow_blank=True, showErrorMessage=not several
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}50000")
        sheet.freeze_panes = "A2"
    details = workbook.create_sheet(DETAILS_SHEET)
    details.append(["Реквизит", "Значение"])
    for label in DETAIL_LABELS.values():
        details.append([label, None])
    details["A1"].font = details["B1"].font = Font(bold=True)
    details.column_dimensions["A"].width = 42
    details.column_dimensions["B"].width = 70
    reference = workbook.create_sheet(LISTS_SHEET)
    reference.append(["Предметы", "Категории", "Да/нет", "Виды транспорта"])
    longest = max(len(v) for v in lists.values())
    for i in range(longest):
        reference.append([values[i] if i < len(values) else None for values in lists.values()])
    reference.column_dimensions["A"].width = 50
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


FINDING_HEADERS = (
    "Лист или файл",
    "Строка",
    "Столбец",
    "Значение",
    "Что не так",
    "Как исправить",
    "Важность",
    "Код",
)


def write_findings(report: Report, path: Path) -> Path:
    """The report as a workbook: errors first, then warnings, with a filter on each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Находки"
    sheet.append(list(FINDING_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    error_fill = PatternFill("solid", fgColor="FDE2E1")
    for issue in [*report.errors, *report.warnings]:
        is_error = issue.severity is Severity.ERROR
        row = [
            issue.file or "",
            issue.row,
            issue.column or "",
            issue.value or "",
            issue.message,
            FIX_RU.get(issue.code, ""),
            "ошибка" if is_error else "предупреждение",
            issue.code.value,
        ]
        sheet.append(openpyxl_row(sheet, row))  # a value from the file stays text
        if is_error:
            for cell in sheet[sheet.max_row]:
                cell.fill = error_fill
    for letter, width in zip("ABCDEFGH", (34, 8, 22, 24, 90, 50, 16, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:H{max(sheet.max_row, 1)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
