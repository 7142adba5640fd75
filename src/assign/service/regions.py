"""A stored region read back: the upload unpacked by the library's safe reader, loaded by the
same loader and validation as on the command line, with the region.yaml it carried.

Uploads are read in a capped child process (`assign.service.isolated`); workers read a
stored region again when a job needs it and keep the last few they read.
"""

from __future__ import annotations

import gc
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import assign
from assign.assignment.settings import AssignmentSettings
from assign.domain import AssignmentPair, Region
from assign.errors import FIX_RU, WARNING_CODES, Issue
from assign.events.calendar import CalendarError
from assign.format import count_ru
from assign.io import load_region
from assign.io.archive import UploadError, UploadLimits, unpack_region
from assign.pipeline import region_calendar
from assign.pipeline.settings import RegionSettings, RegionSettingsError, load_region_settings
from assign.scenario import RegionIndex
from assign.service.errors import ApiError
from assign.service.maps import region_map
from assign.summary import subject_capacity

PACKAGE = Path(assign.__file__).resolve().parent
MAX_TEACHERS = 300_000  # a region above this is not a region: refused before solving
MAX_ISSUES = 200  # validation issues returned with a refused upload (all are counted)


@dataclass(frozen=True)
class UploadSummary:
    """What the service keeps about a valid upload besides the upload itself."""

    kind: str
    summary: dict[str, Any]
    index: dict[str, Any]
    settings_name: str | None


def _api_error(exc: UploadError) -> ApiError:
    return ApiError(exc.status_hint, exc.code, exc.message)


@contextmanager
def unpacked(data: bytes, limits: UploadLimits | None = None) -> Iterator[Path]:
    """The upload unpacked into a temporary folder: the path `load_region` reads."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            yield unpack_region(data, Path(tmp), limits or UploadLimits())
        except UploadError as exc:
            raise _api_error(exc) from exc


def confined_settings(path: Path) -> RegionSettings:
    """The upload's region.yaml; files it names must lie inside the upload itself (or be
    the ones the package ships): an upload never reads the server's other files."""
    try:
        settings = load_region_settings(path)
    except RegionSettingsError as exc:
        raise ApiError(422, exc.code, str(exc)) from exc
    folder = (path if path.is_dir() else path.parent).resolve()
    named = [settings.catalogue, settings.availability, settings.calendar.file]
    if settings.documents is not None:
        named += [settings.documents.order_template, settings.documents.iom_template]
    allowed = (folder, PACKAGE)  # the upload, or the templates and catalogue we ship
    outside = [
        str(p)
        for p in named
        if p is not None and not any(p.resolve().is_relative_to(root) for root in allowed)
    ]
    if outside:
        raise ApiError(
            422,
            "region_settings_invalid",
            "region.yaml: файлы вне загруженного архива не читаются: " + ", ".join(outside),
        )
    return settings


def summary_of(region: Region, settings: AssignmentSettings) -> dict[str, Any]:
    """Counts, and per subject its teachers, methodists and the methodists it needs under
    the region's norm and unit (`subject_capacity`, the figures `assign info` shows)."""
    capacity = subject_capacity(region, settings)
    rows = capacity.sort_values("subject").to_dict("records") if len(capacity) else []
    return {
        "teachers": len(region.teachers),
        "schools": len(region.schools),
        "municipalities": len(region.municipalities),
        "methodists": len(region.methodists),
        "candidates": len(region.candidates),
        "subjects": [
            {
                "subject": row["subject"],
                "name": row["subject_name"],
                "teachers": int(row["teachers"]),
                "methodists": int(row["methodists"]),
                "need": int(row["need"]),
            }
            for row in rows
        ],
    }


def finding(issue: Issue) -> dict[str, Any]:
    """A validation issue for the API and the web page: where, what, and how to fix it."""
    return {
        "file": issue.file,
        "row": issue.row,
        "column": issue.column,
        "value": issue.value,
        "code": issue.code.value,
        "severity": issue.severity.value,
        "message": issue.message,
        "fix": FIX_RU.get(issue.code, ""),
    }


def _school_span(settings: RegionSettings) -> tuple[date, date] | None:
    """The school year's first and last day, for checking scenarios' dates on save; None
    when the region's calendar cannot be read (its job then says why)."""
    try:
        calendar = region_calendar(settings)
    except (CalendarError, ValueError, OSError):
        return None
    return calendar.start, calendar.end


