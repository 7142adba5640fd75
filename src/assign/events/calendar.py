"""The school calendar: which days methodists work and teachers can take part.

An editable preset (`calendar_2026.yaml`): the year's span, vacations (teachers away, so only
methodist-only events such as reports may fall there) and public holidays (nobody works).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from assign.yamlfile import load_yaml_model

DEFAULT_CALENDAR = Path(__file__).with_name("calendar_2026.yaml")


class SchoolCalendar(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    teaching_end: date
    vacations: tuple[tuple[date, date], ...] = ()
    holidays: tuple[date, ...] = ()

    @model_validator(mode="after")
    def _order(self) -> SchoolCalendar:
        if not self.start <= self.teaching_end <= self.end:
            raise ValueError("нужно start ≤ teaching_end ≤ end")
        for first, last in self.vacations:
            if first > last:
                raise ValueError(f"каникулы {first}–{last}: начало позже конца")
        return self

    @property
    def start_year(self) -> int:
        return self.start.year

    def working_days(self) -> list[date]:
        """Monday–Friday from start to end, holidays excluded."""
        holidays = set(self.holidays)
        days, day = [], self.start
        while day <= self.end:
            if day.weekday() < 5 and day not in holidays:
                days.append(day)
            day += timedelta(days=1)
        return days

    def teachers_available(self, day: date) -> bool:
        """A teacher can take part: a working day of the teaching year, outside vacations."""
        if day > self.teaching_end:
            return False
        return not any(first <= day <= last for first, last in self.vacations)


class CalendarError(ValueError):
    code = "calendar_invalid"


def load_calendar(path: Path | None = None) -> SchoolCalendar:
    return load_yaml_model(path or DEFAULT_CALENDAR, SchoolCalendar, CalendarError)
