"""Who may join the pool (002 §3.4), as rules a scenario may relax.

Eligible by role: ЦНППМ staff, leaders of regional УМО sections, experts of ЕГЭ/ОГЭ commissions,
tutors and mentors, leaders of professional communities, municipal methodists, heads of
methodical associations. A teacher is eligible with the highest qualification category, higher
pedagogical education and at least five years of experience. A candidate with no facts on file
is taken as eligible (validation already warned that nothing was checked).
"""

from __future__ import annotations

from assign.domain import Candidate
from assign.subjects import normalize

ROLE_MARKERS = (
    "цнппм",
    "умо",
    "эксперт",
    "тьютор",
    "наставник",
    "сообществ",
    "муниципальн",
    "методическ",
    "методист",
)
MIN_EXPERIENCE_YEARS = 5


def exclusion_reason(candidate: Candidate) -> str | None:
    """Why the rules of 002 §3.4 exclude the candidate, or None when they do not."""
    if not candidate.eligibility_known:
        return None
    role = normalize(candidate.role or "")
    if role and any(marker in role for marker in ROLE_MARKERS):
        return None
    missing = []
    if normalize(candidate.qualification_category or "") != "высшая":
        missing.append("нет высшей квалификационной категории")
    if candidate.pedagogical_education is False:
        missing.append("нет высшего педагогического образования")
    if candidate.experience_years is None or candidate.experience_years < MIN_EXPERIENCE_YEARS:
        missing.append(f"стаж меньше {MIN_EXPERIENCE_YEARS} лет")
    if not missing:
        return None
    return "не соответствует 002 §3.4: " + ", ".join(missing)
