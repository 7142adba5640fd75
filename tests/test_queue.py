"""Jobs on the task queue (Celery on Redis, `ASSIGN_QUEUE_URL`): a redis-server of the test's
own on a free loopback port, `assign serve` that only queues, and two `assign worker`
processes. Jobs from the API complete with the result the server's own workers give; a
worker killed with SIGKILL mid-job → the job completes on the other, once; the broker
killed and started again → a job queued meanwhile still runs; the API killed and started
again → a running job finishes; a cancel reaches a job on a worker; a batch runs on the
workers with the result of a local one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assign.service.jobs.queue import claim, requeue_orphans
from assign.service.store import open_database
from assign.service.store.models import (
    JobRecord,
    OrganizationRecord,
    RegionRecord,
    ResultRecord,
    now,
)
from conftest import SAMPLES
from service_support import (
    Server,
    auth,
    database_fixture,
    free_port,
    region_zip,
    run_scenario,
    serve_process,
    tokens,
    upload,
    wait_job,
    wait_up,
)

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed")
LEASE = {
    "ASSIGN_LEASE_SECONDS": "3",
    "ASSIGN_RESEND_SECONDS": "3",
    "ASSIGN_HEARTBEAT_SECONDS": "0.3",
}
# a job long enough to be killed mid-run: Tambov's year plan with a budget of its own
LONG = {"plan_year": True, "plan_seconds": 4}


class Broker:
    """A redis-server of the test's own, that can be killed and started again on its port."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert REDIS is not None
        self.process = subprocess.Popen(
            [
                REDIS,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.time() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_timeout=1).ping()
                return
            except redis.ConnectionError:
                assert time.time() < deadline, "redis-server did not start"
                time.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)


@dataclass
class Cluster:
    url: str
    broker: Broker
    port: int
    tokens: dict[str, str]
    workers: list[subprocess.Popen[bytes]]
    server: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self) -> None:
        """`assign serve` that only queues (again, after a kill)."""
        self.server = serve_process(
            self.url, self.port, workers=0, ASSIGN_QUEUE_URL=self.broker.url, **LEASE
        )
        wait_up(self.base, process=self.server)


