"""Deterministic generator of the sample regions in data/ from the real geography in data/geo/.

Schools are placed in real settlements in proportion to their population (the number of post
offices stands in where the population is unknown); teachers per subject follow the curriculum
shares of `profiles`; methodists are sized by the region's norm and based where the teachers
are; candidates sit where no methodist of their subject is; the current assignment is what a
planner would have made by hand (nearest methodist with room), with a few new hires left out.

Run: `python -m assign.sample.generate data` (or `make sample-data`).
"""

from __future__ import annotations

import csv
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assign.geo import distance_matrix_km
from assign.io.writer import write_tables
from assign.sample import yakutia
from assign.sample.names import full_name
from assign.sample.profiles import (
    CATEGORY_SHARES,
    LOW_RESULTS_SCHOOL_SHARE,
    PROFILES,
    SUBJECT_BUNDLES,
    SUBJECT_SHARES,
    UNASSIGNED_SHARE,
    RegionProfile,
)
from assign.subjects import subject_name

RURAL_PEOPLE_PER_POST_OFFICE = 700
UNKNOWN_TOWN_POPULATION = 5_000
TOWN_POPULATION = 10_000
PEOPLE_PER_TOWN_SCHOOL = 8_000
DEFAULT_MIN_LOAD = 100.0
CATEGORY_WEIGHTS = {"iom": 1.5, "young": 1.25, "low_results": 1.25, "contest": 1.1, "expert": 1.0}
ROLES = (
    "сотрудник ЦНППМ",
    "учитель",
    "руководитель секции регионального УМО",
    "эксперт предметной комиссии ЕГЭ/ОГЭ",
    "тьютор",
    "наставник",
    "руководитель профессионального сообщества",
    "муниципальный методист",
    "руководитель методического объединения",
)


@dataclass
class Settlement:
    settlement_id: str
    name: str
    municipality_id: str
    point: tuple[float, float]
    population: float
    is_town: bool


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _settlements(rows: list[dict[str, str]]) -> list[Settlement]:
    result = []
    for row in rows:
        is_town = row["kind"] == "город"
        if row["population"]:
            population = float(row["population"])
        elif is_town:
            population = UNKNOWN_TOWN_POPULATION
        else:
            population = RURAL_PEOPLE_PER_POST_OFFICE * int(row["post_offices"] or 1)
        result.append(
            Settlement(
                row["settlement_id"],
                row["name"],
                row["municipality_id"],
                (float(row["lat"]), float(row["lon"])),
                population,
                is_town,
            )
        )
    return result


def _largest_remainder(weights: np.ndarray, total: int, minimum: int = 0) -> np.ndarray:
    """Integers proportional to `weights`, each at least `minimum`, summing to `total`."""
    base = np.full(len(weights), minimum, dtype=int)
    rest = total - base.sum()
    if rest <= 0:
        return base
    quotas = weights / weights.sum() * rest
    counts = np.floor(quotas).astype(int)
    remainder = rest - counts.sum()
    order = np.argsort(-(quotas - counts), kind="stable")
    counts[order[:remainder]] += 1
    return base + counts


def _prefix(profile: RegionProfile) -> str:
    return {"tambov": "TMB", "yakutia": "SAH"}.get(profile.key, profile.key.upper()[:3])


