"""Russian conventions for numbers and ordering in user-facing text.

Numbers: a space between thousands ("1 320"), a decimal comma ("2,5"); names in Russian
alphabetical order; dates as «15» сентября 2026 г.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from typing import Literal, TypeVar

import pymorphy3
from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case as PetrovichCase
from pytrovich.enums import Gender as PetrovichGender
from pytrovich.enums import NamePart
from pytrovich.maker import PetrovichDeclinationMaker

T = TypeVar("T")


def fmt_int(value: int | float) -> str:
    return f"{round(value):,}".replace(",", " ")


def fmt_number(value: float, digits: int = 1) -> str:
    """A decimal number; an unknown one (NaN, infinity) as a dash, never «nan»."""
    if not math.isfinite(value):
        return "—"
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")
    if digits and text.endswith("," + "0" * digits):
        text = text[: -(digits + 1)]
    return text


@cache
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


Case = Literal["nomn", "gent", "datv", "accs", "ablt", "loct"]
"""Russian grammatical cases by pymorphy3's tags: nominative, genitive, dative, accusative,
instrumental (ablt), prepositional (loct)."""

_ONE_FORM_CASES = ("nomn", "accs")  # where 2–4 take the genitive singular: 2 методиста


def _singular(count: int) -> bool:
    return count % 10 == 1 and count % 100 != 11


@cache
def agree(noun: str, count: int, case: Case = "nomn") -> str:
    """`noun` (a noun with its adjectives, in the nominative) in the form the numeral `count`
    asks for in `case`: 1 педагог, 2 педагога, 5 педагогов; not enough of «2 методистов»
    (genitive), «за 2 методистами» (instrumental); adjectives agree too: 2 региональных
    методиста, 2 региональным методистам. pymorphy3's dictionary, so every count agrees the
    same way."""
    count = abs(count)
    agreed = []
    for word in noun.split():
        parse = _morph().parse(word)[0]
        if case in _ONE_FORM_CASES:
            form = parse.inflect({case}) if case != "nomn" else parse
            form = form.make_agree_with_number(count) if form is not None else None
        else:
            form = parse.inflect({case, "sing" if _singular(count) else "plur"})
        text = form.word if form is not None else word
        agreed.append(_same_case(word, _COUNTING_FORMS.get(text, text)))
    return " ".join(agreed)


# pymorphy3 gives the genitive plural of «год» as «годов»; after numerals Russian says «лет»
_COUNTING_FORMS = {"годов": "лет"}


@cache
def agree_verb(verb: str, count: int) -> str:
    """A verb (in the singular) agreeing with a count as its subject: 1 методист возьмёт,
    2 методиста возьмут, 21 методист возьмёт."""
    if _singular(abs(count)):
        return verb
    form = _morph().parse(verb)[0].inflect({"plur"})
    return form.word if form is not None else verb


def _same_case(original: str, word: str) -> str:
    return word.capitalize() if original[:1].isupper() else word


def count_ru(count: int, noun: str, case: Case = "nomn") -> str:
    """«1 педагог», «1 320 педагогов», «не хватает 2 методистов» (case="gent"): the count with
    thousands spaced and the noun agreeing in number and case."""
    return f"{fmt_int(count)} {agree(noun, count, case)}"


@cache
def inflect_ru(phrase: str, case: Case) -> str:
    """A phrase of ordinary words (a subject's name, a position) in another case, word by word
    and keeping each word's number: «Русский язык» → «русского языка» (gent), «Начальные
    классы» → «начальных классов». Abbreviations (ОБЗР) and unknown words stay as written."""
    words = []
    for word in phrase.split():
        bare = word.strip("(),;«»")
        form = None
        if bare.isalpha() and not (bare.isupper() and len(bare) > 1):
            parses = _morph().parse(bare)
            parse = next((p for p in parses if "nomn" in p.tag), parses[0])
            form = parse.inflect({case})
        words.append(word.replace(bare, form.word) if form is not None else word)
    return " ".join(words)


_PYTROVICH_CASE = {
    "gent": PetrovichCase.GENITIVE,
    "datv": PetrovichCase.DATIVE,
    "accs": PetrovichCase.ACCUSATIVE,
    "ablt": PetrovichCase.INSTRUMENTAL,
    "loct": PetrovichCase.PREPOSITIONAL,
}


@cache
def _declension() -> tuple[PetrovichDeclinationMaker, PetrovichGenderDetector]:
    return PetrovichDeclinationMaker(), PetrovichGenderDetector()


@cache
def name_case(full_name: str, case: Case) -> str:
    """A person's «Фамилия Имя Отчество» in `case` by the petrovich rules (pytrovich, offline):
    «Алексеева Надежда Юрьевна» → «Алексеевой Надежды Юрьевны» (gent); the gender from the
    patronymic and first name. A name of another shape (no patronymic, initials) declines the
    parts it has."""
    if case == "nomn":
        return full_name
    parts = full_name.split()
    if not parts:
        return full_name
    maker = _declension()[0]
    at = _surname_beside_initials(parts)
    if at is not None:  # «П.П. Смирнова» → «П.П. Смирнову»: only the surname declines
        gender = _gender_of_surname(parts[at])
        declined = list(parts)
        declined[at] = _decline(maker, NamePart.LASTNAME, gender, _PYTROVICH_CASE[case], parts[at])
        return " ".join(declined)
    surname, first, middle = (*parts, "", "")[:3]
    gender = _gender_of_names(first, middle)
    target = _PYTROVICH_CASE[case]
    declined = [_decline(maker, NamePart.LASTNAME, gender, target, surname)]
    for part, text in ((NamePart.FIRSTNAME, first), (NamePart.MIDDLENAME, middle)):
        if text:
            initial = "." in text or len(text) == 1  # «В» or «В.»: an initial stays
            declined.append(text if initial else _decline(maker, part, gender, target, text))
    return " ".join([*declined, *parts[3:]])


def _gender_of_names(first: str, middle: str) -> PetrovichGender:
    """From the first name and patronymic (petrovich's detector); androgynous if unknown."""
    try:
        gender: PetrovichGender = _declension()[1].detect(
            firstname=first or None, middlename=middle or None
        )
    except (KeyError, ValueError, AttributeError):  # an unknown name: androgynous rules
        return PetrovichGender.ANDROGYNOUS
    return gender


@cache
def _is_female(full_name: str) -> bool:
    """From the first name and patronymic; from the surname's ending when it stands alone
    or beside initials. A name of unknown gender counts as not."""
    parts = full_name.split()
    at = 0 if len(parts) == 1 else _surname_beside_initials(parts)
    if at is not None:
        return _gender_of_surname(parts[at]) is PetrovichGender.FEMALE
    return _gender_of_names(*(*parts, "", "")[1:3]) is PetrovichGender.FEMALE


def to_them(full_name: str) -> str:
    """«ему» or «ей», for the person named (the dative pronoun; «ему» when unknown)."""
    return "ей" if _is_female(full_name) else "ему"


@cache
def agree_with_person(word: str, full_name: str) -> str:
    """A past verb or short participle written for a man («исключён», «выбыл») in the form
    for the person named: «Кандидат Иванова Анна Петровна исключена». A name of unknown
    gender keeps the word as written."""
    if not _is_female(full_name):
        return word
    form = _morph().parse(word)[0].inflect({"femn"})
    return form.word if form is not None else word


def _surname_beside_initials(parts: list[str]) -> int | None:
    """Where the surname is in a name given with initials: last in «П.П. Смирнова» and
    «П. П. Смирнова», first in «Смирнова П.П.»; None for a name without initials."""
    if len(parts) < 2:
        return None
    if all("." in p for p in parts[:-1]) and "." not in parts[-1]:
        return len(parts) - 1
    if all("." in p for p in parts[1:]):
        return 0
    return None


def _gender_of_surname(surname: str) -> PetrovichGender:
    """With initials only, the surname tells: «-ова», «-ина», «-ая» are a woman's."""
    female = ("ова", "ева", "ёва", "ина", "ына", "ая", "яя")
    return PetrovichGender.FEMALE if surname.lower().endswith(female) else PetrovichGender.MALE


def _decline(
    maker: PetrovichDeclinationMaker,
    part: NamePart,
    gender: PetrovichGender,
    case: PetrovichCase,
    text: str,
) -> str:
    # hyphenated names (Римский-Корсаков) decline part by part
    return "-".join(maker.make(part, gender, case, piece) for piece in text.split("-"))


def ru_sort_key(text: str) -> tuple[int, ...]:
    """Russian alphabetical order, case-insensitive, with «ё» right after «е»."""
    key = []
    for char in text.lower():
        if char == "ё":
            key.append(2 * ord("е") + 1)
        else:
            key.append(2 * ord(char))
    return tuple(key)


MONTHS_NOMINATIVE = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def date_ru(day: date | None) -> str:
    """A date as Russian documents write it: «15» сентября 2026 г.; blank fields for none."""
    if day is None:
        return "«___» ____________ 20__ г."
    return f"«{day.day:02d}» {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


MONTHS_PREPOSITIONAL = (
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
)
_MONTH = "(?:" + "|".join(MONTHS_NOMINATIVE) + r") \d{4} г\."
_MONTH_LIST_AFTER_V = re.compile(rf"\bв ({_MONTH}(?:, {_MONTH})*)")


def month_in_ru(day: date) -> str:
    """«в мае 2027 г.»: a month after «в» takes the prepositional."""
    return f"в {MONTHS_PREPOSITIONAL[day.month - 1]} {day.year} г."


def months_after_v(text: str) -> str:
    """Months listed after «в» put in the prepositional: «недоступны в май 2027 г., июнь
    2027 г.» → «недоступны в мае 2027 г., июне 2027 г.» (for texts made with `month_ru`)."""

    def fix(match: re.Match[str]) -> str:
        listed = match.group(1)
        for n, name in enumerate(MONTHS_NOMINATIVE):
            listed = re.sub(rf"\b{name}\b", MONTHS_PREPOSITIONAL[n], listed)
        return "в " + listed

    return _MONTH_LIST_AFTER_V.sub(fix, text)


def month_ru(day: date) -> str:
    """A month of a plan's terms: «октябрь 2026 г.»."""
    return f"{MONTHS_NOMINATIVE[day.month - 1]} {day.year} г."


def sorted_ru(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """Items in Russian alphabetical order of `key` (ё after е)."""
    return sorted(items, key=lambda item: ru_sort_key(key(item)))
