"""What the web page reads from the API, over HTTP on both databases: who calls, an upload by
a planner with its findings and need per subject, the region's map layers, a plan's map and
its change list — each checked against an independent count from the region's own files; and
the map layers themselves (outlines, months out of reach) against the travel model pair by
pair."""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assign.io import load_region_or_raise
from assign.service.maps import hull, plan_map, region_map
from assign.transport import TravelModel
from conftest import DATA
from service_support import Server, auth, database_fixture, region_zip, tokens, wait_job

database = pytest.fixture(params=["sqlite", "postgresql"])(database_fixture)
SAMPLES = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def server(database: str) -> Iterator[Server]:
    running = Server(database)
    yield running
    running.stop()


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / "small_ok" / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_page_s_reads_agree_with_the_region_s_files(database: str, server: Server) -> None:
    made = tokens(database)
    planner, viewer = auth(made["planner"]), auth(made["viewer"])
    with httpx.Client(base_url=server.base, timeout=60) as client:
        me = client.get("/me", headers=viewer).json()
        assert me["role"] == "viewer" and me["organization"] == "ЦНППМ"
        assert client.get("/me").status_code == 401
        upload = {"file": ("small_ok.zip", region_zip(DATA / "small_ok"), "application/zip")}
        assert client.post("/regions", files=upload, headers=viewer).status_code == 403
        created = client.post("/regions", files=upload, headers=planner)
        assert created.status_code == 201, created.text  # a planner uploads regions
        region = created.json()
        summary = region["summary"]
        teachers = _rows("teachers.csv")
        assert summary["teachers"] == len(teachers)
        load_max = 250  # the default preset: 100–250
        for subject in summary["subjects"]:
            assert subject["need"] == math.ceil(subject["teachers"] / load_max)
        assert sum(s["teachers"] for s in summary["subjects"]) == len(teachers)
        assert all(f["fix"] and f["severity"] == "warning" for f in summary["findings"])
        assert summary["findings_total"] == len(summary["findings"]) > 0  # «Матем.» etc.

        layers = client.get(f"/regions/{region['id']}/map", headers=viewer).json()
        assert "teacher_school" not in layers  # no per-teacher data in the map layers
        at_school = Counter(t["school_id"] for t in teachers)
        assert {s["id"]: s["teachers"] for s in layers["schools"]} == {
            s["school_id"]: at_school.get(s["school_id"], 0) for s in _rows("schools.csv")
        }
        assert {m["id"] for m in layers["methodists"]} == {
            m["methodist_id"] for m in _rows("methodists.csv")
        }

        spec = {"assignment": {"min_load": 0, "max_load": 9}}
        body = {"region_id": region["id"], "name": "план", "spec": spec}
        scenario = client.post("/scenarios", json=body, headers=planner).json()
        job = client.post(f"/scenarios/{scenario['id']}/jobs", headers=planner).json()["id"]
        assert wait_job(client, job, made["viewer"])["status"] == "done"
        plan = {
            p["teacher_id"]: p["methodist_id"]
            for p in client.get(f"/jobs/{job}/result?limit=100", headers=viewer).json()[
                "assignment"
            ]
        }
        school_of = {t["teacher_id"]: t["school_id"] for t in teachers}
        expected: dict[str, Counter[str]] = {}
        for teacher, methodist in plan.items():
            expected.setdefault(school_of[teacher], Counter())[methodist] += 1
        drawn = client.get(f"/jobs/{job}/map", headers=viewer).json()
        assert {s: dict(Counter(dict(v))) for s, v in drawn["schools"].items()} == {
            s: dict(c) for s, c in expected.items()
        }
        assert all(
            pairs == sorted(pairs, key=lambda p: -p[1]) for pairs in drawn["schools"].values()
        )
        assert {m["methodist_id"] for m in drawn["methodists"]} == {
            m["methodist_id"] for m in _rows("methodists.csv")
        }

        current = {r["teacher_id"]: r["methodist_id"] for r in _rows("current_assignment.csv")}
        moved = {t for t, m in plan.items() if t in current and current[t] != m}
        changes = client.get(f"/jobs/{job}/changes", headers=viewer).json()
        assert changes["total"] == len(moved)
        assert {r["teacher_id"] for r in changes["rows"]} == moved
        names = {t["teacher_id"]: t["full_name"] for t in teachers}
        assert all(r["full_name"] == names[r["teacher_id"]] for r in changes["rows"])
        assert changes["unplaced_total"] == len(teachers) - len(plan)
        other = client.get("/jobs/999999/changes", headers=viewer)
        assert other.status_code == 404 and other.json()["code"]

        page = client.get("/")
        assert page.status_code == 200 and 'data-testid="login"' in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200


def test_hull_keeps_the_corners_and_drops_the_inside() -> None:
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (1.0, 1.0), (1.0, 0.0)]
    assert sorted(hull(square)) == [(0.0, 0.0), (0.0, 2.0), (2.0, 0.0), (2.0, 2.0)]
    assert hull([(1.0, 1.0), (1.0, 1.0)]) == [(1.0, 1.0)]


def test_months_out_of_reach_agree_with_the_travel_model_pair_by_pair() -> None:
    region = load_region_or_raise(SAMPLES / "yakutia")
    layers = region_map(region)
    model = TravelModel(region)
    places = [model.person_place(m) for m in region.methodists]
    by_muni: dict[str, list[str]] = {}
    for school in region.schools:
        by_muni.setdefault(school.municipality_id, []).append(school.school_id)
    cut_somewhere = 0
    for month in range(1, 13):
        cut = set(layers["out_of_reach"][str(month)])
        cut_somewhere += len(cut)
        for muni in cut:  # every trip to every school there is impossible that month
            for school in by_muni[muni]:
                assert all(math.isinf(model.trip(school, place, month).hours) for place in places)
    assert cut_somewhere > 0  # Yakutia has seasonal roads: some month cuts someone off
    reachable = [m for m in by_muni if m not in set(layers["out_of_reach"]["1"])][:3]
    for muni in reachable:  # and a municipality not listed can be reached
        assert any(
            not math.isinf(model.trip(school, place, 1).hours)
            for school in by_muni[muni]
            for place in places
        )
    assert plan_map(layers, {"nobody": "P"}) == {"schools": {}}
