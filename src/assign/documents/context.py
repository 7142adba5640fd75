"""The facts every document shows, gathered once from the region and the plan.

Methodists and teachers come in Russian alphabetical order (ё after е); teachers without a
methodist are not in the plan's documents but are counted, so totals can be checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from assign.domain import Methodist, Region, Teacher
from assign.events.outline import PlannedEvent
from assign.format import date_ru, ru_sort_key
from assign.schedule.solver import Placed
from assign.subjects import subject_name


@dataclass(frozen=True)
class MethodistTeachers:
    methodist: Methodist
    teachers: tuple[Teacher, ...]


def short_name(full_name: str) -> str:
    """«Иванова Анна Петровна» → «Иванова А.П.», as signature lines write it."""
    surname, *rest = full_name.split()
    return " ".join([surname, "".join(f"{part[0]}." for part in rest)]).strip()


def subjects_text(methodist: Methodist) -> str:
    return ", ".join(subject_name(s) for s in methodist.subjects)


def by_methodist(region: Region, assignment: Mapping[str, str]) -> list[MethodistTeachers]:
    """Each methodist with teachers, and those teachers, all in Russian alphabetical order."""
    grouped: dict[str, list[Teacher]] = {}
    for teacher in region.teachers:
        methodist_id = assignment.get(teacher.teacher_id)
        if methodist_id is not None:
            grouped.setdefault(methodist_id, []).append(teacher)
    methodists = sorted(
        (region.methodist_by_id[m] for m in grouped),
        key=lambda m: (ru_sort_key(m.full_name), m.methodist_id),
    )
    return [
        MethodistTeachers(
            m,
            tuple(
                sorted(
                    grouped[m.methodist_id],
                    key=lambda t: (ru_sort_key(t.full_name), t.teacher_id),
                )
            ),
        )
        for m in methodists
    ]


class ScheduledDates:
    """The days the year plan gives each event, where a plan exists; documents fall back to
    the outline's month terms for what it did not place."""

    MAX_LISTED = 3  # more dates than this read better as the month terms

    def __init__(self, placed: Iterable[Placed] = ()) -> None:
        self.by_event: dict[tuple[str, str], set[date]] = defaultdict(set)
        self.by_teacher: dict[tuple[str, str, str], set[date]] = defaultdict(set)
        for p in placed:
            key = (p.instance.planned.methodist_id, p.instance.planned.spec.key)
            self.by_event[key].add(p.start.date())
            for t in p.teacher_ids:
                self.by_teacher[(*key, t)].add(p.start.date())

    def _text(self, days: set[date], fallback: str) -> str:
        if not days or len(days) > self.MAX_LISTED:
            return fallback
        return "; ".join(date_ru(d) for d in sorted(days))

    def terms(self, event: PlannedEvent) -> str:
        return self._text(
            self.by_event.get((event.methodist_id, event.spec.key), set()), event.terms
        )

    def teacher_terms(self, event: PlannedEvent, teacher_id: str) -> str:
        key = (event.methodist_id, event.spec.key, teacher_id)
        return self._text(self.by_teacher.get(key, set()), event.terms)

    def teacher_first(self, event: PlannedEvent, teacher_id: str) -> date | None:
        days = self.by_teacher.get((event.methodist_id, event.spec.key, teacher_id))
        return min(days) if days else None
