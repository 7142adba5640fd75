"""Running scenarios as jobs, behind one small interface so a task queue (e.g. on Redis) can
take the place of the worker processes without touching the API.

A job runs in a worker process: it reads its scenario and region from the database, solves,
writes progress as it goes (subject groups done, the solver's objective and bound) and stores
the result. Cancelling is cooperative: the job checks its status between subject groups.
Jobs left queued or running by a stopped server are marked failed when the server starts.
"""

from __future__ import annotations

import tempfile
import traceback
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session

from api.uploads import unpack_region
from assign.assignment.output import clean_json
from assign.assignment.solve import ComponentCache
from assign.domain import AssignmentPair, Region
from assign.events.calendar import load_calendar
from assign.events.catalogue import load_catalogue
from assign.io import load_region
from assign.scenario import (
    Scenario,
    ScenarioError,
    ScenarioOutcome,
    plan_scenario_year,
    run_scenario,
)
from assign.schedule import ScheduleSettings
from assign.store.models import JobRecord, RegionRecord, ResultRecord, ScenarioRecord, now

ACTIVE = ("queued", "running")


class JobRunner(Protocol):
    def submit(self, job_id: int) -> None: ...

    def shutdown(self) -> None: ...


class Cancelled(Exception):
    pass


CACHED_REGIONS = 4
_regions: OrderedDict[tuple[int, int, int], Region] = OrderedDict()
_components: ComponentCache = {}  # proven component plans, by fingerprint (exact reuse)
CACHED_COMPONENTS = 2_000


def region_of(record: RegionRecord, approved: dict[str, str] | None = None) -> Region:
    """The stored upload read by the same loader as on the command line; the last approved
    plan, if any, becomes the current assignment. A worker keeps the last few regions it read,
    so a what-if run on the same region skips reading and validating it again."""
    key = (record.id, hash(record.source), hash(frozenset(approved.items())) if approved else 0)
    if key in _regions:
        _regions.move_to_end(key)
        return _regions[key]
    region = _read_region(record, approved)
    _regions[key] = region
    if len(_regions) > CACHED_REGIONS:
        _regions.popitem(last=False)
    return region


def _read_region(record: RegionRecord, approved: dict[str, str] | None) -> Region:
    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_region(unpack_region(record.source, Path(tmp)))
    assert loaded.region is not None  # it was validated on upload
    region = loaded.region
    if approved:
        pairs = tuple(
            AssignmentPair(teacher_id=t, methodist_id=m)
            for t, m in approved.items()
            if t in region.teacher_by_id and m in region.methodist_by_id
        )
        region = region.changed(current_assignment=pairs)
    return region


def approved_assignment(session: Session, region_id: int) -> dict[str, str] | None:
    """The region's current plan: the result approved last."""
    record = session.scalar(
        select(ResultRecord)
        .join(JobRecord)
        .join(ScenarioRecord)
        .where(ScenarioRecord.region_id == region_id, ResultRecord.approved_at.is_not(None))
        .order_by(ResultRecord.approved_at.desc(), ResultRecord.id.desc())
    )
    return dict(record.assignment) if record else None


def execute(database_url: str, job_id: int) -> None:
    """Run one job to its end; every outcome is written to the job's row."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            job = session.get(JobRecord, job_id)
            if job is None or job.status != "queued":
                return
            job.status, job.started_at = "running", now()
            session.commit()
            scenario_record = session.get(ScenarioRecord, job.scenario_id)
            assert scenario_record is not None
            region_record = session.get(RegionRecord, scenario_record.region_id)
            assert region_record is not None
            region = region_of(region_record, approved_assignment(session, region_record.id))
            spec = {"name": scenario_record.name, **scenario_record.spec}

        state: dict[str, Any] = {}

        def progress(done: int, total: int, name: str) -> None:
            state.update(done=done, total=total, current=name)
            with Session(engine) as s:
                status = s.scalar(select(JobRecord.status).where(JobRecord.id == job_id))
                if status == "cancelling":
                    raise Cancelled
                s.execute(update(JobRecord).where(JobRecord.id == job_id).values(progress=state))
                s.commit()

        def totals(objective: float, bound: float) -> None:
            state.update(objective=round(objective, 4), bound=round(bound, 4))

        try:
            scenario = Scenario.model_validate(spec)
            outcome = run_scenario(region, scenario, progress, _components, totals)
        except Cancelled:
            _finish(engine, job_id, "cancelled", None)
            return
        except (ScenarioError, ValueError) as exc:
            _finish(engine, job_id, "failed", str(exc))
            return
        if len(_components) > CACHED_COMPONENTS:
            _components.clear()
        rows = _year_plan(region, outcome, scenario) if scenario.plan_year else None
        with Session(engine) as session:
            result = outcome.result
            kpi: dict[str, Any] = {
                "status": outcome.status.value,
                **(result.summary() if result else {}),
                **outcome.kpi,
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
            if rows is not None:
                kpi["schedule"] = {
                    "events_planned": len({r["event_id"] for r in rows if r["start"]}),
                    "rows": sum(1 for r in rows if r["start"]),
                    "unplanned": sum(1 for r in rows if not r["start"]),
                }
            session.add(
                ResultRecord(
                    job_id=job_id,
                    kpi=clean_json(kpi),
                    assignment=outcome.assignment,
                    schedule=rows,
                )
            )
            session.commit()
        _finish(engine, job_id, "done", None)
    except Exception:  # a job must end with a status, whatever happened
        _finish(engine, job_id, "failed", traceback.format_exc(limit=3))
    finally:
        engine.dispose()


def _year_plan(
    region: Region, outcome: ScenarioOutcome, scenario: Scenario
) -> list[dict[str, Any]]:
    """The year plan's rows for the result: planned events, then the unplanned with reasons
    (the scenario's effective date kept, as the CLI keeps it)."""
    result = plan_scenario_year(
        region,
        scenario,
        outcome,
        load_catalogue(),
        load_calendar(),
        ScheduleSettings(time_limit=scenario.plan_seconds, workers=1),
    )
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


def _finish(engine: Any, job_id: int, status: str, error: str | None) -> None:
    with Session(engine) as session:
        session.execute(
            update(JobRecord)
            .where(JobRecord.id == job_id)
            .values(status=status, error=error, finished_at=now())
        )
        session.commit()


class ProcessJobRunner:
    """Jobs in worker processes of the server (the default)."""

    def __init__(self, database_url: str, workers: int = 2) -> None:
        self.database_url = database_url
        self.pool = ProcessPoolExecutor(workers)
        self.running: dict[int, Future[None]] = {}

    def submit(self, job_id: int) -> None:
        self.running[job_id] = self.pool.submit(execute, self.database_url, job_id)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def fail_interrupted(session: Session) -> int:
    """Jobs a stopped server left queued or running: marked failed, with the reason."""
    jobs = session.scalars(select(JobRecord).where(JobRecord.status.in_(ACTIVE))).all()
    for job in jobs:
        job.status, job.error, job.finished_at = (
            "failed",
            "прервано перезапуском сервера: запустите сценарий снова",
            datetime.now(job.created_at.tzinfo),
        )
    session.commit()
    return len(jobs)
