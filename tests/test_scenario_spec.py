"""Scenario specs checked on save: absurd values, unknown keys, partial weights and ids the
region lacks are refused naming the field, in Russian; fuzzed specs over HTTP get 201 or 422,
never a server error, and a spec that is accepted runs."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from assign.assignment import build_problem
from assign.io import load_region_or_raise
from assign.pipeline.settings import RegionSettings
from assign.pipeline.whatif import run_scenario_plan
from assign.scenario import (
    RegionIndex,
    Scenario,
    ScenarioError,
    apply,
    check_effective_from,
    check_references,
)
from assign.validation import translate_errors
from conftest import DATA
from service_support import Server, auth, region_zip, tokens, upload

ABSURD: list[tuple[dict[str, Any], str]] = [
    ({"assignment": {"min_load": -1}}, "assignment.min_load"),
    ({"assignment": {"max_load": 0}}, "assignment.max_load"),
    ({"assignment": {"max_load": 1e308}}, "assignment.max_load"),
    ({"assignment": {"min_load": math.nan}}, "assignment.min_load"),
    ({"assignment": {"max_load": math.inf}}, "assignment.max_load"),
    ({"assignment": {"min_load": 300, "max_load": 100}}, "assignment"),
    ({"assignment": {"preset": "марс"}}, "assignment.preset"),
    ({"assignment": {"load_unit": "kg"}}, "assignment.load_unit"),
    ({"assignment": {"objective": "fun"}}, "assignment.objective"),
    ({"assignment": {"reach": "moon"}}, "assignment.reach"),
    ({"assignment": {"reach_months": [13]}}, "assignment.reach_months"),
    ({"assignment": {"reach_months": []}}, "assignment.reach_months"),
    ({"assignment": {"max_hours": -5}}, "assignment.max_hours"),
    ({"assignment": {"remote_penalty_hours": 1e9}}, "assignment.remote_penalty_hours"),
    ({"assignment": {"category_weights": {"iom": 0}}}, "assignment.category_weights"),
    ({"assignment": {"category_weights": {"iom": 1e9}}}, "assignment.category_weights"),
    ({"assignment": {"category_weights": {"wizard": 2}}}, "assignment.category_weights.wizard"),
    ({"assignment": {"category_weights": {"iom": math.nan}}}, "assignment.category_weights.iom"),
    ({"assignment": {"weights": {"travel": -1}}}, "assignment.weights.travel"),
    ({"assignment": {"weights": {"travel": math.inf}}}, "assignment.weights.travel"),
    ({"assignment": {"weights": {"speed": 1}}}, "assignment.weights.speed"),
    ({"assignment": {"ranking": ["travel", "travel"]}}, "assignment.ranking"),
    ({"assignment": {"ranking": ["joy"]}}, "assignment.ranking.0"),
    ({"assignment": {"ranking": []}}, "assignment.ranking"),
    ({"assignment": {"pins": [["T01"]]}}, "assignment.pins.0.1"),
    ({"assignment": {"time_limit": 0}}, "assignment.time_limit"),
    ({"assignment": {"time_limit": 1e12}}, "assignment.time_limit"),
    ({"assignment": {"workers": 0}}, "assignment.workers"),
    ({"assignment": {"workers": 10_000}}, "assignment.workers"),
    ({"assignment": {"seed": -1}}, "assignment.seed"),
    ({"assignment": {"colour": "red"}}, "assignment.colour"),
    ({"plan_seconds": 0}, "plan_seconds"),
    ({"plan_seconds": 1e6}, "plan_seconds"),
    ({"plan_year": "maybe"}, "plan_year"),
    ({"effective_from": "вчера"}, "effective_from"),
    ({"unknown": 1}, "unknown"),
    ({"changes": {"remove_methodists": "P1"}}, "changes.remove_methodists"),
    ({"changes": {"close_links": [{"months": [0]}]}}, "changes.close_links.0.months.0"),
    ({"changes": {"close_links": [{"months": []}]}}, "changes.close_links.0.months"),
    (
        {"changes": {"close_links": [{"months": [1], "mode": "teleport"}]}},
        "changes.close_links.0.mode",
    ),
    ({"changes": {"fly": True}}, "changes.fly"),
    (
        {
            "changes": {
                "add_teachers": [
                    {
                        "teacher_id": "N1",
                        "full_name": "Новая Н. Н.",
                        "school_id": "S1",
                        "subject": "Математика",
                        "load_weight": 1e308,
                    }
                ]
            }
        },
        "changes.add_teachers.0.load_weight",
    ),
    ({"description": "x" * 20_000}, "description"),
]


@pytest.mark.parametrize(("spec", "field"), ABSURD, ids=[f for _, f in ABSURD])
def test_absurd_specs_are_refused_naming_the_field(spec: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate({"name": "x", **spec})
    issues = translate_errors(caught.value.errors())
    assert any(i["field"] == field for i in issues), issues
    for issue in issues:
        assert any("а" <= c <= "я" for c in issue["message"].lower()), issue
        assert "Input should" not in issue["message"] and "Value error" not in issue["message"]


def test_partial_category_weights_keep_the_others() -> None:
    region = load_region_or_raise(DATA / "small_ok")
    scenario = Scenario.model_validate(
        {"name": "x", "assignment": {"category_weights": {"iom": 2.0}, "load_unit": "weighted"}}
    )
    weights = scenario.assignment.category_weights
    assert weights[next(c for c in weights if c.value == "iom")] == 2.0 and len(weights) > 1
    build_problem(apply(region, scenario), scenario.assignment)


def test_references_to_what_the_region_lacks_are_named() -> None:
    region = load_region_or_raise(DATA / "small_ok")
    index = RegionIndex.from_json(RegionIndex.from_region(region).to_json())
    scenario = Scenario.model_validate(
        {
            "name": "x",
            "assignment": {"pins": [["T01", "P99"]], "bans": [["T77", "P1"]]},
            "changes": {
                "remove_schools": ["S9"],
                "close_links": [{"from_municipality": "M9", "months": [1]}],
            },
        }
    )
    with pytest.raises(ScenarioError) as caught:
        check_references(scenario, index)
    fields = {i["field"] for i in caught.value.issues}
    assert fields == {
        "assignment.pins.0.1",
        "assignment.bans.0.0",
        "changes.remove_schools.0",
        "changes.close_links.0.from_municipality",
    }
    assert "P99" in str(caught.value) and "T77" in str(caught.value)
    with pytest.raises(ScenarioError):  # the CLI's path names them the same way
        apply(region, scenario)


KEYS = st.sampled_from(
    [
        "assignment",
        "changes",
        "plan_year",
        "plan_seconds",
        "recruit",
        "keep_current",
        "effective_from",
        "release_existing",
        "description",
        "min_load",
        "max_load",
        "preset",
        "category_weights",
        "weights",
        "ranking",
        "pins",
        "reach_months",
        "remove_methodists",
        "close_links",
        "months",
        "iom",
        "travel",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["P1", "T01", "S1", "M1", "federal", "iom", "travel", "2026-01-10"])
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(KEYS | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
SPECS = st.dictionaries(KEYS, JSONISH, max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SPECS)
def test_fuzzed_specs_are_refused_cleanly_or_run(spec: dict[str, Any]) -> None:
    region = load_region_or_raise(DATA / "small_ok")
    try:
        scenario = Scenario.model_validate({"name": "x", **spec})
    except ValidationError as exc:
        for issue in translate_errors(exc.errors()):
            assert issue["field"] and issue["code"] and issue["message"]
        return
    try:
        changed = apply(region, scenario)
    except ScenarioError:
        return
    build_problem(changed, scenario.assignment)


@pytest.fixture(scope="module")
def spec_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, int]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('spec') / 'spec.db'}"
    made = tokens(url)
    server = Server(url, workers=0)
    with httpx.Client(base_url=server.base, timeout=30) as client:
        region = upload(client, made["admin"], region_zip(DATA / "small_ok")).json()["id"]
    yield server, made["planner"], region
    server.stop()


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spec=SPECS)
def test_fuzzed_specs_over_http_get_201_or_422(
    spec_server: tuple[Server, str, int], spec: dict[str, Any]
) -> None:
    import json

    server, planner, region = spec_server
    body = json.dumps({"region_id": region, "name": "fuzz", "spec": spec}, allow_nan=True)
    answer = httpx.post(
        f"{server.base}/scenarios",
        content=body,
        headers={**auth(planner), "content-type": "application/json"},
        timeout=30,
    )
    assert answer.status_code in (201, 422), answer.text
    payload = answer.json()
    if answer.status_code == 422:
        assert payload["code"] in ("scenario_invalid", "request_invalid")
        assert all(i["field"] and i["message"] for i in payload["issues"])


def test_a_change_outside_the_school_year_is_refused(
    spec_server: tuple[Server, str, int],
) -> None:
    """`effective_from` in 2030 for the 2026/27 year (the review's case) planned the whole
    year as before without a word: refused on save, naming the field and the year's span;
    a day within the year is taken."""
    server, planner, region = spec_server
    # the calendar's year: 01.09.2026–30.06.2027 (a job's year plan checks the same span)
    days = (("2030-01-01", 422), ("2026-08-31", 422), ("2027-07-15", 422), ("2027-01-11", 201))
    for day, status in days:
        body = {"region_id": region, "name": f"с {day}", "spec": {"effective_from": day}}
        answer = httpx.post(f"{server.base}/scenarios", json=body, headers=auth(planner))
        assert answer.status_code == status, answer.text
        if status == 422:
            (issue,) = answer.json()["issues"]
            assert issue["field"] == "effective_from", issue  # as references name theirs
            assert issue["code"] == "out_of_school_year"
            assert "вне учебного года 2026/27 (01.09.2026–30.06.2027)" in issue["message"]


def test_the_cli_refuses_a_change_outside_its_calendar(tmp_path: Path) -> None:
    """`assign scenario run` refuses what the service refuses on save, before it solves, year
    plan asked for or not; the library's check, field by field."""
    region = load_region_or_raise(DATA / "small_ok")
    late = Scenario.model_validate({"name": "поздно", "effective_from": "2030-01-01"})
    with pytest.raises(ScenarioError, match="вне учебного года 2026/27"):
        run_scenario_plan(region, DATA / "small_ok", late, RegionSettings(), tmp_path)
    assert not any(tmp_path.iterdir())  # nothing solved, nothing written
    scenario = Scenario.model_validate({"name": "x", "effective_from": "2030-01-01"})
    with pytest.raises(ScenarioError) as caught:
        check_effective_from(scenario, date(2026, 9, 1), date(2027, 8, 31))
    assert caught.value.issues[0]["field"] == "effective_from"
    check_effective_from(
        scenario.model_copy(update={"effective_from": date(2027, 5, 1)}),
        date(2026, 9, 1),
        date(2027, 8, 31),
    )
