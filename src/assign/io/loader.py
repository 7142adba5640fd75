"""Turn raw tables into a validated `Region`, reporting every problem at once.

Each row becomes a record (the record checks its own fields); the region then checks references
between records. Every finding keeps the file, row, column and value it is about. A row with an
error is never guessed at: the region is returned only when there are no errors at all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from assign.categories import is_qualification
from assign.domain import (
    TABLE_NAMES_RU,
    AssignmentPair,
    Candidate,
    CoordinateSystem,
    Methodist,
    Municipality,
    Region,
    School,
    Teacher,
    TransportLink,
    TravelTime,
    check_references,
    teacher_key,
)
from assign.errors import Code, Issue, RegionInvalidError, Report, Severity
from assign.format import count_ru
from assign.io.tables import (
    LOCATED_TABLES,
    LOCATION,
    PLANAR,
    SPEC_BY_NAME,
    TABLES,
    RawRegion,
    RawTable,
    read_tables,
    spellings,
)
from assign.subjects import (
    fix_lookalikes,
    is_primary_line,
    lookalike_letters,
    normalize,
    resolve_subject,
    split_subjects,
    staff_role,
    subject_name,
)

RECORD_TYPES: dict[str, type[BaseModel]] = {
    "municipalities": Municipality,
    "schools": School,
    "teachers": Teacher,
    "methodists": Methodist,
    "candidates": Candidate,
    "transport": TransportLink,
    "travel_times": TravelTime,
    "current_assignment": AssignmentPair,
}
ID_COLUMN = {
    "municipalities": "municipality_id",
    "schools": "school_id",
    "teachers": "teacher_id",
    "methodists": "methodist_id",
    "candidates": "candidate_id",
}
# the column a whole-record error is about, when pydantic gives no field
_RECORD_ERROR_COLUMN = {
    Code.COORDINATES_MISSING.value: "lat",
    Code.COORDINATES_OUT_OF_RANGE.value: "lat",
    Code.BASE_MISSING.value: "municipality_id",
    Code.LOAD_RANGE_INVALID.value: "min_load",
    Code.VALUE_MISSING.value: "km",
    Code.VALUE_INVALID.value: "km",
}
# what the file calls a record field
_FIELD_COLUMN = {"categories": "category"}


# text columns where Latin look-alike letters inside Cyrillic words are fixed and reported
_TEXT_COLUMNS = ("full_name", "name", "subject", "subjects", "category", "position", "role")
_PRIMARY = "Начальные классы"


@dataclass
class LoadResult:
    region: Region | None
    report: Report
    skipped: dict[str, list[int]] = field(default_factory=dict)
    """Table → rows deliberately not read (non-subject staff), each reported in a warning."""


def load_region(path: str | Path, name: str | None = None) -> LoadResult:
    """Read and validate a region folder or workbook; `region` is None when there are errors.
    `name` is the region's Russian name (its region.yaml); default: the folder's name."""
    raw = read_tables(Path(path))
    if name:
        raw.name = name
    return build_region(raw)


def load_region_or_raise(path: str | Path) -> Region:
    result = load_region(path)
    if result.region is None:
        raise RegionInvalidError(result.report)
    return result.region


def build_region(raw: RawRegion) -> LoadResult:
    """Records, then names resolved to codes, persons joined across subjects, references
    checked, plausibility warnings; floods of one cause are summarised at the end and the
    list is bounded (`Report.counts` keeps the number of every finding)."""
    result = _build_region(raw)
    return LoadResult(result.region, result.report.summarised().bounded(), result.skipped)


def _build_region(raw: RawRegion) -> LoadResult:
    report = Report()
    report.extend(raw.issues)
    if not raw.tables and not report.ok:
        return LoadResult(None, report)  # nothing could be read: the path itself is the problem
    for spec in TABLES:
        if (
            spec.required_table
            and spec.name not in raw.tables
            # a file that was found but could not be read (its encoding, a cell the reader
            # refused) has its error already: «нет таблицы» would be a second, false one
            and not any(
                i.severity is Severity.ERROR and i.file and i.file.startswith(spec.name)
                for i in raw.issues
            )
        ):
            report.add(
                Issue(
                    Code.FILE_MISSING,
                    f"нет обязательной таблицы «{spec.label_ru}» "
                    f"(лист «{spec.label_ru}» или файл {spec.name}.csv)",
                    file=f"{spec.name}.csv",
                )
            )
    coordinate_system = _coordinate_system(raw, report)
    records: dict[str, list[Any]] = {}
    failed_ids: set[str] = set()
    failed_tables: set[str] = set()
    skipped: dict[str, list[int]] = {}
    staff_ids: dict[str, tuple[str, int]] = {}  # teacher id → the staff role and row skipped
    # a table whose unclosed quote swallowed rows: what refers to those rows repeats it
    swallowed = {
        name
        for name, table in raw.tables.items()
        if any(i.code is Code.QUOTE_UNCLOSED and i.file == table.source for i in raw.issues)
    }
    for name, table in raw.tables.items():
        rows = _prepared_rows(table, report, skipped, staff_ids)
        records[name] = _records(table, rows, coordinate_system, report, failed_ids)
        if any(c not in table.headers for c in SPEC_BY_NAME[name].required):
            failed_tables.add(name)
        if not table.rows and name in ("municipalities", "schools", "teachers"):
            if name not in swallowed:  # empty since its quote ran on: that error says it
                report.add(
                    Issue(
                        Code.TABLE_EMPTY, "в таблице нет ни одной строки данных", file=table.source
                    )
                )
            failed_tables.add(name)  # the order's teachers «gone» would only repeat it
    failed_tables |= {n for n in SPEC_BY_NAME if n not in raw.tables} | swallowed
    unread = {spec.name for spec in TABLES if spec.required_table} - set(raw.tables)
    if unread or any(
        i.code in (Code.FILE_MISSING, Code.FILE_UNREADABLE, Code.FILE_ENCODING)
        for i in report.errors
    ):
        return LoadResult(None, report, skipped)
    hints = _resolve_names(raw, records, report, _teacher_municipalities(raw))
    _join_persons(records)
    _current_pairs_to_records(records)

    fields: dict[str, Any] = {
        "name": raw.name,
        "coordinate_system": coordinate_system,
        "sources": {name: table.source for name, table in raw.tables.items()},
        **{name: tuple(records.get(name, ())) for name in RECORD_TYPES},
    }
    draft = Region.model_construct(**fields)
    headers_by_source = {table.source: table.headers for table in raw.tables.values()}
    for issue in check_references(draft):
        # a reference to a row that already failed its own checks repeats that row's error
        if issue.code in _REPEATS_A_FAILED_ROW and issue.value in failed_ids:
            continue
        if _follows_from(issue, failed_tables, raw):
            continue  # a table that could not be read: its one error says it all
        if issue.code is Code.ASSIGNMENT_TEACHER_GONE and issue.value in staff_ids:
            role, row = staff_ids[issue.value]  # not gone: set aside as staff
            issue = replace(
                issue,
                message=f"«{issue.value}» в таблице «Педагоги» — {role} (строка {row}), не "
                "учитель-предметник: строка закрепления не учитывается",
            )
        hint = hints.get((issue.file, issue.row, issue.column))
        if hint:
            issue = replace(issue, message=issue.message + hint)
        written = headers_by_source.get(issue.file or "", {}).get(issue.column or "")
        report.add(replace(issue, column=written) if written else issue)
    if not report.ok:
        return LoadResult(None, report, skipped)
    region = Region(**fields)
    from assign.io.plausibility import plausibility_issues

    for issue in plausibility_issues(region):
        written = headers_by_source.get(issue.file or "", {}).get(issue.column or "")
        report.add(replace(issue, column=written) if written else issue)
    return LoadResult(region, report, skipped)


_REPEATS_A_FAILED_ROW = {
    Code.UNKNOWN_REFERENCE,
    Code.ASSIGNMENT_METHODIST_GONE,  # the methodist's row has an error, not the order
    Code.ASSIGNMENT_TEACHER_GONE,
    Code.SUBJECT_UNCOVERED,  # a methodist of that subject is on a row with an error
    Code.SUBJECT_NO_METHODIST,
}


def _subject_keys(text: str) -> set[str]:
    """The subjects of a row that failed, as a finding about an uncovered subject names them
    (its value is the subject's Russian name)."""
    codes = (resolve_subject(part) for part in split_subjects(text))
    return {subject_name(code) for code in codes if code}


# which table a finding's column points into, to drop findings that only repeat its failure
_TARGET_OF_COLUMN = {
    "school_id": "schools",
    "municipality_id": "municipalities",
    "from_municipality": "municipalities",
    "to_municipality": "municipalities",
}
_TARGET_OF_CODE = {
    Code.ASSIGNMENT_TEACHER_GONE: "teachers",
    Code.ASSIGNMENT_METHODIST_GONE: "methodists",
    Code.SUBJECT_UNCOVERED: "methodists",
    Code.SUBJECT_NO_METHODIST: "methodists",
    Code.ASSIGNMENT_SUBJECT_MISMATCH: "methodists",
    Code.NO_METHODISTS: "methodists",
}


def _follows_from(issue: Issue, failed_tables: set[str], raw: RawRegion) -> bool:
    target = _TARGET_OF_CODE.get(issue.code)
    if target is None and issue.code is Code.UNKNOWN_REFERENCE:
        target = _TARGET_OF_COLUMN.get(issue.column or "")
    if target is None or target not in failed_tables:
        return False
    if target == "methodists" and issue.code is Code.NO_METHODISTS:
        return "methodists" in raw.tables  # a missing file: NO_METHODISTS is the finding
    return target in raw.tables or target in ("schools", "municipalities", "teachers")


def _coordinate_system(raw: RawRegion, report: Report) -> CoordinateSystem:
    """Geographic (lat, lon) unless the municipalities give planar (x, y); never both."""
    municipalities = raw.tables.get("municipalities")
    planar = (
        municipalities is not None
        and all(c in municipalities.headers for c in PLANAR)
        and (not any(c in municipalities.headers for c in LOCATION))
    )
    wrong, right = (LOCATION, PLANAR) if planar else (PLANAR, LOCATION)
    for name in LOCATED_TABLES:
        table = raw.tables.get(name)
        if table is None:
            continue
        for column in wrong:
            if column in table.headers:
                report.add(
                    Issue(
                        Code.COORDINATES_MIXED,
                        f"в регионе координаты заданы как {', '.join(right)}, а в этом файле есть "
                        f"столбец «{table.headers[column]}»: все файлы должны использовать одну "
                        "систему координат",
                        file=table.source,
                        row=1,
                        column=table.headers[column],
                    )
                )
    return "planar" if planar else "geographic"


def _records(
    table: RawTable,
    rows: list[tuple[int, dict[str, str]]],
    coordinate_system: CoordinateSystem,
    report: Report,
    failed_ids: set[str],
) -> list[Any]:
    spec = SPEC_BY_NAME[table.name]
    planar = coordinate_system == "planar"
    point_columns = PLANAR if planar else LOCATION
    allowed = set(spec.columns) | (set(point_columns) if table.name in LOCATED_TABLES else set())
    for column in spec.required:
        if column not in table.headers:
            report.add(_missing_column(table, column))
    if any(c not in table.headers for c in spec.required):
        return []
    for column, written in table.headers.items():
        if column not in allowed and column not in (LOCATION + PLANAR):
            report.add(
                Issue(
                    Code.COLUMN_UNKNOWN,
                    f"столбец «{written}» не используется программой",
                    file=table.source,
                    row=table.header_row,
                    column=written,
                )
            )
    if table.name == "teachers":
        # read for skipping staff and for telling schools of one name apart; not record fields
        allowed -= {"position", "municipality_id"}
    record_type = RECORD_TYPES[table.name]
    column_of_field = {"lat": point_columns[0], "lon": point_columns[1]}
    records = []
    for row_number, values in rows:
        data: dict[str, Any] = {}
        for column, text in values.items():
            if column not in allowed or not text.strip():
                continue
            field = {"x": "lat", "y": "lon"}.get(column, column) if planar else column
            field = {"category": "categories"}.get(field, field)
            data[field] = text
        if table.name in LOCATED_TABLES:
            data["planar"] = planar
        try:
            record = record_type(row=row_number, **data)
        except ValidationError as exc:
            # what other rows may call this one by: its code, or (schools, municipalities)
            # its name; their findings would only repeat this row's error
            for column in (ID_COLUMN.get(table.name, ""), "name"):
                key = values.get(column, "").strip()
                if key:
                    failed_ids.add(key)
            if table.name in ("methodists", "candidates"):
                failed_ids.update(_subject_keys(values.get("subjects", "")))
            for error in exc.errors():
                report.add(_issue_from_error(error, table, row_number, values, column_of_field))
            continue
        records.append(record)
    return records


def _issue_from_error(
    error: Any, table: RawTable, row: int, values: dict[str, str], column_of_field: dict[str, str]
) -> Issue:
    kind = error["type"]
    field = str(error["loc"][0]) if error["loc"] else _RECORD_ERROR_COLUMN.get(kind, "")
    column = column_of_field.get(field) or _FIELD_COLUMN.get(field, field)
    written = table.headers.get(column, column)
    value = values.get(column, "")
    if kind in Code._value2member_map_:
        code, message = Code(kind), error["msg"]
    elif kind == "missing":
        code, message = Code.VALUE_MISSING, "не заполнено обязательное поле"
    elif kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        code, message = Code.VALUE_INVALID, f"«{value}» не является числом"
    else:
        code, message = Code.VALUE_INVALID, f"недопустимое значение «{value}»"
    return Issue(code, message, table.source, row, written, value)


# --- one error for a missing column ---------------------------------------------------------
def _missing_column(table: RawTable, column: str) -> Issue:
    """One finding that names what was expected, what the file has, and the likely match."""
    spec = SPEC_BY_NAME[table.name]
    names = spellings(spec, column)
    expected = f"«{column}»" + (f" (или «{names[1]}»)" if len(names) > 1 else "")
    written = list(table.headers.values())
    found = ", ".join(f"«{h}»" for h in written[:30]) + (", …" if len(written) > 30 else "")
    likely = _likely_header(names, table.unrecognised)
    message = f"нет обязательного столбца {expected}"
    if found:
        message += f"; в заголовке (строка {table.header_row}) найдены: {found}"
    if likely:
        message += f". Похоже, это столбец «{likely}»: переименуйте его в «{column}»"
    message += "; строки таблицы не проверялись"
    return Issue(
        Code.COLUMN_MISSING,
        message,
        file=table.source,
        row=table.header_row,
        column=column,
        value=likely,
    )


def _likely_header(names: list[str], unrecognised: list[str]) -> str | None:
    if not unrecognised:
        return None
    from rapidfuzz import fuzz, process

    keys = [normalize(n).replace("_", " ") for n in names]
    best: tuple[str, float] | None = None
    for header in unrecognised:
        match = process.extractOne(normalize(header), keys, scorer=fuzz.WRatio)
        if match is not None and (best is None or match[1] > best[1]):
            best = (header, match[1])
    if best is not None and best[1] >= 60:
        return best[0]
    return unrecognised[0] if len(unrecognised) == 1 else None


# --- rows as people write them --------------------------------------------------------------
def _prepared_rows(
    table: RawTable,
    report: Report,
    skipped: dict[str, list[int]],
    staff_ids: dict[str, tuple[str, int]],
) -> list[tuple[int, dict[str, str]]]:
    """Latin look-alikes fixed (each reported); for teachers, non-subject staff set aside (one
    warning; their ids in `staff_ids`, so the order's lines for them say so) and a cell of
    several subjects split into one row per subject."""
    if table.name == "teachers" and _holds_qualification(table):
        written = table.headers.pop("category")
        table.rows = [(n, {k: v for k, v in r.items() if k != "category"}) for n, r in table.rows]
        report.add(
            Issue(
                Code.COLUMN_UNKNOWN,
                f"в столбце «{written}» квалификационные категории (высшая, первая…), а не "
                "категории сопровождения (ИОМ, молодой педагог…): столбец не используется",
                table.source,
                table.header_row,
                written,
            )
        )
    rows: list[tuple[int, dict[str, str]]] = []
    staff: dict[str, list[int]] = defaultdict(list)
    primary: dict[str, list[int]] = defaultdict(list)
    for row_number, values in table.rows:
        fixed = dict(values)
        for column in _TEXT_COLUMNS:
            text = values.get(column)
            if not text:
                continue
            letters = lookalike_letters(text)
            if letters:
                fixed[column] = fix_lookalikes(text)
                shown = ", ".join(dict.fromkeys(letters))
                report.add(
                    Issue(
                        Code.LATIN_LETTERS,
                        f"в «{text.strip()}» латинские буквы ({shown}) вместо русских: "
                        f"прочитано как «{fixed[column].strip()}»",
                        table.source,
                        row_number,
                        table.headers.get(column, column),
                        text,
                    )
                )
        if table.name != "teachers":
            rows.append((row_number, fixed))
            continue
        subject = fixed.get("subject", "").strip()
        role = staff_role(subject) if subject and resolve_subject(subject) is None else None
        if role is None and not subject:
            role = staff_role(fixed.get("position", ""))
        if role is not None:
            staff[role].append(row_number)
            staff_ids[fixed.get("teacher_id", "").strip()] = (role, row_number)
            continue
        parts = split_subjects(subject) or [subject]
        seen: set[str] = set()
        for part in parts:
            if is_primary_line(part):
                primary[part].append(row_number)
                part = _PRIMARY
            code = resolve_subject(part) or part
            if code in seen:
                continue
            seen.add(code)
            rows.append((row_number, {**fixed, "subject": part}))
    if staff:
        numbers = sorted(n for ns in staff.values() for n in ns)
        skipped[table.name] = numbers
        listed = "; ".join(
            f"{role} — {len(ns)} ({_rows_text(ns)})" for role, ns in sorted(staff.items())
        )
        column = "subject" if "subject" in table.headers else "position"
        report.add(
            Issue(
                Code.STAFF_SKIPPED,
                f"пропущены сотрудники без предмета, которым не закрепляют методиста: {listed}",
                table.source,
                numbers[0],
                table.headers.get(column, column),
                ", ".join(sorted(staff)),
            )
        )
    for spelling, numbers in primary.items():
        report.add(
            Issue(
                Code.PRIMARY_SUBJECT,
                f"«{spelling}» — предмет начальной школы: {len(numbers)} пед. отнесены к "
                f"«{_PRIMARY}» ({_rows_text(numbers)}); если это учителя литературы или "
                "русского языка, укажите их предмет",
                table.source,
                numbers[0],
                table.headers.get("subject", "subject"),
                spelling,
            )
        )
    return rows


def _holds_qualification(table: RawTable) -> bool:
    """A registry's «Категория» is often the qualification category, not the support one."""
    values = [v["category"] for _, v in table.rows if v.get("category", "").strip()]
    if not values:
        return False
    hits = sum(1 for v in values if is_qualification(v))
    return hits * 2 > len(values)


def _rows_text(numbers: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    word = "строка" if len(numbers) == 1 else "строки"
    return f"{word} {shown}" + (", …" if len(numbers) > limit else "")


# --- names instead of codes -----------------------------------------------------------------
_NON_WORD = re.compile(r"[\W_]+")
_MUNICIPAL_WORDS = re.compile(
    r"\b(муниципальный|муниципального|район|района|округ|округа|городской|город|г|мр|мо|го)\b"
)


def name_key(text: str) -> str:
    """A name as compared with others: case, ё, quotes, punctuation and look-alikes folded."""
    return _NON_WORD.sub(" ", normalize(fix_lookalikes(text))).strip()


def _municipality_key(text: str) -> str:
    return " ".join(_MUNICIPAL_WORDS.sub(" ", name_key(text)).split())


_NAME_REFERENCES = (
    ("schools", "municipality_id", "municipalities"),
    ("teachers", "school_id", "schools"),
    ("methodists", "school_id", "schools"),
    ("methodists", "municipality_id", "municipalities"),
    ("candidates", "school_id", "schools"),
    ("candidates", "municipality_id", "municipalities"),
)


def _teacher_municipalities(raw: RawRegion) -> dict[int, str]:
    table = raw.tables.get("teachers")
    if table is None or "municipality_id" not in table.headers:
        return {}
    return {n: v["municipality_id"] for n, v in table.rows if v.get("municipality_id", "").strip()}


def _resolve_names(
    raw: RawRegion,
    records: dict[str, list[Any]],
    report: Report,
    teacher_municipality: dict[int, str],
) -> dict[tuple[str | None, int | None, str | None], str]:
    """Schools and municipalities given by name become their codes (one warning per column);
    a school name shared by several schools is told apart by the teacher's municipality
    column when there is one; an unknown or ambiguous name gets a hint for its error."""
    indices: dict[str, tuple[set[str], dict[str, list[str]], dict[str, str]]] = {}
    for target, id_column in (("schools", "school_id"), ("municipalities", "municipality_id")):
        ids = {getattr(r, id_column) for r in records.get(target, ())}
        by_name: dict[str, list[str]] = defaultdict(list)
        names: dict[str, str] = {}
        for record in records.get(target, ()):
            code = getattr(record, id_column)
            names[code] = record.name
            keys = {name_key(record.name)}
            if target == "municipalities":
                keys.add(_municipality_key(record.name))
            for key in keys:
                if key and code not in by_name[key]:
                    by_name[key].append(code)
        indices[target] = (ids, by_name, names)
    hints: dict[tuple[str | None, int | None, str | None], str] = {}
    suggestions_cache: dict[tuple[str, str], str] = {}
    for table, column, target in _NAME_REFERENCES:
        if table not in records or table not in raw.tables:
            continue
        ids, by_name, names = indices[target]
        if not ids:
            continue
        source = raw.tables[table].source
        matched: list[tuple[int | None, str, str]] = []
        updated = []
        for record in records[table]:
            value = getattr(record, column)
            if value is None or value in ids:
                updated.append(record)
                continue
            key = name_key(value)
            found = by_name.get(key) or (
                by_name.get(_municipality_key(value)) if target == "municipalities" else None
            )
            if (
                found
                and len(found) > 1
                and table == "teachers"
                and record.row in teacher_municipality
            ):
                found = _in_municipality(found, teacher_municipality[record.row], records)
            if found and len(found) == 1:
                matched.append((record.row, value, found[0]))
                updated.append(record.model_copy(update={column: found[0]}))
                continue
            updated.append(record)
            if found:
                hints[(source, record.row, column)] = (
                    f"; название «{value}» есть у нескольких записей ({', '.join(found)}): "
                    "укажите код"
                )
            else:
                cache_key = (target, key)
                if cache_key not in suggestions_cache:
                    suggestions_cache[cache_key] = _suggest_names(value, names)
                if suggestions_cache[cache_key]:
                    hints[(source, record.row, column)] = suggestions_cache[cache_key]
        records[table] = updated
        if matched:
            row, value, code = matched[0]
            written = raw.tables[table].headers.get(column, column)
            report.add(
                Issue(
                    Code.MATCHED_BY_NAME,
                    f"в столбце «{written}» названия вместо кодов, сопоставлены с таблицей "
                    f"«{TABLE_NAMES_RU.get(target, target)}» по названию: "
                    f"{count_ru(len(matched), 'строка')} "
                    f"(например, «{value}» → {code})",
                    source,
                    row,
                    written,
                    value,
                )
            )
    return hints


def _in_municipality(
    school_ids: list[str], written: str, records: dict[str, list[Any]]
) -> list[str]:
    """The schools among `school_ids` in the municipality written by code or by name."""
    wanted = {written.strip()}
    key, short = name_key(written), _municipality_key(written)
    for m in records.get("municipalities", ()):
        if name_key(m.name) == key or (short and _municipality_key(m.name) == short):
            wanted.add(m.municipality_id)
    municipality_of = {s.school_id: s.municipality_id for s in records.get("schools", ())}
    return [s for s in school_ids if municipality_of.get(s) in wanted]


def _suggest_names(value: str, names: dict[str, str]) -> str:
    from rapidfuzz import fuzz, process

    keys = {code: name_key(name) for code, name in names.items()}
    matches = process.extract(name_key(value), keys, scorer=fuzz.WRatio, limit=3, score_cutoff=75)
    if not matches:
        return ""
    shown = ", ".join(f"«{names[code]}» ({code})" for _, _, code in matches)
    return f". Возможно, имелось в виду: {shown}"


# --- one person, several subjects -----------------------------------------------------------
def _person_key(teacher: Teacher) -> tuple[str, str]:
    return (name_key(teacher.full_name), teacher.school_id)


def _join_persons(records: dict[str, list[Any]]) -> None:
    """Rows with one id, one person (name and school) and different subjects are one teacher
    in several subjects: each gets the record id `teacher_key(id, subject)`, `person_id` the id
    as written. Anything else with a repeated id stays as it is and is a duplicate id."""
    teachers: list[Teacher] = records.get("teachers", [])
    groups: dict[str, list[int]] = defaultdict(list)
    for index, teacher in enumerate(teachers):
        groups[teacher.teacher_id].append(index)
    for person_id, indices in groups.items():
        if len(indices) < 2:
            continue
        group = [teachers[i] for i in indices]
        same_person = len({_person_key(t) for t in group}) == 1
        distinct = len({t.subject for t in group}) == len(group)
        if not (same_person and distinct):
            continue
        for i, teacher in zip(indices, group, strict=True):
            teachers[i] = teacher.model_copy(
                update={"teacher_id": teacher_key(person_id, teacher.subject)}
            )


def _current_pairs_to_records(records: dict[str, list[Any]]) -> None:
    """A current pair names the person; it belongs to the record of the subject its methodist
    teaches (the first free one when the methodist teaches none of them)."""
    by_person: dict[str, list[Teacher]] = defaultdict(list)
    for teacher in records.get("teachers", []):
        if teacher.teacher_id != teacher.person_id:
            by_person[teacher.person_id].append(teacher)
    if not by_person or "current_assignment" not in records:
        return
    subjects_of = {m.methodist_id: set(m.subjects) for m in records.get("methodists", [])}
    taken: set[str] = set()
    pairs = []
    for pair in records["current_assignment"]:
        options = [t for t in by_person.get(pair.teacher_id, []) if t.teacher_id not in taken]
        if not options:
            pairs.append(pair)
            continue
        teaches = subjects_of.get(pair.methodist_id, set())
        chosen = next((t for t in options if t.subject in teaches), options[0])
        taken.add(chosen.teacher_id)
        pairs.append(pair.model_copy(update={"teacher_id": chosen.teacher_id}))
    records["current_assignment"] = pairs
