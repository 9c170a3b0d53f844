"""Reading the search form (every value checked; unknown ones ignored and
reported, never an error page) and preparing results for the template."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.utils.translation import gettext

from ..models.documents import Validity
from ..params import parse_int, parse_year
from .base import KINDS, SORTS, SearchQuery, clean_text
from ..restrictions import private_q

MAX_PAGE = 500


def parse_query(params) -> SearchQuery:
    query = SearchQuery(text=clean_text(params.get("q", "")))
    ignored = query.ignored
    kind = params.get("kind", "")
    if kind in KINDS:
        query.kind = kind
    elif kind:
        ignored.append(gettext("Unknown content type “%(value)s” was ignored.") % {"value": clean_text(kind)[:30]})
    year = params.get("year", "")
    if parse_year(year) is not None:
        query.year = parse_year(year)
    elif year:
        ignored.append(gettext("Unknown year “%(value)s” was ignored.") % {"value": clean_text(year)[:30]})
    validity = params.get("validity", "")
    if validity in Validity.values:
        query.validity = validity
    elif validity:
        ignored.append(gettext("Unknown validity “%(value)s” was ignored.") % {"value": clean_text(validity)[:30]})
    query.issuer = clean_text(params.get("issuer", ""))[:100]
    query.category = clean_text(params.get("category", ""))[:100]
    sort = params.get("sort", "relevance")
    query.sort = sort if sort in SORTS else "relevance"
    page = parse_int(params.get("page", "1"), minimum=1)
    query.page = min(page, MAX_PAGE) if page is not None else 1
    return query


def _url(query: SearchQuery, **changes) -> str:
    values = {"q": query.text, "kind": query.kind, "year": query.year or "", "issuer": query.issuer,
              "category": query.category, "validity": query.validity,
              "sort": "" if query.sort == "relevance" else query.sort}
    values.update(changes)
    return "?" + urlencode({k: v for k, v in values.items() if v not in ("", None)})


def results_context(page, request, query: SearchQuery, results) -> dict:
    labels = {
        "kind": {k: str(v) for k, v in KINDS.items()},
        "validity": {k: str(v) for k, v in Validity.choices},
    }
    facets = []
    for name, title in (("kind", gettext("Content type")), ("year", gettext("Year")), ("issuer", gettext("Issuer")),
                        ("category", gettext("Subject category")), ("validity", gettext("Validity"))):
        values = results.facets.get(name, [])
        if not values:
            continue
        current = str(getattr(query, name) or "")
        facets.append({
            "name": name,
            "title": title,
            "current": current,
            "clear_url": _url(query, **{name: "", "page": ""}) if current else "",
            "values": [
                {"value": value, "label": labels.get(name, {}).get(value, value), "count": count,
                 "url": _url(query, **{name: value, "page": ""}), "selected": value == current}
                for value, count in values
            ],
        })
    pages = max(1, math.ceil(results.total / query.per_page))
    hits = []
    from wagtail.models import Page

    # An index that lags behind (a restriction added, a server that missed
    # an update) must not lead anyone to a page they may not see.
    pages_by_id = Page.objects.live().exclude(private_q()).in_bulk([h.page_id for h in results.hits])
    for hit in results.hits:
        target = pages_by_id.get(hit.page_id)
        if target is None:
            continue
        hits.append({"hit": hit, "url": target.get_url(request), "kind_label": labels["kind"].get(hit.kind, hit.kind)})
    return {
        "results": results,
        "hits": hits,
        "facets": facets,
        "pages": pages,
        "previous_url": _url(query, page=query.page - 1) if query.page > 1 else "",
        "next_url": _url(query, page=query.page + 1) if query.page < min(pages, MAX_PAGE) else "",
        "sort_urls": {s: _url(query, sort="" if s == "relevance" else s, page="") for s in SORTS},
    }
