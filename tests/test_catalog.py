"""The catalog: import (good and bad files), export, tree and table views."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from govopen_wagtail.models import CatalogCategory, CatalogPage, DisclosureItemPage
from govopen_wagtail.services.catalog_io import ImportFailed, import_catalog
from tests.factories import (
    category,
    count_queries,
    make_catalog,
    make_consultation,
    make_consultation_index,
    make_document,
    make_item,
    make_library,
    sample_catalog_bytes,
)

pytestmark = pytest.mark.django_db
HEADER = "事项编码,上级编码,事项名称,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式\n"


@pytest.fixture
def catalog(platform):
    return make_catalog(platform.index, title="主动公开基本目录")


def csv_bytes(*rows: str, encoding="utf-8") -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode(encoding)


def test_sample_catalog_imports_with_structure_and_time_limits(catalog):
    assert catalog.categories.count() == 30
    enrolment = category(catalog, "02-01")
    assert enrolment.parent.code == "02" and enrolment.name == "招生政策"
    assert (enrolment.time_limit_kind, enrolment.time_limit_month, enrolment.time_limit_day) == ("yearly", 5, 31)
    assert category(catalog, "07-01").time_limit_kind == "ongoing"
    assert category(catalog, "02-04").audience == "specific"
    assert category(catalog, "11-01").mode == "application"


def test_reimport_updates_by_code(catalog):
    report = import_catalog(catalog, "sample.csv", sample_catalog_bytes())
    assert (report.created, report.updated) == (0, 30)
    assert catalog.categories.count() == 30


def test_gbk_csv_from_excel_imports(platform):
    catalog = make_catalog(platform.index, title="GBK", imported=False)
    data = sample_catalog_bytes().decode("utf-8").encode("gbk")
    report = import_catalog(catalog, "目录.csv", data)
    assert report.ok and report.created == 30
    assert category(catalog, "04-01").name == "资助政策"


def test_utf16_tab_separated_imports(platform):
    catalog = make_catalog(platform.index, title="UTF-16", imported=False)
    text = sample_catalog_bytes().decode("utf-8").replace(",", "\t")
    report = import_catalog(catalog, "目录.txt", text.encode("utf-16"))
    assert report.ok and report.created == 30


def test_xlsx_imports(platform):
    catalog = make_catalog(platform.index, title="XLSX", imported=False)
    workbook = Workbook()
    sheet = workbook.active
    for row in csv.reader(io.StringIO(sample_catalog_bytes().decode("utf-8"))):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    report = import_catalog(catalog, "目录.xlsx", out.getvalue())
    assert report.ok and report.created == 30


def test_bad_rows_are_reported_with_numbers_and_nothing_is_imported(platform):
    catalog = make_catalog(platform.index, title="坏文件", imported=False)
    data = csv_bytes(
        "01,,政策文件,,,,,,,",
        "01-01,01,规范性文件,,,20个工作日,,,全社会,主动",
        "01-01,01,重复编码,,,20个工作日,,,,",
        "02-01,99,未知上级,,,20个工作日,,,,",
        "03,,时限不明,,,尽快,,,,",
        ",,没有编码,,,,,,,",
        "04,,对象错误,,,,,,所有人,主动",
        "05,,=1+1,,,,,,,",
        '06,,"=HYPERLINK(""http://x"")",,,,,,,',
    )
    report = import_catalog(catalog, "bad.csv", data)
    rows = dict(report.errors)
    assert set(rows) == {4, 5, 6, 7, 8, 9, 10}
    assert "01-01" in rows[4] and "第 2" not in rows[4]
    assert "99" in rows[5]
    assert "尽快" in rows[6]
    assert "编码为空" in rows[7] or "code is empty" in rows[7]
    assert "所有人" in rows[8]
    assert "公式" in rows[9] or "formula" in rows[9]
    assert catalog.categories.count() == 0


def test_unreadable_files(platform):
    catalog = make_catalog(platform.index, title="读不了", imported=False)
    for name, data in (("x.csv", b""), ("x.xlsx", b"PK\x03\x04garbage"), ("x.csv", b"\x00\x01\x02binary"),
                       ("x.csv", "名称\n规范性文件\n".encode())):
        with pytest.raises(ImportFailed):
            import_catalog(catalog, name, data)
    assert catalog.categories.count() == 0


def test_parent_loops_are_refused(platform):
    catalog = make_catalog(platform.index, title="循环", imported=False)
    report = import_catalog(catalog, "loop.csv", csv_bytes("01,02,甲,,,,,,,", "02,01,乙,,,,,,,"))
    assert not report.ok and catalog.categories.count() == 0


def test_export_round_trips_and_escapes_formulas(catalog, client):
    CatalogCategory.objects.filter(catalog=catalog, code="01-01").update(content_elements="=cmd|' /C calc'!A0")
    response = client.get(catalog.url + "export/csv/")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER.strip()
    assert "'=cmd" in text
    xlsx = client.get(catalog.url + "export/xlsx/")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=1, column=1).value == "事项编码" and sheet.max_row == 31
    assert client.get(catalog.url + "export/pdf/").status_code == 404


def file_items(catalog, platform, n=3, code="05-01", **fields):
    cat = category(catalog, code)
    return [
        make_item(platform.active, f"课后服务信息{i}", timezone.now() - dt.timedelta(days=i),
                  catalog_category=cat, summary=f"摘要{i}", **fields)
        for i in range(n)
    ]


def test_tree_shows_counts_and_the_standard_columns(catalog, platform, client):
    file_items(catalog, platform, 2)
    html = client.get(catalog.url).content.decode()
    assert "课后服务实施" in html and "信息形成或变更之日起20个工作日内" in html
    assert "2 条" in html
    assert "table/?category=05-01" in html


def test_the_tree_is_sent_without_the_templates_indentation(catalog, platform, client):
    import re

    file_items(catalog, platform, 2)
    html = client.get(catalog.url).content.decode()
    tree = html[html.index('class="govopen-catalog-node'):html.rindex("</details>")]
    assert not re.search(r"\n[ \t]|\n\n", tree)
    # Inline parts stay apart: a line break renders as the space between them.
    assert re.search(r'catalog-code">[^<]+</span>\n<span class="govopen-catalog-name">', tree)


def test_documents_and_consultations_appear_through_a_source_page(catalog, platform, client):
    library = make_library(platform.active)
    make_document(library, "泉教规〔2026〕1号", written=timezone.localdate(), title="某规范性文件")
    consultations = make_consultation_index(platform.index)
    make_consultation(consultations, title="某征求意见稿")
    CatalogCategory.objects.filter(catalog=catalog, code="01-01").update(source_page=library)
    CatalogCategory.objects.filter(catalog=catalog, code="01-02").update(source_page=consultations)
    tree = {c.code: c for c in catalog.category_list()}
    assert tree["01-01"].item_count == 1 and tree["01-02"].item_count == 1 and tree["01"].item_count == 2
    html = client.get(catalog.url + "table/", {"category": "01"}).content.decode()
    assert "某规范性文件" in html and "某征求意见稿" in html
    assert "01-01 规范性文件" in html and "01-02 征求意见" in html


def test_table_filters_and_ignores_unknown_values(catalog, platform, client):
    items = file_items(catalog, platform, 3)
    other = make_item(platform.active, "资助政策信息", catalog_category=category(catalog, "04-01"))
    html = client.get(catalog.url + "table/", {"category": "05"}).content.decode()
    assert all(i.title in html for i in items) and other.title not in html
    assert items[0].index_number in html
    html = client.get(catalog.url + "table/", {"year": str(timezone.now().year - 3)}).content.decode()
    assert items[0].title not in html
    response = client.get(catalog.url + "table/", {"category": "nope\x00", "year": "abc", "page": "999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "nope" in html and other.title in html


def test_tree_and_table_query_counts_do_not_grow_with_items(catalog, platform, client):
    file_items(catalog, platform, 2)
    tree = count_queries(lambda: client.get(catalog.url))
    table = count_queries(lambda: client.get(catalog.url + "table/"))
    file_items(catalog, platform, 8, code="04-01")
    file_items(catalog, platform, 5, code="09-01")
    assert count_queries(lambda: client.get(catalog.url)) == tree
    assert count_queries(lambda: client.get(catalog.url + "table/")) == table


def test_catalog_stands_as_the_active_column(catalog, platform, client):
    columns = {c["key"]: c["page"] for c in platform.index.columns()}
    # The platform fixture already has a column page for "active": the first one wins.
    assert columns["active"] is not None
    html = client.get(platform.index.url).content.decode()
    assert catalog.title in html or "法定主动公开内容" in html


def test_item_deadline_follows_its_category(catalog, platform):
    fast = category(catalog, "02-04")  # 7 calendar days
    item = DisclosureItemPage(title="x", formed_date=dt.date(2026, 9, 28), catalog_category=fast)
    assert item.publication_deadline().date == dt.date(2026, 10, 5)
    item.catalog_category = category(catalog, "05-01")
    assert item.publication_deadline().date == dt.date(2026, 10, 30)


def test_cached_counts_and_rows_follow_every_change(catalog, platform, client):
    # The tree's counts, the table's order and the platform's "what's new"
    # are cached; publishing, unpublishing, restricting and moving show at once.
    from wagtail.models import PageViewRestriction

    items = file_items(catalog, platform, 2)
    assert "2 条" in client.get(catalog.url).content.decode()
    client.get(catalog.url + "table/")
    client.get(platform.index.url)
    newest = make_item(platform.active, "刚刚发布的课后服务信息", catalog_category=category(catalog, "05-01"))
    assert "3 条" in client.get(catalog.url).content.decode()
    assert "刚刚发布的课后服务信息" in client.get(catalog.url + "table/").content.decode()
    assert "刚刚发布的课后服务信息" in client.get(platform.index.url).content.decode()
    newest.unpublish()
    assert "2 条" in client.get(catalog.url).content.decode()
    assert "刚刚发布的课后服务信息" not in client.get(catalog.url + "table/").content.decode()
    assert "刚刚发布的课后服务信息" not in client.get(platform.index.url).content.decode()
    PageViewRestriction.objects.create(page=items[0], restriction_type="password", password="x")
    assert "1 条" in client.get(catalog.url).content.decode()
    assert items[0].title not in client.get(catalog.url + "table/").content.decode()
    # The cached tree and table follow entry edits (as the admin saves them),
    # additions and deletions, though entries are not pages.
    entry = CatalogCategory.objects.get(catalog=catalog, code="05-01")
    entry.name = "改过名称的事项"
    entry.save()
    assert "改过名称的事项" in client.get(catalog.url).content.decode()
    assert "改过名称的事项" in client.get(catalog.url + "table/").content.decode()
    added = CatalogCategory.objects.create(catalog=catalog, code="99", name="新增的一级事项", sort_order=999)
    assert "新增的一级事项" in client.get(catalog.url).content.decode()
    assert "新增的一级事项" in client.get(catalog.url + "table/").content.decode()
    added.delete()
    assert "新增的一级事项" not in client.get(catalog.url).content.decode()
    assert "新增的一级事项" not in client.get(catalog.url + "table/").content.decode()


def test_a_kept_catalog_tree_reads_no_entries(catalog, platform, client):
    file_items(catalog, platform, 3)
    client.get(catalog.url)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(catalog.url).content.decode()
    assert "3 条" in html
    assert not any("govopen_wagtail_catalogcategory" in q["sql"].split(" WHERE ")[0].split("(SELECT")[0]
                   for q in ctx.captured_queries), [q["sql"][:80] for q in ctx.captured_queries]


def test_a_kept_catalog_table_reads_no_entries_and_not_every_id(catalog, platform, client, monkeypatch):
    from govopen_wagtail.services import catalog as service

    items = file_items(catalog, platform, 3)
    monkeypatch.setattr(CatalogPage, "per_page", 2)
    for params in ({}, {"category": "05"}, {"page": "2"}):
        client.get(catalog.url + "table/", params)
    read = []
    monkeypatch.setattr(service, "load_categories", lambda c: read.append("entries") or [])
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(catalog.url + "table/", {"category": "05"}).content.decode()
        second = client.get(catalog.url + "table/", {"page": "2"}).content.decode()
    assert read == []  # neither the entries nor the ordered ids were needed
    assert not any("govopen_wagtail_catalogcategory" in q["sql"].split(" WHERE ")[0].split("(SELECT")[0]
                   for q in ctx.captured_queries), [q["sql"][:80] for q in ctx.captured_queries]
    newest_first = sorted(items, key=lambda p: (p.first_published_at, p.pk), reverse=True)
    assert newest_first[0].title in first and newest_first[2].title not in first  # two a page
    assert newest_first[2].title in second and newest_first[0].title not in second
    assert 'selected>05 ' in first.replace("\u3000", "")
