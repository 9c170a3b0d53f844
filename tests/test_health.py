"""The health check: empty and stale entries, late items, broken links,
guide contacts; the command, the admin report and the import screen."""

import datetime as dt
import http.server
import threading

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.documents.models import Document

from govopen_wagtail.models import CatalogCategory, DisclosureGuidePage
from govopen_wagtail.services import health, links
from tests.factories import category, make_catalog, make_item, sample_catalog_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(platform):
    return make_catalog(platform.index, title="主动公开基本目录")


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


def kinds(report, kind):
    return [f for f in report.findings if f.kind == kind]


def test_empty_entries_are_reported_once_at_the_highest_empty_level(catalog, platform):
    make_item(platform.active, "课后服务", catalog_category=category(catalog, "05-01"))
    report = health.run_health_check(external="off")
    empty = {f.title for f in kinds(report, "empty")}
    assert "02 义务教育招生入学" in empty and "02-01 招生政策" not in empty
    assert not any(t.startswith("05") for t in empty)
    assert "11-01 依申请公开的信息" not in empty and "11 依申请公开" not in empty
    finding = next(f for f in kinds(report, "empty") if f.title.startswith("02 "))
    assert finding.fix_url == reverse("govopen_wagtail_catalogcategory_modeladmin_edit", args=[category(catalog, "02").pk])


def test_on_application_entries_are_never_empty(catalog):
    report = health.run_health_check(external="off")
    assert "11-01 依申请公开的信息" not in {f.title for f in kinds(report, "empty")}


def test_yearly_entry_without_this_years_item_is_stale(catalog, platform):
    make_item(platform.active, "2025年部门预算", at(2025, 3, 20, 10), catalog_category=category(catalog, "09-01"))
    report = health.run_health_check(external="off", today=dt.date(2026, 11, 24))
    stale = kinds(report, "stale")
    assert [f.title for f in stale] == ["09-01 部门预算"]
    assert "2026" in stale[0].message
    # Before this year's due date, last year's item is enough.
    report = health.run_health_check(external="off", today=dt.date(2026, 3, 1))
    assert not kinds(report, "stale")


def test_items_published_after_their_time_limit(catalog, platform):
    late = make_item(platform.active, "迟发布", at(2026, 3, 20, 10), formed_date=dt.date(2026, 2, 6),
                     catalog_category=category(catalog, "05-01"))
    make_item(platform.active, "按时发布", at(2026, 3, 12, 10), formed_date=dt.date(2026, 2, 6),
              catalog_category=category(catalog, "05-01"))
    fast = make_item(platform.active, "录取结果", at(2026, 7, 10, 10), formed_date=dt.date(2026, 7, 1),
                     catalog_category=category(catalog, "02-04"))  # 7 days
    report = health.run_health_check(external="off")
    overdue = {f.title: f for f in kinds(report, "overdue")}
    assert set(overdue) == {"迟发布", "录取结果"}
    assert "2026-03-12" in overdue["迟发布"].message  # 20 working days across the Spring Festival
    assert overdue["迟发布"].fix_url == reverse("wagtailadmin_pages:edit", args=[late.pk])
    assert "2026-07-08" in overdue["录取结果"].message
    assert fast.pk


