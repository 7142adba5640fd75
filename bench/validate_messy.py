"""How long validating a 20 000-teacher messy workbook takes, and its peak memory.

The workbook is the Tambov sample as a planner's file has it (`tests/messy.py`: title rows
and merged titles, Russian headers, split Фамилия/Имя/Отчество, schools and municipalities by
name, abbreviated subjects, Latin look-alikes, staff rows), its teachers repeated under new ids
up to 20 000. Validation runs in a fresh process so its peak memory is its own. Prints the
time of `load_region` (median of the runs), the process's peak RSS, and the clean CSV sample's
time for comparison.

Run: .venv/bin/python bench/validate_messy.py [--teachers 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from assign.io import load_region  # noqa: E402
from messy import messy_tables, read_csv_folder, write_workbook  # noqa: E402


def build(path: Path, teachers: int) -> int:
    """The messy Tambov workbook with its teacher rows repeated up to `teachers`."""
    clean = read_csv_folder(REPO / "data" / "tambov")
    rows = clean["teachers"]
    header, body = rows[0], rows[1:]
    grown = [header]
    copy = 0
    while len(grown) - 1 < teachers:
        for row in body:
            if len(grown) - 1 >= teachers:
                break
            grown.append([f"{row[0]}-{copy}" if copy else row[0], *row[1:]])
        copy += 1
    clean["teachers"] = grown
    tables = messy_tables(clean)
    write_workbook(tables, path)
    return len(tables["teachers"]) - 1


def measure(path: Path, repeat: int) -> dict[str, float]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = load_region(path)
        times.append(time.perf_counter() - start)
    assert result is not None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": statistics.median(times),
        "peak_mb": peak_mb,
        "teachers": len(result.region.teachers) if result.region else 0,
        "errors": len(result.report.errors),
        "warnings": len(result.report.warnings),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teachers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.repeat)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "messy.xlsx"
        start = time.perf_counter()
        rows = build(path, args.teachers)
        built = time.perf_counter() - start
        child = [sys.executable, __file__, "--measure", str(path), "--repeat", str(args.repeat)]
        messy = json.loads(subprocess.run(child, check=True, capture_output=True).stdout)
        size_mb = path.stat().st_size / 2**20
    clean = measure_clean(args.repeat)
    print(f"messy workbook: {rows} teacher rows, {size_mb:.1f} MB, built in {built:.1f} s")
    print(
        f"validate messy: {messy['seconds']:.2f} s (median of {args.repeat}), "
        f"peak {messy['peak_mb']:.0f} MB; {messy['teachers']} teachers read, "
        f"{messy['errors']} errors, {messy['warnings']} warnings"
    )
    print(f"validate clean Tambov CSV (10 800 teachers): {clean:.2f} s")


def measure_clean(repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        load_region(REPO / "data" / "tambov")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
