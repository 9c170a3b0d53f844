"""Word and PDF versions of normative documents, their hashes, and the
public verification of a file against everything ever published.

Generated files follow seed 002's format: title in 小二 (18 pt) 宋体 bold,
document number in 小四 (12 pt) 楷体, text in 小四 宋体, single line spacing.
Generation is deterministic (fixed zip timestamps and metadata), so the same
page content always gives the same SHA-256 and a republish without changes
does not create a new version.
"""

from __future__ import annotations

import hashlib
import io
import logging
from contextlib import contextmanager
import re
import zipfile

from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from .. import ratelimit
from ..conf import govopen_settings
from ..files import sha256_of
from ..models.documents import BINDING, NormativeDocumentPage, PublishedFile, Validity
from ..restrictions import private_q

logger = logging.getLogger(__name__)
BLOCK_TAGS = ("h2", "h3", "h4", "h5", "h6", "p", "li")
HASH_RE = re.compile(r"^[0-9a-f]{64}$")


def text_blocks(html: str) -> list[tuple[str, str]]:
    """(tag, text) for each block of a rich-text field, in order."""
    soup = BeautifulSoup(expand_db_html(html or ""), "html.parser")
    blocks = []
    for element in soup.find_all(BLOCK_TAGS):
        if element.find_parent(BLOCK_TAGS):
            continue
        text = element.get_text(" ", strip=True)
        if text:
            blocks.append((element.name, text))
    return blocks


def _issuer_names(page: NormativeDocumentPage) -> str:
    return "、".join(i.name for i in page.issuers.all())


