"""One job, run to its end by the library's what-if pipeline (`run_scenario_plan`, as
`assign scenario run` runs it): the plan, then its year when asked; the plan's files are kept
with the result, so its documents are made from what was run, whatever happens after.

A heartbeat thread keeps the job's lease and watches for a cancel: the stages check it between
steps, the solvers watch it as their stop event (`stages.STOP`: HiGHS and GLOP are interrupted,
the subject groups running end), and a worker process that still cannot stop in time (a
CP-SAT run, a local search) is ended by the heartbeat itself — its server starts another. The
database may be away for a while: progress is best effort, the final write is retried, and a
job whose worker went silent is ended by the lease.
"""

from __future__ import annotations

import io
import json
import logging
import os
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from assign.assignment.output import clean_json
from assign.assignment.problem import PinError
from assign.assignment.result import Status
from assign.assignment.solve import ComponentCache
from assign.assignment.stages import Stopped, stopping_on
from assign.pipeline import SCHEDULE_DIR, StageError
from assign.pipeline.whatif import ScenarioRun, run_scenario_plan
from assign.pool.memory import MemoryLimitError
from assign.scenario import Scenario, ScenarioError
from assign.schedule.solver import year_progress
from assign.service.errors import ApiError
from assign.service.jobs.queue import beat, finish
from assign.service.regions import current_of, region_of
from assign.service.store.models import (
    ApprovalRecord,
    JobRecord,
    RegionRecord,
    ResultRecord,
    ScenarioRecord,
)
from assign.validation import translate_errors

log = logging.getLogger("assign.service.jobs")

STAGES_RU = {"assignment": "закрепление", "schedule": "план года", "documents": "документы"}
FEASIBLE = (Status.OPTIMAL.value, Status.FEASIBLE.value)
_components: ComponentCache = {}  # proven component plans, by fingerprint (exact reuse)
CACHED_COMPONENTS = 2_000
FINAL_WRITE_SECONDS = 120  # how long the final write waits for a database that is away


class Cancelled(Exception):
    pass


def current_plan(session: Session, region_id: int) -> tuple[int | None, dict[str, str] | None]:
    """The region's current plan: the result approved last (its id and assignment)."""
    row = session.execute(
        select(ResultRecord.id, ResultRecord.assignment)
        .join(ApprovalRecord, ApprovalRecord.result_id == ResultRecord.id)
        .where(ApprovalRecord.region_id == region_id)
        .order_by(ApprovalRecord.id.desc())
        .limit(1)
    ).first()
    return (row[0], dict(row[1])) if row else (None, None)


class Heartbeat:
    """The lease of one job, renewed from a thread; `cancelled` is set when a cancel came.
    With `hard_stop`, a cancel the stages have not honoured within `grace` seconds ends
    the process (the job is marked cancelled first)."""

    def __init__(
        self,
        engine: Engine,
        job_id: int,
        worker: str,
        every: float,
        hard_stop: bool,
        grace: float = 2.0,
    ) -> None:
        self.engine, self.job_id, self.worker, self.every = engine, job_id, worker, every
        self.hard_stop, self.grace = hard_stop, grace
        self.cancelled = threading.Event()
        self.stopped = threading.Event()
        self.values: dict[str, Any] = {}  # not yet written
        self.latest: dict[str, Any] = {}  # the last of each, written with the job's end
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"beat-{job_id}")

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        self.thread.join(timeout=self.every * 5)

    def report(self, **values: Any) -> None:
        with self.lock:
            self.values.update(values)
            self.latest.update(values)

    def _run(self) -> None:
        cancel_seen: float | None = None
        while not self.stopped.wait(self.every):
            with self.lock:
                values, self.values = self.values, {}
            try:
                status = beat(self.engine, self.job_id, self.worker, **values)
            except SQLAlchemyError as exc:  # the database is away: the job goes on
                log.warning("heartbeat of job %s failed: %s", self.job_id, exc)
                with self.lock:
                    self.values = {**values, **self.values}
                continue
            if status == "cancelling":
                self.cancelled.set()
                cancel_seen = cancel_seen or time.monotonic()
                if self.hard_stop and time.monotonic() - cancel_seen >= self.grace:
                    finish(self.engine, self.job_id, self.worker, "cancelled")
                    os._exit(0)  # the supervisor starts a fresh worker
            elif status != "running":
                self.cancelled.set()  # ended by someone else (a lease reaper): stop working


