"""Pool sizing against brute force, eligibility, reach forcing a local methodist, fixed size,
and the recruitment plan."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assign.assignment import AssignmentSettings, Status, build_problem
from assign.assignment.kpi import raw_terms
from assign.cli import app
from assign.domain import Candidate, Region, Teacher
from assign.io import load_region_or_raise
from assign.pool import PoolSettings, size_pool
from assign.pool.eligibility import exclusion_reason
from assign.pool.plan import recruitment_plan
from assign.pool.sizing import pool_region
from assign.scenario import Scenario, run_scenario
from assignment_helpers import planar_region
from conftest import DATA


def _with_candidates(
    region: Region, points: list[tuple[str, float, float]], keep_methodists: bool = True
) -> Region:
    candidates = tuple(
        Candidate(
            candidate_id=c,
            full_name=c,
            subjects=("math",),
            lat=x,
            lon=y,
            planar=True,
            municipality_id="M",
            role="тьютор",
        )
        for c, x, y in points
    )
    changes: dict[str, object] = {"candidates": candidates, "sources": {}}
    if not keep_methodists:
        changes["methodists"] = ()
    return Region.model_validate(region.model_dump() | changes)


def _instance(seed: int) -> Region:
    rng = np.random.default_rng(seed)
    schools = [(f"S{i}", float(rng.uniform(0, 100)), float(rng.uniform(0, 100))) for i in range(5)]
    teachers = [(f"T{i}", schools[i % 5][0], "Математика") for i in range(8)]
    existing = [
        ("E0", "Математика", float(rng.uniform(0, 100)), float(rng.uniform(0, 100)), None, None)
    ]
    region = planar_region(schools, teachers, existing)
    points = [(f"C{j}", float(rng.uniform(0, 100)), float(rng.uniform(0, 100))) for j in range(4)]
    return _with_candidates(region, points)


def _brute_force_pool(region: Region, settings: PoolSettings) -> tuple[int, float] | None:
    """The smallest pool (existing kept) and its least travel, by trying every subset."""
    a = settings.assignment
    teachers = region.teachers
    point = {m.methodist_id: m.point for m in region.methodists} | {
        c.candidate_id: c.point for c in region.candidates
    }
    schools = {s.school_id: s.point for s in region.schools}

    def hours(t: str, p: str) -> float:
        sx, sy = schools[region.teacher_by_id[t].school_id]
        px, py = point[p]
        return round(math.hypot(sx - px, sy - py) / 60 * 100) / 100

    best: tuple[int, float] | None = None
    candidates = [c.candidate_id for c in region.candidates]
    for size in range(0, len(candidates) + 1):
        for chosen in itertools.combinations(candidates, size):
            pool = ["E0", *chosen]
            for plan in itertools.product(pool, repeat=len(teachers)):
                loads = {p: plan.count(p) for p in pool}
                if any(not a.load_min <= loads[p] <= a.load_max for p in pool):
                    continue
                travel = sum(hours(t.teacher_id, p) for t, p in zip(teachers, plan, strict=True))
                key = (len(pool), round(travel, 6))
                if best is None or key < best:
                    best = key
        if best is not None:
            return best
    return best


@pytest.mark.parametrize("seed", range(4))
def test_smallest_pool_and_its_travel_equal_brute_force(seed: int) -> None:
    region = _instance(seed)
    settings = PoolSettings(assignment=AssignmentSettings(min_load=1, max_load=3))
    result = size_pool(region, settings)
    expected = _brute_force_pool(region, settings)
    assert expected is not None
    assert result.status is Status.OPTIMAL
    (pool,) = result.pools
    assert (pool.pool_size, round(pool.travel, 6)) == pytest.approx(expected)
    assert pool.bound == pool.pool_size
    assert pool.kept == ["E0"]


def test_fixed_pool_size_with_existing_released() -> None:
    region = _instance(1)
    settings = PoolSettings(
        assignment=AssignmentSettings(min_load=0, max_load=8),
        count=2,
        keep_existing=False,
        subject="math",
    )
    result = size_pool(region, settings)
    (pool,) = result.pools
    assert result.status is Status.OPTIMAL and result.fixed_size
    assert pool.pool_size == 2
    assert len(pool.kept) + len(pool.recruited) == 2
    assert pool.bound == pytest.approx(pool.travel, abs=1e-6)
    assert set(result.assignment.values()) <= {*pool.kept, *pool.recruited}


def test_an_unreachable_municipality_forces_a_local_methodist(tmp_path: Path) -> None:
    """SC (a winter-road ulus) is out of reach all year from PA, so the local candidate joins."""
    folder = tmp_path / "region"
    folder.mkdir()
    for file in (DATA / "small_winter_road").glob("*.csv"):
        (folder / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "candidates.csv").write_text(
        "candidate_id,full_name,subjects,municipality_id,role\n"
        "CC,Кандидат В,Химия,C,тьютор\nCB,Кандидат Б,Химия,B,тьютор\n",
        encoding="utf-8",
    )
    region = load_region_or_raise(folder)
    settings = PoolSettings(assignment=AssignmentSettings(min_load=0, max_load=10))
    result = size_pool(region, settings)
    assert result.status is Status.OPTIMAL
    (pool,) = result.pools
    assert pool.recruited == ["CC"] and pool.pool_size == 2
    assert result.assignment["T3"] == "CC"
    (need,) = recruitment_plan(result)
    # 4 teachers fit one methodist by the norm 0–10: no deficit, yet reach needs a second
    assert (need.need, need.have, need.deficit, need.need_optimal) == (1, 1, 0, 2)
    assert need.recruit == [("CC", "Северный улус")]
    assert need.out_of_reach == ["Северный улус"]
    assert need.text() == (
        "Химия: 4 педагога; по норме 0–10 нужно 1, есть 1, дефицита по норме нет; "
        "пул по расчёту — 2: пригласить Кандидата В (Северный улус); "
        "без методиста в пределах досягаемости: Северный улус"
    )


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ({"role": "тьютор"}, None),
        (
            {
                "role": "учитель",
                "qualification_category": "высшая",
                "pedagogical_education": "да",
                "experience_years": 7,
            },
            None,
        ),
        (
            {
                "role": "учитель",
                "qualification_category": "первая",
                "pedagogical_education": "да",
                "experience_years": 7,
            },
            "нет высшей квалификационной категории",
        ),
        (
            {
                "role": "учитель",
                "qualification_category": "высшая",
                "pedagogical_education": "нет",
                "experience_years": 3,
            },
            "нет высшего педагогического образования, стаж 3 года, нужно не менее 5 лет",
        ),
        ({}, None),
    ],
)
def test_eligibility_rules(facts: dict[str, object], reason: str | None) -> None:
    candidate = Candidate(
        candidate_id="C", full_name="К", subjects="Химия", municipality_id="M", **facts
    )
    found = exclusion_reason(candidate)
    assert (found is None) if reason is None else (found is not None and reason in found)


def test_excluded_candidates_are_listed_and_not_used(tmp_path: Path) -> None:
    region = _instance(2)
    weak = Candidate(
        candidate_id="CW",
        full_name="Слабова Ирина Петровна",
        subjects=("math",),
        lat=50,
        lon=50,
        planar=True,
        municipality_id="M",
        role="учитель",
        qualification_category="первая",
        pedagogical_education=True,
        experience_years=2,
    )
    region = Region.model_validate(
        region.model_dump() | {"candidates": (*region.candidates, weak), "sources": {}}
    )
    strict = size_pool(region, PoolSettings(assignment=AssignmentSettings(min_load=0, max_load=2)))
    assert [c for c, _ in strict.excluded] == ["CW"]
    assert strict.candidate_names["CW"] == "Слабова Ирина Петровна"  # messages name her
    assert "CW" not in {m for p in strict.pools for m in p.recruited}
    relaxed = size_pool(
        region,
        PoolSettings(
            assignment=AssignmentSettings(min_load=0, max_load=2), check_eligibility=False
        ),
    )
    assert relaxed.excluded == []


def test_norm_figures_and_cli_files(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    done = runner.invoke(
        app,
        ["pool", str(DATA / "small_ok"), "--out", str(out), "--min-load", "0"],
        env={"COLUMNS": "200"},
    )
    assert done.exit_code == 0, done.output
    rows = (out / "pool.csv").read_text(encoding="utf-8-sig").splitlines()  # for Russian Excel
    assert rows[0] == "subject;person_id;kind;subject_name;full_name;kind_ru"
    assert {r.split(";")[2] for r in rows[1:]} <= {"existing", "new"}
    kpi = json.loads((out / "kpi.json").read_text(encoding="utf-8"))
    assert kpi["status"] == "optimal" and kpi["objective_kind"] == "pool_size"
    math_plan = next(p for p in kpi["recruitment_plan"] if p["subject"] == "math")
    # the CLI's default norm 100–250 with --min-load 0: 5 teachers need one methodist
    assert (math_plan["teachers"], math_plan["norm"], math_plan["need"]) == (5, "0–250", 1)
    assert (math_plan["have"], math_plan["deficit"]) == (2, 0)
    assert "дефицита по норме нет" in math_plan["text"]
    assert (out / "assignments.csv").exists()
    unknown = runner.invoke(
        app, ["pool", str(DATA / "small_ok"), "--subject", "Астрология"], env={"COLUMNS": "200"}
    )
    assert unknown.exit_code == 2 and "Неизвестный предмет" in unknown.output


def _p_median_instance(seed: int) -> Region:
    """Seven schools, one teacher each with a demand of 2–5 load units, a candidate at each."""
    rng = np.random.default_rng(seed)
    schools = [(f"S{i}", float(rng.uniform(0, 100)), float(rng.uniform(0, 100))) for i in range(7)]
    teachers = [
        (f"T{i}", s, "Математика", float(rng.integers(2, 6))) for i, (s, _, _) in enumerate(schools)
    ]
    region = planar_region(schools, teachers, [("X", "Математика", 0.0, 0.0, None, None)])
    points = [(f"C{i}", x, y) for i, (_, x, y) in enumerate(schools)]
    return _with_candidates(region, points, keep_methodists=False)


def _brute_force_p_median(region: Region, p: int, capacity: int) -> float:
    """The least travel (hours, as the engine rounds them) over every pool of size p and every
    single-sourced assignment within the capacity."""
    point = {c.candidate_id: c.point for c in region.candidates}
    school = {s.school_id: s.point for s in region.schools}
    teachers = region.teachers

    def hours(t: Teacher, c: str) -> float:
        (sx, sy), (cx, cy) = school[t.school_id], point[c]
        return round(math.hypot(sx - cx, sy - cy) / 60 * 100) / 100

    best = math.inf
    for pool in itertools.combinations(sorted(point), p):
        for plan in itertools.product(pool, repeat=len(teachers)):
            loads = dict.fromkeys(pool, 0.0)
            for t, c in zip(teachers, plan, strict=True):
                loads[c] += t.load_weight or 0.0
            if max(loads.values()) <= capacity:
                best = min(best, sum(hours(t, c) for t, c in zip(teachers, plan, strict=True)))
    return best


@pytest.mark.parametrize("solver", ["highs", "cpsat"])
@pytest.mark.parametrize("seed", range(3))
def test_capacitated_p_median_equals_brute_force(solver: str, seed: int) -> None:
    """Tight weighted capacities and a fixed pool size: the benchmark problem in miniature."""
    region = _p_median_instance(seed)
    total = sum(t.load_weight or 0.0 for t in region.teachers)
    capacity = math.ceil(total / 3) + 1  # tight: single-sourcing decides feasibility
    expected = _brute_force_p_median(region, 3, capacity)
    assert math.isfinite(expected)
    settings = PoolSettings(
        assignment=AssignmentSettings(min_load=0, max_load=capacity, load_unit="weighted"),
        count=3,
        subject="math",
        solver=solver,
    )
    result = size_pool(region, settings)
    (pool,) = result.pools
    assert result.status is Status.OPTIMAL
    assert pool.pool_size == 3
    assert pool.travel == pytest.approx(expected, abs=1e-6)
    assert pool.bound == pytest.approx(pool.travel, abs=1e-6)
    loads: dict[str, float] = {}
    for t, c in result.assignment.items():
        loads[c] = loads.get(c, 0.0) + (region.teacher_by_id[t].load_weight or 0.0)
    assert max(loads.values()) <= capacity and len(result.assignment) == 7


def test_a_subject_whose_only_methodists_left_is_staffed_from_candidates_alone() -> None:
    """Found from the web page: removing every methodist of a subject and recruiting divided
    by the subject's (zero) methodists."""
    region = load_region_or_raise(DATA / "small_ok")
    spec = {
        "name": "все методисты математики и физики уходят",
        "recruit": True,
        "assignment": {"min_load": 0, "max_load": 9},
        "changes": {"remove_methodists": ["P1", "P2"]},
    }
    outcome = run_scenario(region, Scenario.model_validate(spec))
    assert outcome.pool is not None
    by_subjects = {p.subjects: p for p in outcome.pool.pools}
    candidates = {c.candidate_id: c.subjects for c in region.candidates}
    for subject in ("math", "physics"):  # one candidate of each (C2, C1) is the whole pool
        pool = by_subjects[(subject,)]
        assert pool.pool_size == 1 and len(pool.recruited) == 1
        assert subject in candidates[pool.recruited[0]]
    teachers = {t.teacher_id for t in region.teachers}
    assert set(outcome.assignment) == teachers  # every teacher served


