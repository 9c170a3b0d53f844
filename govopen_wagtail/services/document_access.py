"""Who may download a Wagtail document that a disclosure page uses.

A file attached to a page (or uploaded as a normative document's Word/PDF)
is public only while one of those pages is live and public to the visitor:
a page behind a password, a login or a group restriction keeps its files
behind the same restriction, whichever URL is used (the page's own download
route or Wagtail's ``/documents/<id>/…``). Files no disclosure page uses are
left to Wagtail's collection privacy.
"""

from __future__ import annotations

from django.db.models import Q

from .. import permissions


def _pages_using(document) -> list:
    from ..models import (
        ConsultationAttachment,
        DisclosureItemAttachment,
        DocumentAttachment,
        NormativeDocumentPage,
    )
    from wagtail.models import Page

    ids: set[int] = set()
    for relation in (DocumentAttachment, ConsultationAttachment, DisclosureItemAttachment):
        ids.update(relation.objects.filter(document=document).values_list("page_id", flat=True))
    ids.update(
        NormativeDocumentPage.objects.filter(Q(uploaded_docx=document) | Q(uploaded_pdf=document))
        .values_list("pk", flat=True)
    )
    return list(Page.objects.filter(pk__in=ids)) if ids else []


def visitor_may_download(document, request) -> bool:
    pages = _pages_using(document)
    if not pages:
        return True
    user = getattr(request, "user", None)
    for page in pages:
        if user is not None and user.is_authenticated and permissions.scope_for(user).covers_path(page.path):
            return True  # staff of the page's site (previews, checking drafts)
        if page.live and all(r.accept_request(request) for r in page.get_view_restrictions()):
            return True
    return False
