"""The school calendar: which days methodists work and teachers can take part.

Two sources, each for what it knows. The production calendar (public holidays and the
government's transfers of days off, e.g. 31.12.2026) comes from the maintained `holidays`
package for every year the school year covers, never typed in by hand; regional non-working
holidays (27 April in Sakha) come from a checked input: a built-in table by region or a list
given by the caller. The YAML preset (`calendar_2026.yaml`) keeps what no library can know:
the span of the school year, the end of lessons and the vacations (teachers away, so only
methodist-only events such as reports may fall there), plus optional extra days off.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

import holidays as holidays_lib
from holidays.countries.russia import RussiaStaticHolidays
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from assign.errors import validation_lines_ru
from assign.yamlfile import load_yaml_model

CALENDAR_DIR = Path(__file__).parent
DEFAULT_CALENDAR = CALENDAR_DIR / "calendar_2026.yaml"

# Regional non-working holidays by region, as (month, day); a holiday on a weekend moves to
# the next Monday. Sakha (Yakutia): Law of the Republic of Sakha (Yakutia) of 26.04.2018
# 1993-З № 1545-V «О дополнительных нерабочих праздничных днях в Республике Саха (Якутия)»:
# 27 April, День Республики Саха (Якутия), and 21 June, национальный праздник Ысыах.
# (День государственности, 27 September, is a holiday but a working day.)
REGIONAL_HOLIDAYS: dict[str, tuple[tuple[int, int], ...]] = {
    "sakha": ((4, 27), (6, 21)),
}
REGION_ALIASES = {
    "sakha": "sakha",
    "yakutia": "sakha",
    "ru-sa": "sakha",
    "14": "sakha",
    "tambov": "",
    "ru-tam": "",
    "68": "",
}

RegionalHoliday = date | tuple[int, int]


class SchoolCalendar(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    teaching_end: date
    vacations: tuple[tuple[date, date], ...] = ()
    holidays: tuple[date, ...] = ()
    """Every day off within the span: the production calendar, regional holidays, extras."""
    regional_holidays: tuple[date, ...] = ()
    """The regional ones among `holidays`, to name them in messages."""

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
        return day <= self.teaching_end and day not in self._vacation_days

    @cached_property
    def _vacation_days(self) -> frozenset[date]:
        """Every day of the vacations: the year plan asks about each day of each option."""
        return frozenset(
            first + timedelta(days=k)
            for first, last in self.vacations
            for k in range((last - first).days + 1)
        )


class CalendarError(ValueError):
    code = "calendar_invalid"


def production_holidays(first: date, last: date) -> set[date]:
    """Russia's days off by the production calendar (art. 112 of the Labour Code and the
    government's transfers) from the `holidays` package, weekends aside."""
    years = range(first.year, last.year + 1)
    found = holidays_lib.country_holidays("RU", years=years)
    # the transfers are published a year ahead; a package without them for a year would
    # give a calendar that looks right and is not
    known = getattr(RussiaStaticHolidays, "special_public_holidays", {})
    missing = [str(y) for y in years if y not in known]
    if missing:
        raise CalendarError(
            f"пакет holidays {holidays_lib.__version__} не знает переносов выходных на "
            f"{', '.join(missing)} {'год' if len(missing) == 1 else 'годы'}: обновите его "
            "(pip install -U holidays)"
        )
    return {d for d in found if first <= d <= last}


def _region(region_key: str | None) -> str:
    if region_key is None:
        return ""
    key = region_key.strip().lower()
    if key not in REGION_ALIASES:
        known = ", ".join(sorted(REGION_ALIASES))
        raise CalendarError(f"регион «{region_key}» неизвестен календарю; известны: {known}")
    return REGION_ALIASES[key]


def regional_days(
    first: date, last: date, entries: Iterable[RegionalHoliday], taken: set[date]
) -> set[date]:
    """Dates of regional holidays within [first, last]: a date as given; a (month, day) in
    every year of the span, moved to the next working day when it falls on a weekend or on
    a day already off (as the Sakha law and art. 112 do)."""
    out: set[date] = set()
    for entry in entries:
        if isinstance(entry, date):
            days = [entry]
        else:
            month, day = entry
            try:
                days = [date(y, month, day) for y in range(first.year, last.year + 1)]
            except ValueError:
                raise CalendarError(f"региональный праздник {entry}: нет такой даты") from None
        for d in days:
            if not isinstance(entry, date):
                while d.weekday() >= 5 or d in taken or d in out:
                    d += timedelta(days=1)
            if first <= d <= last:
                out.add(d)
    return out


def school_calendar(
    start_year: int,
    region_key: str | None = None,
    regional_holidays: Iterable[RegionalHoliday] = (),
    path: Path | None = None,
) -> SchoolCalendar:
    """The school year starting in September of `start_year`: span and vacations from the
    YAML (`calendar_<start_year>.yaml` beside this module unless `path` is given), days off
    from the production calendar, the region's built-in holidays (`region_key`: sakha,
    yakutia, 14, tambov…) and `regional_holidays` (dates, or (month, day) for every year)."""
    source = path or CALENDAR_DIR / f"calendar_{start_year}.yaml"
    if path is None and not source.exists():
        raise CalendarError(f"нет календаря учебного года {start_year}/{start_year + 1}")
    base = load_yaml_model(source, SchoolCalendar, CalendarError)
    if base.start.year != start_year:
        raise CalendarError(
            f"{source.name}: учебный год начинается в {base.start.year}, а не в {start_year}"
        )
    official = production_holidays(base.start, base.end)
    entries = [*REGIONAL_HOLIDAYS.get(_region(region_key), ()), *regional_holidays]
    regional = regional_days(base.start, base.end, entries, official)
    extra = {d for d in base.holidays if base.start <= d <= base.end}
    try:
        return SchoolCalendar.model_validate(
            base.model_dump()
            | {
                "holidays": tuple(sorted(official | regional | extra)),
                "regional_holidays": tuple(sorted(regional)),
            }
        )
    except ValidationError as exc:
        raise CalendarError("; ".join(validation_lines_ru(exc, source.name))) from None


def load_calendar(path: Path | None = None) -> SchoolCalendar:
    """The calendar of a YAML file (the default preset without one), holidays built as in
    `school_calendar` for the year the file starts in, without regional holidays."""
    source = path or DEFAULT_CALENDAR
    base = load_yaml_model(source, SchoolCalendar, CalendarError)
    return school_calendar(base.start.year, path=source)
