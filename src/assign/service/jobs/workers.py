"""Worker processes of a server, and their supervisor.

Workers are spawned (they inherit no socket of the server), die with it (the kernel kills
them when it dies, kill -9 included) and claim queued jobs from the database. The supervisor,
a thread of the server, replaces a worker that died, fails the job it held with the reason,
and ends jobs orphaned anywhere (their lease ran out: another server died, the database was
away). With `ASSIGN_QUEUE_URL`, Celery workers on any machine take their place behind the same
`JobRunner` interface (`distributed`).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from multiprocessing.connection import Connection
from typing import Any, Protocol

from sqlalchemy import Engine

from assign.service.config import ServiceSettings
from assign.service.isolated import cap_memory, die_with_parent
from assign.service.jobs.execute import execute
from assign.service.jobs.queue import (
    SERVER_RESTARTED,
    SERVER_STOPPED,
    WORKER_CRASHED,
    claim,
    end_orphans,
    local_dead_workers,
    worker_name,
)
from assign.service.store import make_engine

log = logging.getLogger("assign.service.workers")
_SPAWN = multiprocessing.get_context("spawn")
REAP_EVERY = 5.0
WORKER_NICENESS = 5


class JobRunner(Protocol):
    def start(self) -> None: ...

    def shutdown(self) -> None: ...

    def health(self) -> dict[str, Any]: ...

    def submit(self, job_id: int) -> None:
        """Job `job_id` was queued: have a worker take it now rather than at its next poll."""


def settle_worker_process(settings: ServiceSettings) -> None:
    """What every process that runs jobs does first, here or on a queue's worker: die with
    the process that started it, keep to its memory cap, and let the API's reads come
    before the solves on a small machine."""
    die_with_parent()
    cap_memory(settings.worker_memory_mb)
    os.nice(WORKER_NICENESS)


def worker_main(settings: ServiceSettings, wake: Connection | None = None) -> None:
    """A worker process: claim a queued job, run it, repeat; between polls it sleeps until
    its server queues a job (a byte on `wake`, its own pipe) or `poll_seconds` pass (jobs
    queued elsewhere)."""
    settle_worker_process(settings)
    logging.basicConfig(level=logging.WARNING)
    engine = make_engine(settings.database_url)
    name = worker_name()
    while True:
        if wake is not None and not _drained(wake):
            wake = None  # the server closed its end: polling alone finds jobs
        try:
            job_id = claim(engine, name)
        except Exception as exc:  # the database is away: wait for it
            log.warning("worker %s cannot claim: %s", name, exc)
            time.sleep(settings.poll_seconds * 10)
            continue
        if job_id is None:
            if wake is None:
                time.sleep(settings.poll_seconds)
            else:  # a closed pipe answers at once, and the next round finds it closed
                with contextlib.suppress(OSError):
                    wake.poll(settings.poll_seconds)
            continue
        try:
            execute(engine, job_id, name, settings.heartbeat_seconds, hard_stop=True)
        except Exception as exc:  # e.g. its region was deleted meanwhile: the lease ends it
            log.warning("worker %s: job %s: %s", name, job_id, exc)


def _drained(wake: Connection) -> bool:
    """The wake-ups sent so far, read: a job queued from now on wakes the worker again.
    False when the server's end is closed."""
    try:
        while wake.poll(0):
            wake.recv_bytes()
    except (EOFError, OSError):
        return False
    return True


class WorkerPool:
    """`settings.workers` processes, kept at that number while the server runs.

    Each worker has a pipe of its own to be woken by: a worker killed while it waits leaves
    nothing behind. (A shared `multiprocessing.Event` did: its lock counted the dead worker
    as a sleeper, so the next job's wake-up waited for it forever, and the server's request
    with it.)"""

    def __init__(self, settings: ServiceSettings, engine: Engine) -> None:
        self.settings, self.engine = settings, engine
        self.processes: list[Any] = []
        self.stopping = threading.Event()
        self.monitor = threading.Thread(target=self._watch, daemon=True, name="workers")
        self.restarts = 0
        self.wakes: list[Connection] = []  # each worker's pipe, the server's end

    def start(self) -> None:
        dead = local_dead_workers(self.engine)
        end_orphans(self.engine, self.settings.lease_seconds, dead, SERVER_RESTARTED)
        for _ in range(self.settings.workers):
            process, wake = self._spawn()
            self.processes.append(process)
            self.wakes.append(wake)
        self.monitor.start()

    def _spawn(self) -> tuple[Any, Connection]:
        """A worker process and the server's end of its wake-up pipe (never blocking: a
        busy worker's full pipe needs no further wake-up)."""
        reader, writer = _SPAWN.Pipe(duplex=False)
        process = _SPAWN.Process(target=worker_main, args=(self.settings, reader), daemon=True)
        process.start()
        reader.close()  # the worker's end lives in the worker
        os.set_blocking(writer.fileno(), False)
        return process, writer

    def _watch(self) -> None:
        last_reap = 0.0
        while not self.stopping.wait(0.5):
            for n, process in enumerate(self.processes):
                if process.is_alive() or self.stopping.is_set():
                    continue
                name = worker_name(process.pid)
                log.warning("worker %s ended with code %s", name, process.exitcode)
                reason = WORKER_CRASHED.format(code=process.exitcode)
                self._safely(lambda n=name, r=reason: end_orphans(self.engine, 1e9, (n,), r))
                process.join()
                self.wakes[n].close()
                self.processes[n], self.wakes[n] = self._spawn()
                self.restarts += 1
            if time.monotonic() - last_reap > REAP_EVERY:
                self._safely(lambda: end_orphans(self.engine, self.settings.lease_seconds))
                last_reap = time.monotonic()

    def _safely(self, action: Any) -> None:
        try:
            action()
        except Exception as exc:  # the database is away: the next round tries again
            log.warning("supervisor: %s", exc)

    def shutdown(self) -> None:
        self.stopping.set()
        names = tuple(worker_name(p.pid) for p in self.processes)
        for process in self.processes:
            process.kill()
        for process in self.processes:
            process.join(timeout=5)
        self._safely(lambda: end_orphans(self.engine, 1e9, names, SERVER_STOPPED))

    def health(self) -> dict[str, Any]:
        alive = sum(1 for p in self.processes if p.is_alive())
        return {"alive": alive, "expected": self.settings.workers, "restarts": self.restarts}

    def submit(self, job_id: int) -> None:
        for wake in list(self.wakes):
            # a write of a few bytes to a pipe is whole or refused, so a full pipe (a busy
            # worker's) or a closed one (a worker being replaced) is skipped
            with contextlib.suppress(OSError, ValueError):
                wake.send_bytes(b"1")


class NoWorkers:
    """A server that only queues jobs (workers run elsewhere, or a test drives them)."""

    def __init__(self, settings: ServiceSettings, engine: Engine) -> None:
        self.settings, self.engine = settings, engine

    def start(self) -> None:
        end_orphans(self.engine, self.settings.lease_seconds, local_dead_workers(self.engine))

    def shutdown(self) -> None:
        pass

    def health(self) -> dict[str, Any]:
        return {"alive": 0, "expected": 0, "restarts": 0}

    def submit(self, job_id: int) -> None:
        pass


def runner_for(settings: ServiceSettings) -> JobRunner:
    engine = make_engine(settings.database_url)
    if settings.queue_url:
        from assign.service.jobs.distributed import QueueRunner  # Celery only when asked for

        return QueueRunner(settings, engine)
    return WorkerPool(settings, engine) if settings.workers else NoWorkers(settings, engine)
