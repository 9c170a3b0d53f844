"""What the public sees and sends: only what is public is shown, bad input and
a missing database never give a bare error, uploads are refused before they
are read, e-mails survive a mail server failure, exports cannot run formulas."""

from __future__ import annotations

import datetime as dt
import io
import smtplib

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from govopen_wagtail import params, textcheck
from govopen_wagtail.models import (
    CommentGroup,
    ConsultationComment,
    DocumentAttachment,
    Notification,
    PublishedFile,
)
from govopen_wagtail.services import comments as service
from govopen_wagtail.services import files, notifications
from govopen_wagtail.services.exports import safe_cell
from tests.comment_helpers import comment_url, form_fields
from tests.factories import comment_input, make_consultation, make_consultation_index, make_document, make_library

pytestmark = pytest.mark.django_db
Status = ConsultationComment.Status


@pytest.fixture
def consultation(platform):
    return make_consultation(make_consultation_index(platform.index))


def _upload(name, data):
    document = Document(title=name)
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


# Only approved comments are public ---------------------------------------------------


def test_feedback_page_never_prints_a_rejected_comment(platform, client, django_capture_on_commit_callbacks):
    now = timezone.now()
    page = make_consultation(make_consultation_index(platform.index), opens=now - dt.timedelta(days=40), days=39)
    texts = {"published": "建议增加课后服务的体育活动时间。", "rejected": "这条意见含有不宜公开的内容甲乙丙。"}
    made = {}
    for key, body in texts.items():
        made[key], _ = service.submit_comment(
            page.pk, comment_input(body, channel="email", received_at=page.closes_at - dt.timedelta(days=2)))
    service.moderate([made["published"].pk], "publish", None)
    service.moderate([made["rejected"].pk], "reject", None, "含个人信息")
    for group in CommentGroup.objects.filter(consultation=page):
        group.disposition = CommentGroup.Disposition.ADOPTED
        group.save()
    page.feedback_date = timezone.localdate()
    page.feedback_summary = "<p>采纳情况。</p>"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    html = client.get(page.url + page.reverse_subpage("feedback")).content.decode()
    assert texts["published"] in html
    assert texts["rejected"] not in html


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SPAM, Status.PENDING])
def test_receipt_page_shows_no_unpublished_text_nor_the_decision(client, consultation, status):
    comment, _ = service.submit_comment(consultation.pk, comment_input("内部讨论的意见文本甲乙丙丁。"))
    ConsultationComment.objects.filter(pk=comment.pk).update(status=status)
    html = client.get(consultation.url + consultation.reverse_subpage("receipt", args=[comment.receipt_number]))
    html = html.content.decode()
    assert comment.receipt_number in html
    assert "内部讨论的意见文本" not in html
    assert "不予发布" not in html and "垃圾" not in html and "Rejected" not in html


def test_receipt_page_shows_a_published_comment(client, consultation):
    comment, _ = service.submit_comment(consultation.pk, comment_input("公开的意见文本甲乙丙丁。"))
    service.moderate([comment.pk], "publish", None)
    html = client.get(consultation.url + consultation.reverse_subpage("receipt", args=[comment.receipt_number]))
    assert "公开的意见文本" in html.content.decode()


# Restricted documents stay restricted --------------------------------------------------


@pytest.fixture
def restricted(platform):
    library = make_library(platform.active)
    doc = make_document(library, "泉教办〔2024〕9号", written=dt.date(2024, 1, 5), title="内部文件甲")
    attachment = _upload("secret.pdf", b"%PDF-1.4 restricted attachment")
    doc.attachments = [DocumentAttachment(document=attachment, title="附件：内部名单")]
    doc.save_revision().publish()
    files.publish_files(doc)
    PageViewRestriction.objects.create(page=doc, restriction_type=PageViewRestriction.LOGIN)
    return library, doc, attachment


def test_verification_never_names_a_restricted_document(client, restricted):
    library, doc, _attachment = restricted
    digest = PublishedFile.objects.filter(document=doc, kind="attachment").first().sha256
    html = client.post(library.url + "verify/", {"sha256": digest}).content.decode()
    assert "内部文件甲" not in html and "泉教办〔2024〕9号" not in html and "附件：内部名单" not in html
    assert "没有匹配的发布文件" in html


