"""Jobs: a scenario run queued for the workers, watched, cancelled."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from assign.service import access
from assign.service.deps import Planner, Principal, SessionDep, Viewer, engine_of
from assign.service.errors import ApiError, not_found
from assign.service.jobs.queue import FINAL, request_cancel
from assign.service.routers.common import errors
from assign.service.schemas import MAX_ID, IdPath, JobOut
from assign.service.store.models import JobRecord

router = APIRouter(tags=["jobs"])

WAIT_MAX = 30.0  # a long poll's bound, under the idle timeouts of common proxies
WAIT_FAST = 2.0  # seconds of polling every WAIT_STEP before the pauses grow
WAIT_STEP = 0.025
LONG_POLLS = 64  # long polls held at once; past them a poll pauses without reads


class _Held:
    """Long polls this server holds: past LONG_POLLS a poll pauses a second without reading
    and answers, so clients that wait cannot pile up the database reads of their polls (a
    long poll holds no database connection while it waits)."""

    count = 0


STATUS_RU = {"done": "выполнено", "failed": "завершилось ошибкой", "cancelled": "отменено"}


def job_out(job: JobRecord) -> JobOut:
    return JobOut(
        id=job.id,
        scenario_id=job.scenario_id,
        region_id=job.region_id,
        status=job.status,
        stage=job.stage,
        progress=job.progress,
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@router.post("/scenarios/{scenario_id}/jobs", status_code=202, responses=errors(404))
def run_job(scenario_id: IdPath, who: Planner, db: SessionDep, request: Request) -> JobOut:
    """Запустить сценарий: задание ставится в очередь, ответ — сразу."""
    scenario = access.scenario(db, who, scenario_id)
    job = JobRecord(scenario_id=scenario.id, region_id=scenario.region_id, progress={})
    db.add(job)
    db.commit()
    request.app.state.runner.submit(job.id)
    return job_out(job)


@router.get("/jobs", responses=errors())
def list_jobs(
    who: Viewer,
    db: SessionDep,
    region_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[JobOut]:
    """Задания организации, новые первыми."""
    query = access.in_org(JobRecord, who)
    if region_id is not None:
        query = query.where(JobRecord.region_id == region_id)
    return [job_out(j) for j in db.scalars(query.order_by(JobRecord.id.desc()).limit(limit))]


@router.get("/jobs/{job_id}", responses=errors(404))
async def read_job(
    job_id: IdPath,
    who: Viewer,
    db: SessionDep,
    request: Request,
    wait: Annotated[
        float,
        Query(
            ge=0,
            le=WAIT_MAX,
            allow_inf_nan=False,
            description="Ждать завершения задания до стольких секунд (0 — ответить сразу)",
        ),
    ] = 0,
) -> JobOut:
    """Задание; с `wait` ответ приходит, как только задание завершится (или через `wait`
    секунд), — один запрос вместо опроса."""
    job = await run_in_threadpool(_first_read, db, who, job_id)
    if job.status in FINAL or not wait:
        return job
    engine = engine_of(request)
    if _Held.count >= LONG_POLLS:  # a pause without reads, then the job as it is
        await asyncio.sleep(min(wait, 1.0))
        return await run_in_threadpool(_reread, engine, job_id)
    _Held.count += 1
    try:
        start = time.monotonic()
        while job.status not in FINAL and (left := start + wait - time.monotonic()) > 0:
            elapsed = time.monotonic() - start
            pause = WAIT_STEP if elapsed < WAIT_FAST else min(0.5, elapsed / 20)
            await asyncio.sleep(min(pause, left))
            job = await run_in_threadpool(_reread, engine, job_id)
    finally:
        _Held.count -= 1
    return job


def _first_read(db: Session, who: Principal, job_id: int) -> JobOut:
    """The caller's job, read; the request's session then lets its connection go (a long
    poll must hold none while it waits)."""
    found = job_out(access.job(db, who, job_id))
    db.close()
    return found


def _reread(engine: Engine, job_id: int) -> JobOut:
    """The job's row as committed now, in a session of its own for this one read."""
    with Session(engine) as session:
        job = session.get(JobRecord, job_id)
        if job is None:  # deleted meanwhile (its region was deleted)
            raise not_found("job", job_id)
        return job_out(job)


@router.post("/jobs/{job_id}/cancel", status_code=202, responses=errors(404, 409))
def cancel_job(job_id: IdPath, who: Planner, db: SessionDep, request: Request) -> JobOut:
    """Отменить задание на любом этапе: в очереди — сразу, при выполнении — в течение
    пары секунд (задание завершится со статусом cancelled)."""
    job = access.job(db, who, job_id)
    if job.status in FINAL:
        raise ApiError(
            409, "job_finished", f"Задание {job_id} уже {STATUS_RU[job.status]}: отменять нечего"
        )
    request_cancel(engine_of(request), job_id)
    db.refresh(job)
    return job_out(job)
