"""Public capacitated p-median benchmarks, run through `assign pool` as a user would.

Each instance of ../shared/benchmarks/cpmp becomes a region in planar coordinates: every point
is a school with one teacher of one subject (its demand as the load weight) and a candidate
based there; no existing methodists; capacity = max load; min load 0; `--count p`. The
Osman–Christofides (oc*) optima count distances rounded down, so those instances get their
distances as a `travel_times` matrix; the SJC ones use plain Euclidean distances. The objective
(sum of distances) is recomputed from the written assignments.csv with the instance's own
convention and compared with the known optimum (bks.csv).

Region scale (`--generated`): instances drawn in the same way as the SJC set (uniform points,
integer demands), with thousands of points and hundreds of medians. Candidates stand at one
point in five and reach is limited to `--max-hours` of road (60 km/h), so each point has a few
dozen candidates within reach, as in a real region. No optimum is known: the figure is the gap
to the lower bound that `assign pool` reports.

Memory shape (`--every-point`): every point a candidate, no reach limit, p = `--medians`
(600), capacity with about 10 % spare — 9 million pairs at 3 000 points. Every row gives the
run's peak resident memory (the child's own, from wait4).

Run: .venv/bin/python bench/cpmp_bench.py [--limit 60] [--only oc01,sjc1]
     .venv/bin/python bench/cpmp_bench.py --generated [--limit 120]
     .venv/bin/python bench/cpmp_bench.py --every-point [--limit 300] [--sizes 3000]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"


def read_instance(path: Path) -> tuple[int, int, list[tuple[float, float, float]]]:
    numbers = path.read_text().split()
    n, p, capacity = int(numbers[0]), int(numbers[1]), int(numbers[2])
    values = list(map(float, numbers[3 : 3 + 3 * n]))
    points = [(values[3 * i], values[3 * i + 1], values[3 * i + 2]) for i in range(n)]
    return p, capacity, points


def distance(a: tuple[float, float, float], b: tuple[float, float, float], floor: bool) -> float:
    d = math.hypot(a[0] - b[0], a[1] - b[1])
    return math.floor(d) if floor else d


Point = tuple[float, float, float]  # x, y, demand


def generated_instance(n: int, seed: int) -> tuple[int, int, list[Point], list[int]]:
    """n points uniform on a 1 000 km square, demands 1–10, a candidate at every fifth point;
    capacity 120 and p with 10 % spare capacity."""
    rng = random.Random(seed)
    points = [(rng.uniform(0, 1000), rng.uniform(0, 1000), rng.randint(1, 10)) for _ in range(n)]
    candidates = sorted(rng.sample(range(n), n // 5))
    capacity = 120
    p = math.ceil(sum(q for *_, q in points) / capacity * 1.1)
    return p, capacity, points, candidates


def dense_instance(n: int, p: int, seed: int) -> tuple[int, int, list[Point], None]:
    """The memory shape (issue: pool sizing within memory): n points uniform on a 1 000 km
    square, demands 1–10, every point a candidate, no reach limit, `p` medians and a
    capacity with about 10 % spare."""
    rng = random.Random(seed)
    points = [(rng.uniform(0, 1000), rng.uniform(0, 1000), rng.randint(1, 10)) for _ in range(n)]
    capacity = math.ceil(sum(q for *_, q in points) * 1.1 / p)
    return p, capacity, points, None


def weight_scale(points: list[Point]) -> int:
    """A teacher's load weight is at most 100: larger demands (the SJC set's) are written in
    tens, and the capacity with them, which changes no plan."""
    return 10 if max(q for *_, q in points) > 100 else 1


def write_region(
    folder: Path, points: list[Point], floor: bool, candidates: list[int] | None = None
) -> None:
    folder.mkdir(parents=True)
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)

    def table(name: str, header: list[str], rows: list[list[object]]) -> None:
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    table("municipalities", ["municipality_id", "name", "x", "y"], [["M", "Область", cx, cy]])
    table(
        "schools",
        ["school_id", "name", "municipality_id", "x", "y"],
        [[f"P{i}", f"Точка {i}", "M", x, y] for i, (x, y, _) in enumerate(points)],
    )
    table(
        "teachers",
        ["teacher_id", "full_name", "school_id", "subject", "load_weight"],
        [
            [f"T{i}", f"Педагог {i}", f"P{i}", "Математика", q / weight_scale(points)]
            for i, (_, _, q) in enumerate(points)
        ],
    )
    table("methodists", ["methodist_id", "full_name", "subjects", "school_id"], [])
    table(
        "candidates",
        ["candidate_id", "full_name", "subjects", "school_id"],
        [
            [f"C{i}", f"Кандидат {i}", "Математика", f"P{i}"]
            for i in (range(len(points)) if candidates is None else candidates)
        ],
    )
    if floor:
        table(
            "travel_times",
            ["from_id", "to_id", "km"],
            [
                [f"P{i}", f"P{j}", distance(points[i], points[j], True)]
                for i in range(len(points))
                for j in range(i + 1, len(points))
            ],
        )


def _pythonpath() -> dict[str, str]:
    return {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}


def run(
    name: str,
    bks: float,
    limit: float,
    generated: tuple[int, int, list[Point], list[int] | None] | None = None,
    max_hours: float | None = None,
) -> dict[str, object]:
    if generated is None:
        p, capacity, points = read_instance(BENCH / "cpmp" / f"{name}.txt")
        candidates = None
    else:
        p, capacity, points, candidates = generated
    floor = name.startswith("oc")
    with tempfile.TemporaryDirectory() as tmp:
        region, out = Path(tmp) / "region", Path(tmp) / "out"
        write_region(region, points, floor, candidates)
        reach = ["--max-hours", str(max_hours)] if max_hours else []
        cli = Path(sys.executable).with_name("assign")
        start = time.perf_counter()
        child = subprocess.Popen(
            [
                str(cli),
                "pool",
                str(region),
                "--out",
                str(out),
                "--count",
                str(p),
                "--min-load",
                "0",
                "--max-load",
                str(capacity / weight_scale(points)),
                "--objective",
                "distance",
                "--load-unit",
                "weighted",
                "--time-limit",
                str(limit),
                *reach,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # PYTHONPATH passes through: a baseline from a worktree runs the same way
            env={"COLUMNS": "200", "PATH": "", **_pythonpath()},
        )
        _, exit_status, usage = os.wait4(child.pid, 0)  # the child's own peak memory
        seconds = time.perf_counter() - start
        if not (out / "assignments.csv").exists():  # stopped before a plan: no figures
            return {
                "instance": name,
                "n": len(points),
                "p": p,
                "bks": bks,
                "valid": False,
                "status": f"exit {os.waitstatus_to_exitcode(exit_status)}",
                "bound": None,
                "objective": float("nan"),
                "gap_to_bks": float("nan"),
                "seconds": seconds,
                "peak_mb": usage.ru_maxrss / 1024,
            }
        kpi = json.loads((out / "kpi.json").read_text(encoding="utf-8"))
        served = {}
        with (out / "assignments.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                served[int(row["teacher_id"][1:])] = int(row["methodist_id"][1:])
    objective = sum(distance(points[t], points[m], floor) for t, m in served.items())
    loads: dict[int, float] = {}
    for t, m in served.items():
        loads[m] = loads.get(m, 0) + points[t][2]
    valid = (
        len(served) == len(points)
        and len(loads) <= p
        and all(v <= capacity for v in loads.values())
    )
    return {
        "instance": name,
        "n": len(points),
        "p": p,
        "bks": bks,
        "objective": objective,
        "gap_to_bks": (objective - bks) / bks,
        "status": kpi["status"],
        "bound": kpi["bound"],
        "seconds": seconds,
        "valid": valid,
        "exit": os.waitstatus_to_exitcode(exit_status),
        "peak_mb": usage.ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--only", default="")
    parser.add_argument("--generated", action="store_true", help="the region-scale table")
    parser.add_argument(
        "--every-point",
        action="store_true",
        help="the memory table: every point a candidate, no reach limit, p = --medians",
    )
    parser.add_argument("--medians", type=int, default=600)
    parser.add_argument("--sizes", default="1000,2000,4000")
    parser.add_argument("--max-hours", type=float, default=3.0)
    args = parser.parse_args()
    args.sizes_given = any(a.startswith("--sizes") for a in sys.argv[1:])
    if args.generated:
        generated_table([int(n) for n in args.sizes.split(",")], args.limit, args.max_hours)
        return
    if args.every_point:
        sizes = [int(n) for n in args.sizes.split(",")] if args.sizes_given else [3000]
        generated_table(sizes, args.limit, None, args.medians)
        return
    with (BENCH / "bks.csv").open(encoding="utf-8") as handle:
        known = {row["instance"]: float(row["bks"]) for row in csv.DictReader(handle)}
    names = [n for n in known if not args.only or n in args.only.split(",")]
    print(
        f"{'instance':<9}{'n':>5}{'p':>4}{'known opt':>11}{'ours':>11}{'gap':>9}"
        f"{'status':>10}{'bound':>11}{'seconds':>9}{'peak MB':>9}  valid"
    )
    for name in names:
        r = run(name, known[name], args.limit)
        bound = r["bound"] if r["bound"] is not None else float("nan")
        if r["valid"]:
            ours, gap = f"{r['objective']:>11,.2f}", f"{r['gap_to_bks']:>9.3%}"
        else:  # no complete plan within the limit
            ours, gap = f"{'—':>11}", f"{'—':>9}"
        print(
            f"{name:<9}{r['n']:>5}{r['p']:>4}{r['bks']:>11,.2f}{ours}{gap}"
            f"{r['status']:>11}{bound:>11,.2f}{r['seconds']:>9.1f}{r['peak_mb']:>9,.0f}"
            f"  {r['valid']}",
            flush=True,
        )


def generated_table(
    sizes: list[int], limit: float, max_hours: float | None, medians: int | None = None
) -> None:
    """Region-scale rows: candidates at one point in five within `max_hours`, or (with
    `medians`) the memory shape — every point a candidate, no reach limit, p = `medians`."""
    print(
        f"{'instance':<9}{'n':>6}{'cand':>6}{'p':>5}{'ours':>13}{'bound':>13}{'gap':>8}"
        f"{'status':>11}{'seconds':>9}{'peak MB':>9}  valid"
    )
    for n in sizes:
        instance: tuple[int, int, list[Point], list[int] | None] = (
            generated_instance(n, seed=n) if medians is None else dense_instance(n, medians, n)
        )
        name = f"gen{n}" if medians is None else f"all{n}"
        r = run(name, float("nan"), limit, instance, max_hours)
        bound = float(r["bound"]) if r["bound"] is not None else float("nan")  # type: ignore[arg-type]
        objective = float(r["objective"])  # type: ignore[arg-type]
        gap = (objective - bound) / objective if r["valid"] else float("nan")
        candidates = n if instance[3] is None else len(instance[3])
        print(
            f"{r['instance']:<9}{n:>6}{candidates:>6}{r['p']:>5}{objective:>13,.1f}"
            f"{bound:>13,.1f}{gap:>8.2%}{r['status']:>11}{r['seconds']:>9.1f}"
            f"{r['peak_mb']:>9,.0f}  {r['valid']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