def test_attachments_of_a_restricted_page_are_not_served(client, django_user_model, restricted):
    _library, doc, attachment = restricted
    assert client.get(attachment.url).status_code == 404
    published = PublishedFile.objects.filter(document=doc, kind="attachment").first()
    assert client.get(doc.url + f"files/v/{published.pk}/").status_code in (302, 401, 403)
    # Whoever passes the page's restriction gets its files too.
    client.force_login(django_user_model.objects.create_user("reader", "r@example.invalid", "pw"))
    response = client.get(attachment.url)
    assert response.status_code == 200


def test_attachments_of_public_pages_are_served(client, platform):
    library = make_library(platform.active)
    doc = make_document(library, "泉教办〔2024〕10号", written=dt.date(2024, 1, 5))
    attachment = _upload("open.pdf", b"%PDF-1.4 open")
    doc.attachments = [DocumentAttachment(document=attachment)]
    doc.save_revision().publish()
    assert client.get(attachment.url).status_code == 200


def test_search_counts_and_facets_ignore_a_page_restricted_after_indexing(client, platform):
    from django.core.management import call_command

    from govopen_wagtail.models import DisclosureSearchPage
    from tests.factories import make_item, publish

    make_item(platform.active, "控辍保学公开信息")
    secret = make_item(platform.active, "控辍保学内部名单")
    page = publish(platform.index, DisclosureSearchPage(title="检索", slug="search"))
    call_command("govopen_search_reindex", "--quiet")
    # Restricted after indexing, without a publish to update the index.
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x")
    response = client.get(page.url, {"q": "控辍保学"})
    results = response.context["results"]
    assert results.total == 1
    assert sum(count for _value, count in results.facets.get("kind", [])) == 1


# No 500 while the database is down ---------------------------------------------------------


def _database_down():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    return connection.execute_wrapper(refuse)


def test_pages_answer_503_with_retry_after_while_the_database_is_down(client, platform):
    with _database_down():
        response = client.get(platform.index.url)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "暂时无法访问" in response.content.decode()


def test_a_comment_sent_while_the_database_is_down_is_kept(client, consultation):
    html = client.get(consultation.url).content.decode()
    body = "数据库停机时写下的意见，不能丢失。"
    data = {"body": body, "commenter_category": "individual", "section": "", **form_fields(html)}
    with _database_down():
        response = client.post(comment_url(consultation), data)
    assert response.status_code == 503
    page = response.content.decode()
    assert body in page  # what was typed comes back, ready to send again
    assert 'name="body"' in page and "captcha_1" not in page
    # Sent again once the database is back, it is saved (a fresh captcha is asked).
    assert ConsultationComment.objects.count() == 0


# Uploads are refused before they are read ------------------------------------------------------


class _Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = read


def test_an_oversized_body_is_refused_from_its_content_length(client, platform):
    library = make_library(platform.active)
    response = client.generic(
        "POST", library.url + "verify/", b"", CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024), **{"wsgi.input": _Unreadable()},
    )
    assert response.status_code == 413
    assert "21 MB" in response.content.decode()


@override_settings(GOVOPEN_RATE_LIMITS={"upload": "2/h"})
def test_uploads_are_rate_limited_before_parsing(client, platform):
    library = make_library(platform.active)
    for _ in range(2):
        client.post(library.url + "verify/", {"file": ContentFile(b"x", name="a.pdf")})
    response = client.generic(
        "POST", library.url + "verify/", b"", CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH="1000", **{"wsgi.input": _Unreadable()},
    )
    assert response.status_code == 429 and response["Retry-After"]


# Notification e-mails survive a mail server failure -----------------------------------------------


class FlakyBackend:
    """Refuses mail to addresses containing "bounce"; the rest go to the outbox."""

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        for message in messages:
            if any("bounce" in r for r in message.recipients()):
                raise smtplib.SMTPRecipientsRefused({message.recipients()[0]: (550, b"no")})
        return self.inner.send_messages(messages)


@override_settings(EMAIL_BACKEND="tests.test_public_safety.FlakyBackend", GOVOPEN_NOTIFICATION_MAX_ATTEMPTS=3,
                   GOVOPEN_NOTIFICATION_RETRY_SECONDS=60)