class Handler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_HEAD(self):
        Handler.hits.append(self.path)
        self.send_response(404 if self.path.startswith("/missing") else (405 if self.path == "/nohead" else 200))
        self.end_headers()

    def do_GET(self):
        Handler.hits.append("GET " + self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def web():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@override_settings(GOVOPEN_LINK_CHECK_HOST_INTERVAL=0, GOVOPEN_LINK_CHECK_TIMEOUT=5)
def test_broken_links_internal_and_external(catalog, platform, web):
    unpublished = make_item(platform.active, "草稿")
    unpublished.unpublish()
    document = Document(title="附件")
    document.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    gone = Document(title="已删除")
    gone.file.save("b.pdf", ContentFile(b"%PDF-1.4"), save=False)
    gone.save()
    gone_id = gone.pk
    gone.delete()
    vanished = Document(title="文件丢失")
    vanished.file.save("c.pdf", ContentFile(b"%PDF-1.4"), save=False)
    vanished.save()
    vanished.file.storage.delete(vanished.file.name)
    body = (
        f'<p><a linktype="page" id="999999">已删除页面</a> <a id="{unpublished.pk}" linktype="page">未发布</a> '
        f'<a linktype="page" id="{platform.guide.pk}">指南</a> <a linktype="document" id="{document.pk}">好附件</a> '
        f'<a linktype="document" id="{gone_id}">坏附件</a> <a linktype="document" id="{vanished.pk}">丢失</a> '
        f'<a href="{web}/ok">好</a> <a href="{web}/missing">坏</a> <a href="{web}/nohead">只支持GET</a></p>'
    )
    item = make_item(platform.active, "含链接的信息", body=body, catalog_category=category(catalog, "05-01"))

    report = health.run_health_check(external="cached")
    messages = [f.message for f in kinds(report, "broken_link")]
    assert len(messages) == 4 and not Handler.hits  # cached mode fetches nothing
    report = health.run_health_check(external="fetch")
    broken = kinds(report, "broken_link")
    text = "\n".join(f.message for f in broken)
    assert "page #999999" in text and f"page #{unpublished.pk}" in text
    assert f"document #{gone_id}" in text and f"document #{vanished.pk}" in text
    assert f"{web}/missing: HTTP 404" in text
    assert "/ok" not in text and "/nohead" not in text
    assert all(f.fix_url == reverse("wagtailadmin_pages:edit", args=[item.pk]) for f in broken)
    # Results are cached: a second run does not fetch again.
    hits = len(Handler.hits)
    health.run_health_check(external="fetch")
    assert len(Handler.hits) == hits


@override_settings(GOVOPEN_LINK_CHECK_EXTERNAL=False)
def test_external_checks_can_be_turned_off(catalog, platform, web):
    make_item(platform.active, "外链", body=f'<p><a href="{web}/missing">坏</a></p>')
    report = health.run_health_check(external="fetch")
    assert not kinds(report, "broken_link") and not Handler.hits


def test_host_pacer_spaces_requests_to_one_host():
    pacer = links.HostPacer(0.05)
    import time

    started = time.monotonic()
    for _ in range(3):
        pacer.wait("example.com")
    pacer.wait("other.example")
    assert time.monotonic() - started >= 0.1


def test_guide_contacts_are_checked(platform):
    DisclosureGuidePage.objects.filter(pk=platform.guide.pk).update(phone="电话号码", postal_code="36200",
                                                                    email="not-an-email")
    report = health.run_health_check(external="off")
    text = "\n".join(f.message for f in kinds(report, "contact"))
    assert "电话号码" in text and "36200" in text and "not-an-email" in text


def test_command_prints_a_report_and_writes_csv(catalog, platform, tmp_path, capsys):
    make_item(platform.active, "迟发布", at(2026, 3, 20, 10), formed_date=dt.date(2026, 2, 6),
              catalog_category=category(catalog, "05-01"))
    out = tmp_path / "report.csv"
    call_command("govopen_healthcheck", "--no-external", "--csv", str(out), "--base-url", "http://example.cn")
    printed = capsys.readouterr()
    assert "迟发布" in printed.out and "Time limits" in printed.err or "公开时限" in printed.err
    text = out.read_text(encoding="utf-8-sig")
    assert "迟发布" in text and "http://example.cn/admin/pages/" in text


def test_import_command_uses_the_sample_and_reports_bad_rows(platform, tmp_path):
    from django.core.management.base import CommandError

    catalog = make_catalog(platform.index, title="命令导入", imported=False)
    call_command("govopen_import_catalog", str(catalog.pk))
    assert catalog.categories.count() == 30
    bad = tmp_path / "bad.csv"
    bad.write_text("事项编码,事项名称,公开时限\n99,坏,尽快\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("govopen_import_catalog", str(catalog.pk), str(bad))
    assert not catalog.categories.filter(code="99").exists()


def test_admin_report_dashboard_and_import(catalog, platform, admin_client_for):
    client, _ = admin_client_for()
    html = client.get(reverse("govopen_health")).content.decode()
    assert "没有发布信息的目录事项" in html and "02 义务教育招生入学" in html
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("govopen_health") in home
    # Import: a bad file lists its rows; a good one imports.
    from django.core.files.uploadedfile import SimpleUploadedFile

    other = make_catalog(platform.index, title="后台导入", imported=False)
    bad = SimpleUploadedFile("bad.csv", "事项编码,事项名称,公开时限\n01,甲,尽快\n02,乙,每年13月1日前\n".encode())
    response = client.post(reverse("govopen_catalog_import"), {"catalog": other.pk, "file": bad})
    html = response.content.decode()
    assert response.status_code == 200 and "尽快" in html and ">3<" in html
    assert other.categories.count() == 0
    good = SimpleUploadedFile("目录.csv", sample_catalog_bytes())
    response = client.post(reverse("govopen_catalog_import"), {"catalog": other.pk, "file": good})
    assert response.status_code == 302 and other.categories.count() == 30
    assert client.get(reverse("govopen_catalog_sample")).status_code == 200
    assert client.get(reverse("govopen_wagtail_catalogcategory_modeladmin_index")).status_code == 200
    assert CatalogCategory.objects.filter(catalog=other).count() == 30
