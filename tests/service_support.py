"""What the service tests share: a database on SQLite or (when it answers) the PostgreSQL
server of this machine, the app served over real HTTP, tokens, uploads and polling."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, text

from assign.service.config import ServiceSettings
from assign.service.jobs.workers import JobRunner
from assign.service.main import create_app
from assign.service.store import create_token, open_database

PG_ADMIN = os.environ.get("ASSIGN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FINAL = ("done", "failed", "cancelled")


def pg_reachable() -> bool:
    try:
        engine = create_engine(PG_ADMIN, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def database_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL: SQLite in tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'assign.db'}"
        return
    if not pg_reachable():
        pytest.skip("PostgreSQL is not reachable")
    name = f"assign_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """The app served by uvicorn in a thread, on a free loopback port."""

    def __init__(self, url: str, runner: JobRunner | None = None, **settings: Any) -> None:
        self.port = free_port()
        options = {"workers": 1, "heartbeat_seconds": 0.3, "poll_seconds": 0.1, **settings}
        self.settings = ServiceSettings(database_url=url, **options)
        config = uvicorn.Config(
            create_app(self.settings, runner), host="127.0.0.1", port=self.port, log_level="error"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            assert time.time() < deadline, "the server did not start"
            time.sleep(0.02)
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def serve_process(url: str, port: int, workers: int = 1, **env: str) -> subprocess.Popen[bytes]:
    """`assign serve` as its own process, as an operator starts it."""
    cli = Path(sys.executable).with_name("assign")
    return subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--workers", str(workers)],
        env={
            **os.environ,
            "ASSIGN_DATABASE_URL": url,
            "ASSIGN_HEARTBEAT_SECONDS": "0.3",
            "ASSIGN_POLL_SECONDS": "0.1",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_up(base: str, seconds: float = 30, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "exited")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code in (200, 503):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{base} did not come up in {seconds} s")


def tokens(url: str, org: str = "ЦНППМ") -> dict[str, str]:
    engine = open_database(url)
    made = {role: create_token(engine, role, org) for role in ("viewer", "planner", "admin")}
    engine.dispose()
    return made


def region_zip(folder: Path, replace: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted([*folder.glob("*.csv"), *folder.glob("*.yaml")]):
            content = path.read_text(encoding="utf-8")
            archive.writestr(path.name, (replace or {}).get(path.name, content))
    return buffer.getvalue()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload(client: httpx.Client, token: str, data: bytes, name: str = "region.zip") -> Any:
    return client.post(
        "/regions", files={"file": (name, data, "application/zip")}, headers=auth(token)
    )


def wait_job(
    client: httpx.Client,
    job_id: int,
    token: str,
    seconds: float = 90,
    until: tuple[str, ...] = FINAL,
) -> dict[str, Any]:
    """The job once its status is one of `until`: a long poll (`wait`) for an end, else
    polled."""
    deadline = time.time() + seconds
    long_poll = set(until) <= set(FINAL)
    while True:
        wait = min(30.0, max(0.0, deadline - time.time())) if long_poll else 0
        job: dict[str, Any] = client.get(
            f"/jobs/{job_id}", params={"wait": wait}, headers=auth(token)
        ).json()
        if job.get("status") in until:
            return job
        assert time.time() < deadline, job
        if not long_poll:
            time.sleep(0.1)


def wait_row(
    client: httpx.Client,
    job_id: int,
    token: str,
    ready: Callable[[dict[str, Any]], bool],
    seconds: float = 90,
) -> dict[str, Any]:
    """The job's row once `ready(row)`, polled while the job is queued or running."""
    deadline = time.time() + seconds
    while not ready(row := client.get(f"/jobs/{job_id}", headers=auth(token)).json()):
        assert row["status"] in ("queued", "running"), row
        assert time.time() < deadline, row
        time.sleep(0.05)
    return row


def run_scenario(
    client: httpx.Client, token: str, region_id: int, spec: dict[str, Any], name: str = "s"
) -> int:
    body = {"region_id": region_id, "name": name, "spec": spec}
    created = client.post("/scenarios", json=body, headers=auth(token))
    assert created.status_code == 201, created.text
    job = client.post(f"/scenarios/{created.json()['id']}/jobs", headers=auth(token))
    assert job.status_code == 202, job.text
    job_id: int = job.json()["id"]
    return job_id
