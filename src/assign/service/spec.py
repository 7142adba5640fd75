"""A scenario spec checked on save: its fields by the library's model (Russian messages that
name the field) and every id it names against the region's stored index, so a saved
scenario is one that runs."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from assign.scenario import RegionIndex, Scenario, ScenarioError, check_references
from assign.service.errors import ApiError
from assign.validation import translate_errors


def check_spec(name: str, spec: dict[str, Any], index: dict[str, Any] | None) -> Scenario:
    """The scenario, or a 422 with every problem as field, code and Russian message."""
    if "name" in spec:
        issues = [
            {
                "field": "spec.name",
                "code": "extra_forbidden",
                "message": "имя сценария задаётся полем name",
            }
        ]
        raise ApiError(422, "scenario_invalid", "Сценарий неверен: spec.name", issues=issues)
    try:
        scenario = Scenario.model_validate({"name": name, **spec})
    except ValidationError as exc:
        issues = [
            {**i, "field": f"spec.{i['field']}"} for i in translate_errors(list(exc.errors()))
        ]
        raise ApiError(
            422,
            "scenario_invalid",
            "Сценарий неверен: " + "; ".join(f"{i['field']}: {i['message']}" for i in issues),
            issues=issues,
        ) from exc
    if index is not None and "ids" in index:
        try:
            check_references(scenario, RegionIndex.from_json(index["ids"]))
        except ScenarioError as exc:
            issues = getattr(exc, "issues", None) or [
                {"field": "spec", "code": "unknown_reference", "message": str(exc)}
            ]
            raise ApiError(422, "scenario_invalid", str(exc), issues=issues) from exc
    return scenario
