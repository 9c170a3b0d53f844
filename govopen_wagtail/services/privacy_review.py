"""The screening behind the pre-publication review (信息网上发布保密审查):
what a page's latest revision and the files it links to would publish.

Used by the review workflow task (:class:`govopen_wagtail.models.PrivacyReviewTask`),
its approval form, and the editor's publish check. Findings that staff have
already judged (not personal data, or lawful to publish, in the screening
report or in an earlier review) do not block again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .. import privacy, privacy_files
from . import privacy_audit

__all__ = ["ReviewItem", "ReviewResult", "review_page", "linked_document_ids", "accept"]

_DOCUMENT_LINK = re.compile(r"<a\b[^>]*>", re.I)
_DOCUMENT_ID = re.compile(r"""\bid=\\?["'](\d+)\\?["']""")


@dataclass
class ReviewItem:
    source: str  # the page's title or the file's name
    where: str
    kind: str
    masked: str
    confidence: str
    fingerprint: str
    page_id: int | None = None
    document_id: int | None = None
    table_column: bool = False
    judged: str = ""  # the status staff gave it, if any

    @property
    def blocking(self) -> bool:
        return self.confidence == privacy.HIGH and not self.judged

    @property
    def kind_label(self) -> str:
        return _kind_label(self.kind)

    def as_record(self) -> dict:
        return {"source": self.source, "where": self.where, "kind": self.kind, "masked": self.masked,
                "confidence": self.confidence, "judged": self.judged, "column": self.table_column}


@dataclass
class ReviewResult:
    items: list[ReviewItem] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)

    @property
    def blocking(self) -> list[ReviewItem]:
        return [i for i in self.items if i.blocking]


def linked_document_ids(page) -> list[int]:
    """Files a page (as in a revision) links to: its attachments and the
    documents linked from its rich text and blocks."""
    from ..models.mixins import AttachmentBase

    ids: list[int] = []
    for relation in page._meta.related_objects:
        if isinstance(relation.related_model, type) and issubclass(relation.related_model, AttachmentBase):
            ids += [a.document_id for a in getattr(page, relation.get_accessor_name()).all() if a.document_id]
    for name, value in ((f.name, f.value_from_object(page)) for f in page._meta.concrete_fields):
        text = value if isinstance(value, str) else (
            json.dumps(value.get_prep_value(), ensure_ascii=False) if hasattr(value, "get_prep_value") else "")
        if "document" not in text:
            continue
        for tag in _DOCUMENT_LINK.findall(text):
            if "document" in tag and (m := _DOCUMENT_ID.search(tag)):
                ids.append(int(m.group(1)))
    return list(dict.fromkeys(ids))


def review_page(page, site=None) -> ReviewResult:
    """Screen ``page`` (any revision's object) and every file it links to."""
    from wagtail.documents import get_document_model

    from ..models import PrivacyFinding

    site = site or page.get_site()
    allow = privacy_audit.allow_for_site(site)
    result = ReviewResult()
    decided = PrivacyFinding.Status.FALSE_POSITIVE, PrivacyFinding.Status.LAWFUL

    page_found = privacy_audit.screen_page(page, allow)
    judged = dict(PrivacyFinding.objects.filter(page_id=page.pk, status__in=decided).values_list(
        "fingerprint", "status")) if page.pk else {}
    for location, finding in page_found:
        result.items.append(_item(page.title, location, finding, judged, page_id=page.pk,
                                  label=_field_label(type(page), location.get("field"))))

    Document = get_document_model()
    for document in Document.objects.filter(pk__in=linked_document_ids(page)).order_by("pk"):
        try:
            with document.open_file() as fh:
                screened = privacy_files.screen_file(fh, document.filename, allow)
        except OSError:
            result.unreadable.append((document.title, "missing"))
            continue
        if screened.not_checkable or screened.unread:
            result.unreadable.append((document.title, screened.not_checkable or "no_text"))
        judged = dict(PrivacyFinding.objects.filter(document=document, status__in=decided).values_list(
            "fingerprint", "status"))
        for location, finding in screened.findings:
            result.items.append(_item(document.title, location, finding, judged, document_id=document.pk))
    return result


def _field_label(model, name: str | None) -> str | None:
    if not name:
        return None
    try:
        return f"“{model._meta.get_field(name).verbose_name}”"
    except Exception:  # a field since removed
        return None


def _item(source, location, finding, judged, label=None, **target) -> ReviewItem:
    table = isinstance(finding, privacy.TableFinding)
    fingerprint = privacy_audit.fingerprint(finding, location)
    shown = {**location, "field": label} if label else location
    return ReviewItem(
        source=source, where=privacy_audit.describe_location(shown), kind=finding.kind,
        masked=finding.masked, confidence=finding.confidence, fingerprint=fingerprint, table_column=table,
        judged=judged.get(fingerprint, ""), **target,
    )


