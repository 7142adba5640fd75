"""Jobs that always end, whatever dies: the server (kill -9, then a restart on the same port
within 10 s), a worker mid-job, the database for a while; a cancel at every stage wins over a
late `done`; a second server on the same database leaves the first one's jobs alone."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from assign.service.config import ServiceSettings
from assign.service.jobs.workers import WorkerPool
from assign.service.store import make_engine, open_database
from assign.service.store.models import JobRecord, now
from conftest import DATA, SAMPLES
from service_support import (
    Server,
    auth,
    database_fixture,
    free_port,
    pg_reachable,
    region_zip,
    run_scenario,
    serve_process,
    tokens,
    upload,
    wait_job,
    wait_row,
    wait_up,
)

database = pytest.fixture(params=["sqlite", "postgresql"])(database_fixture)
SMALL = {"assignment": {"min_load": 0, "max_load": 9}}
# Tambov's year plan with a long budget: a job that is surely mid-stage when it is cancelled
TAMBOV_YEAR = {"plan_year": True, "plan_seconds": 120}


@pytest.fixture(scope="module")
def tambov_zip() -> bytes:
    return region_zip(SAMPLES / "tambov")


def _job_row(url: str, job_id: int) -> JobRecord:
    engine = open_database(url)
    with Session(engine) as session:
        job = session.get(JobRecord, job_id)
        assert job is not None
        session.expunge(job)
    engine.dispose()
    return job


def test_kill_9_of_the_server_then_a_restart_on_the_same_port(
    tmp_path: Path, tambov_zip: bytes
) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    made = tokens(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    first = serve_process(url, port)
    try:
        wait_up(base, process=first)
        with httpx.Client(base_url=base, timeout=60) as client:
            region = upload(client, made["admin"], tambov_zip).json()
            job = run_scenario(client, made["planner"], region["id"], TAMBOV_YEAR)
            running = wait_job(client, job, made["viewer"], until=("running",))
            assert running["status"] == "running"
        worker_pid = int(str(_job_row(url, job).worker).rsplit(":", 1)[1])
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        started = time.monotonic()
        deadline = started + 10
        while True:  # the worker dies with its server: it holds neither the port nor the job
            try:
                os.kill(worker_pid, 0)
            except ProcessLookupError:
                break
            assert time.monotonic() < deadline, "the worker outlived its server"
            time.sleep(0.1)
        second = serve_process(url, port)
        try:
            wait_up(base, seconds=10, process=second)
            assert time.monotonic() - started < 10
            with httpx.Client(base_url=base, timeout=60) as client:
                ended = client.get(f"/jobs/{job}", headers=auth(made["viewer"])).json()
                assert ended["status"] == "failed" and "перезапуском" in ended["error"], ended
                health = client.get("/health").json()
                assert health["database"] == "ok" and health["workers"]["alive"] == 1
                again = run_scenario(client, made["planner"], region["id"], {})
                finished = wait_job(client, again, made["viewer"])
                if finished["status"] != "done":
                    second.kill()
                    raise AssertionError(second.stderr.read().decode()[-5000:])
        finally:
            second.kill()
            second.wait(10)
    finally:
        if first.poll() is None:
            first.kill()


def test_a_worker_killed_mid_job_fails_it_and_the_next_job_runs(
    tmp_path: Path, tambov_zip: bytes
) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    made = tokens(url)
    server = Server(url)
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            region = upload(client, made["admin"], tambov_zip).json()
            job = run_scenario(client, made["planner"], region["id"], TAMBOV_YEAR)
            wait_job(client, job, made["viewer"], until=("running",))
            pid = int(str(_job_row(url, job).worker).rsplit(":", 1)[1])
            os.kill(pid, signal.SIGKILL)
            ended = wait_job(client, job, made["viewer"], seconds=20)
            assert ended["status"] == "failed" and "аварийно" in ended["error"], ended
            following = run_scenario(client, made["planner"], region["id"], {}, "следующий")
            assert wait_job(client, following, made["viewer"])["status"] == "done"
            health = client.get("/health").json()
            assert health["workers"]["alive"] == 1 and health["workers"]["restarts"] == 1
    finally:
        server.stop()


def test_an_idle_worker_killed_is_replaced_and_the_next_job_runs(
    tmp_path: Path, tambov_zip: bytes
) -> None:
    """A worker killed while it waits for work (the review's case: `kill -9` of an idle
    worker) is replaced, and the next job is queued at once and runs. With one wake-up event
    shared by the workers, the dead one still counted as its sleeper: the next job's wake-up
    waited for it forever, and the request that queued the job with it."""
    url = f"sqlite:///{tmp_path / 'idle.db'}"
    made = tokens(url)
    settings = ServiceSettings(database_url=url, workers=2, heartbeat_seconds=0.3, poll_seconds=0.5)
    pool = WorkerPool(settings, make_engine(url))
    server = Server(url, runner=pool, workers=2, poll_seconds=0.5)
    try:
        with httpx.Client(base_url=server.base, timeout=20) as client:
            region = upload(client, made["admin"], tambov_zip).json()
            first = run_scenario(client, made["planner"], region["id"], SMALL, "первый")
            assert wait_job(client, first, made["viewer"])["status"] == "done"
            time.sleep(1.0)  # both workers idle, waiting to be woken
            os.kill(pool.processes[0].pid, signal.SIGKILL)
            deadline = time.monotonic() + 20
            while client.get("/health").json()["workers"]["restarts"] < 1:
                assert time.monotonic() < deadline, "the dead worker was not replaced"
                time.sleep(0.2)
            for n in range(3):  # each wakes the workers, the new one among them
                queued = time.monotonic()
                job = run_scenario(client, made["planner"], region["id"], SMALL, f"после {n}")
                assert time.monotonic() - queued < 10  # the request is not held
                assert wait_job(client, job, made["viewer"])["status"] == "done"
    finally:
        server.stop()


@pytest.mark.parametrize("stage", ["assignment", "recruit", "schedule"])
def test_cancel_at_every_stage(tmp_path: Path, tambov_zip: bytes, stage: str) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    made = tokens(url)
    server = Server(url)
    spec: dict[str, Any] = {
        # a plan that takes a while to prove (the split term first): Tambov's default plan is
        # proven in 0.25 s, before a cancel could arrive
        "assignment": {"assignment": {"ranking": ["split", "changes", "travel"]}},
        "recruit": {"recruit": True, "release_existing": True},
        "schedule": TAMBOV_YEAR,
    }[stage]
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            region = upload(client, made["admin"], tambov_zip).json()
            job = run_scenario(client, made["planner"], region["id"], spec)
            want = "schedule" if stage == "schedule" else "assignment"
            wait_row(client, job, made["viewer"], lambda row: row["stage"] == want)
            if stage == "schedule":  # the year plan counts its methodists as it goes
                row = wait_row(
                    client, job, made["viewer"], lambda row: row["progress"].get("done", 0) >= 1
                )
                progress = row["progress"]
                assert progress["stage"] == "план года", progress
                assert progress["counted"] == "методистов спланировано", progress
                assert 1 <= progress["done"] < progress["total"], progress
            asked = time.monotonic()
            answer = client.post(f"/jobs/{job}/cancel", headers=auth(made["planner"]))
            assert answer.status_code == 202, answer.text
            ended = wait_job(client, job, made["viewer"], seconds=15)
            assert ended["status"] == "cancelled", ended
            assert time.monotonic() - asked < 10
            result = client.get(f"/jobs/{job}/result", headers=auth(made["viewer"]))
            assert result.status_code == 409
            # the worker that was stopped is replaced: the next job runs
            following = run_scenario(client, made["planner"], region["id"], SMALL | {}, "после")
            assert wait_job(client, following, made["viewer"])["status"] in ("done", "failed")
    finally:
        server.stop()


def test_a_cancel_mid_group_stops_the_solve_not_the_worker(tmp_path: Path) -> None:
    """Yakutia's weighted loads: its primary-school group alone takes about a minute. A cancel
    while it runs interrupts the solvers of the groups running (the job's cancel is their stop
    event): the job ends cancelled well within the heartbeat's grace, and the worker that ran
    it lives on — before, it waited for a group to end and the heartbeat killed the worker."""
    url = f"sqlite:///{tmp_path / 'y.db'}"
    made = tokens(url)
    server = Server(url)
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            region = upload(client, made["admin"], region_zip(SAMPLES / "yakutia")).json()
            spec = {"assignment": {"load_unit": "weighted"}}
            job = run_scenario(client, made["planner"], region["id"], spec)
            wait_row(client, job, made["viewer"], lambda row: "total" in row["progress"])
            time.sleep(1.0)  # the first two groups are running: primary school and math
            answer = client.post(f"/jobs/{job}/cancel", headers=auth(made["planner"]))
            assert answer.status_code == 202, answer.text
            ended = wait_job(client, job, made["viewer"], seconds=15)
            assert ended["status"] == "cancelled", ended
            assert ended["progress"]["done"] < ended["progress"]["total"], ended
            time.sleep(1.0)  # a heartbeat's kill would have come by now
            os.kill(int(str(_job_row(url, job).worker).rsplit(":", 1)[1]), 0)  # still alive
            health = client.get("/health").json()["workers"]
            assert health["alive"] == 1 and health["restarts"] == 0, health
    finally:
        server.stop()


def test_a_cancel_right_after_submit_is_never_overwritten(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    made = tokens(url)
    server = Server(url)
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            region = upload(client, made["admin"], region_zip(DATA / "small_ok")).json()
            statuses = []
            for n in range(5):
                job = run_scenario(client, made["planner"], region["id"], SMALL, f"s{n}")
                answer = client.post(f"/jobs/{job}/cancel", headers=auth(made["planner"]))
                statuses.append((answer.status_code, wait_job(client, job, made["viewer"])))
            for code, ended in statuses:
                # a cancel accepted (202) always ends cancelled; refused (409) only if it was done
                assert (code, ended["status"]) in ((202, "cancelled"), (409, "done")), ended
            assert any(code == 202 for code, _ in statuses)
    finally:
        server.stop()


def test_orphans_end_on_start_and_a_second_server_leaves_live_jobs_alone(
    database: str, tambov_zip: bytes
) -> None:
    made = tokens(database)
    first = Server(database)
    try:
        with httpx.Client(base_url=first.base, timeout=60) as client:
            region = upload(client, made["admin"], tambov_zip).json()
            live = run_scenario(client, made["planner"], region["id"], TAMBOV_YEAR, "живой")
            wait_job(client, live, made["viewer"], until=("running",))
        engine = open_database(database)
        with Session(engine) as session:  # what a server that died long ago left behind
            stale = now() - timedelta(hours=1)
            for status in ("running", "cancelling"):
                session.add(
                    JobRecord(
                        scenario_id=None,
                        region_id=region["id"],
                        status=status,
                        worker="elsewhere:1",
                        heartbeat_at=stale,
                        progress={},
                    )
                )
            session.commit()
        engine.dispose()
        second = Server(database, workers=0)
        try:
            with httpx.Client(base_url=second.base, timeout=60) as client:
                jobs = {
                    j["id"]: j for j in client.get("/jobs", headers=auth(made["viewer"])).json()
                }
                orphans = sorted(j for j in jobs if j != live)
                assert [jobs[j]["status"] for j in orphans] == ["failed", "cancelled"]
                assert jobs[live]["status"] == "running"  # held by a live worker: left alone
                time.sleep(2)
                assert (
                    client.get(f"/jobs/{live}", headers=auth(made["viewer"])).json()["status"]
                    == "running"
                )
                client.post(f"/jobs/{live}/cancel", headers=auth(made["planner"]))
                assert wait_job(client, live, made["viewer"], seconds=20)["status"] == "cancelled"
        finally:
            second.stop()
    finally:
        first.stop()


class Proxy:
    """A TCP proxy to PostgreSQL that can be cut: a database outage, as a network sees it."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = threading.Event()
        self.up.set()
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            if not self.up.is_set():
                client.close()
                continue
            server = socket.create_connection(self.target)
            self.connections += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self.up.clear()
        for s in self.connections:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.connections = []

    def restore(self) -> None:
        self.up.set()


