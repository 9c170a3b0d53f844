"""Work plans (政务公开工作要点 / 任务分解表): time limits and responsible units.

Plain, type-hinted rules with no models, views or admin:

- :func:`parse_time_limit` reads a plan's 时限要求 as the plans write it
  (年底前, 10月底前, 11月15日前, 6月30日前, 上半年, 持续推进, 长期坚持, 每月,
  每季度, 每半年, 每年 …) into a due date in the plan's year, a recurrence, or
  "continuous"; anything else is refused with an example, never guessed.
- :func:`split_units` turns a 责任单位 cell (“办公室、计财科；县区教育局”,
  “政策法规科牵头、各有关科室按职责分工负责”, “计财科\\n校产办”) into unit
  names, keeping which unit leads (牵头) and which assists (配合).
- :func:`split_responsibility` finds the “（责任科室：…）” that ends each task of
  a plan written in prose, nested brackets included.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

__all__ = [
    "Recurrence",
    "TimeLimit",
    "TimeLimitError",
    "UnitRef",
    "parse_time_limit",
    "split_responsibility",
    "split_units",
]

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}


class Recurrence:
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


@dataclass(frozen=True)
class TimeLimit:
    """A time limit read: ``due`` (a date), ``recurrence`` (each month,
    quarter …) or ``continuous`` (持续推进); ``text`` as written."""

    text: str
    due: dt.date | None = None
    recurrence: str = ""
    continuous: bool = False

    @property
    def empty(self) -> bool:
        return not (self.due or self.recurrence or self.continuous)


class TimeLimitError(ValueError):
    def __init__(self, text: str) -> None:
        self.text = text
        self.message = _("The time limit “%(text)s” cannot be read. Write it as the plans do, e.g. 年底前, "
                         "10月底前, 11月15日前, 上半年, 每季度 or 持续推进.") % {"text": text}
        super().__init__(self.message)


_CONTINUOUS = ("持续推进", "长期坚持", "长期", "持续", "常态化", "持续开展", "长期推进", "全年", "及时")
_RECURRING = {
    Recurrence.MONTHLY: ("每月", "按月"),
    Recurrence.QUARTERLY: ("每季度", "按季度", "每季"),
    Recurrence.HALF_YEARLY: ("每半年", "半年一次"),
    Recurrence.YEARLY: ("每年",),
}
_MONTH = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
_YEAR = r"(?:(\d{4})年)?"
_DAY_RE = re.compile(rf"^{_YEAR}{_MONTH}月(\d{{1,2}})日(?:前|之前|以前|底前)?$")
_MONTH_END_RE = re.compile(rf"^{_YEAR}{_MONTH}月(?:底|末|份)(?:前|之前|以前)?$|^{_YEAR}{_MONTH}月(?:前|之前)$")
_YEAR_END_RE = re.compile(r"^(?:(\d{4})年)?(?:年底|年末|年内|本年度内|底)(?:前|之前|以前)?$")
_HALF_RE = re.compile(r"^(?:(\d{4})年)?(上半年|下半年)(?:前|之前|以前|内)?$")
_QUARTER_RE = re.compile(r"^(?:(\d{4})年)?第?([一二三四1-4])季度(?:前|之前|以前|内|末|底)?$")


def _number(value: str) -> int:
    return int(value) if value.isdigit() else _CN_DIGITS[value]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _calendar.monthrange(year, month)[1])


def parse_time_limit(text: str, year: int) -> TimeLimit:
    """Read a time limit of a plan for ``year``. Empty text is an empty limit."""
    raw = (text or "").strip()
    compact = re.sub(r"[\s。．.，,；;]", "", raw)
    compact = compact.replace("完成", "").replace("到位", "") if compact not in _CONTINUOUS else compact
    if not compact:
        return TimeLimit(raw)
    if compact in _CONTINUOUS or compact.startswith(("持续", "长期")):
        return TimeLimit(raw, continuous=True)
    for recurrence, words in _RECURRING.items():
        if compact.startswith(words):
            return TimeLimit(raw, recurrence=recurrence)
    try:
        if m := _DAY_RE.match(compact):
            y = int(m.group(1) or year)
            return TimeLimit(raw, due=dt.date(y, _number(m.group(2)), int(m.group(3))))
        if m := _MONTH_END_RE.match(compact):
            y = int(m.group(1) or m.group(3) or year)
            month = _number(m.group(2) or m.group(4))
            return TimeLimit(raw, due=_month_end(y, month))
        if m := _YEAR_END_RE.match(compact):
            return TimeLimit(raw, due=dt.date(int(m.group(1) or year), 12, 31))
        if m := _HALF_RE.match(compact):
            y = int(m.group(1) or year)
            return TimeLimit(raw, due=dt.date(y, 6, 30) if m.group(2) == "上半年" else dt.date(y, 12, 31))
        if m := _QUARTER_RE.match(compact):
            y = int(m.group(1) or year)
            quarter = _number(m.group(2))
            return TimeLimit(raw, due=_month_end(y, quarter * 3))
    except (ValueError, KeyError) as exc:  # 2月30日, 13月底
        raise TimeLimitError(raw) from exc
    raise TimeLimitError(raw)


@dataclass(frozen=True)
class UnitRef:
    name: str
    lead: bool = False


_LEAD_RE = re.compile(r"(牵头(?:负责)?|为牵头单位|主责)$")
_ASSIST_RE = re.compile(r"(配合|协助|参与)$")
# What follows a unit's name and is not part of it.
_TAIL_RE = re.compile(r"[（(]?(按职责分工负责|按职责负责|具体负责|分别负责|负责|落实|等)[）)]?$")


def split_units(text: str) -> list[UnitRef]:
    """The units of a 责任单位 cell, in order, each once; 牵头 marks the lead.
    With no 牵头 written, the first unit leads."""
    cleaned = (text or "").replace("\u3000", " ").strip()
    if not cleaned:
        return []
    # “县、区教育局” and “各县（市、区）教育局” name one kind of unit: no split inside.
    cleaned = re.sub(r"[（(][^（）()]*[）)]", lambda m: m.group(0).replace("、", "\x00").replace("，", "\x01"), cleaned)
    cleaned = re.sub(r"([县市])[、，]([区县市])", r"\1\2", cleaned)
    parts = re.split(r"[、，,；;/\n]+|\s{2,}|(?<=牵头)(?=各)", cleaned)
    parts = [p.replace("\x00", "、").replace("\x01", "，") for p in parts]
    found: list[UnitRef] = []
    seen: set[str] = set()
    any_lead = False
    for part in parts:
        name = part.strip(" 　。．.")
        if not name:
            continue
        lead = bool(_LEAD_RE.search(name))
        name = _LEAD_RE.sub("", name)
        name = _ASSIST_RE.sub("", name)
        name = _TAIL_RE.sub("", name).strip(" 　")
        if not name or name in seen:
            continue
        seen.add(name)
        any_lead = any_lead or lead
        found.append(UnitRef(name, lead))
    if found and not any_lead:
        found[0] = UnitRef(found[0].name, True)
    return found


_RESPONSIBILITY_OPEN = re.compile(r"[（(]\s*(?:责任(?:科室|单位|部门)|牵头(?:科室|单位))\s*[:：]")


def split_responsibility(paragraph: str) -> list[tuple[str, str]]:
    """A prose paragraph as (task text, units text) pairs, one per
    “（责任科室：…）”; text after the last one (or a paragraph without one)
    comes back with empty units."""
    pairs: list[tuple[str, str]] = []
    rest = paragraph
    while (m := _RESPONSIBILITY_OPEN.search(rest)) is not None:
        depth, i = 1, m.end()
        while i < len(rest) and depth:
            if rest[i] in "（(":
                depth += 1
            elif rest[i] in "）)":
                depth -= 1
            i += 1
        task = rest[: m.start()].strip()
        units = rest[m.end() : i - 1 if depth == 0 else i].strip()
        pairs.append((task, units))
        rest = rest[i:].lstrip("。．. ")
    if rest.strip():
        pairs.append((rest.strip(), ""))
    return pairs
