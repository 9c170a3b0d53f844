"""govopen_wagtail.consultation_rules: the window and how its dates read."""

import datetime as dt
from zoneinfo import ZoneInfo

from govopen_wagtail import consultation_rules as rules

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def test_thirty_calendar_days_minimum():
    rule = rules.WindowRule(30)
    opens = at(2026, 11, 24, 9)
    assert rules.minimum_closing(opens, rule, SH) == at(2026, 12, 24, 9)
    assert rules.window_problems(opens, at(2026, 12, 24, 9), rule, SH) == []
    short = rules.window_problems(opens, at(2026, 12, 24, 8, 59), rule, SH)
    assert [(p.field, p.code) for p in short] == [("shortening_reason", "too_short")]
    assert rules.window_problems(opens, at(2026, 12, 1), rule, SH, shortening_reason="紧急：开学前须出台") == []


def test_closing_before_opening_is_refused_even_with_a_reason():
    problems = rules.window_problems(at(2026, 12, 1), at(2026, 11, 30), rules.WindowRule(30), SH,
                                     shortening_reason="x")
    assert [p.code for p in problems] == ["order"]


def test_working_day_rule_uses_the_holiday_calendar(db):
    # 2025-09-26 (Fri) + 7 working days crosses the National Day holiday.
    rule = rules.WindowRule(7, working_days=True)
    closing = rules.minimum_closing(at(2025, 9, 26, 10), rule, SH)
    assert closing == at(2025, 10, 13, 10)  # 10-01..08 off, 09-28 and 10-11 worked


def test_midnight_is_written_as_24_00_of_the_day_before():
    assert rules.local_label(at(2026, 12, 25, 0, 0), SH) == "2026-12-24 24:00"
    assert rules.local_label(at(2026, 12, 24, 17, 30), SH) == "2026-12-24 17:30"
    # An instant in UTC is shown in Beijing time.
    utc = dt.datetime(2026, 12, 24, 16, 0, tzinfo=dt.timezone.utc)
    assert rules.local_label(utc, SH) == "2026-12-24 24:00"


def test_days_remaining_counts_part_days_and_stops_at_zero():
    closes = at(2026, 12, 25)
    assert rules.days_remaining(closes, at(2026, 12, 24, 23, 59)) == 1
    assert rules.days_remaining(closes, at(2026, 12, 23, 0)) == 2
    assert rules.days_remaining(closes, at(2026, 12, 25, 0, 0, 1)) == 0


def test_next_change_is_the_first_opening_closing_or_day_less_left():
    import datetime as dt

    from govopen_wagtail.consultation_rules import days_remaining, next_change

    now = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.timezone.utc)
    day = dt.timedelta(days=1)
    closing = now + 2 * day + dt.timedelta(hours=1)  # 3 days left, 2 in an hour
    assert next_change([(now - day, closing)], now) == now + dt.timedelta(hours=1)
    assert days_remaining(closing, now + dt.timedelta(hours=1)) == 2
    assert days_remaining(closing, now + dt.timedelta(minutes=59)) == 3
    # The last day: the change is the closing itself.
    assert next_change([(now - day, now + dt.timedelta(hours=5))], now) == now + dt.timedelta(hours=5)
    # Exactly whole days left: the next change is a day on.
    assert next_change([(now - day, now + 3 * day)], now) == now + day
    # An upcoming one changes when it opens; the earliest of several wins; closed ones never.
    opening = now + dt.timedelta(minutes=30)
    assert next_change([(now - day, closing), (opening, opening + 30 * day), (now - 40 * day, now - 10 * day)],
                       now) == opening
    assert next_change([(now - 40 * day, now - 10 * day)], now) is None