def test_each_notification_is_independent_and_retried_with_backoff(consultation):
    ids = []
    for email in ("a@example.invalid", "bounce@example.invalid", "c@example.invalid"):
        comment, _ = service.submit_comment(consultation.pk, comment_input(
            "请采纳。", contact_email=email, notify=True))
        ids.append(comment.pk)
    service.moderate(ids, "publish", None)
    sent = notifications.send_comment_notifications("published", ids)
    assert sent == 2 and len(mail.outbox) == 2  # one failure did not stop the batch
    failed = Notification.objects.get(recipient="bounce@example.invalid")
    assert failed.status == Notification.Status.PENDING and failed.attempts == 1
    assert "SMTPRecipientsRefused" in failed.last_error
    wait = failed.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < wait <= dt.timedelta(seconds=60)
    assert notifications.deliver_due() == (0, 0)  # not due yet
    later = timezone.now() + dt.timedelta(seconds=61)
    assert notifications.deliver_due(later) == (0, 1)
    failed.refresh_from_db()
    assert failed.attempts == 2 and failed.next_attempt_at - later == dt.timedelta(seconds=120)
    notifications.deliver_due(later + dt.timedelta(seconds=121))
    failed.refresh_from_db()
    assert failed.status == Notification.Status.FAILED and failed.attempts == 3
    # Asked again, the same comments are not told twice.
    assert notifications.send_comment_notifications("published", ids) == 0
    assert len(mail.outbox) == 2


def test_failed_notifications_show_on_the_dashboard_and_can_be_sent_again(admin_client, consultation):
    comment, _ = service.submit_comment(consultation.pk, comment_input("请采纳。", contact_email="x@example.invalid",
                                                                      notify=True))
    Notification.objects.create(page=consultation, comment=comment, kind="published", recipient="x@example.invalid",
                                subject="意见已发布", body="…", status=Notification.Status.FAILED, attempts=6,
                                last_error="SMTPServerDisconnected")
    from django.urls import reverse

    assert "封通知邮件未能发送" in admin_client.get(reverse("wagtailadmin_home")).content.decode()
    html = admin_client.get(reverse("govopen_wagtail_notification_modeladmin_index")).content.decode()
    assert "SMTPServerDisconnected" in html
    admin_client.post(reverse("govopen_notifications_retry"))
    assert Notification.objects.get().status == Notification.Status.SENT
    assert len(mail.outbox) == 1


def test_the_send_command_delivers_what_is_due(consultation):
    from django.core.management import call_command

    Notification.objects.create(page=consultation, kind="published", recipient="y@example.invalid",
                                subject="s", body="b")
    out = io.StringIO()
    call_command("govopen_send_notifications", stdout=out)
    assert len(mail.outbox) == 1 and "1" in out.getvalue()


# Proxies, middleware order, document serving: system checks -------------------------------------


def _ids():
    return {m.id for m in run_checks()}


def test_proxy_without_trusted_count_is_warned_about(settings):
    assert "govopen_wagtail.W005" not in _ids()
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert "govopen_wagtail.W005" in _ids()
    settings.GOVOPEN_TRUSTED_PROXY_COUNT = 1
    assert "govopen_wagtail.W005" not in _ids()


