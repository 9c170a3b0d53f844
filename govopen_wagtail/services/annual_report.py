"""Compute the annual report's figures from the records of one site.

Table 三 is one pass over the site's applications: an application counts as
new in the year it was received, as concluded in the year of its reply (or,
withdrawn or abandoned, of its closing), and is carried over while it is
neither. Table 四 counts the review and lawsuit results recorded on the
applications concluded in the year. Table 二 counts normative documents with
the validity ledger. Every computed cell keeps the records behind it, for
staff to follow.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Coalesce

from .. import annual_report as report
from ..models.applications import InformationApplication
from ..models.documents import NormativeDocumentPage, ValidityState

App = InformationApplication


@dataclass
class Computed:
    figures: dict[str, int] = field(default_factory=dict)
    #: cell → ids of the applications or documents behind it
    sources: dict[str, list[int]] = field(default_factory=dict)
    #: documents that expired or came into effect: explains 现行有效
    documents_note: str = ""


def _site_q(site, prefix: str = "") -> Q:
    return Q(**{f"{prefix}path__startswith": site.root_page.path})


def compute(site, year: int) -> Computed:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    result = Computed()
    figures, sources = defaultdict(int), defaultdict(list)

    applications = (
        App.objects.filter(_site_q(site, "page__"))
        .annotate(concluded_on=Coalesce("replied_on", "closed_on"))
        .filter(received_on__lte=end)
        .filter(Q(concluded_on__isnull=True) | Q(concluded_on__gte=start))
        .only("pk", "applicant_type", "received_on", "replied_on", "closed_on", "outcome", "state",
              "review_result", "litigation", "litigation_result")
    )
    for application in applications:
        column = application.applicant_type
        concluded = application.concluded_on
        cells = []
        if application.received_on >= start:
            cells.append("new")
        else:
            cells.append("carried_in")
        if concluded is not None and concluded <= end:
            outcome = application.outcome or ("other_3" if application.state in ("withdrawn", "abandoned") else "")
            if outcome:
                cells += [outcome, "total"]
                if application.review_result:
                    t4_cells = [("review", application.review_result)]
                else:
                    t4_cells = []
                if application.litigation and application.litigation_result:
                    t4_cells.append((application.litigation, application.litigation_result))
                for row, col in t4_cells:
                    for key in (report.t4(row, col), report.t4(row, "total")):
                        figures[key] += 1
                        sources[key].append(application.pk)
            else:
                cells.append("carried_out")
        else:
            cells.append("carried_out")
        for row in cells:
            for key in (report.t3(row, column), report.t3(row, "total")):
                figures[key] += 1
                sources[key].append(application.pk)

    for row, _n, _l in report.T3_ROWS:
        for column, _l in report.T3_COLUMNS:
            figures.setdefault(report.t3(row, column), 0)
    for row, _l in report.T4_ROWS:
        for column, _l in report.T4_COLUMNS:
            figures.setdefault(report.t4(row, column), 0)

    documents = NormativeDocumentPage.objects.live().filter(_site_q(site))
    issued = list(documents.filter(written_date__range=(start, end)).values_list("pk", flat=True))
    repealed = list(
        ValidityState.objects.filter(document__in=documents, repealed_on__range=(start, end))
        .values_list("document_id", flat=True)
    )
    in_force = list(documents.in_force(end).values_list("pk", flat=True))
    figures["t2.normative.issued"], sources["t2.normative.issued"] = len(issued), issued
    figures["t2.normative.repealed"], sources["t2.normative.repealed"] = len(repealed), repealed
    figures["t2.normative.in_force"], sources["t2.normative.in_force"] = len(in_force), in_force
    expired = ValidityState.objects.filter(document__in=documents, expired_on__range=(start, end)).exclude(
        document_id__in=repealed).count()
    expired += documents.filter(validity_end__range=(start, end)).exclude(pk__in=repealed).exclude(
        validity_state__expired_on__range=(start, end)).count()
    pending = documents.filter(written_date__range=(start, end), effective_date__gt=end).count()
    notes = []
    if expired:
        notes.append(f"本年失效{expired}件")
    if pending:
        notes.append(f"本年制发尚未施行{pending}件")
    result.documents_note = "，".join(notes)
    result.figures = dict(figures)
    result.sources = dict(sources)
    return result


def diff(old: dict, new: dict) -> list[tuple[str, object, object]]:
    """Cells whose figure changed: (cell label, old, new)."""
    changed = []
    for key in report.all_cells():
        if key in new and str(old.get(key, "")) != str(new.get(key, "")):
            changed.append((report.cell_label(key), old.get(key, ""), new.get(key, "")))
    return changed


def generate_draft(page, user=None):
    """Fill the computed figures into a new draft revision of ``page``.

    Returns the cells whose figure changed. The live report (if any) keeps
    its figures until the draft is published.
    """
    from django.utils import timezone

    latest = page.get_latest_revision_as_object() if page.pk else page
    before = latest.values()
    computed = compute(page.get_site(), latest.year)
    latest.figures = computed.figures
    latest.documents_note = latest.documents_note or computed.documents_note
    latest.generated_at = timezone.now()
    after = latest.values()
    latest.save_revision(user=user, log_action=True, changed=True)
    return diff(before, after)


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def render_docx(page) -> bytes:
    import io

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from .files import _normalise_zip, text_blocks

    document = docx.Document()

    def font(run, name, size, bold=False):
        run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    def para(text, name="仿宋", size=16, bold=False, center=False, indent=True):
        paragraph = document.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        font(paragraph.add_run(text), name, size, bold)

    def table(header, rows):
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header):
            cell.text = str(text)
        for row in rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = "" if text is None else str(text)
        for row in grid.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        font(run, "宋体", 9)

    para(page.title, "宋体", 18, bold=True, center=True)
    para("一、总体情况", "黑体", 16, indent=False)
    for _tag, text in text_blocks(page.overview):
        para(text)
    para("二、主动公开政府信息情况", "黑体", 16, indent=False)
    table(["项目", "数量"], [(str(label), value) for _key, label, value in page.table2()])
    para("三、收到和处理政府信息公开申请情况", "黑体", 16, indent=False)
    columns = [str(label) for _c, label in report.T3_COLUMNS]
    rows = []
    for row in page.table3():
        if row.get("header"):
            rows.append([f"{row['number']} {row['label']}"] + [""] * len(columns))
        else:
            rows.append([f"{row['number']} {row['label']}"] + [value for _k, value in row["cells"]])
    table(["", *columns], rows)
    para("四、政府信息公开行政复议、行政诉讼情况", "黑体", 16, indent=False)
    table(["", *[str(label) for _c, label in report.T4_COLUMNS]],
          [[str(row["label"]), *[v for _k, v in row["cells"]]] for row in page.table4()])
    para("五、存在的主要问题及改进情况", "黑体", 16, indent=False)
    for _tag, text in text_blocks(page.problems):
        para(text)
    para("六、其他需要报告的事项", "黑体", 16, indent=False)
    for _tag, text in text_blocks(page.other_matters):
        para(text)
    props = document.core_properties
    props.title, props.identifier, props.author, props.last_modified_by = page.title, page.index_number or "", "", ""
    props.revision = 1
    props.created = props.modified = dt.datetime(page.year + 1, 1, 1)
    raw = io.BytesIO()
    document.save(raw)
    return _normalise_zip(raw.getvalue())


def render_pdf(page) -> bytes:
    import weasyprint
    from django.template.loader import render_to_string
    from django.utils import translation

    from ..conf import govopen_settings
    from .files import text_blocks

    with translation.override("zh-hans"):
        html = render_to_string("govopen_wagtail/exports/annual_report_pdf.html", {
            "page": page, "overview": text_blocks(page.overview), "problems": text_blocks(page.problems),
            "other": text_blocks(page.other_matters), "table2": page.table2(), "table3": page.table3(),
            "table4": page.table4(), "t3_columns": report.T3_COLUMNS, "t4_columns": report.T4_COLUMNS,
            "font_family": govopen_settings.PDF_FONT_FAMILY,
        })
    return weasyprint.HTML(string=html).write_pdf()


def publish_files(page) -> list:
    """Word and PDF of the live revision, made once and kept with their SHA-256."""
    from ..files import sha256_of
    from ..models.reports import AnnualReportFile

    made = []
    for kind, render in (("docx", render_docx), ("pdf", render_pdf)):
        if AnnualReportFile.objects.filter(page=page, revision_id=page.live_revision_id, kind=kind).exists():
            continue
        data = render(page)
        made.append(AnnualReportFile.objects.create(page=page, revision_id=page.live_revision_id, kind=kind,
                                                    content=data, sha256=sha256_of(data)))
    return made
