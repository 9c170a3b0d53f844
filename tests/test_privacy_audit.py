"""The site-wide privacy screening (隐私排查): pages, blocks, tables and linked
files, incremental re-runs, decisions that stick, and one site at a time."""

from __future__ import annotations

import io
import json
import pathlib

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook
from pypdf import PdfWriter
from wagtail.documents import get_document_model

from govopen_wagtail import permissions
from govopen_wagtail.models import OrganisationProfile, PrivacyFinding, PrivacyScan
from govopen_wagtail.services import privacy_audit
from govopen_wagtail.services.site_groups import create_site_groups
from tests.factories import SCHOOL_CODE, make_item, make_platform, make_site, publish
from tests.testapp.models import ListPage

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"
SEEDS = pathlib.Path(__file__).resolve().parent / "data" / "seeds"


def upload(name: str, data: bytes, title: str = "附件"):
    document = get_document_model()(title=title)
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "受助名单"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def link(document) -> str:
    return f'<a linktype="document" id="{document.pk}">{document.title}</a>'


def findings(**filters):
    return sorted(
        (f.source_label, json.dumps(f.location, ensure_ascii=False, sort_keys=True), f.kind, f.table_column,
         f.confidence)
        for f in PrivacyFinding.objects.filter(**filters)
    )


@pytest.fixture
def site_with_data(platform):
    OrganisationProfile.objects.filter(site=platform.site).update(phone="0595-22180000")
    grants = upload("grants.xlsx", xlsx([["序号", "姓名", "身份证号"], [1, "张三", VALID_ID], [2, "李四", None]]),
                    "资助名单")
    scan = upload("scan.pdf", scanned_pdf(), "扫描件")
    unlinked = upload("other.xlsx", xlsx([["身份证号"], [VALID_ID]]), "未链接")
    item = make_item(platform.active, "资助公示", body=(
        f"<p>学生张三，身份证号{VALID_ID}，咨询电话0595-22180000。</p><p>{link(grants)} {link(scan)}</p>"
    ))
    lists = publish(platform.active, ListPage(title="获奖名单", body=json.dumps([
        {"type": "text", "value": "<p>家长手机13800138000</p>"},
        {"type": "table", "value": {"data": [["姓名", "家庭住址"], ["王五", "东湖路12号3栋502室"]]}},
    ])))
    return dict(grants=grants, scan=scan, unlinked=unlinked, item=item, lists=lists)


def test_audit_finds_personal_data_in_pages_blocks_tables_and_files(platform, site_with_data):
    summary = privacy_audit.audit()
    assert findings() == sorted([
        ("资助公示", '{"field": "body"}', "id_number", False, "high"),
        ("获奖名单", '{"block": 1, "field": "body"}', "mobile", False, "high"),
        ("获奖名单", '{"block": 2, "column": 2, "field": "body", "row": 2}', "address", False, "high"),
        ("获奖名单", '{"block": 2, "column": 2, "field": "body"}', "address", True, "high"),
        ("资助名单", '{"cell": "C2", "sheet": "受助名单"}', "id_number", False, "high"),
        ("资助名单", '{"column": "C", "sheet": "受助名单"}', "id_number", True, "high"),
    ])
    assert summary.new == 6 and summary.files == 2 and summary.not_checkable == 1
    # The office's own number (its profile) is not a finding; values are kept masked only.
    assert not PrivacyFinding.objects.filter(kind="landline").exists()
    row = PrivacyFinding.objects.get(kind="id_number", page=site_with_data["item"])
    assert row.masked == "11" + "*" * 16 and VALID_ID not in row.fingerprint
    assert row.site == platform.site and row.status == PrivacyFinding.Status.OPEN
    scans = dict(PrivacyScan.objects.filter(document__isnull=False).values_list("document__title", "result"))
    # A scanned PDF is not checkable, never clean; a file no page links to is not reached.
    assert scans == {"资助名单": "findings", "扫描件": "not_checkable"}


