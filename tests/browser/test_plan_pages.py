"""Work plans in Chromium: the office imports a seed plan from Word, a unit
reports progress, the office accepts it, and the public progress page shows
it on a phone."""

import re

from django.contrib.auth import get_user_model

from govopen_wagtail.models import OfficeUnit, TaskProgress, WorkPlanPage
from govopen_wagtail.services import plans
from tests import seed_plans

from .test_public_pages import fits_the_screen


def test_import_report_accept_and_read_on_a_phone(demo, desktop, phone, staff_login, shot, axe, tmp_path):
    plan = WorkPlanPage.objects.get()
    data, source = seed_plans.plan_000()
    upload = tmp_path / "2020年政务公开工作任务分解表.docx"
    upload.write_bytes(data)
    staff_login(desktop, demo)
    desktop.goto(demo.url + "/admin/govopen/plans/import/")
    desktop.select_option("select[name=page]", label=plan.title)
    desktop.set_input_files("input[name=file]", str(upload))
    desktop.get_by_label(re.compile("自动创建")).check()
    with desktop.expect_navigation():
        desktop.get_by_role("button", name=re.compile("导入|Import|提交|Submit")).first.click()
    assert f"已导入 {len(source)} 项任务" in desktop.locator("body").inner_text()
    assert plan.tasks.count() == 39
    shot(desktop, "plan-progress-desktop")

    # The staff member works in 政策法规科, which leads task 1.
    unit = OfficeUnit.objects.get(site=plan.get_site(), name="政策法规科")
    unit.members.add(get_user_model().objects.get(username="staff"))
    desktop.reload()
    task = plan.tasks.get(number="1")
    desktop.locator("summary", has_text="报送进展").first.click()
    desktop.select_option(f"select[name=t{task.pk}-status]", "done")
    desktop.fill(f"textarea[name=t{task.pk}-text]", "已更新权责清单并在网站公开。")
    desktop.fill(f"textarea[name=t{task.pk}-evidence]", "/xxgk/")
    with desktop.expect_navigation():
        desktop.locator(f"form:has(input[name=action][value=report]):has(input[name=task][value='{task.pk}']) "
                        "button[type=submit]").click()
    assert "进展已报送" in desktop.locator("body").inner_text()
    report = TaskProgress.objects.get(task=task)
    with desktop.expect_navigation():
        desktop.locator(f"form:has(input[name=progress][value='{report.pk}']) button", has_text="审核通过").click()
    report.refresh_from_db()
    assert report.accepted_at is not None

    current = plans.period_of(plans.today())
    phone.goto(demo.url + plan.url_path.removeprefix(plan.get_site().root_page.url_path[:-1]) +
               f"progress/{current.year}/{current.number}/")
    body = phone.locator("main").inner_text()
    assert "已更新权责清单并在网站公开。" in body and "共 39 项任务" in body
    assert fits_the_screen(phone) and axe(phone) == []
    shot(phone, "plan-progress-phone")

    # The bureau's oversight table ranks its school, with the reasons.
    desktop.goto(demo.url + "/admin/govopen/oversight/")
    table = desktop.locator("main").inner_text()
    assert "泉州市实验学校" in table and "公开指南及时更新" in table
    shot(desktop, "oversight-desktop")
