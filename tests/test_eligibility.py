"""The rules of 002 §3.4: each admits its typical role, near misses and unrelated roles do not,
and the reasons name what is missing with numerals that agree."""

from __future__ import annotations

import pytest

from assign.domain import Candidate
from assign.pool.eligibility import (
    RULES,
    assess_candidate,
    exclusion_reason,
    years_ru,
)

WEAK = {"qualification_category": "первая", "pedagogical_education": "нет", "experience_years": 1}


def _candidate(**facts: object) -> Candidate:
    return Candidate(
        candidate_id="C", full_name="Кандидат", subjects="Химия", municipality_id="M", **facts
    )


@pytest.mark.parametrize(
    ("role", "rule"),
    [
        ("сотрудник ЦНППМ", "cnppm"),
        ("старший методист отдела сопровождения ЦНППМ", "cnppm"),
        ("сетевой методист", "cnppm"),
        ("прошла обучение по программе тьюторского сопровождения", "tutor_training"),
        ("руководитель секции регионального УМО", "umo"),
        ("член предметной секции регионального учебно-методического объединения", "umo"),
        ("ведущий эксперт предметной комиссии ЕГЭ", "exam_expert"),
        ("старший эксперт ОГЭ по математике", "exam_expert"),
        ("эксперт предметной комиссии ЕГЭ (статус: ведущий)", "exam_expert"),
        ("тьютор", "mentor"),
        ("педагог-наставник", "mentor"),
        ("руководитель профессионального сообщества", "community_leader"),
        ("лидер ассоциации учителей химии", "community_leader"),
        ("учитель, обучающиеся которого имеют стабильно высокие результаты", "high_results"),
        ("муниципальный методист", "municipal_methodist"),
        ("методист муниципальной методической службы", "municipal_methodist"),
        ("методист ММС", "municipal_methodist"),
        ("руководитель методического объединения", "mo_head"),
        ("руководитель ШМО учителей химии", "mo_head"),
        ("Руководитель  ММО", "mo_head"),
        ("председатель методического совета школы", "mo_head"),
    ],
)
def test_each_rule_admits_its_role_even_without_the_teacher_facts(role: str, rule: str) -> None:
    found = assess_candidate(_candidate(role=role, **WEAK))
    assert found.eligible and found.admitted_by is not None
    assert found.admitted_by.key == rule
    assert found.admitted_by.source.startswith("002 §3.4")
    assert exclusion_reason(_candidate(role=role, **WEAK)) is None


def test_every_item_of_the_list_has_a_rule_in_its_order() -> None:
    """002 §3.4 lists ten kinds of members; the rules follow the list."""
    assert [r.source for r in RULES] == [f"002 §3.4, п. {i}" for i in range(1, 11)]


@pytest.mark.parametrize(
    ("role", "hint"),
    [
        ("учитель муниципальной школы", "роль «учитель муниципальной школы» не входит в перечень"),
        ("учитель", "роль «учитель» не входит в перечень"),
        ("методист", "«методист» без места работы"),
        ("методист школы", "«методист» без места работы"),
        ("эксперт предметной комиссии ЕГЭ/ОГЭ", "допускаются ведущие и старшие эксперты"),
        ("член профессионального сообщества", "допускаются лидеры профессиональных сообществ"),
        ("член ШМО", "член методического объединения: допускаются его руководители"),
        ("выпускник курсов тьюторов", "роль «выпускник курсов тьюторов» не входит"),
        (None, "роль не указана"),
    ],
)
def test_roles_outside_the_list_are_rejected_with_the_reason(role: str | None, hint: str) -> None:
    candidate = _candidate(role=role, **WEAK)
    found = assess_candidate(candidate)
    assert not found.eligible and found.admitted_by is None
    assert len(found.rejections) == len(RULES)
    assert exclusion_reason(candidate) == (
        f"не соответствует 002 §3.4: {_role_part(hint, role)}; как педагог: нет высшей "
        "квалификационной категории (указана «первая»), нет высшего педагогического "
        "образования, стаж 1 год, нужно не менее 5 лет"
    )