def test_rerun_screens_only_what_changed_and_marks_fixes(platform, site_with_data):
    privacy_audit.audit()
    again = privacy_audit.audit()
    assert (again.pages, again.files, again.new, again.fixed) == (0, 0, 0, 0) and again.skipped > 5

    item = site_with_data["item"]
    item.body = f"<p>学生张三，身份证号已隐去。</p><p>{link(site_with_data['grants'])}</p>"
    item.save_revision().publish()
    summary = privacy_audit.audit()
    assert (summary.pages, summary.files, summary.fixed) == (1, 0, 1)
    fixed = PrivacyFinding.objects.get(page=item)
    assert fixed.status == PrivacyFinding.Status.FIXED and fixed.fixed_at is not None

    # It comes back: the same row opens again.
    item.body = f"<p>身份证号{VALID_ID}</p>"
    item.save_revision().publish()
    assert privacy_audit.audit().new == 1
    fixed.refresh_from_db()
    assert fixed.status == PrivacyFinding.Status.OPEN and fixed.fixed_at is None


def test_a_decision_sticks_across_full_runs(platform, site_with_data):
    privacy_audit.audit()
    row = PrivacyFinding.objects.get(kind="mobile")
    row.status, row.reason = PrivacyFinding.Status.LAWFUL, "学校公布的联系人"
    row.save()
    summary = privacy_audit.audit(full=True)
    assert summary.new == 0 and summary.pages >= 2
    row.refresh_from_db()
    assert row.status == PrivacyFinding.Status.LAWFUL
    assert PrivacyFinding.objects.count() == 6


def test_the_seeds_published_as_pages_give_no_finding(platform):
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 4
    for f in files:
        paragraphs = "".join(f"<p>{line}</p>" for line in f.read_text(encoding="utf-8").splitlines())
        make_item(platform.active, f.stem, body=paragraphs)
    summary = privacy_audit.audit()
    assert summary.pages >= 4 and PrivacyFinding.objects.count() == 0


def test_one_site_at_a_time_and_each_staff_sees_their_own(platform, site_with_data):
    school_site = make_site("school.localhost", default=False, credit_code=SCHOOL_CODE, name="泉州市实验学校")
    school = make_platform(school_site)
    make_item(school.active, "学校名单", body=f"<p>身份证{VALID_ID}</p>")
    call_command("govopen_privacy_audit", "--site", "school.localhost", "--quiet", stdout=io.StringIO())
    assert {f.site for f in PrivacyFinding.objects.all()} == {school_site}
    privacy_audit.audit()
    teacher = get_user_model().objects.create_user("teacher", "t@example.invalid", "pw")
    teacher.groups.add(create_site_groups(school_site).editors)
    seen = permissions.filter_for_user(PrivacyFinding.objects.all(), teacher)
    assert {f.source_label for f in seen} == {"学校名单"}
    assert PrivacyFinding.objects.exclude(site=school_site).count() == 6


def test_command_reports_and_refuses_an_unknown_site(platform, site_with_data):
    out = io.StringIO()
    with translation.override("en"):
        call_command("govopen_privacy_audit", "--quiet", stdout=out)
    from wagtail.models import Page

    pages = Page.objects.live().public().descendant_of(platform.site.root_page, inclusive=True).count()
    assert f"Screened {pages} pages and 2 files" in out.getvalue() and "6 new findings, 0 fixed" in out.getvalue()
    with pytest.raises(CommandError, match="nowhere.example"):
        call_command("govopen_privacy_audit", "--site", "nowhere.example", "--quiet")


def test_unpublished_pages_and_deleted_files_count_as_fixed(platform, site_with_data):
    privacy_audit.audit()
    site_with_data["lists"].unpublish()
    site_with_data["grants"].delete()
    summary = privacy_audit.audit()
    assert summary.fixed == 5
    assert list(PrivacyFinding.objects.open().values_list("source_label", flat=True)) == ["资助公示"]
    # Kept for the record (the trend counts them), with where they were.
    assert PrivacyFinding.objects.filter(status="fixed", document__isnull=True, page__isnull=True).count() == 2
    # Published again: screened afresh and open again.
    site_with_data["lists"].save_revision().publish()
    assert privacy_audit.audit().new == 3
