"""The assignment order (DOCX): «Приказ о закреплении региональных методистов за
педагогическими работниками», a распорядительный акт in the form of ГОСТ Р 7.0.97-2016,
rendered from an editable docxtpl template.

Appendix 1 is compact: per methodist a heading row, then a row per municipality holding a
paragraph per school — the school in bold, then its teachers' full names. Appendix 2, when a
current order exists, lists every teacher whose methodist changes (`change_list`), with the
reason. The points are built here, so they follow the plan: revoking the previous order,
the changes, informing municipal bodies and school heads, control of execution.

Fields the template may use: organization, organization_short, center, city, order_date,
order_number, grounds, region, school_year, head_position, head_name, points (texts),
methodists — each with heading and rows (number, schools as RichText: the municipality,
then a paragraph per school; count) —
changes (number, teacher, was, now, reason) and changes_against.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, RichText

from assign.assignment import AssignmentProblem
from assign.assignment.changes import UNNAMED_FORMER, Change, change_list
from assign.documents.context import (
    MethodistTeachers,
    by_methodist,
    people,
    short_name,
    short_names,
    signature_name,
    stamp,
    subjects_text,
)
from assign.documents.settings import DocumentSettings
from assign.domain import Region, Teacher
from assign.format import count_ru, date_ru, fmt_int, inflect_ru, name_case, ru_sort_key
from assign.io.safe_text import docx_context, docx_text
from assign.subjects import subject_name

FONT = 20  # half-points: the appendix's 10 pt
FONT_NAME = "Times New Roman"
ROW_LINES = 45  # a row longer than this (estimated) continues in the next row
LINE_CHARS = 95  # characters per line of the schools column at 10 pt


def _previous_order(settings: DocumentSettings) -> str | None:
    """« от «01» сентября 2025 г. № 12-о» of the order this one replaces; None without one."""
    if settings.previous_order_number is None:
        return None
    when = f" от {date_ru(settings.previous_order_date)}" if settings.previous_order_date else ""
    return f"{when} № {settings.previous_order_number}"


def _from(settings: DocumentSettings) -> str:
    """« с «11» января 2027 г.» when the changes take effect on a day of their own."""
    return f" с {date_ru(settings.changes_from)}" if settings.changes_from else ""


def _against(settings: DocumentSettings) -> str:
    previous = _previous_order(settings)
    return f"приказа{previous}" if previous else "действующего закрепления"


def _school_paragraphs(
    region: Region, teachers: list[Teacher], with_subject: bool
) -> list[tuple[str, str]]:
    """(school, teachers' names) per school, schools in Russian alphabetical order."""
    schools: dict[str, list[str]] = {}
    for t in teachers:
        subject = f" ({subject_name(t.subject).lower()})" if with_subject else ""
        name = t.full_name + subject
        schools.setdefault(t.school_id, []).append(name)
    school = region.school_by_id
    ordered = sorted(schools, key=lambda s: (ru_sort_key(school[s].name), s))
    return [(school[s].name, ", ".join(schools[s])) for s in ordered]


def _rich(municipality: str, paragraphs: list[tuple[str, str]]) -> RichText:
    """The municipality underlined, then a paragraph per school: the school in bold."""
    text = RichText()  # escapes what it is given; only our own \a starts a paragraph
    text.add(docx_text(municipality), bold=True, underline=True, size=FONT, font=FONT_NAME)
    for school, names in paragraphs:
        text.add("\a" + docx_text(school) + ": ", bold=True, size=FONT, font=FONT_NAME)
        text.add(docx_text(names) + ".", size=FONT, font=FONT_NAME)
    return text


def _lines(paragraphs: list[tuple[str, str]]) -> int:
    return sum(-(-(len(s) + len(n) + 3) // LINE_CHARS) for s, n in paragraphs)


def methodist_rows(region: Region, group: MethodistTeachers, index: int) -> list[dict[str, Any]]:
    """A row per municipality (split in continuation rows when long, so no row outgrows a
    page and every row may keep together)."""
    municipality = {m.municipality_id: m.name for m in region.municipalities}
    by_muni: dict[str, list[Teacher]] = {}
    for t in group.teachers:
        by_muni.setdefault(region.school_municipality(t.school_id), []).append(t)
    with_subject = len(group.methodist.subjects) > 1
    rows: list[dict[str, Any]] = []
    for muni in sorted(by_muni, key=lambda m: ru_sort_key(municipality[m])):
        chunk: list[tuple[str, str]] = []
        count = 0
        parts: list[tuple[list[tuple[str, str]], int]] = []
        of_school: dict[str, list[Teacher]] = {}
        for t in by_muni[muni]:
            of_school.setdefault(t.school_id, []).append(t)
        school = region.school_by_id
        for school_id in sorted(of_school, key=lambda s: (ru_sort_key(school[s].name), s)):
            teachers = of_school[school_id]
            (paragraph,) = _school_paragraphs(region, teachers, with_subject)
            if chunk and _lines([*chunk, paragraph]) > ROW_LINES:
                parts.append((chunk, count))
                chunk, count = [], 0
            chunk.append(paragraph)
            count += people(region, [t.teacher_id for t in teachers])
        parts.append((chunk, count))
        for k, (paragraphs, n) in enumerate(parts):
            rows.append(
                {
                    "number": f"{index}.{len(rows) + 1}",
                    "schools": _rich(
                        municipality[muni] + (" (продолжение)" if k else ""), paragraphs
                    ),
                    "count": fmt_int(n),
                }
            )
    return rows


def _change_row(number: int, change: Change, label: Mapping[str, str]) -> dict[str, Any]:
    """One row of the changes' table; `label` names the methodists (`short_names`)."""
    subject = subject_name(change.subject)
    return {
        "number": number,
        "teacher": f"{change.teacher_name} ({subject}), {change.school_name}",
        "was": label[change.from_id] if change.from_name else UNNAMED_FORMER,
        "now": label[change.to_id],
        "reason": change.reason_text,
    }


def order_points(
    groups: list[MethodistTeachers],
    n_teachers: int,
    n_municipalities: int,
    changes: list[Change],
    settings: DocumentSettings,
) -> list[str]:
    """The order's points in ГОСТ's sequence: decide, change, act, inform, revoke, control."""
    previous = _previous_order(settings)
    points = [
        "Закрепить региональных методистов за педагогическими работниками согласно "
        f"приложению 1 к настоящему приказу (всего {count_ru(len(groups), 'региональный методист')}"
        f", {count_ru(n_teachers, 'педагогический работник')} из "
        f"{count_ru(n_municipalities, 'муниципальное образование', 'gent')})."
    ]
    if changes:
        points.append(
            f"Изменить{_from(settings)} закрепление "
            f"{count_ru(len(changes), 'педагогический работник', 'gent')} "
            f"относительно {_against(settings)} согласно "
            "приложению 2 к настоящему приказу."
        )
    points += [
        "Региональным методистам организовать адресное методическое сопровождение "
        "закреплённых педагогических работников, в том числе разработку и реализацию "
        "индивидуальных образовательных маршрутов совместно с заместителями руководителей и "
        "руководителями методических объединений образовательных организаций.",
        "Направить настоящий приказ в органы местного самоуправления, осуществляющие "
        "управление в сфере образования, и руководителям образовательных организаций для "
        "информирования педагогических работников о закреплённых за ними региональных "
        "методистах и организации взаимодействия с ними.",
    ]
    if previous:
        points.append(
            f"Признать утратившим силу приказ{previous} «О закреплении региональных "
            "методистов за педагогическими работниками»."
        )
    if settings.control_position:
        position = settings.control_position.split()
        head = inflect_ru(position[0], "accs")
        who = " ".join([head, *position[1:]])
        if settings.control_name:
            who += " " + short_name(name_case(settings.control_name, "accs"))
        points.append(f"Контроль за исполнением настоящего приказа возложить на {who.rstrip('.')}.")
    else:
        points.append("Контроль за исполнением настоящего приказа оставляю за собой.")
    return points


def order_context(
    region: Region,
    assignment: Mapping[str, str],
    settings: DocumentSettings,
    problem: AssignmentProblem | None = None,
) -> dict[str, Any]:
    """The order's fields; with the plan's `problem`, appendix 2 lists the changes against
    the current order (without it — a caller that has only the region — there is none)."""
    groups = by_methodist(region, assignment)
    methodists = []
    for index, group in enumerate(groups, start=1):
        m = group.methodist
        base = region.person_base(m)[1]
        heads = people(region, [t.teacher_id for t in group.teachers])
        people_text = count_ru(heads, "педагогический работник")
        muni = {x.municipality_id: x.name for x in region.municipalities}
        methodists.append(
            {
                "heading": (
                    f"{index}. Региональный методист {m.full_name} ({subjects_text(m)}; "
                    f"{muni[base]}) — {people_text}"
                ),
                "rows": methodist_rows(region, group, index),
            }
        )
    n_teachers = people(region, [t.teacher_id for g in groups for t in g.teachers])
    served = {region.school_municipality(t.school_id) for g in groups for t in g.teachers}
    changes = change_list(problem, dict(assignment)) if problem is not None else []
    label = short_names(
        [*((c.to_id, c.to_name) for c in changes), *((c.from_id, c.from_name) for c in changes)]
    )
    return {
        "organization": settings.organization,
        "organization_short": settings.organization_short or settings.organization,
        "center": settings.center,
        "city": settings.city,
        "order_date": date_ru(settings.order_date),
        "order_number": settings.order_number,
        "grounds": ", ".join(settings.grounds),
        "region": settings.region_name,
        "school_year": settings.school_year,
        "head_position": settings.head_position,
        "head_name": signature_name(settings.head_name),
        "points": order_points(groups, n_teachers, len(served), changes, settings),
        "methodists": methodists,
        "changes": [_change_row(n, c, label) for n, c in enumerate(changes, start=1)],
        "changes_against": _against(settings),
    }


def write_order(
    region: Region,
    assignment: Mapping[str, str],
    settings: DocumentSettings,
    path: Path,
    problem: AssignmentProblem | None = None,
) -> None:
    template = DocxTemplate(settings.order_template)
    context = docx_context(order_context(region, assignment, settings, problem))
    template.render(context, autoescape=True)  # names are text, never Word XML
    stamp(template.docx, settings.properties("Приказ о закреплении педагогов за методистами"))
    template.save(path)
