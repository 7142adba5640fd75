"""Every command that takes --time-limit, timed whole (Python's start, reading, solving and
writing) on the sample regions, against the limit and against a baseline version run the
same way in the same run (issue: proofs at region scale — every command ends within T + 10 %).

    .venv/bin/python bench/time_limit_bench.py                      # this checkout only
    .venv/bin/python bench/time_limit_bench.py --baseline d0bd077   # and that commit beside it

The baseline is checked out into a temporary git worktree and run by this checkout's Python
with its `src` first on the path. The large pool instances' own limits are in
`cpmp_bench.py`'s tables (their seconds column).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARGIN = 0.10  # the T + 10 %


def first_teacher(region: Path) -> str:
    with (region / "teachers.csv").open(encoding="utf-8") as handle:
        return next(csv.DictReader(handle))["teacher_id"]


def commands(region: Path, limit: float, plan_limit: float) -> list[tuple[str, float, list[str]]]:
    common = ["--load-unit", "weighted"]
    return [
        ("solve", limit, ["solve", str(region), *common]),
        ("explain", limit, ["explain", str(region), "--teacher", first_teacher(region), *common]),
        ("pool", limit, ["pool", str(region), *common]),
        ("schedule", limit, ["schedule", str(region), *common]),
        ("plan", plan_limit, ["plan", str(region), *common]),
    ]


def timed(src: Path, args: list[str], limit: float, out: Path) -> tuple[float, int]:
    """Wall seconds of `assign <args>` run from the sources in `src`, and its exit code."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "200"}
    call = [sys.executable, "-c", "from assign.cli import app; app()", *args]
    if args[0] != "explain":
        call += ["--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(
        [*call, "--time-limit", str(limit)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=30.0)
    parser.add_argument("--plan-limit", type=float, default=120.0)
    parser.add_argument("--regions", default="tambov,yakutia")
    parser.add_argument("--baseline", default="", help="a commit to time beside this checkout")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        versions = {"now": ROOT / "src"}
        if args.baseline:
            tree = Path(tmp) / "baseline"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.baseline],
                check=True,
                capture_output=True,
            )
            versions["baseline"] = tree / "src"
        try:
            table(args, versions, Path(tmp))
        finally:
            if args.baseline:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                    check=False,
                    capture_output=True,
                )


def table(args: argparse.Namespace, versions: dict[str, Path], tmp: Path) -> None:
    print(
        f"{'command':<9}{'region':<9}{'T':>6}{'now s':>8}{'/T':>7}{'in T+10%':>10}"
        + (f"{'baseline s':>12}{'/T':>7}{'now/base':>10}" if "baseline" in versions else ""),
        flush=True,
    )
    for name in args.regions.split(","):
        region = ROOT / "data" / name
        for command, limit, call in commands(region, args.limit, args.plan_limit):
            seconds = {
                version: timed(src, call, limit, tmp / f"{version}-{name}-{command}")
                for version, src in versions.items()
            }
            now, code = seconds["now"]
            line = (
                f"{command:<9}{name:<9}{limit:>6.0f}{now:>8.1f}{now / limit:>7.2f}"
                f"{'yes' if now <= limit * (1 + MARGIN) else 'NO':>10}"
            )
            if "baseline" in seconds:
                base, _ = seconds["baseline"]
                line += f"{base:>12.1f}{base / limit:>7.2f}{now / base:>10.2f}"
            print(line + ("" if code in (0, 1) else f"  exit {code}"), flush=True)


if __name__ == "__main__":
    main()
