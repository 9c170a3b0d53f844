import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from govopen_wagtail import checks
from govopen_wagtail.models import HolidayOverride, OrganisationProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, site):
    user = get_user_model().objects.create_superuser("editor", "e@example.invalid", "pw")
    client.force_login(user)
    return client


def test_dashboard_warns_about_missing_holiday_data(admin_client, monkeypatch):
    monkeypatch.setattr(checks.timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 1))
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "尚无 2027 年节假日数据" in html
    assert reverse("govopen_wagtail_holidayoverride_modeladmin_index") in html


def test_dashboard_lists_guides_with_missing_contacts(admin_client, platform, monkeypatch):
    monkeypatch.setattr(checks.timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 3, 1))
    html = admin_client.get("/admin/").content.decode()
    assert platform.guide.title in html
    assert "办公地址" in html


def test_dashboard_panel_is_silent_when_nothing_needs_attention(admin_client, platform, monkeypatch):
    monkeypatch.setattr(checks.timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 3, 1))
    OrganisationProfile.objects.filter(site=platform.site).update(
        office_name="办公室", address="地址", office_hours="工作日", phone="0595-1234567", fax="0595-1234568",
        email="a@example.cn",
    )
    from govopen_wagtail.models import AnnualReportPage
    from tests.factories import publish

    # The 2025 report is out (else it is late in March, and the panel says so).
    publish(platform.reports, AnnualReportPage(title="2025年报", year=2025))
    html = admin_client.get("/admin/").content.decode()
    assert "govopen-attention" not in html


def test_dashboard_reminds_of_the_coming_annual_report(admin_client, platform, monkeypatch):
    monkeypatch.setattr(checks.timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 2))
    html = admin_client.get("/admin/").content.decode()
    assert "2026" in html and "2027-01-31" in html and "条例第四十九条" in html
    monkeypatch.setattr(checks.timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 11, 2))
    assert "2027-01-31" not in admin_client.get("/admin/").content.decode()


def test_editors_enter_holidays_and_history_is_kept(admin_client):
    url = reverse("govopen_wagtail_holidayoverride_modeladmin_create")
    response = admin_client.post(url, {"date": "2027-01-01", "name": "元旦", "is_working_day": "", "note": ""})
    assert response.status_code == 302
    holiday = HolidayOverride.objects.get(date=dt.date(2027, 1, 1))
    assert holiday.history.count() == 1
    assert holiday.history.first().history_user.username == "editor"


def test_index_number_ledger_is_read_only(admin_client, platform):
    index_url = reverse("govopen_wagtail_indexnumberrecord_modeladmin_index")
    html = admin_client.get(index_url).content.decode()
    assert platform.items[0].index_number in html
    create = admin_client.get(reverse("govopen_wagtail_indexnumberrecord_modeladmin_create"))
    assert create.status_code in (302, 403)


def test_organisation_profile_settings_page(admin_client, site):
    url = reverse("wagtailsettings:edit", args=["govopen_wagtail", "organisationprofile", site.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()


def test_editor_can_create_a_guide_with_default_text(admin_client, platform):
    from govopen_wagtail.models import DisclosureIndexPage

    new_index = platform.site.root_page.add_child(
        instance=DisclosureIndexPage(title="另一专栏", slug="other", live=True)
    )
    url = reverse("wagtailadmin_pages:add", args=["govopen_wagtail", "disclosureguidepage", new_index.pk])
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "20个工作日内" in response.context["form"]["application_procedure"].value()