def accept(result: ReviewResult, *, site, justification: str, user) -> int:
    """A reviewer published what was found with a justification: record each
    blocking finding as lawful, so neither the audit nor a later review asks
    again. Returns how many."""
    from django.utils import timezone

    from ..models import PrivacyFinding

    now = timezone.now()
    count = 0
    for item in result.blocking:
        target = {"page_id": item.page_id} if item.page_id else {"document_id": item.document_id}
        PrivacyFinding.objects.update_or_create(
            fingerprint=item.fingerprint, **target,
            defaults={"site": site, "source_label": item.source[:255], "kind": item.kind,
                      "table_column": item.table_column, "confidence": item.confidence,
                      "masked": item.masked[:255], "status": PrivacyFinding.Status.LAWFUL,
                      "reason": justification, "reviewed_by": user, "reviewed_at": now},
        )
        count += 1
    return count


def _under_review(task_state):
    """The page (its latest revision, which the workflow publishes) and site."""
    obj = task_state.workflow_state.content_object
    revision = obj.get_latest_revision()
    page = revision.as_object() if revision else obj
    return page, revision, obj.get_site()


def review_task_state(task_state_id: int) -> ReviewResult | None:
    from wagtail.models import TaskState

    task_state = TaskState.objects.filter(pk=task_state_id, status=TaskState.STATUS_IN_PROGRESS).first()
    if task_state is None:
        return None
    page, _revision, site = _under_review(task_state)
    return review_page(page, site)


def approve(task_state, user, *, review_of=None, confirmed=False, reviewer_name="", justification="",
            comment="", **_ignored):
    """Approve after the review: screen again what will be published (the
    form may have been filled in before an edit), keep the record, approve."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext

    from ..models import PrivacyReviewRecord

    if review_of != task_state.pk or not confirmed or not (reviewer_name or "").strip():
        raise PermissionDenied(gettext("The confidentiality review was not confirmed: not approved."))
    page, revision, site = _under_review(task_state)
    result = review_page(page, site)
    justification = (justification or "").strip()
    if result.blocking and not justification:
        raise PermissionDenied(gettext(
            "The page now shows personal data of high confidence: not approved. Open the review again."))
    if result.blocking:
        accept(result, site=site, justification=justification, user=user)
    PrivacyReviewRecord.objects.create(
        site=site, page_id=page.pk, revision=revision, task_state=task_state, title=page.title[:255],
        url=(page.get_url() or "")[:500] if page.pk else "", reviewer_name=reviewer_name.strip()[:100], user=user,
        confirmed=True, justification=justification, comment=comment or "",
        findings=[i.as_record() for i in result.items],
        unreadable=[{"source": s, "reason": r} for s, r in result.unreadable],
    )
    task_state.approve(user=user, comment=comment or "")
    return None


def review_form_docx(record) -> bytes:
    """The 信息发布审查单 of one review record, as a Word table."""
    import io

    import docx
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from ..forms_privacy import CONFIRMATION
    from ..models import OrganisationProfile

    profile = OrganisationProfile.objects.filter(site_id=record.site_id).first()
    if record.findings:
        found = "\n".join(
            f"{f['source']} · {f['where']} · {_kind_label(f['kind'])} {f['masked']}"
            + (f" ({_('judged earlier')})" if f.get("judged") else "")
            for f in record.findings
        )
    else:
        found = _("No personal data found in the page or its files.")
    if record.unreadable:
        found += "\n" + _("Not checkable, checked by eye: %(files)s") % {
            "files": "、".join(u["source"] for u in record.unreadable)}
    revision = ""
    if record.revision_id:
        revision = f"#{record.revision_id}"
    rows = [
        (_("Title"), record.title),
        (_("Web address"), record.url),
        (_("Organisation"), profile.name if profile else ""),
        (_("Revision"), revision),
        (_("Privacy screening"), found),
        (_("What was reviewed"), str(CONFIRMATION)),
        (_("Justification"), record.justification or "—"),
        (_("Comment"), record.comment or "—"),
        (_("Reviewer"), record.reviewer_name + (f"（{record.user.get_username()}）" if record.user else "")),
        (_("Reviewed at"), timezone.localtime(record.reviewed_at).strftime("%Y-%m-%d %H:%M")),
    ]
    document = docx.Document()
    document.add_heading(_("Information publication review form"), level=1)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    document.core_properties.author = "govopen-wagtail"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _kind_label(kind: str) -> str:
    from ..models.privacy import Kind

    return str(Kind(kind).label) if kind in Kind.values else kind
