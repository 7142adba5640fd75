"""A region's own settings, kept beside its data in `region.yaml`: one object behind every
planning command.

What a ЦНППМ decides once for its region — its Russian name, the norm and the reach rule, the
school year, the methodists' weekly hours, the calendar's regional holidays, the organization
details of its documents — lives in one file, so `assign solve|pool|schedule|documents|plan
PATH` all work with no flags and agree with one another. Flags override the file, field by
field (`RegionSettings.override`).

The file sits in the region's folder (`data/yakutia/region.yaml`) or, for a workbook, beside
it. A region without one gets the defaults. Paths inside it are relative to its folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assign.assignment.settings import AssignmentSettings
from assign.documents.settings import DocumentSettings, settings_for_region
from assign.schedule import ScheduleSettings
from assign.yamlfile import load_yaml_model

SETTINGS_FILE = "region.yaml"
PATH_FIELDS = ("catalogue", "availability")
CALENDAR_PATH_FIELDS = ("file",)


class CalendarChoice(BaseModel):
    """Which calendar the year plan follows: the school year's span and vacations from a file
    (default: the built-in one), public holidays and transfers from the production calendar,
    and the region's own holidays."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: Path | None = None
    region_key: str | None = None
    """A region with built-in regional holidays (e.g. "sakha": 27 April)."""
    regional_holidays: tuple[date | tuple[int, int], ...] = ()
    """Further days off: a date, or [month, day] for every year."""


class RegionSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    """The region's Russian name, as documents and messages print it."""
    school_year: int = Field(2026, ge=2000, le=2100)
    """The year the school year starts in (September)."""
    assignment: AssignmentSettings = Field(default_factory=AssignmentSettings)
    year_plan: ScheduleSettings = Field(default_factory=ScheduleSettings)
    calendar: CalendarChoice = Field(default_factory=CalendarChoice)
    catalogue: Path | None = None
    """The year's event catalogue (YAML); default: the built-in one."""
    availability: Path | None = None
    """Methodists' own weekly hours and days off (CSV)."""
    documents: DocumentSettings | None = None
    """Organization details; default: `documents.yaml` beside the data, else blanks."""

    def override(self, **sections: dict[str, Any]) -> RegionSettings:
        """These settings with the given fields replaced, section by section (None values are
        "not given" and keep the file's): `override(assignment={"preset": "federal"})`."""
        data = self.model_dump(exclude_none=False)
        for section, fields in sections.items():
            given = {k: v for k, v in fields.items() if v is not None}
            if not given:
                continue
            if isinstance(data.get(section), dict):
                data[section] = {**data[section], **given}
            else:
                raise KeyError(section)
        return RegionSettings.model_validate(data)

    def with_time_limit(self, seconds: float) -> RegionSettings:
        """These settings with the assignment's (and the pool's) time limit `seconds`: what a
        command's clock leaves it (`assign.clock`, `pipeline.PlanClock`)."""
        assignment = self.assignment.model_copy(update={"time_limit": seconds})
        return self.model_copy(update={"assignment": assignment})

    def documents_for(self, region_path: Path) -> DocumentSettings:
        """The documents' details: this file's, else `documents.yaml`, with its school year."""
        details = self.documents or settings_for_region(region_path)
        return details.model_copy(
            update={
                "school_year_start": self.school_year,
                "region_name": details.region_name or self.name or "",
            }
        )


class RegionSettingsError(ValueError):
    """A region.yaml that cannot be used; the message is in Russian and names the field."""

    code = "region_settings_invalid"


def settings_path(region_path: Path) -> Path:
    """Where a region's settings file is: in its folder, or beside its workbook."""
    return (
        region_path / SETTINGS_FILE
        if region_path.is_dir()
        else region_path.with_name(SETTINGS_FILE)
    )


def load_region_settings(region_path: Path, explicit: Path | None = None) -> RegionSettings:
    """The region's settings: `explicit`, else its region.yaml, else the defaults."""
    path = explicit or settings_path(region_path)
    if explicit is None and not path.is_file():
        return RegionSettings()
    return load_yaml_model(
        path,
        RegionSettings,
        RegionSettingsError,
        lambda data: _resolve_paths(data, path.parent),
    )


def _resolve_paths(data: dict[str, Any], folder: Path) -> None:
    for key in PATH_FIELDS:
        if data.get(key):
            data[key] = folder / str(data[key])
    calendar = data.get("calendar")
    if isinstance(calendar, dict):
        for key in CALENDAR_PATH_FIELDS:
            if calendar.get(key):
                calendar[key] = folder / str(calendar[key])
    documents = data.get("documents")
    if isinstance(documents, dict):
        for key in ("order_template", "iom_template"):
            if documents.get(key):
                documents[key] = folder / str(documents[key])
