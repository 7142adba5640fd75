"""The job table as a queue with leases: every state change is one conditional UPDATE, so
two servers on one database, a late `done` and a cancel can never overwrite each other.

queued → running (a worker claims it) → done | failed | cancelled;
running → cancelling (a cancel) → cancelled. A running or cancelling job whose worker gave no
sign of life for a lease is orphaned: it ends failed (or cancelled) with the reason.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, false, or_, select, update
from sqlalchemy.orm import Session

from assign.service.store.models import JobRecord, ResultRecord, now

ACTIVE = ("queued", "running", "cancelling")
FINAL = ("done", "failed", "cancelled")
STATUS_RU = {
    "queued": "в очереди",
    "running": "выполняется",
    "cancelling": "отменяется",
    "done": "выполнено",
    "failed": "завершилось ошибкой",
    "cancelled": "отменено",
}
"""A job's status as a Russian message says it («задание … выполняется»)."""
HOST = socket.gethostname()

WORKER_LOST = "обработчик задания перестал отвечать (сбой процесса или связи с базой)"
WORKER_CRASHED = "обработчик задания аварийно завершился (код {code}): запустите сценарий снова"
SERVER_STOPPED = "прервано остановкой сервера: запустите сценарий снова"
SERVER_RESTARTED = "прервано перезапуском сервера: запустите сценарий снова"


def worker_name(pid: int | None = None) -> str:
    return f"{HOST}:{pid or os.getpid()}"


def claim(engine: Engine, worker: str, job_id: int | None = None) -> int | None:
    """Take the oldest queued job (or `job_id`): running, held by `worker`."""
    with Session(engine) as session:
        query = select(JobRecord.id).where(JobRecord.status == "queued")
        if job_id is not None:
            query = query.where(JobRecord.id == job_id)
        for candidate in session.scalars(query.order_by(JobRecord.id).limit(8)).all():
            moment = now()
            taken = session.execute(
                update(JobRecord)
                .where(JobRecord.id == candidate, JobRecord.status == "queued")
                .values(
                    status="running",
                    worker=worker,
                    heartbeat_at=moment,
                    started_at=moment,
                    attempts=JobRecord.attempts + 1,
                )
            )
            session.commit()
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                return candidate
    return None


def beat(engine: Engine, job_id: int, worker: str, **values: Any) -> str | None:
    """A sign of life (with progress or stage, if given); the job's status now."""
    with Session(engine) as session:
        session.execute(
            update(JobRecord)
            .where(
                JobRecord.id == job_id,
                JobRecord.worker == worker,
                JobRecord.status.in_(("running", "cancelling")),
            )
            .values(heartbeat_at=now(), **values)
        )
        status = session.scalar(select(JobRecord.status).where(JobRecord.id == job_id))
        session.commit()
        return status


def finish(
    engine: Engine,
    job_id: int,
    worker: str,
    status: str,
    error: str | None = None,
    result: ResultRecord | None = None,
    **values: Any,
) -> str | None:
    """End the job as `status` (with its result and last `values`, such as progress, in the
    same transaction) if this worker still holds it running; a cancel that came first wins.
    Returns the status it ended in."""
    with Session(engine) as session:
        ended = session.execute(
            update(JobRecord)
            .where(
                JobRecord.id == job_id,
                JobRecord.worker == worker,
                JobRecord.status == "running",
            )
            .values(status=status, error=error, finished_at=now(), heartbeat_at=now(), **values)
        )
        if ended.rowcount == 1:  # type: ignore[attr-defined]
            if result is not None and status == "done":
                session.add(result)
            session.commit()
            return status
        session.rollback()
        cancelled = session.execute(
            update(JobRecord)
            .where(JobRecord.id == job_id, JobRecord.status == "cancelling")
            .values(status="cancelled", finished_at=now())
        )
        session.commit()
        if cancelled.rowcount == 1:  # type: ignore[attr-defined]
            return "cancelled"
        return session.scalar(select(JobRecord.status).where(JobRecord.id == job_id))


