"""What every search backend takes and returns, and how pages become
search documents. The page and its templates are the same whichever
backend serves (``GOVOPEN_SEARCH_BACKEND``)."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .. import docnumber
from ..conf import govopen_settings

KINDS = {
    "document": _("Normative documents"),
    "interpretation": _("Policy interpretations"),
    "item": _("Disclosure items"),
    "consultation": _("Consultations"),
    "guide": _("Disclosure guide"),
}
SORTS = ("relevance", "date")
MAX_QUERY_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LOOSE_NUMBER = re.compile(r"^\D{0,12}?((?:19|20)\d{2})\D{1,6}?(\d{1,4})\D{0,3}$")


@dataclass
class SearchQuery:
    text: str = ""
    kind: str = ""
    year: int | None = None
    issuer: str = ""
    category: str = ""
    validity: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    ignored: list[str] = field(default_factory=list)
    #: Pages that must not count at all (restricted since indexing): set at
    #: query time by the search page, honoured by every backend in the hits,
    #: the total and the facets.
    exclude_ids: frozenset[int] = frozenset()
    #: Only pages below this tree path (the current site's root): each site
    #: searches its own pages ("" searches every site).
    within_path: str = ""

    @property
    def number_key(self) -> str:
        """The document number the text is, in its normal form, or ""."""
        try:
            return str(docnumber.parse(self.text).number)
        except docnumber.DocumentNumberError:
            return ""

    @property
    def loose_number(self) -> tuple[int, int] | None:
        """(year, serial) for texts like "2018 85" or "〔2018〕85号"."""
        match = _LOOSE_NUMBER.match(self.text.strip())
        return (int(match.group(1)), int(match.group(2))) if match else None

    @property
    def filters(self) -> dict:
        return {k: v for k, v in (("kind", self.kind), ("year", self.year), ("issuer", self.issuer),
                                  ("category", self.category), ("validity", self.validity)) if v}


@dataclass
class Hit:
    page_id: int
    kind: str
    title_html: str
    snippet_html: str
    date: dt.date | None
    number: str = ""
    score: float = 0.0


@dataclass
class SearchResults:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]


def clean_text(value: str) -> str:
    """A query as typed: control characters out, length capped."""
    return _CONTROL.sub(" ", value or "").strip()[:MAX_QUERY_LENGTH]


def plain(value: str) -> str:
    return html.unescape(strip_tags(value or "")).strip()


def highlight(text: str, words: list[str], *, window: int | None = None) -> str:
    """Escaped ``text`` with ``words`` in <mark>; with ``window``, only the
    part around the first match (or the start)."""
    if window is not None:
        lowered = text.casefold()
        positions = [lowered.find(w) for w in words if w and lowered.find(w) >= 0]
        start = max(0, min(positions) - window // 3) if positions else 0
        piece = text[start : start + window]
        text = ("…" if start else "") + piece + ("…" if start + window < len(text) else "")
    escaped = html.escape(text)
    terms = sorted({html.escape(w) for w in words if w}, key=len, reverse=True)
    if not terms:
        return escaped
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)


def document_for(page) -> dict | None:
    """The search document of a live page, or None if it is not searched."""
    from ..models import (
        ConsultationPage,
        DisclosureGuidePage,
        DisclosureItemPage,
        InterpretationPage,
        NormativeDocumentPage,
    )

    page = page.specific
    doc = {"page_id": page.pk, "path": page.path, "title": page.title, "number": "", "number_key": "", "number_year": None,
           "number_serial": None, "issuers": [], "category": "", "validity": "", "summary": ""}
    if isinstance(page, NormativeDocumentPage):
        doc.update(kind="document", date=page.published_date, summary=page.summary,
                   body=plain(page.body), number=page.document_number, number_key=page.document_number,
                   number_year=page.number_year, number_serial=page.number_serial,
                   issuers=[i.name for i in page.issuers.all()],
                   category=page.category.name if page.category_id else "", validity=page.validity_on())
    elif isinstance(page, InterpretationPage):
        doc.update(kind="interpretation", body=plain(page.body),
                   date=timezone.localtime(page.first_published_at).date() if page.first_published_at else None)
    elif isinstance(page, DisclosureItemPage):
        doc.update(kind="item", date=page.generated_date, summary=page.summary, body=plain(page.body),
                   issuers=[page.issuing_unit] if page.issuing_unit else [],
                   category=page.subject_category.name if page.subject_category_id else "")
    elif isinstance(page, ConsultationPage):
        # Each section's heading before its text, as the reader sees them.
        body = " ".join((block.value.get("heading") or "") + " " + plain(str(block.value.get("text", "")))
                        for block in page.draft)
        doc.update(kind="consultation", date=timezone.localtime(page.opens_at).date(), summary=page.summary,
                   body=body + " " + plain(page.explanation), issuers=[page.responsible_unit])
    elif isinstance(page, DisclosureGuidePage):
        texts = [plain(str(getattr(page, f.name) or "")) for f in page._meta.get_fields()
                 if f.__class__.__name__ == "RichTextField"]
        doc.update(kind="guide", body=" ".join(texts),
                   date=timezone.localtime(page.last_published_at).date() if page.last_published_at else None)
    else:
        return None
    doc["year"] = doc["date"].year if doc.get("date") else None
    summary, body = doc.get("summary", "").strip(), doc.get("body", "").strip()
    text = body if summary in body else summary + "\n" + body
    doc["body"] = text.strip()[: govopen_settings.SEARCH_MAX_BODY_CHARS]
    return doc


def searchable_models():
    from ..models import (
        ConsultationPage,
        DisclosureGuidePage,
        DisclosureItemPage,
        InterpretationPage,
        NormativeDocumentPage,
    )

    return (NormativeDocumentPage, InterpretationPage, DisclosureItemPage, ConsultationPage, DisclosureGuidePage)


def get_backend():
    spec = govopen_settings.SEARCH_BACKEND
    return import_string(spec["CLASS"])(**spec.get("OPTIONS", {}))
