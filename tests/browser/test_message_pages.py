"""Public messages, end to end in Chromium: a citizen reports an error from a
document page on a phone and gets a receipt; staff see it due in 2 working
days, forward it, answer it and publish it; the citizen reads the answer with
the receipt, and the figures per month count it as on time."""

import re

from govopen_wagtail.models import NormativeDocumentPage, PublicMessage
from govopen_wagtail.services import messages as service

from .test_consultation_pages import solve_captcha
from .test_public_pages import fits_the_screen


def test_report_an_error_from_a_phone_and_read_the_published_answer(demo, phone, desktop, shot, staff_login, axe):
    document = NormativeDocumentPage.objects.get(document_number="泉教规〔2019〕1号")
    phone.goto(demo.url + document.url_path.removeprefix(document.get_site().root_page.url_path[:-1]))
    with phone.expect_navigation():
        phone.get_by_role("link", name=re.compile("报告本页错误")).click()
    assert document.title in phone.locator(".govopen-message-about").inner_text()
    assert phone.get_by_role("radio", name=re.compile("网站找错|找错")).is_checked()
    phone.fill("textarea[name=body]", "第三条中“2019年”应为“2020年”，请核实更正。")
    phone.fill("input[name=contact_email]", "")
    solve_captcha(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交留言").click()
    # A reply is wanted but no contact given: a clear error, the text kept.
    assert "以便答复" in phone.content()
    assert "应为“2020年”" in phone.locator("textarea[name=body]").input_value()
    phone.fill("input[name=contact_email]", "reader@example.invalid")
    phone.get_by_label(re.compile("同意在本网站公开")).check()
    solve_captcha(phone)
    assert fits_the_screen(phone) and axe(phone) == []
    shot(phone, "message-form-phone")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交留言").click()
    assert "您的留言已受理" in phone.locator("h1").inner_text()
    number = phone.locator(".govopen-receipt-number").nth(0).inner_text()
    code = phone.locator(".govopen-receipt-number").nth(1).inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert fits_the_screen(phone) and axe(phone) == []
    shot(phone, "message-receipt-phone")
    message = PublicMessage.objects.get(receipt_number=number)
    assert message.kind == "error" and message.about_page_id == document.pk
    # 2 working days for a report of an error, counted on the real calendar.
    assert message.due_on == message.due().date and message.due().working_days == 2

    # Staff: due in 2 working days, forwarded, answered, published.
    staff_login(desktop, demo)
    desktop.goto(demo.url + "/admin/govopen_wagtail/publicmessage/?kind=error")
    with desktop.expect_navigation():
        desktop.get_by_role("link", name=number).first.click()
    case = desktop.locator("main").inner_text()
    assert message.due_on.isoformat() in case and "2 个工作日" in case
    shot(desktop, "message-case-desktop")
    desktop.locator("summary", has_text="转办").click()
    desktop.select_option("select[name=forward-unit]", label="办公室")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="转办").click()
    assert "已转办" in desktop.locator("main").inner_text()
    desktop.locator("summary", has_text="答复").first.click()
    desktop.fill("textarea[name=reply-text]", "感谢指正，已将第三条中的年份更正为2020年。")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="答复").click()
    desktop.locator("summary", has_text="在网站公开").click()
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="在网站公开").click()
    message.refresh_from_db()
    assert message.state == "answered" and message.published and message.on_time

    # The citizen reads the answer with the receipt.
    phone.goto(demo.url + "/xxgk/liuyan/status/")
    phone.fill("input[name=receipt_number]", number)
    phone.fill("input[name=code]", code.lower())
    with phone.expect_navigation():
        phone.get_by_role("button", name="查询").click()
    assert "已将第三条中的年份更正为2020年" in phone.locator(".govopen-message-reply").inner_text()
    assert fits_the_screen(phone) and axe(phone) == []
    shot(phone, "message-answer-phone")
    with phone.expect_navigation():
        phone.get_by_role("link", name="该答复已在本网站公开").click()
    assert "reader@example.invalid" not in phone.content()
    phone.goto(demo.url + "/xxgk/liuyan/statistics/")
    assert fits_the_screen(phone) and axe(phone) == []
    shot(phone, "message-statistics-phone")
    figures = service.monthly_figures(PublicMessage.objects.filter(page=message.page), message.received_on.year)
    month = figures[message.received_on.month - 1]
    assert month.on_time >= 1
    row = phone.locator("tbody tr", has_text=message.received_on.strftime("%Y-%m")).inner_text()
    assert str(month.received) in row and str(month.on_time) in row
