"""The validated domain model: immutable records and the region that ties them together.

Validation has two layers. Each record checks its own fields (a known subject, coordinates in
range, a sane load range); `Region` checks the references between records (a teacher's school
exists, a methodist's base exists...). Both raise errors whose `type` is a stable `Code` value and
whose message is Russian, so the loader can turn them into findings with file and row.
Records keep the row they were read from (`row`) only to point a planner back to the input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from assign.categories import (
    CATEGORY_SHORT_RU,
    DEFAULT_WEIGHTS,
    Category,
    is_qualification,
    load_weight,
    resolve_category,
)
from assign.errors import Code, Issue
from assign.format import agree_verb, count_ru, name_case
from assign.geo import distance_matrix_km
from assign.subjects import (
    lookalike_letters,
    resolve_subject,
    split_subjects,
    subject_name,
    suggest_subjects,
)

MONTHS: tuple[int, ...] = tuple(range(1, 13))
CoordinateSystem = Literal["geographic", "planar"]


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _parse_number(value: Any) -> Any:
    """Accept the decimal comma of Russian spreadsheets ("52,95") and thin spaces in numbers."""
    value = _blank_to_none(value)
    if isinstance(value, str):
        return value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return value


_TRUE = {"1", "да", "true", "yes", "y", "д", "истина", "+"}
_FALSE = {"0", "нет", "false", "no", "n", "н", "ложь", "-"}


def _parse_bool(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise PydanticCustomError(
            Code.VALUE_INVALID.value,
            "значение «{value}» не распознано: ожидается «да» или «нет»",
            {"value": value},
        )
    return value


def _split_list(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return value


def parse_months(value: Any) -> Any:
    """ "12;1;2;3" or "12-4" (a range across the new year) or empty (all year) → sorted months."""
    value = _blank_to_none(value)
    if value is None:
        return MONTHS
    raw = value
    if isinstance(value, str):
        months: set[int] = set()
        for part in value.replace(",", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            try:
                if "-" in part:
                    start, end = (int(p) for p in part.split("-", 1))
                    if not (1 <= start <= 12 and 1 <= end <= 12):
                        raise ValueError
                    month = start
                    months.add(month)
                    while month != end:
                        month = month % 12 + 1
                        months.add(month)
                else:
                    months.add(int(part))
            except ValueError:
                raise PydanticCustomError(
                    Code.MONTHS_INVALID.value,
                    "месяцы «{value}» не распознаны: ожидаются номера 1–12 через «;» "
                    "или диапазон вида «12-4»",
                    {"value": value},
                ) from None
        value = months
    elif not isinstance(value, list | tuple | set | frozenset) or any(
        isinstance(m, bool) or not isinstance(m, int) for m in value
    ):
        raise PydanticCustomError(
            Code.MONTHS_INVALID.value,
            "месяцы «{value}» не распознаны: ожидается список номеров 1–12",
            {"value": str(raw)[:100]},
        )
    months_tuple = tuple(sorted(set(value)))
    if not months_tuple or any(not 1 <= m <= 12 for m in months_tuple):
        raise PydanticCustomError(
            Code.MONTHS_INVALID.value,
            "месяцы «{value}» вне диапазона 1–12",
            {"value": str(raw)},
        )
    return months_tuple


Number = Annotated[float, BeforeValidator(_parse_number)]
OptionalNumber = Annotated[float | None, BeforeValidator(_parse_number)]
Flag = Annotated[bool, BeforeValidator(_parse_bool)]
OptionalFlag = Annotated[bool | None, BeforeValidator(_parse_bool)]
IdList = Annotated[tuple[str, ...], BeforeValidator(_split_list)]
Months = Annotated[tuple[int, ...], BeforeValidator(parse_months)]
Text = Annotated[str, BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]


MAX_LOAD_WEIGHT = 100.0  # one teacher's load, in teachers of the default category


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    row: int | None = Field(default=None, exclude=True, repr=False)


def _check_point(lat: float | None, lon: float | None, planar: bool) -> None:
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        raise PydanticCustomError(
            Code.COORDINATES_MISSING.value,
            "указана только одна координата: нужны обе ({fields})",
            {"fields": "x, y" if planar else "lat, lon"},
        )
    if not planar and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PydanticCustomError(
            Code.COORDINATES_OUT_OF_RANGE.value,
            "координаты ({lat}; {lon}) вне допустимого диапазона: широта −90…90, долгота −180…180",
            {"lat": lat, "lon": lon},
        )


class Located(Record):
    """A record with an optional point: (lat, lon) in degrees, or planar (x, y) in km."""

    lat: OptionalNumber = None
    lon: OptionalNumber = None
    planar: bool = Field(default=False, exclude=True, repr=False)

    @model_validator(mode="after")
    def _point_in_range(self) -> Located:
        _check_point(self.lat, self.lon, self.planar)
        return self

    @property
    def point(self) -> tuple[float, float] | None:
        if self.lat is None or self.lon is None:
            return None
        return (self.lat, self.lon)


class Municipality(Located):
    municipality_id: Text
    name: Text
    road_network: OptionalText = None
    """Municipalities with the same label (blank = the region's main network) are joined by
    all-year roads; one with a label of its own is reached from outside only by `transport`."""

    @model_validator(mode="after")
    def _has_center(self) -> Municipality:
        if self.point is None:
            raise PydanticCustomError(
                Code.COORDINATES_MISSING.value,
                "у муниципалитета нет координат центра",
            )
        return self


class School(Located):
    school_id: Text
    name: Text
    municipality_id: Text
    low_results: Flag = False


def _subject_code(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    code = resolve_subject(value)
    if code is None:
        suggestions = suggest_subjects(value)
        hint = f" Возможно, имелось в виду: {', '.join(suggestions)}." if suggestions else ""
        latin = lookalike_letters(value)
        if latin:
            hint += f" В названии есть латинские буквы: {', '.join(dict.fromkeys(latin))}."
        raise PydanticCustomError(
            Code.UNKNOWN_SUBJECT.value,
            "неизвестный предмет «{value}».{hint}",
            {"value": value, "hint": hint},
        )
    return code


def _categories(value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace(",", ";")
    value = _split_list(value)
    if isinstance(value, list | tuple):  # a list from JSON or YAML is resolved the same way
        result = []
        for item in value:
            category = resolve_category(item) if isinstance(item, str) else item
            if category is None:
                names = ", ".join(f"«{n}»" for n in CATEGORY_SHORT_RU.values())
                kind = (  # a registry's qualification category in the support column
                    "«{value}» — квалификационная категория, а здесь нужна категория "
                    "сопровождения: допустимы {names} (пусто — «общая»)"
                    if isinstance(item, str) and is_qualification(item)
                    else "неизвестная категория «{value}»: допустимы {names}"
                )
                raise PydanticCustomError(
                    Code.UNKNOWN_CATEGORY.value, kind, {"value": item, "names": names}
                )
            result.append(category)
        return tuple(result)
    return value


SubjectCode = Annotated[str, BeforeValidator(_subject_code)]


def teacher_key(person_id: str, subject: str) -> str:
    """The record id of one subject of a teacher who teaches several: «T01#physics»."""
    return f"{person_id}#{subject}"


class Teacher(Record):
    """One teacher in one subject. A person who teaches several subjects is one record per
    subject (`teacher_id` = `teacher_key(person_id, subject)`), so the solver sees independent
    teachers; `person_id` keeps the id as the planner wrote it, for documents and output."""

    teacher_id: Text
    full_name: Text
    school_id: Text
    subject: SubjectCode
    categories: Annotated[tuple[Category, ...], BeforeValidator(_categories)] = ()
    load_weight: OptionalNumber = None
    person_id: Text = ""
    phone: OptionalText = None

    @model_validator(mode="before")
    @classmethod
    def _person_is_the_teacher(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("person_id"):
            return {**data, "person_id": data.get("teacher_id", "")}
        return data

    @field_validator("load_weight")
    @classmethod
    def _positive_weight(cls, value: float | None) -> float | None:
        if value is not None and not 0 < value <= MAX_LOAD_WEIGHT:
            raise PydanticCustomError(
                Code.VALUE_INVALID.value,
                "вес нагрузки должен быть больше нуля и не больше "
                f"{MAX_LOAD_WEIGHT:g}, указано {{value}}",
                {"value": value},
            )
        return value


def _subject_codes(value: Any) -> Any:
    """«Математика; Физика» or «Физика, информатика»: a comma inside a catalogue name or
    brackets («Математика (алгебра, геометрия)») does not split."""
    value = _blank_to_none(value)
    if isinstance(value, str):
        value = tuple(split_subjects(value))
    value = _split_list(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        # a list from JSON or YAML is resolved the same way; other items fail as not text
        return tuple(dict.fromkeys(_subject_code(v) for v in value))
    return value


class Person(Located):
    """A methodist or a candidate: subjects and a base (municipality, school or a point)."""

    full_name: Text
    subjects: Annotated[tuple[str, ...], BeforeValidator(_subject_codes)] = Field(
        default=(), validate_default=True
    )
    municipality_id: OptionalText = None
    school_id: OptionalText = None

    @field_validator("subjects")
    @classmethod
    def _at_least_one(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise PydanticCustomError(Code.NO_SUBJECT.value, "не указан ни один предмет")
        return value

    @model_validator(mode="after")
    def _has_base(self) -> Person:
        if self.municipality_id is None and self.school_id is None and self.point is None:
            raise PydanticCustomError(
                Code.BASE_MISSING.value,
                "не указано место базирования: нужен municipality_id, school_id или координаты",
            )
        return self


def _plain(value: float | None) -> str:
    """A load as a planner typed it: «1000», «2,5»."""
    if value is None:
        return ""
    return f"{value:g}".replace(".", ",")


class Methodist(Person):
    methodist_id: Text
    min_load: OptionalNumber = None
    max_load: OptionalNumber = None

    @model_validator(mode="after")
    def _load_range(self) -> Methodist:
        low, high = self.min_load, self.max_load
        wrong = None
        if low is not None and low < 0:
            wrong = "минимальная нагрузка {low} меньше нуля"
        elif high is not None and high <= 0:
            wrong = "максимальная нагрузка {high} должна быть больше нуля"
        elif low is not None and high is not None and low > high:
            wrong = "минимальная нагрузка {low} больше максимальной {high}"
        if wrong is not None:
            raise PydanticCustomError(
                Code.LOAD_RANGE_INVALID.value,
                "недопустимые пределы нагрузки: " + wrong,
                {"low": _plain(low), "high": _plain(high)},
            )
        return self

    @property
    def person_id(self) -> str:
        return self.methodist_id


class Candidate(Person):
    candidate_id: Text
    role: OptionalText = None
    qualification_category: OptionalText = None
    pedagogical_education: OptionalFlag = None
    experience_years: OptionalNumber = None

    @property
    def person_id(self) -> str:
        return self.candidate_id

    @property
    def eligibility_known(self) -> bool:
        return any(
            v is not None
            for v in (
                self.role,
                self.qualification_category,
                self.pedagogical_education,
                self.experience_years,
            )
        )


class Mode(StrEnum):
    ROAD = "road"
    WINTER_ROAD = "winter_road"
    RIVER = "river"
    AIR = "air"


MODE_NAMES_RU = {
    Mode.ROAD: "автодорога",
    Mode.WINTER_ROAD: "зимник",
    Mode.RIVER: "река",
    Mode.AIR: "авиа",
}


def _mode(value: Any) -> Any:
    if isinstance(value, str):
        key = value.strip().lower()
        for mode, name in MODE_NAMES_RU.items():
            if key in (mode.value, name):
                return mode
        raise PydanticCustomError(
            Code.UNKNOWN_MODE.value,
            "неизвестный вид транспорта «{value}»: допустимы road, winter_road, river, air",
            {"value": value},
        )
    return value


class TransportLink(Record):
    from_municipality: Text
    to_municipality: Text
    hours: Number
    mode: Annotated[Mode, BeforeValidator(_mode)]
    months: Months = MONTHS
    km: OptionalNumber = None

    @field_validator("hours")
    @classmethod
    def _positive_hours(cls, value: float) -> float:
        if value < 0:
            raise PydanticCustomError(
                Code.VALUE_INVALID.value,
                "время в пути не может быть отрицательным: {value}",
                {"value": value},
            )
        return value


class TravelTime(Record):
    from_id: Text
    to_id: Text
    km: OptionalNumber = None
    hours: OptionalNumber = None
    months: Months = MONTHS

    @model_validator(mode="after")
    def _km_or_hours(self) -> TravelTime:
        if self.km is None and self.hours is None:
            raise PydanticCustomError(
                Code.VALUE_MISSING.value, "нужно указать km или hours (или оба)"
            )
        for value in (self.km, self.hours):
            if value is not None and value < 0:
                raise PydanticCustomError(
                    Code.VALUE_INVALID.value, "расстояние и время не могут быть отрицательными"
                )
        return self


class AssignmentPair(Record):
    teacher_id: Text
    methodist_id: Text


TABLE_NAMES_RU: dict[str, str] = {
    "municipalities": "Муниципалитеты",
    "schools": "Школы",
    "teachers": "Педагоги",
    "methodists": "Методисты",
    "candidates": "Кандидаты",
    "transport": "Транспорт",
    "travel_times": "Время в пути",
    "current_assignment": "Текущее закрепление",
}
"""The region's tables as a planner knows them: the template's sheet names."""


class Region(BaseModel):
    """A whole region: everything the planners know, with references checked.

    Construct it through `assign.io.load_region` (which reports problems with file and row) or
    directly; either way `check_references` must find nothing, or construction fails.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    coordinate_system: CoordinateSystem = "geographic"
    municipalities: tuple[Municipality, ...]
    schools: tuple[School, ...]
    teachers: tuple[Teacher, ...]
    methodists: tuple[Methodist, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    transport: tuple[TransportLink, ...] = ()
    travel_times: tuple[TravelTime, ...] = ()
    current_assignment: tuple[AssignmentPair, ...] = ()
    former_methodists: tuple[Methodist, ...] = ()
    """Methodists who left (a scenario's `remove_methodists`) while the current order still
    names them: the change list and the order name them, not their code."""
    sources: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)
    """Table name → its file as messages name it ("teachers.csv", "r.xlsx, лист «teachers»")."""

    @model_validator(mode="after")
    def _references_hold(self) -> Region:
        errors = [i for i in check_references(self) if i.severity.value == "error"]
        if errors:
            raise ValueError("; ".join(str(i) for i in errors[:10]))
        return self

    def changed(self, **fields: Any) -> Region:
        """This region with some tables replaced, references checked again (a frozen model's
        `model_copy` would skip that check and keep stale indices)."""
        current = {name: getattr(self, name) for name in type(self).model_fields}
        return Region.model_validate(current | fields)

    # --- indices --------------------------------------------------------------------------
    @cached_property
    def municipality_by_id(self) -> dict[str, Municipality]:
        return {m.municipality_id: m for m in self.municipalities}

    @cached_property
    def school_by_id(self) -> dict[str, School]:
        return {s.school_id: s for s in self.schools}

    @cached_property
    def teacher_by_id(self) -> dict[str, Teacher]:
        return {t.teacher_id: t for t in self.teachers}

    @cached_property
    def methodist_by_id(self) -> dict[str, Methodist]:
        return {m.methodist_id: m for m in self.methodists}

    @cached_property
    def former_methodist_by_id(self) -> dict[str, Methodist]:
        return {m.methodist_id: m for m in self.former_methodists}

    @cached_property
    def candidate_by_id(self) -> dict[str, Candidate]:
        return {c.candidate_id: c for c in self.candidates}

    @cached_property
    def teacher_names(self) -> frozenset[str]:
        """Every id a teacher goes by: each record's id and the person's own."""
        return frozenset(self.teacher_by_id) | {t.person_id for t in self.teachers}

    @cached_property
    def teachers_by_subject(self) -> dict[str, list[Teacher]]:
        groups: dict[str, list[Teacher]] = defaultdict(list)
        for teacher in self.teachers:
            groups[teacher.subject].append(teacher)
        return dict(groups)

    @cached_property
    def subjects_of_person(self) -> dict[str, tuple[str, ...]]:
        """Each person's subjects: a teacher of two subjects has a record per subject."""
        subjects: dict[str, list[str]] = defaultdict(list)
        for teacher in self.teachers:
            subjects[teacher.person_id].append(teacher.subject)
        return {person: tuple(s) for person, s in subjects.items()}

    @cached_property
    def current_methodist_of(self) -> dict[str, str]:
        return {pair.teacher_id: pair.methodist_id for pair in self.current_assignment}

    @property
    def subjects(self) -> list[str]:
        return sorted(self.teachers_by_subject)

    def school_point(self, school: School) -> tuple[float, float]:
        """The school's own point, or its municipality's centre when it has none."""
        point = school.point
        if point is None:
            point = self.municipality_by_id[school.municipality_id].point
        assert point is not None
        return point

    def school_municipality(self, school_id: str) -> str:
        return self.school_by_id[school_id].municipality_id

    def teacher_categories(self, teacher: Teacher) -> tuple[Category, ...]:
        """Declared categories, plus `low_results` for a teacher of a school flagged so."""
        categories = list(teacher.categories)
        if self.school_by_id[teacher.school_id].low_results and (
            Category.LOW_RESULTS not in categories
        ):
            categories.append(Category.LOW_RESULTS)
        return tuple(categories) or (Category.GENERAL,)

    def teacher_weight(
        self, teacher: Teacher, weights: dict[Category, float] | None = None
    ) -> float:
        if teacher.load_weight is not None:
            return teacher.load_weight
        return load_weight(self.teacher_categories(teacher), weights or DEFAULT_WEIGHTS)

    def person_base(self, person: Person) -> tuple[tuple[float, float], str]:
        """Where a methodist or candidate starts their trips: a point and its municipality.

        A base given only by coordinates belongs to the municipality with the nearest centre.
        """
        if person.point is not None:
            point = person.point
            if person.municipality_id is not None:
                return point, person.municipality_id
            if person.school_id is not None:
                return point, self.school_municipality(person.school_id)
            return point, self._nearest_municipality(point)
        if person.school_id is not None:
            school = self.school_by_id[person.school_id]
            return self.school_point(school), school.municipality_id
        assert person.municipality_id is not None
        center = self.municipality_by_id[person.municipality_id].point
        assert center is not None
        return center, person.municipality_id

    def _nearest_municipality(self, point: tuple[float, float]) -> str:
        centers = np.array([m.point for m in self.municipalities], dtype=float)
        distances = distance_matrix_km(np.array([point]), centers, self.coordinate_system)[0]
        return self.municipalities[int(distances.argmin())].municipality_id

    def iter_people(self) -> Iterator[Methodist | Candidate]:
        yield from self.methodists
        yield from self.candidates


def _issue(
    region: Region,
    table: str,
    row: int | None,
    column: str | None,
    value: str | None,
    code: Code,
    message: str,
) -> Issue:
    source = region.sources.get(table, f"{table}.csv")
    return Issue(code, message, source, row, column, value)


def check_references(region: Region) -> list[Issue]:
    """Reference checks between records: the second layer of validation."""
    issues: list[Issue] = []
    issues += _duplicate_ids(region)
    munis = {m.municipality_id for m in region.municipalities}
    schools = {s.school_id: s for s in region.schools}
    methodists = {m.methodist_id: m for m in region.methodists}
    teachers = {t.teacher_id: t for t in region.teachers}

    def unknown(table: str, row: int | None, column: str, value: str, target: str) -> None:
        issues.append(
            _issue(
                region,
                table,
                row,
                column,
                value,
                Code.UNKNOWN_REFERENCE,
                f"код «{value}» отсутствует в таблице «{TABLE_NAMES_RU[target]}»",
            )
        )

    for school in region.schools:
        if school.municipality_id not in munis:
            unknown(
                "schools", school.row, "municipality_id", school.municipality_id, "municipalities"
            )
    for teacher in region.teachers:
        if teacher.school_id not in schools:
            unknown("teachers", teacher.row, "school_id", teacher.school_id, "schools")
    for table, people in (("methodists", region.methodists), ("candidates", region.candidates)):
        for person in people:
            if person.municipality_id is not None and person.municipality_id not in munis:
                unknown(
                    table, person.row, "municipality_id", person.municipality_id, "municipalities"
                )
            if person.school_id is not None and person.school_id not in schools:
                unknown(table, person.row, "school_id", person.school_id, "schools")
    for link in region.transport:
        for column, value in (
            ("from_municipality", link.from_municipality),
            ("to_municipality", link.to_municipality),
        ):
            if value not in munis:
                unknown("transport", link.row, column, value, "municipalities")
    known_places = (
        munis | set(schools) | set(methodists) | {c.candidate_id for c in region.candidates}
    )
    for entry in region.travel_times:
        for column, value in (("from_id", entry.from_id), ("to_id", entry.to_id)):
            if value not in known_places:
                issues.append(
                    _issue(
                        region,
                        "travel_times",
                        entry.row,
                        column,
                        value,
                        Code.UNKNOWN_REFERENCE,
                        f"«{value}» не является кодом муниципалитета, школы, методиста "
                        "или кандидата",
                    )
                )
    seen_teachers: dict[str, int | None] = {}
    gone_methodists: dict[str, list[AssignmentPair]] = {}
    for pair in region.current_assignment:
        if pair.teacher_id in seen_teachers:
            issues.append(
                _issue(
                    region,
                    "current_assignment",
                    pair.row,
                    "teacher_id",
                    pair.teacher_id,
                    Code.DUPLICATE_ASSIGNMENT,
                    f"педагог «{pair.teacher_id}» закреплён повторно (первый раз — строка "
                    f"{seen_teachers[pair.teacher_id]})",
                )
            )
        seen_teachers.setdefault(pair.teacher_id, pair.row)
        assigned = teachers.get(pair.teacher_id)
        methodist = methodists.get(pair.methodist_id)
        if methodist is None:
            gone_methodists.setdefault(pair.methodist_id, []).append(pair)
        elif assigned is None:
            issues.append(
                _issue(
                    region,
                    "current_assignment",
                    pair.row,
                    "teacher_id",
                    pair.teacher_id,
                    Code.ASSIGNMENT_TEACHER_GONE,
                    f"педагога «{pair.teacher_id}» нет в таблице «Педагоги»: строка закрепления "
                    "не учитывается",
                )
            )
        if (
            assigned is not None
            and methodist is not None
            and (assigned.subject not in methodist.subjects)
        ):
            issues.append(
                _issue(
                    region,
                    "current_assignment",
                    pair.row,
                    "methodist_id",
                    pair.methodist_id,
                    Code.ASSIGNMENT_SUBJECT_MISMATCH,
                    f"методист {methodist.full_name} («{pair.methodist_id}») не ведёт предмет "
                    f"педагога {name_case(assigned.full_name, 'gent')} («{pair.teacher_id}»): "
                    f"{subject_name(assigned.subject).lower()}; при перепланировании пара будет "
                    "изменена",
                )
            )
    taught = {s for m in region.methodists for s in m.subjects}
    for methodist_id, pairs in gone_methodists.items():
        # the plain way to say "she left": the methodist deleted, the order left as it was
        staying = [teachers[p.teacher_id] for p in pairs if p.teacher_id in teachers]
        issues.append(
            _issue(
                region,
                "current_assignment",
                pairs[0].row,
                "methodist_id",
                methodist_id,
                Code.ASSIGNMENT_METHODIST_GONE,
                f"методиста «{methodist_id}» нет в таблице «Методисты»: "
                + _who_takes_over(staying, taught),
            )
        )
    if not region.methodists and not region.candidates:
        issues.append(
            _issue(
                region,
                "methodists",
                None,
                None,
                None,
                Code.NO_METHODISTS,
                "нет ни одного методиста и ни одного кандидата: некого закреплять",
            )
        )
    issues += _uncovered_subjects(region)
    issues += _unchecked_candidates(region)
    return issues


def _duplicate_ids(region: Region) -> list[Issue]:
    issues = []
    tables: tuple[tuple[str, str, tuple[Any, ...]], ...] = (
        ("municipalities", "municipality_id", region.municipalities),
        ("schools", "school_id", region.schools),
        ("teachers", "teacher_id", region.teachers),
        ("methodists", "methodist_id", region.methodists),
        ("candidates", "candidate_id", region.candidates),
    )
    for table, column, records in tables:
        first_row: dict[str, int | None] = {}
        for record in records:
            key = getattr(record, column)
            if key in first_row:
                issues.append(
                    _issue(
                        region,
                        table,
                        record.row,
                        column,
                        key,
                        Code.DUPLICATE_ID,
                        f"код «{key}» повторяется (первый раз — строка {first_row[key]})",
                    )
                )
            else:
                first_row[key] = record.row
    people_ids = {m.methodist_id: m.row for m in region.methodists}
    for candidate in region.candidates:
        if candidate.candidate_id in people_ids:
            issues.append(
                _issue(
                    region,
                    "candidates",
                    candidate.row,
                    "candidate_id",
                    candidate.candidate_id,
                    Code.DUPLICATE_ID,
                    f"код кандидата «{candidate.candidate_id}» совпадает с кодом методиста",
                )
            )
    return issues


def _who_takes_over(teachers: list[Teacher], taught: set[str]) -> str:
    """What becomes of a departed methodist's teachers: others of their subject take them,
    or, where no methodist of the subject is left, no one until one is appointed."""
    stranded = sorted({t.subject for t in teachers if t.subject not in taught}, key=subject_name)
    left = sum(1 for t in teachers if t.subject not in taught)
    moved = len(teachers) - left
    parts = []
    if moved or not left:
        moving = count_ru(moved, "педагог")
        parts.append(f"его педагогов закрепят за другими методистами — {moving}")
    if left:
        names = ", ".join(f"«{subject_name(s)}»" for s in stranded)
        stays = agree_verb("останется", left)
        parts.append(
            f"других методистов по {'предмету' if len(stranded) == 1 else 'предметам'} "
            f"{names} нет: {count_ru(left, 'педагог')} "
            f"{stays} без закрепления, пока методиста не назначат (или не наберут из "
            "кандидатов: assign pool)"
        )
    return "; ".join(parts)


def _uncovered_subjects(region: Region) -> list[Issue]:
    """Subjects whose teachers no methodist teaches: with no candidate either, no plan can
    place them; with candidates, only a pool sizing (which recruits) can."""
    methodist_subjects = {s for m in region.methodists for s in m.subjects}
    candidates: dict[str, int] = {}
    for c in region.candidates:
        for s in c.subjects:
            candidates[s] = candidates.get(s, 0) + 1
    issues = []
    for subject, teachers in sorted(region.teachers_by_subject.items()):
        if subject in methodist_subjects:
            continue
        name, first = subject_name(subject), teachers[0]
        if subject in candidates:
            code = Code.SUBJECT_NO_METHODIST
            message = (
                f"предмет «{name}» ({count_ru(len(teachers), 'педагог')}) не ведёт ни один "
                f"методист, только кандидаты ({candidates[subject]}): закрепление (assign "
                "solve) оставит этих педагогов без методиста, подбор пула (assign pool) "
                "наберёт методистов из кандидатов"
            )
        else:
            code = Code.SUBJECT_UNCOVERED
            message = (
                f"предмет «{name}» ({count_ru(len(teachers), 'педагог')}) не ведёт ни один "
                "методист или кандидат: эти педагоги останутся без закрепления"
            )
        issues.append(_issue(region, "teachers", first.row, "subject", name, code, message))
    return issues


def _unchecked_candidates(region: Region) -> list[Issue]:
    return [
        _issue(
            region,
            "candidates",
            c.row,
            "candidate_id",
            c.candidate_id,
            Code.ELIGIBILITY_UNCHECKED,
            f"у кандидата «{c.full_name}» нет сведений о соответствии требованиям "
            "(роль, категория, образование, стаж): считается допустимым без проверки",
        )
        for c in region.candidates
        if not c.eligibility_known
    ]
