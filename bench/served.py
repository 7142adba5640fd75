"""`assign serve` on a fresh SQLite database in a temporary folder, for the benchmarks that
measure the service from outside: a token, the server process, a region uploaded."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx


@dataclass
class Served:
    base: str
    token: str
    process: subprocess.Popen[bytes]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def client(self, timeout: float = 300) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=timeout, headers=self.headers)


@contextmanager
def served(port: int, workers: int, role: str = "admin") -> Iterator[Served]:
    """The server running until the block ends; its health answered before it is yielded."""
    tmp = Path(tempfile.mkdtemp())
    env = {**os.environ, "ASSIGN_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}"}
    cli = Path(sys.executable).with_name("assign")
    made = subprocess.run(
        [str(cli), "token", "create", "--role", role],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    process = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Served(f"http://127.0.0.1:{port}", made.stdout.strip().splitlines()[-1], process)
    try:
        with httpx.Client(base_url=server.base) as probe:
            for _ in range(300):
                try:
                    probe.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)


def upload_region(client: httpx.Client, folder: Path) -> dict[str, Any]:
    """A region folder's CSV files zipped and uploaded; the stored region."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, path.name)
    answer = client.post("/regions", files={"file": (f"{folder.name}.zip", buffer.getvalue())})
    answer.raise_for_status()
    region: dict[str, Any] = answer.json()
    return region
