"""Responses to public concern (回应关切): the hour clock, checks, the admin
confined to each site, and the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from govopen_wagtail.models import PublicConcern
from govopen_wagtail.services.site_groups import create_site_groups
from tests.factories import SCHOOL_CODE, make_site

pytestmark = pytest.mark.django_db

INDEX = "/admin/govopen_wagtail/publicconcern/"


def concern(site, hours_ago=1, major=False, **fields):
    return PublicConcern.objects.create(site=site, title=fields.pop("title", "关于学校食堂的网络舆情"),
                                        source="网络媒体", major=major,
                                        first_seen_at=timezone.now() - dt.timedelta(hours=hours_ago), **fields)


def test_the_clock_runs_in_hours(site, settings):
    major = concern(site, major=True)
    assert major.due_at - major.first_seen_at == dt.timedelta(hours=5)
    ordinary = concern(site)
    assert ordinary.due_at - ordinary.first_seen_at == dt.timedelta(hours=48)
    settings.GOVOPEN_CONCERN_HOURS = {"major": 2, "ordinary": 24}
    ordinary.save()
    assert ordinary.due_at - ordinary.first_seen_at == dt.timedelta(hours=24)


def test_overdue_on_time_and_late(site):
    late_open = concern(site, hours_ago=6, major=True, title="逾期")
    concern(site, hours_ago=1, major=True, title="未到期")
    on_time = concern(site, hours_ago=10, title="按时", responded_at=timezone.now() - dt.timedelta(hours=9),
                      response_url="https://example.cn/a")
    late = concern(site, hours_ago=10, major=True, title="超时", responded_at=timezone.now(),
                   response_url="https://example.cn/b")
    assert list(PublicConcern.objects.overdue()) == [late_open] and late_open.overdue
    assert list(PublicConcern.objects.on_time()) == [on_time] and on_time.on_time
    assert late.on_time is False


@pytest.mark.parametrize("fields,field", [
    ({"first_seen_at": timezone.now() + dt.timedelta(days=1)}, "first_seen_at"),
    ({"responded_at": timezone.now() - dt.timedelta(days=2), "response_url": "https://example.cn/"}, "responded_at"),
    ({"responded_at": timezone.now()}, "response_url"),
])
def test_bad_input_is_explained(site, fields, field):
    item = PublicConcern(site=site, title="x", source="y", first_seen_at=timezone.now() - dt.timedelta(days=1))
    for name, value in fields.items():
        setattr(item, name, value)
    with pytest.raises(ValidationError) as info:
        item.full_clean()
    assert field in info.value.message_dict


@pytest.fixture
def school_world(site):
    school = make_site("school.localhost", default=False, credit_code=SCHOOL_CODE, name="泉州市实验学校")
    teacher = get_user_model().objects.create_user("teacher", "t@example.invalid", "pw")
    teacher.groups.add(create_site_groups(school).editors)
    return dict(bureau=site, school=school, teacher=teacher,
                bureau_concern=concern(site, title="局机关舆情", hours_ago=60),
                school_concern=concern(school, title="学校舆情", hours_ago=60))


def test_each_site_sees_and_edits_its_own_concerns(client, school_world):
    client.force_login(school_world["teacher"])
    html = client.get(INDEX).content.decode()
    assert "学校舆情" in html and "局机关舆情" not in html
    assert client.get(INDEX + f"edit/{school_world['school_concern'].pk}/").status_code == 200
    other = client.get(INDEX + f"edit/{school_world['bureau_concern'].pk}/")
    assert other.status_code in (302, 403, 404)
    export = client.get(INDEX + "?export=csv")
    text = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "学校舆情" in text and "局机关舆情" not in text


def test_a_school_cannot_record_a_concern_for_the_bureau(client, school_world):
    client.force_login(school_world["teacher"])
    data = {"site": school_world["bureau"].pk, "title": "越权", "source": "网络媒体",
            "first_seen_at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    client.post(INDEX + "create/", data)
    assert not PublicConcern.objects.filter(title="越权").exists()
    data["site"] = school_world["school"].pk
    response = client.post(INDEX + "create/", data)
    created = PublicConcern.objects.get(title="越权")
    assert response.status_code == 302 and created.site == school_world["school"]
    assert created.recorded_by == school_world["teacher"]


def test_the_dashboard_counts_overdue_concerns(client, school_world):
    client.force_login(school_world["teacher"])
    html = client.get("/admin/").content.decode()
    assert "1 项公众关切" in html
    PublicConcern.objects.filter(pk=school_world["school_concern"].pk).update(
        responded_at=timezone.now(), response_url="https://example.cn/")
    assert "项公众关切" not in client.get("/admin/").content.decode()


def test_the_annual_report_editor_counts_the_years_concerns(admin_client, platform):
    from govopen_wagtail.models import AnnualReportPage
    from tests.factories import draft

    year = timezone.localdate().year
    report = draft(platform.reports, AnnualReportPage(title=f"{year}年报", year=year))
    assert report.concern_summary() is None
    concern(platform.site, hours_ago=1, major=True)
    concern(platform.site, hours_ago=10, responded_at=timezone.now(), response_url="https://example.cn/")
    assert report.concern_summary() == {"total": 2, "major": 1, "responded": 1, "on_time": 1}
    html = admin_client.get(f"/admin/pages/{report.pk}/edit/").content.decode()
    assert "记录公众关切 2 项" in html
