"""IOM cards (DOCX): «Карта индивидуального образовательного маршрута педагога» for every
teacher on an IOM, in the structure of 002 (Инструкция, приложения), pre-filled with the
assigned methodist and the planned events.

Fields the template may use: center_head_position, center_short, center_head,
approver_position (the marks СОГЛАСОВАНО and УТВЕРЖДАЮ), school, teacher, teacher_short,
position, notes, school_year, entry_diagnostics, final_diagnostics, methodist,
methodist_full, start, end, final (name, level, terms), stages (name, events) and events —
each with number, name, competences, level, organizer, terms, result_form, done_mark and
missed_reason (an unplanned event is marked «не запланировано» with the plan's reason).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, Template

from assign.categories import Category
from assign.documents.context import ScheduledDates, Window, signature_name, stamp
from assign.documents.settings import DocumentSettings
from assign.domain import Region, Teacher
from assign.events.catalogue import LEVEL_RU, EventType
from assign.events.outline import PlannedEvent
from assign.format import date_ru, inflect_ru
from assign.io.safe_text import docx_context, file_name_text
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
        events = sorted(_within_the_route(events_of[teacher.teacher_id]), key=lambda e: e.months[0])
        methodist = region.methodist_by_id[methodist_of[teacher.teacher_id]]
        cards.append(IomCard(teacher, methodist.full_name, tuple(events)))
    return cards


def _within_the_route(events: list[PlannedEvent]) -> list[PlannedEvent]:
    """The route's items in its cycle's order (002, Инструкция: diagnostics → development →
    implementation → final diagnostics): an item of the implementation keeps only its months
    from the IOM's development to the final diagnostics, and one held only outside them (a
    September consultation for every teacher, a visit after the final diagnostics) is no
    item of the route."""
    first = [e.months[-1] for e in events if e.spec.type is EventType.IOM_DEVELOPMENT]
    last = [e.months[0] for e in events if e.spec.type is EventType.DIAGNOSTICS_FINAL]
    if not first and not last:
        return events
    kept = []
    for event in events:
        if _stage(event.spec.type) != IMPLEMENTATION:
            kept.append(event)
            continue
        months = tuple(
            m for m in event.months if (not first or m >= first[0]) and (not last or m <= last[0])
        )
        if months:
            kept.append(event if months == event.months else replace(event, months=months))
    return kept


def _end_of_month(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


STAGES = (
    ("1. Анализ результатов диагностики", {EventType.DIAGNOSTICS_ENTRY}),
    ("2. Разработка ИОМ", {EventType.IOM_DEVELOPMENT}),
    ("3. Реализация ИОМ", None),  # every other event
    ("4. Заключительный этап", {EventType.DIAGNOSTICS_FINAL, EventType.FINAL_EVENT}),
)
"""The four stages of the IOM's work in 002's Инструкция."""


IMPLEMENTATION = 2  # the index of «3. Реализация ИОМ» in STAGES


def _stage(kind: EventType) -> int:
    for index, (_, kinds) in enumerate(STAGES):
        if kinds is not None and kind in kinds:
            return index
    return IMPLEMENTATION


def position_ru(*subjects: str) -> str:
    """«учитель русского языка», «учитель начальных классов»: the subject in the genitive;
    a teacher of two subjects is «учитель математики и физики»."""
    named = [inflect_ru(subject_name(s), "gent") for s in dict.fromkeys(subjects)]
    listed = ", ".join(named[:-1]) + " и " + named[-1] if len(named) > 1 else named[0]
    return f"учитель {listed}"


def route_window(card: IomCard, dates: ScheduledDates) -> dict[PlannedEvent, Window]:
    """Per implementation item of the card, the days its route allows: after the IOM's
    development and before the final diagnostics, by the year plan (either open where the
    plan gives it no day)."""
    tid = card.teacher.teacher_id

    def days(kind: EventType) -> list[date]:
        return [d for e in card.of_type(kind) for d in dates.teacher_days(e, tid)]

    developed = max(days(EventType.IOM_DEVELOPMENT), default=None)
    final = min(days(EventType.DIAGNOSTICS_FINAL), default=None)
    if developed is None and final is None:
        return {}
    return {e: (developed, final) for e in card.events if _stage(e.spec.type) == IMPLEMENTATION}


def _held_outside(
    card: IomCard, dates: ScheduledDates, window: dict[PlannedEvent, Window]
) -> set[PlannedEvent]:
    """Items the year plan holds only outside their route's window: not items of the route."""
    tid = card.teacher.teacher_id
    return {
        e
        for e, within in window.items()
        if dates.teacher_days(e, tid) and not dates.teacher_days(e, tid, within)
    }


