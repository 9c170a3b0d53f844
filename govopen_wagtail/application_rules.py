"""Disclosure on application (依申请公开): the reply taxonomy and the clock.

Plain, type-hinted rules with no models, views or admin:

- :data:`OUTCOMES` is the reply taxonomy, row for row the 本年度办理结果 of
  table 三 of the annual report (国办公开办函〔2021〕30号), so the report's
  figures are one ``GROUP BY`` over the recorded outcome codes.
- :func:`compute_clock` counts the statutory time limit of 条例 arts. 30–34
  through :mod:`govopen_wagtail.calendar` and explains every step.

The counting rules (see ``docs/explanation/applications.md``):

- The reply is due **20 working days** after the day of receipt; the day of
  receipt is not counted (art. 33; 民法典 art. 201).
- A correction notice (补正) may be sent **once**, within **7 working days** of
  receipt; while the applicant corrects, no clock runs; when the corrected
  application arrives, the 20 days start again from that day (art. 30).
- While a third party or another agency is consulted, or a fee is awaited,
  time is not counted (arts. 32, 34, 42): working days after the day the
  pause starts, up to and including the day it ends, are skipped. A third
  party has **15 working days** to give its opinion.
- One extension of at most **20 working days** (art. 33).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _, gettext_lazy, pgettext_lazy

from .calendar import WorkingDayCalendar, get_calendar

__all__ = [
    "APPLICANT_COLUMNS",
    "CORRECTION_NOTICE_WORKING_DAYS",
    "ClockInput",
    "ClockResult",
    "EXTENSION_MAX_WORKING_DAYS",
    "OUTCOMES",
    "OUTCOME_GROUPS",
    "Outcome",
    "OutcomeGroup",
    "Pause",
    "REPLY_WORKING_DAYS",
    "REVIEW_RESULTS",
    "THIRD_PARTY_WORKING_DAYS",
    "compute_clock",
    "outcome",
    "outcome_choices",
]

REPLY_WORKING_DAYS = 20
EXTENSION_MAX_WORKING_DAYS = 20
CORRECTION_NOTICE_WORKING_DAYS = 7
THIRD_PARTY_WORKING_DAYS = 15
#: Offline applications are entered within this many working days (seed 002).
ENTRY_WORKING_DAYS = 1


@dataclass(frozen=True)
class OutcomeGroup:
    code: str
    numeral: str
    label: str


@dataclass(frozen=True)
class Outcome:
    code: str
    group: str
    number: int  # 0 for a group without numbered reasons
    label: str
    article: str  # the 条例 article a letter cites; "" where the office names it


OUTCOME_GROUPS: tuple[OutcomeGroup, ...] = (
    OutcomeGroup("disclose", "（一）", gettext_lazy("Disclosed (予以公开)")),
    OutcomeGroup("partial", "（二）", gettext_lazy("Partly disclosed (部分公开)")),
    OutcomeGroup("withhold", "（三）", gettext_lazy("Not disclosed (不予公开)")),
    OutcomeGroup("unable", "（四）", gettext_lazy("Cannot be provided (无法提供)")),
    OutcomeGroup("not_handled", "（五）", gettext_lazy("Not handled (不予处理)")),
    OutcomeGroup("other", "（六）", gettext_lazy("Other handling (其他处理)")),
)

OUTCOMES: tuple[Outcome, ...] = (
    Outcome("disclose", "disclose", 0, gettext_lazy("Disclosed (予以公开)"), "第三十六条第（二）项"),
    Outcome("partial", "partial", 0, gettext_lazy("Partly disclosed (部分公开)"), "第三十七条"),
    Outcome("withhold_1", "withhold", 1, gettext_lazy("State secret (属于国家秘密)"), "第十四条"),
    Outcome("withhold_2", "withhold", 2,
            gettext_lazy("Disclosure forbidden by other laws or administrative regulations (其他法律行政法规禁止公开)"),
            "第十四条"),
    Outcome("withhold_3", "withhold", 3,
            gettext_lazy("Would endanger national, public, economic security or social stability (危及“三安全一稳定”)"),
            "第十四条"),
    Outcome("withhold_4", "withhold", 4,
            gettext_lazy("Protects a third party's lawful rights (保护第三方合法权益)"), "第十五条"),
    Outcome("withhold_5", "withhold", 5,
            gettext_lazy("Internal affairs information (属于三类内部事务信息)"), "第十六条第一款"),
    Outcome("withhold_6", "withhold", 6,
            gettext_lazy("Process information (属于四类过程性信息)"), "第十六条第二款"),
    Outcome("withhold_7", "withhold", 7,
            gettext_lazy("Administrative law-enforcement case file (属于行政执法案卷)"), "第十六条第二款"),
    Outcome("withhold_8", "withhold", 8,
            gettext_lazy("Administrative enquiry matter (属于行政查询事项)"), ""),
    Outcome("unable_1", "unable", 1,
            gettext_lazy("This body does not hold the information (本机关不掌握相关政府信息)"),
            "第三十六条第（四）项"),
    Outcome("unable_2", "unable", 2,
            gettext_lazy("No ready-made information; it would have to be produced (没有现成信息需要另行制作)"),
            "第三十八条"),
    Outcome("unable_3", "unable", 3,
            gettext_lazy("Still unclear after correction (补正后申请内容仍不明确)"), "第三十条"),
    Outcome("not_handled_1", "not_handled", 1,
            gettext_lazy("A petition, report or complaint (信访举报投诉类申请)"), "第三十九条第一款"),
    Outcome("not_handled_2", "not_handled", 2,
            gettext_lazy("Repeated application (重复申请)"), "第三十六条第（六）项"),
    Outcome("not_handled_3", "not_handled", 3,
            gettext_lazy("Asks for public publications (要求提供公开出版物)"), "第三十九条第二款"),
    Outcome("not_handled_4", "not_handled", 4,
            gettext_lazy("Large, repeated applications without good reason (无正当理由大量反复申请)"),
            "第三十五条"),
    Outcome("not_handled_5", "not_handled", 5,
            gettext_lazy("Asks the body to confirm or re-issue information already obtained "
                         "(要求行政机关确认或重新出具已获取信息)"), ""),
    Outcome("other_1", "other", 1,
            gettext_lazy("Applicant did not correct in time without good reason (申请人无正当理由逾期不补正)"),
            "第三十条"),
    Outcome("other_2", "other", 2,
            gettext_lazy("Applicant did not pay the fee in time (申请人逾期未按收费通知要求缴纳费用)"),
            "第四十二条"),
    Outcome("other_3", "other", 3, pgettext_lazy("application outcome", "Other (其他)"), ""),
)
_BY_CODE = {o.code: o for o in OUTCOMES}

#: Table 三's applicant columns, in order.
APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", gettext_lazy("Natural person (自然人)")),
    ("commercial", gettext_lazy("Organisation: business (商业企业)")),
    ("research", gettext_lazy("Organisation: research institution (科研机构)")),
    ("public_welfare", gettext_lazy("Organisation: social welfare organisation (社会公益组织)")),
    ("legal_service", gettext_lazy("Organisation: legal services (法律服务机构)")),
    ("other_org", gettext_lazy("Organisation: other (其他)")),
)

#: Table 四's results of an administrative review or lawsuit.
REVIEW_RESULTS: tuple[tuple[str, str], ...] = (
    ("upheld", gettext_lazy("Upheld (结果维持)")),
    ("corrected", gettext_lazy("Corrected (结果纠正)")),
    ("other", gettext_lazy("Other result (其他结果)")),
    ("pending", gettext_lazy("Not yet concluded (尚未审结)")),
)


def outcome(code: str) -> Outcome:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise ValueError(f"unknown application outcome {code!r}") from None


def outcome_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices grouped as table 三's rows, for a ``<select>`` with optgroups."""
    grouped = []
    for group in OUTCOME_GROUPS:
        items = [(o.code, f"{o.number}. {o.label}" if o.number else str(o.label))
                 for o in OUTCOMES if o.group == group.code]
        grouped.append((f"{group.numeral} {group.label}", items))
    return grouped


