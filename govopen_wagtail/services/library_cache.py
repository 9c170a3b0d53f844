"""Cache of library listings: the ordered ids and facets for a filter.

Filtering and sorting thousands of documents through the validity
expression costs far more than rendering twenty rows, and the answer only
changes when a document or its history does. So the ordered list of ids
(and the filter options) is cached under a key that includes a *stamp* read
from the database in one cheap query: the newest revision and publication
time and the number of live documents under the library, the newest
validity event, and the view restrictions. Any publish, unpublish, delete,
move, edit, recorded event or restriction changes the stamp, in every
process, whatever cache backend the site uses. The date is part of the key,
so documents still expire at midnight with nothing to run.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max, Q, Subquery
from wagtail.models import PageViewRestriction

TIMEOUT = 3600


def stamp(library) -> tuple:
    from ..models import NormativeDocumentPage, ValidityEvent

    latest_event = ValidityEvent.objects.order_by("-pk").values("pk")[:1]
    latest_restriction = PageViewRestriction.objects.order_by("-pk").values("pk")[:1]
    row = NormativeDocumentPage.objects.filter(path__startswith=library.path).aggregate(
        revised=Max("latest_revision_created_at"),
        published=Max("last_published_at"),
        live=Count("pk", filter=Q(live=True)),
        total=Count("pk"),
        event=Max(Subquery(latest_event)),
        restriction=Max(Subquery(latest_restriction)),
    )
    restrictions = PageViewRestriction.objects.count()
    return (*row.values(), restrictions)


def key(library, *parts) -> str:
    raw = "|".join(str(p) for p in (library.pk, stamp(library), *parts))
    return "govopen:library:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(cache_key: str, compute):
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, TIMEOUT)
    return value
