"""The privacy screening's admin report: scoped per site, decisions with
reasons, CSV export, the monthly trend and the run button."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from govopen_wagtail.models import PrivacyFinding
from govopen_wagtail.services import privacy_audit
from govopen_wagtail.services.site_groups import create_site_groups
from tests.factories import SCHOOL_CODE, make_item, make_platform, make_site

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"
URL = "/admin/govopen/privacy/"


@pytest.fixture
def world(platform):
    school_site = make_site("school.localhost", default=False, credit_code=SCHOOL_CODE, name="泉州市实验学校")
    school = make_platform(school_site)
    make_item(platform.active, "局机关名单", body=f"<p>身份证号{VALID_ID}</p>")
    make_item(school.active, "学校名单", body="<p>家长手机13800138000</p>")
    privacy_audit.audit()
    teacher = get_user_model().objects.create_user("teacher", "t@example.invalid", "pw")
    teacher.groups.add(create_site_groups(school_site).editors)
    return dict(bureau=platform.site, school=school_site, teacher=teacher,
                bureau_finding=PrivacyFinding.objects.get(site=platform.site),
                school_finding=PrivacyFinding.objects.get(site=school_site))


def test_each_site_sees_its_own_findings(client, world):
    client.force_login(world["teacher"])
    html = client.get(URL).content.decode()
    assert "学校名单" in html and "138******00" in html
    assert "局机关名单" not in html and "11" + "*" * 16 not in html
    assert reverse("wagtailadmin_pages:edit", args=[world["school_finding"].page_id]) in html


def test_superuser_sees_every_site(admin_client, world):
    html = admin_client.get(URL + "?status=all").content.decode()
    assert "学校名单" in html and "局机关名单" in html
    assert "“正文”" in html or "“text”" in html  # the field's own label, not its name


def test_a_decision_needs_a_reason_and_is_kept(client, world):
    client.force_login(world["teacher"])
    finding = world["school_finding"]
    response = client.post(URL, {"finding": finding.pk, "status": "lawful", "reason": ""}, follow=True)
    assert "理由" in response.content.decode() or "reason" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == "open"
    client.post(URL, {"finding": finding.pk, "status": "lawful", "reason": "学校公布的联系人电话"})
    finding.refresh_from_db()
    assert (finding.status, finding.reason, finding.reviewed_by) == ("lawful", "学校公布的联系人电话", world["teacher"])
    # Open again clears the decision.
    client.post(URL, {"finding": finding.pk, "status": "open"})
    finding.refresh_from_db()
    assert (finding.status, finding.reason, finding.reviewed_by) == ("open", "", None)


@pytest.mark.parametrize("status", ["fixed", "bogus", ""])
def test_bad_decisions_are_refused(client, world, status):
    client.force_login(world["teacher"])
    finding = world["school_finding"]
    response = client.post(URL, {"finding": finding.pk, "status": status, "reason": "x"}, follow=True)
    assert response.status_code == 200
    finding.refresh_from_db()
    assert finding.status == "open"


def test_another_sites_finding_cannot_be_decided(client, world):
    client.force_login(world["teacher"])
    finding = world["bureau_finding"]
    response = client.post(URL, {"finding": finding.pk, "status": "false_positive", "reason": "x"}, follow=True)
    assert "不存在" in response.content.decode() or "does not exist" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == "open" and finding.reviewed_by is None


def test_csv_export_is_scoped(client, world):
    client.force_login(world["teacher"])
    response = client.get(URL + "?status=all&export=csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "学校名单" in text and "138******00" in text and "局机关名单" not in text
    assert "13800138000" not in text


def test_staff_without_the_permission_are_refused(client, world):
    user = get_user_model().objects.create_user("mod", "m@example.invalid", "pw")
    user.groups.add(create_site_groups(world["school"]).moderators)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert "学校名单" not in response.content.decode()


def test_run_button_screens_the_users_sites_only(client, world):
    school = world["school"]
    from govopen_wagtail.models import DisclosureColumnPage

    column = DisclosureColumnPage.objects.filter(path__startswith=school.root_page.path, column="active").first()
    make_item(column, "新名单", body=f"<p>{VALID_ID}</p>")
    bureau_column = DisclosureColumnPage.objects.exclude(path__startswith=school.root_page.path).filter(
        column="active").first()
    make_item(bureau_column, "局新名单", body=f"<p>{VALID_ID}</p>")
    client.force_login(world["teacher"])
    assert client.get(URL + "run/").status_code == 405
    client.post(URL + "run/")
    assert PrivacyFinding.objects.filter(source_label="新名单").exists()
    assert not PrivacyFinding.objects.filter(source_label="局新名单").exists()


def test_monthly_trend_counts_found_fixed_and_open(world):
    finding = world["school_finding"]
    now = timezone.now()
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1))
    PrivacyFinding.objects.filter(pk=finding.pk).update(
        first_found=timezone.make_aware(dt.datetime.combine(last_month, dt.time(12))))
    PrivacyFinding.objects.filter(pk=world["bureau_finding"].pk).update(status="fixed", fixed_at=now)
    trend = privacy_audit.monthly_trend(PrivacyFinding.objects.all(), months=2)
    assert [(m["found"], m["fixed"], m["open"]) for m in trend] == [(1, 0, 1), (1, 1, 1)]


def test_the_dashboard_counts_the_sites_own_high_confidence_findings(client, world):
    client.force_login(world["teacher"])
    html = client.get("/admin/").content.decode()
    assert "隐私排查发现" in html and "1 处" in html
    PrivacyFinding.objects.filter(pk=world["school_finding"].pk).update(status="lawful", reason="x")
    assert "隐私排查发现" not in client.get("/admin/").content.decode()