def card_span(
    card: IomCard,
    dates: ScheduledDates,
    window: dict[PlannedEvent, Window],
    gone: set[PlannedEvent],
) -> tuple[date, date]:
    """The card's start and end: the first and last day of any of its items (those not
    `gone`, each within its `window`) — the year plan's days where it placed them, else
    their months; unplanned items have no day and do not count. No item is then dated
    before the start or after the end."""
    tid = card.teacher.teacher_id
    firsts, lasts = [], []
    for event in card.events:
        if event in gone:
            continue
        days = dates.teacher_days(event, tid, window.get(event, (None, None)))
        if days:
            firsts.append(min(days))
            lasts.append(max(days))
        elif not dates.is_missed(event, tid):
            firsts.append(event.months[0])
            lasts.append(_end_of_month(event.months[-1]))
    if not firsts:  # nothing planned at all: the events' months
        firsts = [min(e.months[0] for e in card.events)]
        lasts = [_end_of_month(max(e.months[-1] for e in card.events))]
    return min(firsts), max(lasts)


def card_context(
    region: Region, card: IomCard, settings: DocumentSettings, dates: ScheduledDates
) -> dict[str, Any]:
    """The card's fields; days from the year plan where it placed the teacher's events, and
    «не запланировано: …» where it left one out."""
    teacher = card.teacher
    tid = teacher.teacher_id
    entry = card.of_type(EventType.DIAGNOSTICS_ENTRY)
    final_diag = card.of_type(EventType.DIAGNOSTICS_FINAL)
    finals = card.of_type(EventType.FINAL_EVENT)
    window = route_window(card, dates)  # implementation: after development, before the end
    gone = _held_outside(card, dates, window)

    def first(e: PlannedEvent) -> date:
        return min(dates.teacher_days(e, tid, window.get(e, (None, None))), default=e.months[0])

    listed = sorted(
        (e for e in card.events if e.spec.type is not EventType.FINAL_EVENT and e not in gone),
        key=lambda e: (_stage(e.spec.type), first(e)),
    )
    start, end = card_span(card, dates, window, gone)
    stages: list[dict[str, Any]] = [{"name": name, "events": []} for name, _ in STAGES]
    for n, e in enumerate(listed, start=1):
        missed = dates.is_missed(e, tid) and not dates.teacher_days(e, tid)
        stages[_stage(e.spec.type)]["events"].append(
            {
                "number": n,
                "name": e.spec.name,
                "competences": e.spec.competences,
                "level": LEVEL_RU[e.spec.level],
                "organizer": e.spec.organizer,
                "terms": dates.teacher_terms(e, tid, window.get(e, (None, None))),
                "result_form": e.spec.result_form,
                "done_mark": "не запланировано" if missed else "",
                "missed_reason": dates.missed_reason(e, tid) if missed else "",
            }
        )
    return {
        "center_head_position": settings.head_position,
        "center_short": settings.organization_short or settings.organization,
        "center_head": signature_name(settings.head_name),
        "approver_position": settings.iom_approver_position,
        "school": region.school_by_id[teacher.school_id].name,
        "teacher": teacher.full_name,
        "teacher_short": signature_name(teacher.full_name),
        "position": position_ru(*region.subjects_of_person[teacher.person_id]),
        "notes": "Педагог с выявленными профессиональными дефицитами",
        "school_year": settings.school_year,
        "entry_diagnostics": dates.teacher_terms(entry[0], tid) if entry else "—",
        "final_diagnostics": dates.teacher_terms(final_diag[0], tid) if final_diag else "—",
        "methodist": signature_name(card.methodist_name),
        "methodist_full": _methodist_over_the_year(region, card, settings),
        "start": date_ru(start),
        "end": date_ru(end),
        "final": {
            "name": finals[0].spec.name if finals else "—",
            "level": LEVEL_RU[finals[0].spec.level] if finals else "—",
            "terms": dates.teacher_terms(finals[0], tid) if finals else "—",
        },
        "stages": [stage for stage in stages if stage["events"]],
        "events": [e for stage in stages for e in stage["events"]],
    }


