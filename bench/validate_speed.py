"""How long `assign validate` takes on the sample regions, against reading the same CSVs raw.

Prints, per region: the median in-process load-and-validate time, the median wall time of the
`assign validate` command (a new process, as a user runs it), and the baseline — pandas reading
the same CSV files with no checks — with the ratios to it.

Run: .venv/bin/python bench/validate_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from assign.io import load_region

DATA = Path(__file__).resolve().parents[1] / "data"


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _read_raw(folder: Path) -> None:
    for file in folder.glob("*.csv"):
        pd.read_csv(file, dtype=str, keep_default_na=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cli = Path(sys.executable).with_name("assign")
    print(
        f"{'region':<10}{'teachers':>9}{'load+validate, s':>18}{'CLI, s':>9}"
        f"{'raw read, s':>13}{'ratio':>7}{'CLI peak MB':>13}"
    )
    for folder in sorted(p for p in DATA.iterdir() if (p / "teachers.csv").exists()):
        result = load_region(folder)
        assert result.region is not None, "sample region must be valid"
        in_process = _median_seconds(lambda f=folder: load_region(f), args.repeat)
        raw = _median_seconds(lambda f=folder: _read_raw(f), args.repeat)
        cli_times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            done = subprocess.run([str(cli), "validate", str(folder)], capture_output=True)
            cli_times.append(time.perf_counter() - start)
            assert done.returncode == 0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"{folder.name:<10}{len(result.region.teachers):>9,}{in_process:>18.3f}"
            f"{statistics.median(cli_times):>9.3f}{raw:>13.3f}{in_process / raw:>7.1f}"
            f"{peak_mb:>13.0f}"
        )


if __name__ == "__main__":
    main()
