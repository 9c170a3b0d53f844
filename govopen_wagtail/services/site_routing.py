"""Routing a request for a govopen page from the site's root in one go.

Wagtail finds the page for an address from the top every time: the site for
the host (a query), the root page made specific (a query), then each level's
child and its specific type (two queries a level) until a govopen page takes
over with its routing cache (``GovopenPageMixin.route``). On a school's site,
where the platform sits one or two levels below the home page, that was five
of a comment submission's eleven queries and about a quarter of its time.

``RoutingMiddleware`` (``govopen_wagtail.middleware``) does the same walk
from the root through the routing cache: the sites are kept in the cache
(cleared when a site is saved or deleted, as Wagtail clears its own site
root paths), the pages along the address under the change stamp. It answers
only addresses that lead to a govopen page, and only where Wagtail's answer
is sure to be the same; anything else (another page type, a root or page on
the way that routes for itself, translated sites, a host no site takes) is
left to Wagtail, untouched.
"""

from __future__ import annotations

import copy
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.http.request import split_domain_port

SITES_KEY = "govopen:routing:sites"
# An address found to lead to another app's page: left to Wagtail at once
# next time, before the change stamp (a query a page of another app would
# not otherwise make) is read. Only a hint: should a govopen page take that
# address, Wagtail routes it, correctly, until the hint expires.
_NOT_OURS = "govopen:routing:not-ours:"


def all_sites() -> list:
    """Every site with its root page, from the cache (read once when empty)."""
    from wagtail.models import Site

    from . import library_cache

    sites = cache.get(SITES_KEY)
    if sites is None:
        sites = list(Site.objects.select_related("root_page"))
        cache.set(SITES_KEY, sites, library_cache.TIMEOUT)
    return sites


def clear_sites(**kwargs) -> None:
    """Connected to a site's save and delete."""
    cache.delete(SITES_KEY)


def site_for(hostname: str, port: int):
    """The site Wagtail's ``get_site_for_hostname`` picks, or ``None``.

    The same order of preference: host and port, the host on the default
    site, the default site (unless exactly one other site has the host),
    a lone site with the host on another port. Tested against Wagtail's own
    function for every combination in ``tests/test_routing.py``.
    """
    exact, host_default, default, host = 0, 1, 2, 3

    def match(site) -> int:
        if site.hostname == hostname and site.port == port:
            return exact
        if site.hostname == hostname and site.is_default_site:
            return host_default
        return default if site.is_default_site else host

    candidates = sorted(
        (site for site in all_sites() if site.hostname == hostname or site.is_default_site), key=match
    )
    if not candidates:
        return None
    if len(candidates) == 1 or match(candidates[0]) in (exact, host_default):
        return candidates[0]
    if match(candidates[0]) == default:
        return candidates[len(candidates) == 2]
    return None


def route(request, path: str):
    """Wagtail's ``RouteResult`` for ``path``, or ``None`` to leave the request
    to Wagtail. Sets the request's site as Wagtail's routing would."""
    from wagtail.models import Page

    from ..models.mixins import GovopenPageMixin, _route_rows, _routes_itself, fast_route
    from . import library_cache

    components = [component for component in path.split("/") if component]
    if not components or getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        # The root page itself is one query for Wagtail too; a translated
        # site's root is the visitor's locale's, which Wagtail picks.
        return None
    hint = _NOT_OURS + hashlib.sha256(f"{request._get_raw_host()}|{request.get_port()}|{path}".encode()).hexdigest()
    if cache.get(hint) is not None:
        return None
    site = getattr(request, "_wagtail_site", None)
    if site is None:
        try:
            port = int(request.get_port())
        except ValueError:
            return None
        site = site_for(split_domain_port(request._get_raw_host())[0], port)
        if site is None:
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
    fresh_root = by_url.get(root.url_path)
    if fresh_root is None or (fresh_root.pk, fresh_root.path) != (root.pk, root.path):
        return None  # the root moved or was renamed since the sites were kept
    answering = _answering_class(root, by_url, components, wanted)
    if answering is None:
        return None
    if not issubclass(answering, GovopenPageMixin):
        cache.set(hint, 1, library_cache.TIMEOUT)
        return None
    request._wagtail_site = site
    root._govopen_ancestor_ids = [row.alias_of_id or row.pk for row in rows if row.depth < root.depth]
    root._govopen_handed = (tuple(components), rows)
    if current_stamp is not None:
        root._govopen_stamp = current_stamp
    try:
        return fast_route(root, request, components)
    except Http404:
        return None


def _answering_class(root, by_url: dict, components: list[str], wanted: list[str]):
    """The class of the page that answers the address (as ``fast_route``
    walks it), or ``None`` where the address leads nowhere."""
    from ..models.mixins import _routes_itself

    current = root
    for i, url_path in enumerate(wanted):
        row = by_url.get(url_path)
        if row is None or row.depth != current.depth + 1 or not row.path.startswith(current.path):
            return None
        cls = row.specific_class
        remaining = components[i + 1:]
        if not remaining or cls is None or _routes_itself(cls, remaining):
            return cls
        current = row
    return None
