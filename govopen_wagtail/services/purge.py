"""Frontend-cache purges beyond the edited page.

Wagtail's ``wagtail.contrib.frontend_cache`` purges the page that was
published or unpublished. A disclosure item or document is also shown by
the pages above it (the library and its register and feeds, the catalog
tree and table, the platform's "what's new", the consultation list) and by
the site's search page; a validity event changes two documents (the one
repealed or amended and the one acting on it). All of those are purged here,
on publish, unpublish (which Wagtail also sends when a page is deleted),
move and every validity event, once the transaction commits. Each page's
sub-routes come from its ``get_cached_paths()``.

Search results (``?q=…``) are not purged URL by URL: give them a short
``max-age``, or let the CDN purge by prefix (see the caching how-to).
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return apps.is_installed("wagtail.contrib.frontend_cache") and bool(
        getattr(settings, "WAGTAILFRONTENDCACHE", None))


def pages_showing(page) -> list:
    """Live govopen pages that list or count ``page``: its govopen
    ancestors and the search pages of its site."""
    from ..models import DisclosureSearchPage
    from ..models.mixins import GovopenPageMixin

    shown = [p for p in page.get_ancestors().live().specific(defer=True) if isinstance(p, GovopenPageMixin)]
    site = page.get_site()
    if site is not None:
        shown += list(DisclosureSearchPage.objects.live().descendant_of(site.root_page).exclude(pk=page.pk))
    return shown


def purge_later(pages=(), urls=()) -> None:
    """Purge the pages' cached URLs (worked out now, while the tree still
    holds them) and ``urls`` after the commit; a CDN that fails is logged,
    never raised into an editor's publish."""
    if not enabled():
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    batch.add_pages([p for p in pages if p is not None])
    batch.add_urls(urls)
    if not batch.urls:
        return

    def purge():
        try:
            batch.purge()
        except Exception:  # noqa: BLE001 - logged; the next change or max-age repairs
            logger.exception("govopen frontend cache purge failed")

    transaction.on_commit(purge)


def on_published_or_unpublished(sender, instance, **kwargs) -> None:
    # Wagtail purges the page itself.
    if enabled():  # no tree walk on every publish of a site without a CDN
        purge_later(pages_showing(instance))


def on_moved(sender, instance, parent_page_before=None, parent_page_after=None, url_path_before="", **kwargs):
    from wagtail.models import Site

    from ..models.mixins import GovopenPageMixin

    if not enabled() or not issubclass(instance.specific_class or type(instance), GovopenPageMixin):
        return
    instance = instance.specific_deferred
    old_urls = []
    for _site_id, root_path, root_url, _language in Site.get_site_root_paths():
        if url_path_before.startswith(root_path):
            old_urls.append(root_url.rstrip("/") + "/" + url_path_before[len(root_path):])
    before = [parent_page_before.specific_deferred, *pages_showing(parent_page_before)] if parent_page_before else []
    purge_later([instance, *pages_showing(instance), *before], old_urls)


def on_validity_event(sender, instance, **kwargs) -> None:
    from ..models import NormativeDocumentPage

    if not enabled():
        return
    ids = {instance.document_id, getattr(instance, "acting_document_id", None)} - {None}
    documents = list(NormativeDocumentPage.objects.filter(pk__in=ids).live())
    shown = {}
    for document in documents:
        for page in [document, *pages_showing(document)]:
            shown[page.pk] = page
    purge_later(shown.values())


def register() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from ..models import ValidityEvent
    from ..models.mixins import GovopenPageMixin

    for model in apps.get_models():
        if issubclass(model, GovopenPageMixin):
            page_published.connect(on_published_or_unpublished, sender=model,
                                   dispatch_uid=f"govopen_purge_pub_{model.__name__}")
            page_unpublished.connect(on_published_or_unpublished, sender=model,
                                     dispatch_uid=f"govopen_purge_unpub_{model.__name__}")
    post_page_move.connect(on_moved, dispatch_uid="govopen_purge_move")
    post_save.connect(on_validity_event, sender=ValidityEvent, dispatch_uid="govopen_purge_validity_save")
    post_delete.connect(on_validity_event, sender=ValidityEvent, dispatch_uid="govopen_purge_validity_delete")
