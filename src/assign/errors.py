"""Validation findings: stable codes for programs, Russian messages for people.

Every finding names where it comes from (file, row, column, value), so a planner can open the
file and fix it. Errors stop a region from loading; warnings are reported but keep the data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assign.validation import message_ru, number_ru


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    """Stable codes; the value is what programs and tests match on."""

    FILE_MISSING = "file_missing"
    FILE_UNREADABLE = "file_unreadable"
    FILE_ENCODING = "file_encoding"
    TABLE_EMPTY = "table_empty"
    TABLE_DUPLICATE = "table_duplicate"
    TABLE_UNKNOWN = "table_unknown"
    TABLE_TOO_LARGE = "table_too_large"
    COLUMN_MISSING = "column_missing"
    COLUMN_UNKNOWN = "column_unknown"
    COLUMN_DUPLICATE = "column_duplicate"
    VALUE_MISSING = "value_missing"
    VALUE_INVALID = "value_invalid"
    VALUE_TOO_LONG = "value_too_long"
    VALUE_CONTROL_CHARS = "value_control_chars"
    QUOTE_UNCLOSED = "quote_unclosed"
    DUPLICATE_ID = "duplicate_id"
    UNKNOWN_REFERENCE = "unknown_reference"
    UNKNOWN_SUBJECT = "unknown_subject"
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_MODE = "unknown_mode"
    COORDINATES_OUT_OF_RANGE = "coordinates_out_of_range"
    COORDINATES_MIXED = "coordinates_mixed"
    COORDINATES_MISSING = "coordinates_missing"
    BASE_MISSING = "base_missing"
    NO_SUBJECT = "no_subject"
    LOAD_RANGE_INVALID = "load_range_invalid"
    MONTHS_INVALID = "months_invalid"
    NO_METHODISTS = "no_methodists"
    DUPLICATE_ASSIGNMENT = "duplicate_assignment"
    # warnings
    SUBJECT_UNCOVERED = "subject_uncovered"
    SUBJECT_NO_METHODIST = "subject_no_methodist"
    ELIGIBILITY_UNCHECKED = "eligibility_unchecked"
    ASSIGNMENT_SUBJECT_MISMATCH = "assignment_subject_mismatch"
    ASSIGNMENT_METHODIST_GONE = "assignment_methodist_gone"
    ASSIGNMENT_TEACHER_GONE = "assignment_teacher_gone"
    FILE_ENCODING_GUESSED = "file_encoding_guessed"
    HEADER_ROW_FOUND = "header_row_found"
    HEADER_ROW_REPEATED = "header_row_repeated"
    LATIN_LETTERS = "latin_letters"
    STAFF_SKIPPED = "staff_skipped"
    PRIMARY_SUBJECT = "primary_subject"
    MATCHED_BY_NAME = "matched_by_name"
    SCHOOL_FAR = "school_far"
    SCHOOL_AT_CENTRE = "school_at_centre"
    DUPLICATE_PERSON = "duplicate_person"
    METHODIST_IDLE = "methodist_idle"
    METHODISTS_EXCESS = "methodists_excess"
    TRAVEL_FAR = "travel_far"


WARNING_CODES = frozenset(
    {
        Code.TABLE_UNKNOWN,
        Code.COLUMN_UNKNOWN,
        Code.SUBJECT_UNCOVERED,
        Code.SUBJECT_NO_METHODIST,
        Code.ELIGIBILITY_UNCHECKED,
        Code.ASSIGNMENT_SUBJECT_MISMATCH,
        Code.ASSIGNMENT_METHODIST_GONE,
        Code.ASSIGNMENT_TEACHER_GONE,
        Code.FILE_ENCODING_GUESSED,
        Code.HEADER_ROW_FOUND,
        Code.HEADER_ROW_REPEATED,
        Code.LATIN_LETTERS,
        Code.STAFF_SKIPPED,
        Code.PRIMARY_SUBJECT,
        Code.MATCHED_BY_NAME,
        Code.SCHOOL_FAR,
        Code.SCHOOL_AT_CENTRE,
        Code.DUPLICATE_PERSON,
        Code.METHODIST_IDLE,
        Code.METHODISTS_EXCESS,
        Code.TRAVEL_FAR,
    }
)

FIX_RU: dict[Code, str] = {
    Code.FILE_MISSING: "Добавьте файл или лист с таким названием (или его русским названием).",
    Code.FILE_UNREADABLE: "Откройте файл в Excel и сохраните заново как XLSX или «CSV UTF-8».",
    Code.FILE_ENCODING: "Сохраните файл как «CSV UTF-8 (разделитель — запятая)».",
    Code.TABLE_EMPTY: "Заполните таблицу: первая строка — заголовки, ниже — данные.",
    Code.TABLE_DUPLICATE: "Оставьте одну таблицу, вторую удалите или переименуйте.",
    Code.TABLE_UNKNOWN: "Если это данные региона, переименуйте лист или файл по шаблону.",
    Code.TABLE_TOO_LARGE: "Удалите лишние строки и столбцы: оставьте только таблицу региона.",
    Code.COLUMN_MISSING: "Добавьте столбец или переименуйте похожий по шаблону (assign template).",
    Code.COLUMN_UNKNOWN: "Ничего не нужно, если столбец не нужен программе.",
    Code.COLUMN_DUPLICATE: "Удалите повторный столбец или переименуйте его.",
    Code.VALUE_MISSING: "Заполните ячейку.",
    Code.VALUE_INVALID: "Исправьте значение в ячейке.",
    Code.VALUE_TOO_LONG: "Сократите текст ячейки; проверьте кавычки в CSV.",
    Code.QUOTE_UNCLOSED: 'Удалите лишнюю кавычку «"» в ячейке или закройте её.',
    Code.VALUE_CONTROL_CHARS: "Удалите невидимые символы из ячейки (или наберите текст заново).",
    Code.DUPLICATE_ID: "Дайте каждой записи свой код; один человек — один код.",
    Code.UNKNOWN_REFERENCE: "Укажите код (или точное название) из связанной таблицы.",
    Code.UNKNOWN_SUBJECT: "Выберите предмет из списка шаблона.",
    Code.UNKNOWN_CATEGORY: "Выберите категорию из списка шаблона.",
    Code.UNKNOWN_MODE: "Укажите автодорога, зимник, река или авиа.",
    Code.COORDINATES_OUT_OF_RANGE: "Проверьте координаты: широта −90…90, долгота −180…180.",
    Code.COORDINATES_MIXED: "Задайте координаты везде одинаково: lat, lon или x, y.",
    Code.COORDINATES_MISSING: "Укажите обе координаты или ни одной.",
    Code.BASE_MISSING: "Укажите муниципалитет, школу или координаты базирования.",
    Code.NO_SUBJECT: "Укажите хотя бы один предмет.",
    Code.LOAD_RANGE_INVALID: "Минимальная нагрузка должна быть не больше максимальной.",
    Code.MONTHS_INVALID: "Укажите номера месяцев 1–12 через «;» или диапазон «12-4».",
    Code.NO_METHODISTS: "Добавьте методистов или кандидатов.",
    Code.DUPLICATE_ASSIGNMENT: "Оставьте одну строку закрепления для педагога.",
    Code.SUBJECT_UNCOVERED: "Добавьте методиста или кандидата по этому предмету.",
    Code.SUBJECT_NO_METHODIST: "Назначьте методиста по предмету или наберите из кандидатов.",
    Code.ELIGIBILITY_UNCHECKED: "Заполните роль, категорию, образование и стаж кандидата.",
    Code.ASSIGNMENT_SUBJECT_MISMATCH: "Проверьте пару; при перепланировании она изменится.",
    Code.ASSIGNMENT_METHODIST_GONE: "Ничего не нужно, если методист действительно выбыл.",
    Code.ASSIGNMENT_TEACHER_GONE: "Удалите строку закрепления, если педагог выбыл.",
    Code.FILE_ENCODING_GUESSED: "Проверьте буквы; надёжнее сохранить файл как «CSV UTF-8».",
    Code.HEADER_ROW_FOUND: "Ничего не нужно, если заголовок найден верно.",
    Code.HEADER_ROW_REPEATED: "Ничего не нужно: повторы заголовка при выгрузке по страницам "
    "пропускаются; можно удалить их из файла.",
    Code.LATIN_LETTERS: "Замените латинские буквы русскими (исправлено при чтении).",
    Code.STAFF_SKIPPED: "Ничего не нужно, если это не учителя-предметники.",
    Code.PRIMARY_SUBJECT: "Проверьте: учитель начальных классов или учитель литературы.",
    Code.MATCHED_BY_NAME: "Надёжнее указывать коды; проверьте сопоставление.",
    Code.SCHOOL_FAR: "Проверьте координаты школы (широту и долготу, их порядок).",
    Code.SCHOOL_AT_CENTRE: "Укажите широту и долготу школы: так расстояния будут точнее.",
    Code.DUPLICATE_PERSON: "Если это один человек, оставьте один код.",
    Code.METHODIST_IDLE: "Проверьте предметы методиста или добавьте его педагогов.",
    Code.METHODISTS_EXCESS: "Уменьшите минимальную нагрузку или число методистов предмета.",
    Code.TRAVEL_FAR: "Проверьте координаты школы и базы методистов предмета.",
}


@dataclass(frozen=True)
class Issue:
    code: Code
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.code in WARNING_CODES else Severity.ERROR

    @property
    def location(self) -> str:
        """«teachers.csv, строка 12, поле «subject»» — the part a planner needs to find the cell."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"строка {self.row}")
        if self.column:
            parts.append(f"поле «{self.column}»")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location
        return (
            f"{where}: {self.message} [{self.code.value}]"
            if where
            else (f"{self.message} [{self.code.value}]")
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code.value,
            "severity": self.severity.value,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


LISTED_PER_GROUP = 21
"""Findings of one code in one column of one file kept in the list; the rest are counted only
(`summarised` lists 5 of a flood and tells how many more, with the rows of the next 11)."""
LISTED_PER_SEVERITY = 200
"""Errors, and warnings, a bounded report lists (the API's answer stays small)."""

_GroupKey = tuple[Code, str | None, str | None]


@dataclass
class Report:
    """Findings of one validation run, errors and warnings apart. `issues` lists them (a flood
    of one cause only in part, so a hostile file cannot fill the memory); `counts` has them all,
    by code."""

    issues: list[Issue] = field(default_factory=list)
    counts: Counter[Code] = field(default_factory=Counter)
    _group_sizes: Counter[_GroupKey] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = Counter(i.code for i in self.issues)
        self._group_sizes = Counter((i.code, i.file, i.column) for i in self.issues)

    def add(self, issue: Issue) -> None:
        self.counts[issue.code] += 1
        key = (issue.code, issue.file, issue.column)
        self._group_sizes[key] += 1
        if self._group_sizes[key] <= LISTED_PER_GROUP:
            self.issues.append(issue)

    def extend(self, issues: list[Issue]) -> None:
        for issue in issues:
            self.add(issue)

    @property
    def error_count(self) -> int:
        """All errors found, listed or not."""
        return sum(n for code, n in self.counts.items() if code not in WARNING_CODES)

    @property
    def warning_count(self) -> int:
        return sum(n for code, n in self.counts.items() if code in WARNING_CODES)

    @property
    def complete(self) -> bool:
        """Whether `issues` lists every finding (no flood summarised, nothing cut)."""
        return len(self.issues) == sum(self.counts.values())

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> set[str]:
        return {i.code.value for i in self.issues}

    def summarised(self, keep: int = 5, above: int = 20) -> Report:
        """The same findings with floods cut: past `above` findings of one code in one column
        of one file, the first `keep` are listed and one more finding counts the rest, so a
        single cause (a wrong column, a table given by names) does not bury the others."""
        groups: dict[_GroupKey, list[Issue]] = {}
        for issue in self.issues:
            groups.setdefault((issue.code, issue.file, issue.column), []).append(issue)
        out: list[Issue] = []
        emitted: set[_GroupKey] = set()
        for issue in self.issues:
            key = (issue.code, issue.file, issue.column)
            group = groups[key]
            size = max(len(group), self._group_sizes[key])
            if size <= above:
                out.append(issue)
                continue
            if key in emitted:
                continue
            emitted.add(key)
            out += group[:keep]
            rest = group[keep:]
            rows = [str(i.row) for i in rest if i.row is not None]
            more = size > len(group) or len(rows) > 10
            shown = ", ".join(rows[:10]) + (", …" if more else "")
            out.append(
                Issue(
                    issue.code,
                    f"и ещё таких же находок ({issue.code.value}): {size - keep:,}".replace(
                        ",", " "
                    )
                    + (f" в строках {shown}" if rows else "")
                    + f"; первая: {group[0].message}",
                    issue.file,
                    None,
                    issue.column,
                    None,
                )
            )
        return Report(out, Counter(self.counts))

    def bounded(self, limit: int = LISTED_PER_SEVERITY) -> Report:
        """The first `limit` errors and the first `limit` warnings, in order; `counts` still
        counts every finding."""
        kept: list[Issue] = []
        taken: Counter[Severity] = Counter()
        for issue in self.issues:
            taken[issue.severity] += 1
            if taken[issue.severity] <= limit:
                kept.append(issue)
        return Report(kept, Counter(self.counts))


class RegionInvalidError(Exception):
    """Raised by `load_region_or_raise` when the input has errors; carries the whole report."""

    def __init__(self, report: Report) -> None:
        self.report = report
        lines = [str(i) for i in report.errors[:20]]
        more = report.error_count - len(lines)
        if more > 0:
            lines.append(f"… и ещё {more} ошибок")
        super().__init__("Данные региона содержат ошибки:\n" + "\n".join(lines))


_PYDANTIC_RU = {
    "missing": "обязательное поле не заполнено",
    "int_parsing": "ожидается целое число",
    "int_type": "ожидается целое число",
    "int_from_float": "ожидается целое число",
    "float_parsing": "ожидается число",
    "float_type": "ожидается число",
    "bool_parsing": "ожидается да/нет (true/false)",
    "string_type": "ожидается текст",
    "date_parsing": "ожидается дата в виде ГГГГ-ММ-ДД",
    "date_from_datetime_parsing": "ожидается дата в виде ГГГГ-ММ-ДД",
    "date_type": "ожидается дата в виде ГГГГ-ММ-ДД",
    "tuple_type": "ожидается список",
    "list_type": "ожидается список",
    "dict_type": "ожидается набор полей",
    "model_type": "ожидается набор полей",
    "extra_forbidden": "неизвестное поле",
    "too_short": "список слишком короткий",
    "string_too_short": "пустое значение",
}
_BOUNDS_RU = {
    "greater_than": "должно быть больше {gt}",
    "greater_than_equal": "должно быть не меньше {ge}",
    "less_than": "должно быть меньше {lt}",
    "less_than_equal": "должно быть не больше {le}",
}


def validation_message_ru(error: Any) -> str:
    """A pydantic error in Russian: our own validators already speak Russian; the built-in
    checks are translated, with the allowed values or bounds where pydantic gives them."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in _BOUNDS_RU:
        return _BOUNDS_RU[kind].format(**{k: number_ru(v) for k, v in ctx.items()})
    if kind in ("literal_error", "enum"):
        return f"допустимые значения: {ctx.get('expected', '')}".replace(" or ", ", ")
    return _PYDANTIC_RU.get(kind) or message_ru(error)


def validation_lines_ru(exc: Any, source: str) -> list[str]:
    """«file: поле a.b: message» for each error of a pydantic ValidationError."""
    return [
        f"{source}: поле {'.'.join(str(p) for p in e['loc'])}: {validation_message_ru(e)}"
        for e in exc.errors()
    ]
