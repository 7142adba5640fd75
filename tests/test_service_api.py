"""The API over real HTTP (uvicorn on loopback), against SQLite and, when it answers, the
PostgreSQL server of this machine: tokens and roles, region upload with validation errors as
data, scenarios, errors as JSON, and data surviving a restart."""

from __future__ import annotations

import asyncio
import io
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import openpyxl
import pytest
from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from assign.cli import app as cli
from assign.io import load_region_or_raise, region_tables, write_tables
from assign.service.routers import jobs as jobs_router
from assign.service.store import open_database, role_of
from assign.service.store.models import JobRecord, RegionRecord
from conftest import DATA, card_id
from service_support import Server, database_fixture, region_zip, tokens, wait_job
from service_support import auth as _auth

database = pytest.fixture(params=["sqlite", "postgresql"])(database_fixture)


@pytest.fixture
def server(database: str) -> Iterator[Server]:
    running = Server(database)
    yield running
    running.stop()


_tokens = tokens
_zip = region_zip


def _wait(client: httpx.Client, job_id: int, token: str, seconds: float = 60) -> dict[str, object]:
    return wait_job(client, job_id, token, seconds)


def test_tokens_roles_regions_scenarios_and_a_restart(database: str, server: Server) -> None:
    tokens = _tokens(database)
    with httpx.Client(base_url=server.base, timeout=30) as client:
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["database"] == "ok", health
        missing = client.get("/regions")
        assert missing.status_code == 401 and missing.json()["code"] == "auth_required"
        wrong = client.get("/regions", headers=_auth("nope"))
        assert wrong.status_code == 401 and wrong.json()["code"] == "auth_invalid"

        upload = {"file": ("small_ok.zip", _zip(DATA / "small_ok"), "application/zip")}
        denied = client.post("/regions", files=upload, headers=_auth(tokens["viewer"]))
        assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
        created = client.post("/regions", files=upload, headers=_auth(tokens["planner"]))
        assert created.status_code == 201, created.text
        region = created.json()
        assert region["summary"]["teachers"] == 10 and region["summary"]["methodists"] == 3

        body = {
            "region_id": region["id"],
            "name": "Норма 200–250",
            "spec": {"assignment": {"preset": "federal"}},
        }
        viewer = client.post("/scenarios", json=body, headers=_auth(tokens["viewer"]))
        assert viewer.status_code == 403
        scenario = client.post("/scenarios", json=body, headers=_auth(tokens["planner"]))
        assert scenario.status_code == 201
        sid = scenario.json()["id"]
        body["name"] = "Норма 100–150"
        updated = client.put(f"/scenarios/{sid}", json=body, headers=_auth(tokens["planner"]))
        assert updated.json()["name"] == "Норма 100–150"
        listed = client.get("/scenarios", headers=_auth(tokens["viewer"])).json()
        assert [s["id"] for s in listed] == [sid]
        bad_region = client.post(
            "/scenarios", json={**body, "region_id": 999}, headers=_auth(tokens["planner"])
        )
        assert bad_region.status_code == 404 and bad_region.json()["code"] == "region_not_found"
        made = client.post("/tokens", json={"role": "planner"}, headers=_auth(tokens["admin"]))
        assert made.status_code == 201
        fresh = made.json()["token"]
        assert client.get("/scenarios", headers=_auth(fresh)).status_code == 200
        refused = client.post("/tokens", json={"role": "admin"}, headers=_auth(fresh))
        assert refused.status_code == 403
        # an unknown role names the roles there are (was «недопустимые символы»)
        unknown = client.post("/tokens", json={"role": "superuser"}, headers=_auth(tokens["admin"]))
        assert unknown.status_code == 422, unknown.text
        assert "допустимы: 'viewer', 'planner', 'admin'" in unknown.text, unknown.text
        bad_body = client.post("/scenarios", json={"name": ""}, headers=_auth(tokens["planner"]))
        assert bad_body.status_code == 422 and bad_body.json()["code"] == "request_invalid"
    server.stop()

    again = Server(database)  # a restart: a new process state on the same database
    try:
        with httpx.Client(base_url=again.base, timeout=30) as client:
            regions = client.get("/regions", headers=_auth(tokens["viewer"])).json()
            assert [r["name"] for r in regions] == ["small_ok"]
            kept = client.get(f"/scenarios/{sid}", headers=_auth(tokens["viewer"])).json()
            assert kept["name"] == "Норма 100–150"
            gone = client.delete(f"/scenarios/{sid}", headers=_auth(tokens["planner"]))
            assert gone.status_code == 204
            assert (
                client.get(f"/scenarios/{sid}", headers=_auth(tokens["viewer"])).json()["code"]
                == "scenario_not_found"
            )
    finally:
        again.stop()


