"""The privacy screening in the admin and the review task, as staff use them."""

from govopen_wagtail.models import DisclosureItemPage, PrivacyFinding, PrivacyReviewRecord


def test_report_decision_and_a_review_held_until_the_id_is_masked(demo, desktop, staff_login, shot):
    staff_login(desktop, demo)
    desktop.goto(demo.url + "/admin/govopen/privacy/")
    body = desktop.locator("main").inner_text()
    assert "2026年秋季学期受助学生名单" in body and "秋季学期资助认定家访记录" in body
    assert "工作表“受助学生名单”" in body and "单元格 C2" in body
    shot(desktop, "privacy-report-desktop")

    # A decision with its reason.
    mobile = PrivacyFinding.objects.get(kind="mobile")
    row = desktop.locator(f"#finding-{mobile.pk}")
    row.locator("select[name=status]").select_option("lawful")
    row.locator("input[name=reason]").fill("家长同意公开的联系电话")
    row.get_by_role("button", name="记录处理意见").click()
    desktop.wait_for_load_state()
    assert "已记录处理意见" in desktop.locator("body").inner_text()
    mobile.refresh_from_db()
    assert mobile.status == "lawful"

    # The page waiting in the review: approval is held until the ID is masked.
    waiting = DisclosureItemPage.objects.get(slug="shxs2026")
    approve = 'button[data-workflow-action-name="approve"]'

    def open_review():
        desktop.goto(demo.url + f"/admin/pages/{waiting.pk}/edit/")
        # The action sits in the editor's action menu.
        desktop.eval_on_selector(approve, "button => button.click()")
        dialog = desktop.locator(".modal-dialog").filter(has_text="隐私排查结果")
        dialog.wait_for()
        return dialog

    dialog = open_review()
    assert "高：阻止批准" in dialog.inner_text() and "35" + "*" * 16 in dialog.inner_text()
    shot(desktop, "privacy-review-form-desktop")
    dialog.locator("input[name=confirmed]").check()
    dialog.locator("input[name=reviewer_name]").fill("李审查")
    dialog.locator("button[type=submit]").click()
    dialog.get_by_text("高可信度的个人信息").first.wait_for()
    shot(desktop, "privacy-review-refused-desktop")
    waiting.refresh_from_db()
    assert not waiting.live

    # The editor masks it; the reviewer approves; the record is kept.
    waiting.body = "<p>七年级（1）班 李某某</p><p>八年级（2）班 王某某</p>"
    waiting.save_revision()
    dialog = open_review()
    assert "页面及其附件中未发现个人信息" in dialog.inner_text()
    dialog.locator("input[name=confirmed]").check()
    dialog.locator("input[name=reviewer_name]").fill("李审查")
    with desktop.expect_navigation():
        dialog.locator("button[type=submit]").click()
    waiting.refresh_from_db()
    assert waiting.live
    assert PrivacyReviewRecord.objects.get(page=waiting).reviewer_name == "李审查"
