"""Routing a request for a govopen page from the site's root in one go.

Wagtail finds the page for an address from the top every time: the site for
the host (a query), the root page made specific (a query), then each level's
child and its specific type (two queries a level) until a govopen page takes
over with its routing cache (``GovopenPageMixin.route``). On a school's site,
where the platform sits one or two levels below the home page, the walk down
to the platform was three of a comment submission's ten queries; the site
query, whose statement Wagtail builds anew for every request, cost as much
time again.

``RoutingMiddleware`` (``govopen_wagtail.middleware``) does the same walk
from the site's root (found by Wagtail's rules, read afresh: ``find_site``)
through the routing cache: the pages along the address, kept under the
change stamp. It answers only
addresses that lead to a govopen page (or to no page: a 404), and only where
Wagtail's answer is sure to be the same; anything else (another app's page,
a root or page on the way that routes for itself, translated sites, a host
no site takes) is left to Wagtail, untouched.
"""

from __future__ import annotations

import copy
import hashlib

from django.conf import settings
from django.http import Http404

from . import statements

# An address found to lead to another app's page is left to Wagtail at once
# next time, before the routing rows are looked for: the page's own
# address, or, for a page that answers the rest of an address itself (a
# blog's archive), every address below it. Kept by site and the page's
# address, in this process only (each process finds out for itself, for
# the price of one routing, rather than every request of every page asking
# the shared cache), with the copies of stamped parts, so the hints cannot
# outgrow their byte budget. Only a hint: should a govopen page take such an
# address, Wagtail routes it, correctly, until the hint expires.
_NOT_OURS = "govopen:routing:not-ours:"
_HINT = b"1"


def _hint_key(site, kind: str, components: list[str]) -> str:
    return _NOT_OURS + hashlib.sha256(f"{site.pk}|{kind}|{'/'.join(components)}".encode()).hexdigest()


def route(request, path: str):
    """Wagtail's ``RouteResult`` for ``path``, or ``None`` to leave the request
    to Wagtail; raises ``Http404`` where Wagtail's routing would. Sets the
    request's site as Wagtail's routing does."""
    from wagtail.models import Page

    from ..models.mixins import GovopenPageMixin, _pages_along, _route_rows, _routes_itself, fast_route
    from . import library_cache

    components = [component for component in path.split("/") if component]
    if not components or getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        # The root page itself is one query for Wagtail too; a translated
        # site's root is the visitor's locale's, which Wagtail picks.
        return None
    # Wagtail's own rules, read afresh (one query, kept on the request): a
    # site's hostname is never read from a copy another process may not
    # have seen change. The change stamp comes in the same statement.
    site, read_stamp = find_site(request, with_stamp=True)
    if site is None:
        return None
    hints = [_hint_key(site, "page", components)]
    hints += [_hint_key(site, "below", components[:i]) for i in range(1, len(components))]
    if any(library_cache.local_copies.get(hint) is not None for hint in hints):
        return None
    root = copy.copy(site.root_page)
    root_class = root.specific_class
    if root_class is None or _routes_itself(root_class, components):
        return None
    base = getattr(root_class, "base_page_model", None) or Page
    wanted = [root.url_path + "/".join(components[: i + 1]) + "/" for i in range(len(components))]
    rows, current_stamp = _route_rows(base, root, components, wanted,
                                      lambda: _pages_along(base, root, components, with_ancestors=True),
                                      read_stamp=read_stamp)
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
        library_cache.local_copies.set(_hint_key(site, "page" if answered_whole else "below", components[:step]),
                                       _HINT, library_cache.TIMEOUT)
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


