"""What a region holds, per subject and per municipality, and its capacity against the norms."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from assign.domain import Region
from assign.format import ru_sort_key
from assign.subjects import subject_name


@dataclass(frozen=True)
class Norm:
    """A load norm: how many teachers (in load units) one methodist serves."""

    key: str
    title: str
    min_load: float
    max_load: float


YAKUTIA_NORM = Norm("yakutia", "Якутия, 100–150 (002 §3.7)", 100.0, 150.0)
FEDERAL_NORM = Norm("federal", "федеральная, 200–250 (АЗ-1061/08)", 200.0, 250.0)
NORMS = (YAKUTIA_NORM, FEDERAL_NORM)


def teacher_frame(region: Region) -> pd.DataFrame:
    """One row per teacher with subject, school, municipality and load weight."""
    rows = [
        {
            "teacher_id": t.teacher_id,
            "subject": t.subject,
            "school_id": t.school_id,
            "municipality_id": region.school_municipality(t.school_id),
            "weight": region.teacher_weight(t),
        }
        for t in region.teachers
    ]
    return pd.DataFrame(
        rows, columns=["teacher_id", "subject", "school_id", "municipality_id", "weight"]
    )


def subject_capacity(region: Region) -> pd.DataFrame:
    """Per subject: teachers, weighted load, methodists, and the need under each norm.

    `need_<norm>` is the fewest methodists whose maximum load covers the weighted load;
    a methodist of several subjects counts in each of them (`shared` says how many are).
    """
    teachers = teacher_frame(region)
    heads = teachers.groupby("subject").size().to_dict()
    loads = teachers.groupby("subject")["weight"].sum().to_dict()
    rows = []
    for subject in heads:
        code = str(subject)
        covering = [m for m in region.methodists if code in m.subjects]
        row: dict[str, object] = {
            "subject": code,
            "subject_name": subject_name(code),
            "teachers": int(heads[subject]),
            "load": float(loads[subject]),
            "methodists": len(covering),
            "shared": sum(1 for m in covering if len(m.subjects) > 1),
            "candidates": sum(1 for c in region.candidates if code in c.subjects),
        }
        for norm in NORMS:
            need = math.ceil(float(loads[subject]) / norm.max_load - 1e-9)
            row[f"need_{norm.key}"] = need
            row[f"deficit_{norm.key}"] = max(0, need - len(covering))
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.sort_values("teachers", ascending=False, kind="stable").reset_index(drop=True)


def municipality_table(region: Region) -> pd.DataFrame:
    """Per municipality: schools, teachers, methodists based there."""
    teachers = teacher_frame(region)
    schools = pd.Series([s.municipality_id for s in region.schools]).value_counts()
    heads = teachers.groupby("municipality_id").size()
    based = pd.Series(
        [region.person_base(m)[1] for m in region.methodists], dtype=object
    ).value_counts()
    rows = [
        {
            "municipality_id": m.municipality_id,
            "name": m.name,
            "schools": int(schools.get(m.municipality_id, 0)),
            "teachers": int(heads.get(m.municipality_id, 0)),
            "methodists": int(based.get(m.municipality_id, 0)),
        }
        for m in region.municipalities
    ]
    return pd.DataFrame(rows)


def subject_by_municipality(region: Region) -> pd.DataFrame:
    """Teachers per subject (columns, Russian names) and municipality (rows)."""
    teachers = teacher_frame(region)
    table = pd.crosstab(teachers["municipality_id"], teachers["subject"])
    names = {m.municipality_id: m.name for m in region.municipalities}
    table.index = [names[i] for i in table.index]
    columns: list[str] = [subject_name(str(c)) for c in table.columns]
    table.columns = pd.Index(columns)
    ordered: list[str] = sorted(columns, key=ru_sort_key)
    return table[ordered]