def generate_region(profile: RegionProfile, geo_dir: Path) -> dict[str, list[dict[str, Any]]]:
    rng = np.random.default_rng(profile.seed)
    prefix = _prefix(profile)
    muni_rows = _read_csv(geo_dir / "municipalities.csv")
    settlements = _settlements(_read_csv(geo_dir / "settlements.csv"))

    municipalities = [
        {
            "municipality_id": m["municipality_id"],
            "name": m["name"],
            "lat": m["lat"],
            "lon": m["lon"],
        }
        for m in muni_rows
    ]
    transport: list[dict[str, Any]] = []
    if profile.key == "yakutia":
        for m in municipalities:
            m["road_network"] = yakutia.road_network(m["municipality_id"])
        seasons = {r["municipality_id"]: r for r in _read_csv(geo_dir / "transport_seasons.csv")}
        transport = yakutia.transport_links(municipalities, seasons)

    schools, school_points = _schools(profile, settlements, rng, prefix)
    teachers = _teachers(profile, schools, rng, prefix)
    methodists = _methodists(profile, municipalities, schools, teachers, settlements, rng, prefix)
    candidates = _candidates(profile, municipalities, teachers, schools, methodists, rng, prefix)
    assignment = _current_assignment(
        teachers, schools, school_points, methodists, municipalities, rng
    )
    tables: dict[str, list[dict[str, Any]]] = {
        "municipalities": municipalities,
        "schools": schools,
        "teachers": [{k: v for k, v in t.items() if not k.startswith("_")} for t in teachers],
        "methodists": [{k: v for k, v in m.items() if not k.startswith("_")} for m in methodists],
        "candidates": candidates,
        "current_assignment": assignment,
    }
    if transport:
        tables["transport"] = transport
    return tables


def _schools(
    profile: RegionProfile, settlements: list[Settlement], rng: np.random.Generator, prefix: str
) -> tuple[list[dict[str, Any]], dict[str, tuple[float, float]]]:
    # towns get a school per PEOPLE_PER_TOWN_SCHOOL; villages share the rest, at least one each
    population = np.array([s.population for s in settlements])
    is_town = population >= TOWN_POPULATION
    per_settlement = np.zeros(len(settlements), dtype=int)
    per_settlement[is_town] = np.maximum(1, np.round(population[is_town] / PEOPLE_PER_TOWN_SCHOOL))
    per_settlement[~is_town] = _largest_remainder(
        population[~is_town], profile.schools - int(per_settlement[is_town].sum()), minimum=1
    )
    schools: list[dict[str, Any]] = []
    points: dict[str, tuple[float, float]] = {}
    number = 0
    for settlement, count in zip(settlements, per_settlement, strict=True):
        for k in range(count):
            number += 1
            school_id = f"{prefix}-OO{number:04d}"
            if count == 1:
                kind = "г." if settlement.is_town else "с."
                name = f"МБОУ «СОШ {kind} {settlement.name}»"
                lat, lon = settlement.point
            else:
                name = (
                    f"МБОУ «СОШ № {k + 1} {'г.' if settlement.is_town else 'с.'} {settlement.name}»"
                )
                # schools of one town spread over a few km around its centre
                lat = settlement.point[0] + float(rng.normal(0, 0.02))
                lon = settlement.point[1] + float(rng.normal(0, 0.03))
            schools.append(
                {
                    "school_id": school_id,
                    "name": name,
                    "municipality_id": settlement.municipality_id,
                    "lat": round(lat, 5),
                    "lon": round(lon, 5),
                    "low_results": bool(rng.random() < LOW_RESULTS_SCHOOL_SHARE),
                    "_people": settlement.population / count,
                }
            )
            points[school_id] = (lat, lon)
    return schools, points