def _worker(url: str, queue: str) -> subprocess.Popen[bytes]:
    cli = Path(sys.executable).with_name("assign")
    return subprocess.Popen(
        [str(cli), "worker"],
        env={**os.environ, "ASSIGN_DATABASE_URL": url, "ASSIGN_QUEUE_URL": queue, **LEASE},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


database = pytest.fixture(params=["sqlite", "postgresql"])(database_fixture)
ON_SQLITE = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


@pytest.fixture
def cluster(tmp_path: Path, database: str) -> Iterator[Cluster]:
    url = database
    made = tokens(url)
    broker = Broker(tmp_path)
    broker.start()
    cluster = Cluster(url, broker, free_port(), made, [_worker(url, broker.url) for _ in "ab"])
    try:
        cluster.serve()
        yield cluster
    finally:
        for process in [cluster.server, *cluster.workers]:
            if process is not None:
                process.kill()
                process.wait(10)
        if broker.process is not None and broker.process.poll() is None:
            broker.kill()


def _workers_alive(client: httpx.Client, count: int, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while client.get("/health").json()["workers"]["alive"] < count:
        assert time.time() < deadline, client.get("/health").json()
        time.sleep(0.3)


def _running_long_job(cluster: Cluster, client: httpx.Client) -> tuple[int, int]:
    """Tambov's year plan, started on one of the two workers: (its region, the job)."""
    _workers_alive(client, 2)
    region = upload(client, cluster.tokens["admin"], region_zip(SAMPLES / "tambov")).json()
    job_id = run_scenario(client, cluster.tokens["planner"], region["id"], LONG)
    wait_job(client, job_id, cluster.tokens["viewer"], until=("running",))
    return region["id"], job_id


def _job(url: str, job_id: int) -> tuple[JobRecord, int, dict[str, str] | None]:
    """The job's row, how many result rows it has, and its result's assignment."""
    engine = open_database(url)
    with Session(engine) as session:
        job = session.get(JobRecord, job_id)
        assert job is not None
        session.expunge(job)
        results = session.scalar(
            select(func.count()).select_from(ResultRecord).where(ResultRecord.job_id == job_id)
        )
        assignment = session.scalar(
            select(ResultRecord.assignment).where(ResultRecord.job_id == job_id)
        )
    engine.dispose()
    return job, int(results or 0), assignment


def test_jobs_from_the_api_run_on_the_workers_with_the_in_process_result(
    cluster: Cluster, tmp_path: Path
) -> None:
    data = region_zip(SAMPLES / "tambov")
    spec = {"changes": {"remove_methodists": ["TMB-MET001"]}}
    with httpx.Client(base_url=cluster.base, timeout=60) as client:
        _workers_alive(client, 2)
        region = upload(client, cluster.tokens["admin"], data).json()
        jobs = [run_scenario(client, cluster.tokens["planner"], region["id"], spec) for _ in "ab"]
        ended = [wait_job(client, j, cluster.tokens["viewer"]) for j in jobs]
        assert [e["status"] for e in ended] == ["done", "done"], ended
    queued = [_job(cluster.url, j) for j in jobs]
    assert all(job.attempts == 1 and results == 1 for job, results, _ in queued)
    # the same scenario run by a server's own worker process
    url = f"sqlite:///{tmp_path / 'own.db'}"
    own_tokens = tokens(url)
    server = Server(url)
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            region = upload(client, own_tokens["admin"], data).json()
            job = run_scenario(client, own_tokens["planner"], region["id"], spec)
            assert wait_job(client, job, own_tokens["viewer"])["status"] == "done"
    finally:
        server.stop()
    _, _, in_process = _job(url, job)
    assert in_process and all(assignment == in_process for _, _, assignment in queued)


@ON_SQLITE
def test_a_worker_killed_mid_job_leaves_it_to_the_other_once(cluster: Cluster) -> None:
    with httpx.Client(base_url=cluster.base, timeout=60) as client:
        _, job_id = _running_long_job(cluster, client)
        first, _, _ = _job(cluster.url, job_id)
        child = int(str(first.worker).rsplit(":", 1)[1])
        parent = int(Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[1])
        killed = next(w for w in cluster.workers if w.pid == parent)
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        ended = wait_job(client, job_id, cluster.tokens["viewer"], seconds=120)
        assert ended["status"] == "done", ended
    job, results, assignment = _job(cluster.url, job_id)
    assert job.attempts == 2 and job.worker != first.worker
    assert results == 1 and assignment


@ON_SQLITE
def test_a_job_queued_while_the_broker_is_down_runs_when_it_is_back(cluster: Cluster) -> None:
    with httpx.Client(base_url=cluster.base, timeout=60) as client:
        _workers_alive(client, 2)
        region = upload(client, cluster.tokens["admin"], region_zip(SAMPLES / "tambov")).json()
        cluster.broker.kill()
        job_id = run_scenario(client, cluster.tokens["planner"], region["id"], {})
        time.sleep(2)
        assert (
            client.get(f"/jobs/{job_id}", headers=auth(cluster.tokens["viewer"])).json()["status"]
            == "queued"
        )
        assert client.get("/health").json()["workers"]["queue"] == "недоступна"
        cluster.broker.start()  # empty: the message sent while it was away is lost
        ended = wait_job(client, job_id, cluster.tokens["viewer"], seconds=90)
        assert ended["status"] == "done", ended
    _, results, _ = _job(cluster.url, job_id)
    assert results == 1


def test_an_orphaned_job_goes_back_to_the_queue_while_it_has_runs_left(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'o.db'}"
    tokens(url)
    engine = open_database(url)
    silent = now() - timedelta(seconds=60)
    with Session(engine) as session:
        organization = session.scalar(select(OrganizationRecord.id))
        assert organization is not None
        region = RegionRecord(
            org_id=organization, name="r", source_kind="zip", source=b"", summary={}
        )
        session.add(region)
        session.flush()
        rows = [
            JobRecord(
                region_id=region.id,
                status="running",
                worker="h:1",
                heartbeat_at=silent,
                attempts=n,
                progress={},
            )
            for n in (1, 3)
        ]
        session.add_all(rows)
        session.commit()
        ids = [r.id for r in rows]
    assert requeue_orphans(engine, lease=30, max_attempts=3) == [ids[0]]
    with Session(engine) as session:
        again, spent = (session.get(JobRecord, i) for i in ids)
        assert again is not None and spent is not None
        assert (again.status, again.worker) == ("queued", None)
        assert spent.status == "failed" and spent.error
    assert claim(engine, "h:2", ids[0]) == ids[0]
    with Session(engine) as session:
        taken = session.get(JobRecord, ids[0])
        assert taken is not None and (taken.status, taken.attempts) == ("running", 2)
    engine.dispose()


@ON_SQLITE
def test_an_api_killed_and_started_again_leaves_a_running_job_to_finish(cluster: Cluster) -> None:
    with httpx.Client(base_url=cluster.base, timeout=60) as client:
        _, job_id = _running_long_job(cluster, client)
    assert cluster.server is not None
    cluster.server.send_signal(signal.SIGKILL)
    cluster.server.wait(10)
    cluster.serve()
    with httpx.Client(base_url=cluster.base, timeout=60) as client:
        assert wait_job(client, job_id, cluster.tokens["viewer"])["status"] == "done"
    job, results, _ = _job(cluster.url, job_id)
    assert job.attempts == 1 and results == 1


@ON_SQLITE
def test_a_cancel_reaches_a_job_on_a_worker_and_the_worker_goes_on(cluster: Cluster) -> None:
    with httpx.Client(base_url=cluster.base, timeout=60) as client:
        region_id, job_id = _running_long_job(cluster, client)
        asked = client.post(f"/jobs/{job_id}/cancel", headers=auth(cluster.tokens["planner"]))
        assert asked.status_code == 202, asked.text
        assert wait_job(client, job_id, cluster.tokens["viewer"], seconds=20)["status"] == (
            "cancelled"
        )
        jobs = [run_scenario(client, cluster.tokens["planner"], region_id, {}) for _ in "ab"]
        assert [wait_job(client, j, cluster.tokens["viewer"])["status"] for j in jobs] == [
            "done",
            "done",
        ]
    job, results, _ = _job(cluster.url, job_id)
    assert job.attempts == 1 and results == 0


def test_a_worker_without_a_queue_says_so_in_russian() -> None:
    cli = Path(sys.executable).with_name("assign")
    env = {k: v for k, v in os.environ.items() if k != "ASSIGN_QUEUE_URL"}
    done = subprocess.run([str(cli), "worker"], env=env, capture_output=True, timeout=60)
    assert done.returncode == 2
    assert "Не задана очередь" in done.stderr.decode() and b"Traceback" not in done.stderr


@ON_SQLITE
def test_a_batch_runs_on_the_workers_with_the_local_result(
    cluster: Cluster, tmp_path: Path
) -> None:
    cli = str(Path(sys.executable).with_name("assign"))
    regions, queued, local = tmp_path / "regions", tmp_path / "queued", tmp_path / "local"
    made = [
        cli,
        "sample",
        "national",
        "--out",
        str(regions),
        "--regions",
        "2",
        "--teachers",
        "3000",
    ]
    subprocess.run(made, check=True, capture_output=True, timeout=120)
    env = {**os.environ, "ASSIGN_QUEUE_URL": cluster.broker.url, "COLUMNS": "200"}
    done = subprocess.run(
        [cli, "batch", str(regions), "--out", str(queued)],
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    outcomes = [
        json.loads((queued / r / "batch.json").read_text())["outcome"] for r in ("R00", "R01")
    ]
    workers = {o["worker"] for o in outcomes}
    assert all(o["status"] == "done" for o in outcomes) and os.getpid() not in workers
    env.pop("ASSIGN_QUEUE_URL")
    subprocess.run(
        [cli, "batch", str(regions), "--out", str(local)], env=env, check=True, timeout=300
    )
    for region in ("R00", "R01"):
        for made_file in ("assignment/assignments.csv", "schedule/schedule.csv"):
            assert (queued / region / made_file).read_bytes() == (
                local / region / made_file
            ).read_bytes()
