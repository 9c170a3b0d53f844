"""Register of documents in force, exports, collection, feeds, JSON, compliance."""

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import docx
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from govopen_wagtail.models import InterpretationPage, ValidityEvent
from govopen_wagtail.services.compliance import document_findings
from govopen_wagtail.services.exports import safe_cell
from tests.factories import make_document, make_library, publish

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def library(platform):
    lib = make_library(platform.active)
    a = make_document(lib, "泉教规〔2019〕1号", written=D(2019, 3, 8), title="民办学校收费管理办法",
                      no_consultation_reason="不涉及公众切身利益")
    b = make_document(lib, "泉教规〔2020〕2号", written=D(2020, 5, 6), title="校外培训机构管理暂行办法",
                      no_consultation_reason="x")
    c = make_document(lib, "泉教规〔2022〕3号", written=D(2022, 3, 20), effective=D(2022, 4, 1),
                      title="=HYPERLINK(\"http://evil\")校外培训办法", effects=[(b, "repealed")],
                      no_consultation_reason="x")
    lib.docs = {"a": a, "b": b, "c": c}
    return lib


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


def test_register_page_as_of_dates(client, library):
    html = client.get(library.url + "register/").content.decode()
    assert "现行有效规范性文件目录" in html and "共 2 件" in html
    past = client.get(library.url + "register/?as_of=2021-01-01").content.decode()
    assert "校外培训机构管理暂行办法" in past and "共 2 件" in past
    assert "网址中的日期无效" in client.get(library.url + "register/?as_of=nope").content.decode()


def test_csv_is_excel_friendly_and_escapes_formulas(client, library):
    data = download(client, library.url + "register/csv/")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "文号", "标题"]
    titles = [r[2] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")校外培训办法" in titles
    assert [r[1] for r in rows[1:]] == ["泉教规〔2019〕1号", "泉教规〔2022〕3号"]


def test_xlsx_has_the_rows_and_no_formulas(client, library):
    book = load_workbook(io.BytesIO(download(client, library.url + "register/xlsx/?as_of=2021-01-01")))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [v[1] for v in values] == ["泉教规〔2019〕1号", "泉教规〔2020〕2号"]
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=2) for c in row if c.value)


def test_register_pdf_contains_the_documents(client, library):
    reader = PdfReader(io.BytesIO(download(client, library.url + "register/pdf/")))
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "")
    assert "民办学校收费管理办法" in text and "泉教规〔2019〕1号" in text
    assert "校外培训机构管理暂行办法" not in text  # repealed


def test_unknown_export_format_is_404(client, library):
    assert client.get(library.url + "register/doc/").status_code == 404


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+86", "'+86"), ("-x", "'-x"), ("@a", "'@a"), ("正常", "正常"), (None, "")])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_collection_pdf_has_a_table_of_contents_with_page_numbers(client, library):
    reader = PdfReader(io.BytesIO(download(client, library.url + "collection/?format=pdf")))
    contents = reader.pages[1].extract_text().replace(" ", "")
    assert "目录" in contents and "民办学校收费管理办法" in contents
    assert len(reader.pages) >= 4  # cover, contents, one page per document
    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    assert "民办学校收费管理办法" in list(titles(reader.outline))  # PDF bookmarks per document


def test_collection_docx_filtered_by_year(client, library):
    data = download(client, library.url + "collection/?format=docx&year=2022")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "校外培训办法" in text and "民办学校收费管理办法" not in text
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'TOC \\o "1-1"' in xml  # a Word table-of-contents field


def test_collection_is_refused_when_too_large(client, library, monkeypatch):
    from govopen_wagtail.services import exports

    monkeypatch.setattr(exports, "MAX_COLLECTION_DOCUMENTS", 1)
    response = client.get(library.url + "collection/")
    assert response.status_code == 400
    assert "请选择年份或主题分类" in response.content.decode()


def test_feeds(client, library):
    rss = ET.fromstring(download(client, library.url + "feed/"))
    titles = [i.findtext("title") for i in rss.iter("item")]
    assert titles[0].startswith("=HYPERLINK") and len(titles) == 3
    atom = ET.fromstring(download(client, library.url + "feed/atom/"))
    assert atom.tag.endswith("feed")
    validity = ET.fromstring(download(client, library.url + "feed/validity/"))
    items = list(validity.iter("item"))
    assert len(items) == 1 and "废止" in items[0].findtext("title")


