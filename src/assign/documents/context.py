"""The facts every document shows, gathered once from the region and the plan.

Methodists and teachers come in Russian alphabetical order (ё after е); teachers without a
methodist are not in the plan's documents but are counted, so totals can be checked.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from docx.document import Document as DocxDocument

from assign.domain import Methodist, Region, Teacher
from assign.events.outline import PlannedEvent
from assign.format import date_ru, months_after_v, ru_sort_key
from assign.schedule.saved import ScheduleRow, read_saved_schedule
from assign.subjects import subject_name


@dataclass(frozen=True)
class MethodistTeachers:
    methodist: Methodist
    teachers: tuple[Teacher, ...]


def stamp(document: DocxDocument, properties: Mapping[str, str]) -> None:
    """The document's core properties set afresh: its author and title, made and last
    saved now, the first revision (the template's own say «python-docx», 2013)."""
    now = datetime.now().replace(microsecond=0)
    core = document.core_properties
    core.author = core.last_modified_by = properties.get("author", "")
    core.title = properties.get("title", "")
    core.created = core.modified = now
    core.revision = 1
    core.comments = core.keywords = core.subject = core.category = ""


def people(region: Region, teacher_ids: Iterable[str]) -> int:
    """How many people the teacher records are: a teacher of two subjects has a record per
    subject (one `person_id`), and a document counts her once."""
    record = region.teacher_by_id
    return len({record[t].person_id if t in record else t for t in teacher_ids})


def short_name(full_name: str) -> str:
    """«Иванова Анна Петровна» → «Иванова А.П.», as signature lines write it; a name already
    in initials stays as given («А.П. Иванова», «Иванова А.П.»)."""
    parts = full_name.split()
    if not parts or any("." in part for part in parts):
        return " ".join(parts)
    surname, *rest = parts
    return " ".join([surname, "".join(f"{part[0]}." for part in rest)]).strip()


def signature_name(name: str) -> str:
    """A signature's spelled-out name as GOST R 7.0.97-2016 writes it, initials first:
    «Петрова Анна Ивановна» → «А.И. Петрова»; a name already in initials («Петрова А.И.»
    turned round too) or a blank to fill stays as it is."""
    parts = name.split()
    if len(parts) < 2 or not name.strip("_ "):
        return name
    if all("." not in part for part in parts):
        surname, *given = parts
        return "".join(f"{part[0]}." for part in given) + " " + surname
    if "." not in parts[0] and all(part.endswith(".") for part in parts[1:]):
        return "".join(parts[1:]) + " " + parts[0]  # «Петрова А.И.» → «А.И. Петрова»
    return name


def short_names(people: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Per person's id (of `(id, full name)` pairs): their signature form (`short_name`), or
    their full name where another person of the document shares that form — «Новикова
    Ольга Павловна» and «Новикова Ольга Петровна» are both «Новикова О.П.», and a reader
    must tell them apart — with the id as well where the full names are the same too."""
    name_of = dict(people)
    forms = Counter(_alike(short_name(name)) for name in name_of.values())
    fulls = Counter(_alike(name) for name in name_of.values())
    label = {}
    for person, name in name_of.items():
        if fulls[_alike(name)] > 1:
            label[person] = f"{name} ({person})"
        elif forms[_alike(short_name(name))] > 1:
            label[person] = name
        else:
            label[person] = short_name(name)
    return label


def _alike(name: str) -> str:
    """A name as a reader compares it: «Киселёва» and «Киселева» are one name in print."""
    return name.lower().replace("ё", "е")


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


ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")


Window = tuple[date | None, date | None]  # (after, before): days strictly between


class ScheduledDates:
    """The days the saved year plan (schedule.csv, unplanned.csv) gives each event; documents
    fall back to the outline's month terms only where no plan was made, and show an event
    the plan left out as unplanned, with its reason — never as if it had a date."""

    MAX_LISTED = 3  # more dates than this read better as the month terms

    def __init__(
        self,
        placed: Iterable[ScheduleRow] = (),
        unplanned: Iterable[ScheduleRow] = (),
    ) -> None:
        self.by_event: dict[tuple[str, str], set[date]] = defaultdict(set)
        # a teacher's days of an event, whoever held them: one whose methodist left during
        # the year (a scenario's `effective_from`) keeps the autumn's days with her
        self.by_teacher: dict[tuple[str, str], set[date]] = defaultdict(set)
        self.missed_event: dict[tuple[str, str], str] = {}
        self.missed_teacher: dict[tuple[str, str, str], str] = {}
        for row in placed:
            key = (row.methodist_id, row.event_key)
            assert row.start is not None
            self.by_event[key].add(row.start.date())
            for t in row.teacher_ids:
                self.by_teacher[(row.event_key, t)].add(row.start.date())
        for row in unplanned:
            key = (row.methodist_id, row.event_key)
            self.missed_event.setdefault(key, row.reason)
            for t in row.teacher_ids:
                self.missed_teacher.setdefault((*key, t), row.reason)

    def with_names(self, region: Region) -> ScheduledDates:
        """The same plan with every id in its reasons («школы муниципалитета SAH-M34
        недоступны…») replaced by the name a person reads."""
        names = {m.municipality_id: m.name for m in region.municipalities}
        names |= {s.school_id: s.name for s in region.schools}
        names |= {m.methodist_id: m.full_name for m in region.methodists}
        if not names:
            return self

        def readable(text: str) -> str:
            return months_after_v(ID_TOKEN.sub(lambda m: names.get(m.group(0), m.group(0)), text))

        named = ScheduledDates()
        named.by_event, named.by_teacher = self.by_event, self.by_teacher
        named.missed_event = {k: readable(v) for k, v in self.missed_event.items()}
        named.missed_teacher = {k: readable(v) for k, v in self.missed_teacher.items()}
        return named

    @classmethod
    def from_folder(cls, folder: Path) -> ScheduledDates:
        """The year plan `assign schedule` (or `assign plan`) wrote into `folder`."""
        saved = read_saved_schedule(folder)
        return cls(saved.placed, saved.unplanned)

    def _text(self, days: set[date], fallback: str, missed: str | None) -> str:
        if missed is not None and not days:
            return f"не запланировано: {missed}"
        text = (
            fallback
            if not days or len(days) > self.MAX_LISTED
            else "; ".join(date_ru(d) for d in sorted(days))
        )
        return text if missed is None else f"{text} (частично не запланировано: {missed})"

    def terms(self, event: PlannedEvent) -> str:
        key = (event.methodist_id, event.spec.key)
        return self._text(self.by_event.get(key, set()), event.terms, self.missed_event.get(key))

    def teacher_terms(
        self, event: PlannedEvent, teacher_id: str, within: Window = (None, None)
    ) -> str:
        missed = self.missed_teacher.get((event.methodist_id, event.spec.key, teacher_id))
        return self._text(self.teacher_days(event, teacher_id, within), event.terms, missed)

    def teacher_days(
        self, event: PlannedEvent, teacher_id: str, within: Window = (None, None)
    ) -> set[date]:
        """The days the teacher takes part in the event; only those strictly between the two
        days of `within` (either may be None: no bound)."""
        days = self.by_teacher.get((event.spec.key, teacher_id), set())
        after, before = within
        if after is None and before is None:
            return days
        return {d for d in days if (after is None or d > after) and (before is None or d < before)}

    def is_missed(self, event: PlannedEvent, teacher_id: str) -> bool:
        return (event.methodist_id, event.spec.key, teacher_id) in self.missed_teacher

    def missed_reason(self, event: PlannedEvent, teacher_id: str) -> str:
        return self.missed_teacher.get((event.methodist_id, event.spec.key, teacher_id), "")
