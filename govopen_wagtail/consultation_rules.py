"""The rules of a public consultation window, as plain functions.

重大行政决策程序暂行条例 art. 15: the public normally has at least 30 days
to comment; a shorter window is allowed only with the reason stated. Some local
rules count working days instead, so the minimum is a :class:`WindowRule`
that can count either way (working days through :mod:`govopen_wagtail.calendar`).

Instants are timezone-aware; what the public sees is the local wall-clock
time in the consultation's time zone (``Asia/Shanghai`` by default), and a
window closing at midnight is written the way notices write it:
``2026-12-24 24:00``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from . import calendar as working_calendar


@dataclass(frozen=True)
class WindowRule:
    """At least ``days`` days (working days if ``working_days``)."""

    days: int = 30
    working_days: bool = False

    def describe(self) -> str:
        if self.working_days:
            return str(_("%(days)d working days") % {"days": self.days})
        return str(_("%(days)d days") % {"days": self.days})


@dataclass(frozen=True)
class WindowProblem:
    field: str
    code: str
    message: str


def minimum_closing(opens_at: dt.datetime, rule: WindowRule, tz: ZoneInfo,
                    cal: working_calendar.WorkingDayCalendar | None = None) -> dt.datetime:
    """The earliest closing instant that satisfies ``rule``."""
    if not rule.working_days:
        return opens_at + dt.timedelta(days=rule.days)
    local = opens_at.astimezone(tz)
    cal = cal or working_calendar.get_calendar()
    day = cal.add_working_days(local.date(), rule.days).date
    return dt.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=tz)


def window_problems(opens_at: dt.datetime | None, closes_at: dt.datetime | None, rule: WindowRule,
                    tz: ZoneInfo, *, shortening_reason: str = "",
                    cal: working_calendar.WorkingDayCalendar | None = None) -> list[WindowProblem]:
    """What is wrong with a window; empty when it may be published."""
    if opens_at is None or closes_at is None:
        return []
    if closes_at <= opens_at:
        return [WindowProblem("closes_at", "order", str(_("The consultation must close after it opens.")))]
    if closes_at < minimum_closing(opens_at, rule, tz, cal) and not shortening_reason.strip():
        return [
            WindowProblem(
                "shortening_reason",
                "too_short",
                str(
                    _("The window is shorter than %(rule)s. State the reason for the shorter window; "
                      "it is shown to the public beside the dates.")
                    % {"rule": rule.describe()}
                ),
            )
        ]
    return []


def is_shortened(opens_at: dt.datetime, closes_at: dt.datetime, rule: WindowRule, tz: ZoneInfo,
                 cal: working_calendar.WorkingDayCalendar | None = None) -> bool:
    return closes_at < minimum_closing(opens_at, rule, tz, cal)


def local_label(instant: dt.datetime, tz: ZoneInfo) -> str:
    """``YYYY-MM-DD HH:MM`` in ``tz``; midnight is written as 24:00 of the
    day before, as notices do (截止 2026-12-24 24:00)."""
    local = instant.astimezone(tz)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return f"{(local.date() - dt.timedelta(days=1)).isoformat()} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


def days_remaining(closes_at: dt.datetime, now: dt.datetime) -> int:
    """Whole days left (a part of a day counts as a day); 0 once closed."""
    seconds = (closes_at - now).total_seconds()
    return max(0, math.ceil(seconds / 86400))


def next_change(windows: Iterable[tuple[dt.datetime, dt.datetime]], now: dt.datetime) -> dt.datetime | None:
    """The first instant after ``now`` at which a list of these windows reads
    differently: one opens, closes, or has a whole day fewer left (see
    :func:`days_remaining`). ``None`` when none will change by the clock."""
    moments = []
    for opens_at, closes_at in windows:
        if now < opens_at:
            moments.append(opens_at)
        elif now < closes_at:
            moments.append(closes_at - dt.timedelta(days=days_remaining(closes_at, now) - 1))
    return min(moments, default=None)


def window_length_days(opens_at: dt.datetime, closes_at: dt.datetime) -> float:
    return (closes_at - opens_at).total_seconds() / 86400
