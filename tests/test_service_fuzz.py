"""The OpenAPI schema fuzzed over real HTTP with schemathesis (its command line, as a CI would
run it) on SQLite and PostgreSQL, with an admin token and without one: no request gets a
server error, and every answer is of the content type the schema declares (errors are JSON)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import DATA
from service_support import (
    Server,
    database_fixture,
    region_zip,
    run_scenario,
    tokens,
    upload,
    wait_job,
)

MAX_EXAMPLES = "10"
database = pytest.fixture(params=["sqlite", "postgresql"])(database_fixture)


@pytest.fixture
def server(database: str) -> Iterator[Server]:
    running = Server(database)
    yield running
    running.stop()


@pytest.mark.parametrize("with_token", [True, False], ids=["admin", "anonymous"])
def test_no_server_errors(database: str, server: Server, with_token: bool) -> None:
    cli = Path(sys.executable).with_name("schemathesis")
    if not cli.exists() and shutil.which("schemathesis") is None:
        pytest.skip("schemathesis is not installed")
    if not with_token and "postgresql" in database:
        pytest.skip("anonymous requests never reach the database: SQLite's run covers them")
    made = tokens(database)
    with httpx.Client(base_url=server.base, timeout=60) as client:  # something to find
        region = upload(client, made["admin"], region_zip(DATA / "small_ok")).json()["id"]
        job = run_scenario(
            client, made["planner"], region, {"assignment": {"min_load": 0, "max_load": 9}}
        )
        wait_job(client, job, made["viewer"])
    header = ["--header", f"Authorization: Bearer {made['admin']}"] if with_token else []
    done = subprocess.run(
        [
            str(cli),
            "run",
            f"{server.base}/openapi.json",
            "--checks",
            "not_a_server_error,content_type_conformance",
            "--max-examples",
            MAX_EXAMPLES,
            "--workers",
            "1",
            *header,
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
