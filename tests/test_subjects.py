from __future__ import annotations

import pytest

from assign.categories import DEFAULT_WEIGHTS, Category, load_weight, resolve_category
from assign.subjects import CATALOGUE, resolve_subject, subject_name, suggest_subjects


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Математика", "math"),
        ("математика", "math"),
        ("Матем.", "math"),
        ("  МАТЕМАТИКА ", "math"),
        ("Алгебра", "math"),
        ("Начальные классы", "primary"),
        ("учитель начальных классов", "primary"),
        ("Иностранный язык (английский)", "english"),
        ("английский язык", "english"),
        ("Учитель физики", None),  # inflected forms are not guessed
        ("учитель математика", "math"),
        ("Физическая культура", "physical_education"),
        ("физкультура", "physical_education"),
        ("Музыка", "music"),
        ("ИЗО", "art"),
        ("ОБЗР", "obzr"),
        ("ОБЖ", "obzr"),
        ("Родной язык и литература", "native_language"),
        ("Якутский язык", "native_language"),
        ("Труд (технология)", "technology"),
        ("Основы религиозных культур и светской этики", "orkse"),
        ("Вероятность и статистика", "math"),
        ("Астрология", None),
        ("", None),
    ],
)
def test_resolve_subject(typed: str, code: str | None) -> None:
    assert resolve_subject(typed) == code


def test_catalogue_covers_the_curriculum() -> None:
    """The subjects DOMAIN.md names (Tambov's diagnostics list) and the rest of the curriculum."""
    names = {s.name for s in CATALOGUE}
    for name in (
        "Русский язык",
        "Математика",
        "Физика",
        "Химия",
        "Биология",
        "Литература",
        "История",
        "Обществознание",
        "География",
        "Информатика",
        "Иностранный язык (английский)",
        "Иностранный язык (немецкий)",
        "Иностранный язык (французский)",
        "Труд (технология)",
        "Начальные классы",
        "Физическая культура",
        "Музыка",
        "Изобразительное искусство",
        "Основы безопасности и защиты Родины",
        "Родной язык и родная литература",
    ):
        assert name in names
    codes = [s.code for s in CATALOGUE]
    assert len(codes) == len(set(codes))


def test_every_catalogue_spelling_resolves_to_its_own_subject() -> None:
    for subject in CATALOGUE:
        for spelling in (subject.code, subject.name, *subject.aliases):
            assert resolve_subject(spelling) == subject.code, spelling


def test_suggestions_for_a_typo() -> None:
    assert suggest_subjects("Матиматика") == ["Математика"]  # not also «Информатика, Физика»
    assert suggest_subjects("Хемия")[0] == "Химия"
    # a subject the catalogue has no spelling near gets no guess (it was «История, Труд»)
    assert suggest_subjects("Астрономия") == [] and suggest_subjects("Предмет") == []
    assert subject_name("math") == "Математика"


def test_categories_and_weights() -> None:
    assert resolve_category("ИОМ") is Category.IOM
    assert resolve_category("молодой педагог") is Category.YOUNG
    assert resolve_category("кто-то") is None
    assert load_weight([Category.YOUNG, Category.IOM]) == DEFAULT_WEIGHTS[Category.IOM]
    assert load_weight([]) == DEFAULT_WEIGHTS[Category.GENERAL]
    assert load_weight([Category.IOM], {**DEFAULT_WEIGHTS, Category.IOM: 3.0}) == 3.0
