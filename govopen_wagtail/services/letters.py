"""Letters of disclosure on application as Word (python-docx) and PDF
(WeasyPrint), in the layout of official letters: title in 小二 宋体 bold,
number centred in 楷体, text in 三号 仿宋 with two-character indents, the
issuing body and date on the right.

A letter is made from the site's template for its kind (or the built-in
wording), filled from the case; the text as sent, both files and their
SHA-256 are kept with the case.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import translation

from .. import application_rules as rules
from ..calendar import get_calendar
from ..conf import govopen_settings
from ..files import sha256_of
from ..letters import DEFAULT_TEMPLATES, fill
from ..models.applications import ApplicationLetter, LetterKind, LetterTemplate, local_today
from ..models.platform import OrganisationProfile
from .files import _normalise_zip


def _cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def template_for(site, kind: str) -> tuple[str, str]:
    custom = LetterTemplate.objects.filter(site=site, kind=kind).first()
    if custom is not None:
        return custom.title, custom.body
    default = DEFAULT_TEMPLATES[kind]
    return default.title, default.body


def letter_values(application, kind: str, today=None) -> dict[str, str]:
    today = today or local_today()
    site = application.page.get_site()
    profile = OrganisationProfile.for_site(site)
    clock = application.clock(today)
    info = application.outcome_info()
    pause = application.pauses.order_by("-started_on").first()
    values = {
        "organisation": profile.name or site.site_name or "",
        "applicant": application.name,
        "receipt_number": application.receipt_number,
        "received_on": _cn_date(application.received_on),
        "description": application.description,
        "article": info.article if info else "",
        "outcome": str(info.label) if info else "",
        "reason": application.outcome_reason if kind == LetterKind.REPLY else application.extension_reason,
        "due_on": _cn_date(clock.due),
        "correction_items": application.correction_items,
        "correction_due": _cn_date(application.correction_due),
        "extension_days": str(application.extension_days or ""),
        "extended_due": _cn_date(clock.due) if application.extension_days else "",
        "approver": application.extension_approver,
        "party": pause.party if pause else "",
        "opinion_due": _cn_date(
            get_calendar().add_working_days(pause.started_on, rules.THIRD_PARTY_WORKING_DAYS).date
        ) if pause else "",
        "letter_number": application.reply_number if kind == LetterKind.REPLY else "",
        "date": _cn_date(today),
    }
    return values


def render_docx(title: str, number: str, text: str) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()

    def add(line: str, font: str, size: float, *, bold=False, align=None, indent=True):
        para = document.add_paragraph()
        if align is not None:
            para.alignment = align
        elif indent:
            para.paragraph_format.first_line_indent = Pt(size * 2)
        run = para.add_run(line)
        run.font.name, run.font.size, run.font.bold = font, Pt(size), bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    add(title, "宋体", 18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if number:
        add(number, "楷体", 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    lines = [line for line in text.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if i == 0:
            add(line, "仿宋", 16, indent=False)
        elif i >= len(lines) - 2:
            add(line, "仿宋", 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
        else:
            add(line, "仿宋", 16)
    props = document.core_properties
    props.title, props.subject, props.author, props.last_modified_by = title, number, "", ""
    props.revision = 1
    import datetime as dt

    props.created = props.modified = dt.datetime(2000, 1, 1)
    raw = io.BytesIO()
    document.save(raw)
    return _normalise_zip(raw.getvalue())


def render_pdf(title: str, number: str, text: str) -> bytes:
    import weasyprint

    lines = [line for line in text.splitlines() if line.strip()]
    with translation.override("zh-hans"):
        html = render_to_string(
            "govopen_wagtail/exports/application_letter_pdf.html",
            {
                "title": title, "number": number, "salutation": lines[:1], "body": lines[1:-2],
                "signature": lines[-2:] if len(lines) > 2 else [],
                "font_family": govopen_settings.PDF_FONT_FAMILY,
            },
        )
    return weasyprint.HTML(string=html).write_pdf()


def make_letter(application, kind: str, *, user=None, sent_on=None, text: str | None = None) -> ApplicationLetter:
    """Generate, keep and return the letter of ``kind`` for ``application``.

    ``text`` (the handler's final wording, edited from the filled template)
    replaces the filled template when given.
    """
    title, body = template_for(application.page.get_site(), kind)
    if text is None:
        text = fill(body, letter_values(application, kind))
    number = application.reply_number if kind == LetterKind.REPLY else ""
    docx_bytes = render_docx(title, number, text)
    pdf_bytes = render_pdf(title, number, text)
    return ApplicationLetter.objects.create(
        application=application, kind=kind, number=number, title=title, text=text,
        docx=docx_bytes, pdf=pdf_bytes, docx_sha256=sha256_of(docx_bytes), pdf_sha256=sha256_of(pdf_bytes),
        created_by=user, sent_on=sent_on,
    )