@dataclass(frozen=True)
class Pause:
    """Time not counted: from the day after ``start`` up to and including ``end``."""

    start: dt.date
    end: dt.date | None
    label: str = ""


@dataclass(frozen=True)
class ClockInput:
    received: dt.date
    correction_requested: dt.date | None = None
    correction_due: dt.date | None = None
    corrected: dt.date | None = None
    pauses: tuple[Pause, ...] = ()
    extension_days: int = 0
    replied: dt.date | None = None


@dataclass
class ClockResult:
    """When the reply is due, and how that was counted."""

    start: dt.date
    restarted: bool
    due: dt.date | None
    base_due: dt.date | None
    waiting_for_correction: bool
    paused: bool
    provisional: bool
    provisional_years: tuple[int, ...]
    correction_notice_by: dt.date
    entry_due: dt.date
    rest_days: list[tuple[dt.date, str]] = field(default_factory=list)
    makeup_days: list[tuple[dt.date, str]] = field(default_factory=list)
    paused_days: list[dt.date] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    #: Working days counted so far (up to today, or to the reply).
    used: int = 0
    total: int = REPLY_WORKING_DAYS
    #: Working days left until the due date; negative when overdue.
    days_left: int | None = None

    def is_overdue(self, today: dt.date) -> bool:
        return self.due is not None and not self.waiting_for_correction and today > self.due


def _in_pause(day: dt.date, pauses: tuple[Pause, ...], today: dt.date) -> bool:
    for pause in pauses:
        end = pause.end or max(today, pause.start)
        if pause.start < day <= end:
            return True
    return False


