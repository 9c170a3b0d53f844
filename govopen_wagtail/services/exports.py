"""Exports of the normative-document library: the register of documents in
force (CSV, XLSX, PDF) and the compiled collection (汇编, PDF and DOCX with a
table of contents).

Spreadsheet cells are escaped against formula injection (:func:`safe_cell`):
a value starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return, also
behind invisible characters, or any part of it that a spreadsheet reading
``;``, ``|`` or tab as the separator would make a cell of, gets a ``'``, so a
title like ``=HYPERLINK(...)`` is shown as text and never executed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _, pgettext

from ..conf import govopen_settings
from ..models.documents import NormativeDocumentPage, Validity
from .files import _normalise_zip, text_blocks

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Characters a spreadsheet may split a CSV line on, whatever the file says
#: (Excel in many locales uses ";"; "|" and tab are common too).
SEPARATORS = ",;\t|"
#: Invisible characters a formula may hide behind.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00a0\u3000 "
_PIECE_START = re.compile(r"([%s])([%s]*)(?=[=+\-@])" % (re.escape(SEPARATORS), re.escape(_INVISIBLE)))
#: Longest text a spreadsheet cell holds (Excel's limit); longer is cut.
MAX_CELL_CHARS = 32767
#: Largest collection generated within a request; filter further for more.
MAX_COLLECTION_DOCUMENTS = 300


def safe_cell(value) -> str:
    """A value that no spreadsheet will run as a formula, whichever separator
    it splits the line on. Blanks stay blank; a lone "-" is text already."""
    text = "" if value is None else str(value)
    if not text or text == "-":
        return text
    # Every piece a ";"- or "|"-reading spreadsheet could make a cell of.
    text = _PIECE_START.sub(lambda m: m.group(1) + m.group(2) + "'", text[:MAX_CELL_CHARS])
    if text.lstrip(_INVISIBLE).startswith(FORMULA_PREFIXES):
        text = "'" + text
    return text


@dataclass(frozen=True)
class Column:
    key: str
    label: str


def register_columns() -> list[Column]:
    return [
        Column("number", _("No.")),
        Column("document_number", _("Document number")),
        Column("title", _("Title")),
        Column("issuers", _("Issuing bodies")),
        Column("written_date", _("Written date")),
        Column("published_date", _("Publication date")),
        Column("effective_date", _("Effective date")),
        Column("end_of_validity", _("Valid until")),
        Column("validity", _("Validity")),
        Column("index_number", _("Index number")),
        Column("url", pgettext("web address", "Address")),
    ]


def register_rows(documents, request=None, start: int = 1) -> list[dict]:
    rows = []
    for n, doc in enumerate(documents, start=start):
        end = getattr(doc, "end_of_validity", None) or doc.validity_end
        rows.append(
            {
                "number": n,
                "document_number": doc.document_number,
                "title": doc.title,
                "issuers": "、".join(i.name for i in doc.issuers.all()),
                "written_date": doc.written_date.isoformat(),
                "published_date": doc.published_date.isoformat(),
                "effective_date": doc.effective_date.isoformat(),
                "end_of_validity": end.isoformat() if end else "",
                "validity": str(Validity(doc.validity).label),
                "index_number": doc.index_number,
                "url": doc.absolute_url(request),
            }
        )
    return rows


def to_csv(rows: list[dict], columns: list[Column]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label for c in columns])
    for row in rows:
        writer.writerow([safe_cell(row[c.key]) for c in columns])
    # The BOM makes Excel on Windows read the Chinese correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict], columns: list[Column], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([c.label for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(row[c.key]) for c in columns])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.data_type = "s"  # never a formula, whatever the text
    widths = {"title": 48, "document_number": 22, "issuers": 28, "url": 50, "index_number": 32}
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = widths.get(column.key, 14)
    sheet.freeze_panes = "A2"
    workbook.properties.creator = "govopen-wagtail"
    workbook.properties.created = workbook.properties.modified = dt.datetime(2000, 1, 1)
    out = io.BytesIO()
    workbook.save(out)
    return _normalise_zip(out.getvalue())


def _pdf(template: str, context: dict) -> bytes:
    import weasyprint

    with translation.override(translation.get_language() or "zh-hans"):
        html = render_to_string(template, {**context, "font_family": govopen_settings.PDF_FONT_FAMILY})
    return weasyprint.HTML(string=html).write_pdf()


def register_pdf(rows: list[dict], columns: list[Column], title: str, as_of: dt.date) -> bytes:
    return _pdf(
        "govopen_wagtail/exports/register_pdf.html",
        {"rows": rows, "columns": columns, "title": title, "as_of": as_of},
    )


def collection_pdf(documents: list[NormativeDocumentPage], title: str, as_of: dt.date) -> bytes:
    entries = [{"doc": d, "anchor": f"doc-{d.pk}", "blocks": text_blocks(d.body)} for d in documents]
    return _pdf(
        "govopen_wagtail/exports/collection_pdf.html",
        {"entries": entries, "title": title, "as_of": as_of},
    )


def collection_docx(documents: list[NormativeDocumentPage], title: str, as_of: dt.date) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()

    def styled(paragraph, font: str, size: float, bold: bool = False):
        for run in paragraph.runs:
            run.font.name = font
            run.font.size = Pt(size)
            run.font.bold = bold
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        return paragraph

    heading = document.add_paragraph(title)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styled(heading, "宋体", 22, True)
    sub = document.add_paragraph(_("Documents in force as of %(date)s") % {"date": as_of.isoformat()})
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styled(sub, "楷体", 12)

    # A real Word table of contents field: Word fills in page numbers when
    # the reader updates fields (F9); the list below it works everywhere.
    toc_title = styled(document.add_paragraph(_("Contents")), "黑体", 16, True)
    toc_title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = document.add_paragraph()
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-1" \\h \\z \\u'
    end.set(qn("w:fldCharType"), "end")
    run = field.add_run()
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)
    for n, doc in enumerate(documents, start=1):
        styled(document.add_paragraph(f"{n}. {doc.title}（{doc.document_number}）"), "宋体", 12)

    for doc in documents:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        title_para = document.add_heading(doc.title, level=1)
        title_para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styled(title_para, "宋体", 18, True)
        number = document.add_paragraph(doc.document_number)
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styled(number, "楷体", 12)
        for tag, text in text_blocks(doc.body):
            para = document.add_paragraph(text)
            if not tag.startswith("h"):
                para.paragraph_format.first_line_indent = Pt(24)
            styled(para, "黑体" if tag.startswith("h") else "宋体", 12, tag.startswith("h"))

    props = document.core_properties
    props.title = title
    props.created = props.modified = dt.datetime(as_of.year, as_of.month, as_of.day)
    props.last_modified_by = ""
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    return _normalise_zip(out.getvalue())
