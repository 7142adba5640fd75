"""Russian grammar of every count and name the code writes: numerals agree with their nouns in
each case (pymorphy3 through format.py), checked against the forms written out by hand, in
every message template with 1, 2, 5, 11, 21, 22, 25; and no template writes a bare number
before a counted noun by hand."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assign.assignment.diagnose import methodists_acc, methodists_ins, methodists_word
from assign.documents.order import order_points
from assign.documents.settings import DocumentSettings
from assign.format import agree_verb, agree_with_person, count_ru, months_after_v, to_them
from assign.pool.eligibility import years_ru
from assign.summary import amount_ru, methodists_dat, methodists_ru

COUNTS = (1, 2, 5, 11, 21, 22, 25)
SRC = Path(__file__).resolve().parent.parent / "src" / "assign"


def form(n: int, one: str, few: str, many: str) -> str:
    """The hand rule: 1, 21 → one; 2–4, 22–24 → few; 5–20, 11–14, 25 → many."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


# noun, case → (one, few, many), written by hand
FORMS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("педагог", "nomn"): ("педагог", "педагога", "педагогов"),
    ("методист", "nomn"): ("методист", "методиста", "методистов"),
    ("методист", "gent"): ("методиста", "методистов", "методистов"),
    ("методист", "accs"): ("методиста", "методиста", "методистов"),
    ("методист", "datv"): ("методисту", "методистам", "методистам"),
    ("методист", "ablt"): ("методистом", "методистами", "методистами"),
    ("региональный методист", "nomn"): (
        "региональный методист",
        "региональных методиста",
        "региональных методистов",
    ),
    ("педагогический работник", "nomn"): (
        "педагогический работник",
        "педагогических работника",
        "педагогических работников",
    ),
    ("педагогический работник", "gent"): (
        "педагогического работника",
        "педагогических работников",
        "педагогических работников",
    ),
    ("муниципальное образование", "gent"): (
        "муниципального образования",
        "муниципальных образований",
        "муниципальных образований",
    ),
    ("год", "nomn"): ("год", "года", "лет"),
    ("мероприятие", "nomn"): ("мероприятие", "мероприятия", "мероприятий"),
    ("кандидат", "nomn"): ("кандидат", "кандидата", "кандидатов"),
}


@pytest.mark.parametrize("n", COUNTS)
@pytest.mark.parametrize(("noun", "case"), list(FORMS))
def test_count_ru_agrees_in_every_case(noun: str, case: Any, n: int) -> None:
    assert count_ru(n, noun, case) == f"{n} {form(n, *FORMS[(noun, case)])}"


@pytest.mark.parametrize("n", COUNTS)
def test_every_message_template_agrees(n: int) -> None:
    assert methodists_word(n) == f"{n} {form(n, 'методиста', 'методистов', 'методистов')}"
    assert methodists_acc(n) == f"{n} {form(n, 'методиста', 'методиста', 'методистов')}"
    assert methodists_ins(n) == f"{n} {form(n, 'методистом', 'методистами', 'методистами')}"
    assert methodists_ru(n) == f"{n} {form(n, 'методист', 'методиста', 'методистов')}"
    assert methodists_dat(n) == f"{n} {form(n, 'методисту', 'методистам', 'методистам')}"
    assert amount_ru(n) == f"{n} {form(n, 'педагог', 'педагога', 'педагогов')}"
    assert years_ru(n) == f"{n} {form(n, 'год', 'года', 'лет')}"
    assert agree_verb("возьмёт", n) == form(n, "возьмёт", "возьмут", "возьмут")
    groups: list[Any] = [object()] * n
    text = " ".join(order_points(groups, n, n, groups, DocumentSettings()))
    methodists = form(n, *FORMS[("региональный методист", "nomn")])
    teachers = form(n, *FORMS[("педагогический работник", "nomn")])
    of_teachers = form(n, *FORMS[("педагогический работник", "gent")])
    municipalities = form(n, *FORMS[("муниципальное образование", "gent")])
    assert f"всего {n} {methodists}, {n} {teachers} из {n} {municipalities})" in text
    assert f"Изменить закрепление {n} {of_teachers} относительно" in text


# a number written straight before a counted noun: «{len(x)} педагогов» agrees with no count
HAND_AGREEMENT = re.compile(
    r"\{[^{}]*\}\s+(педагог|методист|кандидат|школ|мероприят|муниципальн|региональн)\w*"
)  # («пед.» is an abbreviation: it agrees with any count)


def test_no_template_agrees_a_count_by_hand() -> None:
    found = []
    for path in SRC.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in HAND_AGREEMENT.finditer(line):
                inner = match.group(0)
                if "count_ru" in inner or "{{" in line:
                    continue
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize(
    ("name", "excluded", "left"),
    [
        ("Докторова Светлана Ивановна", "исключена", "выбыла"),  # the review's case
        ("Гаврилова Любовь Викторовна (начальные классы)", "исключена", "выбыла"),
        ("Петров Иван Сергеевич", "исключён", "выбыл"),
        ("Смирнова П.П.", "исключена", "выбыла"),
        ("П. П. Смирнов", "исключён", "выбыл"),
        ("Иванова", "исключена", "выбыла"),
        ("TMB-C001", "исключён", "выбыл"),  # no name: as written
    ],
)
def test_words_about_a_person_agree_with_her_gender(name: str, excluded: str, left: str) -> None:
    assert agree_with_person("исключён", name) == excluded
    assert agree_with_person("выбыл", name) == left
    assert to_them(name) == ("ей" if excluded == "исключена" else "ему")


def test_months_after_v_take_the_prepositional() -> None:
    text = "школы недоступны для выезда в май 2027 г., июнь 2027 г.; сентябрь 2026 г. — начало"
    assert months_after_v(text) == (
        "школы недоступны для выезда в мае 2027 г., июне 2027 г.; сентябрь 2026 г. — начало"
    )
