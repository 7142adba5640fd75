"""Writing a solved plan: assignments.csv, methodists.csv, unplaced.csv, changes.csv (who
changes methodist against the current order, and why) and kpi.json.

assignments.csv is a program file (UTF-8, `,`: the year plan and the documents read it back);
methodists.csv, unplaced.csv and changes.csv are for people too (PERSON_CSV: a BOM and `;`).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from assign.assignment.changes import change_list
from assign.assignment.kpi import kpis
from assign.assignment.problem import AssignmentProblem
from assign.assignment.result import Result
from assign.io.safe_text import csv_writer
from assign.io.tables import ASSIGNMENTS
from assign.subjects import subject_name


def clean_json(value: Any) -> Any:
    """JSON has no NaN: an unknown number is written as null. A value with none (most
    KPIs) is given back as it is, found so by the C encoder rather than a walk in Python."""
    try:
        json.dumps(value, allow_nan=False)
    except (ValueError, TypeError):
        return _cleaned(value)
    return value


def _cleaned(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value


PERSON_CSV = {"encoding": "utf-8-sig", "delimiter": ";"}
"""CSV a person may open in Russian Excel by a double click (methodists, unplaced, changes,
pool, `info --out`): a BOM and `;`. The program files that later stages read back
(assignments.csv, schedule.csv, unplanned.csv) stay UTF-8 with `,`; plan.xlsx is the
planner's view of them all."""


def person_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    """A CSV written for Russian Excel (PERSON_CSV)."""
    with path.open("w", encoding=PERSON_CSV["encoding"], newline="") as handle:
        writer = csv_writer(handle, delimiter=PERSON_CSV["delimiter"], lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def _assignment_columns(problem: AssignmentProblem, result: Result) -> list[list[Any]]:
    """assignments.csv's columns, placed teachers in the region's order: array lookups
    rather than a loop over 18 600 teachers (a what-if writes one each run); the last four
    are numbers."""
    region, arrays = problem.region, problem.teacher_arrays
    chosen = problem.methodist_of(result.assignment)
    placed = np.flatnonzero(chosen >= 0)
    school, methodist = arrays.school[placed], chosen[placed]
    hours, km, in_person = problem.costs
    current = arrays.current[placed]
    teachers = [region.teachers[t] for t in placed.tolist()]
    return [
        [t.person_id for t in teachers],  # as the planner wrote it; subject tells records apart
        [problem.methodist_ids[m] for m in methodist.tolist()],
        [t.subject for t in teachers],
        [t.school_id for t in teachers],
        [arrays.municipalities[i] for i in arrays.municipality[placed].tolist()],
        [f"{x:.2f}" for x in km[school, methodist].tolist()],
        [f"{x:.2f}" for x in hours[school, methodist].tolist()],
        in_person[school, methodist].astype(np.int64).tolist(),
        ((current != -1) & (current != methodist)).astype(np.int64).tolist(),
    ]


CHANGES_HEADER = [
    "teacher_id",
    "full_name",
    "school_id",
    "school",
    "subject",
    "from_methodist_id",
    "from_methodist",
    "to_methodist_id",
    "to_methodist",
    "reason_code",
    "reason",
]


def write_solution(
    problem: AssignmentProblem,
    result: Result,
    out: Path,
    report: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write the plan's files into `out`; returns what kpi.json holds. `report`: the plan's
    `kpis` when the caller has them already (they take a while on a large region)."""
    out.mkdir(parents=True, exist_ok=True)
    region = problem.region
    with (out / "assignments.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle, lineterminator="\n")
        writer.writerow(ASSIGNMENTS.columns)  # what `--solution` reads back
        writer.write_columns(_assignment_columns(problem, result), numbers=4)
    if report is None:
        report = kpis(problem, result.assignment, [u.teacher_id for u in result.unplaced])
    per_methodist = {row["methodist_id"]: row for row in report["methodists"]}
    person_csv(
        out / "methodists.csv",
        ["methodist_id", "full_name", "subjects", "teachers", "load", "min_load", "max_load"],
        (
            [
                m.methodist_id,
                m.full_name,
                "; ".join(subject_name(x) for x in m.subjects),
                per_methodist[m.methodist_id]["teachers"],
                per_methodist[m.methodist_id]["load"],
                per_methodist[m.methodist_id]["min_load"],
                per_methodist[m.methodist_id]["max_load"],
            ]
            for m in region.methodists
        ),
    )
    person_csv(
        out / "unplaced.csv",
        ["teacher_id", "full_name", "school", "subject", "reason"],
        (
            [
                region.teacher_by_id[u.teacher_id].person_id,
                region.teacher_by_id[u.teacher_id].full_name,
                region.school_by_id[region.teacher_by_id[u.teacher_id].school_id].name,
                subject_name(region.teacher_by_id[u.teacher_id].subject),
                u.reason,
            ]
            for u in result.unplaced
        ),
    )
    changes = change_list(problem, result.assignment)
    person_csv(
        out / "changes.csv",
        CHANGES_HEADER,
        (
            [
                region.teacher_by_id[c.teacher_id].person_id,
                c.teacher_name,
                c.school_id,
                c.school_name,
                subject_name(c.subject),
                c.from_id,
                c.from_name,
                c.to_id,
                c.to_name,
                c.reason.value,
                c.reason_text,
            ]
            for c in changes
        ),
    )
    payload = {
        **result.summary(),
        "changes": {
            "teachers_changed": len(changes),
            "by_reason": dict(Counter(c.reason.value for c in changes)),
        },
        "components": [
            {
                "subjects": list(c.subjects),
                "status": c.status.value,
                "objective": c.objective,
                "bound": c.bound,
                "runtime_s": round(c.runtime, 3),
                "pairs": c.pairs_total,
                "pairs_after_pruning": c.pairs_kept,
            }
            for c in result.components
        ],
        "settings": json.loads(problem.settings.model_dump_json()),
        "kpi": report,
    }
    payload = clean_json(payload)
    (out / "kpi.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return payload
