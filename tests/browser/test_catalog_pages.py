"""The catalog's "done when": import the sample standard catalog, see it as a
tree and as a table on a phone, and find the health check's three problems."""

from pathlib import Path

from django.contrib.auth import get_user_model

from govopen_wagtail.management.commands.govopen_import_catalog import SAMPLE

from .test_public_pages import fits_the_screen


def login(page, base):
    get_user_model().objects.create_superuser("editor", "editor@example.invalid", "pw")
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "pw")
    page.locator("button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def test_import_browse_and_health_check(demo, phone, desktop, shot, tmp_path):
    login(desktop, demo.url)
    desktop.goto(demo.url + "/admin/govopen_wagtail/catalogcategory/")
    with desktop.expect_navigation():
        desktop.get_by_role("link", name="从 CSV/XLSX 导入").click()
    desktop.select_option("select[name=catalog]", label="法定主动公开内容")
    # A wrong file first: nothing imported, each row explained.
    bad = Path(tmp_path) / "bad.csv"
    bad.write_text("事项编码,事项名称,公开时限\n01,政策文件,尽快\n", encoding="utf-8")
    desktop.set_input_files("input[name=file]", str(bad))
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="导入").click()
    assert "无法识别公开时限“尽快”" in desktop.locator("main").inner_text()
    desktop.set_input_files("input[name=file]", str(SAMPLE))
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="导入").click()
    desktop.wait_for_url("**/catalogcategory/")
    assert "导入完成" in desktop.locator("body").inner_text()

    phone.goto(demo.url + "/xxgk/fdzdgknr/")
    assert phone.locator(".govopen-catalog-node").count() >= 30
    phone.locator(".govopen-catalog-node", has_text="招生政策").locator("summary").first.click()
    assert fits_the_screen(phone)
    shot(phone, "catalog-tree-phone")
    with phone.expect_navigation():
        phone.get_by_role("link", name="全部信息（表格）").click()
    assert phone.locator(".govopen-catalog-table tbody tr").count() >= 10
    phone.select_option("select[name=category]", "02")
    with phone.expect_navigation():
        phone.get_by_role("button", name="筛选").click()
    rows = phone.locator(".govopen-catalog-table tbody").inner_text()
    assert "招生入学工作意见" in rows and "部门预算" not in rows
    assert fits_the_screen(phone)
    shot(phone, "catalog-table-phone")

    desktop.goto(demo.url + "/admin/govopen/health/")
    report = desktop.locator("main").inner_text()
    assert "10 教育督导" in report  # the empty entry
    assert "拟聘用人员名单" in report and "逾期" in report  # the late item
    assert "page #999999" in report  # the broken link
    shot(desktop, "health-report-desktop")
    with desktop.expect_navigation():
        desktop.locator("#health-overdue ~ table a", has_text="修改").first.click()
    assert "/admin/pages/" in desktop.url and "/edit/" in desktop.url
