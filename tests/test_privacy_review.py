"""The 隐私与保密审查 workflow task: the reviewer sees the screening of the
revision and its files, must confirm the review with a name, and cannot
approve a page with an unmasked identity number until it is fixed or
justified; the record is kept and exported as the 信息发布审查单."""

from __future__ import annotations

import io

import docx
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import Workbook
from wagtail.documents import get_document_model
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from django.core import signing

from govopen_wagtail.forms_privacy import sign_review
from govopen_wagtail.models import PrivacyFinding, PrivacyReviewRecord, PrivacyReviewTask
from govopen_wagtail.services import privacy_review
from tests.factories import draft

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"


@pytest.fixture
def workflow(platform):
    reviewers = Group.objects.create(name="审查人")
    reviewers.permissions.add(Permission.objects.get(codename="access_admin"))
    # The last task's approver publishes: reviewers may publish the site's pages.
    for codename in ("change_page", "publish_page"):
        GroupPagePermission.objects.create(group=reviewers, page=platform.site.root_page,
                                           permission=Permission.objects.get(codename=codename))
    task = PrivacyReviewTask.objects.create(name="隐私与保密审查")
    task.groups.add(reviewers)
    flow = Workflow.objects.create(name="发布审查")
    WorkflowTask.objects.create(workflow=flow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=flow, page=platform.site.root_page)
    reviewer = get_user_model().objects.create_user("reviewer", "r@example.invalid", "pw")
    reviewer.groups.add(reviewers)
    submitter = get_user_model().objects.create_superuser("editor", "e@example.invalid", "pw")
    return dict(flow=flow, task=task, reviewer=reviewer, submitter=submitter)


def submit(platform, workflow, body):
    from govopen_wagtail.models import DisclosureItemPage

    page = draft(platform.active, DisclosureItemPage(title="助学金名单公示", body=body))
    workflow["flow"].start(page, user=workflow["submitter"])
    page.refresh_from_db()
    return page


def action_url(page, action="approve"):
    return reverse("wagtailadmin_pages:workflow_action",
                   args=(page.pk, action, page.current_workflow_task_state.pk))


def approve(client, page, **data):
    data = {"review_of": sign_review(page.current_workflow_task_state.pk), **data}
    return client.post(action_url(page), data, HTTP_X_REQUESTED_WITH="XMLHttpRequest")


