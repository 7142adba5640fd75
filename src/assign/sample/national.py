"""The national sample: 85 generated regions of about a million teachers in all, as the
assignment benchmark draws them — planar regions of districts, schools, teachers by the
subject shares of the real samples, and methodists by the federal norm (one per 200 teachers
of a subject). `assign sample national` writes them as region folders for `assign batch`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from assign.io.writer import write_tables
from assign.sample.names import full_name
from assign.sample.profiles import SUBJECT_SHARES

Tables = dict[str, list[dict[str, Any]]]


def national_plan(
    n_regions: int = 85, n_teachers: int = 1_000_000, seed: int = 1
) -> list[tuple[str, int]]:
    """Region names and sizes: lognormal shares of `n_teachers`, at least 1 500 each."""
    rng = np.random.default_rng(seed)
    sizes = rng.lognormal(mean=0.0, sigma=0.8, size=n_regions)
    sizes = np.maximum(1500, np.round(sizes / sizes.sum() * n_teachers)).astype(int)
    return [(f"R{i:02d}", int(n)) for i, n in enumerate(sizes)]


def national_tables(name: str, teachers: int, seed: int) -> Tables:
    """One planar region of `teachers` teachers as input tables (coordinates in km)."""
    rng = np.random.default_rng(seed)
    names = np.random.default_rng([seed, 1])  # people's names: a stream of their own
    side = 150 + 350 * rng.random()
    n_munis = int(np.clip(teachers / 400, 12, 60))
    centers = rng.uniform(0, side, size=(n_munis, 2))
    municipalities = [
        {"municipality_id": f"{name}M{i}", "name": f"Район {i + 1}", "x": x, "y": y}
        for i, (x, y) in enumerate(centers.round(3).tolist())
    ]
    n_schools = max(n_munis, teachers // 22)
    home = rng.integers(n_munis, size=n_schools)
    points = (centers[home] + rng.normal(0, side / 25, size=(n_schools, 2))).round(3)
    schools = [
        {
            "school_id": f"{name}S{i}",
            "name": f"Школа № {i + 1}",
            "municipality_id": f"{name}M{home[i]}",
            "x": x,
            "y": y,
        }
        for i, (x, y) in enumerate(points.tolist())
    ]
    subjects = list(SUBJECT_SHARES)
    shares = np.array([SUBJECT_SHARES[s] for s in subjects])
    per_subject = rng.multinomial(teachers, shares / shares.sum())
    teacher_rows: list[dict[str, Any]] = []
    methodist_rows: list[dict[str, Any]] = []
    for subject, count in zip(subjects, per_subject, strict=True):
        school_of = rng.integers(n_schools, size=count)
        teacher_rows += [
            {
                "teacher_id": f"{name}T{len(teacher_rows) + k}",
                "full_name": full_name(names),
                "school_id": f"{name}S{school_of[k]}",
                "subject": subject,
            }
            for k in range(count)
        ]
        n_methodists = max(1, math.ceil(count / 200))
        for _ in range(n_methodists):
            methodist_rows.append(
                {
                    "methodist_id": f"{name}P{len(methodist_rows)}",
                    "full_name": full_name(names),
                    "subjects": subject,
                    "municipality_id": f"{name}M{int(rng.integers(n_munis))}",
                    "min_load": 0 if count / n_methodists < 100 else None,
                }
            )
    return {
        "municipalities": municipalities,
        "schools": schools,
        "teachers": teacher_rows,
        "methodists": methodist_rows,
    }


def write_national(
    out: Path, n_regions: int = 85, n_teachers: int = 1_000_000, seed: int = 1
) -> list[tuple[str, int]]:
    """Every region of the national plan as `out/<name>/` (CSV files)."""
    plan = national_plan(n_regions, n_teachers, seed)
    for index, (name, teachers) in enumerate(plan):
        write_tables(national_tables(name, teachers, seed=index), out / name)
    return plan
