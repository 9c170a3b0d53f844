"""The bureau's oversight of its schools: only sites that name the bureau as
their supervisor, only for users with the permission (nothing revealed to
others), a ranked table with the reason behind each score, kept per month,
exported to Excel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from govopen_wagtail.models import OrganisationProfile, OversightRecord, PlanTask, PrivacyFinding
from govopen_wagtail.services import oversight
from govopen_wagtail.services.plan_io import import_plan
from govopen_wagtail.services.site_groups import create_site_groups
from tests import seed_plans
from tests.factories import SCHOOL_CODE, make_message_page, make_platform, make_site, make_work_plan, send_message

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def bureau_and_schools():
    bureau = make_platform(make_site("localhost", name="泉州市教育局"))
    good = make_platform(make_site("good.localhost", default=False, credit_code=SCHOOL_CODE, name="实验小学"))
    weak = make_platform(make_site("weak.localhost", default=False, credit_code="12350500MB0000000X",
                                   name="第二中学"))
    outside = make_platform(make_site("other.localhost", default=False, name="外市学校"))
    for school in (good, weak):
        OrganisationProfile.objects.filter(site=school.site).update(supervisor=bureau.site)
    overseer = get_user_model().objects.create_user("inspector", "i@example.invalid", "pw")
    group = Group.objects.create(name="督查")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "oversee_sites"]))
    overseer.groups.add(group, create_site_groups(bureau.site).editors)
    return bureau, good, weak, outside, overseer


def test_only_subordinate_sites_are_compared(bureau_and_schools):
    bureau, good, weak, outside, overseer = bureau_and_schools
    assert set(oversight.subordinate_sites(overseer)) == {good.site, weak.site}
    school_staff = get_user_model().objects.create_user("teacher", "t@example.invalid", "pw")
    school_staff.groups.add(create_site_groups(good.site).editors)
    assert not oversight.subordinate_sites(school_staff).exists()  # no permission


def test_scores_rank_the_schools_with_their_reasons(bureau_and_schools):
    bureau, good, weak, outside, overseer = bureau_and_schools
    today = D(2026, 11, 20)
    # The weak school: an unanswered message long overdue, an exposed ID, and an overdue plan task.
    board = make_message_page(weak.index)
    send_message(board)
    PrivacyFinding.objects.create(site=weak.site, page=weak.items[0], kind="id_number", confidence="high",
                                  fingerprint="f" * 64, source_label="正文", masked="35****", status="open")
    plan = make_work_plan(weak.rules, year=2026)
    data, _source = seed_plans.plan_000()
    import_plan(plan, "p.docx", data, create_units=True)
    scores = oversight.score_sites([good.site, weak.site], today)
    assert [s.name for s in scores] == ["实验小学", "第二中学"]
    weak_score = scores[1]
    reasons = {i.key: i.reason for i in weak_score.indicators}
    assert "1" in reasons["privacy"] and weak_score.total < scores[0].total
    plan_indicator = next(i for i in weak_score.indicators if i.key == "plan")
    overdue = PlanTask.objects.filter(page=plan, due_on__lt=today).count()
    assert f"{overdue} of 39" in plan_indicator.reason or f"{overdue}" in plan_indicator.reason
    assert "2025" in reasons["annual_report"]


def test_oversight_view_is_forbidden_without_the_permission_and_keeps_the_month(client, bureau_and_schools):
    from openpyxl import load_workbook

    bureau, good, weak, outside, overseer = bureau_and_schools
    url = reverse("govopen_oversight")
    nobody = get_user_model().objects.create_user("editor", "e@example.invalid", "pw")
    nobody.groups.add(create_site_groups(bureau.site).editors)
    client.force_login(nobody)
    refused = client.get(url)
    assert refused.status_code in (302, 403) and "实验小学" not in refused.content.decode()
    client.force_login(overseer)
    html = client.get(url).content.decode()
    assert "实验小学" in html and "第二中学" in html and "外市学校" not in html
    assert OversightRecord.objects.count() == 2
    client.get(url)
    assert OversightRecord.objects.count() == 2  # one record per site and month
    book = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "站点", "得分") and {rows[1][1], rows[2][1]} == {"实验小学", "第二中学"}