def test_the_modal_shows_the_screening_of_the_page(client, platform, workflow):
    page = submit(platform, workflow, f"<p>张三，身份证号{VALID_ID}</p>")
    client.force_login(workflow["reviewer"])
    response = client.get(action_url(page), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    html = response.json()["html"]
    assert "11" + "*" * 16 in html and VALID_ID not in html
    token = html.split('name="review_of" value="')[1].split('"')[0]
    assert signing.loads(token, salt="govopen_wagtail.privacy_review") == page.current_workflow_task_state.pk
    assert 'name="confirmed"' in html and 'name="reviewer_name"' in html


def test_an_unmasked_id_stops_approval_until_fixed(client, platform, workflow):
    page = submit(platform, workflow, f"<p>张三，身份证号{VALID_ID}</p>")
    client.force_login(workflow["reviewer"])
    response = approve(client, page, confirmed="on", reviewer_name="李审查")
    assert response.json()["step"] == "action"  # the form again, with the error
    assert "1" in response.json()["html"] and "justification" in response.json()["html"]
    page.refresh_from_db()
    assert page.current_workflow_task_state.status == "in_progress" and not page.live

    # Fixed by the editor: a new revision, and approval goes through.
    page.body = "<p>张三，身份证号已隐去</p>"
    page.save_revision(user=workflow["submitter"])
    response = approve(client, page, confirmed="on", reviewer_name="李审查", comment="同意发布")
    assert response.json()["step"] == "success"
    page.refresh_from_db()
    assert page.live and page.current_workflow_state is None
    record = PrivacyReviewRecord.objects.get()
    assert (record.reviewer_name, record.confirmed, record.findings, record.user) == (
        "李审查", True, [], workflow["reviewer"])
    assert record.revision_id == page.live_revision_id and record.site == platform.site


def test_a_justification_approves_and_is_remembered(client, platform, workflow):
    page = submit(platform, workflow, f"<p>身份证号{VALID_ID}</p>")
    client.force_login(workflow["reviewer"])
    response = approve(client, page, confirmed="on", reviewer_name="李审查",
                       justification="依《某某规定》须公示全名及证件号")
    assert response.json()["step"] == "success"
    page.refresh_from_db()
    assert page.live
    finding = PrivacyFinding.objects.get(page=page)
    assert finding.status == "lawful" and finding.reason.startswith("依《某某规定》")
    record = PrivacyReviewRecord.objects.get()
    assert record.findings[0]["kind"] == "id_number" and record.findings[0]["masked"] == "11" + "*" * 16
    # The next review of the same text is not blocked again.
    assert privacy_review.review_page(page).blocking == []


@pytest.mark.parametrize("data,message", [
    ({"reviewer_name": "李审查"}, "Confirm"),
    ({"confirmed": "on", "reviewer_name": "   "}, "name"),
])
def test_the_review_must_be_confirmed_and_signed(client, platform, workflow, data, message):
    page = submit(platform, workflow, "<p>没有个人信息</p>")
    client.force_login(workflow["reviewer"])
    from django.utils import translation

    with translation.override("en"):
        response = approve(client, page, HTTP_ACCEPT_LANGUAGE="en", **data)
    assert response.json()["step"] == "action"
    page.refresh_from_db()
    assert not page.live and PrivacyReviewRecord.objects.count() == 0


def test_a_file_linked_from_the_page_is_screened(client, platform, workflow):
    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.active.append(["张三", VALID_ID])
    out = io.BytesIO()
    wb.save(out)
    document = get_document_model()(title="名单.xlsx")
    document.file.save("list.xlsx", ContentFile(out.getvalue()), save=False)
    document.save()
    page = submit(platform, workflow, f'<p><a linktype="document" id="{document.pk}">名单</a></p>')
    client.force_login(workflow["reviewer"])
    response = approve(client, page, confirmed="on", reviewer_name="李审查")
    assert response.json()["step"] == "action"
    result = privacy_review.review_task_state(page.current_workflow_task_state.pk)
    assert {(i.source, i.kind, i.document_id) for i in result.blocking} == {("名单.xlsx", "id_number", document.pk)}


def test_a_tampered_task_state_is_refused(client, platform, workflow):
    clean = submit(platform, workflow, "<p>没有个人信息</p>")
    dirty = submit(platform, workflow, f"<p>身份证号{VALID_ID}</p>")
    client.force_login(workflow["reviewer"])
    # The form points at the clean page, the action is on the dirty one: refused by the task.
    response = client.post(action_url(dirty), {"review_of": sign_review(clean.current_workflow_task_state.pk),
                                               "confirmed": "on", "reviewer_name": "李审查"})
    assert response.status_code in (302, 403)
    # An unsigned or forged reference does not even pass the form (nothing is screened for it).
    response = approve(client, dirty, confirmed="on", reviewer_name="李审查",
                       review_of=str(clean.current_workflow_task_state.pk))
    form_part = response.json()["html"].split("隐私排查结果")[1]
    assert response.json()["step"] == "action" and "已过期" in form_part and "高可信度" not in form_part
    dirty.refresh_from_db()
    assert not dirty.live and dirty.current_workflow_task_state.status == "in_progress"


def test_the_review_record_exports_as_a_word_form(client, platform, workflow):
    page = submit(platform, workflow, "<p>没有个人信息</p>")
    client.force_login(workflow["reviewer"])
    approve(client, page, confirmed="on", reviewer_name="李审查", comment="同意")
    record = PrivacyReviewRecord.objects.get()
    admin = workflow["submitter"]
    client.force_login(admin)
    response = client.get(reverse("govopen_privacy_review_record", args=[record.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(c.text for t in docx.Document(io.BytesIO(response.content)).tables for r in t.rows
                     for c in r.cells)
    assert "助学金名单公示" in text and "李审查" in text and "不涉及国家秘密" in text


def test_another_sites_review_record_is_not_found(client, platform, workflow):
    from govopen_wagtail.services.site_groups import create_site_groups
    from tests.factories import SCHOOL_CODE, make_site

    page = submit(platform, workflow, "<p>没有个人信息</p>")
    client.force_login(workflow["reviewer"])
    approve(client, page, confirmed="on", reviewer_name="李审查")
    record = PrivacyReviewRecord.objects.get()
    school = make_site("school.localhost", default=False, credit_code=SCHOOL_CODE, name="泉州市实验学校")
    teacher = get_user_model().objects.create_user("teacher", "t@example.invalid", "pw")
    teacher.groups.add(create_site_groups(school).editors)
    client.force_login(teacher)
    assert client.get(reverse("govopen_privacy_review_record", args=[record.pk])).status_code == 404
    assert "助学金名单公示" not in client.get("/admin/govopen/privacy/").content.decode()
    client.force_login(workflow["submitter"])
    assert "助学金名单公示" in client.get("/admin/govopen/privacy/").content.decode()
