"""Jobs on a distributed task queue: Celery with Redis as its broker (`ASSIGN_QUEUE_URL`).

The database stays the one truth about a job (its status, lease, progress, cancel and
result, `queue`); a message only says «job N is waiting». So a repeated or late message is
harmless — `claim` takes a job once — and nothing is lost when a message is:
- a worker that dies mid-job (kill -9 of `assign worker`, of its machine) leaves the job's
  lease to run out; a reaper (in the API server and in every worker) puts the job back on the
  queue while it has runs left (`max_attempts`) and sends it again, so another worker runs it
  and the result is written once. Messages are acknowledged late and rejected when a worker
  process is lost, so Celery redelivers them too;
- a broker restarted without its data: queued jobs are sent again after `resend_seconds`;
- a cancel and progress go through the database, so they reach a job on any machine.

Why Celery rather than RQ: its prefork pool replaces a worker process that died (a cancel
that the solver does not honour in time ends the process, as the server's own workers do),
late acknowledgement and redelivery of a lost worker's messages are settings, not code, and
it is the queue the Python services we learn from run on.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from celery import Celery
from celery.signals import worker_process_init
from sqlalchemy import Engine

from assign.pipeline.batch import plan_region
from assign.service.config import ServiceSettings
from assign.service.jobs.execute import execute
from assign.service.jobs.queue import HOST, claim, requeue_orphans, unsent, worker_name
from assign.service.jobs.workers import settle_worker_process
from assign.service.store import make_engine

log = logging.getLogger("assign.service.distributed")
TASK = "assign.run_job"
PLAN_TASK = "assign.plan_region"  # a region of `assign batch`
QUEUE = "assign"
REAP_EVERY = 2.0


def celery_app(settings: ServiceSettings) -> Celery:
    """The Celery app of this service's settings and its two tasks: run job N (the API's),
    plan a region folder (`assign batch`'s, whose outcome comes back through Redis)."""
    app = Celery(
        "assign", broker=settings.queue_url, backend=settings.queue_url, set_as_current=False
    )
    app.conf.update(
        task_acks_late=True,  # a message is done when its job is, not when it is taken
        task_reject_on_worker_lost=True,  # a lost worker process: the message goes back
        worker_prefetch_multiplier=1,  # a busy worker holds no other job's message
        task_default_queue=QUEUE,
        task_ignore_result=True,  # a job's result lives in the database
        broker_transport_options={"visibility_timeout": settings.visibility_seconds},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )

    @app.task(name=TASK)
    def run_job(job_id: int) -> None:
        engine = _engine(settings)
        name = worker_name()
        if claim(engine, name, job_id) is None:
            return  # a repeated message: the job is another worker's, or over
        execute(engine, job_id, name, settings.heartbeat_seconds, hard_stop=True)

    @app.task(name=PLAN_TASK, ignore_result=False)
    def plan_region_task(folder: str, out: str) -> dict[str, Any]:
        return plan_region(folder, out, one_process=True)  # back through the result backend

    return app


_engines: dict[str, Engine] = {}


def _engine(settings: ServiceSettings) -> Engine:
    """One engine per process (a worker process runs many jobs)."""
    if settings.database_url not in _engines:
        _engines[settings.database_url] = make_engine(settings.database_url)
    return _engines[settings.database_url]


class Reaper:
    """Every REAP_EVERY seconds: orphaned jobs back on the queue and sent again, jobs
    queued too long sent again. Every API server and worker runs one; the database's
    conditional updates keep them from doing anything twice."""

    def __init__(self, settings: ServiceSettings, engine: Engine, app: Celery) -> None:
        self.settings, self.engine, self.app = settings, engine, app
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="reaper")

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        while not self.stopping.wait(REAP_EVERY):
            try:
                settings = self.settings
                again = requeue_orphans(self.engine, settings.lease_seconds, settings.max_attempts)
                again += unsent(self.engine, settings.resend_seconds)
            except Exception as exc:  # the database is away: the next round tries again
                log.warning("reaper: %s", exc)
                continue
            for job_id in again:
                send(self.app, job_id)


def send(app: Celery, job_id: int) -> bool:
    """Put job `job_id` on the broker; False when the broker is away (the job stays queued
    in the database and the reaper sends it again)."""
    try:
        app.send_task(TASK, args=[job_id], queue=QUEUE, retry=False)
        return True
    except Exception as exc:
        log.warning("job %s not sent to the queue: %s", job_id, exc)
        return False


class QueueBatchRunner:
    """`assign batch` on the queue: each region a task; outcomes as workers finish them (the
    workers must see the regions' folders and the output folder at the same paths)."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.app = celery_app(settings)

    def run(self, tasks: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
        pending = [self.app.send_task(PLAN_TASK, args=list(t), queue=QUEUE) for t in tasks]
        while pending:
            for result in [r for r in pending if r.ready()]:
                pending.remove(result)
                yield result.get(propagate=True)
            time.sleep(0.2)


class QueueRunner:
    """The API server's side: jobs sent to the queue, a reaper, workers counted by a ping."""

    def __init__(self, settings: ServiceSettings, engine: Engine) -> None:
        self.settings, self.engine = settings, engine
        self.app = celery_app(settings)
        self.reaper = Reaper(settings, engine, self.app)

    def start(self) -> None:
        self.reaper.start()

    def shutdown(self) -> None:
        self.reaper.stop()

    def submit(self, job_id: int) -> None:
        send(self.app, job_id)

    def health(self) -> dict[str, Any]:
        """Workers that answer a ping within half a second; at least one is expected."""
        try:
            replies = self.app.control.ping(timeout=0.5)
        except Exception:
            return {"alive": 0, "expected": 1, "restarts": 0, "queue": "недоступна"}
        return {"alive": len(replies), "expected": 1, "restarts": 0, "queue": "ok"}


def run_worker(settings: ServiceSettings, concurrency: int) -> None:
    """`assign worker`: a Celery worker of `concurrency` processes, each settled as the
    server's own workers are (`settle_worker_process`)."""

    @worker_process_init.connect
    def _child(**_: Any) -> None:
        settle_worker_process(settings)
        _engines.clear()  # an engine made before the fork is not this process's

    app = celery_app(settings)
    reaper = Reaper(settings, _engine(settings), app)
    reaper.start()
    try:
        app.worker_main(
            [
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                f"--queues={QUEUE}",
                f"--hostname=assign-{os.getpid()}@{HOST}",
            ]
        )
    finally:
        reaper.stop()