def find_site(request, *, with_stamp: bool = False):
    """``Site.find_for_request(request)``, its statement written in SQL.

    Wagtail's lookup ranks the sites in the database (``CASE`` over the
    hostname, port and default flag) and joins the root page: building that
    statement through the ORM cost more than the rest of routing a page.
    This reads the same rows with the same comparisons made by the database
    (so hostnames compare as Wagtail's do), ranks them as
    ``wagtail.models.sites.get_site_for_hostname`` does and keeps the answer
    where Wagtail looks for it (``request._wagtail_site``).

    ``with_stamp``: returns ``(site, stamp)``, the change stamp read in the
    same statement (``None`` when no site answers or the request already
    has both), one round trip to the database instead of two."""
    from django.apps import apps
    from django.db import DEFAULT_DB_ALIAS, connections, router
    from django.http.request import split_domain_port

    from . import library_cache

    if hasattr(request, "_wagtail_site"):
        return (request._wagtail_site, None) if with_stamp else request._wagtail_site
    Site = apps.get_model("wagtailcore", "Site")
    hostname = split_domain_port(request._get_raw_host())[0]
    try:
        port = int(request.get_port())
    except (TypeError, ValueError):
        site = Site.find_for_request(request)  # Wagtail's own answer, however it reads this
        return (site, None) if with_stamp else site
    alias = router.db_for_read(Site)
    connection = connections[alias]
    # A stamp this safe request has read already is not read again; nor is
    # it read here when sites are read from another database than the one
    # the stamp is read from (a replica), which could be behind it.
    read_stamp = with_stamp and alias == DEFAULT_DB_ALIAS and library_cache.memo_stamp() is None
    page_model = Site._meta.get_field("root_page").related_model
    site_fields = Site._meta.concrete_fields
    page_fields = page_model._meta.concrete_fields
    sql, params = site_statement(connection, hostname, with_stamp=read_stamp)
    with statements.cursor(connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    candidates = []
    end = 1 + len(site_fields) + len(page_fields)
    for row in rows:
        site = _from_row(Site, connection, alias, site_fields, row[1: 1 + len(site_fields)])
        site.root_page = _from_row(page_model, connection, alias, page_fields, row[1 + len(site_fields): end])
        by_host = bool(row[0])
        # Wagtail's ranks: hostname and port; hostname of the default site;
        # the default site; hostname only.
        rank = 0 if by_host and site.port == port else 1 if by_host and site.is_default_site else (
            2 if site.is_default_site else 3)
        candidates.append((rank, site))
    candidates.sort(key=lambda candidate: candidate[0])
    site = None
    if candidates and (len(candidates) == 1 or candidates[0][0] in (0, 1)):
        site = candidates[0][1]
    elif candidates and candidates[0][0] == 2:
        # The default site, unless exactly one other site has this hostname.
        site = candidates[len(candidates) == 2][1]
    request._wagtail_site = site
    if not with_stamp:
        return site
    return site, (library_cache.take_stamp(rows[0][end:]) if read_stamp and site is not None else None)


def site_statement(connection, hostname: str, *, with_stamp: bool = False) -> tuple[str, list]:
    """The statement ``find_site`` reads the candidate sites with (and the
    change stamp's subqueries, repeated on each of the few rows but worked
    out once: they depend on no row), and its parameters."""
    from django.apps import apps

    from . import library_cache

    Site = apps.get_model("wagtailcore", "Site")
    q = connection.ops.quote_name
    page_model = Site._meta.get_field("root_page").related_model
    sites, pages = q(Site._meta.db_table), q(page_model._meta.db_table)
    host = f"{sites}.{q(Site._meta.get_field('hostname').column)}"
    columns = [f"{sites}.{q(f.column)}" for f in Site._meta.concrete_fields]
    columns += [f"{pages}.{q(f.column)}" for f in page_model._meta.concrete_fields]
    if with_stamp:
        columns += library_cache.stamp_columns(connection)
    sql = (
        f"SELECT CASE WHEN {host} = %s THEN 1 ELSE 0 END, " + ", ".join(columns)
        + f" FROM {sites} INNER JOIN {pages} ON {pages}.{q(page_model._meta.pk.column)} = "
        f"{sites}.{q(Site._meta.get_field('root_page').column)} "
        f"WHERE {host} = %s OR {sites}.{q(Site._meta.get_field('is_default_site').column)} = %s"
    )
    return sql, [hostname, hostname, True]


def _from_row(model, connection, alias, fields, values):
    """A model instance from database values, converted as a query's are."""
    from .compiled_reads import convert, row_converters

    converters = row_converters(connection, ("find_site", model),
                                lambda: [field.get_col(model._meta.db_table) for field in fields])
    return model.from_db(alias, [field.attname for field in fields], convert(list(values), converters, connection))


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
