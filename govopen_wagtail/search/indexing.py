"""Keeping the search index in step with the pages: on publish, unpublish
and delete (signal receivers), and all at once (``govopen_search_reindex``)."""

from __future__ import annotations

import logging

from django.db import transaction

from .base import document_for, get_backend, searchable_models
from ..restrictions import private_q

logger = logging.getLogger(__name__)


def index_page(page) -> None:
    # Pages behind a login or password (on themselves or an ancestor) stay
    # out of a public index.
    restricted = page.get_view_restrictions().exists()
    doc = document_for(page) if page.live and not restricted else None
    backend = get_backend()
    if doc is None:
        backend.delete(page.pk)
    else:
        backend.index(doc)


def _safely(action, *args) -> None:
    # A search server that is down must not stop an editor publishing;
    # the next reindex repairs the index.
    try:
        action(*args)
    except Exception:  # noqa: BLE001 - logged, never raised into the publish
        logger.exception("govopen search index update failed")


def on_published(sender, instance, **kwargs) -> None:
    page = instance
    transaction.on_commit(lambda: _safely(index_page, page))


def on_unpublished(sender, instance, **kwargs) -> None:
    page_id = instance.pk
    transaction.on_commit(lambda: _safely(lambda: get_backend().delete(page_id)))


def on_deleted(sender, instance, **kwargs) -> None:
    page_id = instance.pk
    transaction.on_commit(lambda: _safely(lambda: get_backend().delete(page_id)))


def on_validity_event(sender, instance, created=False, **kwargs) -> None:
    # A repeal or amendment recorded later changes the old document's validity.
    document_id = instance.document_id
    transaction.on_commit(lambda: _safely(_reindex_id, document_id))


def _reindex_id(page_id: int) -> None:
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first()
    if page is not None:
        index_page(page)


def all_documents():
    for model in searchable_models():
        for page in model.objects.live().exclude(private_q()).order_by("pk").iterator(chunk_size=500):
            doc = document_for(page)
            if doc is not None:
                yield doc


def count_documents() -> int:
    return sum(model.objects.live().exclude(private_q()).count() for model in searchable_models())


def register() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished

    from ..models import ValidityEvent

    post_save.connect(on_validity_event, sender=ValidityEvent, dispatch_uid="govopen_search_validity")
    for model in searchable_models():
        page_published.connect(on_published, sender=model, dispatch_uid=f"govopen_search_pub_{model.__name__}")
        page_unpublished.connect(on_unpublished, sender=model, dispatch_uid=f"govopen_search_unpub_{model.__name__}")
        post_delete.connect(on_deleted, sender=model, dispatch_uid=f"govopen_search_del_{model.__name__}")