def test_uploads_xlsx_and_bad_ones_come_back_as_data(
    database: str, server: Server, tmp_path: Path
) -> None:
    admin = _tokens(database)["admin"]
    teachers = (DATA / "small_ok" / "teachers.csv").read_text(encoding="utf-8")
    broken = teachers.replace(
        "Иванова Анна Петровна,S1,Математика", "Иванова Анна Петровна,S1,Алхимия"
    )
    with httpx.Client(base_url=server.base, timeout=30) as client:
        bad = client.post(
            "/regions",
            files={"file": ("r.zip", _zip(DATA / "small_ok", {"teachers.csv": broken}), "x")},
            headers=_auth(admin),
        )
        assert bad.status_code == 422
        body = bad.json()
        assert body["code"] == "region_invalid"
        (issue,) = [i for i in body["issues"] if i["code"] == "unknown_subject"]
        assert issue["file"] == "teachers.csv" and issue["row"] == 2
        assert issue["value"] == "Алхимия"
        book = tmp_path / "small.xlsx"
        write_tables(region_tables(load_region_or_raise(DATA / "small_ok")), book)
        xlsx = client.post(
            "/regions", files={"file": ("small.xlsx", book.read_bytes(), "x")}, headers=_auth(admin)
        )
        assert xlsx.status_code == 201 and xlsx.json()["summary"]["teachers"] == 10
        not_zip = client.post(
            "/regions", files={"file": ("r.txt", b"hello", "text/plain")}, headers=_auth(admin)
        )
        assert not_zip.status_code == 400 and not_zip.json()["code"] == "upload_format"
        nowhere = client.get("/no-such-page")
        assert nowhere.status_code == 404 and nowhere.json()["code"] == "not_found"


