"""The API on loopback under load, on the Yakutia sample (18 600 teachers): 16 readers and
2 what-if writers at once for 60 s, with the server's memory sampled throughout.

Starts `assign serve` (2 workers) on a fresh SQLite database (`served.py`), uploads the region,
approves a baseline plan and runs it once in each worker (the worker's cache then holds
every subject group's plan against that current assignment), then for --seconds:
- readers: N clients each issue GET /regions/{id}, GET /jobs/{id} and a page of
  GET /jobs/{id}/result in a loop (target: p95 under 300 ms) — by default wrk (Debian's
  package, `apt-get install wrk`) with N connections in its own process, so that the load
  generator costs the machine little and the writers are not starved by its threads;
  `--readers python` runs them as N Python threads beside the writers instead;
- writers: W clients each save a scenario that removes a different methodist and run it,
  submit → done, awaited by a long poll (GET /jobs/{id}?wait=30) (target: p95 under 1 s);
  each re-solves only the subject group it touches;
- memory: the resident size of the server and its workers every second (target: flat —
  the last quarter's mean within 10 % of the first's, after warm-up).
Any error (a non-2xx answer, a job not done) is counted and printed. The baseline is the same
what-if solved in-process from scratch (load + solve), with the ratio.

Run: .venv/bin/python bench/api_load.py [--clients 16] [--writers 2] [--seconds 60]
     [--readers wrk|python]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from assign.domain import Methodist, Region
from assign.io import load_region
from assign.sample.profiles import PROFILES
from assign.scenario import Scenario, run_scenario
from served import served, upload_region

DATA = Path(__file__).resolve().parents[1] / "data"
REGION = "yakutia"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def wait_done(client: httpx.Client, job: int, headers: dict[str, str]) -> dict[str, object]:
    """The job once it ended: one long poll (`wait`), as a client of the API waits."""
    while True:
        state = client.get(f"/jobs/{job}", params={"wait": 30}, headers=headers).json()
        if state["status"] in ("done", "failed", "cancelled"):
            return state


def seconds_between(start: object, end: object) -> float:
    """Seconds between two of the API's moments (SQLite gives them back without a zone)."""
    first, last = (datetime.fromisoformat(str(x)) for x in (start, end))
    return (last.replace(tzinfo=None) - first.replace(tzinfo=None)).total_seconds()


