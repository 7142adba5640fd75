"""Subject catalogue: stable codes, Russian names and the aliases people actually type.

Covers the subjects of the federal school curriculum (ФОП НОО/ООО/СОО) plus primary school
("начальные классы"), which is a teacher's specialisation rather than a subject. Input files may
spell a subject in many ways; `resolve_subject` maps each spelling to one code or returns None, and
`suggest_subjects` offers the closest catalogue names for an error message.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    code: str
    name: str
    aliases: tuple[str, ...] = ()


CATALOGUE: tuple[Subject, ...] = (
    Subject(
        "primary",
        "Начальные классы",
        (
            "начальная школа",
            "начальное общее образование",
            "учитель начальных классов",
            "нач. классы",
            "нач классы",
            "начальные",
            "нок",
            "окружающий мир",
        ),
    ),
    Subject("russian", "Русский язык", ("русский", "рус. яз.", "рус яз", "русс. яз.")),
    Subject("literature", "Литература", ("лит.", "литра", "литературное чтение")),
    Subject(
        "native_language",
        "Родной язык и родная литература",
        (
            "родной язык",
            "родная литература",
            "родной язык и литература",
            "родной (якутский) язык",
            "якутский язык",
            "якутский язык и литература",
            "саха тыла",
            "родной язык (якутский)",
        ),
    ),
    Subject(
        "math",
        "Математика",
        (
            "матем.",
            "матем",
            "мат.",
            "алгебра",
            "геометрия",
            "алгебра и геометрия",
            "вероятность и статистика",
        ),
    ),
    Subject("informatics", "Информатика", ("информатика и икт", "инф.", "икт")),
    Subject("physics", "Физика", ("физ.",)),
    Subject("chemistry", "Химия", ("хим.",)),
    Subject("biology", "Биология", ("био.", "биол.")),
    Subject("geography", "География", ("геогр.",)),
    Subject(
        "history",
        "История",
        (
            "история россии",
            "всеобщая история",
            "история россии. всеобщая история",
            "ист.",
        ),
    ),
    Subject("social_studies", "Обществознание", ("общество", "обществ.", "общ.")),
    Subject(
        "english",
        "Иностранный язык (английский)",
        (
            "английский язык",
            "английский",
            "англ. яз.",
            "англ яз",
            "англ.",
            "иностранный язык английский",
            "иностранный язык (англ.)",
        ),
    ),
    Subject(
        "german",
        "Иностранный язык (немецкий)",
        (
            "немецкий язык",
            "немецкий",
            "нем. яз.",
            "нем.",
            "иностранный язык немецкий",
        ),
    ),
    Subject(
        "french",
        "Иностранный язык (французский)",
        (
            "французский язык",
            "французский",
            "франц. яз.",
            "фр. яз.",
            "иностранный язык французский",
        ),
    ),
    Subject(
        "chinese",
        "Иностранный язык (китайский)",
        (
            "китайский язык",
            "китайский",
            "иностранный язык китайский",
        ),
    ),
    Subject(
        "spanish",
        "Иностранный язык (испанский)",
        (
            "испанский язык",
            "испанский",
            "иностранный язык испанский",
        ),
    ),
    Subject("technology", "Труд (технология)", ("технология", "труд", "трудовое обучение")),
    Subject(
        "physical_education",
        "Физическая культура",
        (
            "физкультура",
            "физ-ра",
            "физра",
            "физ. культура",
            "фк",
        ),
    ),
    Subject("music", "Музыка", ("муз.",)),
    Subject("art", "Изобразительное искусство", ("изо", "изобразительное искусство (изо)")),
    Subject(
        "obzr",
        "Основы безопасности и защиты Родины",
        (
            "обзр",
            "обж",
            "основы безопасности жизнедеятельности",
        ),
    ),
    Subject("orkse", "Основы религиозных культур и светской этики", ("орксэ",)),
    Subject("odnknr", "Основы духовно-нравственной культуры народов России", ("однкнр",)),
)

_BY_CODE: dict[str, Subject] = {s.code: s for s in CATALOGUE}


_QUOTES = re.compile(r"[«»\"']")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold case, «ё», quotes and spacing so that spellings compare equal."""
    text = text.strip().lower().replace("ё", "е")
    return _SPACES.sub(" ", _QUOTES.sub("", text))


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for subject in CATALOGUE:
        for spelling in (subject.code, subject.name, *subject.aliases):
            key = normalize(spelling)
            if key in lookup and lookup[key] != subject.code:
                raise ValueError(f"alias {spelling!r} is ambiguous")
            lookup[key] = subject.code
            lookup[key.rstrip(".")] = subject.code
    return lookup


_LOOKUP = _build_lookup()
_TEACHER_PREFIX = re.compile(r"^(учитель|преподаватель|педагог)\s+")


@functools.lru_cache(maxsize=4096)
def resolve_subject(text: str) -> str | None:
    """The catalogue code for a typed subject name, or None when it is not recognised."""
    key = normalize(text)
    if not key:
        return None
    candidates = [key, key.rstrip(".")]
    stripped = _TEACHER_PREFIX.sub("", key)
    if stripped != key:
        candidates.append(stripped)
    for candidate in candidates:
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
    return None


def subject_name(code: str) -> str:
    return _BY_CODE[code].name


def is_known_code(code: str) -> bool:
    return code in _BY_CODE


def suggest_subjects(text: str, limit: int = 3) -> list[str]:
    """Catalogue names closest to an unrecognised spelling, best first."""
    key = normalize(text)
    matches = difflib.get_close_matches(key, list(_LOOKUP), n=limit * 4, cutoff=0.5)
    names: list[str] = []
    for match in matches:
        name = _BY_CODE[_LOOKUP[match]].name
        if name not in names:
            names.append(name)
    return names[:limit]
