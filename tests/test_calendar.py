"""The working-day calendar against real State Council arrangements.

Expected dates were counted by hand from the notices (国办发明电), e.g. 2026
Spring Festival: rest 15–23 February, work Saturday 14 and Saturday 28.
"""

import datetime as dt
from unittest import mock

import pytest
from django.test import override_settings

from govopen_wagtail import calendar
from govopen_wagtail.calendar import WorkingDayCalendar
from govopen_wagtail.holidays import ChineseCalendarSource, StaticHolidaySource, YearData

D = dt.date


@pytest.fixture(scope="module")
def cal():
    return WorkingDayCalendar([ChineseCalendarSource()])


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2025, 1, 26), True),   # Sunday, make-up day before Spring Festival 2025
        (D(2025, 1, 28), False),  # Spring Festival eve holiday
        (D(2025, 2, 8), True),    # Saturday make-up day
        (D(2025, 10, 1), False),  # National Day
        (D(2025, 10, 11), True),  # Saturday make-up day after National Day
        (D(2025, 3, 8), False),   # an ordinary Saturday
        (D(2025, 3, 10), True),   # an ordinary Monday
        (D(2026, 2, 14), True),   # Saturday make-up day, Spring Festival 2026
        (D(2026, 2, 16), False),  # Monday in the Spring Festival holiday
        (D(2026, 2, 28), True),   # Saturday make-up day
        (D(2026, 10, 1), False),
        (D(2026, 12, 31), True),
    ],
)
def test_real_holidays_and_make_up_days(cal, day, working):
    info = cal.day_info(day)
    assert info.working is working
    assert info.provisional is False


def test_twenty_working_days_across_spring_festival_2026(cal):
    result = cal.add_working_days(D(2026, 2, 6), 20)
    # Plain Monday–Friday counting would give 6 March.
    assert result.date == D(2026, 3, 12)
    assert result.provisional is False


def test_twenty_working_days_across_spring_festival_2025(cal):
    assert cal.add_working_days(D(2025, 1, 24), 20).date == D(2025, 2, 27)


def test_seven_working_days_across_national_day_2025(cal):
    # 补正 notice period (条例 art. 30) started on the Friday before the holiday.
    assert cal.add_working_days(D(2025, 9, 26), 7).date == D(2025, 10, 13)


def test_start_day_is_not_counted(cal):
    assert cal.add_working_days(D(2025, 3, 10), 1).date == D(2025, 3, 11)


def test_deadline_never_lands_on_a_rest_day(cal):
    start = D(2025, 1, 1)
    for offset in range(0, 365 * 2, 3):
        for n in (0, 1, 7, 15, 20):
            result = cal.add_working_days(start + dt.timedelta(days=offset), n)
            assert cal.is_working_day(result.date)


def test_zero_days_from_a_holiday_moves_to_next_working_day(cal):
    assert cal.add_working_days(D(2026, 10, 1), 0).date == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 3, 10), 0).date == D(2026, 3, 10)


def test_between_is_the_inverse_of_add(cal):
    start = D(2025, 12, 20)
    for n in range(1, 60, 7):  # n=0 rolls a rest day forward, so starts at 1
        end = cal.add_working_days(start, n).date
        assert cal.working_days_between(start, end).days == n
    assert cal.working_days_between(D(2026, 3, 12), D(2026, 2, 6)).days == -20


def test_deadline_crossing_into_2027_is_provisional(cal):
    result = cal.add_working_days(D(2026, 12, 15), 20)
    # 2027 has no data: 1 January counts as a working day, Monday–Friday rule.
    assert result.date == D(2027, 1, 12)
    assert result.provisional is True
    assert result.provisional_years == (2027,)
    assert "provisional" in str(result)


def test_years_outside_the_package_do_not_crash(cal):
    assert cal.is_working_day(D(2003, 5, 1)) is True  # a Thursday, no data
    assert cal.day_info(D(2003, 5, 1)).provisional is True
    assert cal.add_working_days(D(2040, 1, 1), 5).provisional is True


