"""The service as an attacker and a bad day see it: tenancy, tokens that expire and are
revoked, the audit log, deletion on request (152-ФЗ), protected approved plans on both
databases, request limits before authentication, bombs refused, every error JSON."""

from __future__ import annotations

import io
import itertools
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from assign.cli import app as cli
from assign.service.store import create_token, open_database
from conftest import DATA
from service_support import (
    PG_ADMIN,
    Server,
    auth,
    database_fixture,
    pg_reachable,
    region_zip,
    run_scenario,
    tokens,
    upload,
    wait_job,
)

database = pytest.fixture(params=["sqlite", "postgresql"])(database_fixture)
SMALL = {"assignment": {"min_load": 0, "max_load": 9}}


@pytest.fixture
def server(database: str) -> Iterator[Server]:
    running = Server(database)
    yield running
    running.stop()


def _done_job(client: httpx.Client, made: dict[str, str], region: int, spec: Any, name: str) -> int:
    job = run_scenario(client, made["planner"], region, spec, name)
    assert wait_job(client, job, made["viewer"])["status"] == "done"
    return job


def test_one_organisation_never_sees_another(database: str, server: Server) -> None:
    ours, theirs = tokens(database, "ЦНППМ Тамбов"), tokens(database, "ЦНППМ Якутия")
    with httpx.Client(base_url=server.base, timeout=60) as client:
        region = upload(client, ours["admin"], region_zip(DATA / "small_ok")).json()["id"]
        job = _done_job(client, ours, region, SMALL, "наш")
        scenario = client.get(f"/jobs/{job}", headers=auth(ours["viewer"])).json()["scenario_id"]
        client.post(f"/jobs/{job}/approve", headers=auth(ours["planner"])).raise_for_status()
        spy = auth(theirs["admin"])
        for path in (
            f"/regions/{region}",
            f"/regions/{region}/plans",
            f"/scenarios/{scenario}",
            f"/jobs/{job}",
            f"/jobs/{job}/result",
            f"/jobs/{job}/schedule",
            f"/jobs/{job}/documents/order.docx",
        ):
            answer = client.get(path, headers=spy)
            assert answer.status_code == 404, (path, answer.text)
            assert answer.json()["code"].endswith("_not_found")
        assert (
            client.get("/compare", params=[("jobs", job), ("jobs", job)], headers=spy).status_code
            == 404
        )
        for method, path in (
            ("POST", f"/jobs/{job}/approve"),
            ("POST", f"/jobs/{job}/cancel"),
            ("POST", f"/scenarios/{scenario}/jobs"),
            ("DELETE", f"/scenarios/{scenario}"),
            ("DELETE", f"/regions/{region}"),
        ):
            assert client.request(method, path, headers=spy).status_code == 404, path
        body = {"region_id": region, "name": "чужой", "spec": {}}
        assert client.post("/scenarios", json=body, headers=spy).status_code == 404
        assert client.put(f"/scenarios/{scenario}", json=body, headers=spy).status_code == 404
        assert client.get("/regions", headers=spy).json() == []
        assert client.get("/scenarios", headers=spy).json() == []
        assert client.get("/jobs", headers=spy).json() == []
        assert all(e["action"] == "token.used" for e in client.get("/audit", headers=spy).json())
        # ours still sees everything
        assert client.get(f"/jobs/{job}/result", headers=auth(ours["viewer"])).status_code == 200


def test_tokens_expire_are_listed_and_revoked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    engine = open_database(url)
    admin = create_token(engine, "admin", "ЦНППМ")
    short = create_token(engine, "viewer", "ЦНППМ", "на минуту", days=1 / (24 * 3600))
    engine.dispose()
    server = Server(url, workers=0)
    try:
        with httpx.Client(base_url=server.base, timeout=30) as client:
            time.sleep(1.5)
            expired = client.get("/regions", headers=auth(short))
            assert expired.status_code == 401 and expired.json()["code"] == "auth_invalid"
            made = client.post(
                "/tokens",
                json={"role": "planner", "name": "Петрова", "days": 30},
                headers=auth(admin),
            )
            assert made.status_code == 201
            fresh = made.json()
            assert client.get("/regions", headers=auth(fresh["token"])).status_code == 200
            listed = client.get("/tokens", headers=auth(admin)).json()
            assert {t["name"] for t in listed} == {"", "на минуту", "Петрова"}
            assert all("token" not in t and "token_hash" not in t for t in listed)
            assert client.get("/tokens", headers=auth(fresh["token"])).status_code == 403
            gone = client.delete(f"/tokens/{fresh['id']}", headers=auth(admin))
            assert gone.status_code == 204
            assert client.get("/regions", headers=auth(fresh["token"])).status_code == 401
            revoked = {t["id"]: t for t in client.get("/tokens", headers=auth(admin)).json()}
            assert revoked[fresh["id"]]["revoked_at"] is not None
            bad = client.post("/tokens", json={"role": "admin", "days": "inf"}, headers=auth(admin))
            assert bad.status_code == 422 and bad.json()["code"] == "request_invalid"
    finally:
        server.stop()


