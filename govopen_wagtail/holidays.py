"""Holiday sources for the working-day calendar.

A source answers one question per year: which weekdays are rest days
(holidays) and which weekend days are working days (调休 make-up days), and
whether that answer is the complete official arrangement for the year.

Sources are configured in ``GOVOPEN_HOLIDAY_SOURCES`` as a list of
``{"CLASS": "dotted.path", "OPTIONS": {...}}``; the class is instantiated with
``**OPTIONS``. Any object with a ``year_data(year) -> YearData | None`` method
will do, so a site can plug in its own (a provincial feed, a file, ...).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class YearData:
    """What one source knows about one year.

    ``rest_days`` are holidays (a weekend day inside a holiday may be listed
    too, which only gives it a name); ``work_days`` are days worked although
    the Monday–Friday rule says rest (weekend make-up days). Both map the date
    to a name.
    ``complete`` says the year's official arrangement is fully known, so
    results in that year are not provisional.
    """

    year: int
    rest_days: dict[dt.date, str] = field(default_factory=dict)
    work_days: dict[dt.date, str] = field(default_factory=dict)
    complete: bool = True


class HolidaySource(Protocol):
    def year_data(self, year: int) -> YearData | None:
        """Return what the source knows about ``year``, or ``None``."""


class ChineseCalendarSource:
    """State Council holiday arrangements from the ``chinesecalendar`` package.

    The package covers a fixed range of years (2004–2026 in 1.11) and raises
    ``NotImplementedError`` outside it; this source answers ``None`` there
    instead, so the calendar falls back to the next source.
    """

    def __init__(self, **options: object) -> None:
        import chinese_calendar

        self._cc = chinese_calendar
        years = {d.year for d in chinese_calendar.holidays}
        self.first_year = min(years)
        self.last_year = max(years)

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    @staticmethod
    def _chinese_names() -> dict[str, str]:
        try:
            from chinese_calendar.constants import Holiday
        except ImportError:  # an older package without the enum keeps its names
            return {}
        return {h.value: getattr(h, "chinese", h.value) for h in Holiday}

    def year_data(self, year: int) -> YearData | None:
        if not self.covers(year):
            return None
        # The package names days in English ("National Day"); editors and the
        # public read the notice's own names (国庆节).
        chinese = self._chinese_names()
        rest = {
            day: chinese.get(str(name), str(name))
            for day, name in self._cc.holidays.items()
            if day.year == year
        }
        work = {
            day: chinese.get(str(name), str(name))
            for day, name in self._cc.workdays.items()
            if day.year == year
        }
        return YearData(year=year, rest_days=rest, work_days=work, complete=True)


class DatabaseHolidaySource:
    """Holidays and make-up days that editors enter in the Wagtail admin.

    Used for years the package does not cover yet (2027 onward: enter the
    State Council notice when it is published) and for local adjustments.
    A year counts as complete only once an editor records that year's notice
    (a :class:`~govopen_wagtail.models.HolidayYear`); until then its
    entries apply but results stay provisional.
    """

    def __init__(self, **options: object) -> None:
        self.options = options

    def year_data(self, year: int) -> YearData | None:
        from govopen_wagtail.models import HolidayOverride, HolidayYear

        overrides = list(
            HolidayOverride.objects.filter(date__year=year).values_list(
                "date", "is_working_day", "name"
            )
        )
        complete = HolidayYear.objects.filter(year=year).exists()
        if not overrides and not complete:
            return None
        rest = {d: name for d, working, name in overrides if not working}
        work = {d: name for d, working, name in overrides if working}
        return YearData(year=year, rest_days=rest, work_days=work, complete=complete)


class StaticHolidaySource:
    """Holidays given directly in settings, e.g. for tests or a fixed local list.

    ``OPTIONS``: ``{"years": {2027: {"rest_days": {"2027-01-01": "元旦"},
    "work_days": {...}, "complete": True}}}``; dates as ISO strings or dates.
    """

    def __init__(self, years: dict | None = None, **options: object) -> None:
        self._years: dict[int, YearData] = {}
        for year, spec in (years or {}).items():
            self._years[int(year)] = YearData(
                year=int(year),
                rest_days=_parse_dates(spec.get("rest_days", {})),
                work_days=_parse_dates(spec.get("work_days", {})),
                complete=bool(spec.get("complete", True)),
            )

    def year_data(self, year: int) -> YearData | None:
        return self._years.get(year)


def _parse_dates(mapping: dict) -> dict[dt.date, str]:
    parsed = {}
    for key, name in mapping.items():
        day = key if isinstance(key, dt.date) else dt.date.fromisoformat(str(key))
        parsed[day] = str(name)
    return parsed
