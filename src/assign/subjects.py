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
        ),
    ),
    Subject(
        "russian",
        "Русский язык",
        ("русский", "рус. яз.", "рус яз", "русс. яз.", "русский язык и литература"),
    ),
    Subject("literature", "Литература", ("лит.", "литра")),
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
            "алгебра, геометрия",
            "вероятность и статистика",
            "алгебра и начала анализа",
            "алгебра и начала математического анализа",
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
    Subject(
        "technology",
        "Труд (технология)",
        ("технология", "труд", "трудовое обучение", "технология (труд)"),
    ),
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


_ABBREVIATIONS = {
    "яз": "язык",
    "англ": "английский",
    "нем": "немецкий",
    "франц": "французский",
    "фр": "французский",
    "рус": "русский",
    "русс": "русский",
    "иностр": "иностранный",
    "ин": "иностранный",
    "лит": "литература",
    "физ": "физическая",
    "культ": "культура",
}
_WORD = re.compile(r"[а-яa-z]+\.?")
_PARENS = re.compile(r"^(.*?)\s*\((.*)\)\s*$")


def _expand(key: str) -> str:
    """«англ. яз.» → «английский язык»: the abbreviations people type, written out."""
    return _WORD.sub(lambda m: _ABBREVIATIONS.get(m.group().rstrip("."), m.group()), key)


def _lookup(key: str) -> str | None:
    candidates = [key, key.rstrip(".")]
    stripped = _TEACHER_PREFIX.sub("", key)
    if stripped != key:
        candidates.append(stripped)
    expanded = _expand(stripped)
    if expanded != stripped:
        candidates.append(expanded)
    for candidate in candidates:
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
    return None


@functools.lru_cache(maxsize=4096)
def resolve_subject(text: str) -> str | None:
    """The catalogue code for a typed subject name, or None when it is not recognised.

    A note in brackets is read too: «Математика (алгебра, геометрия)» and «Технология (труд)»
    name one subject; «Иностранный язык (англ.)» names the language in the brackets.
    """
    key = normalize(fix_lookalikes(text))
    if not key:
        return None
    found = _lookup(key)
    if found is not None:
        return found
    match = _PARENS.match(key)
    if match is None:
        return None
    base, inner = match.group(1).strip(), match.group(2).strip()
    base_code = _lookup(base) if base else None
    inner_codes = {_lookup(p.strip()) for p in re.split(r"[,;]", inner) if p.strip()}
    if base_code is not None and inner_codes <= {base_code}:
        return base_code
    if base_code is None and len(inner_codes) == 1 and None not in inner_codes:
        generic = _expand(base)
        if generic in ("иностранный язык", "родной язык", "учитель"):
            return inner_codes.pop()
    return None


PRIMARY_LINES = frozenset(
    {
        "литературное чтение",
        "литературное чтение на родном языке",
        "окружающий мир",
        "обучение грамоте",
        "чтение",
        "русский язык (начальные классы)",
        "математика (начальные классы)",
        "русский язык в начальной школе",
    }
)
"""Lines of the primary-school timetable: a teacher of them is a primary-school teacher (never
a teacher of «Литература» or «Русский язык»), and the planner is told so."""


def is_primary_line(text: str) -> bool:
    return normalize(fix_lookalikes(text)).rstrip(".") in PRIMARY_LINES


STAFF_ROLES = (
    "логопед",
    "психолог",
    "дефектолог",
    "социальный педагог",
    "педагог-организатор",
    "педагог организатор",
    "воспитатель",
    "библиотекарь",
    "тьютор",
    "вожатый",
    "советник директора",
    "педагог дополнительного образования",
    "заместитель директора",
    "директор",
    "концертмейстер",
    "старший вожатый",
)


def staff_role(text: str) -> str | None:
    """The non-subject post a cell names («учитель-логопед» → «логопед»), or None: such staff
    have no subject methodist and are skipped with a warning, not an error."""
    key = normalize(fix_lookalikes(text))
    if not key:
        return None
    for role in STAFF_ROLES:
        if role in key:
            return role
    return None


_LATIN_TO_CYRILLIC = str.maketrans(
    "AaBCcEeHKkMOoPpTXxYy",
    "АаВСсЕеНКкМОоРрТХхУу",
)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W\d_]+")


def fix_lookalikes(text: str) -> str:
    """Latin letters that look Cyrillic (a, c, e, o, p, x, y…) inside a Cyrillic word become
    Cyrillic: «Xимия» with a Latin X is «Химия». Latin words and codes are left alone."""
    if not _LATIN.search(text) or not _CYRILLIC.search(text):
        return text

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        if not _CYRILLIC.search(word):
            return word
        fixed = word.translate(_LATIN_TO_CYRILLIC)
        return fixed if not _LATIN.search(fixed) else word

    return _TOKEN.sub(fix, text)


def lookalike_letters(text: str) -> list[str]:
    """The Latin letters `fix_lookalikes` would replace, for the warning that says so."""
    fixed = fix_lookalikes(text)
    return [a for a, b in zip(text, fixed, strict=True) if a != b]


def split_subjects(text: str) -> list[str]:
    """A cell with several subjects («Математика; Физика», «Физика, информатика») as parts;
    a comma inside brackets or in one catalogue name does not split."""
    if resolve_subject(text) is not None or is_primary_line(text):
        return [text.strip()] if text.strip() else []
    parts: list[str] = []
    depth, current = 0, ""
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if depth == 0 and char in ";,/\n":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def subject_name(code: str) -> str:
    return _BY_CODE[code].name


def is_known_code(code: str) -> bool:
    return code in _BY_CODE


SUGGEST_CUTOFF = 0.6  # «Матиматика» 0.9 to «математика»; «Астрономия» 0.59 to «история»
SUGGEST_MARGIN = 0.1  # only spellings nearly as close as the closest


def suggest_subjects(text: str, limit: int = 3) -> list[str]:
    """Catalogue names closest to an unrecognised spelling, best first: none for a subject
    the catalogue has no spelling near (a planner was offered «История» for «Астрономия»)."""
    key = normalize(text)
    matches = difflib.get_close_matches(key, list(_LOOKUP), n=limit * 4, cutoff=SUGGEST_CUTOFF)
    if matches:
        best = difflib.SequenceMatcher(None, key, matches[0]).ratio()
        matches = [
            m
            for m in matches
            if difflib.SequenceMatcher(None, key, m).ratio() >= best - SUGGEST_MARGIN
        ]
    names: list[str] = []
    for match in matches:
        name = _BY_CODE[_LOOKUP[match]].name
        if name not in names:
            names.append(name)
    return names[:limit]
