"""Public messages: the form and its protections, the receipt and lookup,
handling (forward, return, reply, approval, e-mail), publication with
consent, the figures per month and the “report an error” link."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from govopen_wagtail.calendar import DISCLOSURE_TIME_ZONE
from govopen_wagtail.models import Notification, OfficeUnit, PublicMessage
from govopen_wagtail.services import messages as service
from tests.comment_helpers import form_fields
from tests.factories import (
    count_queries,
    draft,
    make_document,
    make_library,
    make_message_page,
    make_platform,
    make_site,
    send_message,
)
from govopen_wagtail.models import DisclosureItemPage

pytestmark = pytest.mark.django_db
State = PublicMessage.State


@pytest.fixture
def board(platform):
    return make_message_page(platform.index)


@pytest.fixture
def unit(site):
    return OfficeUnit.objects.create(site=site, name="基础教育科", email="jichu@example.invalid")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=DISCLOSURE_TIME_ZONE)


def send_url(page) -> str:
    return page.url + page.reverse_subpage("send")


def post(client, page, *, get_query: str = "", **fields):
    html = client.get(page.url + get_query).content.decode()
    data = {"kind": "consult", "subject": "课后服务时间", "body": "请问课后服务几点结束？",
            "contact_email": "writer@example.invalid", "wants_reply": "on", **form_fields(html)}
    about = re.search(r'name="about" value="(\d+)"', html)
    if about:
        data["about"] = about.group(1)
    data.update(fields)
    return client.post(send_url(page), {k: v for k, v in data.items() if v is not None})


# The public form ------------------------------------------------------------------


def test_a_message_gets_a_receipt_a_code_and_its_due_date(client, board):
    with mock.patch("django.utils.timezone.now", return_value=at(dt.date(2026, 9, 30))):
        response = post(client, board)
    assert response.status_code == 200
    message = PublicMessage.objects.get()
    assert message.receipt_number == "泉教留言〔2026〕1号" and message.state == State.RECEIVED
    # 3 working days over the National Day holiday, counting the make-up Saturday 10-10.
    assert message.due_on == dt.date(2026, 10, 10)
    html = response.content.decode()
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", html).group(0)
    assert message.code_matches(code.replace("-", "")) and "2026-10-10" in html
    assert response["Cache-Control"] == "no-store, private"
    office = Notification.objects.get(kind="message_new")
    assert office.recipient == "office@example.invalid" and "writer@example.invalid" not in office.body


def test_a_report_of_an_error_is_due_in_two_working_days(board):
    with mock.patch("django.utils.timezone.now", return_value=at(dt.date(2026, 9, 30))):
        message, _code = send_message(board, kind="error")
    assert message.due_on == dt.date(2026, 10, 9)
    steps = " ".join(message.due().steps)
    assert "2026-09-30" in steps and "2026-10-09" in steps


def test_a_double_tap_gets_the_first_receipt(client, board):
    html = client.get(board.url).content.decode()
    data = {"kind": "suggestion", "subject": "建议", "body": "建议增加体育课。", "wants_reply": "",
            **form_fields(html)}
    first = client.post(send_url(board), data)
    again = client.post(send_url(board), data)
    assert first.status_code == again.status_code == 200
    code = lambda r: re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", r.content.decode()).group(0)  # noqa: E731
    assert code(first) == code(again) and PublicMessage.objects.count() == 1


@pytest.mark.parametrize("fields, field, text", [
    ({"body": "   "}, "body", "为空"),
    ({"body": "长" * 2001}, "body", "2000"),
    ({"subject": ""}, "subject", "主题"),
    ({"kind": "petition"}, "kind", "类型"),
    ({"body": "请看<script>alert(1)</script>"}, "body", "HTML"),
    ({"body": "控制\x07字符"}, "body", "控制"),
    ({"contact_email": "", "contact_phone": ""}, "contact_email", "答复"),
    ({"contact_phone": "call me"}, "contact_phone", "电话"),
    ({"website": "http://spam.example"}, "website", "最后一栏"),
])
def test_bad_input_is_refused_with_a_clear_error_and_nothing_saved(client, board, fields, field, text):
    response = post(client, board, **fields)
    assert response.status_code == 400
    errors = " ".join(str(e) for e in response.context["form"].errors[field])
    assert text in errors, errors
    assert PublicMessage.objects.count() == 0
    # What was typed is kept.
    if fields.get("body", "").strip() and len(fields["body"]) < 100:
        assert "请看" in response.content.decode() or "控制" in response.content.decode()


def test_no_reply_wanted_needs_no_contact(client, board):
    response = post(client, board, contact_email="", wants_reply=None)
    assert response.status_code == 200
    assert PublicMessage.objects.get().wants_reply is False


def test_about_a_page_that_is_missing_private_or_of_another_site_is_refused(client, board, platform):
    hidden = draft(platform.active, DisclosureItemPage(title="草稿"))
    other = make_platform(make_site("school.example", default=False))
    for about in ("999999", str(hidden.pk), str(other.items[0].pk), "abc"):
        response = post(client, board, about=about)
        assert response.status_code == 400 and "about" in response.context["form"].errors
    assert PublicMessage.objects.count() == 0


def test_csrf_rate_limit_and_a_closed_page(client, board, settings):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(send_url(board), {"body": "x"}).status_code == 403
    settings.GOVOPEN_RATE_LIMITS = {"message": "1/h"}
    assert post(client, board).status_code == 200
    response = post(client, board, body="第二条留言")
    assert response.status_code == 429 and response["Retry-After"] and "第二条留言" in response.content.decode()
    settings.GOVOPEN_RATE_LIMITS = {}
    data = {"kind": "consult", "subject": "关闭后", "body": "正文", "wants_reply": "", **form_fields(
        Client().get(board.url).content.decode())}
    board.accept_messages = False
    board.save_revision().publish()
    response = Client().post(send_url(board), data)
    assert response.status_code == 403 and "关闭后" in response.content.decode()
    assert PublicMessage.objects.count() == 1


def test_sensitive_words_and_links_hold_a_message_for_review(board, settings):
    settings.GOVOPEN_SENSITIVE_WORDS = ["赌博"]
    held, _code = send_message(board, body="网上有人组织赌 博")
    spam, _code = send_message(board, body="http://a.example http://b.example www.c.example")
    fine, _code = send_message(board)
    assert held.state == spam.state == State.HELD and fine.state == State.RECEIVED
    assert "赌博" in held.held_reason and "3" in spam.held_reason
    service.release(held, None)
    service.discard(spam, None, "广告")
    assert PublicMessage.objects.counted().count() == 2
    with pytest.raises(service.MessageError):
        service.discard(fine, None, " ")


# Report an error on this page ----------------------------------------------------------


def test_every_plugin_page_links_to_report_an_error_with_the_page_filled_in(client, board, platform):
    library = make_library(platform.index)
    document = make_document(library, "泉教〔2026〕1号", written=dt.date(2026, 3, 1))
    html = client.get(document.url).content.decode()
    link = re.search(r'class="govopen-report-error"><a href="([^"]+)"', html).group(1)
    assert link.startswith(board.url) and f"about={document.pk}" in link
    form_html = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'name="about" value="{document.pk}"' in form_html
    assert re.search(r'value="error"[^>]*checked', form_html)
    assert document.title in form_html
    response = post(client, board, get_query=f"?about={document.pk}", kind="error")
    message = PublicMessage.objects.get()
    assert response.status_code == 200 and message.about_page_id == document.pk
    assert message.about_title == document.title and message.kind == "error"
    # The link is kept under the change stamp: unpublishing the board removes it at once.
    board.unpublish()
    assert "govopen-report-error" not in client.get(document.url).content.decode()


def test_no_link_without_a_message_page_and_one_query_with_one(client, platform):
    html = client.get(platform.index.url).content.decode()
    assert "govopen-report-error" not in html
    make_message_page(platform.index, accept_messages=False)
    assert "govopen-report-error" not in client.get(platform.index.url).content.decode()


# Lookup --------------------------------------------------------------------------


def test_lookup_shows_the_answer_whether_or_not_it_is_published_and_leaks_nothing(client, board, settings):
    message, code = send_message(board, consent_publish=False)
    url = board.url + board.reverse_subpage("status")
    wrong = client.post(url, {"receipt_number": message.receipt_number, "code": "AAAA-AAAA"})
    missing = client.post(url, {"receipt_number": "泉教留言〔2026〕99号", "code": code})
    assert wrong.status_code == missing.status_code == 400
    errors = lambda r: [str(e) for e in r.context["lookup_form"].non_field_errors()]  # noqa: E731
    assert errors(wrong) == errors(missing) and message.body not in wrong.content.decode()
    service.draft_reply(message, None, text="课后服务于17:30结束。", signed_by="基础教育科")
    shown = client.post(url, {"receipt_number": message.receipt_number, "code": code.lower()})
    assert shown.status_code == 200 and "课后服务于17:30结束。" in shown.content.decode()
    assert shown["Cache-Control"] == "no-store, private"
    settings.GOVOPEN_RATE_LIMITS = {"lookup": "2/h"}
    client.post(url, {"receipt_number": "x", "code": "y"})
    assert client.post(url, {"receipt_number": message.receipt_number, "code": code}).status_code == 429


# Handling --------------------------------------------------------------------------


def test_forward_return_and_reassign_are_recorded_with_unit_due_dates(board, unit, site):
    with mock.patch("django.utils.timezone.now", return_value=at(dt.date(2026, 9, 30))):
        message, _code = send_message(board)  # due 2026-10-10
    other = OfficeUnit.objects.create(site=site, name="办公室")
    service.forward(message, unit, None, today=dt.date(2026, 9, 30))
    assert message.state == State.FORWARDED and message.unit_due == dt.date(2026, 10, 9)
    assert Notification.objects.filter(kind="message_unit", recipient=unit.email).exists()
    with pytest.raises(service.MessageError):
        service.forward(message, unit, None)  # already there
    service.return_from_unit(message, None, "不属于本科室职责")
    assert message.state == State.RECEIVED and message.unit is None
    service.forward(message, other, None, today=dt.date(2026, 10, 9), working_days=5)
    assert message.unit_due == dt.date(2026, 10, 10)  # never after the message's own date
    service.forward(message, unit, None, today=dt.date(2026, 10, 9))
    steps = list(message.routing.values_list("action", "unit_name"))
    assert steps == [("forward", "基础教育科"), ("return", "基础教育科"), ("forward", "办公室"),
                     ("reassign", "基础教育科")]
    with pytest.raises(service.MessageError):
        service.return_from_unit(message, None, "")


def test_a_unit_of_another_site_or_inactive_cannot_be_chosen(board, site):
    message, _code = send_message(board)
    school = make_site("school.example", default=False)
    with pytest.raises(service.MessageError):
        service.forward(message, OfficeUnit.objects.create(site=school, name="教务处"), None)
    with pytest.raises(service.MessageError):
        service.forward(message, OfficeUnit.objects.create(site=site, name="旧科室", active=False), None)


def test_reply_is_e_mailed_and_kept_when_the_mail_server_fails(board, settings):
    settings.GOVOPEN_BACKGROUND_THREADS = False
    message, _code = send_message(board)
    with mock.patch("govopen_wagtail.services.notifications.send_mail", side_effect=OSError("down")):
        service.draft_reply(message, None, text="已答复。")
        from govopen_wagtail.services.notifications import deliver_due

        deliver_due()
    reply = Notification.objects.get(kind="message_reply")
    assert reply.status == Notification.Status.PENDING and reply.attempts == 1 and reply.message == message
    deliver_due(now=timezone.now() + dt.timedelta(days=1))
    reply.refresh_from_db()
    assert reply.status == Notification.Status.SENT
    assert any("已答复。" in m.body and message.receipt_number in m.subject for m in mail.outbox)


def test_a_second_pair_of_eyes_approves_the_reply(board, settings, django_user_model):
    settings.GOVOPEN_MESSAGE_REPLY_APPROVAL = True
    drafter = django_user_model.objects.create(username="drafter")
    approver = django_user_model.objects.create(username="approver")
    message, _code = send_message(board)
    assert service.draft_reply(message, drafter, text="草拟的答复") is False
    assert message.state == State.DRAFTED and not Notification.objects.filter(kind="message_reply").exists()
    with pytest.raises(service.MessageError):
        service.approve_reply(message, drafter)
    service.approve_reply(message, approver)
    assert message.state == State.ANSWERED and message.approved_by == approver
    assert Notification.objects.filter(kind="message_reply").count() == 1


def test_an_answered_message_is_published_only_with_consent(client, board):
    private, _code = send_message(board, consent_publish=False, subject="私下的问题")
    public, _code = send_message(board, body="我的电话13812345678，请回电。", subject="公开的问题")
    for message in (private, public):
        service.draft_reply(message, None, text="已回电，电话13812345678。")
    with pytest.raises(service.MessageError):
        service.set_published(private, None, True)
    service.set_published(public, None, True)
    listing = client.get(board.url + "answered/").content.decode()
    assert "公开的问题" in listing and "私下的问题" not in listing
    detail = client.get(board.url + f"answered/{public.pk}/").content.decode()
    assert "13812345678" not in detail and "138******78" in detail and "writer@example.invalid" not in detail
    assert client.get(board.url + f"answered/{private.pk}/").status_code == 404
    assert "公开的问题" in client.get(board.url).content.decode()  # recently answered


def test_answered_list_filters_by_kind_and_year_and_refuses_bad_values(client, board):
    for kind in ("consult", "complaint"):
        message, _code = send_message(board, kind=kind, subject=f"主题{kind}")
        service.draft_reply(message, None, text="答复")
        service.set_published(message, None, True)
    year = timezone.now().astimezone(DISCLOSURE_TIME_ZONE).year
    html = client.get(board.url + f"answered/?kind=complaint&year={year}").content.decode()
    assert "主题complaint" in html and "主题consult" not in html
    assert client.get(board.url + "answered/?kind=nonsense").status_code == 400
    assert client.get(board.url + "answered/?year=1999").status_code == 400


def test_answered_list_costs_the_same_queries_for_more_messages(client, board):
    def add(n):
        for _ in range(n):
            message, _code = send_message(board)
            service.draft_reply(message, None, text="答复")
            service.set_published(message, None, True)

    add(2)
    url = board.url + "answered/"
    client.get(url)
    few = count_queries(lambda: client.get(url))
    add(15)
    assert count_queries(lambda: client.get(url)) == few


# Figures --------------------------------------------------------------------------


def test_monthly_figures_count_on_time_and_leave_out_spam(client, board):
    with mock.patch("django.utils.timezone.now", return_value=at(dt.date(2026, 9, 30))):
        early, _c = send_message(board, kind="error")       # due 10-09
        late, _c = send_message(board)                      # due 10-10
        spam, _c = send_message(board)
        waiting, _c = send_message(board)
    service.draft_reply(early, None, text="已更正", now=at(dt.date(2026, 10, 9)))
    service.draft_reply(late, None, text="答复", now=at(dt.date(2026, 10, 12)))
    service.discard(spam, None, "广告")
    figures = service.monthly_figures(PublicMessage.objects.filter(page=board), 2026)
    september = figures[8]
    assert (september.received, september.answered, september.on_time) == (3, 2, 1)
    # 10-09 is the 2nd working day after 09-30, 10-12 the 4th (10-10 is a make-up working day).
    assert september.average_working_days == 3
    html = client.get(board.url + "statistics/?year=2026").content.decode()
    assert "2026-09" in html and "50.0%" in html
    assert client.get(board.url + "statistics/?year=abc").status_code == 404
    assert client.get(board.url + "statistics/?year=1990").status_code == 404


def test_reminders_go_once_per_due_date(board, unit):
    with mock.patch("django.utils.timezone.now", return_value=at(dt.date(2026, 9, 30))):
        message, _code = send_message(board, kind="error")  # due 10-09
    service.forward(message, unit, None, today=dt.date(2026, 9, 30))
    assert service.remind(today=dt.date(2026, 9, 30)) == 0
    assert service.remind(today=dt.date(2026, 10, 8)) == 2  # office and unit
    assert service.remind(today=dt.date(2026, 10, 8)) == 0
    assert Notification.objects.filter(kind="message_reminder").count() == 2


def test_reminder_command_reports_and_refuses_a_negative_window(board):
    from django.core.management import CommandError, call_command
    from io import StringIO

    send_message(board)
    out = StringIO()
    call_command("govopen_message_reminders", "--within", "5", stdout=out)
    assert "1" in out.getvalue() and Notification.objects.filter(kind="message_reminder").count() == 1
    with pytest.raises(CommandError):
        call_command("govopen_message_reminders", "--within", "-1")


def test_answering_and_publishing_purge_the_answers_and_figures_behind_a_cdn(board, purged,
                                                                               django_capture_on_commit_callbacks):
    from tests.test_http_cache import RecordingBackend, paths

    message, _code = send_message(board)
    with django_capture_on_commit_callbacks(execute=True):
        service.draft_reply(message, None, text="答复")
    base = paths([board.full_url])
    got = paths(RecordingBackend.purged)
    assert {b + "answered/" for b in base} <= got and {b + "statistics/" for b in base} <= got
    RecordingBackend.purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.set_published(message, None, True)
    assert {b + "answered/" for b in base} <= paths(RecordingBackend.purged)