@pytest.fixture
def pg_through_proxy() -> Iterator[tuple[str, Proxy]]:
    if not pg_reachable():
        pytest.skip("PostgreSQL is not reachable")
    gen = database_fixture(_Param("postgresql"), Path("."))  # type: ignore[arg-type]
    url = next(gen)
    proxy = Proxy(("127.0.0.1", 5432))
    try:
        yield url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}"), proxy
    finally:
        proxy.restore()
        next(gen, None)


class _Param:
    def __init__(self, param: str) -> None:
        self.param = param


def test_a_database_outage_ends_jobs_and_health_says_so(
    pg_through_proxy: tuple[str, Proxy], tambov_zip: bytes
) -> None:
    url, proxy = pg_through_proxy
    made = tokens(url)
    server = Server(url, lease_seconds=3)
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            region = upload(client, made["admin"], tambov_zip).json()
            job = run_scenario(
                client, made["planner"], region["id"], TAMBOV_YEAR | {"plan_seconds": 20}
            )
            wait_job(client, job, made["viewer"], until=("running",))
            proxy.cut()
            time.sleep(1)
            health = client.get("/health")
            assert health.status_code == 503 and health.json()["database"] == "unavailable"
            down = client.get("/regions", headers=auth(made["viewer"]))
            assert down.status_code == 503 and down.json()["code"] == "database_unavailable"
            time.sleep(8)  # longer than the lease
            proxy.restore()
            ended = wait_job(client, job, made["viewer"], seconds=60)
            assert ended["status"] in ("done", "failed"), ended
            assert client.get("/health").status_code == 200
            following = run_scenario(client, made["planner"], region["id"], {}, "после сбоя")
            assert wait_job(client, following, made["viewer"])["status"] == "done"
    finally:
        proxy.restore()
        server.stop()


def test_a_locked_sqlite_database_ends_jobs(tmp_path: Path) -> None:
    """A 5 s exclusive lock (a backup, a stray sqlite3 shell) while jobs run: they wait for
    it and end done; a request in the meantime waits too, it does not fail."""
    url = f"sqlite:///{tmp_path / 'l.db'}"
    made = tokens(url)
    server = Server(url)
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            region = upload(client, made["admin"], region_zip(DATA / "small_ok")).json()
            job_ids = [run_scenario(client, made["planner"], region["id"], SMALL) for _ in range(2)]
            engine = create_engine(url)
            with engine.connect() as lock:
                lock.exec_driver_sql("BEGIN EXCLUSIVE")
                threading.Timer(5, lambda: lock.exec_driver_sql("COMMIT")).start()
                waited = client.get(f"/jobs/{job_ids[0]}", headers=auth(made["viewer"]))
                time.sleep(5.5)
            engine.dispose()
            assert waited.status_code == 200, waited.text
            for job in job_ids:
                assert wait_job(client, job, made["viewer"])["status"] == "done"
    finally:
        server.stop()