def read_upload(data: bytes) -> UploadSummary:
    """Validate an upload (run in a capped child): its summary and index, or an ApiError
    with the validation issues as data (file, row, column, value, code, message)."""
    with unpacked(data) as path:
        loaded = load_region(path)
        if loaded.region is None:
            errors = loaded.report.errors
            total = loaded.report.error_count
            issues = [finding(i) for i in errors[:MAX_ISSUES]]
            raise ApiError(
                422,
                "region_invalid",
                f"Данные региона содержат ошибки: {total}"
                + (f" (показаны первые {len(issues)})" if total > len(issues) else ""),
                issues=issues,
                issues_total=total,
                counts=loaded.report.counts,
            )
        region = loaded.region
        if len(region.teachers) > MAX_TEACHERS:
            limit = count_ru(MAX_TEACHERS, "педагог", "gent")
            raise ApiError(413, "too_many_rows", f"В регионе больше {limit}")
        settings = confined_settings(path)
        summary = summary_of(region, settings.assignment)
        warnings = loaded.report.warnings
        summary["findings"] = [finding(i) for i in warnings[:MAX_ISSUES]]
        summary["findings_total"] = sum(
            n for code, n in loaded.report.counts.items() if code in WARNING_CODES
        )
        # a scenario's assignment settings replace the region's: the page starts from these
        summary["assignment"] = settings.assignment.model_dump(mode="json", exclude_defaults=True)
        return UploadSummary(
            "xlsx" if path.suffix == ".xlsx" else "zip",
            summary,
            {
                "ids": RegionIndex.from_region(region, _school_span(settings)).to_json(),
                "names": {  # for answers that list people by id (`/compare`)
                    **{t.teacher_id: t.full_name for t in region.teachers},
                    **{m.methodist_id: m.full_name for m in region.methodists},
                    **{c.candidate_id: c.full_name for c in region.candidates},
                },
                "current": dict(region.current_methodist_of),
                "map": region_map(region),
            },
            settings.name,
        )


_with_current: dict[tuple[int, int], tuple[Region, Region]] = {}


def current_of(
    region_id: int, region: Region, plan_id: int | None, current: dict[str, str] | None
) -> Region:
    """`with_current`, kept for the last approved plan of each region a worker read: every
    what-if on one region starts from the same current plan."""
    if plan_id is None or not current:
        return region
    key = (region_id, plan_id)
    cached = _with_current.get(key)
    if cached is None or cached[0] is not region:
        if len(_with_current) >= CACHED_REGIONS:
            _with_current.clear()
        cached = _with_current[key] = (region, with_current(region, current))
        _settle()
    return cached[1]


def with_current(region: Region, current: dict[str, str] | None) -> Region:
    """The region with `current` (an approved plan) as its current assignment."""
    if not current:
        return region
    pairs = tuple(
        AssignmentPair(teacher_id=t, methodist_id=m)
        for t, m in current.items()
        if t in region.teacher_by_id and m in region.methodist_by_id
    )
    return region.changed(current_assignment=pairs)


def load_stored(path: Path) -> tuple[Region, RegionSettings]:
    loaded = load_region(path)
    if loaded.region is None:  # it was valid on upload: only a changed loader gets here
        raise ApiError(500, "region_unreadable", "Сохранённый регион больше не читается")
    return loaded.region, confined_settings(path)


CACHED_REGIONS = 4
_regions: OrderedDict[int, tuple[Region, RegionSettings]] = OrderedDict()


def region_of(region_id: int, source: Callable[[], bytes]) -> tuple[Region, RegionSettings]:
    """A stored region and its settings; a worker keeps the last few it read, so a what-if
    run on the same region skips fetching, reading and validating the upload again. An
    upload never changes and an id is never reused, so the id is the key; `source` fetches
    the upload only when it is not kept."""
    if region_id in _regions:
        _regions.move_to_end(region_id)
        return _regions[region_id]
    with unpacked(source()) as path:
        _regions[region_id] = load_stored(path)
    if len(_regions) > CACHED_REGIONS:
        _regions.popitem(last=False)
    _settle()
    return _regions[region_id]


def _settle() -> None:
    """What a worker keeps for many jobs (regions, their current plans) taken out of the
    cyclic collector's scans: a full collection over an 18 600-teacher region takes 0.2 s and
    a what-if allocates enough to start one every few runs. Kept objects are still freed by
    reference count when dropped."""
    gc.collect()
    gc.freeze()
