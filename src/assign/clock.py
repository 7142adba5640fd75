"""The command's clock: `--time-limit T` is the whole command's — starting Python, reading the
region, building, solving and writing all count — so the solvers get what is left of T.

The clock starts when the `assign` package is imported (the first thing a command does);
a command started long after that import (the CLI called in-process, as tests do) starts it
again itself (`start_command`).
"""

from __future__ import annotations

import time

IMPORTED = time.perf_counter()
WRITING_SHARE = 0.03  # of a limit, kept for writing the results once the solvers are done
STALE = 30.0  # seconds between the import and a command past which the import is not its start
MIN_SECONDS = 0.5  # a solver given less still returns the plan it has

_started = IMPORTED


def start_command() -> None:
    """Start the clock for a command: at the package's import when that was just now (a
    command run as `assign ...`), else now."""
    global _started
    now = time.perf_counter()
    _started = IMPORTED if now - IMPORTED < STALE else now


def elapsed() -> float:
    return time.perf_counter() - _started


def solving_time(limit: float) -> float:
    """What the solvers may have of a command's `limit` seconds: less what the command has
    used so far and a share kept for writing its files."""
    return max(limit * (1 - WRITING_SHARE) - elapsed(), MIN_SECONDS)
