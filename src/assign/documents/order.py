"""The assignment order (DOCX): «Приказ о закреплении региональных методистов за
педагогическими работниками», rendered from an editable docxtpl template.

Fields the template may use: organization, center, city, order_date, order_number, grounds,
school_year, head_position, head_name, n_methodists, n_teachers, n_municipalities, and
methodists — each with number, name, subjects, municipality, count and teachers (number,
name, school, municipality, subject).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from assign.documents.context import (
    MethodistTeachers,
    by_methodist,
    subjects_text,
)
from assign.documents.settings import DocumentSettings
from assign.domain import Region
from assign.format import date_ru, fmt_int
from assign.subjects import subject_name


def order_context(
    region: Region, groups: list[MethodistTeachers], settings: DocumentSettings
) -> dict[str, Any]:
    municipality = {m.municipality_id: m.name for m in region.municipalities}
    school = region.school_by_id
    methodists = []
    number = 0
    for index, group in enumerate(groups, start=1):
        rows = []
        for teacher in group.teachers:
            number += 1
            s = school[teacher.school_id]
            rows.append(
                {
                    "number": number,
                    "name": teacher.full_name,
                    "school": s.name,
                    "municipality": municipality[s.municipality_id],
                    "subject": subject_name(teacher.subject),
                }
            )
        m = group.methodist
        methodists.append(
            {
                "number": index,
                "name": m.full_name,
                "subjects": subjects_text(m),
                "municipality": municipality[region.person_base(m)[1]],
                "count": fmt_int(len(rows)),
                "teachers": rows,
            }
        )
    served_municipalities = {
        school[t.school_id].municipality_id for g in groups for t in g.teachers
    }
    return {
        "organization": settings.organization,
        "center": settings.center,
        "city": settings.city,
        "order_date": date_ru(settings.order_date),
        "order_number": settings.order_number,
        "grounds": ", ".join(settings.grounds),
        "school_year": settings.school_year,
        "head_position": settings.head_position,
        "head_name": settings.head_name,
        "n_methodists": fmt_int(len(groups)),
        "n_teachers": fmt_int(number),
        "n_municipalities": fmt_int(len(served_municipalities)),
        "methodists": methodists,
    }


def write_order(
    region: Region, assignment: Mapping[str, str], settings: DocumentSettings, path: Path
) -> None:
    template = DocxTemplate(settings.order_template)
    template.render(order_context(region, by_methodist(region, assignment), settings))
    template.save(path)
