"""Jobs: a scenario run queued for the workers, watched, cancelled."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from assign.service import access
from assign.service.deps import Planner, Principal, SessionDep, Viewer, engine_of
from assign.service.errors import ApiError, not_found
from assign.service.jobs.queue import FINAL, STATUS_RU, request_cancel
from assign.service.routers.common import errors
from assign.service.schemas import MAX_ID, IdPath, JobOut
from assign.service.store import token_live
from assign.service.store.models import JobRecord

router = APIRouter(tags=["jobs"])

WAIT_MAX = 30.0  # a long poll's bound, under the idle timeouts of common proxies
WAIT_FAST = 2.0  # seconds of polling every WAIT_STEP before the pauses grow
WAIT_STEP = 0.025
LONG_POLLS = 32  # long polls one organisation holds at once; past them a poll pauses


_held: Counter[int] = Counter()
"""Long polls this server holds, by organisation: past LONG_POLLS a poll pauses a second
without reading and answers, so clients that wait cannot pile up the database reads of their
polls, nor one organisation take every slot (a poll holds no connection while it waits, and
lets its slot go when its client goes)."""


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
    engine = engine_of(request)  # no request session: a long poll holds none while it waits
    job = await run_in_threadpool(_first_read, engine, who, job_id)
    if job.status in FINAL or not wait:
        return job
    if _held[who.org_id] >= LONG_POLLS:  # a pause without reads, then the job as it is
        await asyncio.sleep(min(wait, 1.0))
        return await run_in_threadpool(_reread, engine, job_id, who)
    _held[who.org_id] += 1
    try:
        start = time.monotonic()
        while job.status not in FINAL and (left := start + wait - time.monotonic()) > 0:
            elapsed = time.monotonic() - start
            pause = WAIT_STEP if elapsed < WAIT_FAST else min(0.5, elapsed / 20)
            await asyncio.sleep(min(pause, left))
            if await request.is_disconnected():
                break  # no one to answer: the slot goes now, not at the end of the wait
            job = await run_in_threadpool(_reread, engine, job_id)
    finally:
        _held[who.org_id] -= 1
    # the caller's token may have been revoked while they waited
    return await run_in_threadpool(_reread, engine, job_id, who)


def _first_read(engine: Engine, who: Principal, job_id: int) -> JobOut:
    with Session(engine) as session:
        return job_out(access.job(session, who, job_id))


def _reread(engine: Engine, job_id: int, who: Principal | None = None) -> JobOut:
    """The job's row as committed now, in a session of its own for this one read; with
    `who`, only while their token still holds (a long poll's answer)."""
    with Session(engine) as session:
        if who is not None and token_live(session, who.token_id) is None:
            raise ApiError(401, "auth_invalid", "Токен не найден, отозван или истёк")
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
