"""The API on loopback under load: read latency with concurrent clients, and the time of a
what-if re-solve that removes one methodist, on the Yakutia sample (18 600 teachers).

Starts `assign serve` on a fresh SQLite database in a temporary folder, uploads the region,
approves a baseline plan, then:
- reads: N concurrent clients each issue GET /regions/{id}, GET /jobs/{id} and a page of
  GET /jobs/{id}/result in a loop; prints p50/p95/p99 latency and requests per second;
- what-if: after the approved baseline has run once more (the worker's cache then holds
  every subject group's plan against that current assignment), R scenarios each remove a
  different methodist, with the baseline's settings (submit → done, polled every 20 ms);
  prints p50/p95 of the wall time. Each re-solves only the subject group it touches.
  Target: p95 under 1 s.
The baseline is the same what-if solved in-process from scratch (load + solve), with the
ratio.

Run: .venv/bin/python bench/api_load.py [--clients 8] [--seconds 10] [--runs 10]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import httpx

from assign.io import load_region
from assign.sample.profiles import PROFILES
from assign.scenario import Scenario, run_scenario

DATA = Path(__file__).resolve().parents[1] / "data"
REGION = "yakutia"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def wait_done(client: httpx.Client, job: int, headers: dict[str, str]) -> dict[str, object]:
    while True:
        state = client.get(f"/jobs/{job}", headers=headers).json()
        if state["status"] in ("done", "failed", "cancelled"):
            return state
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    env = {**os.environ, "ASSIGN_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}"}
    cli = Path(sys.executable).with_name("assign")
    token = (
        subprocess.run(
            [str(cli), "token", "create", "--role", "admin"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    port = "8765"
    server = subprocess.Popen(
        [str(cli), "serve", "--port", port],
        env=env,
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(200):
                try:
                    client.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                for path in sorted((DATA / REGION).glob("*.csv")):
                    archive.write(path, path.name)
            region = client.post(
                "/regions", files={"file": (f"{REGION}.zip", buffer.getvalue())}, headers=headers
            ).json()
            settings = PROFILES[REGION].demo_settings
            base_spec = {"assignment": settings}
            leavers = [f"SAH-MET{n:03d}" for n in range(1, args.runs + 1)]
            specs = [("база", base_spec)] + [
                (f"уходит {m}", {**base_spec, "changes": {"remove_methodists": [m]}})
                for m in leavers
            ]
            ids = [
                client.post(
                    "/scenarios",
                    json={"region_id": region["id"], "name": n, "spec": s},
                    headers=headers,
                ).json()["id"]
                for n, s in specs
            ]
            first = client.post(f"/scenarios/{ids[0]}/jobs", headers=headers).json()["id"]
            assert wait_done(client, first, headers)["status"] == "done"
            client.post(f"/jobs/{first}/approve", headers=headers).raise_for_status()
            warm = [  # both worker processes run the approved baseline at once
                client.post(f"/scenarios/{ids[0]}/jobs", headers=headers).json()["id"]
                for _ in range(2)
            ]
            assert all(wait_done(client, j, headers)["status"] == "done" for j in warm)

            latencies: list[float] = []
            lock = threading.Lock()
            stop = time.perf_counter() + args.seconds
            paths = [
                f"/regions/{region['id']}",
                f"/jobs/{first}",
                f"/jobs/{first}/result?offset=0&limit=500",
            ]

            def reader() -> None:
                with httpx.Client(base_url=base, timeout=30) as own:
                    n = 0
                    while time.perf_counter() < stop:
                        start = time.perf_counter()
                        own.get(paths[n % len(paths)], headers=headers).raise_for_status()
                        with lock:
                            latencies.append(time.perf_counter() - start)
                        n += 1

            threads = [threading.Thread(target=reader) for _ in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            print(
                f"reads, {args.clients} concurrent clients, {args.seconds:.0f} s: "
                f"{len(latencies)} requests, {len(latencies) / args.seconds:.0f}/s; latency "
                f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
                f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms, "
                f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms"
            )

            times = []
            for scenario_id in ids[1:]:
                start = time.perf_counter()
                job = client.post(f"/scenarios/{scenario_id}/jobs", headers=headers).json()["id"]
                state = wait_done(client, job, headers)
                times.append(time.perf_counter() - start)
                assert state["status"] == "done", state
            kpi = client.get(f"/jobs/{job}/result?limit=1", headers=headers).json()["kpi"]
            print(
                f"what-if re-solve (one methodist leaves), {args.runs} runs: "
                f"p50 {statistics.median(times):.2f} s, p95 {percentile(times, 0.95):.2f} s; "
                f"teachers realigned {kpi.get('realigned')}, status {kpi.get('status')}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    loaded = load_region(DATA / REGION)
    assert loaded.region is not None
    start = time.perf_counter()
    outcome = run_scenario(
        load_region(DATA / REGION).region,  # type: ignore[arg-type]
        Scenario.model_validate({"name": "x", **specs[1][1]}),
    )
    alone = time.perf_counter() - start
    print(
        f"baseline, in-process load + solve: {alone:.2f} s ({outcome.status.value}); "
        f"service p50 / baseline: {statistics.median(times) / alone:.2f}×"
    )


if __name__ == "__main__":
    main()
