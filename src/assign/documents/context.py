"""The facts every document shows, gathered once from the region and the plan.

Methodists and teachers come in Russian alphabetical order (ё after е); teachers without a
methodist are not in the plan's documents but are counted, so totals can be checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assign.domain import Methodist, Region, Teacher
from assign.format import ru_sort_key
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
