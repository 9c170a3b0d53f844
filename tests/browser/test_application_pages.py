"""Disclosure on application, end to end in Chromium: a citizen applies on a
phone and gets a receipt; staff register a letter that came by post, ask for
a correction, receive it (the due date restarts), consult a third party (the
pause shows), reply and make the letter; the citizen sees the reply."""

import datetime as dt
import re

from govopen_wagtail.calendar import get_calendar
from govopen_wagtail.models import InformationApplication

from .test_consultation_pages import solve_captcha
from .test_public_pages import fits_the_screen

PAGE = "/xxgk/ysqgk/"


def test_apply_handle_and_read_the_reply(demo, phone, desktop, shot, staff_login, axe):
    # A citizen applies on a phone, from the quarterly list's “apply for this”.
    phone.goto(demo.url + PAGE + "list/")
    assert "2025年全市中小学校舍安全检查通报" in phone.content()
    with phone.expect_navigation():
        phone.get_by_role("link", name=re.compile("申请此项.*校舍安全检查通报")).click()
    assert phone.locator("textarea[name=description]").input_value() == "2025年全市中小学校舍安全检查通报"
    phone.get_by_role("radio", name="公民").check()
    phone.fill("input[name=name]", "手机申请人")
    phone.fill("input[name=id_number]", "110105194912310021")  # wrong check character
    phone.fill("input[name=contact_phone]", "13812345678")
    phone.get_by_role("radio", name="电子邮件").check()
    phone.get_by_label(re.compile("本人承诺")).check()
    solve_captcha(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交申请").click()
    assert "最后一位应为“X”" in phone.content()
    assert phone.locator("textarea[name=description]").input_value() == "2025年全市中小学校舍安全检查通报"
    assert "电子邮箱" in phone.locator(".govopen-field-error").all_inner_texts()[-1] or "邮箱" in phone.content()
    phone.fill("input[name=id_number]", "11010519491231002X")
    phone.fill("input[name=contact_email]", "phone@example.invalid")
    solve_captcha(phone)
    assert fits_the_screen(phone)
    shot(phone, "application-form-phone")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交申请").click()
    assert "您的申请已收到" in phone.locator("h1").inner_text()
    number = phone.locator(".govopen-receipt-number").nth(0).inner_text()
    code = phone.locator(".govopen-receipt-number").nth(1).inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert "11010519491231002X" not in phone.content()
    assert fits_the_screen(phone) and axe(phone) == []
    shot(phone, "application-receipt-phone")
    online = InformationApplication.objects.get(receipt_number=number)
    assert online.requestable is not None and online.channel == "online"

    # Staff register a letter that came by post five days ago.
    staff_login(desktop, demo)
    desktop.goto(demo.url + "/admin/govopen_wagtail/informationapplication/create/")
    received = dt.date.today() - dt.timedelta(days=5)
    desktop.select_option("select[name=page]", label="依申请公开")
    desktop.select_option("select[name=channel]", "post")
    desktop.fill("input[name=received_on]", received.isoformat())
    desktop.select_option("select[name=applicant_type]", "natural")
    desktop.fill("input[name=name]", "来信申请人")
    desktop.select_option("select[name=id_type]", "id_card")
    desktop.fill("input[name=id_number]", "11010519491231002X")
    desktop.fill("textarea[name=description]", "学校的文件")
    desktop.select_option("select[name=delivery]", "paper")
    desktop.fill("input[name=postal_address]", "泉州市鲤城区中山路1号")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="登记申请").click()
    desktop.wait_for_selector("text=查询码")
    case = InformationApplication.objects.get(name="来信申请人")
    assert case.received_on == received and case.channel == "post"
    calendar = get_calendar()
    today = dt.date.today()

    def act(label, fill):
        desktop.locator("summary", has_text=label).first.click()
        form = desktop.locator("details[open] form").first
        fill(form)
        form.locator("button[type=submit]").click()
        desktop.wait_for_load_state()

    # Correction: the clock stops, then restarts from the corrected application.
    act("告知补正", lambda f: (f.locator("input[name='correction-on']").fill(today.isoformat()),
                              f.locator("input[name='correction-due']").fill((today + dt.timedelta(days=10)).isoformat()),
                              f.locator("textarea").fill("请写明文件名称和发文年份。")))
    case.refresh_from_db()
    assert case.state == "correction"
    assert "等待补正" in desktop.content()
    act("已收到补正后的申请", lambda f: f.locator("input[name='corrected-on']").fill(today.isoformat()))
    case.refresh_from_db()
    assert case.corrected_on == today
    restarted_due = calendar.add_working_days(today, 20).date
    assert restarted_due.isoformat() in desktop.locator("#case-clock").locator("..").inner_text()
    assert "重新计算" in desktop.content()

    # A third party is consulted: the pause shows and the case reads 暂停.
    act("征求意见或等待缴费", lambda f: (f.locator("input[name='pause-party']").fill("某某培训学校"),
                                    f.locator("input[name='pause-on']").fill(today.isoformat())))
    case.refresh_from_db()
    assert case.state == "consulting"
    clock_text = desktop.locator("#case-clock").locator("..").inner_text()
    assert "暂停" in clock_text and "某某培训学校" in clock_text
    shot(desktop, "application-case-paused-desktop")
    act("已收到意见或费用", lambda f: f.locator("input[name='end_pause-on']").fill(today.isoformat()))

    # Reply, and make the letter from the filled template.
    act("登记答复", lambda f: (f.locator("select[name='reply-outcome']").select_option("partial"),
                              f.locator("textarea").fill("涉及第三方合法权益的部分不予公开。"),
                              f.locator("input[name='reply-on']").fill(today.isoformat())))
    case.refresh_from_db()
    assert case.state == "replied" and case.reply_number.startswith("泉教依复")
    desktop.locator("summary", has_text="生成告知书：答复告知书").click()
    letter_form = desktop.locator("details[open] form").first
    assert "第三十七条" in letter_form.locator("textarea").input_value()
    letter_form.locator("input[name='letter-sent_on']").fill(today.isoformat())
    letter_form.locator("button[type=submit]").click()
    desktop.wait_for_selector("#letters code")
    assert case.letters.filter(kind="reply", sent_on=today).exists()
    shot(desktop, "application-case-replied-desktop")

    # The online applicant checks progress with the number and the code.
    phone.goto(demo.url + PAGE + "status/")
    phone.fill("input[name=receipt_number]", number)
    phone.fill("input[name=code]", code)
    with phone.expect_navigation():
        phone.get_by_role("button", name="查询").click()
    assert "已收到" in phone.locator("[role=status]").inner_text()
    # The letter applicant is answered: staff give them their code; here the
    # office's own look-up shows the state and the letter link.
    online.refresh_from_db()
    from govopen_wagtail.services import applications as service
    from govopen_wagtail.services.letters import make_letter

    service.record_reply(online, outcome="disclose", reason="见附件。", on=today)
    make_letter(online, "reply", sent_on=today)
    phone.fill("input[name=receipt_number]", number)
    phone.fill("input[name=code]", code)
    with phone.expect_navigation():
        phone.get_by_role("button", name="查询").click()
    status = phone.locator("article").inner_text()
    assert "已答复" in status and "予以公开" in status and online.reply_number in status
    with phone.expect_download() as download:
        phone.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert fits_the_screen(phone) and axe(phone) == []
    shot(phone, "application-status-phone")
