"""Plausibility warnings: data that passes every check and is still probably wrong.

Swapped or mistyped coordinates, one person under two ids, methodists with nobody to serve:
none of these stops a region, but each changes the plan silently, so each is said aloud.
Thresholds are relative to the region itself (its usual distances), so Yakutia's long trips
are not flagged and Tambov's short ones are.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from assign.domain import Region, School, Teacher, _issue
from assign.errors import Code, Issue
from assign.format import count_ru, fmt_int
from assign.geo import distance_matrix_km
from assign.subjects import fix_lookalikes, normalize, subject_name

FAR_FACTOR = 5.0
"""A trip this many times the region's usual one (its 75th percentile) is far above it."""
SCHOOL_FAR_MIN_KM = 50.0
"""A school's distance from its centre is judged against the region's own span."""
TRAVEL_FAR_MIN_KM = 100.0
_NON_WORD = re.compile(r"[\W_]+")


def plausibility_issues(region: Region) -> list[Issue]:
    far = _far_schools(region)
    issues = [issue for issue, _ in far.values()]
    issues += _duplicate_persons(region)
    issues += _idle_methodists(region)
    issues += _excess_methodists(region)
    issues += _far_travel(region, set(far))
    issues += _schools_at_centre(region)
    return issues


def _schools_at_centre(region: Region) -> list[Issue]:
    """Schools without coordinates in a region whose other schools have them: each is taken
    at its municipality's centre, a liberty said aloud (a region with no school coordinates
    at all is planned between municipalities, as the template says)."""
    missing = [s for s in region.schools if s.point is None]
    if not missing or len(missing) == len(region.schools):
        return []
    return [
        _issue(
            region,
            "schools",
            school.row,
            "lat",
            None,
            Code.SCHOOL_AT_CENTRE,
            f"у школы «{school.name}» ({school.school_id}) нет координат: расстояния до неё "
            "считаются от центра муниципалитета "
            f"«{region.municipality_by_id[school.municipality_id].name}»",
        )
        for school in missing
    ]


def _far_schools(region: Region) -> dict[str, tuple[Issue, School]]:
    """Schools far from their municipality's centre, with the likely cause."""
    located = [s for s in region.schools if s.point is not None]
    if len(located) < 2:
        return {}
    index = {m.municipality_id: i for i, m in enumerate(region.municipalities)}
    centres = np.array([m.point for m in region.municipalities], dtype=float)
    points = np.array([s.point for s in located], dtype=float)
    own = np.array([index[s.municipality_id] for s in located])
    system = region.coordinate_system
    rows = np.arange(len(located))
    distance = distance_matrix_km(points, centres, system)[rows, own]
    # farther from its own centre than any two centres are apart: outside the region
    limit = max(float(distance_matrix_km(centres, centres, system).max()), SCHOOL_FAR_MIN_KM)
    swapped_points = points[:, ::-1]
    valid = (np.abs(swapped_points[:, 0]) <= 90) if system == "geographic" else np.ones(len(rows))
    swapped = distance_matrix_km(
        np.where(valid[:, None] > 0, swapped_points, points), centres, system
    )
    swapped_own = swapped[rows, own]
    found: dict[str, tuple[Issue, School]] = {}
    for i in np.flatnonzero(distance > limit):
        school = located[int(i)]
        municipality = region.municipality_by_id[school.municipality_id]
        if system == "geographic" and valid[i] and swapped_own[i] <= limit:
            cause = "похоже, широта и долгота переставлены местами"
        else:
            cause = "проверьте координаты: возможна опечатка"
        found[school.school_id] = (
            _issue(
                region,
                "schools",
                school.row,
                "lat",
                f"{school.lat}; {school.lon}",
                Code.SCHOOL_FAR,
                f"школа «{school.name}» ({school.school_id}) в {fmt_int(distance[i])} км от "
                f"центра муниципалитета «{municipality.name}» — дальше, чем любые два центра "
                f"муниципалитетов региона друг от друга ({fmt_int(limit)} км): {cause}",
            ),
            school,
        )
    return found


def _person_name(text: str) -> str:
    return _NON_WORD.sub(" ", normalize(fix_lookalikes(text))).strip()


def _phone(text: str | None) -> str:
    digits = re.sub(r"\D", "", text or "")
    return digits[-10:] if len(digits) >= 10 else ""


