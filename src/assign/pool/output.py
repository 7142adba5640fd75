"""Writing a sized pool: pool.csv (for people too: a BOM and `;`, with names), assignments.csv
(as `assign solve` does) and kpi.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assign.assignment.output import clean_json, person_csv, write_solution
from assign.assignment.result import Result
from assign.pool.plan import recruitment_plan
from assign.pool.sizing import PoolResult
from assign.subjects import subject_name

KIND_RU = {
    "existing": "действующий методист",
    "new": "пригласить",
    "released": "вывести из актива",  # `--release-existing`: not in the pool
}


def write_pool(result: PoolResult, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    region = result.problem.region
    rows = []
    for pool in result.pools:
        for person, kind in [
            *((p, "existing") for p in pool.kept),
            *((p, "new") for p in pool.recruited),
            *((p, "released") for p in pool.released),
        ]:
            methodist = region.methodist_by_id[person]
            for subject in methodist.subjects:
                if subject in pool.subjects:
                    rows.append(
                        [
                            subject,
                            person,
                            kind,
                            subject_name(subject),
                            methodist.full_name,
                            KIND_RU[kind],
                        ]
                    )
    person_csv(
        out / "pool.csv",
        ["subject", "person_id", "kind", "subject_name", "full_name", "kind_ru"],
        rows,
    )
    # the objective: travel when the size is fixed, else the pool size (travel comes second)
    travel = sum(p.travel for p in result.pools)
    size = sum(p.pool_size for p in result.pools)
    objective = travel if result.fixed_size else float(size)
    bound = sum(p.bound for p in result.pools)
    as_result = Result(
        result.status,
        objective,
        bound,
        result.runtime,
        result.assignment,
        [],
        [],
        {},
        result.problems,
    )
    payload = write_solution(result.problem, as_result, out)
    payload.update(
        {
            "objective_kind": "travel" if result.fixed_size else "pool_size",
            "pool_size": size,
            "travel": travel,
            "pools": [
                {
                    "subjects": list(p.subjects),
                    "status": p.status.value,
                    "size": p.pool_size,
                    "bound": p.bound,
                    "travel": p.travel,
                    "runtime_s": round(p.runtime, 3),
                    "kept": p.kept,
                    "released": p.released,
                    "recruited": p.recruited,
                }
                for p in result.pools
            ],
            "excluded_candidates": [
                {"candidate_id": c, "full_name": result.candidate_names.get(c, ""), "reason": r}
                for c, r in result.excluded
            ],
            "peak_memory_mb": round(result.peak_memory_mb, 1),
            "nearest_candidates": result.memory.nearest if result.memory else None,
            "recruitment_plan": [
                need.__dict__ | {"text": need.text()} for need in recruitment_plan(result)
            ],
        }
    )
    payload = clean_json(payload)
    (out / "kpi.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return payload
