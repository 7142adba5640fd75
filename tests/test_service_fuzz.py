"""The OpenAPI schema fuzzed over real HTTP with schemathesis (its command line, as a CI would
run it): with an admin token and without one, no request gets a server error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assign.store import create_token, open_database
from test_api import Server

MAX_EXAMPLES = "20"


@pytest.mark.parametrize("with_token", [True, False], ids=["admin", "anonymous"])
def test_no_server_errors(tmp_path: Path, with_token: bool) -> None:
    cli = Path(sys.executable).with_name("schemathesis")
    if not cli.exists() and shutil.which("schemathesis") is None:
        pytest.skip("schemathesis is not installed")
    url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    engine = open_database(url)
    token = create_token(engine, "admin")
    engine.dispose()
    server = Server(url)
    try:
        header = ["--header", f"Authorization: Bearer {token}"] if with_token else []
        done = subprocess.run(
            [
                str(cli),
                "run",
                f"{server.base}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                MAX_EXAMPLES,
                "--workers",
                "1",
                *header,
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
