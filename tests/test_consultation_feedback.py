"""Dispositions, the feedback page, moderation in the admin, exports, staff entry."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from govopen_wagtail.models import CommentGroup, ConsultationComment
from govopen_wagtail.services import comments as service
from tests.factories import comment_input, make_consultation, make_consultation_index

pytestmark = pytest.mark.django_db
Status = ConsultationComment.Status
D = CommentGroup.Disposition
CAMPAIGN = "我们强烈建议取消第五条关于课后服务收费的规定，减轻家长负担，保障学生权益。"


@pytest.fixture
def index(platform):
    return make_consultation_index(platform.index)


@pytest.fixture
def closed(index):
    """A consultation that closed yesterday with five comments, three of them a campaign."""
    now = timezone.now()
    page = make_consultation(index, opens=now - dt.timedelta(days=40), days=39)
    with override_settings(GOVOPEN_COMMENT_MODERATION=True):
        for body in (CAMPAIGN, CAMPAIGN + "！", CAMPAIGN.replace("强烈", "非常"),
                     "建议增加对农村学校的支持。电话13800138000", "广告：低价出售发票"):
            service.submit_comment(page.pk, comment_input(body, channel="email",
                                                          received_at=page.closes_at - dt.timedelta(days=2)))
    return page


def decide(group, disposition, reason=""):
    group.disposition, group.reason = disposition, reason
    group.full_clean()
    group.save()


def test_not_adopted_needs_a_reason():
    group = CommentGroup(disposition=D.NOT_ADOPTED)
    with pytest.raises(ValidationError) as exc:
        group.clean()
    assert "reason" in exc.value.message_dict
    CommentGroup(disposition=D.ADOPTED).clean()


def test_feedback_cannot_be_published_before_every_comment_is_decided(closed):
    closed.feedback_date = timezone.localdate()
    closed.feedback_summary = "<p>共收到意见5条。</p>"
    with pytest.raises(ValidationError) as exc:
        closed.save_revision()
    messages = " ".join(exc.value.message_dict["feedback_date"])
    assert "待审核" in messages and "未作处理" in messages


def test_feedback_page_counts_comments_per_disposition(closed, client, django_capture_on_commit_callbacks):
    comments = list(ConsultationComment.objects.order_by("pk"))
    campaign, rural, spam = comments[:3], comments[3], comments[4]
    assert len({c.group_id for c in campaign}) == 1
    service.moderate([c.pk for c in comments[:4]], "publish", None)
    service.moderate([spam.pk], "spam", None)
    decide(campaign[0].group, D.NOT_ADOPTED, "课后服务收费由省物价部门核定，本文件不作调整。")
    decide(rural.group, D.ADOPTED)

    feedback_url = closed.url + closed.reverse_subpage("feedback")
    assert client.get(feedback_url).status_code == 404  # not published yet

    closed.feedback_date = timezone.localdate()
    closed.feedback_summary = "<p>共收到有效意见4条，采纳1条。</p>"
    with django_capture_on_commit_callbacks(execute=True):
        closed.save_revision().publish()
    response = client.get(feedback_url)
    assert response.status_code == 200
    html = response.content.decode()
    stats = service.feedback_statistics(closed)
    assert (stats["received"], stats["adopted"], stats["not_adopted"], stats["partly"]) == (4, 1, 3, 0)
    assert "课后服务收费由省物价部门核定" in html
    assert "3 条相同或相似意见" in html
    assert "低价出售发票" not in html  # spam is not part of the feedback
    assert "13800138000" not in html and "138******00" in html
    assert "已发布采纳情况" in client.get(closed.url).content.decode()


def test_commenters_who_opted_in_hear_about_the_feedback_once(index, django_capture_on_commit_callbacks):
    now = timezone.now()
    page = make_consultation(index, opens=now - dt.timedelta(days=40), days=39)
    comment, _ = service.submit_comment(page.pk, comment_input(
        "请通知我", channel="email", received_at=page.closes_at - dt.timedelta(days=1),
        contact_email="parent@example.com", notify=True, status=Status.PUBLISHED))
    mail.outbox.clear()
    decide(comment.group, D.ADOPTED)
    page.feedback_date = timezone.localdate()
    page.feedback_summary = "<p>采纳。</p>"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert [m.to for m in mail.outbox] == [["parent@example.com"]]
    assert "采纳情况" in mail.outbox[0].subject


# Admin -----------------------------------------------------------------------


def test_moderation_queue_lists_filters_and_bulk_moderates(closed, admin_client_for):
    client, user = admin_client_for()
    url = reverse("govopen_wagtail_consultationcomment_modeladmin_index")
    html = client.get(url, {"status__exact": "pending"}).content.decode()
    assert 'form="govopen-bulk"' in html and html.count('name="ids"') == 5
    ids = list(ConsultationComment.objects.values_list("pk", flat=True))
    moderate = reverse("govopen_comment_moderate")

    response = client.post(moderate, {"ids": ids[:2], "action": "reject", "next": url}, follow=True)
    assert "不予公开的理由" in response.content.decode()
    assert not ConsultationComment.objects.filter(status=Status.REJECTED).exists()

    client.post(moderate, {"ids": ids[:2], "action": "reject", "reason": "含广告", "next": url})
    client.post(moderate, {"ids": ids[2:], "action": "publish", "next": url})
    statuses = dict(ConsultationComment.objects.values_list("pk", "status"))
    assert [statuses[i] for i in ids] == ["rejected", "rejected", "published", "published", "published"]
    rejected = ConsultationComment.objects.get(pk=ids[0])
    assert rejected.moderated_by == user and rejected.rejection_reason == "含广告"
    assert rejected.history.count() == 2  # received, then moderated

    client.post(moderate, {"ids": [ids[3], ids[4]], "action": "group", "next": url})
    assert ConsultationComment.objects.get(pk=ids[3]).group_id == ConsultationComment.objects.get(pk=ids[4]).group_id
    # Off-site "next" is not followed.
    response = client.post(moderate, {"ids": ids[:1], "action": "spam", "next": "https://evil.example/"})
    assert response["Location"] == url


def test_moderation_needs_permission(closed, client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)
    ids = list(ConsultationComment.objects.values_list("pk", flat=True))
    response = client.post(reverse("govopen_comment_moderate"), {"ids": ids, "action": "publish"})
    assert response.status_code in (302, 403)
    assert not ConsultationComment.objects.filter(status=Status.PUBLISHED).exists()


def test_export_escapes_formulas(closed, admin_client_for):
    client, _ = admin_client_for()
    service.submit_comment(closed.pk, comment_input(
        "=HYPERLINK(\"http://evil\")", channel="email", received_at=closed.closes_at - dt.timedelta(days=1)))
    url = reverse("govopen_wagtail_consultationcomment_modeladmin_index")
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode()
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_staff_enter_a_letter_through_the_same_ledger(index, admin_client_for):
    page = make_consultation(index)
    client, user = admin_client_for()
    url = reverse("govopen_wagtail_consultationcomment_modeladmin_create")
    assert client.get(url).status_code == 200
    data = {
        "consultation": page.pk, "channel": "letter", "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "postmark_date": "", "body": "来信：建议增加校车线路。", "display_name": "", "commenter_category": "individual",
        "contact_email": "", "contact_phone": "", "status": "published",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "邮戳" in response.content.decode()
    data["postmark_date"] = timezone.localdate().isoformat()
    response = client.post(url, data)
    assert response.status_code == 302
    comment = ConsultationComment.objects.get()
    assert (comment.channel, comment.entered_by, comment.status) == ("letter", user, "published")
    assert comment.group_id is not None and comment.receipt_number.startswith("YJ")


def test_disposition_admin_requires_reasons(closed, admin_client_for):
    client, user = admin_client_for()
    group = CommentGroup.objects.first()
    url = reverse("govopen_wagtail_commentgroup_modeladmin_edit", args=[group.pk])
    response = client.post(url, {"summary": "", "disposition": "not_adopted", "reason": ""})
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.disposition == D.UNDECIDED
    response = client.post(url, {"summary": "关于收费", "disposition": "not_adopted", "reason": "超出本文件范围"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.disposition, group.decided_by) == (D.NOT_ADOPTED, user)


@override_settings(GOVOPEN_FEEDBACK_WORKING_DAYS=1)
def test_dashboard_shows_pending_comments_and_overdue_feedback(closed, admin_client_for):
    client, _ = admin_client_for()
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "5 条征求意见待审核" in html
    closed.closes_at = timezone.now() - dt.timedelta(days=10)
    closed.date_change_reason = "测试"
    closed.shortening_reason = "测试"
    closed.save_revision().publish()
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert closed.title in html and "尚未发布" in html
    filter_link = reverse("govopen_wagtail_commentgroup_modeladmin_index") + f"?consultation__id__exact={closed.pk}"
    assert filter_link in html
    assert client.get(filter_link).status_code == 200
