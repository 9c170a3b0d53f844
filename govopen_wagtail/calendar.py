"""The working-day calendar: the one place where deadlines are counted.

Rules encoded here (see ``docs/explanation/deadlines.md``):

- A working day is Monday–Friday, except statutory holidays, plus the weekend
  days the State Council notice makes working days (调休).
- Counting starts the day *after* the triggering event (民法典 art. 201), so
  ``add_working_days(start, n)`` does not count ``start`` itself; the result
  is always a working day, so a deadline never lands on a rest day
  (民法典 art. 203).
- For a year that no holiday source covers (``chinesecalendar`` stops at
  2026), Monday–Friday count as working days and every result touching that
  year is marked ``provisional``. Nothing raises because a year is unknown.

Sources are read through :mod:`govopen_wagtail.holidays`, configured by
``GOVOPEN_HOLIDAY_SOURCES``. Nothing in this module imports views, forms,
admin or models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.module_loading import import_string

from .conf import govopen_settings
from .holidays import HolidaySource, YearData

__all__ = [
    "DayInfo",
    "WorkingDayCalendar",
    "WorkingDayCount",
    "WorkingDayResult",
    "add_working_days",
    "day_info",
    "get_calendar",
    "is_working_day",
    "uncovered_years",
    "working_days_between",
]

# Enough for any statutory deadline; stops a typo (n=2_000_000) from spinning.
MAX_WORKING_DAYS = 10_000
DISCLOSURE_TIME_ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    working: bool
    provisional: bool
    name: str = ""


@dataclass(frozen=True)
class WorkingDayResult:
    """A deadline: the date, and whether it rests on incomplete holiday data."""

    date: dt.date
    provisional: bool
    provisional_years: tuple[int, ...] = ()

    def __str__(self) -> str:
        return self.date.isoformat() + (" (provisional)" if self.provisional else "")


@dataclass(frozen=True)
class WorkingDayCount:
    days: int
    provisional: bool
    provisional_years: tuple[int, ...] = ()

    def __int__(self) -> int:
        return self.days


@dataclass(frozen=True)
class _MergedYear:
    rest_days: dict[dt.date, str]
    work_days: dict[dt.date, str]
    complete: bool


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(DISCLOSURE_TIME_ZONE)
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


class WorkingDayCalendar:
    """Working days from an ordered list of holiday sources.

    Earlier sources win for the dates they name; a year is complete when any
    source says its data for the year is complete. Each year is merged once
    per calendar instance, so a long count costs one look-up per source and
    year, not one per day.
    """

    def __init__(self, sources: list[HolidaySource]) -> None:
        self.sources = sources
        self._years: dict[int, _MergedYear] = {}

    def _year(self, year: int) -> _MergedYear:
        merged = self._years.get(year)
        if merged is None:
            rest: dict[dt.date, str] = {}
            work: dict[dt.date, str] = {}
            complete = False
            # Reverse order so earlier sources overwrite later ones.
            for source in reversed(self.sources):
                data: YearData | None = source.year_data(year)
                if data is None:
                    continue
                complete = complete or data.complete
                for day, name in data.rest_days.items():
                    work.pop(day, None)
                    rest[day] = name
                for day, name in data.work_days.items():
                    rest.pop(day, None)
                    work[day] = name
            merged = _MergedYear(rest, work, complete)
            self._years[year] = merged
        return merged

    def is_covered(self, year: int) -> bool:
        return self._year(year).complete

    def day_info(self, value: dt.date | dt.datetime) -> DayInfo:
        day = _as_date(value)
        year = self._year(day.year)
        if day in year.work_days:
            return DayInfo(day, True, not year.complete, year.work_days[day])
        if day in year.rest_days:
            return DayInfo(day, False, not year.complete, year.rest_days[day])
        return DayInfo(day, day.weekday() < 5, not year.complete)

    def is_working_day(self, value: dt.date | dt.datetime) -> bool:
        return self.day_info(value).working

    def add_working_days(self, start: dt.date | dt.datetime, n: int) -> WorkingDayResult:
        """The ``n``-th working day after ``start`` (``start`` not counted).

        ``n == 0`` gives ``start`` itself if it is a working day, else the next
        working day.
        """
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError("n must be an integer number of working days")
        if n < 0:
            raise ValueError("n must not be negative")
        if n > MAX_WORKING_DAYS:
            raise ValueError(f"n must not exceed {MAX_WORKING_DAYS}")
        day = _as_date(start)
        touched = {day.year}
        if n == 0:
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
                touched.add(day.year)
        remaining = n
        while remaining:
            day += dt.timedelta(days=1)
            touched.add(day.year)
            if self.is_working_day(day):
                remaining -= 1
        return WorkingDayResult(day, *self._provisional(touched))

    def working_days_between(
        self, start: dt.date | dt.datetime, end: dt.date | dt.datetime
    ) -> WorkingDayCount:
        """Working days after ``start`` up to and including ``end``.

        The inverse of :meth:`add_working_days` for ``n >= 1``: if ``add_working_days(a, n)``
        is ``b`` then ``working_days_between(a, b)`` is ``n``. Negative when
        ``end`` is before ``start``.
        """
        a, b = _as_date(start), _as_date(end)
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        count = 0
        day = a
        touched = {a.year, b.year}
        while day < b:
            day += dt.timedelta(days=1)
            touched.add(day.year)
            if self.is_working_day(day):
                count += 1
        return WorkingDayCount(sign * count, *self._provisional(touched))

    def _provisional(self, years: set[int]) -> tuple[bool, tuple[int, ...]]:
        missing = tuple(sorted(y for y in years if not self.is_covered(y)))
        return bool(missing), missing

    def uncovered_years(self, start: dt.date, end: dt.date) -> list[int]:
        """Years between ``start`` and ``end`` (inclusive) with no complete data."""
        return [
            y for y in range(_as_date(start).year, _as_date(end).year + 1)
            if not self.is_covered(y)
        ]


def load_sources(config: list[dict] | None = None) -> list[HolidaySource]:
    config = govopen_settings.HOLIDAY_SOURCES if config is None else config
    sources = []
    for entry in config:
        cls = import_string(entry["CLASS"])
        sources.append(cls(**entry.get("OPTIONS", {})))
    return sources


def get_calendar() -> WorkingDayCalendar:
    """A calendar built from the current settings and holiday data.

    Build one per task (a request, a report, a command) and reuse it there:
    it caches each year it has looked at, and a fresh one sees holidays an
    editor has just entered.
    """
    return WorkingDayCalendar(load_sources())


def day_info(value: dt.date | dt.datetime) -> DayInfo:
    return get_calendar().day_info(value)


def is_working_day(value: dt.date | dt.datetime) -> bool:
    return get_calendar().is_working_day(value)


def add_working_days(start: dt.date | dt.datetime, n: int) -> WorkingDayResult:
    return get_calendar().add_working_days(start, n)


def working_days_between(
    start: dt.date | dt.datetime, end: dt.date | dt.datetime
) -> WorkingDayCount:
    return get_calendar().working_days_between(start, end)


def uncovered_years(start: dt.date, end: dt.date) -> list[int]:
    return get_calendar().uncovered_years(start, end)
