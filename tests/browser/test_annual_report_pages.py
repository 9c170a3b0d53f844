"""The annual report on a phone, and a new user generating and publishing
the demo bureau's report for this year from its records."""

import io
import zipfile

from django.utils import timezone

from govopen_wagtail.models import AnnualReportPage, InformationApplication

from .test_public_pages import fits_the_screen


def test_published_report_on_a_phone(demo, phone, shot, axe):
    phone.goto(demo.url + "/xxgk/nb/nb2025/")
    assert "收到和处理政府信息公开申请情况" in phone.locator("h2#nb-3").inner_text()
    table = phone.locator("table.govopen-report-wide")
    assert table.locator("caption").count() == 1 and table.locator("th[scope=row]").count() > 20
    # The wide table scrolls inside its box: the page itself does not.
    assert fits_the_screen(phone)
    assert axe(phone) == []
    shot(phone, "annual-report-phone")
    with phone.expect_navigation():
        phone.get_by_role("link", name="年报解读").click()
    assert "泉州市教育局2025年政府信息公开工作年度报告" in phone.content()


def test_generate_and_publish_this_years_report(demo, desktop, staff_login, shot):
    year = timezone.localdate().year
    page = AnnualReportPage.objects.get(slug=f"nb{year}")
    staff_login(desktop, demo)
    desktop.goto(demo.url + f"/admin/govopen/annual-report/{page.pk}/generate/")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="生成并存入新草稿").click()
    desktop.wait_for_url(f"**/admin/pages/{page.pk}/edit/")
    assert "全部交叉校验通过" in desktop.content()
    shot(desktop, "annual-report-editor-desktop")
    # “发布” sits in the editor's action menu.
    with desktop.expect_navigation():
        desktop.eval_on_selector('button[name="action-publish"]', "button => button.click()")
    page.refresh_from_db()
    assert page.live
    published = page.values()["t3.new.total"]
    assert published == InformationApplication.objects.filter(received_on__year=year, page__path__startswith=page.path[:8]).count()
    # Records change later: the published report does not.
    first = InformationApplication.objects.filter(received_on__year=year).first()
    InformationApplication.objects.filter(pk=first.pk).update(applicant_type="research")
    desktop.goto(demo.url + page.get_url_parts()[2])
    page.refresh_from_db()
    assert page.values()["t3.new.total"] == published
    docx = desktop.request.get(demo.url + page.get_url_parts()[2] + "files/docx/")
    xml = zipfile.ZipFile(io.BytesIO(docx.body())).read("word/document.xml").decode()
    assert "本年新收" in xml
    pdf = desktop.request.get(demo.url + page.get_url_parts()[2] + "files/pdf/")
    assert pdf.body().startswith(b"%PDF-")
    desktop.goto(demo.url + page.get_url_parts()[2])
    assert "SHA-256" in desktop.content()