def _duplicate_persons(region: Region) -> list[Issue]:
    """One person under two ids: the same name (ё = е) at one school, or the same phone."""
    first: dict[tuple[str, str], Teacher] = {}
    issues = []
    reported: set[tuple[str, str]] = set()
    for teacher in region.teachers:
        keys = [("name", f"{_person_name(teacher.full_name)}|{teacher.school_id}")]
        phone = _phone(teacher.phone)
        if phone:
            keys.append(("phone", phone))
        for kind, key in keys:
            other = first.setdefault((kind, key), teacher)
            if other.person_id == teacher.person_id:
                continue
            pair = tuple(sorted((other.person_id, teacher.person_id)))
            if pair in reported:
                continue
            reported.add((pair[0], pair[1]))
            same = (
                f"в одной школе («{region.school_by_id[teacher.school_id].name}»)"
                if kind == "name"
                else f"с одним телефоном ({teacher.phone})"
            )
            issues.append(
                _issue(
                    region,
                    "teachers",
                    teacher.row,
                    "teacher_id",
                    teacher.person_id,
                    Code.DUPLICATE_PERSON,
                    f"похоже, один человек под двумя кодами: «{other.full_name}» "
                    f"({other.person_id}, строка {other.row}) и «{teacher.full_name}» "
                    f"({teacher.person_id}) {same}; педагог будет учтён дважды",
                )
            )
    return issues


def _idle_methodists(region: Region) -> list[Issue]:
    taught = set(region.teachers_by_subject)
    return [
        _issue(
            region,
            "methodists",
            m.row,
            "subjects",
            "; ".join(subject_name(s) for s in m.subjects),
            Code.METHODIST_IDLE,
            f"у методиста «{m.full_name}» ({m.methodist_id}) нет ни одного педагога его "
            f"предметов ({', '.join(subject_name(s) for s in m.subjects)}): он останется без "
            "закреплённых педагогов",
        )
        for m in region.methodists
        if not taught & set(m.subjects)
    ]


def _excess_methodists(region: Region) -> list[Issue]:
    """More single-subject methodists than their own minimum loads let the teachers fill."""
    minimum: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    first_row: dict[str, int | None] = {}
    for m in region.methodists:
        if len(m.subjects) == 1 and m.min_load:
            subject = m.subjects[0]
            minimum[subject] += m.min_load
            count[subject] += 1
            first_row.setdefault(subject, m.row)
    issues = []
    for subject, total in sorted(minimum.items()):
        teachers = len(region.teachers_by_subject.get(subject, ()))
        if teachers and total > teachers:
            issues.append(
                _issue(
                    region,
                    "methodists",
                    first_row[subject],
                    "min_load",
                    fmt_int(total),
                    Code.METHODISTS_EXCESS,
                    f"«{subject_name(subject)}»: {count_ru(count[subject], 'методист')} с "
                    "минимальной "
                    f"нагрузкой в сумме {fmt_int(total)}, а педагогов {fmt_int(teachers)}: "
                    "минимум нагрузки не выполнить",
                )
            )
    return issues


def _far_travel(region: Region, skip_schools: set[str]) -> list[Issue]:
    """Schools whose nearest methodist of a subject is far above the region's usual trip."""
    bases: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for person in region.iter_people():
        point, _ = region.person_base(person)
        for subject in person.subjects:
            bases[subject].append(point)
    nearest: list[tuple[float, str, str, int, int | None]] = []
    for subject, teachers in region.teachers_by_subject.items():
        if subject not in bases:
            continue
        per_school: dict[str, list[Teacher]] = defaultdict(list)
        for teacher in teachers:
            per_school[teacher.school_id].append(teacher)
        school_ids = list(per_school)
        points = np.array(
            [region.school_point(region.school_by_id[s]) for s in school_ids], dtype=float
        )
        matrix = distance_matrix_km(
            points, np.array(bases[subject], dtype=float), region.coordinate_system
        )
        for school_id, distance in zip(school_ids, matrix.min(axis=1), strict=True):
            group = per_school[school_id]
            nearest.append((float(distance), subject, school_id, len(group), group[0].row))
    if len(nearest) < 2:
        return []
    distances = np.repeat([n[0] for n in nearest], [n[3] for n in nearest])
    usual = float(np.percentile(distances, 75))
    limit = max(FAR_FACTOR * usual, TRAVEL_FAR_MIN_KM)
    issues = []
    for distance, subject, school_id, count, row in nearest:
        if distance <= limit or school_id in skip_schools:
            continue
        issues.append(
            _issue(
                region,
                "teachers",
                row,
                "school_id",
                school_id,
                Code.TRAVEL_FAR,
                f"«{subject_name(subject)}», школа {school_id} ({count} пед.): ближайший "
                f"методист в {fmt_int(distance)} км, обычно в регионе — до {fmt_int(usual)} км; "
                "проверьте координаты школы и базы методистов",
            )
        )
    return issues