def resident_mb(root: int) -> float:
    """Resident memory of a process and its descendants (Linux /proc), in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--readers", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python"
    )
    args = parser.parse_args()
    errors: list[str] = []
    lock = threading.Lock()
    with served(8765, workers=2) as server:
        headers, base = server.headers, server.base
        with server.client() as client:
            region = upload_region(client, DATA / REGION)
            settings = PROFILES[REGION].demo_settings
            base_spec = {"assignment": settings}
            scenario = client.post(
                "/scenarios",
                json={"region_id": region["id"], "name": "база", "spec": base_spec},
                headers=headers,
            ).json()["id"]
            first = client.post(f"/scenarios/{scenario}/jobs", headers=headers).json()["id"]
            assert wait_done(client, first, headers)["status"] == "done"
            client.post(f"/jobs/{first}/approve", headers=headers).raise_for_status()
            warm = [  # both worker processes run the approved baseline at once
                client.post(f"/scenarios/{scenario}/jobs", headers=headers).json()["id"]
                for _ in range(2)
            ]
            assert all(wait_done(client, j, headers)["status"] == "done" for j in warm)

        reads: list[float] = []
        whatifs: list[float] = []
        runs: list[float] = []  # the job itself, in its worker: started → finished
        memory: list[float] = []
        phases: dict[str, list[float]] = {k: [] for k in ("save", "submit", "queued", "answer")}
        stop = time.perf_counter() + args.seconds
        paths = [
            f"/regions/{region['id']}",
            f"/jobs/{first}",
            f"/jobs/{first}/result?offset=0&limit=500",
        ]
        # each what-if removes the next of the region's methodists, round and round
        methodists = itertools.cycle(m.methodist_id for m in load_stored_methodists())

        def failed(what: str) -> None:
            with lock:
                errors.append(what)

        def reader() -> None:
            with httpx.Client(base_url=base, timeout=30) as own:
                n = 0
                while time.perf_counter() < stop:
                    start = time.perf_counter()
                    answer = own.get(paths[n % len(paths)], headers=headers)
                    with lock:
                        reads.append(time.perf_counter() - start)
                    if answer.status_code != 200:
                        failed(f"GET {paths[n % len(paths)]}: {answer.status_code}")
                    n += 1

        def writer() -> None:
            with httpx.Client(base_url=base, timeout=60) as own:
                while time.perf_counter() < stop:
                    with lock:
                        leaver = next(methodists)
                    spec = {**base_spec, "changes": {"remove_methodists": [leaver]}}
                    start = time.perf_counter()
                    made = own.post(
                        "/scenarios",
                        json={"region_id": region["id"], "name": f"уходит {leaver}", "spec": spec},
                        headers=headers,
                    )
                    if made.status_code != 201:
                        failed(f"POST /scenarios: {made.status_code} {made.text[:200]}")
                        continue
                    saved = time.perf_counter()
                    job = own.post(f"/scenarios/{made.json()['id']}/jobs", headers=headers)
                    submitted = time.perf_counter()
                    state = wait_done(own, job.json()["id"], headers)
                    answered = datetime.now(UTC)
                    with lock:
                        whatifs.append(time.perf_counter() - start)
                        phases["save"].append(saved - start)
                        phases["submit"].append(submitted - saved)
                        if state.get("finished_at") and state.get("started_at"):
                            runs.append(seconds_between(state["started_at"], state["finished_at"]))
                            phases["queued"].append(
                                seconds_between(state["created_at"], state["started_at"])
                            )
                            finished = datetime.fromisoformat(str(state["finished_at"]))
                            finished = finished.replace(tzinfo=finished.tzinfo or UTC)
                            phases["answer"].append((answered - finished).total_seconds())
                    if state["status"] != "done":
                        failed(f"what-if {leaver}: {state['status']} {state.get('error')}")

        def sampler() -> None:
            while time.perf_counter() < stop:
                memory.append(resident_mb(server.process.pid))
                time.sleep(1.0)

        threads = [threading.Thread(target=writer) for _ in range(args.writers)]
        threads.append(threading.Thread(target=sampler))
        if args.readers == "python":
            threads += [threading.Thread(target=reader) for _ in range(args.clients)]
        wrk = wrk_readers(base, server.token, paths, args) if args.clients else None
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if wrk is not None:
            read_figures = wrk_figures(wrk, errors)
    if args.readers == "python" or not args.clients:
        read_figures = (
            len(reads),
            percentile(reads, 0.5),
            percentile(reads, 0.95),
            percentile(reads, 0.99),
        )
    count, p50, p95, p99 = read_figures
    quarter = max(1, len(memory) // 4)
    early, late = statistics.mean(memory[:quarter]), statistics.mean(memory[-quarter:])
    print(
        f"reads ({args.readers}), {args.clients} clients with {args.writers} what-if writers, "
        f"{args.seconds:.0f} s: {count} requests, {count / args.seconds:.0f}/s; "
        f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms (target p95 < 300 ms)"
    )
    print(
        f"what-if (save a scenario where one methodist leaves, run it, done): {len(whatifs)} "
        f"runs, p50 {percentile(whatifs, 0.5):.2f} s, p95 {percentile(whatifs, 0.95):.2f} s "
        "(target p95 < 1 s)"
    )
    print(
        "  of which the job in its worker (started → finished): "
        f"p50 {percentile(runs, 0.5):.2f} s, p95 {percentile(runs, 0.95):.2f} s"
    )
    print(
        "  the what-if's other phases, p50: "
        + ", ".join(f"{k} {percentile(v, 0.5) * 1000:.0f} ms" for k, v in phases.items())
        + " (answer: the job's end → the long poll's answer at the client)"
    )
    print(
        f"server + workers resident memory: first quarter {early:.0f} MB, last quarter "
        f"{late:.0f} MB ({(late - early) / early * 100:+.1f} %), peak {max(memory):.0f} MB"
    )
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:20]))
    start = time.perf_counter()
    outcome = run_scenario(
        load_region(DATA / REGION).region,  # type: ignore[arg-type]
        Scenario.model_validate(
            {"name": "x", **base_spec, "changes": {"remove_methodists": ["SAH-MET001"]}}
        ),
    )
    alone = time.perf_counter() - start
    print(
        f"baseline, in-process load + solve: {alone:.2f} s ({outcome.status.value}); "
        f"service what-if p50 / baseline: {percentile(whatifs, 0.5) / alone:.2f}×"
    )
    print(f"warm what-if in-process, as a worker runs it: {warm_whatif():.2f} s (mean of 8)")
    raise SystemExit(1 if errors else 0)


def load_stored_methodists() -> tuple[Methodist, ...]:
    loaded = load_region(DATA / REGION).region
    assert loaded is not None
    return loaded.methodists


def wrk_readers(
    base: str, token: str, paths: list[str], args: argparse.Namespace
) -> subprocess.Popen[str]:
    """wrk with one thread and `args.clients` connections cycling over `paths` for the run."""
    script = Path(__file__).with_name("readers.lua")
    command = ["wrk", "-t", "1", "-c", str(args.clients), "-d", f"{args.seconds:.0f}s"]
    command += ["--timeout", "30s", "-s", str(script), base, "--", token, *paths]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def wrk_figures(
    process: subprocess.Popen[str], errors: list[str]
) -> tuple[int, float, float, float]:
    """Requests and p50 / p95 / p99 in seconds from wrk's READS line; its errors counted."""
    output, _ = process.communicate()
    line = next(x for x in output.splitlines() if x.startswith("READS "))
    fields = dict(item.split("=") for item in line.split()[1:])
    errors += [f"wrk: {fields['errors']} failed reads"] if int(fields["errors"]) else []
    return (
        int(fields["requests"]),
        int(fields["p50_us"]) / 1e6,
        int(fields["p95_us"]) / 1e6,
        int(fields["p99_us"]) / 1e6,
    )


def warm_whatif(runs: int = 8) -> float:
    """A what-if as a worker runs it once its caches are warm (the region read, the
    approved plan applied, every component's proven plan kept): the job's own CPU time,
    without the server, the database or other load."""
    import tempfile

    from assign.pipeline.whatif import run_scenario_plan
    from assign.service.jobs.execute import _components, _result
    from assign.service.regions import current_of, load_stored

    region, settings = load_stored(DATA / REGION)
    spec = {"assignment": PROFILES[REGION].demo_settings}

    def run(base: Region, changes: dict[str, object]) -> dict[str, str]:
        scenario = Scenario.model_validate({"name": "x", **spec, "changes": changes})
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            done = run_scenario_plan(
                base, out, scenario, settings, out, documents=False, cache=_components
            )
            _result(done, 1, 1, "x", spec, 1, None, out)
        return dict(done.outcome.assignment)

    base = current_of(1, region, 1, run(region, {}))
    run(base, {})
    start = time.perf_counter()
    for i in range(1, runs + 1):
        run(base, {"remove_methodists": [f"SAH-MET{i:03d}"]})
    return (time.perf_counter() - start) / runs


if __name__ == "__main__":
    main()
