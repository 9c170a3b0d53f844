import datetime as dt

import pytest
from django.test import override_settings

from govopen_wagtail import checks


def ids(messages):
    return sorted(m.id for m in messages)


def test_default_settings_pass():
    assert checks.check_settings() == []
    assert checks.check_installed_apps() == []


@pytest.mark.parametrize(
    "setting, value, expected",
    [
        ("GOVOPEN_BASE_TEMPLATE", "no/such/template.html", "govopen_wagtail.E003"),
        ("GOVOPEN_BASE_TEMPLATE", "", "govopen_wagtail.E002"),
        ("GOVOPEN_HOLIDAY_SOURCES", [], "govopen_wagtail.E004"),
        ("GOVOPEN_HOLIDAY_SOURCES", [{"OPTIONS": {}}], "govopen_wagtail.E004"),
        ("GOVOPEN_HOLIDAY_SOURCES", [{"CLASS": "no.such.Source"}], "govopen_wagtail.E005"),
        ("GOVOPEN_HOLIDAY_SOURCES", [{"CLASS": "datetime.date"}], "govopen_wagtail.E005"),
        ("GOVOPEN_HOLIDAY_SOURCES", [{"CLASS": "govopen_wagtail.holidays.StaticHolidaySource", "OPTIONS": []}], "govopen_wagtail.E004"),
        ("GOVOPEN_INDEX_NUMBER_FORMAT", "{credit_code}/{year}", "govopen_wagtail.E006"),
        ("GOVOPEN_INDEX_NUMBER_FORMAT", "{oops}-{serial}", "govopen_wagtail.E006"),
        ("GOVOPEN_ACTIVE_DISCLOSURE_WORKING_DAYS", -1, "govopen_wagtail.E007"),
        ("GOVOPEN_INDEX_RECENT_ITEMS", "10", "govopen_wagtail.E007"),
        ("GOVOPEN_EXTRA_INDEX_SUBPAGE_TYPES", ["nope.Nothing"], "govopen_wagtail.E008"),
        ("GOVOPEN_CONSULTATION_MIN_DAYS", "30", "govopen_wagtail.E007"),
        ("GOVOPEN_MESSAGE_KINDS", {"consult": 0}, "govopen_wagtail.E013"),
        ("GOVOPEN_MESSAGE_KINDS", {"consult": "3"}, "govopen_wagtail.E013"),
        ("GOVOPEN_MESSAGE_KINDS", {}, "govopen_wagtail.E013"),
        ("GOVOPEN_CONCERN_HOURS", {"major": 5}, "govopen_wagtail.E013"),
        ("GOVOPEN_CONCERN_HOURS", {"major": 5, "ordinary": 0}, "govopen_wagtail.E013"),
        ("GOVOPEN_MESSAGE_UNIT_WORKING_DAYS", 0, "govopen_wagtail.E013"),
        ("GOVOPEN_MESSAGE_MAX_CHARS", "2000", "govopen_wagtail.E013"),
        ("GOVOPEN_MESSAGE_MAX_LINKS", True, "govopen_wagtail.E013"),
        ("GOVOPEN_MESSAGE_REPLY_APPROVAL", "yes", "govopen_wagtail.E013"),
        ("GOVOPEN_PLAN_PROGRESS_PERIOD", "week", "govopen_wagtail.E013"),
        ("GOVOPEN_OVERSIGHT_INDICATORS", {"beauty": 10}, "govopen_wagtail.E013"),
        ("GOVOPEN_OVERSIGHT_INDICATORS", {"health": 0}, "govopen_wagtail.E013"),
        ("GOVOPEN_LOCAL_CACHE_SECONDS", -1, "govopen_wagtail.E014"),
        ("GOVOPEN_LOCAL_CACHE_BYTES", "8MB", "govopen_wagtail.E014"),
    ],
)
def test_bad_settings_are_reported(setting, value, expected):
    with override_settings(**{setting: value}):
        assert expected in ids(checks.check_settings())


def test_default_consultation_settings_pass():
    assert checks.check_consultation_settings() == []


