"""Pool sizing among many candidates: candidate lists grown by pricing keep the optimum, the
memory of a region-scale build stays within its estimate, and a run that cannot fit stops
with a Russian message before building."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from assign.assignment import AssignmentSettings, build_problem
from assign.assignment.candidates import CandidateLimit
from assign.io import load_region
from assign.pool import PoolSettings, size_pool
from assign.pool.memory import LP_WORK, MemoryLimitError, plan_memory
from assign.pool.output import write_pool
from assign.pool.sizing import pool_region

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import cpmp_bench  # the benchmark's instance reader and region writer

ASSIGN = Path(sys.executable).with_name("assign")


def _settings(capacity: float, limit: float = 60) -> AssignmentSettings:
    return AssignmentSettings(
        min_load=0,
        max_load=capacity,
        objective="distance",
        load_unit="weighted",
        time_limit=limit,
    )


def _region(tmp_path: Path, points: list[tuple[float, float, float]], floor: bool = False):
    cpmp_bench.write_region(tmp_path / "region", points, floor)
    region = load_region(tmp_path / "region").region
    assert region is not None
    return region


def test_candidate_lists_reach_the_known_optimum(tmp_path: Path) -> None:
    """oc01 (50 points, p 5, optimum 713 in floored distances): starting each school with
    its 2 nearest candidates, the pairs the optimum needs are priced in and proven."""
    p, capacity, points = cpmp_bench.read_instance(cpmp_bench.BENCH / "cpmp" / "oc01.txt")
    region = _region(tmp_path, points, floor=True)
    result = size_pool(
        region,
        PoolSettings(assignment=_settings(capacity), count=p, check_eligibility=False, nearest=2),
    )
    assert result.memory is not None and result.memory.nearest == 2
    assert result.status.value == "optimal"
    served = {int(t[1:]): int(m[1:]) for t, m in result.assignment.items()}
    objective = sum(cpmp_bench.distance(points[t], points[m], True) for t, m in served.items())
    assert objective == 713
    assert len(set(served.values())) == p
    loads: dict[int, float] = {}
    for t, m in served.items():
        loads[m] = loads.get(m, 0) + points[t][2]
    assert max(loads.values()) <= capacity
    # the plan is reported on the opened pool only: no matrix over the 50 candidates
    assert len(result.problem.methodist_ids) == p


def _uniform(n: int, seed: int) -> list[tuple[float, float, float]]:
    rng = random.Random(seed)
    return [(rng.uniform(0, 1000), rng.uniform(0, 1000), rng.randint(1, 10)) for _ in range(n)]


def test_region_scale_build_stays_within_its_estimate(tmp_path: Path) -> None:
    """3 000 schools, every one a candidate base, no reach limit: 9 million pairs. The build
    takes candidate lists, holds no school × candidate matrix, and its traced peak stays
    below the estimate the guard planned with."""
    points = _uniform(3000, seed=7)
    region = _region(tmp_path, points)
    widened, eligible, _ = pool_region(region, check_eligibility=False)
    settings = _settings(capacity=math.ceil(sum(q for *_, q in points) * 1.1 / 600))
    plan = plan_memory(widened, frozenset(eligible), limit=4 * 1024**3)
    assert plan.nearest is not None  # 9 million pairs: never all built
    tracemalloc.start()
    problem = build_problem(
        widened,
        settings.model_copy(update={"allow_partial": False}),
        limit=CandidateLimit(frozenset(eligible), plan.nearest),
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    comp = problem.components[0]
    assert comp.n_pairs == 3000 * plan.nearest
    arrays = sum(
        getattr(comp, name).nbytes
        for name in vars(comp)
        if name.startswith("pair_") or (name.startswith("group_") and name != "group_subject")
        if hasattr(getattr(comp, name), "nbytes")
    )
    assert arrays < plan.estimate
    assert peak < plan.estimate < plan.limit
    assert problem.travel.hours.shape == (12, 3000, 0)  # no existing methodists: no matrix
    dense = 3000 * 3000 * 12 * 8 * 2  # what the twelve-month matrices alone would take
    assert peak < dense / 8


def test_an_lp_too_large_for_its_share_starts_from_the_shortest_lists(tmp_path: Path) -> None:
    """The benchmark's region-scale shapes: gen2000 (candidates at one point in five) and
    all3000 (every point a candidate, capacity 31) keep lists of 40, whose LP ends in its
    share; gen4000's lists of 40 would give 160 000 pairs × 4 000 schools of LP work, past
    `LP_WORK`, so it starts from lists of 10. A planner's --nearest still decides."""
    shapes = {
        "gen2000": cpmp_bench.generated_instance(2000, seed=2000),
        "all3000": cpmp_bench.dense_instance(3000, 600, seed=3000),
        "gen4000": cpmp_bench.generated_instance(4000, seed=4000),
    }
    chosen = {}
    for name, (_, _, points, candidates) in shapes.items():
        cpmp_bench.write_region(tmp_path / name, points, False, candidates)
        region = load_region(tmp_path / name).region
        assert region is not None
        widened, eligible, _ = pool_region(region, check_eligibility=False)
        n_candidates = len(points) if candidates is None else len(candidates)
        assert len(eligible) == n_candidates
        work = len(points) * min(40, n_candidates) * len(points)
        assert (work > LP_WORK) == (name == "gen4000")
        chosen[name] = plan_memory(widened, frozenset(eligible), limit=4 * 1024**3).nearest
        if name == "gen4000":
            asked = plan_memory(widened, frozenset(eligible), limit=4 * 1024**3, nearest=40)
            assert asked.nearest == 40
    assert chosen == {"gen2000": 40, "all3000": 40, "gen4000": 10}


