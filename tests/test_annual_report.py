"""The annual report: table 三 and 四 computed from applications across a year
boundary, table 二 from the validity ledger, every cross-check, freezing on
publish, generation into a draft, files and JSON."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from govopen_wagtail import annual_report as report
from govopen_wagtail.models import AnnualReportOverride, AnnualReportPage, InformationApplication, ValidityEvent
from govopen_wagtail.services import annual_report as service, applications as cases
from tests.factories import (
    application_input,
    make_application_page,
    make_document,
    make_library,
    make_platform,
    make_site,
    publish,
)

pytestmark = pytest.mark.django_db
App = InformationApplication


@pytest.fixture
def bureau(site):
    platform = make_platform(site)
    return platform, make_application_page(platform.index)


def received(page, day, kind="natural", **fields):
    if kind != "natural":
        fields.update(id_type="credit_code", id_number="91350500MA2Y0N1F1A")
    return cases.submit_application(page, application_input(channel="post", received_on=day, applicant_type=kind,
                                                             **fields))[0]


def reply(application, outcome, day, **review):
    cases.record_reply(application, outcome=outcome, reason="理由", on=day)
    if review:
        cases.record_review(application, **{"review_result": "", "litigation": "", "litigation_result": "",
                                             **review})


def build_year(page):
    # Received in 2024, answered in 2025: carried in to 2025.
    old = received(page, dt.date(2024, 12, 20), "commercial")
    reply(old, "disclose", dt.date(2025, 1, 10))
    # Received in 2024, answered in 2024: not in the 2025 report at all.
    done = received(page, dt.date(2024, 3, 1))
    reply(done, "partial", dt.date(2024, 3, 20))
    # 2025: every result group, several applicant columns.
    a = received(page, dt.date(2025, 2, 3))
    reply(a, "disclose", dt.date(2025, 2, 20), review_result="upheld")
    b = received(page, dt.date(2025, 3, 3), "research")
    reply(b, "withhold_4", dt.date(2025, 3, 25), review_result="corrected", litigation="after_review",
          litigation_result="pending")
    c = received(page, dt.date(2025, 4, 1), "legal_service")
    reply(c, "unable_1", dt.date(2025, 4, 10), litigation="direct", litigation_result="upheld")
    d = received(page, dt.date(2025, 5, 6), "public_welfare")
    reply(d, "not_handled_2", dt.date(2025, 5, 8))
    e = received(page, dt.date(2025, 6, 2))
    cases.request_correction(e, on=dt.date(2025, 6, 3), due=dt.date(2025, 6, 13), items="x")
    cases.mark_abandoned(e, on=dt.date(2025, 6, 20))
    f = received(page, dt.date(2025, 7, 1), "other_org")
    cases.withdraw(f, on=dt.date(2025, 7, 3))
    # Received late in 2025, answered in 2026: carried over to next year.
    g = received(page, dt.date(2025, 12, 29))
    reply(g, "partial", dt.date(2026, 1, 15))
    return dict(old=old, a=a, b=b, c=c, d=d, e=e, f=f, g=g)


def test_table_three_and_four_from_the_applications(bureau):
    platform, page = bureau
    made = build_year(page)
    computed = service.compute(platform.site, 2025)
    f = computed.figures
    assert f[report.t3("new", "natural")] == 3 and f[report.t3("new", "total")] == 7
    assert f[report.t3("carried_in", "commercial")] == 1 and f[report.t3("carried_in", "total")] == 1
    assert f[report.t3("disclose", "total")] == 2  # one carried in, one new
    assert f[report.t3("withhold_4", "research")] == 1
    assert f[report.t3("unable_1", "legal_service")] == 1
    assert f[report.t3("not_handled_2", "public_welfare")] == 1
    assert f[report.t3("other_1", "natural")] == 1  # no correction in time
    assert f[report.t3("other_3", "other_org")] == 1  # withdrawn
    assert f[report.t3("total", "total")] == 7
    assert f[report.t3("carried_out", "natural")] == 1 and f[report.t3("carried_out", "total")] == 1
    assert f[report.t4("review", "upheld")] == 1 and f[report.t4("review", "corrected")] == 1
    assert f[report.t4("review", "total")] == 2
    assert f[report.t4("after_review", "pending")] == 1 and f[report.t4("direct", "upheld")] == 1
    assert report.check(f) == []
    assert set(computed.sources[report.t3("carried_out", "total")]) == {made["g"].pk}
    # 2026 carries in what 2025 carried out.
    f26 = service.compute(platform.site, 2026).figures
    assert f26[report.t3("carried_in", "total")] == 1 and f26[report.t3("partial", "natural")] == 1
    assert report.check(f26, previous=f) == []


def test_other_sites_are_not_counted(bureau):
    platform, page = bureau
    build_year(page)
    school = make_site("school.localhost", default=False, credit_code="12350500MB0318276Y")
    school_page = make_application_page(make_platform(school).index)
    received(school_page, dt.date(2025, 5, 5))
    assert service.compute(platform.site, 2025).figures[report.t3("new", "total")] == 7
    assert service.compute(school, 2025).figures[report.t3("new", "total")] == 1


def test_table_two_from_the_validity_ledger(bureau):
    platform, _page = bureau
    library = make_library(platform.active)
    old = make_document(library, "泉教规〔2022〕1号", written=dt.date(2022, 3, 1))
    make_document(library, "泉教规〔2023〕2号", written=dt.date(2023, 3, 1))
    make_document(library, "泉教规〔2025〕1号", written=dt.date(2025, 3, 1))
    make_document(library, "泉教规〔2025〕2号", written=dt.date(2025, 6, 1))
    ValidityEvent.objects.create(document=old, kind="repealed", effective_date=dt.date(2025, 7, 1), reason="废止")
    f24 = service.compute(platform.site, 2024).figures
    f25 = service.compute(platform.site, 2025)
    assert f25.figures["t2.normative.issued"] == 2
    assert f25.figures["t2.normative.repealed"] == 1
    assert f25.figures["t2.normative.in_force"] == 3
    assert report.check(f25.figures, previous=f24) == []
    # A document that expires in the year lowers 现行有效 without a repeal:
    # the generation explains it, so the year-on-year check is not forced.
    temporary = make_document(library, "泉教规〔2023〕9号", written=dt.date(2023, 5, 1))
    type(temporary).objects.filter(pk=temporary.pk).update(validity_end=dt.date(2025, 9, 30))
    f24 = service.compute(platform.site, 2024).figures
    f25 = service.compute(platform.site, 2025)
    assert f24["t2.normative.in_force"] == 3 and f25.figures["t2.normative.in_force"] == 3
    assert "失效1件" in f25.documents_note
    assert report.check(f25.figures, previous=f24, documents_note=f25.documents_note) == []
    assert [p.cells for p in report.check(f25.figures, previous=f24)] == [("t2.normative.in_force",)]


@pytest.mark.parametrize("change, cell", [
    ({"t3.new.natural": 5}, "t3.new.natural"),  # 一+二 ≠ 七+四, and the total column
    ({"t3.disclose.total": 9}, "t3.total.total"),
    ({"t3.total.natural": -1}, "t3.total.natural"),
    ({"t3.new.natural": "2.5"}, "t3.new.natural"),
    ({"t3.new.natural": "abc"}, "t3.new.natural"),
    ({"t4.review.total": 7}, "t4.review.total"),
    ({"t2.normative.in_force": 9}, "t2.normative.in_force"),
])
def test_every_cross_check_names_its_cells(change, cell):
    figures = {key: 0 for key in report.all_cells()}
    previous = {key: 0 for key in report.all_cells()}
    figures.update(change)
    problems = report.check(figures, previous)
    assert problems and any(cell in p.cells for p in problems)
    assert all(p.message for p in problems)


def test_carried_in_must_match_last_years_carried_out():
    figures = {key: 0 for key in report.all_cells()}
    previous = dict(figures, **{"t3.carried_out.natural": 2, "t3.carried_out.total": 2})
    problems = report.check(figures, previous)
    assert any("t3.carried_in.natural" in p.cells for p in problems)


def make_report(platform, year=2025, **fields):
    column = platform.reports
    return publish(column, AnnualReportPage(title=f"泉州市教育局{year}年政府信息公开工作年度报告", year=year, **fields))


def test_publishing_freezes_the_figures(bureau):
    platform, page = bureau
    build_year(page)
    draft_page = make_report(platform)
    service.generate_draft(draft_page)
    draft_page.get_latest_revision().publish()
    draft_page.refresh_from_db()
    assert draft_page.values()["t3.new.total"] == 7
    received(page, dt.date(2025, 8, 8))  # records change after publication
    draft_page.refresh_from_db()
    assert draft_page.values()["t3.new.total"] == 7
    changes = service.generate_draft(draft_page)
    assert any("本年新收" in str(label) and new == 8 for label, old, new in changes)
    draft_page.refresh_from_db()
    assert draft_page.values()["t3.new.total"] == 7  # the live page still has its frozen figures


def test_overrides_and_hand_entries(bureau):
    platform, _page = bureau
    page = make_report(platform, licensing_decisions=12, fees_amount=Decimal("1.25"))
    page.figures = {key: 0 for key in report.all_cells() if key.startswith("t3") or key.startswith("t4")}
    AnnualReportOverride.objects.create(page=page, cell="t3.new.natural", value=2, reason="2025年初纸质登记")
    values = page.values()
    assert values["t2.licensing"] == 12 and values["t3.new.natural"] == 2
    assert any("t3.new.natural" in p.cells for p in report.check(values))
    bad = AnnualReportOverride(page=page, cell="t3.new.natural", value=Decimal("1.5"), reason="x")
    with pytest.raises(ValidationError):
        bad.clean()
    with pytest.raises(ValidationError):
        AnnualReportOverride(page=page, cell="nonsense", value=1, reason="x").clean()


def test_one_report_per_year_and_site(bureau):
    platform, _page = bureau
    make_report(platform, 2025)
    second = AnnualReportPage(title="重复", year=2025, slug="dup")
    platform.reports.add_child(instance=AnnualReportPage(title="另一年", year=2024, slug="y2024"))
    with pytest.raises(ValidationError):
        platform.reports.add_child(instance=second)


def test_admin_cannot_publish_a_failing_report_and_generation_shows_changes(client, bureau):
    platform, page = bureau
    build_year(page)
    admin = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    client.force_login(admin)
    report_page = make_report(platform)
    preview = client.get(reverse("govopen_annual_report_generate", args=[report_page.pk]))
    assert preview.status_code == 200 and "本年新收" in preview.content.decode()
    response = client.post(reverse("govopen_annual_report_generate", args=[report_page.pk]))
    assert response.status_code == 302
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[report_page.pk])).content.decode()
    assert "Every cross-check passes" in edit or "全部校验通过" in edit or "交叉校验" in edit


def test_public_page_json_and_files(client, bureau):
    platform, page = bureau
    build_year(page)
    report_page = make_report(platform)
    service.generate_draft(report_page)
    report_page.get_latest_revision().publish()
    report_page.refresh_from_db()
    html = client.get(report_page.url).content.decode()
    assert "<caption>" in html and 'scope="row"' in html and "本年新收" in html
    data = client.get(report_page.url + "figures/").json()
    assert data["figures"]["t3.new.total"] == 7 and data["year"] == 2025
    docx = client.get(report_page.url + "files/docx/")
    assert docx.status_code == 200
    xml = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert "收到和处理政府信息公开申请情况" in xml and "商业企业" in xml
    pdf = client.get(report_page.url + "files/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    html = client.get(report_page.url).content.decode()
    assert report_page.files.get(kind="pdf").sha256 in html
    assert client.get(report_page.url + "files/exe/").status_code == 404


def _edit_data(page, **fields):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    data = {
        "title": page.title, "slug": page.slug, "year": page.year, "overview": rich_text("<p>总体情况</p>"),
        "problems": rich_text(""), "other_matters": rich_text(""), "documents_note": "", "change_note": "",
        "overrides": inline_formset([]),
    }
    data.update(fields)
    return nested_form_data(data)


def test_publishing_is_refused_while_a_cross_check_fails(client, bureau):
    from wagtail.test.utils.form_data import inline_formset

    platform, page = bureau
    build_year(page)
    admin = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    client.force_login(admin)
    report_page = make_report(platform)
    service.generate_draft(report_page)
    report_page.get_latest_revision().publish()
    url = reverse("wagtailadmin_pages:edit", args=[report_page.pk])
    broken = _edit_data(report_page, overrides=inline_formset([
        {"cell": "t3.new.natural", "value": "9", "reason": "手工更正"}]))
    response = client.post(url, {**broken, "action-publish": "action-publish"})
    assert response.status_code == 200
    assert "本年新收" in response.content.decode()
    report_page.refresh_from_db()
    assert not report_page.overrides.exists() and report_page.values()["t3.new.natural"] == 3
    # A draft may fail the checks: it is saved, not published.
    assert client.post(url, broken).status_code == 302
    # Figures changed on a published report: a change note is required.
    changed = _edit_data(report_page, overrides=inline_formset([
        {"cell": "t3.new.natural", "value": "3", "reason": "核对无误"}]), rules_in_force="2")
    response = client.post(url, {**changed, "action-publish": "action-publish"})
    assert response.status_code == 200 and "change_note" in response.context["form"].errors
    changed["change_note"] = "补充规章现行有效件数"
    response = client.post(url, {**changed, "action-publish": "action-publish"})
    assert response.status_code == 302
    report_page.refresh_from_db()
    assert report_page.values()["t2.rules.in_force"] == 2 and "补充" in client.get(report_page.url).content.decode()


def test_each_figure_links_to_its_records_for_staff(client, bureau):
    platform, page = bureau
    made = build_year(page)
    report_page = make_report(platform)
    admin = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    client.force_login(admin)
    html = client.get(reverse("govopen_annual_report_sources", args=[report_page.pk])).content.decode()
    assert made["g"].receipt_number in html and "结转下年度" in html
    assert reverse("govopen_wagtail_informationapplication_modeladmin_inspect", args=[made["g"].pk]) in html
    editor = get_user_model().objects.create_user("nobody", "n@example.invalid", "pw")
    client.force_login(editor)
    assert client.get(reverse("govopen_annual_report_sources", args=[report_page.pk])).status_code in (302, 403)


def test_late_report_warning(bureau, settings):
    from govopen_wagtail.checks import late_annual_reports

    platform, _page = bureau
    assert late_annual_reports(dt.date(2026, 1, 31)) == []
    assert [year for _s, year, _d in late_annual_reports(dt.date(2026, 2, 1))] == [2025]
    settings.GOVOPEN_ANNUAL_REPORT_BODY = "government"
    assert late_annual_reports(dt.date(2026, 2, 1)) == []
    assert late_annual_reports(dt.date(2026, 4, 1))[0][2] == dt.date(2026, 3, 31)
    make_report(platform, 2025)
    assert late_annual_reports(dt.date(2026, 4, 1)) == []