@pytest.mark.parametrize(
    "setting, value, expected",
    [
        ("GOVOPEN_COMMENT_CAPTCHA", None, "govopen_wagtail.W002"),
        ("GOVOPEN_COMMENT_CAPTCHA", {"OPTIONS": {}}, "govopen_wagtail.E009"),
        ("GOVOPEN_COMMENT_CAPTCHA", {"CLASS": "no.such.Field"}, "govopen_wagtail.E009"),
        ("GOVOPEN_CAPTCHA_BATCH", 0, "govopen_wagtail.E009"),
        ("GOVOPEN_CAPTCHA_BATCH", "20", "govopen_wagtail.E009"),
        ("GOVOPEN_TIME_ZONE", "Mars/Olympus", "govopen_wagtail.E010"),
        ("GOVOPEN_CAMPAIGN_SIMILARITY", 1.5, "govopen_wagtail.E010"),
        ("GOVOPEN_SENSITIVE_WORDS_FILE", "/no/such/file.txt", "govopen_wagtail.E010"),
    ],
)
def test_bad_consultation_settings_are_reported(setting, value, expected):
    with override_settings(**{setting: value}):
        assert expected in ids(checks.check_consultation_settings())


def test_default_captcha_needs_its_app(monkeypatch):
    real = checks.apps.is_installed
    monkeypatch.setattr(checks.apps, "is_installed", lambda name: name != "captcha" and real(name))
    assert "govopen_wagtail.E009" in ids(checks.check_consultation_settings())


def test_missing_required_app_is_reported(monkeypatch):
    real = checks.apps.is_installed
    monkeypatch.setattr(checks.apps, "is_installed", lambda name: name != "simple_history" and real(name))
    messages = checks.check_installed_apps()
    assert ids(messages) == ["govopen_wagtail.E001"]
    assert "simple_history" in messages[0].msg


@pytest.mark.django_db
def test_holiday_gap_warning_in_december_2026():
    assert checks.holiday_coverage_gaps(dt.date(2026, 12, 1)) == [2027]
    assert checks.holiday_coverage_gaps(dt.date(2026, 3, 1)) == []


@pytest.mark.django_db
def test_holiday_gap_closes_when_the_notice_is_entered():
    from govopen_wagtail.models import HolidayYear

    HolidayYear.objects.create(year=2027, notice_title="国务院办公厅关于2027年部分节假日安排的通知")
    assert checks.holiday_coverage_gaps(dt.date(2026, 12, 1)) == []


@pytest.mark.django_db
def test_holiday_check_emits_a_warning_per_year(monkeypatch):
    monkeypatch.setattr(checks.timezone, "localdate", lambda: dt.date(2026, 12, 1))
    messages = checks.check_holiday_coverage()
    assert ids(messages) == ["govopen_wagtail.W001"]
    assert "2027" in messages[0].msg


def test_holiday_hint_names_the_real_menu_in_the_sites_language(monkeypatch):
    from django.utils import translation

    from govopen_wagtail import checks

    monkeypatch.setattr(checks, "holiday_coverage_gaps", lambda: [2027])
    with translation.override("zh-hans"):
        hint = checks.check_holiday_coverage()[0].hint
    assert "政务公开" in hint or "信息公开" in hint
    assert "Government information disclosure" not in hint


@pytest.mark.parametrize("backends, warned", [
    (None, True),  # Wagtail's default: its database backend
    ({"default": {"BACKEND": "wagtail.search.backends.database"}}, True),
    ({"default": {"BACKEND": "modelsearch.backends.database.sqlite.sqlite.SQLiteSearchBackend"}}, True),
    ({"default": {"BACKEND": "govopen_wagtail.search.wagtail_backend"}}, False),
    ({"default": {"BACKEND": "wagtail.search.backends.elasticsearch8", "URLS": []}}, False),
])
def test_wagtails_unsegmented_search_backend_is_reported(settings, backends, warned):
    if backends is None:
        del settings.WAGTAILSEARCH_BACKENDS
    else:
        settings.WAGTAILSEARCH_BACKENDS = backends
    found = [m for m in checks.check_site_integration() if m.id == "govopen_wagtail.W012"]
    assert bool(found) == warned
    if warned:
        assert "govopen_wagtail.search.wagtail_backend" in found[0].hint
