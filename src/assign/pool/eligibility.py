"""Who may join the pool: the ten items of 002 §3.4, each a named rule with its reason.

A candidate is eligible when one rule admits them; the result says which one, and for an
excluded candidate why each rule did not. Roles match whole phrases of normalised text
(«муниципальный методист», «руководитель методического объединения»), never single stems:
«учитель муниципальной школы» is not a municipal methodist. A bare «методист» is not admitted:
the list names only methodists of the ЦНППМ (network methodists included) and of municipal
methodical services, and a school's or a college's methodist is neither.

What the documents cannot show is left to the people who recruit: the colleagues' esteem of
item 2, the federal register of item 3, the community's high rating of item 6. A candidate with
no facts on file is taken as eligible (validation already warned that nothing was checked).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assign.domain import Candidate
from assign.format import count_ru, fmt_number
from assign.subjects import normalize

MIN_EXPERIENCE_YEARS = 5
# Categories since 2023 (order 196 of the Ministry of Enlightenment) given only to teachers who
# already hold the highest one, so they meet item 2's category.
ABOVE_HIGHEST = frozenset({"педагог методист", "педагог наставник"})
SOURCE = "002 §3.4"


@dataclass(frozen=True)
class Verdict:
    """One rule on one candidate: admitted or the reason it does not admit.

    `near_miss` marks a reason worth telling the user (an «эксперт ЕГЭ» without the status the
    rule needs), as against a role that has nothing to do with the rule.
    """

    admitted: bool
    reason: str = ""
    near_miss: bool = False


@dataclass(frozen=True)
class Rule:
    key: str
    name: str  # Russian, as the admitted candidate is described
    source: str
    check: Callable[[Candidate], Verdict]


@dataclass(frozen=True)
class Eligibility:
    """The rules' verdict: eligible or not, by which rule, and each other rule's reason."""

    eligible: bool
    admitted_by: Rule | None
    rejections: tuple[tuple[Rule, str], ...]
    unchecked: bool = False  # no facts on file: taken as eligible
    role: str = ""
    near_misses: tuple[str, ...] = ()

    def exclusion_text(self) -> str | None:
        """One Russian sentence for an excluded candidate, None for an eligible one."""
        if self.eligible:
            return None
        if self.near_misses:
            role_part = "; ".join(self.near_misses)
        elif self.role:
            role_part = f"роль «{self.role}» не входит в перечень"
        else:
            role_part = "роль не указана"
        teacher = next(reason for rule, reason in self.rejections if rule.key == "teacher")
        return f"не соответствует {SOURCE}: {role_part}; как педагог: {teacher}"


def words(text: str) -> str:
    """Lower-case words separated by single spaces: «ЕГЭ/ОГЭ» → «егэ огэ»."""
    return " ".join(re.findall(r"\w+", normalize(text)))


def years_ru(value: float) -> str:
    """«1 год», «2 года», «5 лет»; a fraction takes the genitive singular: «4,5 года»."""
    if value != int(value):
        return f"{fmt_number(value, 1)} года"
    n = int(value)
    return count_ru(n, "год")


def _role_rule(
    key: str,
    name: str,
    item: int,
    phrases: tuple[str, ...],
    reason: str,
    near: tuple[tuple[str, str], ...] = (),
) -> Rule:
    """A rule that admits by role: any of `phrases` (regexes over `words`) found in the role.

    `near` pairs a pattern with a hint for a role that comes close but is not what the rule
    names, so the user learns what to check rather than a bare «не подходит».
    """
    admit = [re.compile(p) for p in phrases]
    hints = [(re.compile(p), hint) for p, hint in near]

    def check(candidate: Candidate) -> Verdict:
        role = words(candidate.role or "")
        if any(p.search(role) for p in admit):
            return Verdict(True)
        for pattern, hint in hints:
            if pattern.search(role):
                return Verdict(False, hint, near_miss=True)
        return Verdict(False, reason)

    check.__doc__ = f"Admits «{name}» ({SOURCE}, item {item})."
    return Rule(key, name, f"{SOURCE}, п. {item}", check)


def experienced_teacher(candidate: Candidate) -> Verdict:
    """Item 2: the highest category, higher pedagogical education and 5 years — all confirmed;
    a fact not on file does not count as met."""
    missing = []
    category = normalize(candidate.qualification_category or "")
    if not category:
        missing.append("нет сведений о квалификационной категории")
    elif not (category.startswith("высш") or words(category) in ABOVE_HIGHEST):
        missing.append(
            f"нет высшей квалификационной категории (указана «{candidate.qualification_category}»)"
        )
    if candidate.pedagogical_education is None:
        missing.append("нет сведений о высшем педагогическом образовании")
    elif not candidate.pedagogical_education:
        missing.append("нет высшего педагогического образования")
    years = candidate.experience_years
    if years is None:
        missing.append("стаж не указан")
    elif years < MIN_EXPERIENCE_YEARS:
        missing.append(f"стаж {years_ru(years)}, нужно не менее {years_ru(MIN_EXPERIENCE_YEARS)}")
    return Verdict(not missing, ", ".join(missing))


CNPPM = r"(цнппм|центр\w* непрерывн\w* повышени\w* профессиональн\w* мастерств\w*)"
STAFF = r"(сотрудни|работни|специалист|методист|руководител|заместител|директор)\w*"
HEAD = r"(руководител|председател)\w*"

RULES: tuple[Rule, ...] = (
    _role_rule(
        "cnppm",
        "сотрудник ЦНППМ, в том числе сетевой методист",
        1,
        (rf"\b{STAFF}( \w+){{0,3}} {CNPPM}\b", rf"\b{CNPPM} {STAFF}\b", r"\bсетев\w* методист"),
        "не сотрудник ЦНППМ",
    ),
    Rule(
        "teacher",
        f"педагог высшей категории с высшим педагогическим образованием и стажем "
        f"не менее {years_ru(MIN_EXPERIENCE_YEARS)}",
        f"{SOURCE}, п. 2",
        experienced_teacher,
    ),
    _role_rule(
        "tutor_training",
        "прошёл повышение квалификации по тьюторскому сопровождению",
        3,
        (
            r"\b(обучени|курс|программ|квалификаци|подготовк|прошел|прошла)\w*( \w+)* "
            r"тьюторск\w* сопровождени",
        ),
        "нет обучения по программам тьюторского сопровождения",
    ),
    _role_rule(
        "umo",
        "руководитель или член предметной секции регионального УМО",
        4,
        (
            r"\b(руководител|председател|заместител|член)\w*( \w+){0,2} секци\w*( \w+){0,3} "
            r"(умо|румо|учебно методическ\w* объединени\w*)\b",
            r"\b(руководител|председател|член)\w*( регионального)? "
            r"(умо|румо|учебно методическ\w* объединени\w*)\b",
        ),
        "не руководитель и не член секции регионального УМО",
    ),
    _role_rule(
        "exam_expert",
        "ведущий или старший эксперт предметной комиссии ЕГЭ или ОГЭ",
        5,
        (
            r"\b(ведущ|старш)\w* эксперт\w*( \w+){0,3} (егэ|огэ|гиа)\b",
            r"\bэксперт\w*( \w+){0,3} (егэ|огэ|гиа)( \w+){0,3} (ведущ|старш)\w*",
        ),
        "не ведущий и не старший эксперт комиссии ЕГЭ или ОГЭ",
        near=(
            (
                r"\bэксперт\w*( \w+){0,3} (егэ|огэ|гиа)\b",
                "эксперт ЕГЭ/ОГЭ без статуса: допускаются ведущие и старшие эксперты "
                "предметных комиссий",
            ),
        ),
    ),
    _role_rule(
        "mentor",
        "тьютор или наставник",
        6,
        (r"\b(тьютор|тьюторы|тьютора|наставник|наставники|наставника)\b",),
        "не тьютор и не наставник",
    ),
    _role_rule(
        "community_leader",
        "лидер профессионального сообщества или ассоциации",
        7,
        (rf"\b(лидер|{HEAD}|координатор)\w*( \w+){{0,2}} (сообществ|ассоциаци)\w*",),
        "не лидер профессионального сообщества или ассоциации",
        near=(
            (
                r"\b(член|участник)\w*( \w+){0,2} (сообществ|ассоциаци)\w*",
                "член сообщества: допускаются лидеры профессиональных сообществ и ассоциаций",
            ),
        ),
    ),
    _role_rule(
        "high_results",
        "педагог, обучающиеся которого имеют стабильно высокие результаты",
        8,
        (r"\bстабильн\w* высок\w* результат", r"\bвысок\w* стабильн\w* результат"),
        "нет сведений о стабильно высоких результатах обучающихся",
    ),
    _role_rule(
        "municipal_methodist",
        "методист муниципальной методической службы",
        9,
        (
            r"\bмуниципальн\w* методист",
            r"\bметодист\w*( \w+){0,2} (ммс|ммц|рмк)\b",
            r"\bметодист\w*( \w+){0,2} (муниципальн|районн|городск)\w*( информационно)?"
            r" методическ\w* (служб|центр|кабинет)\w*",
        ),
        "не методист муниципальной методической службы",
        near=(
            (
                r"\bметодист\w*\b",
                "«методист» без места работы: допускаются методисты ЦНППМ "
                "и муниципальных методических служб",
            ),
        ),
    ),
    _role_rule(
        "mo_head",
        "руководитель методического объединения или совета",
        10,
        (
            rf"\b{HEAD}( \w+){{0,2}} методическ\w* (объединени|совет)\w*",
            rf"\b{HEAD}( \w+)? (мо|шмо|ммо|рмо|гмо)\b",
        ),
        "не руководитель методического объединения или совета",
        near=(
            (
                r"\b(член|участник)\w*( \w+){0,2} (методическ\w* объединени\w*|мо|шмо|ммо|рмо)\b",
                "член методического объединения: допускаются его руководители",
            ),
        ),
    ),
)
RULE_BY_KEY = {rule.key: rule for rule in RULES}


def assess_candidate(candidate: Candidate) -> Eligibility:
    """Every rule of 002 §3.4 on the candidate, in the order of the list."""
    if not candidate.eligibility_known:
        return Eligibility(True, None, (), unchecked=True)
    rejections: list[tuple[Rule, str]] = []
    near: list[str] = []
    for rule in RULES:
        verdict = rule.check(candidate)
        if verdict.admitted:
            return Eligibility(True, rule, tuple(rejections), role=candidate.role or "")
        rejections.append((rule, verdict.reason))
        if verdict.near_miss:
            near.append(verdict.reason)
    return Eligibility(
        False, None, tuple(rejections), role=candidate.role or "", near_misses=tuple(near)
    )


def exclusion_reason(candidate: Candidate) -> str | None:
    """Why the rules of 002 §3.4 exclude the candidate, or None when they do not."""
    return assess_candidate(candidate).exclusion_text()