def _ranges(days: list[tuple[dt.date, str]]) -> list[str]:
    """Consecutive days of one holiday as one span: "2026-10-01–10-07 国庆节"."""
    spans: list[list] = []
    for day, name in days:
        if spans and spans[-1][2] == name and (day - spans[-1][1]).days == 1:
            spans[-1][1] = day
        else:
            spans.append([day, day, name])
    return [
        (f"{a.isoformat()}–{b.strftime('%m-%d')}" if b != a else a.isoformat()) + f" {name}"
        for a, b, name in spans
    ]


def compute_clock(
    data: ClockInput, today: dt.date, calendar: WorkingDayCalendar | None = None
) -> ClockResult:
    """The due date of a reply under 条例 arts. 30–34, with its explanation.

    An open pause (no ``end``) is counted as lasting until ``today``: the due
    date then moves on by one working day for each working day it lasts.
    """
    calendar = calendar or get_calendar()
    if data.extension_days < 0 or data.extension_days > EXTENSION_MAX_WORKING_DAYS:
        raise ValueError("an extension is between 0 and 20 working days")
    notice_by = calendar.add_working_days(data.received, CORRECTION_NOTICE_WORKING_DAYS)
    entry_due = calendar.add_working_days(data.received, ENTRY_WORKING_DAYS)
    years = set(notice_by.provisional_years)
    steps = [
        _("Received on %(date)s; the day of receipt is not counted (条例第三十一条).")
        % {"date": data.received.isoformat()}
    ]
    waiting = bool(data.correction_requested and not data.corrected)
    start = data.received
    restarted = False
    if data.correction_requested:
        steps.append(
            _("Correction (补正) requested on %(date)s: the clock stopped (条例第三十条).")
            % {"date": data.correction_requested.isoformat()}
        )
        if data.corrected:
            start, restarted = data.corrected, True
            steps.append(
                _("Corrected application received on %(date)s: the 20 working days start again from that day.")
                % {"date": data.corrected.isoformat()}
            )
        elif data.correction_due:
            steps.append(
                _("Waiting for the correction, to arrive by %(date)s; without it the application is deemed "
                  "abandoned.") % {"date": data.correction_due.isoformat()}
            )
    result = ClockResult(
        start=start, restarted=restarted, due=None, base_due=None, waiting_for_correction=waiting,
        paused=False, provisional=False, provisional_years=(), correction_notice_by=notice_by.date,
        entry_due=entry_due.date,
    )
    if waiting:
        result.provisional_years = tuple(sorted(years))
        result.provisional = bool(years)
        result.steps = steps
        return result

    pauses = tuple(p for p in data.pauses if p.end is None or p.end > start)
    total = REPLY_WORKING_DAYS + data.extension_days
    counted = 0
    day = start
    base_due = None
    used_until = data.replied or today
    while counted < total:
        day += dt.timedelta(days=1)
        info = calendar.day_info(day)
        if info.provisional:
            years.add(day.year)
        if not info.working:
            if day.weekday() >= 5 and not info.name:
                continue
            result.rest_days.append((day, info.name or _("rest day")))
            continue
        if _in_pause(day, pauses, today):
            result.paused_days.append(day)
            continue
        if day.weekday() >= 5:
            result.makeup_days.append((day, info.name or _("make-up working day (调休)")))
        counted += 1
        if day <= used_until:
            result.used = counted
        if counted == REPLY_WORKING_DAYS:
            base_due = day
    result.due = day
    result.base_due = base_due
    result.paused = any(p.end is None for p in pauses)
    steps.append(
        _("20 working days counted from the day after %(date)s (条例第三十三条).") % {"date": start.isoformat()}
    )
    if result.rest_days:
        steps.append(
            _("Holidays not counted: %(days)s.")
            % {"days": "、".join(_ranges(result.rest_days))}
        )
    if result.makeup_days:
        steps.append(
            _("Weekend days that are working days (调休) counted: %(days)s.")
            % {"days": "、".join(d.isoformat() for d, _n in result.makeup_days)}
        )
    for pause in pauses:
        end = pause.end.isoformat() if pause.end else _("still waiting")
        steps.append(
            _("Not counted while waiting (%(what)s): after %(start)s until %(end)s.")
            % {"what": pause.label, "start": pause.start.isoformat(), "end": end}
        )
    if result.paused_days:
        steps.append(
            _("%(n)d working days paused in all (条例第三十二条、第三十四条).") % {"n": len(result.paused_days)}
        )
    if data.extension_days:
        steps.append(
            _("Extended by %(n)d working days (条例第三十三条第二款): originally due on %(base)s.")
            % {"n": data.extension_days, "base": base_due.isoformat() if base_due else "—"}
        )
    if result.paused:
        steps.append(_("While the pause lasts, the due date moves on by one working day for each working day."))
    result.provisional_years = tuple(sorted(years))
    result.provisional = bool(years)
    if result.provisional:
        steps.append(
            _("Provisional: the holidays of %(years)s are not entered yet; weekdays are counted as working days.")
            % {"years": "、".join(str(y) for y in result.provisional_years)}
        )
    result.steps = steps
    result.total = total
    if used_until > day:
        result.days_left = -calendar.working_days_between(day, used_until).days
    else:
        result.days_left = total - result.used
    return result