def test_feed_is_advertised(client, library):
    assert 'type="application/rss+xml"' in client.get(library.url).content.decode()


def test_json_list_and_detail(client, library):
    listing = json.loads(download(client, library.url + "api/?validity=all"))
    assert listing["count"] == 3
    entry = next(r for r in listing["results"] if r["document_number"] == "泉教规〔2020〕2号")
    assert entry["validity"] == "repealed" and entry["validity_label"] == "已废止"
    detail = json.loads(download(client, library.url + f"api/{entry['id']}/"))
    assert detail["history"][0]["event"] == "repealed" and detail["history"][0]["by"] == "泉教规〔2022〕3号"
    past = json.loads(download(client, library.url + f"api/{entry['id']}/?as_of=2021-01-01"))
    assert past["validity"] == "in_force"
    assert client.get(library.url + "api/999999/").status_code == 404
    bad = json.loads(download(client, library.url + "api/?validity=zzz&year=abc"))
    assert set(bad["ignored_parameters"]) == {"validity", "year"}


def test_compliance_findings(library):
    a = library.docs["a"]
    late = make_document(library, "泉教规〔2026〕1号", written=D(2026, 2, 6), published=D(2026, 3, 13),
                         no_consultation_reason="")
    findings = document_findings(today=D(2026, 11, 24))
    assert [f.document.pk for f in findings["late"]] == [late.pk]
    assert "1 个工作日" in findings["late"][0].detail  # deadline 12 March 2026
    assert late.pk in [f.document.pk for f in findings["unconsulted"]]
    assert a.pk in [f.document.pk for f in findings["uninterpreted"]]
    # Repealed documents need no interpretation any more.
    assert library.docs["b"].pk not in [f.document.pk for f in findings["uninterpreted"]]
    publish(library, InterpretationPage(title="解读", document=a, body="<p>x</p>"))
    assert a.pk not in [f.document.pk for f in document_findings(today=D(2026, 11, 24))["uninterpreted"]]
    soon = make_document(library, "泉教规〔2026〕2号", written=D(2026, 11, 1),
                         validity_end=timezone.localdate() + dt.timedelta(days=90), no_consultation_reason="x")
    assert [f.document.pk for f in document_findings()["expiring"]] == [soon.pk]


def test_compliance_admin_view(admin_client_for, library):
    client, _user = admin_client_for()
    response = client.get(reverse("govopen_document_compliance"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "规范性文件合规检查" in html and "未按期发布政策解读" in html
    assert reverse("wagtailadmin_pages:edit", args=[library.docs["a"].pk]) in html
    assert reverse("govopen_document_compliance") in client.get("/admin/").content.decode()


def test_validity_events_are_recorded_by_staff_in_the_admin(admin_client_for, library):
    client, user = admin_client_for()
    url = reverse("govopen_wagtail_validityevent_modeladmin_create")
    response = client.post(url, {"document": library.docs["a"].pk, "kind": "expired", "effective_date": "2025-01-01",
                                 "acting_document": "", "acting_number": "", "new_end_date": "", "reason": "清理"})
    assert response.status_code == 302
    event = ValidityEvent.objects.get(document=library.docs["a"], kind="expired")
    assert event.recorded_by == user
    edit = client.get(reverse("govopen_wagtail_validityevent_modeladmin_edit", args=[event.pk]))
    assert edit.status_code in (302, 403)


def test_register_files_are_made_once_per_change_of_the_library(client, library, monkeypatch):
    from govopen_wagtail.services import exports as export_service

    calls = []
    real = export_service.to_csv
    monkeypatch.setattr(export_service, "to_csv", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = client.get(library.url + "register/csv/").content
    assert client.get(library.url + "register/csv/").content == first
    assert len(calls) == 1
    doc = library.get_children().first().specific
    doc.title = doc.title + "（修订）"
    doc.save_revision().publish()
    assert "（修订）" in client.get(library.url + "register/csv/").content.decode("utf-8-sig")
    assert len(calls) == 2