def request_cancel(engine: Engine, job_id: int) -> str | None:
    """Queued: cancelled at once. Running: cancelling, its worker stops it within a beat."""
    with Session(engine) as session:
        session.execute(
            update(JobRecord)
            .where(JobRecord.id == job_id, JobRecord.status == "queued")
            .values(status="cancelled", finished_at=now())
        )
        session.execute(
            update(JobRecord)
            .where(JobRecord.id == job_id, JobRecord.status == "running")
            .values(status="cancelling")
        )
        session.commit()
        return session.scalar(select(JobRecord.status).where(JobRecord.id == job_id))


def _orphaned(lease: float, dead: tuple[str, ...] = ()) -> Any:
    cutoff = now() - timedelta(seconds=lease)
    return or_(
        JobRecord.worker.is_(None),
        JobRecord.heartbeat_at.is_(None),
        JobRecord.heartbeat_at < cutoff,
        JobRecord.worker.in_(dead) if dead else false(),
    )


def requeue_orphans(engine: Engine, lease: float, max_attempts: int) -> list[int]:
    """On a task queue: running jobs whose worker went silent for `lease` seconds go back to
    the queue while they have runs left (another worker takes them); the rest end as
    `end_orphans` ends them. Returns the jobs queued again, to be sent to the broker."""
    with Session(engine) as session:
        found = session.scalars(
            select(JobRecord.id).where(
                JobRecord.status == "running",
                _orphaned(lease),
                JobRecord.attempts < max_attempts,
            )
        ).all()
        again = []
        for job_id in found:
            moved = session.execute(
                update(JobRecord)
                .where(JobRecord.id == job_id, JobRecord.status == "running", _orphaned(lease))
                .values(status="queued", worker=None, heartbeat_at=None, queued_at=now())
            )
            if moved.rowcount == 1:  # type: ignore[attr-defined]
                again.append(job_id)
        session.commit()
    end_orphans(engine, lease)
    return again


def unsent(engine: Engine, older: float) -> list[int]:
    """Queued jobs last put on the queue more than `older` seconds ago, marked as sent now:
    their message may be lost (a broker restarted without its data)."""
    cutoff = now() - timedelta(seconds=older)
    with Session(engine) as session:
        stale = or_(JobRecord.queued_at.is_(None), JobRecord.queued_at < cutoff)
        found = list(
            session.scalars(
                select(JobRecord.id).where(JobRecord.status == "queued", stale).limit(1000)
            ).all()
        )
        if found:
            session.execute(
                update(JobRecord).where(JobRecord.id.in_(found)).values(queued_at=now())
            )
        session.commit()
        return found


def end_orphans(
    engine: Engine,
    lease: float,
    dead: tuple[str, ...] = (),
    reason: str = WORKER_LOST,
) -> int:
    """End running jobs whose worker is in `dead` or silent for `lease` seconds (or that
    have no worker at all): failed with `reason`; cancelling ones become cancelled."""
    orphaned = _orphaned(lease, dead)
    with Session(engine) as session:
        failed = session.execute(
            update(JobRecord)
            .where(JobRecord.status == "running", orphaned)
            .values(status="failed", error=reason, finished_at=now())
        )
        cancelled = session.execute(
            update(JobRecord)
            .where(JobRecord.status == "cancelling", orphaned)
            .values(status="cancelled", finished_at=now())
        )
        session.commit()
        return failed.rowcount + cancelled.rowcount  # type: ignore[attr-defined]


def local_dead_workers(engine: Engine) -> tuple[str, ...]:
    """Workers of this machine that hold jobs but whose process is gone (a killed server)."""
    with Session(engine) as session:
        holders = session.scalars(
            select(JobRecord.worker).where(
                JobRecord.status.in_(("running", "cancelling")),
                JobRecord.worker.like(f"{HOST}:%"),
            )
        ).all()
    dead = []
    for name in set(holders):
        assert name is not None
        pid = int(name.rsplit(":", 1)[1])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            dead.append(name)
        except PermissionError:
            pass  # alive, someone else's
    return tuple(dead)