def _pools_by_brute_force(
    region: Region, settings: AssignmentSettings
) -> tuple[int, int, float, float]:
    """Every set of people (methodists and candidates) and every plan of theirs within the
    loads: the fewest people, then the fewest candidates, and over that set the plan the
    ranking prefers (the fewest changes, then the least travel) — its figures from
    `kpi.raw_terms` on a problem of just those people."""
    widened, eligible, _ = pool_region(region)
    people = [m.methodist_id for m in widened.methodists]
    teaches = {m.methodist_id: set(m.subjects) for m in widened.methodists}
    teachers = [t.teacher_id for t in region.teachers]
    subject = [t.subject for t in region.teachers]
    best: tuple[int, int, float, float] | None = None
    for size in range(1, len(people) + 1):
        for chosen in itertools.combinations(people, size):
            recruits = sum(p in eligible for p in chosen)
            if best is not None and (size, recruits) > best[:2]:
                continue
            subset = widened.changed(
                methodists=tuple(m for m in widened.methodists if m.methodist_id in chosen)
            )
            problem = build_problem(subset, settings)
            for plan in itertools.product(chosen, repeat=len(teachers)):
                if any(not settings.load_min <= plan.count(p) <= settings.load_max for p in chosen):
                    continue
                if any(s not in teaches[p] for s, p in zip(subject, plan, strict=True)):
                    continue
                terms = raw_terms(problem, dict(zip(teachers, plan, strict=True)))
                key = (size, recruits, terms["changes"], round(terms["travel"], 6))
                best = key if best is None or key < best else best
        if best is not None:
            return best
    raise AssertionError("no pool serves every teacher")