def render_docx(page: NormativeDocumentPage) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()

    def run_font(run, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    def paragraph(text: str, font: str, size: float, *, bold=False, center=False, indent=True):
        para = document.add_paragraph()
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if center:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            para.paragraph_format.first_line_indent = Pt(size * 2)
        run_font(para.add_run(text), font, size, bold)
        return para

    paragraph(page.title, "宋体", 18, bold=True, center=True)
    paragraph(page.document_number, "楷体", 12, center=True)
    for tag, text in text_blocks(page.body):
        heading = tag.startswith("h")
        paragraph(text, "黑体" if heading else "宋体", 12, bold=heading, indent=not heading)
    paragraph(
        f"{_issuer_names(page)}　{page.written_date.isoformat()}", "宋体", 12, indent=False
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT

    stamp = timezone.make_aware(
        timezone.datetime.combine(page.published_date, timezone.datetime.min.time())
    )
    props = document.core_properties
    props.title = page.title
    props.subject = page.document_number
    props.author = _issuer_names(page)
    props.identifier = page.index_number
    props.created = props.modified = stamp
    props.last_modified_by = ""
    props.revision = 1

    raw = io.BytesIO()
    document.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and order, so equal content hashes equally."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename != "[Content_Types].xml"):
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def render_pdf(page: NormativeDocumentPage) -> bytes:
    import weasyprint

    with translation.override("zh-hans"):
        html = render_to_string(
            "govopen_wagtail/exports/document_pdf.html",
            {
                "page": page,
                "issuers": _issuer_names(page),
                "blocks": text_blocks(page.body),
                "font_family": govopen_settings.PDF_FONT_FAMILY,
            },
        )
    return weasyprint.HTML(string=html).write_pdf()


def _sources(page: NormativeDocumentPage, kinds=None):
    """(kind, label, source, filename, bytes) for every file the page publishes
    (only ``kinds``, if given), rendering only what is asked for."""
    base = page.document_number or page.slug
    items = []
    for kind, uploaded, render in (
        (PublishedFile.Kind.DOCX, page.uploaded_docx, render_docx),
        (PublishedFile.Kind.PDF, page.uploaded_pdf, render_pdf),
    ):
        if kinds and kind not in kinds:
            continue
        if uploaded is not None:
            with uploaded.open_file() as handle:
                items.append((kind, "", PublishedFile.Source.UPLOADED, f"{base}.{kind}", handle.read()))
        else:
            items.append((kind, "", PublishedFile.Source.GENERATED, f"{base}.{kind}", render(page)))
    attachments = [] if kinds and PublishedFile.Kind.ATTACHMENT not in kinds else page.attachments.select_related("document")
    for attachment in attachments:
        document = attachment.document
        with document.open_file() as handle:
            items.append(
                (
                    PublishedFile.Kind.ATTACHMENT,
                    attachment.title or document.title,
                    PublishedFile.Source.UPLOADED,
                    document.filename,
                    handle.read(),
                )
            )
    return items


def publish_files(page: NormativeDocumentPage, revision=None, kinds=None) -> list[PublishedFile]:
    """Store the page's current files; keep unchanged ones, supersede changed ones."""
    created = []
    now = timezone.now()
    sources = [item for item in _sources(page, kinds)]
    for kind, label, source, filename, data in sources:
        digest = sha256_of(data)
        with transaction.atomic():
            current = (
                PublishedFile.objects.select_for_update()
                .current()
                .filter(document=page, kind=kind, label=label)
                .first()
            )
            if current is not None and current.sha256 == digest:
                continue
            if current is not None:
                PublishedFile.objects.filter(pk=current.pk).update(superseded_at=now)
            published = PublishedFile(
                document=page, kind=kind, label=label, source=source, filename=filename,
                sha256=digest, size=len(data), revision=revision, created_at=now,
            )
            published.file.save(f"{digest[:16]}-{filename}", ContentFile(data), save=False)
            published.save()
            created.append(published)
    if not kinds:
        # Attachments removed from the page are no longer current.
        labels = {label for kind, label, *_rest in sources if kind == PublishedFile.Kind.ATTACHMENT}
        PublishedFile.objects.current().filter(
            document=page, kind=PublishedFile.Kind.ATTACHMENT
        ).exclude(label__in=labels).update(superseded_at=now)
    return created


def current_file(page: NormativeDocumentPage, kind: str) -> PublishedFile:
    """The current file of ``kind``, made now if missing. Raises
    :class:`FileUnavailable` (recorded for staff) when it cannot be made."""
    found = PublishedFile.objects.current().filter(document=page, kind=kind).first()
    if found is None:
        with recorded_generation(page, kind):
            publish_files(page, kinds={kind})
        found = PublishedFile.objects.current().get(document=page, kind=kind)
    return found


class FileUnavailable(Exception):
    """A Word/PDF version could not be made; the reason is recorded."""


@contextmanager
def recorded_generation(page: NormativeDocumentPage, kind: str = ""):
    """Run a generation; keep its failure where staff see it (the compliance
    report), and clear old failures when it works."""
    from ..models.documents import FileProblem

    try:
        yield
    except Exception as exc:
        logger.exception("Generating files of document %s failed", page.pk)
        FileProblem.objects.update_or_create(
            document=page, kind=kind or "all",
            defaults={"message": f"{type(exc).__name__}: {exc}"[:2000], "recorded_at": timezone.now()},
        )
        raise FileUnavailable(str(exc)) from exc
    FileProblem.objects.filter(document=page).filter(kind__in=[kind or "all", "all"]).delete()


def find_by_hash(digest: str, within=None):
    """Published files with this SHA-256, newest first (under ``within``, a page).
    Documents behind a password, login or group restriction are never named."""
    public = NormativeDocumentPage.objects.live().exclude(private_q()).values("pk")
    found = PublishedFile.objects.filter(sha256=digest, document_id__in=public)
    if within is not None:
        found = found.filter(document__path__startswith=within.path)
    return found.select_related("document").order_by("-created_at")


def normalise_hash(text: str) -> str | None:
    cleaned = re.sub(r"[\s:-]", "", text or "").lower()
    return cleaned if HASH_RE.match(cleaned) else None


def verify_request(library, request) -> dict:
    """Context for the verification page; handles GET and POST."""
    context = {"errors": [], "matches": None, "checked_hash": ""}
    if request.method != "POST":
        return context
    limit = ratelimit.check_request(request, "verify")
    if not limit.allowed:
        context["errors"].append(
            _("Too many checks from your connection. Please try again in %(minutes)d minutes.")
            % {"minutes": max(1, limit.retry_after // 60)}
        )
        context["status"] = 429
        return context
    upload = request.FILES.get("file")
    pasted = (request.POST.get("sha256") or "").strip()
    max_bytes = govopen_settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload is not None:
        if upload.size > max_bytes:
            context["errors"].append(
                _("The file is larger than %(limit)d MB, so it cannot be a published file.")
                % {"limit": govopen_settings.MAX_UPLOAD_MB}
            )
            return context
        hasher = hashlib.sha256()
        for chunk in upload.chunks():
            hasher.update(chunk)
        digest = hasher.hexdigest()
    elif pasted:
        digest = normalise_hash(pasted)
        if digest is None:
            context["errors"].append(
                _("A SHA-256 value has 64 characters, 0–9 and a–f; please check what you pasted.")
            )
            return context
    else:
        context["errors"].append(_("Choose a file or paste a SHA-256 value."))
        return context
    context["checked_hash"] = digest
    matches = list(find_by_hash(digest, within=library))
    # A file is only as good as its document: say whether that is in force today.
    states = dict(
        NormativeDocumentPage.objects.filter(pk__in=[m.document_id for m in matches])
        .with_validity().values_list("pk", "validity")
    )
    for match in matches:
        match.document_validity = states.get(match.document_id, "")
        match.document_binding = match.document_validity in BINDING
        match.document_validity_label = Validity(match.document_validity).label if match.document_validity else ""
    context["matches"] = matches
    return context


__all__ = [
    "current_file",
    "find_by_hash",
    "normalise_hash",
    "publish_files",
    "render_docx",
    "render_pdf",
    "text_blocks",
    "verify_request",
]
