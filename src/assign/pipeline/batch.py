"""Many regions at once: `run_plan` (validate → assign → pool → year plan → documents) for every
region folder of a directory, each into `out/<folder name>/` as `assign plan` writes it.

Regions go through a runner — this machine's processes by default, Celery workers on any
machine when `ASSIGN_QUEUE_URL` is set (they must see the same folders: a shared disk) — and a
region is done once: `batch.json` in its output folder keeps the fingerprint of its inputs, so
a second run skips a region whose files have not changed since it was done.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import resource
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

from assign.assignment.result import Status
from assign.io import load_region
from assign.pipeline import StageError, run_plan
from assign.pipeline.settings import RegionSettingsError, load_region_settings

log = logging.getLogger("assign.batch")
BATCH_FILE = "batch.json"
FORMAT = 1  # of batch.json: a change makes every region run again


@dataclass
class RegionOutcome:
    """One region of a batch: what it came to and how long each stage took."""

    folder: str
    status: str  # done | failed | invalid | skipped
    name: str = ""
    teachers: int = 0
    methodists: int = 0  # in the input
    needed: int | None = None  # the pool the plan needs
    deficit: int | None = None  # of which to be recruited
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    message: str = ""  # Russian: why it failed
    worker: str = ""
    peak_mb: float = 0.0  # the peak resident memory of the process that ran it, so far


def region_folders(folder: Path) -> list[Path]:
    """Sub-folders that hold a region (a teachers.csv), by name."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and (p / "teachers.csv").exists())


def fingerprint(folder: Path) -> str:
    """Of every input file of the region (names and bytes) and the batch format."""
    digest = hashlib.sha256(f"assign-batch-{FORMAT}".encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def done_before(folder: Path, out: Path) -> RegionOutcome | None:
    """The outcome kept in out/batch.json when the region was done from the same inputs."""
    try:
        kept = json.loads((out / BATCH_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if kept.get("fingerprint") != fingerprint(folder) or kept["outcome"]["status"] != "done":
        return None
    return RegionOutcome(**{**kept["outcome"], "status": "skipped"})


def plan_region(folder: str, out: str, one_process: bool = False) -> dict[str, Any]:
    """One region, whole: its plan into `out`, its outcome (a dict, to cross processes)
    kept in out/batch.json when it is done. Never raises: a failure is an outcome.
    `one_process`: the year plan's chunks in turn, not in a pool of processes (a queue
    worker's process may not start its own)."""
    source, target = Path(folder), Path(out)
    outcome = RegionOutcome(folder=source.name, status="failed", worker=_worker())
    start = time.perf_counter()
    stages: dict[str, float] = {}
    try:
        settings = load_region_settings(source)
        if one_process:
            year = settings.year_plan.model_copy(update={"workers": 1})
            settings = settings.model_copy(update={"year_plan": year})
        loaded = load_region(source, settings.name)
        stages["validate"] = time.perf_counter() - start
        region = loaded.region
        if region is None:
            outcome.status = "invalid"
            outcome.message = (
                f"ошибок в данных: {loaded.report.error_count} (подробно: assign validate {folder})"
            )
        else:
            outcome.name = region.name or source.name
            outcome.teachers, outcome.methodists = len(region.teachers), len(region.methodists)
            marks = [(time.perf_counter(), "")]

            def on_stage(name: str) -> None:
                marks.append((time.perf_counter(), name))

            run = run_plan(region, source, settings, target, on_stage)
            marks.append((time.perf_counter(), ""))
            for (begun, name), (ended, _) in pairwise(marks[1:]):
                stages[name] = ended - begun
            if run.pool is not None:
                outcome.needed = sum(p.pool_size for p in run.pool.pools)
                outcome.deficit = sum(len(p.recruited) for p in run.pool.pools)
            statuses = [run.result.status if run.result else Status.UNKNOWN]
            statuses += [run.pool.status] if run.pool else []
            failed = [s for s in statuses if not s.has_plan]
            outcome.status = "failed" if failed else "done"
            if failed:
                outcome.message = "план не построен: " + ", ".join(s.value for s in failed)
    except (StageError, RegionSettingsError, ValueError) as exc:
        outcome.message = str(exc)
    except Exception as exc:  # a region must end with an outcome, whatever happened
        log.exception("region %s failed", folder)
        outcome.message = f"внутренняя ошибка: {type(exc).__name__}"
    outcome.seconds = time.perf_counter() - start
    outcome.peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    outcome.stages = {k: round(v, 3) for k, v in stages.items()}
    if outcome.status == "done":
        kept = {"fingerprint": fingerprint(source), "outcome": asdict(outcome)}
        (target / BATCH_FILE).write_text(
            json.dumps(kept, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return asdict(outcome)


def _worker() -> str:
    return f"{os.uname().nodename}:{os.getpid()}"


class BatchRunner(Protocol):
    def run(self, tasks: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
        """`plan_region(folder, out)` for each task; outcomes as they come."""
        ...


class LocalRunner:
    """Processes of this machine (spawned: each region in a fresh interpreter's memory)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(self, tasks: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
        if self.workers == 1:  # no pool to start: one region after another, here
            for folder, out in tasks:
                yield plan_region(folder, out)
            return
        context = get_context("spawn")
        with ProcessPoolExecutor(self.workers, mp_context=context, max_tasks_per_child=1) as pool:
            futures = [pool.submit(plan_region, folder, out) for folder, out in tasks]
            for future in as_completed(futures):
                yield future.result()


def run_batch(
    regions_dir: Path,
    out: Path,
    runner: BatchRunner,
    on_outcome: Callable[[RegionOutcome], None] | None = None,
) -> list[RegionOutcome]:
    """Every region of `regions_dir` not done before from the same inputs, through `runner`;
    the outcomes in folder order (skipped ones included)."""
    outcomes: dict[str, RegionOutcome] = {}
    tasks = []
    for folder in region_folders(regions_dir):
        target = out / folder.name
        kept = done_before(folder, target)
        if kept is not None:
            outcomes[folder.name] = kept
            if on_outcome is not None:
                on_outcome(kept)
        else:
            tasks.append((str(folder.resolve()), str(target.resolve())))
    for raw in runner.run(tasks):
        outcome = RegionOutcome(**raw)
        outcomes[outcome.folder] = outcome
        if on_outcome is not None:
            on_outcome(outcome)
    return [outcomes[name] for name in sorted(outcomes)]
