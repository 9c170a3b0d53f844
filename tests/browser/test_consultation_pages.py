"""The consultation path on a phone: read a draft, comment, get a receipt;
staff moderate in the admin; after closing, the feedback shows the answer."""

import datetime as dt

from captcha.models import CaptchaStore
from django.db.models import F
from django.utils import timezone

from govopen_wagtail.models import ConsultationComment, ConsultationPage, ConsultationWindowRecord

from .test_public_pages import fits_the_screen

OPEN = "/xxgk/yjzj/zqyj-after-school/"


def solve_captcha(page):
    key = page.locator('input[name="captcha_0"]').get_attribute("value")
    page.fill('input[name="captcha_1"]', CaptchaStore.objects.get(hashkey=key).response)


def comment_from_a_phone(demo, phone, shot=None) -> ConsultationComment:
    phone.goto(demo.url + "/xxgk/yjzj/")
    first = phone.locator(".govopen-consultation").first
    assert "还剩" in first.inner_text()
    with phone.expect_navigation():
        phone.get_by_role("link", name="关于公开征求《泉州市中小学课后服务管理办法（修订征求意见稿）》意见的公告").click()
    assert "截至" in phone.locator(".govopen-window").inner_text()
    assert "24:00" in phone.locator(".govopen-window").inner_text()
    phone.locator("#s-" + ConsultationPage.objects.get(slug="zqyj-after-school").sections()[2]["id"]).get_by_role(
        "link", name="对本条提意见").click()
    assert phone.locator("select[name=section] option:checked").inner_text() == "第三条 收费标准"
    phone.fill("textarea[name=body]", "建议明确课后服务费的减免办法，联系电话13812345678。")
    phone.select_option("select[name=commenter_category]", "individual")
    phone.fill("input[name=display_name]", "手机用户")
    solve_captcha(phone)
    assert fits_the_screen(phone)
    if shot:
        shot(phone, "consultation-form-phone")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交意见").click()
    assert "您的意见已收到" in phone.locator("h1").inner_text()
    number = phone.locator(".govopen-receipt-number").inner_text()
    assert "13812345678" not in phone.content()
    assert fits_the_screen(phone)
    if shot:
        shot(phone, "consultation-receipt-phone")
    return ConsultationComment.objects.get(receipt_number=number)


def test_comment_moderate_and_read_the_feedback(demo, phone, desktop, shot, staff_login):
    comment = comment_from_a_phone(demo, phone, shot)
    assert comment.status == ConsultationComment.Status.PENDING

    # Staff: moderation queue, tick the comment, publish.
    staff_login(desktop, demo)
    desktop.goto(demo.url + "/admin/govopen_wagtail/consultationcomment/?status__exact=pending")
    desktop.locator(f'input[name=ids][value="{comment.pk}"]').check()
    desktop.select_option("#govopen-bulk-action", "publish")
    shot(desktop, "moderation-desktop")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="应用于所选意见").click()
    comment.refresh_from_db()
    assert comment.status == ConsultationComment.Status.PUBLISHED
    phone.goto(demo.url + OPEN)
    published = phone.locator(".govopen-comment-list").inner_text()
    assert "建议明确课后服务费的减免办法" in published and "138******78" in published

    # Time passes: the whole window moves into the past, so it has closed.
    page = ConsultationPage.objects.get(slug="zqyj-after-school")
    shift = page.closes_at - timezone.now() + dt.timedelta(days=1)
    for model, fields in ((ConsultationPage, ("opens_at", "closes_at")), (ConsultationWindowRecord, ("opens_at", "closes_at"))):
        model.objects.filter(**({"pk": page.pk} if model is ConsultationPage else {"consultation": page})).update(
            **{f: F(f) - shift for f in fields})
    # Staff record the disposition in the admin.
    desktop.goto(demo.url + f"/admin/govopen_wagtail/commentgroup/edit/{comment.group_id}/")
    desktop.select_option("select[name=disposition]", "partly")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="保存").first.click()
    desktop.wait_for_selector("text=请说明未（完全）采纳的理由")
    desktop.fill("textarea[name=reason]", "减免对象已在第三条中明确，具体办法另行制定。")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="保存").first.click()
    desktop.wait_for_url("**/admin/govopen_wagtail/commentgroup/")

    # Every other comment is decided too, then the feedback is published.
    page = ConsultationPage.objects.get(pk=page.pk)
    for c in page.comments.exclude(pk=comment.pk):
        if c.status == "pending":
            c.status = "rejected"
            c.save()
        c.group.disposition = "adopted" if c.group_id != comment.group_id else c.group.disposition
        c.group.save()
    page.feedback_summary = "<p>共收到意见6条。</p>"
    page.feedback_date = timezone.localdate()
    page.save_revision().publish()

    phone.goto(demo.url + OPEN + "feedback/")
    text = phone.locator(".govopen-feedback").inner_text()
    assert "部分采纳" in text and "减免对象已在第三条中明确" in text
    assert "13812345678" not in phone.content()
    assert fits_the_screen(phone)
    shot(phone, "consultation-feedback-phone")


def test_commenting_works_without_javascript(demo, browser):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(demo.url + OPEN + "#comment-form")
    page.fill("textarea[name=body]", "无脚本也能提交意见。")
    solve_captcha(page)
    with page.expect_navigation():
        page.get_by_role("button", name="提交意见").click()
    assert "您的意见已收到" in page.locator("h1").inner_text()
    context.close()


def test_shortened_window_shows_its_reason_and_bad_input_is_explained(demo, phone, shot):
    phone.goto(demo.url + "/xxgk/yjzj/zqyj-calendar/")
    assert "征求意见期限缩短为15日" in phone.locator(".govopen-shortened").inner_text()
    phone.get_by_role("button", name="提交意见").click()  # empty form
    assert "内容为空" in phone.locator(".govopen-comment-form").inner_text()
    assert "验证码" in phone.locator(".govopen-comment-form").inner_text()
    assert fits_the_screen(phone)
    shot(phone, "consultation-errors-phone")
    assert not ConsultationComment.objects.filter(consultation__slug="zqyj-calendar").exists()


def test_moderation_queue_is_usable_at_1366_pixels(demo, browser, shot, staff_login):
    """The filter panel sits beside the list, not over its columns; the row's
    buttons do not cover the tick boxes; no action is chosen for the editor."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    staff_login(page, demo)
    page.goto(demo.url + "/admin/govopen_wagtail/consultationcomment/")
    shot(page, "moderation-1366")
    listing = page.locator(".result-list").bounding_box()
    panel = page.locator(".changelist-filter").bounding_box()
    assert listing["x"] + listing["width"] <= panel["x"]
    box = page.locator("input[name=ids]").first.bounding_box()
    button = page.locator("td a.button").first.bounding_box()
    overlap_x = min(box["x"] + box["width"], button["x"] + button["width"]) - max(box["x"], button["x"])
    overlap_y = min(box["y"] + box["height"], button["y"] + button["height"]) - max(box["y"], button["y"])
    assert overlap_x <= 0 or overlap_y <= 0
    assert page.locator("#govopen-bulk-action").input_value() == ""
    assert "By " not in page.locator(".changelist-filter").inner_text()
    context.close()
