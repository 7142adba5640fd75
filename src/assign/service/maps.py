"""What the web page's map draws, made from the region once, on upload (in the capped child
that validates it), and kept with the region's index: municipalities, schools with their
teachers, methodists' bases, and which municipalities no methodist can reach in each month
(winter roads, river crossings). A plan's map adds who serves each school.

Coordinates are (lat, lon) in degrees, or (x, y) in km for a planar region (`planar`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from assign.domain import Region
from assign.service.errors import ApiError
from assign.service.store.models import RegionRecord
from assign.subjects import subject_name
from assign.transport import TravelModel


def region_map(region: Region) -> dict[str, Any]:
    """The region's map layers, as JSON."""
    schools = list(region.schools)
    teachers_at: Counter[str] = Counter(t.school_id for t in region.teachers)
    model = TravelModel(region)
    places = [model.person_place(m) for m in region.methodists]
    bases = [region.person_base(m)[0] for m in region.methodists]
    out_of_reach: dict[str, list[str]] = {}
    if schools and places:
        hours = model.matrix([s.school_id for s in schools], places).hours  # months × S × M
        reached = np.asarray(np.isfinite(hours).any(axis=2))  # months × S: someone gets there
        for month in range(12):
            cut: dict[str, bool] = {}
            for s, school in enumerate(schools):
                muni = school.municipality_id
                cut[muni] = cut.get(muni, True) and not bool(reached[month, s])
            out_of_reach[str(month + 1)] = sorted(m for m, gone in cut.items() if gone)
    return {
        "planar": any(s.planar for s in schools),
        "municipalities": _municipalities(region),
        "schools": [
            {
                "id": s.school_id,
                "name": s.name,
                "municipality_id": s.municipality_id,
                "point": s.point,
                "teachers": teachers_at.get(s.school_id, 0),
            }
            for s in schools
        ],
        "methodists": [
            {
                "id": m.methodist_id,
                "name": m.full_name,
                "subjects": [subject_name(x) for x in m.subjects],
                "point": base,
            }
            for m, base in zip(region.methodists, bases, strict=True)
        ],
        "out_of_reach": out_of_reach,
        "teacher_school": {t.teacher_id: t.school_id for t in region.teachers},
    }


def _municipalities(region: Region) -> list[dict[str, Any]]:
    """Each municipality with its centre (its own point, else the mean of its schools) and
    the outline of its schools (their convex hull), so it is drawn without boundary files."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for school in region.schools:
        if school.point is not None:
            points[school.municipality_id].append(school.point)
    found = []
    for muni in region.municipalities:
        own = points.get(muni.municipality_id, [])
        centre = muni.point or (
            (float(np.mean([p[0] for p in own])), float(np.mean([p[1] for p in own])))
            if own
            else None
        )
        found.append(
            {"id": muni.municipality_id, "name": muni.name, "point": centre, "outline": hull(own)}
        )
    return found


def hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull of points, counter-clockwise (Andrew's monotone chain); fewer than
    three distinct points are returned as they are."""
    ordered = sorted(set(points))
    if len(ordered) < 3:
        return ordered

    def turn(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def chain(seq: list[tuple[float, float]]) -> list[tuple[float, float]]:
        kept: list[tuple[float, float]] = []
        for p in seq:
            while len(kept) >= 2 and turn(kept[-2], kept[-1], p) <= 0:
                kept.pop()
            kept.append(p)
        return kept[:-1]

    return chain(ordered) + chain(ordered[::-1])


def stored_layers(db: Session, record: RegionRecord) -> dict[str, Any]:
    """The map kept with a region's index (made on upload)."""
    db.refresh(record, ["index"])
    layers = (record.index or {}).get("map")
    if layers is None:
        raise ApiError(409, "map_absent", "Карта региона не построена: загрузите регион заново")
    found: dict[str, Any] = layers
    return found


def plan_map(layers: dict[str, Any], assignment: dict[str, str]) -> dict[str, Any]:
    """Who serves each school in a plan: teachers per methodist, the main one first."""
    school_of = layers.get("teacher_school", {})
    served: dict[str, Counter[str]] = defaultdict(Counter)
    for teacher_id, methodist_id in assignment.items():
        school = school_of.get(teacher_id)
        if school is not None:
            served[school][methodist_id] += 1
    return {
        "schools": {
            school: [[m, n] for m, n in counts.most_common()] for school, counts in served.items()
        }
    }