def test_token_create_never_prints_the_database_password() -> None:
    if not pg_reachable():
        pytest.skip("PostgreSQL is not reachable")
    url = PG_ADMIN.replace("postgres@", "postgres:s3cret-word@")  # trust auth ignores it
    done = CliRunner().invoke(
        cli, ["token", "create", "--role", "viewer"], env={"ASSIGN_DATABASE_URL": url}
    )
    assert done.exit_code == 0, done.output
    assert "s3cret-word" not in done.output and "***" in done.output


def test_audit_log_and_deletion_on_request(database: str, server: Server) -> None:
    made = tokens(database)
    names = {"Иванова Анна Петровна", "Лебедева Наталья Викторовна"}
    with httpx.Client(base_url=server.base, timeout=60) as client:
        region = upload(client, made["admin"], region_zip(DATA / "small_ok")).json()["id"]
        job = _done_job(client, made, region, SMALL, "план")
        client.post(f"/jobs/{job}/approve", headers=auth(made["planner"])).raise_for_status()
        order = client.get(f"/jobs/{job}/documents/order.docx", headers=auth(made["viewer"]))
        assert order.status_code == 200
        assert client.get("/audit", headers=auth(made["planner"])).status_code == 403
        deleted = client.delete(f"/regions/{region}", headers=auth(made["admin"]))
        assert deleted.status_code == 204
        assert client.get(f"/regions/{region}", headers=auth(made["viewer"])).status_code == 404
        assert client.get(f"/jobs/{job}", headers=auth(made["viewer"])).status_code == 404
        log = client.get("/audit", headers=auth(made["admin"])).json()
        actions = [e["action"] for e in log]
        for action in ("plan.approved", "documents.downloaded", "token.used", "region.deleted"):
            assert action in actions, actions
        (gone,) = [e for e in log if e["action"] == "region.deleted"]
        assert gone["target"] == f"region:{region}" and gone["details"]["teachers"] == 10
        assert not any(name in str(log) for name in names)
    # nothing of the region's people is left anywhere in the database
    engine = create_engine(database)
    with engine.connect() as conn:
        for table in ("regions", "scenarios", "jobs", "results", "approvals", "documents"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
    engine.dispose()


def test_approved_plans_survive_scenario_edits_and_deletes(database: str, server: Server) -> None:
    made = tokens(database)
    planner, viewer = auth(made["planner"]), auth(made["viewer"])
    with httpx.Client(base_url=server.base, timeout=60) as client:
        first = upload(client, made["admin"], region_zip(DATA / "small_ok")).json()["id"]
        other = upload(client, made["admin"], region_zip(DATA / "small_ok"), "other.zip").json()[
            "id"
        ]
        job = _done_job(client, made, first, SMALL, "утверждаемый")
        scenario = client.get(f"/jobs/{job}", headers=viewer).json()["scenario_id"]
        plan = client.get(f"/jobs/{job}/result", headers=viewer).json()
        client.post(f"/jobs/{job}/approve", headers=planner).raise_for_status()
        # the scenario moves to another region: the approved plan stays with the first
        body = {"region_id": other, "name": "перенесён", "spec": SMALL}
        assert client.put(f"/scenarios/{scenario}", json=body, headers=planner).status_code == 200
        assert [
            p["job_id"] for p in client.get(f"/regions/{first}/plans", headers=viewer).json()
        ] == [job]
        assert client.get(f"/regions/{other}/plans", headers=viewer).json() == []
        # deleted: the plan, its result and its documents stay
        assert client.delete(f"/scenarios/{scenario}", headers=planner).status_code == 204
        kept = client.get(f"/jobs/{job}/result", headers=viewer).json()
        assert kept["assignment"] == plan["assignment"] and kept["approved"]
        assert kept["scenario"] == "утверждаемый"
        plans = client.get(f"/regions/{first}/plans", headers=viewer).json()
        assert [(p["job_id"], p["current"]) for p in plans] == [(job, True)]
        docs = client.get(f"/jobs/{job}/documents/assignment.xlsx", headers=viewer)
        assert docs.status_code == 200
        # a new scenario does not take over the deleted one's id or plan
        fresh = run_scenario(client, made["planner"], other, SMALL, "новый")
        wait_job(client, fresh, made["viewer"])
        assert client.get(f"/regions/{other}/plans", headers=viewer).json() == []
        # an infeasible plan cannot be approved
        tight = {"assignment": {"min_load": 0, "max_load": 1, "allow_partial": False}}
        bad = run_scenario(client, made["planner"], first, tight, "невозможный")
        wait_job(client, bad, made["viewer"])
        refused = client.post(f"/jobs/{bad}/approve", headers=planner)
        assert refused.status_code == 409 and refused.json()["code"] == "plan_infeasible"


def test_racing_approvals_are_serialised(database: str, server: Server) -> None:
    made = tokens(database)
    planner, viewer = auth(made["planner"]), auth(made["viewer"])
    with httpx.Client(base_url=server.base, timeout=60) as client:
        region = upload(client, made["admin"], region_zip(DATA / "small_ok")).json()["id"]
        a = _done_job(client, made, region, SMALL, "a")
        b = _done_job(
            client, made, region, {**SMALL, "changes": {"remove_methodists": ["P2"]}}, "b"
        )
        plans = {
            j: client.get(f"/jobs/{j}/result", headers=viewer, params={"limit": 100}).json()
            for j in (a, b)
        }
        maps = {
            j: {p["teacher_id"]: p["methodist_id"] for p in r["assignment"]}
            for j, r in plans.items()
        }
    answers: list[tuple[int, httpx.Response]] = []

    def approve(job: int) -> None:
        with httpx.Client(base_url=server.base, timeout=60) as own:
            answers.append((job, own.post(f"/jobs/{job}/approve", headers=planner)))

    for _ in range(4):
        threads = [threading.Thread(target=approve, args=(j,)) for j in (a, b, a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert all(r.status_code in (200, 409) for _, r in answers)
    assert all(r.json()["code"] == "approval_conflict" for _, r in answers if r.status_code == 409)
    with httpx.Client(base_url=server.base, timeout=60) as client:
        history = client.get(f"/regions/{region}/plans", headers=viewer).json()[::-1]
    succeeded = [r for _, r in answers if r.status_code == 200]
    assert len(history) == len(succeeded)
    # every approval reports exactly the change from the plan approved just before it, as
    # the order counts it: who had a methodist and now has another or none (one who had none
    # is assigned for the first time)
    for before, after in itertools.pairwise(history):
        old, new = maps[before["job_id"]], maps[after["job_id"]]
        differ = sum(1 for t in old if old[t] != new.get(t))
        assert after["changed"] == differ, (before, after)


def test_request_limits_come_before_authentication(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    made = tokens(url)
    server = Server(url, workers=0, max_request_mb=1)
    try:
        with httpx.Client(base_url=server.base, timeout=30) as client:
            big = b"0" * (3 * 1024 * 1024)
            declared = client.post("/regions", content=big)  # no token, Content-Length 3 MB
            assert declared.status_code == 413 and declared.json()["code"] == "request_too_large"

            def chunks() -> Iterator[bytes]:  # a well-formed file part that never ends
                yield (
                    b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\n'
                    b"Content-Type: application/zip\r\n\r\n"
                )
                for _ in range(300):
                    yield b"0" * 65536

            form = {**auth(made["admin"]), "content-type": "multipart/form-data; boundary=x"}
            streamed = client.post("/regions", content=chunks(), headers=form)
            assert streamed.status_code == 413 and streamed.json()["code"] == "request_too_large"
            # an anonymous small upload is refused for want of a token, never parsed
            small = upload(client, "nope", region_zip(DATA / "small_ok"))
            assert small.status_code == 401
    finally:
        server.stop()


def _bomb(kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "zip":
        with (
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
            archive.open("teachers.csv", "w", force_zip64=True) as member,
        ):
            for _ in range(1024):
                member.write(b"\0" * (1024 * 1024))
    elif kind == "xlsx":
        sheet = (
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData/></worksheet>'
        )
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", sheet)
    elif kind == "many_issues":
        rows = (
            "teacher_id,full_name,school_id,subject,category,load_weight\n" + "T,,,,,\n" * 200_000
        )
        with zipfile.ZipFile(buffer, "w") as archive:  # stored: 1.4 MB of bad rows
            archive.writestr("teachers.csv", rows)
            for name in ("schools.csv", "methodists.csv", "municipalities.csv"):
                archive.writestr(name, (DATA / "small_ok" / name).read_text(encoding="utf-8"))
    elif kind == "corrupt":
        good = region_zip(DATA / "small_ok")
        return good[:200] + b"\xff" * 50 + good[250:]
    elif kind == "encrypted":
        good = bytearray(region_zip(DATA / "small_ok"))
        at = good.find(b"PK\x01\x02")
        while at != -1:  # set the "encrypted" flag of every entry in the central directory
            good[at + 8] |= 1
            at = good.find(b"PK\x01\x02", at + 4)
        good[6] |= 1
        return bytes(good)
    elif kind == "fake_xlsx":
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "kind", ["zip", "xlsx", "many_issues", "corrupt", "encrypted", "fake_xlsx"]
)
def test_bombs_and_broken_uploads_are_refused_as_json(tmp_path: Path, kind: str) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    made = tokens(url)
    server = Server(url, workers=0, render_memory_mb=1024)
    try:
        with httpx.Client(base_url=server.base, timeout=120) as client:
            started = time.monotonic()
            answer = upload(
                client, made["admin"], _bomb(kind), f"bomb.{'xlsx' if 'xlsx' in kind else 'zip'}"
            )
            assert 400 <= answer.status_code < 500, answer.text[:500]
            body = answer.json()
            assert body["code"] and any("а" <= c <= "я" for c in body["message"].lower())
            assert len(answer.content) < 200_000  # a bounded report, not every issue
            assert time.monotonic() - started < 60
            if kind == "many_issues":
                assert body["issues_total"] >= len(body["issues"])
            assert client.get("/regions", headers=auth(made["viewer"])).json() == []
    finally:
        server.stop()


def test_reading_an_upload_never_blocks_the_server(tmp_path: Path) -> None:
    from conftest import SAMPLES

    url = f"sqlite:///{tmp_path / 'h.db'}"
    made = tokens(url)
    server = Server(url, workers=0)
    try:
        data = region_zip(SAMPLES / "yakutia")
        done: list[httpx.Response] = []

        def send() -> None:
            with httpx.Client(base_url=server.base, timeout=300) as own:
                done.append(upload(own, made["admin"], data))

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(1.0)
        with httpx.Client(base_url=server.base, timeout=30) as client:
            slowest = 0.0
            while sender.is_alive():
                began = time.monotonic()
                client.get("/health")
                slowest = max(slowest, time.monotonic() - began)
                time.sleep(0.2)
        sender.join()
        assert done[0].status_code == 201, done[0].text[:300]
        assert slowest < 1.0, slowest
    finally:
        server.stop()


def test_errors_are_json_in_russian(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    made = tokens(url)
    server = Server(url, workers=0)
    try:
        with httpx.Client(base_url=server.base, timeout=30) as client:
            region = upload(client, made["admin"], region_zip(DATA / "small_ok")).json()["id"]
            planner = {**auth(made["planner"]), "content-type": "application/json"}
            for content in (
                b"{not json",
                b'{"region_id": 1, "name": "x", "spec": {"assignment": {"min_load": NaN}}}',
                b'{"region_id": 1, "name": "x\\u0000y", "spec": {}}',
                b'{"region_id": 1, "name": "x", "spec": [1]}',
            ):
                answer = client.post(
                    "/scenarios",
                    content=content.replace(b"1,", f"{region},".encode()),
                    headers=planner,
                )
                assert answer.status_code == 422, (content, answer.text)
                assert answer.json()["code"] in ("request_invalid", "scenario_invalid")
            assert client.delete("/health").json()["code"] == "method_not_allowed"
            assert client.get("/jobs/abc", headers=auth(made["viewer"])).status_code == 422
    finally:
        server.stop()


def test_hostile_names_uploaded_come_back_as_text_in_every_document(tmp_path: Path) -> None:
    """A region whose names hold Word XML and formulas, uploaded, planned and downloaded:
    every document the API gives is re-opened and holds the names as plain text."""
    import openpyxl

    from test_injection import HOSTILE, TEACHERS, assert_no_live_xml, docx_text, hostile_region

    folder = hostile_region(tmp_path / "hostile")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    made = tokens(url)
    server = Server(url)
    try:
        with httpx.Client(base_url=server.base, timeout=120) as client:
            created = upload(client, made["admin"], region_zip(folder))
            assert created.status_code == 201, created.text
            job = _done_job(client, made, created.json()["id"], SMALL, "враждебные имена")
            got = {
                name: client.get(f"/jobs/{job}/documents/{name}", headers=auth(made["viewer"]))
                for name in ("order.docx", "assignment.xlsx", "roadmaps.xlsx", "iom.zip")
            }
    finally:
        server.stop()
    assert all(r.status_code == 200 for r in got.values())
    order = tmp_path / "order.docx"
    order.write_bytes(got["order.docx"].content)
    assert_no_live_xml(order)
    assert all(name in docx_text(order) for name in TEACHERS)
    with zipfile.ZipFile(io.BytesIO(got["iom.zip"].content)) as archive:
        for member in archive.namelist():
            card = tmp_path / Path(member).name
            card.write_bytes(archive.read(member))
            assert_no_live_xml(card)
    for name in ("assignment.xlsx", "roadmaps.xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(got[name].content))
        values = set()
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (name, sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        values.add(cell.value)
        text = "\n".join(values)
        assert HOSTILE["teachers", "T04"] in text or name == "roadmaps.xlsx"
