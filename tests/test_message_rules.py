"""Public messages: due dates on the real calendar, units' due dates, the
hour clock of concerns and the monthly figures."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govopen_wagtail import message_rules as rules

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The calendar reads holiday overrides from the database first.
pytestmark = pytest.mark.django_db


def test_three_working_days_over_national_day_end_on_the_make_up_saturday():
    due = rules.message_due(dt.date(2026, 9, 30), "consult")
    # 1–7 October are rest days; 8 and 9 October count, Saturday 10 October is a make-up working day.
    assert due.date == dt.date(2026, 10, 10) and due.working_days == 3 and not due.provisional
    assert "2026-10-10" in due.steps[-1]


def test_an_error_report_is_due_in_two_working_days():
    assert rules.message_due(dt.date(2026, 9, 30), "error").date == dt.date(2026, 10, 9)


def test_received_late_in_the_evening_counts_by_beijing_time():
    # 23:30 in Beijing on 30 September is 15:30 UTC: still the 30th.
    received = dt.datetime(2026, 9, 30, 15, 30, tzinfo=dt.timezone.utc)
    assert rules.message_due(received, "error", tz=SHANGHAI).date == dt.date(2026, 10, 9)
    # 00:30 on 1 October in Beijing is the 30th in UTC: counted from 1 October.
    received = dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.timezone.utc)
    assert rules.message_due(received, "error", tz=SHANGHAI).date == dt.date(2026, 10, 9)


def test_received_on_a_weekend():
    # Saturday 5 December 2026: Monday 7th is the first counted day.
    assert rules.message_due(dt.date(2026, 12, 5), "consult").date == dt.date(2026, 12, 9)


def test_site_kinds_and_unknown_kinds():
    days = {"consult": 5, "praise": 10}
    assert rules.message_due(dt.date(2026, 12, 7), "praise", days_by_kind=days).date == dt.date(2026, 12, 21)
    assert rules.kind_label("praise") == "praise"
    with pytest.raises(ValueError):
        rules.message_due(dt.date(2026, 12, 7), "error", days_by_kind=days)


def test_past_the_holiday_data_the_due_date_is_provisional():
    due = rules.message_due(dt.date(2031, 6, 2), "consult")
    assert due.provisional and due.date == dt.date(2031, 6, 5)


def test_a_unit_never_gets_longer_than_the_message():
    message_due = rules.message_due(dt.date(2026, 9, 30), "consult").date  # 10 October
    assert rules.unit_due(dt.date(2026, 9, 30), message_due, 2) == dt.date(2026, 10, 9)
    assert rules.unit_due(dt.date(2026, 10, 9), message_due, 2) == message_due


def test_concerns_run_on_hours_across_midnight():
    seen = dt.datetime(2026, 12, 1, 22, 30, tzinfo=SHANGHAI)
    assert rules.concern_due(seen, major=True) == dt.datetime(2026, 12, 2, 3, 30, tzinfo=SHANGHAI)
    assert rules.concern_due(seen, major=False) == dt.datetime(2026, 12, 3, 22, 30, tzinfo=SHANGHAI)
    assert rules.concern_due(seen, major=True, hours={"major": 2, "ordinary": 24}) == seen + dt.timedelta(hours=2)


def test_monthly_figures():
    d = dt.date
    rows = [
        (d(2026, 9, 30), d(2026, 10, 10), d(2026, 10, 9)),   # on time, 2 working days
        (d(2026, 9, 30), d(2026, 10, 9), d(2026, 10, 12)),   # late, 4 working days (10 Oct counts)
        (d(2026, 9, 29), d(2026, 10, 9), None),             # not answered
        (d(2026, 10, 12), d(2026, 10, 15), d(2026, 10, 12)),  # the same day: 0 working days
    ]
    september, october = rules.monthly_figures(rows)
    assert (september.month, september.received, september.answered, september.on_time) == (d(2026, 9, 1), 3, 2, 1)
    assert september.on_time_share == 0.5 and september.average_working_days == 3
    assert (october.received, october.on_time, october.average_working_days) == (1, 1, 0)
    assert rules.monthly_figures([]) == []


def test_the_settings_are_the_defaults(settings):
    settings.GOVOPEN_MESSAGE_KINDS = {"consult": 5, "error": 1}
    assert rules.message_due(dt.date(2026, 12, 7), "consult").date == dt.date(2026, 12, 14)
    assert rules.message_due(dt.date(2026, 12, 7), "error").date == dt.date(2026, 12, 8)
    with pytest.raises(ValueError):
        rules.message_due(dt.date(2026, 12, 7), "complaint")
    settings.GOVOPEN_CONCERN_HOURS = {"major": 1, "ordinary": 12}
    seen = dt.datetime(2026, 12, 1, 22, 30, tzinfo=SHANGHAI)
    assert rules.concern_due(seen, major=False) == seen + dt.timedelta(hours=12)