def _teachers(
    profile: RegionProfile, schools: list[dict[str, Any]], rng: np.random.Generator, prefix: str
) -> list[dict[str, Any]]:
    shares = dict(SUBJECT_SHARES)
    shares.update(profile.extra_shares)
    subjects = list(shares)
    p = np.array([shares[s] for s in subjects])
    p /= p.sum()
    size = np.array([s.pop("_people") for s in schools])
    raw = 6 + 6.5 * size / 1000  # a village school of 700 people ~10, a town school ~58
    per_school = _largest_remainder(raw, profile.teachers, minimum=5)
    teachers = []
    number = 0
    for school, count in zip(schools, per_school, strict=True):
        counts = rng.multinomial(count, p)
        for subject, n in zip(subjects, counts, strict=True):
            for _ in range(n):
                number += 1
                categories = [c for c, share in CATEGORY_SHARES.items() if rng.random() < share]
                if "young" in categories and "expert" in categories:
                    categories.remove("expert")
                teachers.append(
                    {
                        "teacher_id": f"{prefix}-T{number:05d}",
                        "full_name": full_name(rng, profile.yakut_share),
                        "school_id": school["school_id"],
                        "subject": subject_name(subject),
                        "category": ";".join(categories),
                        "_subject": subject,
                        "_municipality": school["municipality_id"],
                        "_weight": max(
                            [CATEGORY_WEIGHTS[c] for c in categories]
                            + ([1.25] if school["low_results"] else [1.0])
                        ),
                    }
                )
    return teachers