def test_aware_datetimes_are_read_in_china_time(cal):
    utc_evening = dt.datetime(2026, 2, 13, 20, 0, tzinfo=dt.timezone.utc)  # Sat 04:00 in Beijing
    assert cal.day_info(utc_evening).date == D(2026, 2, 14)


@pytest.mark.parametrize("n", [-1, 10_001])
def test_out_of_range_counts_are_refused(cal, n):
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 1, 5), n)


def test_non_integer_count_is_refused(cal):
    with pytest.raises(TypeError):
        cal.add_working_days(D(2026, 1, 5), 2.5)


def test_earlier_sources_win_and_any_complete_source_covers_the_year():
    local = StaticHolidaySource(
        years={2026: {"rest_days": {"2026-03-10": "地方调整"}, "complete": False}}
    )
    cal = WorkingDayCalendar([local, ChineseCalendarSource()])
    assert cal.is_working_day(D(2026, 3, 10)) is False
    assert cal.day_info(D(2026, 3, 10)).name == "地方调整"
    assert cal.day_info(D(2026, 3, 10)).provisional is False


def test_a_source_can_turn_a_package_holiday_into_a_working_day():
    local = StaticHolidaySource(years={2026: {"work_days": {"2026-10-08": "本地值班"}}})
    cal = WorkingDayCalendar([local, ChineseCalendarSource()])
    assert cal.is_working_day(D(2026, 10, 8)) is True


def test_each_year_is_asked_once_per_calendar():
    source = mock.Mock()
    source.year_data.return_value = YearData(year=2026)
    cal = WorkingDayCalendar([source])
    cal.add_working_days(D(2026, 1, 1), 200)
    assert source.year_data.call_count == 1


@override_settings(
    GOVOPEN_HOLIDAY_SOURCES=[
        {
            "CLASS": "govopen_wagtail.holidays.StaticHolidaySource",
            "OPTIONS": {"years": {2027: {"rest_days": {"2027-01-01": "元旦"}}}},
        }
    ]
)
def test_the_holiday_source_is_pluggable_by_setting():
    result = calendar.add_working_days(D(2026, 12, 31), 1)
    assert result.date == D(2027, 1, 4)
    # 2026 is not covered by the only configured source.
    assert result.provisional_years == (2026,)


@pytest.mark.django_db
def test_holidays_entered_in_the_admin_complete_2027():
    from govopen_wagtail.models import HolidayOverride, HolidayYear

    before = calendar.add_working_days(D(2026, 12, 15), 20)
    assert (before.date, before.provisional) == (D(2027, 1, 12), True)

    HolidayOverride.objects.create(date=D(2027, 1, 1), name="元旦")
    partial = calendar.add_working_days(D(2026, 12, 15), 20)
    assert partial.date == D(2027, 1, 13)
    assert partial.provisional is True  # the notice itself is not recorded yet

    HolidayYear.objects.create(year=2027, notice_title="国务院办公厅关于2027年部分节假日安排的通知")
    after = calendar.add_working_days(D(2026, 12, 15), 20)
    assert (after.date, after.provisional) == (D(2027, 1, 13), False)


@pytest.mark.django_db
def test_a_local_rest_day_in_a_covered_year_moves_the_deadline():
    from govopen_wagtail.models import HolidayOverride

    assert calendar.add_working_days(D(2026, 3, 2), 5).date == D(2026, 3, 9)
    HolidayOverride.objects.create(date=D(2026, 3, 4), name="地方调休")
    assert calendar.add_working_days(D(2026, 3, 2), 5).date == D(2026, 3, 10)


@pytest.mark.django_db
def test_database_source_costs_two_queries_per_year(django_assert_max_num_queries):
    cal = calendar.get_calendar()
    with django_assert_max_num_queries(4):
        cal.add_working_days(D(2026, 6, 1), 200)  # reaches into 2027
