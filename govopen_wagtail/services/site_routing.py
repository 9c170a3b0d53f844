"""Routing a request for a govopen page from the site's root in one go.

Wagtail finds the page for an address from the top every time: the site for
the host (a query), the root page made specific (a query), then each level's
child and its specific type (two queries a level) until a govopen page takes
over with its routing cache (``GovopenPageMixin.route``). On a school's site,
where the platform sits one or two levels below the home page, that was five
of a comment submission's eleven queries and about a quarter of its time.

``RoutingMiddleware`` (``govopen_wagtail.middleware``) does the same walk
from the site's root (found by Wagtail, as always) through the routing cache:
the pages along the address, kept under the change stamp. It answers only
addresses that lead to a govopen page (or to no page: a 404), and only where
Wagtail's answer is sure to be the same; anything else (another app's page,
a root or page on the way that routes for itself, translated sites, a host
no site takes) is left to Wagtail, untouched.
"""

from __future__ import annotations

import copy
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404

# An address found to lead to another app's page is left to Wagtail at once
# next time, before the change stamp (a query a page of another app would
# not otherwise make) is read: the page's own address, or, for a page that
# answers the rest of an address itself (a blog's archive), every address
# below it. Kept by site and the page's address, so the hints cannot outgrow
# the tree. Only a hint: should a govopen page take such an address, Wagtail
# routes it, correctly, until the hint expires.
_NOT_OURS = "govopen:routing:not-ours:"


def _hint_key(site, kind: str, components: list[str]) -> str:
    return _NOT_OURS + hashlib.sha256(f"{site.pk}|{kind}|{'/'.join(components)}".encode()).hexdigest()


def route(request, path: str):
    """Wagtail's ``RouteResult`` for ``path``, or ``None`` to leave the request
    to Wagtail; raises ``Http404`` where Wagtail's routing would. Sets the
    request's site as Wagtail's routing does."""
    from wagtail.models import Page, Site

    from ..models.mixins import GovopenPageMixin, _route_rows, _routes_itself, fast_route
    from . import library_cache

    components = [component for component in path.split("/") if component]
    if not components or getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        # The root page itself is one query for Wagtail too; a translated
        # site's root is the visitor's locale's, which Wagtail picks.
        return None
    # Wagtail's own lookup (one query, kept on the request): a site's
    # hostname is never read from a copy another process may not have seen
    # change.
    site = Site.find_for_request(request)
    if site is None:
        return None
    hints = [_hint_key(site, "page", components)]
    hints += [_hint_key(site, "below", components[:i]) for i in range(1, len(components))]
    if cache.get_many(hints):
        return None
    root = copy.copy(site.root_page)
    root_class = root.specific_class
    if root_class is None or _routes_itself(root_class, components):
        return None
    base = getattr(root_class, "base_page_model", None) or Page
    wanted = [root.url_path + "/".join(components[: i + 1]) + "/" for i in range(len(components))]
    steplen = base.steplen
    above = [root.path[:k] for k in range(steplen, len(root.path) + 1, steplen)]

    def read() -> list:
        from django.db.models import Q

        below = Q(slug__in=set(components), depth__gt=root.depth, depth__lte=root.depth + len(components),
                  path__startswith=root.path)
        return list(base.objects.filter(below | Q(path__in=above)))

    rows, current_stamp = _route_rows(base, root, components, wanted, read)
    by_url = {row.url_path: row for row in rows}
    answering, step = _answering_class(root, by_url, components, wanted)
    if answering is _NOWHERE:
        # No page takes the address, and none on the way answers the rest
        # itself: Wagtail's walk would end in the same 404.
        raise Http404
    if answering is None:
        return None
    if not issubclass(answering, GovopenPageMixin):
        answered_whole = step == len(components)
        cache.set(_hint_key(site, "page" if answered_whole else "below", components[:step]), 1, library_cache.TIMEOUT)
        return None
    root._govopen_ancestor_ids = [row.alias_of_id or row.pk for row in rows if row.depth < root.depth]
    root._govopen_handed = (tuple(components), rows)
    if current_stamp is not None:
        root._govopen_stamp = current_stamp
    # The page that answers was found as Wagtail would find it, so an
    # Http404 from its own route (a draft, an address its class does not
    # know) is Wagtail's answer too: the middleware records it as such.
    return fast_route(root, request, components)


_NOWHERE = object()


def _answering_class(root, by_url: dict, components: list[str], wanted: list[str]):
    """The class of the page that answers the address (as ``fast_route``
    walks it; ``None`` for a page whose model is gone), or ``_NOWHERE``, and
    how many steps of the address lead to that page."""
    from ..models.mixins import _routes_itself

    current = root
    for i, url_path in enumerate(wanted):
        row = by_url.get(url_path)
        if row is None or row.depth != current.depth + 1 or not row.path.startswith(current.path):
            return _NOWHERE, i
        cls = row.specific_class
        remaining = components[i + 1:]
        if not remaining or cls is None or _routes_itself(cls, remaining):
            return cls, i + 1
        current = row
    return _NOWHERE, len(wanted)  # not reached: the last step always answers above
