"""govopen_wagtail.privacy_files: personal data in attachments of every format."""

import io

import docx
import pytest
from openpyxl import Workbook
from pypdf import PdfWriter

from govopen_wagtail import privacy_files

VALID_ID = "11010519491231002X"


def docx_file(paragraphs=(), table=None):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    out.seek(0)
    return out


def xlsx_file(rows, title="名单"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def pdf_file(html):
    from weasyprint import HTML

    return io.BytesIO(HTML(string=html).write_pdf())


def summary(result):
    return [(loc, f.kind) for loc, f in result.findings]


def test_word_paragraphs_and_tables():
    f = docx_file(
        ["2026年学生资助名单公示", "联系人电话13800138000"],
        [["姓名", "身份证号"], ["张三", VALID_ID]],
    )
    result = privacy_files.screen_file(f, "名单.docx")
    assert summary(result) == [
        ({"paragraph": 2}, "mobile"),
        ({"table": 1, "row": 2, "column": 2}, "id_number"),
        ({"table": 1, "column": 2}, "id_number"),
    ]
    assert result.not_checkable is None and not result.clean


def test_word_merged_cells_are_read_once():
    document = docx.Document()
    t = document.add_table(rows=2, cols=3)
    t.cell(0, 0).text = "姓名"
    t.cell(0, 1).text = "家庭住址"
    t.cell(1, 0).text = "张三"
    t.cell(1, 1).merge(t.cell(1, 2)).text = "东湖路12号3栋502室"
    out = io.BytesIO()
    document.save(out)
    out.seek(0)
    result = privacy_files.screen_file(out, "a.docx")
    assert [loc for loc, f in result.findings if f.kind == "address"] == [
        {"table": 1, "row": 2, "column": 2},
        {"table": 1, "column": 2},
    ]


def test_excel_cells_are_named_like_excel():
    f = xlsx_file([["序号", "姓名", "身份证号码"], [1, "张三", VALID_ID], [2, "李四", None]])
    result = privacy_files.screen_file(f, "grants.xlsx")
    assert summary(result) == [
        ({"sheet": "名单", "cell": "C2"}, "id_number"),
        ({"sheet": "名单", "column": "C"}, "id_number"),
    ]


def test_csv_in_gb18030_as_excel_saves_it():
    data = "姓名,联系电话\r\n张三,13800138000\r\n".encode("gb18030")
    result = privacy_files.screen_file(io.BytesIO(data), "list.csv")
    assert summary(result) == [({"cell": "B2"}, "mobile"), ({"column": "B"}, "mobile")]


def test_plain_text_lines():
    data = "第一行\n身份证号 11010519491231002X\n".encode()
    result = privacy_files.screen_file(io.BytesIO(data), "a.txt")
    assert summary(result) == [({"line": 2}, "id_number")]


def test_pdf_text_layer_by_page():
    html = "<p>第一页</p><p style='page-break-before: always'>家长手机13800138000</p>"
    result = privacy_files.screen_file(pdf_file(html), "a.pdf")
    assert summary(result) == [({"page": 2}, "mobile")]


def test_a_scanned_pdf_is_not_checkable_never_clean():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    out.seek(0)
    result = privacy_files.screen_file(out, "scan.pdf")
    assert result.not_checkable == "no_text" and not result.clean


def test_encrypted_pdf_is_not_checkable():
    writer = PdfWriter(clone_from=pdf_file("<p>内容</p>"))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    out.seek(0)
    assert privacy_files.screen_file(out, "secret.pdf").not_checkable == "encrypted"


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("a.docx", b"not a zip", "damaged"),
        ("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "encrypted"),
        ("a.pdf", b"%PDF-1.4 broken", "damaged"),
        ("photo.jpg", b"\xff\xd8\xff", "format"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "format"),
    ],
)
def test_unreadable_files_say_why(name, data, reason):
    result = privacy_files.screen_file(io.BytesIO(data), name)
    assert result.not_checkable == reason and not result.clean


def test_a_clean_file_is_clean():
    result = privacy_files.screen_file(docx_file(["泉州市教育局2026年政务公开工作要点"]), "plan.docx")
    assert result.clean


def test_cell_names():
    assert [privacy_files.cell_name(0, c) for c in (0, 25, 26, 27, 701, 702)] == [
        "A1", "Z1", "AA1", "AB1", "ZZ1", "AAA1"
    ]


def test_a_scanned_page_among_text_pages_is_unread_a_blank_one_is_not():
    import base64

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(out, "PNG")  # a "scan": an image, no text
    png = base64.b64encode(out.getvalue()).decode()
    html = ("<p>第一页正文内容</p>"
            f"<div style='page-break-before: always'><img src='data:image/png;base64,{png}' width=400></div>"
            "<div style='page-break-before: always'></div><p>第三页正文内容</p>")
    result = privacy_files.screen_file(pdf_file(html), "mixed.pdf")
    assert result.unread == [{"page": 2}] and result.not_checkable is None and not result.clean
