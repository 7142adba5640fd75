"""The national batch through the whole pipeline (validate → assign → pool → year plan →
documents), with 1 and then 2 worker processes on this machine: total time, time per stage
summed over the regions, peak memory per worker, and the speed-up of 2 workers over 1 (the
baseline).

`--regions K` takes the first K regions of the national sample (`assign sample national`:
85 regions, about a million teachers); the figures for all 85 are then projected from the
measured ones by teachers (a region's time grows about linearly with its teachers), and the
projection says so. Each run starts from an empty output folder.

Run: .venv/bin/python bench/batch_bench.py [--regions 85] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from assign.io.writer import write_tables
from assign.pipeline.batch import LocalRunner, RegionOutcome, run_batch
from assign.sample.national import national_plan, national_tables


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=85, help="the first K of the 85")
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    plan = national_plan()
    chosen = plan[: args.regions]
    share = sum(n for _, n in chosen) / sum(n for _, n in plan)
    with tempfile.TemporaryDirectory() as tmp:
        regions = Path(tmp) / "regions"
        for index, (name, teachers) in enumerate(plan):
            if index < args.regions:
                write_tables(national_tables(name, teachers, seed=index), regions / name)
        print(
            f"{len(chosen)} of {len(plan)} regions, {sum(n for _, n in chosen):,} teachers "
            f"({share:.1%} of the national sample's {sum(n for _, n in plan):,})"
        )
        baseline = None
        for workers in (int(w) for w in args.workers.split(",")):
            out = Path(tmp) / f"out{workers}"
            start = time.perf_counter()
            outcomes = run_batch(regions, out, LocalRunner(workers))
            total = time.perf_counter() - start
            report(workers, outcomes, total, share)
            baseline = baseline or total
            print(f"  speed-up against the first run: {baseline / total:.2f}×")


def report(workers: int, outcomes: list[RegionOutcome], total: float, share: float) -> None:
    stages: dict[str, float] = defaultdict(float)
    for o in outcomes:
        for name, seconds in o.stages.items():
            stages[name] += seconds
    failed = [o.folder for o in outcomes if o.status != "done"]
    missing = f", not done: {', '.join(failed)}" if failed else ""
    print(
        f"{workers} worker(s): {total:,.1f} s for {len(outcomes)} regions "
        f"({len(outcomes) - len(failed)} done{missing})"
    )
    print(
        "  per stage, summed over regions: "
        + ", ".join(f"{k} {v:,.1f} s" for k, v in stages.items())
    )
    print(f"  peak memory of a worker: {max(o.peak_mb for o in outcomes):,.0f} MB")
    print(f"  projected for the 85 regions: {total / share:,.0f} s ({total / share / 3600:.2f} h)")


if __name__ == "__main__":
    main()