def test_token_create_prints_the_token_last(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = CliRunner().invoke(
        cli, ["token", "create", "--role", "planner"], env={"ASSIGN_DATABASE_URL": url}
    )
    assert done.exit_code == 0, done.output
    token = done.output.strip().splitlines()[-1]
    assert role_of(open_database(url), token) == "planner"
    wrong = CliRunner().invoke(
        cli, ["token", "create", "--role", "king"], env={"ASSIGN_DATABASE_URL": url}
    )
    assert wrong.exit_code == 2


def test_the_full_flow_jobs_results_compare_approve_restart(database: str, server: Server) -> None:
    tokens = _tokens(database)
    planner, viewer = _auth(tokens["planner"]), _auth(tokens["viewer"])
    with httpx.Client(base_url=server.base, timeout=60) as client:
        upload = {"file": ("small_ok.zip", _zip(DATA / "small_ok"), "application/zip")}
        region = client.post("/regions", files=upload, headers=_auth(tokens["admin"])).json()
        loose = {"assignment": {"min_load": 0, "max_load": 9}, "plan_year": True, "plan_seconds": 3}
        tight = {
            "assignment": {"min_load": 0, "max_load": 9, "allow_partial": True},
            "changes": {"remove_methodists": ["P2"]},
        }
        ids = []
        for name, spec in (("как есть", loose), ("без P2", tight)):
            body = {"region_id": region["id"], "name": name, "spec": spec}
            ids.append(client.post("/scenarios", json=body, headers=planner).json()["id"])
        denied = client.post(f"/scenarios/{ids[0]}/jobs", headers=viewer)
        assert denied.status_code == 403  # a viewer cannot run a job
        submitted = [client.post(f"/scenarios/{s}/jobs", headers=planner) for s in ids]
        assert all(r.status_code == 202 for r in submitted)  # two jobs at once
        jobs = [r.json()["id"] for r in submitted]
        finished = [_wait(client, j, tokens["viewer"]) for j in jobs]
        assert [f["status"] for f in finished] == ["done", "done"], finished
        assert finished[0]["progress"]["done"] == finished[0]["progress"]["total"]
        assert finished[0]["progress"]["objective"] >= finished[0]["progress"]["bound"] - 1e-6
        first = client.get(
            f"/jobs/{jobs[0]}/result", headers=viewer, params={"offset": 0, "limit": 4}
        ).json()
        assert first["total"] == 10 and len(first["assignment"]) == 4
        assert first["kpi"]["status"] == "optimal"
        rest = client.get(
            f"/jobs/{jobs[0]}/result", headers=viewer, params={"offset": 4, "limit": 100}
        ).json()
        full = {
            p["teacher_id"]: p["methodist_id"] for p in first["assignment"] + rest["assignment"]
        }
        assert len(full) == 10
        second = client.get(f"/jobs/{jobs[1]}/result", headers=viewer, params={"limit": 100}).json()
        other = {p["teacher_id"]: p["methodist_id"] for p in second["assignment"]}
        assert other and "P2" not in other.values()
        compared = client.get("/compare", headers=viewer, params=[("jobs", j) for j in jobs]).json()
        differ = {t for t in full if full[t] != other.get(t)}
        assert compared["differing_teachers"] == len(differ) > 0
        assert {row["teacher_id"] for row in compared["teachers"]} == differ
        assert set(compared["kpi"]) == {str(j) for j in jobs}
        # names beside the ids, as the region's files have them (the review's «ids only»)
        small = load_region_or_raise(DATA / "small_ok")
        people = {t.teacher_id: t.full_name for t in small.teachers} | {
            m.methodist_id: m.full_name for m in small.methodists
        }
        # kept with the upload, so a teacher with no change row (none in the current order,
        # the review's TMB-T00112) is named too
        engine = open_database(database)
        with Session(engine) as session:
            kept = session.scalars(select(RegionRecord.index)).one()
        engine.dispose()
        assert {k: kept["names"][k] for k in people} == people
        for row in compared["teachers"]:
            assert row["full_name"] == people[row["teacher_id"]], row
            for j in jobs:
                who = row[str(j)]
                assert row["names"][str(j)] == (people[who] if who else None), row
        # the first scenario asked for its year plan: it is kept with the result
        year = client.get(f"/jobs/{jobs[0]}/schedule", headers=viewer, params={"limit": 5}).json()
        assert year.get("total", 0) > 5, year
        assert len(year["rows"]) == 5
        assert all(r["start"] and r["methodist_id"] in full.values() for r in year["rows"])
        absent = client.get(f"/jobs/{jobs[1]}/schedule", headers=viewer)
        assert absent.status_code == 404 and absent.json()["code"] == "schedule_absent"
        # approve the first, then the second: the realignment lists exactly the differences
        first = client.post(f"/jobs/{jobs[0]}/approve", headers=planner).json()
        # against the region's current order, as the order counts: who had a methodist and
        # now has another; who had none is assigned for the first time
        current = load_region_or_raise(DATA / "small_ok").current_methodist_of
        assert first["changed"] == sum(full[t] != m for t, m in current.items())
        assert first["newly_assigned"] == len(set(full) - set(current)) > 0
        assert len(first["teachers"]) == first["changed"] + first["newly_assigned"]
        report = client.post(f"/jobs/{jobs[1]}/approve", headers=planner).json()
        assert report["changed"] == len(differ) and report["newly_assigned"] == 0
        assert {(r["teacher_id"], r["before"], r["after"]) for r in report["teachers"]} == {
            (t, full[t], other.get(t)) for t in differ
        }
        # a new run starts from the approved plan: disturbing it as little as possible
        again = client.post(f"/scenarios/{ids[1]}/jobs", headers=planner).json()["id"]
        assert _wait(client, again, tokens["viewer"])["status"] == "done"
        kpi = client.get(f"/jobs/{again}/result", headers=viewer).json()["kpi"]
        assert kpi["overall"]["changed"] == 0
        # the approved plans: the last is current; approving an earlier one restores it
        plans = client.get(f"/regions/{region['id']}/plans", headers=viewer).json()
        assert [(p["job_id"], p["current"]) for p in plans] == [(jobs[1], True), (jobs[0], False)]
        client.post(f"/jobs/{jobs[0]}/approve", headers=planner).raise_for_status()
        plans = client.get(f"/regions/{region['id']}/plans", headers=viewer).json()
        assert plans[0]["job_id"] == jobs[0] and plans[0]["current"]
        # documents of a result, re-read: every assigned teacher in the order's appendix
        order = client.get(f"/jobs/{jobs[0]}/documents/order.docx", headers=viewer)
        assert order.status_code == 200
        # saved under the scenario's name, for a folder of downloads; the plain name beside
        saved_as = order.headers["content-disposition"]
        assert 'filename="order.docx"' in saved_as
        assert unquote(saved_as.split("filename*=UTF-8''")[1]) == "как есть — order.docx"
        cells = {
            c.text for row in Document(io.BytesIO(order.content)).tables[0].rows for c in row.cells
        }
        names = {t.full_name for t in load_region_or_raise(DATA / "small_ok").teachers}
        listed = "\n".join(cells)  # a paragraph per school: «школа: ФИО, ФИО.»
        assert all(name in listed for name in names)
        book = client.get(f"/jobs/{jobs[0]}/documents/assignment.xlsx", headers=viewer)
        assert openpyxl.load_workbook(io.BytesIO(book.content))["Сводка"].cell(4, 4).value == 10
        cards = client.get(f"/jobs/{jobs[0]}/documents/iom.zip", headers=viewer)
        on_iom = {
            t.teacher_id
            for t in load_region_or_raise(DATA / "small_ok").teachers
            if "iom" in t.categories
        }
        with zipfile.ZipFile(io.BytesIO(cards.content)) as archive:
            assert {card_id(n) for n in archive.namelist()} == on_iom
        # the planner's workbook as the CLI writes it: every teacher by name
        plan = openpyxl.load_workbook(
            io.BytesIO(client.get(f"/jobs/{jobs[0]}/documents/plan.xlsx", headers=viewer).content)
        )
        served = [r for r in plan["Закрепление"].iter_rows(min_row=4, values_only=True) if r[0]]
        assert {r[1] for r in served} == names and len(served) == 10
        unknown = client.get(f"/jobs/{jobs[0]}/documents/secret.txt", headers=viewer)
        assert unknown.status_code == 404 and unknown.json()["code"] == "document_unknown"
        not_ready = client.get("/jobs/999/result", headers=viewer)
        assert not_ready.status_code == 404 and not_ready.json()["code"] == "job_not_found"
    server.stop()
    # a job a stopped server left running is marked failed when the server starts again
    engine = open_database(database)
    with Session(engine) as session:
        session.add(
            JobRecord(scenario_id=ids[0], region_id=region["id"], status="running", progress={})
        )
        session.commit()
    engine.dispose()
    restarted = Server(database)
    try:
        with httpx.Client(base_url=restarted.base, timeout=30) as client:
            listed = client.get(f"/jobs/{jobs[0]}/result", headers=viewer).json()
            assert listed["approved"] is True and listed["total"] == 10
            interrupted = client.get(f"/jobs/{again + 1}", headers=viewer).json()
            assert interrupted["status"] == "failed" and "перезапуском" in interrupted["error"]
    finally:
        restarted.stop()


def _queued_job(
    client: httpx.Client, made: dict[str, str]
) -> tuple[dict[str, Any], int, dict[str, Any]]:
    """small_ok uploaded, a scenario saved and run: the region, the scenario's id, the job."""
    upload = {"file": ("r.zip", _zip(DATA / "small_ok"), "application/zip")}
    region = client.post("/regions", files=upload, headers=_auth(made["admin"])).json()
    body = {"region_id": region["id"], "name": "s", "spec": {}}
    sid = client.post("/scenarios", json=body, headers=_auth(made["planner"])).json()["id"]
    job = client.post(f"/scenarios/{sid}/jobs", headers=_auth(made["planner"])).json()
    return region, sid, job


def test_a_queued_job_is_cancelled_and_never_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    made = _tokens(url)
    server = Server(url, workers=0)  # nothing takes jobs: it stays queued
    try:
        with httpx.Client(base_url=server.base, timeout=30) as client:
            *_, job = _queued_job(client, made)
            assert job["status"] == "queued"
            cancelled = client.post(f"/jobs/{job['id']}/cancel", headers=_auth(made["planner"]))
            assert cancelled.json()["status"] == "cancelled"
            again = client.post(f"/jobs/{job['id']}/cancel", headers=_auth(made["planner"]))
            assert again.status_code == 409 and again.json()["code"] == "job_finished"
            # a worker that looks for work later finds nothing to run
            from assign.service.jobs.queue import claim

            engine = open_database(url)
            assert claim(engine, "test:1") is None
            engine.dispose()
            result = client.get(f"/jobs/{job['id']}/result", headers=_auth(made["viewer"]))
            assert result.status_code == 409 and result.json()["code"] == "result_not_ready"
            # the status in Russian, as the rest of the message (was «…: cancelled»)
            assert result.json()["message"] == f"У задания {job['id']} нет результата: оно отменено"
    finally:
        server.stop()


def test_a_long_poll_answers_when_the_job_ends_or_when_its_wait_is_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    made = _tokens(url)
    server = Server(url, workers=0)  # the job stays queued until cancelled
    try:
        with httpx.Client(base_url=server.base, timeout=30) as client:
            region, sid, job = _queued_job(client, made)
            path, viewer = f"/jobs/{job['id']}", _auth(made["viewer"])
            start = time.monotonic()
            waited = client.get(path, params={"wait": 0.6}, headers=viewer)
            assert waited.json()["status"] == "queued" and time.monotonic() - start >= 0.6
            for bad in ("31", "-1", "nan", "inf"):
                refused = client.get(path, params={"wait": bad}, headers=viewer)
                assert refused.status_code == 422 and refused.json()["code"], bad
            answers: list[tuple[float, dict[str, object]]] = []

            def long_poll() -> None:
                with httpx.Client(base_url=server.base, timeout=30) as own:
                    state = own.get(path, params={"wait": 20}, headers=viewer).json()
                    answers.append((time.monotonic(), state))

            waiter = threading.Thread(target=long_poll)
            waiter.start()
            time.sleep(0.5)
            cancelled_at = time.monotonic()
            client.post(f"{path}/cancel", headers=_auth(made["planner"])).raise_for_status()
            waiter.join(timeout=25)
            (answered_at, state), *_ = answers
            assert state["status"] == "cancelled"
            assert answered_at - cancelled_at < 1.0  # not at the end of its 20 s
            other = client.get("/jobs/999", params={"wait": 5}, headers=viewer)
            assert other.status_code == 404 and other.json()["code"] == "job_not_found"
            # past the long polls a server holds, a poll pauses a second and answers
            second = client.post(f"/scenarios/{sid}/jobs", headers=_auth(made["planner"]))
            path = f"/jobs/{second.json()['id']}"
            monkeypatch.setattr(jobs_router, "LONG_POLLS", 0)
            start = time.monotonic()
            early = client.get(path, params={"wait": 20}, headers=viewer)
            assert early.json()["status"] == "queued" and 0.9 < time.monotonic() - start < 3
            assert sum(jobs_router._held.values()) == 0  # every poll held was let go
            monkeypatch.setattr(jobs_router, "LONG_POLLS", 64)
            # its region deleted while a poll waits: the job is not found, not a 500
            answers.clear()
            waiter = threading.Thread(target=long_poll)
            waiter.start()
            time.sleep(0.5)
            gone = client.delete(f"/regions/{region['id']}", headers=_auth(made["admin"]))
            assert gone.status_code == 204
            waiter.join(timeout=25)
            assert answers and answers[0][1]["code"] == "job_not_found"
    finally:
        server.stop()


async def _burst(base: str, headers: dict[str, str], paths: list[str]) -> list[tuple[int, float]]:
    """Every path requested at once, each on a connection of its own: status and seconds."""
    limits = httpx.Limits(max_connections=len(paths) + 5)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def one(path: str) -> tuple[int, float]:
            start = time.monotonic()
            answer = await client.get(path, headers=headers)
            return answer.status_code, time.monotonic() - start

        return await asyncio.gather(*(one(p) for p in paths))


def test_a_hundred_requests_at_once_and_long_polls_that_are_left_or_outlive_their_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests past the connections a server has wait their turn (they locked the pool
    for 30 s and ended in 500s); a long poll whose client left lets its slot go; one whose
    token was revoked while it waited answers 401."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    made = _tokens(url)
    server = Server(url, workers=0)
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            *_, job = _queued_job(client, made)
            path, viewer = f"/jobs/{job['id']}", _auth(made["viewer"])

            answers = asyncio.run(_burst(server.base, viewer, ["/jobs?limit=5", "/regions"] * 60))
            assert {code for code, _ in answers} == {200}
            assert max(seconds for _, seconds in answers) < 20  # the pool waited 30 s
            # long polls whose clients gave up: their slots go with them
            monkeypatch.setattr(jobs_router, "LONG_POLLS", 3)
            for _ in range(3):
                with pytest.raises(httpx.ReadTimeout):
                    client.get(path, params={"wait": 30}, headers=viewer, timeout=0.3)
            time.sleep(0.5)
            start = time.monotonic()
            held = client.get(path, params={"wait": 2}, headers=viewer)
            assert held.json()["status"] == "queued" and time.monotonic() - start > 1.8
            assert sum(jobs_router._held.values()) == 0
            # a token revoked while its poll waits
            admin = _auth(made["admin"])
            listed = client.get("/tokens", headers=admin).json()
            (token_id,) = [t["id"] for t in listed if t["role"] == "viewer"]
            revoked: list[httpx.Response] = []
            waiter = threading.Thread(
                target=lambda: revoked.append(
                    client.get(path, params={"wait": 5}, headers=viewer, timeout=30)
                )
            )
            waiter.start()
            time.sleep(0.5)
            assert client.delete(f"/tokens/{token_id}", headers=admin).status_code == 204
            waiter.join(timeout=30)
            assert revoked[0].status_code == 401 and revoked[0].json()["code"] == "auth_invalid"
    finally:
        server.stop()


def _docx_text(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


def _xlsx_values(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_api_documents_equal_the_cli_documents_of_the_same_plan(tmp_path: Path) -> None:
    """One pipeline: `assign scenario run` and a job of the same scenario give the same
    order, workbook, roadmaps and IOM cards, the API's made from the plan it stored."""
    spec = {"assignment": {"min_load": 0, "max_load": 9}, "plan_year": True, "plan_seconds": 5}
    scenario_file = tmp_path / "s.yaml"
    import yaml

    scenario_file.write_text(
        yaml.safe_dump({"name": "как есть", **spec}, allow_unicode=True), encoding="utf-8"
    )
    out = tmp_path / "cli"
    done = CliRunner().invoke(
        cli,
        [
            "scenario",
            "run",
            str(scenario_file),
            "--region",
            str(DATA / "small_ok"),
            "--out",
            str(out),
        ],
    )
    assert done.exit_code == 0, done.output
    url = f"sqlite:///{tmp_path / 'd.db'}"
    made = _tokens(url)
    server = Server(url)
    try:
        with httpx.Client(base_url=server.base, timeout=120) as client:
            upload = {"file": ("small_ok.zip", _zip(DATA / "small_ok"), "application/zip")}
            region = client.post("/regions", files=upload, headers=_auth(made["admin"])).json()
            body = {"region_id": region["id"], "name": "как есть", "spec": spec}
            sid = client.post("/scenarios", json=body, headers=_auth(made["planner"])).json()["id"]
            job = client.post(f"/scenarios/{sid}/jobs", headers=_auth(made["planner"])).json()["id"]
            assert _wait(client, job, made["viewer"])["status"] == "done"
            # the scenario changes after the run: the documents stay those of the stored plan
            body["spec"] = {"assignment": {"preset": "federal"}}
            client.put(f"/scenarios/{sid}", json=body, headers=_auth(made["planner"]))
            got = {
                name: client.get(f"/jobs/{job}/documents/{name}", headers=_auth(made["viewer"]))
                for name in ("order.docx", "assignment.xlsx", "roadmaps.xlsx", "iom.zip")
            }
    finally:
        server.stop()
    assert all(r.status_code == 200 for r in got.values())
    docs = out / "documents"
    assert _docx_text(got["order.docx"].content) == _docx_text((docs / "order.docx").read_bytes())
    for name in ("assignment.xlsx", "roadmaps.xlsx"):
        assert _xlsx_values(got[name].content) == _xlsx_values((docs / name).read_bytes()), name
    with zipfile.ZipFile(io.BytesIO(got["iom.zip"].content)) as archive:
        cards = {n: _docx_text(archive.read(n)) for n in archive.namelist()}
    assert cards == {p.name: _docx_text(p.read_bytes()) for p in (docs / "iom").glob("*.docx")}
    assert cards


def test_an_older_database_is_upgraded_with_its_rows_kept(tmp_path: Path) -> None:
    """A 0002 database (before organisations) gets every row into one organisation; its
    approved result becomes an approval; ids are not reused after a delete."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from assign.service.store import MIGRATIONS, role_of

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO regions (id, name, source_kind, source, summary, created_at) "
                "VALUES (1, 'r', 'zip', x'00', '{}', CURRENT_TIMESTAMP), "
                "(2, 'r2', 'zip', x'00', '{}', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO tokens (token_hash, role, created_at) VALUES (:h, 'viewer', "
                "CURRENT_TIMESTAMP)"
            ),
            {"h": __import__("hashlib").sha256(b"old-secret").hexdigest()},
        )
        conn.execute(
            text(
                "INSERT INTO scenarios (id, region_id, name, spec, created_at, updated_at) "
                "VALUES (1, 1, 's', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO jobs (id, scenario_id, status, progress, created_at) "
                "VALUES (1, 1, 'done', '{}', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO results (id, job_id, kpi, assignment, approved_at) "
                "VALUES (1, 1, '{}', '{\"T1\": \"P1\"}', CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    upgraded = open_database(url)
    with upgraded.begin() as conn:
        assert conn.execute(text("SELECT org_id FROM regions")).scalars().all() == [1, 1]
        assert conn.execute(text("SELECT region_id FROM jobs")).scalar() == 1
        assert conn.execute(text("SELECT region_id, result_id FROM approvals")).one() == (1, 1)
        conn.execute(text("DELETE FROM regions WHERE id = 2"))
        conn.execute(
            text(
                "INSERT INTO regions (org_id, name, source_kind, source, summary, plan_version, "
                "created_at) VALUES (1, 'r3', 'zip', x'00', '{}', 0, CURRENT_TIMESTAMP)"
            )
        )
        assert conn.execute(text("SELECT max(id) FROM regions")).scalar() == 3
    assert role_of(upgraded, "old-secret") == "viewer"
    upgraded.dispose()