def execute(
    engine: Engine,
    job_id: int,
    worker: str,
    heartbeat_seconds: float = 1.0,
    hard_stop: bool = False,
) -> str | None:
    """Run a job this worker has claimed; every outcome is written to its row."""
    with Heartbeat(engine, job_id, worker, heartbeat_seconds, hard_stop) as heart:
        try:
            result = _run(engine, job_id, heart)
        except (Cancelled, Stopped):
            return finish(engine, job_id, worker, "cancelled")
        except Exception as exc:  # a job must end with a status, whatever happened
            if heart.cancelled.is_set():  # a stage the cancel interrupted, ending in its error
                return finish(engine, job_id, worker, "cancelled")
            return _final(engine, job_id, worker, "failed", _failure(job_id, exc))
        return _final(engine, job_id, worker, "done", None, result, **heart.latest)


def _failure(job_id: int, exc: Exception) -> str:
    """Why a job failed, in Russian: the error's own message where it has one for people."""
    if isinstance(exc, MemoryError):
        _components.clear()
        return "не хватило памяти на этот сценарий"
    if isinstance(exc, ApiError):
        return exc.message
    if isinstance(exc, (ScenarioError, StageError, PinError, MemoryLimitError)):
        return str(exc)
    if isinstance(exc, ValidationError):
        reasons = "; ".join(
            f"{e['field']}: {e['message']}" for e in translate_errors(list(exc.errors()))
        )
        return f"сценарий неверен: {reasons}"
    log.error("job %s failed", job_id, exc_info=exc)
    return f"внутренняя ошибка: {type(exc).__name__}"


def _final(
    engine: Engine,
    job_id: int,
    worker: str,
    status: str,
    error: str | None,
    result: ResultRecord | None = None,
    **values: Any,
) -> str | None:
    """`finish`, retried while the database is away (up to FINAL_WRITE_SECONDS)."""
    deadline = time.monotonic() + FINAL_WRITE_SECONDS
    while True:
        try:
            return finish(engine, job_id, worker, status, error, result, **values)
        except OperationalError:
            if time.monotonic() > deadline:
                log.error("job %s: the database stayed away, the lease will end it", job_id)
                return None
            time.sleep(1.0)


def _run(engine: Engine, job_id: int, heart: Heartbeat) -> ResultRecord:
    with Session(engine) as session:
        job = session.get(JobRecord, job_id)
        assert job is not None
        scenario_record = session.get(ScenarioRecord, job.scenario_id) if job.scenario_id else None
        if scenario_record is None:
            raise ScenarioError("сценарий удалён до запуска задания")
        region_id = job.region_id
        base_id, current = current_plan(session, region_id)
        name, spec = scenario_record.name, dict(scenario_record.spec)

    def upload() -> bytes:
        with Session(engine) as session:
            source = session.scalar(select(RegionRecord.source).where(RegionRecord.id == region_id))
        if source is None:
            raise ScenarioError("регион удалён до запуска задания")
        return source

    base, settings = region_of(region_id, upload)
    # one process per job: a worker's year plan runs its chunks in turn, not in a pool
    year = settings.year_plan.model_copy(update={"workers": 1})
    settings = settings.model_copy(update={"year_plan": year})
    base = current_of(region_id, base, base_id, current)
    scenario = Scenario.model_validate({"name": name, **spec})
    state: dict[str, Any] = {}

    def check() -> None:
        if heart.cancelled.is_set():
            raise Cancelled

    def on_stage(stage: str) -> None:
        check()
        state.update(stage=STAGES_RU.get(stage, stage))
        if stage == SCHEDULE_DIR:  # from now on the count is of methodists (`on_methodist`)
            state.update(done=0, total=0, current="", counted="методистов спланировано")
        heart.report(stage=stage, progress=dict(state))

    def on_methodist(done: int, total: int) -> None:
        check()
        state.update(done=done, total=total)
        heart.report(progress=dict(state))

    def on_component(done: int, total: int, current_name: str) -> None:
        check()
        state.update(done=done, total=total, current=current_name)
        heart.report(progress=dict(state))

    def on_totals(objective: float, bound: float) -> None:
        state.update(objective=round(objective, 4), bound=round(bound, 4))

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        # this thread's solvers stop once a cancel comes; the year plan counts its methodists
        with stopping_on(heart.cancelled), year_progress(on_methodist):
            run = run_scenario_plan(
                base,
                out,
                scenario,
                settings,
                out,
                documents=False,
                on_stage=on_stage,
                on_component=on_component,
                cache=_components,
                on_totals=on_totals,
            )
        check()
        if len(_components) > CACHED_COMPONENTS:
            _components.clear()
        heart.report(progress=dict(state))
        return _result(run, job_id, region_id, name, spec, base_id, current, out)