def _two_schools_two_methodists(current: bool) -> Region:
    """Six math teachers in two schools; two methodists far away, two candidates in the
    schools: with the existing ones free to go, a pool of two either way."""
    schools = [("S0", 0.0, 0.0), ("S1", 80.0, 0.0)]
    teachers = [(f"T{i}", f"S{i % 2}", "Математика") for i in range(6)]
    existing = [
        ("E0", ("math",), 0.0, 50.0, None, None),
        ("E1", ("math",), 80.0, 50.0, None, None),
    ]
    # the current order: E0 holds four, E1 two — over a limit of three, one must move
    order = [("T0", "E0"), ("T1", "E0"), ("T2", "E0"), ("T3", "E0"), ("T4", "E1"), ("T5", "E1")]
    region = planar_region(schools, teachers, existing, order if current else ())
    return _with_candidates(region, [("C0", 0.0, 0.0), ("C1", 80.0, 0.0)])


@pytest.mark.parametrize("current", [False, True])
def test_released_methodists_stay_where_a_candidate_would_only_save_travel(
    current: bool,
) -> None:
    """`--release-existing` found 14 of Tambov's methodists swapped for candidates nearer
    their teachers where the subject had just the people it needed. Of the smallest pools,
    the one with the fewest candidates comes first, travel after; and with a current order
    the pool's teachers move as few as the pool allows. Checked against every set of people
    and every plan."""
    region = _two_schools_two_methodists(current)
    settings = AssignmentSettings(min_load=0, max_load=3)
    result = size_pool(region, PoolSettings(assignment=settings, keep_existing=False))
    (pool,) = result.pools
    assert result.status is Status.OPTIMAL
    assert (pool.kept, pool.recruited, pool.released) == (["E0", "E1"], [], [])
    size, recruits, changes, travel = _pools_by_brute_force(region, settings)
    terms = raw_terms(result.problem, result.assignment)
    assert (pool.pool_size, len(pool.recruited)) == (size, recruits)
    assert (terms["changes"], round(terms["travel"], 6)) == pytest.approx((changes, travel))
    if current:  # E0's fourth teacher is the one move
        assert changes == 1


