"""The documents of a plan: the assignment order, the workbook, roadmaps and IOM cards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from assign.assignment import AssignmentProblem
from assign.documents.context import ScheduledDates
from assign.documents.iom import iom_cards, write_iom_cards
from assign.documents.order import write_order
from assign.documents.roadmap import write_roadmaps
from assign.documents.settings import DocumentSettings
from assign.documents.workbook import write_workbook
from assign.domain import Region
from assign.events.catalogue import Catalogue
from assign.events.outline import PlannedEvent, outline


@dataclass
class WrittenDocuments:
    order: Path
    workbook: Path
    roadmaps: Path
    iom_cards: list[Path]
    unfilled: list[str] = field(default_factory=list)
    """The order's details left blank (`DocumentSettings.unfilled`): to fill before signing."""


def write_documents(
    problem: AssignmentProblem,
    assignment: Mapping[str, str],
    unplaced: list[str],
    settings: DocumentSettings,
    catalogue: Catalogue,
    out: Path,
    dates: ScheduledDates | None = None,
) -> WrittenDocuments:
    """All documents of one plan into `out`: order.docx, assignment.xlsx, roadmaps.xlsx and
    iom/<full name> (<teacher id>).docx; with the saved year plan's `dates`
    (`ScheduledDates.from_folder`), its days — and what it left unplanned — in the roadmaps
    and cards."""
    out.mkdir(parents=True, exist_ok=True)
    region = problem.region
    planned = outline(region, assignment, catalogue, settings.school_year_start)
    written = WrittenDocuments(
        out / "order.docx", out / "assignment.xlsx", out / "roadmaps.xlsx", [], settings.unfilled()
    )
    write_order(region, assignment, settings, written.order, problem)
    write_workbook(problem, assignment, unplaced, written.workbook, settings.region_name)
    dates = (dates or ScheduledDates()).with_names(region)
    moved = _moved_from_former(region, settings)
    held = held_by_former(region, moved, catalogue, settings, dates)
    roadmap = _without_what_the_former_held(planned, moved, settings, dates) + held
    write_roadmaps(region, roadmap, written.roadmaps, dates, settings)
    cards = iom_cards(region, planned)
    written.iom_cards = write_iom_cards(region, cards, settings, out / "iom", dates)
    return written


def _moved_from_former(region: Region, settings: DocumentSettings) -> dict[str, str]:
    """Teachers whose methodist by the current order left during the year (a scenario's
    `effective_from`), and who she is; none without a change day."""
    if settings.changes_from is None:
        return {}
    former = region.former_methodist_by_id
    return {t: m for t, m in region.current_methodist_of.items() if m in former}


def held_by_former(
    region: Region,
    moved: dict[str, str],
    catalogue: Catalogue,
    settings: DocumentSettings,
    dates: ScheduledDates,
) -> list[PlannedEvent]:
    """The events a methodist who left during the year held for her teachers (`moved`)
    before she left, by the year plan: her roadmap keeps them."""
    if not moved:
        return []
    with_them = region.changed(methodists=region.former_methodists)
    return [
        e
        for e in outline(with_them, moved, catalogue, settings.school_year_start)
        if dates.by_event.get((e.methodist_id, e.spec.key))
    ]


def _without_what_the_former_held(
    planned: list[PlannedEvent],
    moved: dict[str, str],
    settings: DocumentSettings,
    dates: ScheduledDates,
) -> list[PlannedEvent]:
    """The successors' events without the teachers whose part in them the leaver held before
    the change day: her roadmap counts them, theirs would count them twice (a successor's
    entry diagnostics read 133 teachers where she tested 100). The IOM cards keep every event."""
    if not moved or settings.changes_from is None:
        return planned
    day = settings.changes_from
    kept = []
    for event in planned:
        if not moved.keys() & set(event.teacher_ids):
            kept.append(event)
            continue
        theirs = tuple(
            t
            for t in event.teacher_ids
            if t not in moved or not (days := dates.teacher_days(event, t)) or max(days) >= day
        )
        if theirs:
            kept.append(replace(event, teacher_ids=theirs))
    return kept
