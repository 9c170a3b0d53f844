"""Public messages (网民留言) and responses to public concern (回应关切): the clocks.

Plain, type-hinted rules with no models, views or admin:

- A message is answered within a number of **working days** that depends on
  its kind (seed 000 item 29: 3 for messages; seed 004: 2 for reports of
  errors on the site, 我为政府网站找错), counted through
  :mod:`govopen_wagtail.calendar`; the day of receipt is not counted
  (民法典 art. 201), so a message received on a rest day counts from the
  next working day on.
- When a message is forwarded to a unit (转办), the unit's own due date is a
  number of working days after the forwarding, never later than the
  message's.
- A concern of the public is answered within **hours**, not working days
  (seed 002: 5 hours for a major incident, 48 hours otherwise), from the
  moment it was first seen.
- Statistics per month: received, answered, answered on time, the share on
  time and the average working days to answer, the figures assessments check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _, gettext_lazy, pgettext_lazy

from .calendar import WorkingDayCalendar, get_calendar

__all__ = [
    "KIND_LABELS",
    "MessageDue",
    "MonthFigures",
    "concern_due",
    "kind_label",
    "message_due",
    "monthly_figures",
    "unit_due",
]

# The working days per kind and the hours of concerns are settings
# (GOVOPEN_MESSAGE_KINDS, GOVOPEN_CONCERN_HOURS in conf.py), read at call time.

KIND_LABELS = {
    "consult": pgettext_lazy("message kind", "Question"),
    "suggestion": pgettext_lazy("message kind", "Suggestion"),
    "complaint": pgettext_lazy("message kind", "Complaint"),
    "error": gettext_lazy("Error on this site"),
}


def kind_label(code: str) -> str:
    """A kind's label; a kind a site added itself is shown as it is written."""
    return str(KIND_LABELS.get(code, code))


@dataclass(frozen=True)
class MessageDue:
    """When a message must be answered, and how that was counted."""

    date: dt.date
    working_days: int
    provisional: bool
    steps: tuple[str, ...] = field(default=())


def _local_date(value: dt.date | dt.datetime, tz) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and tz is not None:
            value = value.astimezone(tz)
        return value.date()
    return value


def message_due(received: dt.date | dt.datetime, kind: str, *, days_by_kind: dict[str, int] | None = None,
                calendar: WorkingDayCalendar | None = None, tz=None) -> MessageDue:
    """The answer's due date for a message of ``kind`` received at ``received``
    (``days_by_kind`` defaults to the GOVOPEN_MESSAGE_KINDS setting)."""
    if days_by_kind is None:
        from .conf import govopen_settings

        days_by_kind = govopen_settings.MESSAGE_KINDS
    if kind not in days_by_kind:
        raise ValueError(f"unknown message kind {kind!r}")
    n = days_by_kind[kind]
    calendar = calendar or get_calendar()
    day = _local_date(received, tz)
    result = calendar.add_working_days(day, n)
    steps = [
        _("Received on %(day)s; the day of receipt is not counted.") % {"day": day.isoformat()},
        _("%(kind)s: answered within %(n)d working days, so by %(due)s.")
        % {"kind": kind_label(kind), "n": n, "due": result.date.isoformat()},
    ]
    if result.provisional:
        steps.append(_("Provisional: the holiday notice for %(years)s has not been entered yet.")
                     % {"years": ", ".join(str(y) for y in result.provisional_years)})
    return MessageDue(result.date, n, result.provisional, tuple(steps))


def unit_due(forwarded: dt.date | dt.datetime, message_due_date: dt.date, working_days: int, *,
             calendar: WorkingDayCalendar | None = None, tz=None) -> dt.date:
    """A unit's due date for a forwarded message: ``working_days`` after the
    forwarding, and never later than the message's own."""
    calendar = calendar or get_calendar()
    own = calendar.add_working_days(_local_date(forwarded, tz), working_days).date
    return min(own, message_due_date)


def concern_due(first_seen: dt.datetime, major: bool, hours: dict[str, int] | None = None) -> dt.datetime:
    """When a concern of the public must have its response: in hours, around the clock."""
    if hours is None:
        from .conf import govopen_settings

        hours = govopen_settings.CONCERN_HOURS
    return first_seen + dt.timedelta(hours=hours["major" if major else "ordinary"])


@dataclass
class MonthFigures:
    month: dt.date
    received: int = 0
    answered: int = 0
    on_time: int = 0
    working_days_total: int = 0

    @property
    def on_time_share(self) -> float | None:
        """Answered on time, as a share of those answered (None: none answered)."""
        return self.on_time / self.answered if self.answered else None

    @property
    def average_working_days(self) -> float | None:
        return self.working_days_total / self.answered if self.answered else None


def monthly_figures(rows: Iterable[tuple[dt.date, dt.date, dt.date | None]], *,
                    calendar: WorkingDayCalendar | None = None) -> list[MonthFigures]:
    """Figures per month of receipt from (received on, due on, answered on)."""
    calendar = calendar or get_calendar()
    months: dict[dt.date, MonthFigures] = {}
    for received, due, answered in rows:
        month = received.replace(day=1)
        figures = months.setdefault(month, MonthFigures(month))
        figures.received += 1
        if answered is None:
            continue
        figures.answered += 1
        if answered <= due:
            figures.on_time += 1
        figures.working_days_total += max(0, calendar.working_days_between(received, answered).days)
    return [months[m] for m in sorted(months)]
