"""Time limits of catalog entries (公开时限), read from the words bureaus use.

A standard catalog (基层政务公开标准目录) states each entry's time limit in
words: “信息形成或变更之日起20个工作日内”, “每年3月31日前”, “常态化公开”.
:func:`parse_time_limit` turns such a text into a :class:`TimeLimit` the
health check can compute with, or raises :class:`TimeLimitError` saying why it
cannot. Working days are counted by :mod:`govopen_wagtail.calendar`.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import calendar as working_calendar

WORKING_DAYS = "working_days"
DAYS = "days"
YEARLY = "yearly"
ONGOING = "ongoing"
KINDS = (WORKING_DAYS, DAYS, YEARLY, ONGOING)

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d+|[零〇一二两三四五六七八九十]+)"


class TimeLimitError(ValueError):
    def __init__(self, text: str) -> None:
        self.text = text
        self.message = _(
            "The time limit “%(text)s” cannot be read. Write it like “信息形成或变更之日起20个工作日内”, "
            "“信息形成之日起7日内”, “每年3月31日前” or “常态化公开”."
        ) % {"text": text}
        super().__init__(str(self.message))


def chinese_number(text: str) -> int:
    """``"20"``, ``"二十"``, ``"十五"``, ``"三十一"`` → int (up to 99)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
    value = 0
    for ch in text:
        value = value * 10 + _DIGITS[ch]
    return value


@dataclass(frozen=True)
class TimeLimit:
    kind: str
    days: int = 0
    month: int = 0
    day: int = 0

    def describe(self) -> str:
        if self.kind == WORKING_DAYS:
            return f"信息形成或变更之日起{self.days}个工作日内"
        if self.kind == DAYS:
            return f"信息形成或变更之日起{self.days}日内"
        if self.kind == YEARLY:
            return f"每年{self.month}月{self.day}日前"
        return "常态化公开"

    def deadline(self, formed: dt.date, cal: working_calendar.WorkingDayCalendar | None = None) -> dt.date | None:
        """Last day to publish information formed on ``formed`` (None: no per-item limit)."""
        if self.kind == WORKING_DAYS:
            return (cal or working_calendar.get_calendar()).add_working_days(formed, self.days).date
        if self.kind == DAYS:
            return formed + dt.timedelta(days=self.days)
        return None

    def due_date(self, year: int) -> dt.date | None:
        """For a yearly entry: the day this year's item is due."""
        if self.kind != YEARLY:
            return None
        last = month_calendar.monthrange(year, self.month)[1]
        return dt.date(year, self.month, min(self.day, last))


_PATTERNS = [
    (re.compile(rf"{_NUMBER}个?工作日"), WORKING_DAYS),
    (re.compile(rf"之日起{_NUMBER}(?:个)?(?:自然)?[日天]"), DAYS),
    (re.compile(rf"^{_NUMBER}(?:个)?(?:自然)?[日天]内?$"), DAYS),
    (re.compile(r"^(\d+)workingdays?$"), WORKING_DAYS),
    (re.compile(r"^(\d+)days?$"), DAYS),
]
_YEARLY = re.compile(rf"每年(?:的)?{_NUMBER}月(?:{_NUMBER}日|底|末)")
_YEARLY_EN = re.compile(r"^yearlyby(\d{1,2})-(\d{1,2})$")
_ONGOING = re.compile(r"常态化|长期|实时|动态|随时|及时|即时|ongoing")


def parse_time_limit(text: str) -> TimeLimit:
    """Read a 公开时限 text; raises :class:`TimeLimitError` if it cannot."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()
    if not compact:
        raise TimeLimitError(text)
    match = _YEARLY.search(compact)
    if match:
        month = chinese_number(match.group(1))
        day = chinese_number(match.group(2)) if match.group(2) else month_calendar.monthrange(2001, month)[1]
        if 1 <= month <= 12 and 1 <= day <= 31:
            return TimeLimit(YEARLY, month=month, day=day)
        raise TimeLimitError(text)
    match = _YEARLY_EN.match(compact)
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return TimeLimit(YEARLY, month=month, day=day)
        raise TimeLimitError(text)
    for pattern, kind in _PATTERNS:
        match = pattern.search(compact)
        if match:
            days = chinese_number(match.group(1))
            if days < 1 or days > 366:
                raise TimeLimitError(text)
            return TimeLimit(kind, days=days)
    if _ONGOING.search(compact):
        return TimeLimit(ONGOING)
    raise TimeLimitError(text)