def _role_part(hint: str, role: str | None) -> str:
    """The role part of the expected text, completed by hand for the near misses."""
    full = {
        "«методист» без места работы": "«методист» без места работы: допускаются методисты "
        "ЦНППМ и муниципальных методических служб",
        "допускаются ведущие и старшие эксперты": "эксперт ЕГЭ/ОГЭ без статуса: допускаются "
        "ведущие и старшие эксперты предметных комиссий",
        "допускаются лидеры профессиональных сообществ": "член сообщества: допускаются лидеры "
        "профессиональных сообществ и ассоциаций",
        "роль «выпускник курсов тьюторов» не входит": "роль «выпускник курсов тьюторов» не "
        "входит в перечень",
    }
    return full.get(hint, hint)


def test_the_municipal_school_teacher_of_the_bug_report_is_excluded() -> None:
    """The stem «муниципальн» once admitted a first-category teacher with one year."""
    found = assess_candidate(
        _candidate(
            role="учитель муниципальной школы",
            qualification_category="первая",
            pedagogical_education="нет",
            experience_years=1,
        )
    )
    assert not found.eligible
    reasons = dict((rule.key, reason) for rule, reason in found.rejections)
    assert reasons["municipal_methodist"] == "не методист муниципальной методической службы"
    assert reasons["teacher"] == (
        "нет высшей квалификационной категории (указана «первая»), "
        "нет высшего педагогического образования, стаж 1 год, нужно не менее 5 лет"
    )


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (
            {
                "qualification_category": "высшая",
                "pedagogical_education": "да",
                "experience_years": 5,
            },
            None,
        ),
        (
            {
                "qualification_category": "Высшая категория",
                "pedagogical_education": "да",
                "experience_years": 30,
            },
            None,
        ),
        (
            {
                "qualification_category": "педагог-методист",
                "pedagogical_education": "да",
                "experience_years": 9,
            },
            None,
        ),
        (
            {
                "qualification_category": "высшая",
                "pedagogical_education": "да",
                "experience_years": 2,
            },
            "стаж 2 года, нужно не менее 5 лет",
        ),
        (
            {
                "qualification_category": "высшая",
                "pedagogical_education": "да",
                "experience_years": 4.5,
            },
            "стаж 4,5 года, нужно не менее 5 лет",
        ),
        (
            {"qualification_category": "высшая", "experience_years": 7},
            "нет сведений о высшем педагогическом образовании",
        ),
        (
            {
                "qualification_category": "первая",
                "pedagogical_education": "да",
                "experience_years": 7,
            },
            "нет высшей квалификационной категории (указана «первая»)",
        ),
    ],
)
def test_a_teacher_needs_all_three_facts(facts: dict[str, object], reason: str | None) -> None:
    found = assess_candidate(_candidate(role="учитель", **facts))
    if reason is None:
        assert found.eligible and found.admitted_by is not None
        assert found.admitted_by.key == "teacher"
    else:
        assert not found.eligible
        assert dict((r.key, why) for r, why in found.rejections)["teacher"] == reason


def test_a_candidate_with_no_facts_stays_accepted() -> None:
    found = assess_candidate(_candidate())
    assert found.eligible and found.unchecked and found.admitted_by is None


@pytest.mark.parametrize(
    ("years", "text"),
    [
        (1, "1 год"),
        (2, "2 года"),
        (4, "4 года"),
        (5, "5 лет"),
        (11, "11 лет"),
        (21, "21 год"),
        (22, "22 года"),
        (0, "0 лет"),
        (1.5, "1,5 года"),
    ],
)
def test_years_agree_with_the_numeral(years: float, text: str) -> None:
    assert years_ru(years) == text