def _methodist_over_the_year(region: Region, card: IomCard, settings: DocumentSettings) -> str:
    """The card's methodist; for a teacher whose methodist left during the year (a
    scenario's `effective_from`), from which day, and who held the events before it."""
    former = region.former_methodist_by_id.get(
        region.current_methodist_of.get(card.teacher.teacher_id, "")
    )
    if former is None or settings.changes_from is None:
        return card.methodist_name
    return (
        f"{card.methodist_name} (с {date_ru(settings.changes_from)}); "
        f"до этой даты — {former.full_name}"
    )


class _CompiledOnce(Environment):
    """Jinja compiles a card's XML once per batch of cards, not once per card (it is the
    same); `patched` keeps the XML as docxtpl cleaned it for Jinja, for `_CardTemplate`."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)  # names are text, not XML
        self._compiled: dict[str, Template] = {}
        self.patched: dict[str, str] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


class _CardTemplate(DocxTemplate):
    """docxtpl cleans the same template XML of Word's run tags for every card; once will do."""

    def __init__(self, template: bytes, environment: _CompiledOnce) -> None:
        super().__init__(io.BytesIO(template))
        self.environment = environment

    def patch_xml(self, src_xml: str) -> str:
        patched = self.environment.patched
        if src_xml not in patched:
            patched[src_xml] = super().patch_xml(src_xml)
        return patched[src_xml]

    def resolve_listing(self, xml: str) -> str:
        """docxtpl turns tabs, line and page breaks in the text into Word's own; a card with
        none of them is left as it is, without its three regular-expression passes over every
        paragraph (a sixth of a region's cards' time)."""
        if not any(mark in xml for mark in _LISTING_MARKS):
            return xml
        return str(super().resolve_listing(xml))


_LISTING_MARKS = ("\t", "\a", "\n", "\f")  # what docxtpl's `resolve_listing` replaces


def _render(
    template: bytes, jobs: list[tuple[Path, dict[str, Any]]], properties: dict[str, str]
) -> None:
    environment = _CompiledOnce()
    for path, context in jobs:
        document = _CardTemplate(template, environment)  # afresh per card: render mutates it
        document.render(docx_context(context), environment, autoescape=True)
        stamp(document.docx, properties)
        document.save(path)


def card_file_name(full_name: str, person_id: str, taken: set[str]) -> str:
    """«Иванова Анна Петровна (T-0004).docx»: the name a planner looks for, sorted by surname,
    and the id as written to tell namesakes apart. Characters that could leave the folder or
    that Windows refuses («../x», «a/b», «CON?») become «_», and a name already taken gets a
    number."""
    stem = f"{full_name} ({person_id})" if full_name.strip() else person_id
    stem = file_name_text(stem).strip(" .") or "_"
    name, n = f"{stem}.docx", 1
    while name.lower() in taken:
        n += 1
        name = f"{stem} ({n}).docx"
    taken.add(name.lower())
    return name


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
    names: set[str] = set()
    jobs = [
        (
            folder / card_file_name(card.teacher.full_name, card.teacher.person_id, names),
            card_context(region, card, settings, dates),
        )
        for card in cards
    ]
    workers = min(os.cpu_count() or 1, 4)
    properties = settings.properties("Индивидуальный образовательный маршрут педагога")
    if len(jobs) < PARALLEL_FROM or workers == 1:
        _render(template, jobs, properties)
    else:
        chunks = [jobs[i::workers] for i in range(workers)]
        with ProcessPoolExecutor(workers) as pool:
            for done in [pool.submit(_render, template, c, properties) for c in chunks]:
                done.result()
    return [path for path, _ in jobs]
