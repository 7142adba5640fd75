"""A scenario spec checked on save: its fields by the library's model (Russian messages that
name the field) and every id it names against the region's stored index, so a saved
scenario is one that runs."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from assign.scenario import RegionIndex, Scenario, ScenarioError, check_references
from assign.service.errors import ApiError
from assign.service.store.models import RegionRecord
from assign.validation import translate_errors

KEPT_INDICES = 32
_indices: OrderedDict[tuple[int, datetime], RegionIndex | None] = OrderedDict()
_lock = threading.Lock()


def region_ids(region: RegionRecord) -> RegionIndex | None:
    """The ids a region's scenarios may name, from the index stored with its upload — read
    once per server (an upload never changes; the stored index, with its map, is large).
    None for a region stored before indices were kept."""
    key = (region.id, region.created_at)
    with _lock:
        if key in _indices:
            _indices.move_to_end(key)
            return _indices[key]
    index = region.index
    found = RegionIndex.from_json(index["ids"]) if index is not None and "ids" in index else None
    with _lock:
        _indices[key] = found
        while len(_indices) > KEPT_INDICES:
            _indices.popitem(last=False)
    return found


def forget_region_ids(region_id: int) -> None:
    """A deleted region's ids leave this server's memory too."""
    with _lock:
        for key in [k for k in _indices if k[0] == region_id]:
            del _indices[key]


def check_spec(name: str, spec: dict[str, Any], index: RegionIndex | None) -> Scenario:
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
    if index is not None:
        try:
            check_references(scenario, index)
        except ScenarioError as exc:
            issues = getattr(exc, "issues", None) or [
                {"field": "spec", "code": "unknown_reference", "message": str(exc)}
            ]
            raise ApiError(422, "scenario_invalid", str(exc), issues=issues) from exc
    return scenario