def _subject_groups(teachers: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    present = sorted({t["_subject"] for t in teachers})
    groups: list[tuple[str, ...]] = []
    bundled: set[str] = set()
    for bundle in SUBJECT_BUNDLES:
        members = tuple(s for s in bundle if s in present)
        if members:
            groups.append(members)
            bundled.update(members)
    groups += [(s,) for s in present if s not in bundled]
    return groups


def _dhondt(votes: dict[str, float], seats: int) -> dict[str, int]:
    result = dict.fromkeys(votes, 0)
    for _ in range(seats):
        best = max(votes, key=lambda k: (votes[k] / (result[k] + 1), k))
        result[best] += 1
    return result


def _methodists(
    profile: RegionProfile,
    municipalities: list[dict[str, Any]],
    schools: list[dict[str, Any]],
    teachers: list[dict[str, Any]],
    settlements: list[Settlement],
    rng: np.random.Generator,
    prefix: str,
) -> list[dict[str, Any]]:
    schools_by_muni: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for school in schools:
        schools_by_muni[school["municipality_id"]].append(school)
    settlements_by_muni: dict[str, list[Settlement]] = defaultdict(list)
    for settlement in settlements:
        settlements_by_muni[settlement.municipality_id].append(settlement)
    methodists: list[dict[str, Any]] = []
    for group in _subject_groups(teachers):
        members = [t for t in teachers if t["_subject"] in group]
        heads = len(members)  # the norms count teachers, not weighted load
        count = max(1, math.ceil(heads / profile.norm_target_load))
        votes: dict[str, float] = defaultdict(float)
        for t in members:
            votes[t["_municipality"]] += t["_weight"]
        seats = _dhondt(dict(sorted(votes.items())), count)
        for municipality_id, n in sorted(seats.items()):
            for k in range(n):
                number = len(methodists) + 1
                row: dict[str, Any] = {
                    "methodist_id": f"{prefix}-MET{number:03d}",
                    "full_name": full_name(rng, profile.yakut_share),
                    "subjects": ";".join(subject_name(s) for s in group),
                    "municipality_id": municipality_id,
                    "_subjects": group,
                }
                kind = (number + k) % 3
                if kind == 1:  # works at a school: based there
                    biggest = max(
                        schools_by_muni[municipality_id],
                        key=lambda s: (len(s["name"]), s["school_id"]),
                    )
                    row["school_id"] = biggest["school_id"]
                    del row["municipality_id"]
                elif kind == 2:  # lives in a settlement of the district
                    place = settlements_by_muni[municipality_id][
                        int(rng.integers(len(settlements_by_muni[municipality_id])))
                    ]
                    row["lat"], row["lon"] = place.point
                if heads / count < DEFAULT_MIN_LOAD:
                    row["min_load"] = 0  # a small subject: one methodist serves all its teachers
                methodists.append(row)
    return methodists


def _candidates(
    profile: RegionProfile,
    municipalities: list[dict[str, Any]],
    teachers: list[dict[str, Any]],
    schools: list[dict[str, Any]],
    methodists: list[dict[str, Any]],
    rng: np.random.Generator,
    prefix: str,
) -> list[dict[str, Any]]:
    school_muni = {s["school_id"]: s["municipality_id"] for s in schools}
    candidates: list[dict[str, Any]] = []
    for group in _subject_groups(teachers):
        covered = {
            m.get("municipality_id") or school_muni.get(m.get("school_id", ""), "")
            for m in methodists
            if m["_subjects"] == group
        }
        counts: dict[str, int] = defaultdict(int)
        for t in teachers:
            if t["_subject"] in group and t["_municipality"] not in covered:
                counts[t["_municipality"]] += 1
        ranked = sorted(counts, key=lambda m: (-counts[m], m))
        n_methodists = sum(1 for m in methodists if m["_subjects"] == group)
        wanted = max(2, math.ceil(n_methodists / 2))
        places = ranked[:wanted] or [profile.central_municipality]
        while len(places) < wanted:
            places.append(municipalities[int(rng.integers(len(municipalities)))]["municipality_id"])
        for municipality_id in places:
            row: dict[str, Any] = {
                "candidate_id": f"{prefix}-C{len(candidates) + 1:03d}",
                "full_name": full_name(rng, profile.yakut_share),
                "subjects": ";".join(subject_name(s) for s in group),
                "municipality_id": municipality_id,
            }
            draw = rng.random()
            if draw >= 0.1:  # one in ten has no eligibility facts on file
                row["role"] = ROLES[int(rng.integers(len(ROLES)))]
                row["qualification_category"] = "высшая" if draw > 0.25 else "первая"
                row["pedagogical_education"] = bool(rng.random() > 0.05)
                row["experience_years"] = int(rng.integers(3, 31))
            candidates.append(row)
    return candidates


def _current_assignment(
    teachers: list[dict[str, Any]],
    schools: list[dict[str, Any]],
    school_points: dict[str, tuple[float, float]],
    methodists: list[dict[str, Any]],
    municipalities: list[dict[str, Any]],
    rng: np.random.Generator,
) -> list[dict[str, str]]:
    """Nearest methodist with room, by straight-line distance, as a planner would do by hand."""
    centre = {m["municipality_id"]: (float(m["lat"]), float(m["lon"])) for m in municipalities}

    def base(m: dict[str, Any]) -> tuple[float, float]:
        if "lat" in m:
            return (float(m["lat"]), float(m["lon"]))
        if "school_id" in m:
            return school_points[m["school_id"]]
        return centre[m["municipality_id"]]

    pairs = []
    for group in _subject_groups(teachers):
        group_methodists = [m for m in methodists if m["_subjects"] == group]
        members = [t for t in teachers if t["_subject"] in group]
        capacity = 1.15 * len(members) / len(group_methodists)
        load = np.zeros(len(group_methodists))
        dist = distance_matrix_km(
            np.array([school_points[t["school_id"]] for t in members]),
            np.array([base(m) for m in group_methodists]),
            "geographic",
        )
        for i, teacher in enumerate(members):
            if rng.random() < UNASSIGNED_SHARE:
                continue
            for j in np.argsort(dist[i], kind="stable"):
                if load[j] + 1 <= capacity:
                    load[j] += 1
                    pairs.append(
                        {
                            "teacher_id": teacher["teacher_id"],
                            "methodist_id": group_methodists[j]["methodist_id"],
                        }
                    )
                    break
    return pairs


def main(out_dir: str = "data") -> None:
    root = Path(out_dir)
    for profile in PROFILES.values():
        tables = generate_region(profile, root / "geo" / profile.geo_folder)
        for table in ("schools",):
            for row in tables[table]:
                row.pop("_people", None)
        write_tables(tables, root / profile.key)
        sizes = ", ".join(f"{name}={len(rows)}" for name, rows in tables.items())
        print(f"{profile.key}: {sizes}")


if __name__ == "__main__":
    main(*sys.argv[1:])