def test_forwarded_headers_seen_are_warned_about(client, consultation):
    assert "govopen_wagtail.W005" not in _ids()
    client.post(comment_url(consultation), {"body": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert "govopen_wagtail.W005" in _ids()


def test_middleware_and_document_serving_checks(settings):
    assert not {"govopen_wagtail.W003", "govopen_wagtail.W004", "govopen_wagtail.W006"} & _ids()
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "govopen" not in m]
    settings.WAGTAILDOCS_SERVE_METHOD = "direct"
    assert {"govopen_wagtail.W003", "govopen_wagtail.W004", "govopen_wagtail.W006"} <= _ids()


# Exports and text checks ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("a;=1+1;b", "a;'=1+1;b"),
    ("x|+SUM(A1)", "x|'+SUM(A1)"),
    ("a\t@cmd", "a\t'@cmd"),
    ("\u200b=1+1", "'\u200b=1+1"),
    ("\ufeff=HYPERLINK(1)", "'\ufeff=HYPERLINK(1)"),
    ("=1+1", "'=1+1"),
    ("", ""),
    (None, ""),
    ("-", "-"),
    ("当 a < b 时", "当 a < b 时"),
    ("泉教办〔2018〕85号", "泉教办〔2018〕85号"),
])
def test_cells_cannot_become_formulas_in_any_locale(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("text, is_markup", [
    ("当 a < b 且 b > c 时", False),
    ("分数线 < 500 分的考生 > 20 人", False),
    ("3<4>2", False),
    ("<script>alert(1)</script>", True),
    ('<a href="x">链接</a>', True),
    ("<img src=x onerror=alert(1)>", True),
    ("<!-- 注释 -->", True),
    ("javascript:alert(1)", True),
])
def test_markup_filter_refuses_only_markup(text, is_markup):
    codes = {p.code for p in textcheck.text_problems(text, max_chars=5000, max_unbroken=300)}
    assert ("markup" in codes) is is_markup


# Strict numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("12", 12), ("²", None), ("١٢", None), ("１２", None), ("-1", None), ("0", None), (" 7 ", 7),
    ("9" * 30, None), ("1e3", None), ("", None), (None, None), (str(2**63), None), (str(2**63 - 1), 2**63 - 1),
])
def test_ids_are_ascii_digits_in_range(value, expected):
    assert params.parse_id(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("2024", 2024), ("0", None), ("0000", None), ("99999", None), ("1948", None), ("²⁰²⁴", None),
])
def test_years_are_range_checked(value, expected):
    assert params.parse_year(value) == expected


def test_dates_are_strict():
    assert params.parse_date("2024-02-29") == dt.date(2024, 2, 29)
    for bad in ("2023-02-29", "0000-01-01", "9999-12-31", "2024-13-01", "２０２４-01-01", "2024/01/01", ""):
        assert params.parse_date(bad) is None


# Fitting into the host site: system checks ----------------------------------------------------------


def test_base_template_without_the_plugins_blocks_is_warned_about(settings, tmp_path):
    (tmp_path / "bare_base.html").write_text("<html><head><title>x</title></head><body>{% block body %}{% endblock %}</body></html>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert "govopen_wagtail.W007" not in _ids()
    settings.GOVOPEN_BASE_TEMPLATE = "bare_base.html"
    messages = [m for m in run_checks() if m.id == "govopen_wagtail.W007"]
    assert messages and "extra_css" in messages[0].msg


def test_a_chinese_site_without_zh_hans_in_languages_is_warned_about(settings):
    assert "govopen_wagtail.W008" not in _ids()
    settings.LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
    settings.LANGUAGE_CODE = "zh-hans"
    assert "govopen_wagtail.W008" in _ids()
    settings.LANGUAGE_CODE = "en"  # an English site keeps its languages: nothing required
    assert "govopen_wagtail.W008" not in _ids()


def test_missing_cjk_font_is_warned_about(monkeypatch):
    import subprocess

    from govopen_wagtail import checks

    assert checks.pdf_prerequisite_warnings() == []  # this machine has Pango and Noto CJK

    class NoFonts:
        stdout = ""

    monkeypatch.setattr(subprocess, "run", lambda *a, **k: NoFonts())
    warnings = checks.pdf_prerequisite_warnings()
    assert warnings and warnings[0].id == "govopen_wagtail.W009" and "Chinese" in warnings[0].msg


def test_a_rate_limit_counts_every_event_in_its_window_from_the_first(db, monkeypatch):
    from django.core.cache import cache

    from govopen_wagtail import ratelimit

    cache.clear()
    results = [ratelimit.hit("comment", "ip:192.0.2.7", "3/h") for _ in range(5)]
    assert [r.count for r in results] == [1, 2, 3, 4, 5]
    assert [r.allowed for r in results] == [True, True, True, False, False]
    assert ratelimit.hit("comment", "ip:192.0.2.8", "3/h").count == 1  # another address, its own count
    # The window's key made by another process between this one's count
    # and its own attempt to make it: counted on, not started again.
    incr = cache.incr
    calls = []

    def racing_incr(key, *args, **kwargs):
        calls.append(key)
        if len(calls) == 1:
            cache.add(key, 1, 60)  # the other process's first event
            raise ValueError(key)
        return incr(key, *args, **kwargs)

    monkeypatch.setattr(cache, "incr", racing_incr)
    assert ratelimit.hit("comment", "ip:192.0.2.9", "3/h").count == 2
