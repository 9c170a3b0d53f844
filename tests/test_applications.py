"""Disclosure on application: the clock on the real calendar, the casework
rules, receipt numbers, the public form, the status lookup and the letters."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from unittest import mock

import pytest
from django.test import Client

from govopen_wagtail import application_rules as rules
from govopen_wagtail.calendar import WorkingDayCalendar
from govopen_wagtail.holidays import ChineseCalendarSource
from govopen_wagtail.identifiers import IdNumberError, validate_id_card
from govopen_wagtail.models import (
    ApplicationFile,
    ApplicationLetter,
    InformationApplication,
    LetterTemplate,
    Notification,
    RequestableDocument,
    RequestableListRelease,
)
from govopen_wagtail.services import applications as service
from govopen_wagtail.services.letters import make_letter
from tests.comment_helpers import form_fields
from tests.factories import VALID_ID, application_input, make_application_page, make_platform, make_site

App = InformationApplication
CAL = WorkingDayCalendar([ChineseCalendarSource()])


def clock(today=dt.date(2026, 11, 2), **data):
    return rules.compute_clock(rules.ClockInput(**data), today, CAL)


# The clock ---------------------------------------------------------------------


def test_due_date_skips_national_day_and_counts_the_make_up_day():
    result = clock(received=dt.date(2026, 9, 28), today=dt.date(2026, 10, 9))
    assert result.due == dt.date(2026, 10, 30)
    assert not result.provisional
    assert [d for d, _n in result.makeup_days] == [dt.date(2026, 10, 10)]
    assert dt.date(2026, 10, 1) in [d for d, _n in result.rest_days]
    assert result.used == 4 and result.days_left == 16
    text = " ".join(result.steps)
    assert "2026-10-10" in text and "2026-10-01–10-07 国庆节" in text


def test_december_application_is_due_in_2027_and_provisional():
    result = clock(received=dt.date(2026, 12, 10), today=dt.date(2026, 12, 10))
    assert result.due.year == 2027
    assert result.provisional and result.provisional_years == (2027,)
    assert "2027" in result.steps[-1]


def test_time_waiting_for_a_third_party_is_not_counted():
    paused = clock(received=dt.date(2026, 9, 28),
                   pauses=(rules.Pause(dt.date(2026, 10, 12), dt.date(2026, 10, 16), "第三方"),))
    assert paused.paused_days == [dt.date(2026, 10, 13), dt.date(2026, 10, 14), dt.date(2026, 10, 15),
                                  dt.date(2026, 10, 16)]
    assert paused.due == dt.date(2026, 11, 5)
    # Still waiting: each working day of waiting moves the due date on.
    open_pause = clock(received=dt.date(2026, 9, 28), today=dt.date(2026, 10, 19),
                       pauses=(rules.Pause(dt.date(2026, 10, 12), None, "第三方"),))
    assert open_pause.paused and open_pause.due == dt.date(2026, 11, 6)


def test_correction_stops_the_clock_and_the_corrected_application_restarts_it():
    waiting = clock(received=dt.date(2026, 9, 28), correction_requested=dt.date(2026, 9, 30),
                    correction_due=dt.date(2026, 10, 20))
    assert waiting.due is None and waiting.waiting_for_correction
    restarted = clock(received=dt.date(2026, 9, 28), correction_requested=dt.date(2026, 9, 30),
                      correction_due=dt.date(2026, 10, 20), corrected=dt.date(2026, 10, 12))
    assert restarted.restarted and restarted.start == dt.date(2026, 10, 12)
    assert restarted.due == CAL.add_working_days(dt.date(2026, 10, 12), 20).date == dt.date(2026, 11, 9)


def test_extension_adds_working_days_and_keeps_the_original_date():
    result = clock(received=dt.date(2026, 9, 28), extension_days=20)
    assert result.base_due == dt.date(2026, 10, 30)
    assert result.due == CAL.add_working_days(dt.date(2026, 10, 30), 20).date
    with pytest.raises(ValueError):
        clock(received=dt.date(2026, 9, 28), extension_days=21)


def test_overdue_counts_negative_working_days():
    result = clock(received=dt.date(2026, 9, 28), today=dt.date(2026, 11, 3))
    assert result.is_overdue(dt.date(2026, 11, 3)) and result.days_left == -2


def test_reply_taxonomy_is_table_three():
    groups = {}
    for outcome in rules.OUTCOMES:
        groups.setdefault(outcome.group, []).append(outcome.number)
    assert groups == {"disclose": [0], "partial": [0], "withhold": list(range(1, 9)), "unable": [1, 2, 3],
                      "not_handled": [1, 2, 3, 4, 5], "other": [1, 2, 3]}
    assert [c for c, _l in rules.APPLICANT_COLUMNS] == list(App.ApplicantType.values)
    assert [c for c, _l in rules.REVIEW_RESULTS] == [c for c in App.Review.values if c]


def test_identity_card_check_character():
    assert validate_id_card(" 11010519491231002x ") == VALID_ID
    with pytest.raises(IdNumberError) as wrong:
        validate_id_card("110105194912310021")
    assert wrong.value.code == "check" and "X" in wrong.value.message
    with pytest.raises(IdNumberError) as date:
        validate_id_card("110105194902301234")
    assert date.value.code == "birth"


# Receipt numbers and the casework ---------------------------------------------------


@pytest.fixture
def office(site):
    platform = make_platform(site)
    page = make_application_page(platform.index)
    return page


def submit(page, **fields):
    application, code, _created = service.submit_application(page, application_input(**fields), token="")
    return application, code


def offline(page, received, **fields):
    return service.submit_application(
        page, application_input(channel="post", received_on=received, **fields))[0]


def test_receipt_numbers_per_site_and_year_never_reused(office, db):
    first, code = submit(office)
    second, _ = submit(office)
    year = first.received_on.year
    assert first.receipt_number == f"泉教依申〔{year}〕1号" and second.receipt_number == f"泉教依申〔{year}〕2号"
    second.delete()
    third, _ = submit(office)
    assert third.serial == 3
    last_year = offline(office, dt.date(year - 1, 12, 30))
    assert last_year.receipt_number == f"泉教依申〔{year - 1}〕1号"
    other_site = make_site("school.localhost", default=False, credit_code="12350500MB0318276Y")
    school_page = make_application_page(make_platform(other_site).index, receipt_prefix="泉实依申")
    school_app, _ = submit(school_page)
    assert school_app.receipt_number == f"泉实依申〔{year}〕1号"
    assert service.find_for_applicant(office, first.receipt_number, code) == first
    assert service.find_for_applicant(office, first.receipt_number, code.lower()[:4] + "-" + code[4:]) == first
    assert service.find_for_applicant(office, first.receipt_number, "AAAA-AAAA") is None
    assert service.find_for_applicant(school_page, first.receipt_number, code) is None


def test_same_token_gives_the_first_receipt(office):
    a, code_a, created_a = service.submit_application(office, application_input(), token="tok1")
    b, code_b, created_b = service.submit_application(office, application_input(), token="tok1")
    assert (a.pk, code_a, created_a) == (b.pk, code_b, True) and not created_b
    assert App.objects.count() == 1


def test_correction_only_once_within_seven_working_days(office):
    application = offline(office, dt.date(2026, 9, 28))
    with pytest.raises(service.CaseError, match="7"):
        service.request_correction(application, on=dt.date(2026, 10, 14), due=dt.date(2026, 10, 30), items="x")
    with pytest.raises(service.CaseError):
        service.request_correction(application, on=dt.date(2026, 9, 27), due=dt.date(2026, 10, 30), items="x")
    service.request_correction(application, on=dt.date(2026, 10, 9), due=dt.date(2026, 10, 23),
                               items="请写明文件名称")
    assert application.state == App.State.CORRECTION and application.clock().due is None
    with pytest.raises(service.CaseError, match="一次"):
        service.request_correction(application, on=dt.date(2026, 10, 9), due=dt.date(2026, 10, 23), items="x")
    with pytest.raises(service.CaseError):
        service.record_correction(application, on=dt.date(2026, 10, 26))  # after the stated date
    with pytest.raises(service.CaseError):
        service.mark_abandoned(application, on=dt.date(2026, 10, 23))  # not yet lapsed
    service.record_correction(application, on=dt.date(2026, 10, 15))
    assert application.clock().due == CAL.add_working_days(dt.date(2026, 10, 15), 20).date


def test_no_correction_in_time_is_abandoned(office):
    application = offline(office, dt.date(2026, 9, 28))
    service.request_correction(application, on=dt.date(2026, 9, 29), due=dt.date(2026, 10, 16), items="x")
    service.mark_abandoned(application, on=dt.date(2026, 10, 19))
    assert application.state == App.State.ABANDONED and application.outcome == "other_1"


def test_one_extension_of_at_most_20_days_before_the_deadline(office):
    application = offline(office, dt.date(2026, 9, 28))
    with pytest.raises(service.CaseError, match="20"):
        service.extend(application, days=21, approver="局长", reason="r", on=dt.date(2026, 10, 20))
    with pytest.raises(service.CaseError):
        service.extend(application, days=10, approver="", reason="r", on=dt.date(2026, 10, 20))
    with pytest.raises(service.CaseError, match="2026-10-30"):
        service.extend(application, days=10, approver="局长", reason="r", on=dt.date(2026, 11, 2))
    service.extend(application, days=15, approver="局长", reason="需协调多个科室", on=dt.date(2026, 10, 28))
    assert application.clock().due == CAL.add_working_days(dt.date(2026, 10, 30), 15).date
    with pytest.raises(service.CaseError, match="一次"):
        service.extend(application, days=5, approver="局长", reason="r", on=dt.date(2026, 10, 29))


def test_pause_then_reply_with_dates_in_order(office):
    application = offline(office, dt.date(2026, 9, 28))
    with pytest.raises(service.CaseError):
        service.start_pause(application, kind="third_party", party="", on=dt.date(2026, 10, 12))
    service.start_pause(application, kind="third_party", party="某公司", on=dt.date(2026, 10, 12))
    with pytest.raises(service.CaseError):
        service.record_reply(application, outcome="disclose", reason="", on=dt.date(2026, 10, 20))
    with pytest.raises(service.CaseError):
        service.end_pause(application, on=dt.date(2026, 10, 11))
    service.end_pause(application, on=dt.date(2026, 10, 16))
    assert application.clock().due == dt.date(2026, 11, 5)
    with pytest.raises(service.CaseError, match="2026-09-28"):
        service.record_reply(application, outcome="disclose", reason="", on=dt.date(2026, 9, 20))
    with pytest.raises(service.CaseError, match="理由"):
        service.record_reply(application, outcome="withhold_4", reason=" ", on=dt.date(2026, 10, 20))
    with pytest.raises(service.CaseError):
        service.record_reply(application, outcome="nonsense", reason="", on=dt.date(2026, 10, 20))
    service.record_reply(application, outcome="withhold_4", reason="涉及商业秘密", on=dt.date(2026, 10, 20))
    assert application.reply_number == "泉教依复〔2026〕1号"
    with pytest.raises(service.CaseError):
        service.mark_delivered(application, on=dt.date(2026, 10, 19))
    service.mark_delivered(application, on=dt.date(2026, 10, 21))
    service.close(application, on=dt.date(2026, 10, 22))
    service.record_review(application, review_result="upheld", litigation="after_review",
                          litigation_result="pending")
    with pytest.raises(service.CaseError):
        service.record_review(application, review_result="", litigation="after_review", litigation_result="upheld")
    history = list(application.history.order_by("history_date"))
    assert [h.state for h in history][-4:] == ["replied", "delivered", "closed", "closed"]


def test_future_dates_are_refused(office):
    application = offline(office, dt.date(2026, 9, 28))
    with mock.patch("govopen_wagtail.services.applications.local_today", return_value=dt.date(2026, 10, 5)):
        with pytest.raises(service.CaseError, match="晚于今天"):
            service.record_reply(application, outcome="disclose", reason="", on=dt.date(2026, 10, 6))
        with pytest.raises(service.CaseError, match="晚于今天"):
            service.submit_application(office, application_input(channel="post", received_on=dt.date(2026, 10, 6)))


def test_offline_entry_more_than_one_working_day_late_is_flagged(office):
    from django.utils import timezone

    late = offline(office, dt.date(2026, 9, 28))
    App.objects.filter(pk=late.pk).update(entered_at=timezone.make_aware(dt.datetime(2026, 10, 9, 9)))
    late.refresh_from_db()
    assert late.entered_late()
    App.objects.filter(pk=late.pk).update(entered_at=timezone.make_aware(dt.datetime(2026, 9, 29, 9)))
    late.refresh_from_db()
    assert not late.entered_late()


def test_repeated_applications_are_flagged(office, settings):
    settings.GOVOPEN_APPLICATION_REPEAT_THRESHOLD = 3
    a, _ = submit(office, description="2026年教师招聘 成绩")
    b, _ = submit(office, description="2026年教师招聘成绩！")
    assert not service.is_repeated(a)
    c, _ = submit(office, description="请公开2026年教师招聘成绩", document_number="")
    d, _ = submit(office, description="别的信息", document_number="泉教办〔2026〕1号")
    e, _ = submit(office, description="还有别的", document_number="泉教办〔2026〕1号")
    assert not service.is_repeated(c)
    f, _ = submit(office, description="2026年教师招聘成绩")
    assert service.is_repeated(f) and {x.pk for x in service.similar_applications(f)} == {a.pk, b.pk}
    assert {x.pk for x in service.similar_applications(e)} == {d.pk}


def test_reminders_once_per_due_date(office, django_user_model):
    handler = django_user_model.objects.create_user("handler", "handler@example.invalid", "pw")
    application = offline(office, dt.date(2026, 9, 28))
    service.assign(application, unit="基教科", handler=handler)
    assert service.queue_reminders(today=dt.date(2026, 10, 26)) == 0  # 4 working days left
    assert service.queue_reminders(today=dt.date(2026, 10, 27)) == 1
    assert service.queue_reminders(today=dt.date(2026, 10, 28)) == 0
    note = Notification.objects.get(kind="application_due")
    assert note.recipient == "handler@example.invalid" and application.receipt_number in note.subject
    assert "张三" not in note.body and VALID_ID not in note.body


# Letters ---------------------------------------------------------------------------


def test_reply_letter_in_word_and_pdf_with_hashes(office):
    application = offline(office, dt.date(2026, 9, 28))
    service.record_reply(application, outcome="unable_1", reason="经检索，本机关未制作该信息。",
                         on=dt.date(2026, 10, 20))
    letter = make_letter(application, "reply", sent_on=dt.date(2026, 10, 20))
    import hashlib

    assert hashlib.sha256(bytes(letter.docx)).hexdigest() == letter.docx_sha256
    assert hashlib.sha256(bytes(letter.pdf)).hexdigest() == letter.pdf_sha256
    assert bytes(letter.pdf).startswith(b"%PDF-")
    xml = zipfile.ZipFile(io.BytesIO(bytes(letter.docx))).read("word/document.xml").decode()
    for text in ("政府信息公开申请答复告知书", application.receipt_number, "泉教依复〔2026〕1号",
                 "第三十六条第（四）项", "本机关不掌握相关政府信息", "张三"):
        assert text in xml or text in letter.text, text
    assert "{" not in letter.text


def test_third_party_letter_does_not_name_the_applicant(office):
    application = offline(office, dt.date(2026, 9, 28))
    service.start_pause(application, kind="third_party", party="某某科技有限公司", on=dt.date(2026, 10, 12))
    letter = make_letter(application, "third_party")
    assert letter.text.startswith("某某科技有限公司：") and "张三" not in letter.text
    assert "2026年11月2日" in letter.text  # 15 working days after 10-12


def test_site_letter_template_replaces_the_default_and_bad_placeholders_are_refused(office):
    from django.core.exceptions import ValidationError

    template = LetterTemplate(site=office.get_site(), kind="correction", title="补正通知", body="请于{due}前补正")
    with pytest.raises(ValidationError):
        template.full_clean()
    template.body = "{applicant}：请于{correction_due}前补正：{correction_items}\n单位\n日期"
    template.full_clean()
    template.save()
    application = offline(office, dt.date(2026, 9, 28))
    service.request_correction(application, on=dt.date(2026, 9, 29), due=dt.date(2026, 10, 16), items="文件名称")
    letter = make_letter(application, "correction")
    assert letter.title == "补正通知" and letter.text.startswith("张三：请于2026年10月16日前补正：文件名称")


# The public form ----------------------------------------------------------------------


def good_post(client, page, **fields):
    html = client.get(page.url).content.decode()
    data = {
        "applicant_type": "natural", "name": "李四", "id_type": "id_card", "id_number": VALID_ID,
        "contact_phone": "13800000000", "contact_email": "li@example.invalid", "postal_address": "",
        "description": "学校2026年度收费项目及标准", "delivery": "email", "confirm": "on",
        **form_fields(html), **fields,
    }
    return client.post(page.url + page.reverse_subpage("apply"), data)


def test_citizen_applies_and_checks_progress(client, office):
    page_html = client.get(office.url).content.decode()
    assert 'name="applicant_type"' in page_html and "20" in page_html
    response = good_post(client, office)
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    application = App.objects.get()
    assert application.receipt_number in body and application.channel == "online"
    import re

    code = re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4})", body).group(1)
    status_url = office.url + office.reverse_subpage("status")
    found = client.post(status_url, {"receipt_number": application.receipt_number, "code": code})
    assert found.status_code == 200 and "已收到" in found.content.decode()
    assert "李四" not in found.content.decode() and VALID_ID not in found.content.decode()


def test_double_tap_answers_with_the_first_receipt(client, office):
    html = client.get(office.url).content.decode()
    fields = form_fields(html)
    data = {"applicant_type": "natural", "name": "李四", "id_type": "id_card", "id_number": VALID_ID,
            "contact_phone": "13800000000", "contact_email": "li@example.invalid", "description": "招生简章",
            "delivery": "email", "confirm": "on", **fields}
    url = office.url + office.reverse_subpage("apply")
    first = client.post(url, data).content.decode()
    second = client.post(url, data).content.decode()
    number = App.objects.get().receipt_number
    assert number in first and number in second
    import re

    code = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")
    assert code.search(first).group(0) == code.search(second).group(0)


@pytest.mark.parametrize("fields, field, message", [
    ({"id_number": "110105194912310021"}, "id_number", "X"),
    ({"applicant_type": "commercial", "id_type": "credit_code", "id_number": "91350500MA2XXXXX1A"},
     "id_number", ""),
    ({"applicant_type": "commercial", "id_type": "id_card"}, "id_type", ""),
    ({"id_type": "credit_code"}, "id_type", ""),
    ({"description": "   "}, "description", ""),
    ({"delivery": "email", "contact_email": ""}, "contact_email", ""),
    ({"delivery": "paper", "postal_address": ""}, "postal_address", ""),
    ({"contact_phone": ""}, "contact_phone", ""),
    ({"contact_phone": "abc"}, "contact_phone", ""),
    ({"postcode": "12"}, "postcode", ""),
    ({"document_number": "〔〕"}, "document_number", ""),
    ({"confirm": ""}, "confirm", ""),
    ({"captcha_1": "wrong"}, "captcha", ""),
    ({"website": "http://spam"}, "website", ""),
    ({"token": "forged"}, "token", ""),
])
def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, office, fields, field, message):
    response = good_post(client, office, **fields)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert all(str(e).strip() for e in form.errors[field])
    if message:
        assert message in " ".join(form.errors[field])
    assert App.objects.count() == 0


def test_disguised_or_oversize_attachment_is_refused(client, office, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("身份证.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = good_post(client, office, attachment=fake)
    assert response.status_code == 400 and "attachment" in response.context["form"].errors
    settings.GOVOPEN_APPLICATION_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("id.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 10), content_type="image/png")
    response = good_post(client, office, attachment=big)
    assert response.status_code == 400 and "attachment" in response.context["form"].errors
    assert App.objects.count() == 0


def test_identity_proof_is_kept_and_never_served_publicly(client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = good_post(client, office, attachment=SimpleUploadedFile("id.png", png, content_type="image/png"))
    assert response.status_code == 200
    kept = ApplicationFile.objects.get()
    assert bytes(kept.content) == png and kept.kind == "identity"
    assert not hasattr(kept, "url")
    # Staff download needs a login.
    from django.urls import reverse

    assert Client().get(reverse("govopen_application_file", args=[kept.pk])).status_code in (302, 403)


def test_csrf_is_enforced(office):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(office.url + office.reverse_subpage("apply"), {"name": "x"})
    assert response.status_code == 403


def test_rate_limit_keeps_what_was_typed(client, office, settings):
    settings.GOVOPEN_RATE_LIMITS = {"application": "1/h"}
    assert good_post(client, office).status_code == 200
    response = good_post(client, office, description="第二份申请")
    assert response.status_code == 429 and response["Retry-After"]
    assert "第二份申请" in response.content.decode()
    assert App.objects.count() == 1


def test_lookup_leaks_nothing_and_is_rate_limited(client, office, settings):
    application, code = submit(office)
    url = office.url + office.reverse_subpage("status")
    wrong_code = client.post(url, {"receipt_number": application.receipt_number, "code": "AAAA-AAAA"})
    no_number = client.post(url, {"receipt_number": "泉教依申〔2026〕999号", "code": code})
    assert wrong_code.status_code == no_number.status_code == 400
    msg = lambda r: [str(e) for e in r.context["lookup_form"].non_field_errors()]  # noqa: E731
    assert msg(wrong_code) == msg(no_number) and msg(wrong_code)
    assert application.description not in wrong_code.content.decode()
    settings.GOVOPEN_RATE_LIMITS = {"lookup": "3/h"}
    client.post(url, {"receipt_number": "x", "code": "y"})
    assert client.post(url, {"receipt_number": application.receipt_number, "code": code}).status_code == 429


def test_applicant_downloads_only_sent_letters_after_lookup(client, office):
    application, code = submit(office)
    service.record_reply(application, outcome="disclose", reason="", on=application.received_on)
    draft_letter = make_letter(application, "reply")
    url = office.url + office.reverse_subpage("letter", args=[draft_letter.pk, "pdf"])
    assert client.get(url).status_code == 404
    client.post(office.url + office.reverse_subpage("status"),
                {"receipt_number": application.receipt_number, "code": code})
    assert client.get(url).status_code == 404  # made but not sent
    ApplicationLetter.objects.filter(pk=draft_letter.pk).update(sent_on=application.received_on)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert Client().get(url).status_code == 404


def test_requestable_list_is_the_published_quarter_and_fills_the_form(client, office):
    entry = RequestableDocument.objects.create(page=office, name="2025年学校安全工作检查通报",
                                               document_number="泉教办〔2025〕9号", date=dt.date(2025, 6, 1),
                                               issuing_unit="安全科", added_on=dt.date(2026, 1, 5))
    RequestableDocument.objects.create(page=office, name="尚未发布", added_on=dt.date(2026, 11, 1))
    list_url = office.url + office.reverse_subpage("requestable")
    assert "2025年学校安全工作检查通报" not in client.get(list_url).content.decode()
    RequestableListRelease.objects.create(page=office, year=2026, quarter=3, published_on=dt.date(2026, 9, 30),
                                          entries=1)
    html = client.get(list_url).content.decode()
    assert "2025年学校安全工作检查通报" in html and "尚未发布" not in html
    form_html = client.get(office.url + f"?document={entry.pk}").content.decode()
    assert "泉教办〔2025〕9号" in form_html and f'value="{entry.pk}"' in form_html
    assert client.get(office.url + "?document=abc").status_code == 200


def test_platform_links_its_application_page(client, office):
    html = client.get(office.get_parent().url).content.decode()
    assert office.url in html