def _result(
    run: ScenarioRun,
    job_id: int,
    region_id: int,
    name: str,
    spec: dict[str, Any],
    base_id: int | None,
    current: dict[str, str] | None,
    out: Path,
) -> ResultRecord:
    outcome = run.outcome
    kpi: dict[str, Any] = {
        "status": outcome.status.value,
        **(outcome.result.summary() if outcome.result else {}),
        **outcome.kpi,
        "base_plan": base_id,
    }
    if outcome.pool is not None:
        kpi["pool"] = [
            {
                "subjects": list(p.subjects),
                "size": p.pool_size,
                "recruited": p.recruited,
                "released": p.released,
                "status": p.status.value,
            }
            for p in outcome.pool.pools
        ]
    rows = schedule_rows(run) if run.schedule is not None else None
    if rows is not None:
        kpi["schedule"] = {
            "events_planned": len({r["event_id"] for r in rows if r["start"]}),
            "rows": sum(1 for r in rows if r["start"]),
            "unplanned": sum(1 for r in rows if not r["start"]),
        }
    return ResultRecord(
        job_id=job_id,
        region_id=region_id,
        scenario_name=name,
        spec=spec,
        kpi=clean_json(kpi),
        assignment=outcome.assignment,
        feasible=outcome.status.value in FEASIBLE and bool(outcome.assignment),
        schedule=rows,
        plan_files=pack_plan(out, current),
    )


CURRENT_FILE = "current.json"


def pack_plan(out: Path, current: dict[str, str] | None) -> bytes:
    """The plan's saved files (and the approved plan it started from) as one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in sorted(out.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(out).as_posix())
        if current is not None:
            archive.writestr(CURRENT_FILE, json.dumps(current, ensure_ascii=False))
    return buffer.getvalue()


def schedule_rows(run: ScenarioRun) -> list[dict[str, Any]]:
    """The year plan's rows for the API: planned events, then the unplanned with reasons."""
    result = run.schedule
    assert result is not None
    rows: list[dict[str, Any]] = [
        {
            "event_id": p.instance.event_id,
            "type": p.instance.spec_type.value,
            "methodist_id": p.instance.planned.methodist_id,
            "teacher_ids": list(p.teacher_ids),
            "start": p.start.isoformat(timespec="minutes"),
            "end": p.end.isoformat(timespec="minutes"),
            "format": p.instance.used_format,
            "format_reason": p.instance.format_reason,
            "municipality_id": p.instance.municipality_id,
            "school_id": p.school_id,
        }
        for p in sorted(result.placed, key=lambda p: (p.start, p.instance.event_id))
    ]
    rows += [
        {"event_id": e.event_id, "type": e.spec_type.value, "start": None, "reason": reason}
        for e, reason in result.unplaced
    ]
    return rows