def test_a_recruiting_pool_moves_the_fewest_teachers_of_the_current_order() -> None:
    """A pool that must recruit (limit 2: five math teachers and one of physics need three
    people): the sizing model places teachers by travel alone; the plan it writes is the
    assignment engine's over the same people, the fewest moves first (the brute force)."""
    region = load_region_or_raise(DATA / "small_ok")
    settings = AssignmentSettings(min_load=0, max_load=2)
    result = size_pool(region, PoolSettings(assignment=settings, subject="math"))
    (pool,) = result.pools
    part = region.changed(  # the subject group alone, every candidate still free to join
        teachers=tuple(t for t in region.teachers if t.subject in pool.subjects),
        methodists=tuple(m for m in region.methodists if set(m.subjects) & set(pool.subjects)),
    )
    size, recruits, changes, travel = _pools_by_brute_force(part, settings)
    subjects = set(pool.subjects)
    mine = {
        t: m for t, m in result.assignment.items() if region.teacher_by_id[t].subject in subjects
    }
    plan_terms = raw_terms(result.problem, mine)
    assert (pool.pool_size, len(pool.recruited)) == (size, recruits)
    assert (plan_terms["changes"], round(plan_terms["travel"], 6)) == pytest.approx(
        (changes, travel)
    )


def test_the_methodist_released_is_the_one_whose_teachers_move_least() -> None:
    """Found by a planner: with --release-existing a pool of one kept the methodist with one
    teacher and released the one with three (1 327 moves on Tambov where 1 012 would do). Of
    the smallest pools with the fewest candidates, the fewest moves come first; the brute
    force over every set of people and plan agrees."""
    schools = [("S0", 0.0, 0.0), ("S1", 1.0, 0.0)]
    teachers = [("T0", "S0", "Математика"), ("T1", "S0", "Математика")]
    teachers += [("T2", "S0", "Математика"), ("T3", "S1", "Математика")]
    # E1 sits nearer everyone (travel would keep it); E0 holds three of the four
    existing = [
        ("E0", ("math",), 0.0, 5.0, None, None),
        ("E1", ("math",), 0.5, 0.0, None, None),
    ]
    order = [("T0", "E0"), ("T1", "E0"), ("T2", "E0"), ("T3", "E1")]
    region = planar_region(schools, teachers, existing, order)
    settings = AssignmentSettings(min_load=0, max_load=4)
    result = size_pool(region, PoolSettings(assignment=settings, keep_existing=False))
    (pool,) = result.pools
    assert (pool.kept, pool.released) == (["E0"], ["E1"])
    size, recruits, changes, travel = _pools_by_brute_force(region, settings)
    terms = raw_terms(result.problem, result.assignment)
    assert (pool.pool_size, len(pool.recruited), terms["changes"]) == (size, recruits, changes)
    assert round(terms["travel"], 6) == pytest.approx(travel) and changes == 1
