"""Every error and warning code, each provoked by a real bad file, located by file, row, column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from assign.errors import Code, Severity
from assign.io import load_region


def replace_in(file: str, old: str, new: str) -> Callable[[Path], Path]:
    def edit(folder: Path) -> Path:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return folder

    return edit


def write(file: str, text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def edit(folder: Path) -> Path:
        (folder / file).write_text(text, encoding=encoding)
        return folder

    return edit


def write_bytes(file: str, data: bytes) -> Callable[[Path], Path]:
    def edit(folder: Path) -> Path:
        (folder / file).write_bytes(data)
        return folder

    return edit


def append(file: str, line: str) -> Callable[[Path], Path]:
    def edit(folder: Path) -> Path:
        path = folder / file
        path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
        return folder

    return edit


def cp1251_teachers(folder: Path) -> Path:
    path = folder / "teachers.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251"))
    return folder


def delete(file: str) -> Callable[[Path], Path]:
    def edit(folder: Path) -> Path:
        (folder / file).unlink()
        return folder

    return edit


def broken_workbook(folder: Path) -> Path:
    path = folder / "region.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    return path


def planar_municipalities(folder: Path) -> Path:
    return write(
        "municipalities.csv", "municipality_id,name,x,y\nM1,А,0,0\nM2,Б,10,0\nM3,В,0,10\n"
    )(folder)


@dataclass
class Case:
    code: Code
    edit: Callable[[Path], Path]
    file: str | None
    row: int | None = None
    column: str | None = None
    in_message: str = ""


CASES = [
    Case(
        Code.FILE_MISSING,
        delete("teachers.csv"),
        "teachers.csv",
        in_message="нет обязательной таблицы «Педагоги» (лист «Педагоги» или файл teachers.csv)",
    ),
    Case(
        Code.FILE_ENCODING,
        write_bytes("teachers.csv", b"teacher_id,full_name\nT1,\x00\xff\xfe\x81\x00\x9f\n"),
        "teachers.csv",
        in_message="UTF-8",
    ),
    Case(Code.FILE_UNREADABLE, broken_workbook, "region.xlsx", in_message="XLSX"),
    Case(
        Code.TABLE_TOO_LARGE,
        replace_in("teachers.csv", "S1,Математика,,", "S1,Математика,," + "," * 300 + "x"),
        "teachers.csv",
        2,
        in_message="300 столбцов",
    ),
    Case(
        Code.VALUE_TOO_LONG,
        replace_in("schools.csv", "S1,СОШ № 1,", "S1," + "СОШ № 1 " * 80 + ","),
        "schools.csv",
        2,
        "name",
        "не больше 500",
    ),
    Case(
        # a stray quote before a name in a short file: the cell runs to the file's end
        Code.QUOTE_UNCLOSED,
        replace_in("teachers.csv", "T02,Петрова", 'T02,"Петрова'),
        "teachers.csv",
        3,
        "full_name",
        'кавычка «"», которая не закрыта: ячейка захватила 8 следующих строк файла',
    ),
    Case(
        Code.VALUE_CONTROL_CHARS,
        replace_in("teachers.csv", "Иванова Анна", "Иванова\x00Анна"),
        "teachers.csv",
        2,
        "full_name",
        "нулевой байт",
    ),
    Case(
        Code.TABLE_EMPTY,
        write("teachers.csv", "teacher_id,full_name,school_id,subject\n"),
        "teachers.csv",
    ),
    Case(
        Code.TABLE_DUPLICATE,
        write("Педагоги.csv", "teacher_id,full_name,school_id,subject\n"),
        "Педагоги.csv",
        in_message="дважды",
    ),
    Case(Code.TABLE_UNKNOWN, write("заметки.csv", "a,b\n1,2\n"), "заметки.csv"),
    Case(
        Code.COLUMN_MISSING,
        write("teachers.csv", "teacher_id,full_name,school_id\nT1,Иванова,S1\n"),
        "teachers.csv",
        1,
        "subject",
    ),
    Case(
        Code.COLUMN_UNKNOWN,
        replace_in("schools.csv", "low_results\n", "low_results,телефон\n"),
        "schools.csv",
        1,
        "телефон",
    ),
    Case(
        Code.COLUMN_DUPLICATE,
        replace_in("schools.csv", "name,", "name,Наименование,"),
        "schools.csv",
        1,
        "Наименование",
    ),
    Case(
        Code.VALUE_MISSING,
        replace_in("teachers.csv", "T03,Сидорова Елена Павловна,", "T03,,"),
        "teachers.csv",
        4,
        "full_name",
    ),
    Case(
        Code.VALUE_INVALID,
        replace_in("municipalities.csv", "53.20,41.50", "53.2О,41.50"),
        "municipalities.csv",
        3,
        "lat",
        "53.2О",
    ),
    Case(
        Code.VALUE_INVALID,
        replace_in("schools.csv", "53.21,41.52,да", "53.21,41.52,может быть"),
        "schools.csv",
        4,
        "low_results",
        "может быть",
    ),
    Case(
        Code.VALUE_INVALID,
        replace_in("teachers.csv", "expert,", "expert,-1"),
        "teachers.csv",
        10,
        "load_weight",
    ),
    Case(
        Code.VALUE_INVALID,
        replace_in("schools.csv", "S4,СОШ с. Южное,M3,,,", "S4,СОШ с. Южное,M3,,,,лишнее"),
        "schools.csv",
        5,
        None,
        "лишние значения",
    ),
    Case(
        Code.DUPLICATE_ID,
        replace_in("teachers.csv", "T05,", "T01,"),
        "teachers.csv",
        6,
        "teacher_id",
        "первый раз — строка 2",
    ),
    Case(
        Code.UNKNOWN_REFERENCE,
        replace_in("schools.csv", "S4,СОШ с. Южное,M3", "S4,СОШ с. Южное,M9"),
        "schools.csv",
        5,
        "municipality_id",
        "код «M9» отсутствует в таблице «Муниципалитеты»",
    ),
    Case(
        # the methodist left: deleted from methodists, the order left as it was
        Code.ASSIGNMENT_METHODIST_GONE,
        replace_in("current_assignment.csv", "T10,P2", "T10,P7"),
        "current_assignment.csv",
        7,
        "methodist_id",
        "«P7» нет в таблице «Методисты»: его педагогов закрепят за другими методистами — 1 педагог",
    ),
    Case(
        # the last methodist of a subject left: no one takes her teacher over (the review's
        # case, Tambov's only music methodist deleted, was told «закрепят за другими»)
        Code.ASSIGNMENT_METHODIST_GONE,
        replace_in(
            "methodists.csv",
            "P3,Новикова Татьяна Игоревна,Начальные классы;Иностранный язык (английский),,,"
            "52.25,41.62,0,300\n",
            "",
        ),
        "current_assignment.csv",
        6,
        "methodist_id",
        "«P3» нет в таблице «Методисты»: других методистов по предмету «Начальные классы» нет: "
        "1 педагог останется без закрепления",
    ),
    Case(
        Code.ASSIGNMENT_TEACHER_GONE,
        replace_in("current_assignment.csv", "T10,P2", "T99,P2"),
        "current_assignment.csv",
        7,
        "teacher_id",
        "«T99» нет в таблице «Педагоги»",
    ),
    Case(
        Code.UNKNOWN_SUBJECT,
        replace_in("teachers.csv", "S1,Математика", "S1,Матиматика"),
        "teachers.csv",
        2,
        "subject",
        "Возможно, имелось в виду: Математика",
    ),
    Case(
        Code.UNKNOWN_CATEGORY,
        replace_in("teachers.csv", "iom,", "отличник,"),
        "teachers.csv",
        3,
        "category",
        "«отличник»",
    ),
    Case(
        Code.UNKNOWN_MODE,
        write("transport.csv", "from_municipality,to_municipality,hours,mode\nM1,M2,3,телепорт\n"),
        "transport.csv",
        2,
        "mode",
        "«телепорт»",
    ),
    Case(
        Code.COORDINATES_OUT_OF_RANGE,
        replace_in("municipalities.csv", "52.72,41.45", "152.72,41.45"),
        "municipalities.csv",
        2,
        "lat",
    ),
    Case(Code.COORDINATES_MIXED, planar_municipalities, "schools.csv", 1, "lat"),
    Case(
        Code.COORDINATES_MISSING,
        replace_in("municipalities.csv", "52.20,41.60", ","),
        "municipalities.csv",
        4,
        "lat",
    ),
    Case(
        Code.COORDINATES_MISSING,
        replace_in("schools.csv", "52.73,41.47", "52.73,"),
        "schools.csv",
        3,
        "lat",
    ),
    Case(
        Code.BASE_MISSING,
        replace_in("methodists.csv", "Математика,M1,", "Математика,,"),
        "methodists.csv",
        2,
        "municipality_id",
    ),
    Case(
        Code.NO_SUBJECT,
        replace_in("methodists.csv", "Математика,M1", ",M1"),
        "methodists.csv",
        2,
        "subjects",
    ),
    Case(
        Code.LOAD_RANGE_INVALID,
        replace_in("methodists.csv", ",0,300", ",300,200"),
        "methodists.csv",
        4,
        "min_load",
    ),
    Case(
        Code.MONTHS_INVALID,
        write(
            "transport.csv",
            "from_municipality,to_municipality,hours,mode,months\nM1,M2,3,winter_road,12;13\n",
        ),
        "transport.csv",
        2,
        "months",
        "«12;13»",
    ),
    Case(
        Code.NO_METHODISTS,
        lambda f: delete("candidates.csv")(
            write("methodists.csv", "methodist_id,full_name,subjects,municipality_id\n")(f)
        ),
        "methodists.csv",
    ),
    Case(
        Code.DUPLICATE_ASSIGNMENT,
        replace_in("current_assignment.csv", "T02,P1", "T01,P1"),
        "current_assignment.csv",
        3,
        "teacher_id",
        "строка 2",
    ),
    Case(
        Code.SUBJECT_UNCOVERED,
        replace_in("teachers.csv", "S3,Физика", "S3,Химия"),
        "teachers.csv",
        11,
        "subject",
        "Химия",
    ),
    Case(
        # only a candidate teaches physics: `solve` cannot place its teacher, `pool` can
        Code.SUBJECT_NO_METHODIST,
        replace_in("methodists.csv", "Математика;Физика", "Математика"),
        "teachers.csv",
        11,
        "subject",
        "предмет «Физика» (1 педагог) не ведёт ни один методист, только кандидаты (1)",
    ),
    Case(
        # the others have coordinates: this one is taken at its municipality's centre, said
        Code.SCHOOL_AT_CENTRE,
        replace_in("schools.csv", "S2,СОШ № 2,M1,52.73,41.47,", "S2,СОШ № 2,M1,,,"),
        "schools.csv",
        3,
        "lat",
        "у школы «СОШ № 2» (S2) нет координат: расстояния до неё считаются от центра "
        "муниципалитета",
    ),
    Case(
        Code.ELIGIBILITY_UNCHECKED,
        lambda f: f,
        "candidates.csv",
        3,
        "candidate_id",
        "у кандидата «Павлов Олег Дмитриевич»",  # the value C2 names the row's code
    ),
    Case(
        Code.HEADER_ROW_REPEATED,  # an export page by page (the planner's review: «Предмет»
        # read as an unknown subject)
        replace_in(
            "teachers.csv",
            "\nT05,",
            "\nteacher_id,full_name,school_id,subject,category,load_weight\nT05,",
        ),
        "teachers.csv",
        6,
        None,
        "строка 6 повторяет заголовок таблицы",
    ),
    Case(
        Code.ASSIGNMENT_SUBJECT_MISMATCH,
        replace_in("current_assignment.csv", "T06,P3", "T06,P1"),
        "current_assignment.csv",
        6,
        "methodist_id",
        # people by name, their codes beside (the planner's review found codes alone)
        "методист Лебедева Наталья Викторовна («P1») не ведёт предмет педагога Поповой Ирины "
        "Юрьевны («T06»): начальные классы",
    ),
    # what people have: read with a warning that says what was done
    Case(
        Code.FILE_ENCODING_GUESSED,
        cp1251_teachers,
        "teachers.csv",
        in_message="Windows-1251",
    ),
    Case(
        Code.HEADER_ROW_FOUND,
        lambda f: write(
            "teachers.csv",
            "Список педагогов на 01.09.2026,,,\n"
            + (f / "teachers.csv").read_text(encoding="utf-8"),
        )(f),
        "teachers.csv",
        2,
        None,
        "строке 2",
    ),
    Case(
        Code.LATIN_LETTERS,
        replace_in("teachers.csv", "S3,Физика", "S3,Физикa"),
        "teachers.csv",
        11,
        "subject",
        "латинские буквы (a)",
    ),
    Case(
        Code.STAFF_SKIPPED,
        append("teachers.csv", "T11,Белова Нина Ивановна,S1,учитель-логопед,,"),
        "teachers.csv",
        12,
        "subject",
        "логопед — 1 (строка 12)",
    ),
    Case(
        Code.PRIMARY_SUBJECT,
        replace_in("teachers.csv", "S2,учитель начальных классов", "S2,Литературное чтение"),
        "teachers.csv",
        8,
        "subject",
        "«Начальные классы»",
    ),
    Case(
        Code.MATCHED_BY_NAME,
        replace_in("teachers.csv", "Петровна,S1,", "Петровна,сош №1,"),
        "teachers.csv",
        2,
        "school_id",
        "«сош №1» → S1",
    ),
    # plausibility
    Case(
        Code.SCHOOL_FAR,
        replace_in("schools.csv", "M1,52.72,41.45", "M1,41.45,52.72"),
        "schools.csv",
        2,
        "lat",
        "переставлены",
    ),
    Case(
        Code.DUPLICATE_PERSON,
        append("teachers.csv", "T11,ИВАНОВА  Анна Петровна,S1,Математика,,"),
        "teachers.csv",
        12,
        "teacher_id",
        "T01",
    ),
    Case(
        Code.METHODIST_IDLE,
        append("methodists.csv", "P4,Белов Пётр Ильич,Химия,M1,,,,,"),
        "methodists.csv",
        5,
        "subjects",
        "Химия",
    ),
    Case(
        Code.METHODISTS_EXCESS,
        replace_in("methodists.csv", "Математика,M1,,,,,", "Математика,M1,,,,50,"),
        "methodists.csv",
        2,
        "min_load",
        "педагогов 5",
    ),
    Case(
        Code.TRAVEL_FAR,
        replace_in("municipalities.csv", "52.20,41.60", "60.20,41.60"),
        "teachers.csv",
        6,
        "school_id",
        "ближайший методист",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code.value)
def test_error_code_is_reported_with_its_location(case: Case, small_copy: Path) -> None:
    target = case.edit(small_copy)
    result = load_region(target)
    found = [i for i in result.report.issues if i.code is case.code]
    assert found, [str(i) for i in result.report.issues]
    issue = found[0]
    assert issue.file == case.file
    assert issue.row == case.row
    assert issue.column == case.column
    assert case.in_message in issue.message
    assert str(issue).startswith(issue.location)
    if issue.severity is Severity.ERROR:
        assert result.region is None
    else:
        assert result.region is not None  # warnings never stop the region


def test_every_code_has_a_case() -> None:
    assert {c.code for c in CASES} == set(Code)


def test_all_problems_are_reported_at_once(small_copy: Path) -> None:
    replace_in("teachers.csv", "S1,Математика", "S1,Матиматика")(small_copy)
    replace_in("schools.csv", "S4,СОШ с. Южное,M3", "S4,СОШ с. Южное,M9")(small_copy)
    replace_in("methodists.csv", ",0,300", ",300,200")(small_copy)
    result = load_region(small_copy)
    assert {"unknown_subject", "unknown_reference", "load_range_invalid"} <= result.report.codes()


def test_a_failed_row_is_not_reported_again_as_a_missing_reference(small_copy: Path) -> None:
    """T01's own error is enough: its current pair must not add «unknown teacher T01»."""
    replace_in("teachers.csv", "S1,Математика", "S1,Матиматика")(small_copy)
    result = load_region(small_copy)
    assert [i.code for i in result.report.errors] == [Code.UNKNOWN_SUBJECT]


def test_an_empty_teachers_table_is_one_finding(small_copy: Path) -> None:
    """Headers only (the review's case: Tambov's 10 364 pairs of the order each said «нет
    педагога»): the table's emptiness is the one finding, the order's pairs do not repeat
    it."""
    write("teachers.csv", "teacher_id,full_name,school_id,subject\n")(small_copy)
    result = load_region(small_copy)
    assert [i.code for i in result.report.errors] == [Code.TABLE_EMPTY]
    assert Code.ASSIGNMENT_TEACHER_GONE.value not in result.report.codes()


def test_an_unclosed_quote_in_a_short_file_is_one_finding(small_copy: Path) -> None:
    """The review's case: the quote's row and the rows it swallowed are not reported again
    as empty fields or as teachers of the current order «gone»."""
    replace_in("teachers.csv", "T02,Петрова", 'T02,"Петрова')(small_copy)
    result = load_region(small_copy)
    assert [(i.code, i.row) for i in result.report.errors] == [(Code.QUOTE_UNCLOSED, 3)]
    assert Code.ASSIGNMENT_TEACHER_GONE.value not in result.report.codes()
