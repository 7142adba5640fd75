"""The year's events per methodist at month precision: what the roadmaps and IOM cards list.

For every methodist, each catalogue event that concerns at least one of their teachers (or the
methodist alone, for reports and regional events) is placed in the months the catalogue
gives, within the school year that starts in September of `start_year`. The exact days and
hours are the scheduler's job; documents need the terms («Сроки») and who takes part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from assign.domain import Region
from assign.events.catalogue import Catalogue, EventSpec
from assign.format import month_ru

FREQUENCY_RU = {
    "monthly": "ежемесячно",
    "biweekly": "раз в две недели",
    "weekly": "еженедельно",
    "yearly": "ежегодно",
}


@dataclass(frozen=True)
class PlannedEvent:
    spec: EventSpec
    methodist_id: str
    teacher_ids: tuple[str, ...]
    months: tuple[date, ...]  # the first day of each month it takes place in, in order

    @property
    def terms(self) -> str:
        """«Сроки» as the roadmap writes them: a window for a single event ("once", "yearly"),
        each month for "months", the span for a repeated one."""
        first, last = month_ru(self.months[0]), month_ru(self.months[-1])
        span = first if first == last else f"{first} – {last}"
        if self.spec.frequency == "months":
            return ", ".join(month_ru(m) for m in self.months)
        frequency = FREQUENCY_RU.get(self.spec.frequency)
        return f"{frequency}, {span}" if frequency else span


def month_in_year(start_year: int, month: int) -> date:
    """The first day of `month` in the school year that starts in September of `start_year`."""
    return date(start_year if month >= 9 else start_year + 1, month, 1)


def outline(
    region: Region, assignment: Mapping[str, str], catalogue: Catalogue, start_year: int
) -> list[PlannedEvent]:
    """The events of every methodist who has teachers, in catalogue order."""
    teachers_of: dict[str, list[str]] = defaultdict(list)
    for teacher in region.teachers:  # region order keeps the output stable
        methodist_id = assignment.get(teacher.teacher_id)
        if methodist_id is not None:
            teachers_of[methodist_id].append(teacher.teacher_id)
    categories = {t.teacher_id: frozenset(region.teacher_categories(t)) for t in region.teachers}
    planned: list[PlannedEvent] = []
    for methodist in region.methodists:
        teachers = teachers_of.get(methodist.methodist_id)
        if not teachers:
            continue
        for spec in catalogue.events:
            if spec.for_methodist:
                taking_part: tuple[str, ...] = ()
            else:
                taking_part = tuple(t for t in teachers if spec.concerns(categories[t]))
                if not taking_part:
                    continue
            months = tuple(sorted({month_in_year(start_year, m) for m in spec.months}))
            planned.append(PlannedEvent(spec, methodist.methodist_id, taking_part, months))
    return planned
