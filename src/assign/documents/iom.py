"""IOM cards (DOCX): «Карта индивидуального образовательного маршрута педагога» for every
teacher on an IOM, in the structure of 002 (Инструкция, приложения), pre-filled with the
assigned methodist and the planned events.

Fields the template may use: school, teacher, teacher_short, position, notes, school_year,
entry_diagnostics, final_diagnostics, methodist, start, end, final (name, level, terms) and
events — each with number, name, competences, level, organizer, terms, result_form.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from assign.categories import Category
from assign.documents.context import ScheduledDates, short_name
from assign.documents.settings import DocumentSettings
from assign.domain import Region, Teacher
from assign.events.catalogue import LEVEL_RU, EventType
from assign.events.outline import PlannedEvent
from assign.format import date_ru
from assign.subjects import subject_name


@dataclass(frozen=True)
class IomCard:
    teacher: Teacher
    methodist_name: str
    events: tuple[PlannedEvent, ...]  # in the IOM cycle's order

    def of_type(self, kind: EventType) -> list[PlannedEvent]:
        return [e for e in self.events if e.spec.type is kind]


def iom_cards(region: Region, planned: Iterable[PlannedEvent]) -> list[IomCard]:
    """One card per teacher on an IOM who has a methodist, with the events they take part in."""
    events_of: dict[str, list[PlannedEvent]] = {}
    methodist_of: dict[str, str] = {}
    for event in planned:
        for t in event.teacher_ids:
            events_of.setdefault(t, []).append(event)
            methodist_of[t] = event.methodist_id
    cards = []
    carded: set[str] = set()  # one card per person, even for a teacher of two subjects
    for teacher in region.teachers:
        if Category.IOM not in region.teacher_categories(teacher):
            continue
        if teacher.teacher_id not in events_of or teacher.person_id in carded:
            continue
        carded.add(teacher.person_id)
        events = sorted(events_of[teacher.teacher_id], key=lambda e: e.months[0])
        methodist = region.methodist_by_id[methodist_of[teacher.teacher_id]]
        cards.append(IomCard(teacher, methodist.full_name, tuple(events)))
    return cards


def _end_of_month(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def card_context(
    region: Region, card: IomCard, settings: DocumentSettings, dates: ScheduledDates
) -> dict[str, Any]:
    """The card's fields; days from the year plan where it placed the teacher's events."""
    teacher = card.teacher
    tid = teacher.teacher_id
    entry = card.of_type(EventType.DIAGNOSTICS_ENTRY)
    development = card.of_type(EventType.IOM_DEVELOPMENT)
    final_diag = card.of_type(EventType.DIAGNOSTICS_FINAL)
    finals = card.of_type(EventType.FINAL_EVENT)
    shown = {EventType.DIAGNOSTICS_ENTRY, EventType.DIAGNOSTICS_FINAL, EventType.FINAL_EVENT}
    listed = sorted(
        (e for e in card.events if e.spec.type not in shown),
        key=lambda e: dates.teacher_first(e, tid) or e.months[0],
    )
    opening, closing = (development or card.events)[0], (finals or card.events)[-1]
    start = dates.teacher_first(opening, tid) or opening.months[0]
    end = dates.teacher_first(closing, tid) or _end_of_month(closing.months[-1])
    return {
        "school": region.school_by_id[teacher.school_id].name,
        "teacher": teacher.full_name,
        "teacher_short": short_name(teacher.full_name),
        "position": f"учитель ({subject_name(teacher.subject)})",
        "notes": "Педагог с выявленными профессиональными дефицитами",
        "school_year": settings.school_year,
        "entry_diagnostics": dates.teacher_terms(entry[0], tid) if entry else "—",
        "final_diagnostics": dates.teacher_terms(final_diag[0], tid) if final_diag else "—",
        "methodist": short_name(card.methodist_name),
        "start": date_ru(start),
        "end": date_ru(end),
        "final": {
            "name": finals[0].spec.name if finals else "—",
            "level": LEVEL_RU[finals[0].spec.level] if finals else "—",
            "terms": dates.teacher_terms(finals[0], tid) if finals else "—",
        },
        "events": [
            {
                "number": n,
                "name": e.spec.name,
                "competences": e.spec.competences,
                "level": LEVEL_RU[e.spec.level],
                "organizer": e.spec.organizer,
                "terms": dates.teacher_terms(e, tid),
                "result_form": e.spec.result_form,
            }
            for n, e in enumerate(listed, start=1)
        ],
    }


def _render(template: bytes, jobs: list[tuple[Path, dict[str, Any]]]) -> None:
    for path, context in jobs:
        document = DocxTemplate(io.BytesIO(template))  # afresh per card: render mutates it
        document.render(context)
        document.save(path)


PARALLEL_FROM = 64  # cards; fewer are not worth starting processes for


def write_iom_cards(
    region: Region,
    cards: list[IomCard],
    settings: DocumentSettings,
    folder: Path,
    dates: ScheduledDates | None = None,
) -> list[Path]:
    """Cards are independent, so a region's thousand are rendered on all cores."""
    dates = dates or ScheduledDates()
    folder.mkdir(parents=True, exist_ok=True)
    template = settings.iom_template.read_bytes()
    jobs = [
        (folder / f"{card.teacher.person_id}.docx", card_context(region, card, settings, dates))
        for card in cards
    ]
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_FROM or workers == 1:
        _render(template, jobs)
    else:
        chunks = [jobs[i::workers] for i in range(workers)]
        with ProcessPoolExecutor(workers) as pool:
            for done in [pool.submit(_render, template, chunk) for chunk in chunks]:
                done.result()
    return [path for path, _ in jobs]
