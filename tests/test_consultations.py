"""Consultation pages: the window rule, states, date changes, listing, links."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from govopen_wagtail.models import (
    ConsultationPage,
    ConsultationState,
    ConsultationWindowRecord,
)
from tests.factories import count_queries, make_consultation, make_consultation_index, make_library, make_document

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def index(platform):
    return make_consultation_index(platform.index)


def test_window_shorter_than_30_days_needs_a_public_reason(index):
    with pytest.raises(ValidationError) as exc:
        make_consultation(index, days=20)
    assert "shortening_reason" in exc.value.message_dict
    page = make_consultation(index, days=20, shortening_reason="秋季开学前须出台，时间紧迫")
    assert page.is_shortened()


def test_closing_must_follow_opening(index):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        make_consultation(index, opens=now, closes=now - dt.timedelta(hours=1), shortening_reason="x")
    assert "closes_at" in exc.value.message_dict


@override_settings(GOVOPEN_CONSULTATION_MIN_DAYS=10, GOVOPEN_CONSULTATION_WORKING_DAYS=True)
def test_minimum_in_working_days_by_setting(index):
    opens = dt.datetime(2025, 9, 26, 10, tzinfo=SH)  # 10 working days: past National Day
    with pytest.raises(ValidationError):
        make_consultation(index, opens=opens, closes=dt.datetime(2025, 10, 10, 10, tzinfo=SH))
    page = make_consultation(index, opens=opens, closes=dt.datetime(2025, 10, 16, 10, tzinfo=SH))
    assert not page.is_shortened()


def test_states_follow_the_clock(index):
    now = timezone.now()
    page = make_consultation(index, opens=now + dt.timedelta(days=2))
    assert page.state_at(now) == ConsultationState.UPCOMING
    assert page.state_at(now + dt.timedelta(days=3)) == ConsultationState.OPEN
    assert page.state_at(page.closes_at - dt.timedelta(seconds=1)) == ConsultationState.OPEN
    assert page.state_at(page.closes_at) == ConsultationState.CLOSED
    page.feedback_date = timezone.localdate(page.closes_at, SH) + dt.timedelta(days=5)
    assert page.state_at(page.closes_at + dt.timedelta(days=1)) == ConsultationState.CLOSED
    assert page.state_at(page.closes_at + dt.timedelta(days=6)) == ConsultationState.FEEDBACK


def test_queryset_states(index):
    now = timezone.now()
    open_ = make_consultation(index, title="open")
    soon = make_consultation(index, title="closing soon", opens=now - dt.timedelta(days=28))
    upcoming = make_consultation(index, title="upcoming", opens=now + dt.timedelta(days=1))
    closed = make_consultation(index, title="closed", opens=now - dt.timedelta(days=40))
    qs = ConsultationPage.objects.all()
    assert set(qs.open()) == {open_, soon}
    assert set(qs.upcoming()) == {upcoming}
    assert set(qs.closed()) == {closed}
    assert set(qs.awaiting_feedback()) == {closed}
    assert set(qs.closing_within(3)) == {soon}


@override_settings(GOVOPEN_FEEDBACK_WORKING_DAYS=5)
def test_feedback_overdue_counts_working_days(index):
    now = timezone.now()
    old = make_consultation(index, title="long closed", opens=now - dt.timedelta(days=60))
    make_consultation(index, title="just closed", opens=now - dt.timedelta(days=31))
    overdue = ConsultationPage.objects.feedback_overdue()
    assert [p.pk for p in overdue] == [old.pk]
    assert overdue[0].feedback_due < timezone.localdate()


def test_closing_instant_is_shown_exactly(index, client):
    page = make_consultation(
        index, opens=dt.datetime(2026, 11, 20, 9, tzinfo=SH), closes=dt.datetime(2026, 12, 25, 0, tzinfo=SH)
    )
    html = client.get(page.url).content.decode()
    assert "2026-12-24 24:00" in html
    assert "北京时间" in html


def test_upcoming_consultation_shows_draft_and_dates_but_no_form(index, client):
    page = make_consultation(index, opens=timezone.now() + dt.timedelta(days=3))
    html = client.get(page.url).content.decode()
    assert "第一条的内容" in html
    assert page.opens_label() in html
    assert 'name="body"' not in html


def test_open_consultation_offers_a_form_and_section_links(index, client):
    page = make_consultation(index)
    html = client.get(page.url).content.decode()
    assert 'name="body"' in html and 'name="captcha_1"' in html and 'name="csrfmiddlewaretoken"' in html
    section = page.sections()[1]
    assert f'href="?section={section["id"]}#comment-form"' in html
    html = client.get(page.url, {"section": section["id"]}).content.decode()
    assert f'<option value="{section["id"]}" selected>' in html


def test_changing_dates_needs_a_reason_and_is_published_as_a_notice(index, client):
    page = make_consultation(index)
    assert [r.kind for r in page.window_records.all()] == [ConsultationWindowRecord.Kind.INITIAL]
    old_close = page.closes_label()
    page.closes_at += dt.timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        page.save_revision()
    assert "date_change_reason" in exc.value.message_dict
    page.date_change_reason = "应社会各界要求延长征求意见期"
    page.save_revision().publish()
    page.refresh_from_db()
    records = list(page.window_records.all())
    assert [r.kind for r in records] == ["initial", "extended"]
    html = client.get(page.url).content.decode()
    assert "延长" in html and old_close in html and page.closes_label() in html
    assert "应社会各界要求延长征求意见期" in html
    # Saving a draft with other dates records nothing until it is published.
    page.closes_at += dt.timedelta(days=1)
    page.date_change_reason = "再次延长"
    page.save_revision()
    assert page.window_records.count() == 2


def test_reopening_a_closed_consultation_is_recorded_as_such(index):
    now = timezone.now()
    page = make_consultation(index, opens=now - dt.timedelta(days=40))
    page.closes_at = now + dt.timedelta(days=5)
    page.date_change_reason = "重新开放征求意见"
    page.save_revision().publish()
    assert page.window_records.last().kind == ConsultationWindowRecord.Kind.REOPENED
    assert page.window_records.last().previous_closes_at is not None


def test_shortening_an_open_window_needs_both_reasons(index):
    page = make_consultation(index, days=40)
    page.closes_at -= dt.timedelta(days=20)
    with pytest.raises(ValidationError) as exc:
        page.save_revision()
    assert {"date_change_reason", "shortening_reason"} <= set(exc.value.message_dict)


def test_listing_puts_open_first_with_days_left_in_flat_queries(index, client):
    now = timezone.now()
    make_consultation(index, title="已结束的意见稿", opens=now - dt.timedelta(days=50))
    make_consultation(index, title="即将开始的意见稿", opens=now + dt.timedelta(days=2))
    make_consultation(index, title="正在征求的意见稿", opens=now - dt.timedelta(days=25, hours=1))
    html = client.get(index.url).content.decode()
    positions = [html.index(t) for t in ("正在征求的意见稿", "即将开始的意见稿", "已结束的意见稿")]
    assert positions == sorted(positions)
    assert "还剩 5 天" in html

    few = count_queries(lambda: client.get(index.url))
    for i in range(6):
        make_consultation(index, title=f"更多{i}", opens=now - dt.timedelta(days=i))
    client.get(index.url)  # what is kept under the change stamp, read again once
    assert count_queries(lambda: client.get(index.url)) == few


def test_final_document_and_consultation_link_both_ways(index, platform, client):
    now = timezone.now()
    page = make_consultation(index, opens=now - dt.timedelta(days=60))
    library = make_library(platform.active)
    doc = make_document(library, "泉教规〔2026〕1号", written=timezone.localdate(), consultation_page=page)
    html = client.get(page.url).content.decode()
    assert doc.title in html and "泉教规〔2026〕1号" in html
    doc_html = client.get(doc.url).content.decode()
    assert page.title in doc_html


def test_disclosure_index_links_the_consultation_list(index, platform, client):
    html = client.get(platform.index.url).content.decode()
    assert f'href="{index.url}"' in html and index.title in html


def test_attachments_are_checked_like_document_files(index):
    from tests.test_document_files import upload

    from govopen_wagtail.models import ConsultationAttachment

    page = make_consultation(index)
    page.attachments = [ConsultationAttachment(document=upload("draft.docm", b"PK\x03\x04macro"))]
    with pytest.raises(ValidationError) as exc:
        page.save_revision()
    assert "draft.docm" in " ".join(exc.value.messages)


def test_offline_only_consultation_has_no_form(index, client):
    from govopen_wagtail.services import comments as service
    from tests.factories import comment_input

    page = make_consultation(index, accept_online=False, comment_email="yj@example.cn")
    html = client.get(page.url).content.decode()
    assert 'name="body"' not in html and "yj@example.cn" in html
    with pytest.raises(service.CommentRefused) as exc:
        service.submit_comment(page.pk, comment_input())
    assert exc.value.code == "offline"


def test_editors_can_create_and_edit_consultations_in_the_admin(index, admin_client_for):
    from django.urls import reverse

    client, _ = admin_client_for()
    add = reverse("wagtailadmin_pages:add", args=["govopen_wagtail", "consultationpage", index.pk])
    html = client.get(add).content.decode()
    for tab in ("征求意见稿", "期限", "采纳情况"):
        assert tab in html
    page = make_consultation(index)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


def test_the_kept_listing_follows_comments_and_the_clock(index, client, admin_user):
    from unittest import mock

    from govopen_wagtail.services.comments import moderate, submit_comment
    from tests.factories import comment_input

    now = timezone.now()
    # 2 days and an hour left: "3 days"; in an hour it reads "2 days".
    consultation = make_consultation(index, title="课后服务方案", opens=now - dt.timedelta(days=28, hours=23),
                                     closes=now + dt.timedelta(days=2, hours=1))
    html = client.get(index.url).content.decode()
    assert "还剩 3 天" in html and "已公开意见 0 条" in html
    kept = count_queries(lambda: client.get(index.url))
    comment, _created = submit_comment(consultation, comment_input())
    assert "已公开意见 0 条" in client.get(index.url).content.decode()  # received, not yet published
    moderate([comment.pk], "publish", admin_user)
    assert "已公开意见 1 条" in client.get(index.url).content.decode()
    assert count_queries(lambda: client.get(index.url)) == kept
    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(hours=2)):
        assert "还剩 2 天" in client.get(index.url).content.decode()
    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(days=3)):
        html = client.get(index.url).content.decode()
    assert "govopen-consultation-closed" in html and "还剩" not in html


def test_a_kept_consultation_page_follows_edits_comments_and_the_clock(index, client, admin_user):
    from unittest import mock

    from django.core.cache import cache

    from govopen_wagtail.services.comments import moderate, submit_comment
    from tests.factories import comment_input

    now = timezone.now()
    page = make_consultation(index, title="课后服务方案", opens=now - dt.timedelta(days=28, hours=23),
                             closes=now + dt.timedelta(days=2, hours=1))
    html = client.get(page.url).content.decode()
    assert "还剩 3 天" in html and 'id="comment-form"' in html
    cache.clear()
    cold = count_queries(lambda: client.get(page.url))
    warm = count_queries(lambda: client.get(page.url))
    assert warm <= cold - 4, (cold, warm)  # notices, final documents, attachments, comments
    comment, _created = submit_comment(page, comment_input(body="建议把课后服务延长到晚上六点。"))
    moderate([comment.pk], "publish", admin_user)
    assert "建议把课后服务延长到晚上六点。" in client.get(page.url).content.decode()
    page = page.specific_class.objects.get(pk=page.pk)
    page.summary = "修改后的说明文字"
    page.save_revision().publish()
    assert "修改后的说明文字" in client.get(page.url).content.decode()
    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(hours=2)):
        assert "还剩 2 天" in client.get(page.url).content.decode()
    with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(days=3)):
        html = client.get(page.url).content.decode()
    assert "还剩" not in html and 'id="comment-form"' not in html
    assert "建议把课后服务延长到晚上六点。" in html


def test_a_blank_comment_forms_fields_are_kept_and_its_token_is_each_visitors(index, client):
    import re

    from tests.factories import draft_sections

    page = make_consultation(index, sections=("第一条", "第二条"))
    first, second = (client.get(page.url).content.decode() for _ in range(2))
    token = re.compile(r'name="token" value="([^"]+)"')
    assert token.search(first).group(1) != token.search(second).group(1)
    select = re.compile(r'<select name="section".*?</select>', re.S)
    assert select.search(first).group(0) == select.search(second).group(0)
    assert "第二条" in select.search(first).group(0) and "selected" not in select.search(first).group(0).split("</option>", 1)[1]

    chosen = page.sections()[1]["id"]
    html = client.get(page.url, {"section": chosen}).content.decode()
    assert re.search(rf'<option value="{chosen}" selected>', html)
    html = client.get(page.url, {"section": "no-such-section"}).content.decode()
    assert 'id="comment-form"' in html and " selected>" not in select.search(html).group(0).split("</option>", 1)[1]

    page.draft = draft_sections("第一条", "第二条", "第三条（新增）")
    page.save_revision().publish()
    assert "第三条（新增）" in select.search(client.get(page.url).content.decode()).group(0)


def test_a_blank_comment_form_is_rendered_once_and_each_visitor_gets_their_own_values(index):
    import re
    from types import SimpleNamespace
    from unittest import mock

    from captcha.models import CaptchaStore
    from django.core.cache import cache
    from django.test import Client

    from govopen_wagtail.forms import CommentForm, read_token
    from govopen_wagtail.services import blank_forms
    from tests.comment_helpers import comment_url, form_fields

    page = make_consultation(index, sections=("第一条", "第二条"))
    cache.clear()
    form_template = "govopen_wagtail/includes/comment_form.html"
    visitors = [Client(enforce_csrf_checks=True) for _ in range(3)]
    responses = [visitor.get(page.url) for visitor in visitors]
    rendered = [form_template in [t.name for t in r.templates] for r in responses]
    assert rendered == [True, False, False]  # the first visitor's rendering is kept
    pages = [r.content.decode() for r in responses]
    for html in pages:
        assert not any(mark in html for mark in (blank_forms.CSRF_MARK, blank_forms.TOKEN_MARK, blank_forms.KEY_MARK))
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    fields = [form_fields(html) for html in pages]
    assert len({csrf.search(html).group(1) for html in pages}) == 3
    assert len({f["token"] for f in fields}) == 3 and all(read_token(f["token"], page.pk) for f in fields)
    assert len({f["captcha_0"] for f in fields}) == 3
    assert CaptchaStore.objects.filter(hashkey__in=[f["captcha_0"] for f in fields]).count() == 3
    assert all(f'/captcha/image/{f["captcha_0"]}/' in html for f, html in zip(fields, pages))
    # Each visitor's values work together: the CSRF token with their cookie,
    # the form token and the captcha, once.
    for visitor, html, values in zip(visitors, pages, fields):
        data = {"body": "建议延长课后服务时间。" + values["token"][-6:], "commenter_category": "individual", "section": "",
                "csrfmiddlewaretoken": csrf.search(html).group(1), **values}
        assert visitor.post(comment_url(page), data).status_code == 302
    assert page.comments.count() == 3

    # A site's own form class may show something of each visitor's: built every time.
    class SiteForm(CommentForm):
        pass

    with mock.patch.object(type(page), "comment_form_class", lambda self: SiteForm):
        for _ in range(2):
            assert form_template in [t.name for t in Client().get(page.url).templates]

    # A kept rendering without its placeholders (a site's template without
    # the tokens, a captcha key not found) would give everyone the same
    # values: never used, the form built each time.
    cache.clear()
    kept = '<form><input name="captcha_0" value="same-for-all"></form>'
    with mock.patch.object(blank_forms, "fragments", SimpleNamespace(cached_html=lambda *args, **kwargs: kept)):
        responses = [Client().get(page.url) for _ in range(2)]
    assert all(form_template in [t.name for t in r.templates] for r in responses)
    keys = [form_fields(r.content.decode())["captcha_0"] for r in responses]
    assert keys[0] != keys[1] and "same-for-all" not in keys


def test_the_comments_version_is_read_with_the_change_stamp(index, client, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from govopen_wagtail.services.comments import moderate, submit_comment
    from tests.factories import comment_input

    page = make_consultation(index, title="课后服务方案")
    client.get(page.url)
    for url in (page.url, index.url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        own = [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "govopen_wagtail_historicalconsultationcomment"')]
        assert own == [], url  # one statement with the stamp, not a query of its own
    comment, _created = submit_comment(page, comment_input(body="建议增加体育活动时间。"))
    moderate([comment.pk], "publish", admin_user)
    assert "建议增加体育活动时间。" in client.get(page.url).content.decode()


def test_comments_awaiting_moderation_leave_the_published_comments_cached(index, client, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from govopen_wagtail.models import ConsultationComment
    from govopen_wagtail.models.consultations import comments_version
    from govopen_wagtail.services.comments import moderate, submit_comment
    from tests.factories import comment_input

    assert ConsultationComment.Status.PUBLISHED == "published"  # the index's condition names it
    page = make_consultation(index, title="课后服务方案")
    first, _created = submit_comment(page, comment_input(body="建议增加体育活动时间。"))
    moderate([first.pk], "publish", admin_user)
    client.get(page.url)
    client.get(index.url)
    published = comments_version()

    def counts_read(url) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and '"govopen_wagtail_consultationcomment"' in q["sql"]]

    # A rush of comments awaiting moderation: what the public sees cannot
    # have changed, so the comments and the listing's counts stay cached.
    waiting = [submit_comment(page, comment_input(body=f"第{i}条意见：建议把课后服务延长到十八点{i}。"))[0]
               for i in range(3)]
    assert all(c.status == ConsultationComment.Status.PENDING for c in waiting)
    assert comments_version() == published
    assert counts_read(page.url) == [] and counts_read(index.url) == []

    # Each change the public can see renews it: publishing, a published
    # comment edited, withdrawn or deleted.
    versions = [published]
    moderate([waiting[0].pk], "publish", admin_user)
    versions.append(comments_version())
    page_html = client.get(page.url).content.decode()
    assert "第0条意见" in page_html and "第1条意见" not in page_html
    assert counts_read(index.url) != []  # the listing counts them again
    waiting[0].refresh_from_db()
    waiting[0].display_name = "张**"
    waiting[0].save()
    versions.append(comments_version())
    moderate([first.pk], "pending", admin_user)
    versions.append(comments_version())
    assert "建议增加体育活动时间。" not in client.get(page.url).content.decode()
    waiting[0].delete()
    versions.append(comments_version())
    assert "第0条意见" not in client.get(page.url).content.decode()
    assert len(set(versions)) == len(versions)


@override_settings(GOVOPEN_COMMENT_MODERATION=False)
def test_a_comment_published_on_arrival_renews_the_published_comments(index, client):
    from govopen_wagtail.models import ConsultationComment
    from govopen_wagtail.models.consultations import comments_version
    from govopen_wagtail.services.comments import submit_comment
    from tests.factories import comment_input

    page = make_consultation(index, title="课后服务方案")
    client.get(page.url)
    before = comments_version()
    comment, _created = submit_comment(page, comment_input(body="建议增加体育活动时间。"))
    assert comment.status == ConsultationComment.Status.PUBLISHED
    assert comments_version() != before
    assert "建议增加体育活动时间。" in client.get(page.url).content.decode()


@pytest.mark.parametrize("statement", ["stamp", "site and stamp"])
def test_the_newest_public_change_is_read_from_its_index(db, statement):
    from django.db import connection

    from govopen_wagtail.services.library_cache import stamp_columns
    from govopen_wagtail.services.site_routing import site_statement

    if statement == "stamp":
        sql, params = "SELECT " + ", ".join(stamp_columns(connection)), []
    else:
        # Site routing reads the stamp in its site query.
        sql, params = site_statement(connection, "example.com", with_stamp=True)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
    assert "govopen_comment_public_change" in plan