def test_memory_guard_stops_before_building_with_a_russian_message(tmp_path: Path) -> None:
    points = _uniform(3000, seed=7)
    region = _region(tmp_path, points)
    settings = PoolSettings(
        assignment=_settings(capacity=30),
        count=600,
        check_eligibility=False,
        memory_limit_gb=0.1,
    )
    with pytest.raises(MemoryLimitError) as raised:
        size_pool(region, settings)
    message = str(raised.value)
    assert raised.value.code == "memory_limit"
    assert "ГБ" in message and "--memory-limit" in message and "3 000 школ" in message
    done = subprocess.run(
        [
            *(str(ASSIGN), "pool", str(tmp_path / "region"), "--out", str(tmp_path / "out")),
            *("--count", "600", "--no-eligibility", "--memory-limit", "0.1"),
        ],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": ""},
    )
    assert done.returncode == 2
    assert "[memory_limit]" in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_peak_memory_is_printed_and_in_kpi(tmp_path: Path) -> None:
    p, capacity, points = cpmp_bench.read_instance(cpmp_bench.BENCH / "cpmp" / "oc01.txt")
    cpmp_bench.write_region(tmp_path / "region", points, True)
    done = subprocess.run(
        [
            *(str(ASSIGN), "pool", str(tmp_path / "region"), "--out", str(tmp_path / "out")),
            *("--count", str(p), "--min-load", "0", "--max-load", str(capacity)),
            *("--objective", "distance", "--load-unit", "weighted", "--nearest", "3"),
        ],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    assert "Пик памяти к концу подбора:" in done.stdout
    assert "по 3 ближайших кандидата на школу" in done.stdout
    kpi = json.loads((tmp_path / "out" / "kpi.json").read_text(encoding="utf-8"))
    assert 20 < kpi["peak_memory_mb"] < 2000
    assert kpi["nearest_candidates"] == 3


def test_candidate_lists_report_an_impossible_pool(tmp_path: Path) -> None:
    """Two medians of capacity 120 cannot carry oc01's demand: with candidate lists the LP
    that may leave teachers out still proves it, and says why in Russian."""
    _, capacity, points = cpmp_bench.read_instance(cpmp_bench.BENCH / "cpmp" / "oc01.txt")
    assert sum(q for *_, q in points) > 2 * capacity
    region = _region(tmp_path, points, floor=True)
    result = size_pool(
        region,
        PoolSettings(assignment=_settings(capacity), count=2, check_eligibility=False, nearest=2),
    )
    assert result.status.value == "infeasible"
    assert not result.assignment
    assert result.problems and all(any("а" <= c <= "я" for c in text) for text in result.problems)
    payload = write_pool(result, tmp_path / "out")  # the files of a failed run are written
    assert payload["status"] == "infeasible" and payload["pool_size"] == 0
