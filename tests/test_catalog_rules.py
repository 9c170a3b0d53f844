"""govopen_wagtail.catalog_rules: reading 公开时限 texts."""

import datetime as dt

import pytest

from govopen_wagtail import catalog_rules as rules


@pytest.mark.parametrize(
    "text,expected",
    [
        ("信息形成或变更之日起20个工作日内", rules.TimeLimit(rules.WORKING_DAYS, days=20)),
        ("自信息形成或者变更之日起二十个工作日内予以公开", rules.TimeLimit(rules.WORKING_DAYS, days=20)),
        ("信息形成之日起7日内", rules.TimeLimit(rules.DAYS, days=7)),
        ("信息形成之日起十五天内", rules.TimeLimit(rules.DAYS, days=15)),
        ("15 日内", rules.TimeLimit(rules.DAYS, days=15)),
        ("每年3月31日前", rules.TimeLimit(rules.YEARLY, month=3, day=31)),
        ("每年 ９月３０日前", rules.TimeLimit(rules.YEARLY, month=9, day=30)),
        ("每年二月底前", rules.TimeLimit(rules.YEARLY, month=2, day=28)),
        ("常态化公开", rules.TimeLimit(rules.ONGOING)),
        ("实时更新", rules.TimeLimit(rules.ONGOING)),
        ("20 working days", rules.TimeLimit(rules.WORKING_DAYS, days=20)),
        ("yearly by 03-31", rules.TimeLimit(rules.YEARLY, month=3, day=31)),
    ],
)
def test_readable_time_limits(text, expected):
    assert rules.parse_time_limit(text) == expected


@pytest.mark.parametrize("text", ["", "尽快", "每年13月1日前", "信息形成之日起0日内", "abc"])
def test_unreadable_time_limits_say_why(text):
    with pytest.raises(rules.TimeLimitError) as exc:
        rules.parse_time_limit(text)
    assert "每年3月31日前" in str(exc.value.message)


def test_chinese_numbers():
    assert [rules.chinese_number(t) for t in ("20", "十", "十五", "二十", "三十一", "七")] == [20, 10, 15, 20, 31, 7]


def test_deadlines(db):
    working = rules.TimeLimit(rules.WORKING_DAYS, days=20)
    assert working.deadline(dt.date(2026, 2, 6)) == dt.date(2026, 3, 12)  # across the Spring Festival
    assert rules.TimeLimit(rules.DAYS, days=7).deadline(dt.date(2026, 9, 28)) == dt.date(2026, 10, 5)
    assert rules.TimeLimit(rules.ONGOING).deadline(dt.date(2026, 1, 1)) is None
    assert rules.TimeLimit(rules.YEARLY, month=2, day=30).due_date(2026) == dt.date(2026, 2, 28)
    assert rules.TimeLimit(rules.YEARLY, month=3, day=31).describe() == "每年3月31日前"
