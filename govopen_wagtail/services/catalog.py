"""Reading a catalog: its tree with counts, its items, the flat table.

Query counts do not depend on the number of items: the tree costs one
aggregate query for items filed under categories plus one per category that
has a source page (a library, a consultation list); the table costs a count,
a page of base rows and one query per page type on the page.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from wagtail.models import Page

from .. import params
from . import library_cache
from ..models.catalog import CatalogCategory, CatalogPage, DisclosureItemPage
from ..models.registry import information_models
from ..restrictions import private_q


def load_categories(catalog: CatalogPage) -> list[CatalogCategory]:
    """Every category in tree order, each with ``depth`` and ``children``.

    Kept under the change stamp, which follows the entries too (their newest
    change and their number): building hundreds of entries from the
    database is a third of a catalog page's time.
    """
    return library_cache.cached(library_cache.key(catalog, "catalog-entries"), lambda: _read_categories(catalog))


def _read_categories(catalog: CatalogPage) -> list[CatalogCategory]:
    categories = list(catalog.categories.select_related("source_page").order_by("sort_order", "code"))
    by_parent: dict[int | None, list[CatalogCategory]] = {}
    for category in categories:
        category.children_list = []
        by_parent.setdefault(category.parent_id, []).append(category)
    ordered: list[CatalogCategory] = []

    def walk(parent_id, depth):
        for category in by_parent.get(parent_id, []):
            category.depth = depth
            category.children_list = by_parent.get(category.pk, [])
            ordered.append(category)
            walk(category.pk, depth + 1)

    walk(None, 1)
    return ordered


def subtree_ids(category: CatalogCategory) -> list[int]:
    ids, stack = [], [category]
    while stack:
        node = stack.pop()
        ids.append(node.pk)
        stack.extend(node.children_list)
    return ids


def catalog_items(catalog: CatalogPage, categories: list[CatalogCategory] | None = None):
    """Live, public information pages filed under ``categories`` (default:
    the whole catalog), as base ``Page`` objects."""
    if categories is None:
        categories = list(catalog.categories.select_related("source_page"))
        condition = Q(disclosureitempage__catalog_category__catalog=catalog)
    else:
        condition = Q(disclosureitempage__catalog_category__in=[c.pk for c in categories])
    for category in categories:
        source = category.source_page
        if source is not None:
            condition |= Q(path__startswith=source.path, depth__gt=source.depth)
    return Page.objects.live().exclude(private_q()).type(*information_models()).filter(condition)


def annotate_tree(catalog: CatalogPage) -> list[CatalogCategory]:
    """Categories in tree order with ``own_count``, ``item_count`` (the
    subtree) and ``newest`` (newest publication in the subtree)."""
    categories = load_categories(catalog)
    sources = tuple((c.pk, c.source_page_id) for c in categories if c.source_page_id)

    def counts():
        # Counting and dating every item is what costs, at 50,000 items; the
        # answer changes only with a publish, edit, move or restriction
        # (the stamp), so it is cached under it.
        direct = {
            row["catalog_category"]: (row["n"], row["newest"])
            for row in DisclosureItemPage.objects.live()
            .exclude(private_q())
            .filter(catalog_category__catalog=catalog)
            .order_by()  # pages are ordered by path, which would split the groups
            .values("catalog_category")
            .annotate(n=Count("pk"), newest=Max("first_published_at"))
        }
        models = information_models()
        extra = {}
        for category in categories:
            if category.source_page_id:
                row = (Page.objects.live().exclude(private_q()).type(*models).descendant_of(category.source_page)
                       .aggregate(n=Count("pk"), newest=Max("first_published_at")))
                extra[category.pk] = (row["n"], row["newest"])
        return direct, extra

    direct, extra = library_cache.cached(library_cache.key(catalog, "catalog-tree", sources), counts)
    for category in categories:
        category.own_count, category.own_newest = direct.get(category.pk, (0, None))
        if category.pk in extra:
            n, newest = extra[category.pk]
            category.own_count += n
            category.own_newest = max(filter(None, [category.own_newest, newest]), default=None)
    for category in reversed(categories):
        category.item_count = category.own_count + sum(c.item_count for c in category.children_list)
        category.newest = max(
            filter(None, [category.own_newest, *(c.newest for c in category.children_list)]), default=None
        )
    return categories


_INDENTATION = re.compile(r"[ \t\r]*\n\s*")


def tree_html(catalog: CatalogPage, request) -> str:
    """The tree's HTML (``includes/catalog_tree.html``; empty without
    entries), kept under the change stamp, which follows the pages counted
    and the entries: 200 entries with their columns are ~1,000 template
    nodes, which cost far more to render than to look up."""
    from django.template.loader import render_to_string

    from .fragments import cached_html

    def render() -> str:
        categories = annotate_tree(catalog)
        if not categories:
            return ""
        html = render_to_string("govopen_wagtail/includes/catalog_tree.html",
                                {"page": catalog, "categories": categories}, request=request)
        # The templates' indentation was an eighth of the page (18 KB of
        # 144 KB at 200 entries), sent to every phone: each run of blank
        # lines and indentation becomes one line break, which renders as
        # the same space between inline elements.
        return _INDENTATION.sub("\n", html)

    return cached_html(request, catalog, "catalog-tree", render, catalog.get_url(request) or "")


def category_of(page, categories: list[CatalogCategory]) -> CatalogCategory | None:
    """The category an information page is listed under."""
    category_id = getattr(page, "catalog_category_id", None)
    if category_id:
        return next((c for c in categories if c.pk == category_id), None)
    best = None
    for category in categories:
        source = category.source_page
        if source is not None and page.path.startswith(source.path) and (best is None or source.depth > best.source_page.depth):
            best = category
    return best


def row_date(page) -> dt.date | None:
    for name in ("generated_date", "published_date"):
        value = getattr(page, name, None)
        if value:
            return value
    opens = getattr(page, "opens_at", None)
    when = opens or page.first_published_at
    return timezone.localtime(when).date() if when else None


def row_summary(page) -> str:
    return getattr(page, "summary", "") or ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _KeptIds:
    """The ordered ids of a filter as :class:`~django.core.paginator.Paginator`
    sees them: their number, and the slice of one page, each kept on its own
    so that a request reads a few ids from the cache, not all 50,000."""

    def __init__(self, catalog: CatalogPage, filter_key: tuple, all_ids) -> None:
        self.catalog, self.filter_key, self.all_ids = catalog, filter_key, all_ids

    def count(self) -> int:
        return library_cache.cached(
            library_cache.key(self.catalog, "catalog-table-count", *self.filter_key), lambda: len(self.all_ids()))

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[int]:
        return library_cache.cached(
            library_cache.key(self.catalog, "catalog-table-ids", *self.filter_key, window.start, window.stop),
            lambda: self.all_ids()[window])


def entry_codes(catalog: CatalogPage) -> dict[str, int]:
    """Each entry's code and id, kept under the stamp (which follows the entries)."""
    return library_cache.cached(library_cache.key(catalog, "catalog-codes"),
                                lambda: {c.code: c.pk for c in load_categories(catalog)})


def table_context(catalog: CatalogPage, request) -> dict:
    """The flat table: filters by category (code, with its sub-entries) and
    year; unknown values are ignored and reported, never an error page.

    A kept table reads the entries' codes, the number of matching items and
    the ids of one page from the cache; the entries themselves, the ordered
    ids and the rows only when something is not kept (the change stamp
    follows pages and entries alike)."""
    categories = SimpleLazyObject(lambda: load_categories(catalog))
    ignored: list[str] = []
    code = _CONTROL.sub("", request.GET.get("category", ""))[:40]
    chosen_pk = entry_codes(catalog).get(code) if code else None
    if code and chosen_pk is None:
        ignored.append(gettext("Unknown catalog entry “%(value)s” was ignored.") % {"value": code})
    chosen = SimpleLazyObject(lambda: next(c for c in categories if c.pk == chosen_pk)) if chosen_pk else None
    year_text = request.GET.get("year", "")[:8]
    year = params.parse_year(year_text)
    if year_text and year is None:
        ignored.append(gettext("Unknown year “%(value)s” was ignored.") % {"value": _CONTROL.sub("", year_text)})

    def ordered_ids():
        selected = None
        if chosen is not None:
            ids = set(subtree_ids(chosen))
            selected = [c for c in categories if c.pk in ids]
        items = catalog_items(catalog, selected)
        if year is not None:
            items = items.filter(first_published_at__year=year)
        return list(items.order_by("-first_published_at", "-pk").values_list("pk", flat=True))

    # Sorting every item by date is what costs at 50,000 items: the ordered
    # ids are worked out once per stamp and filter, a page's rows then read by id.
    filter_key = (chosen_pk or "", year or "")
    paginator = Paginator(_KeptIds(catalog, filter_key, lambda: library_cache.cached(
        library_cache.key(catalog, "catalog-table", *filter_key), ordered_ids)), catalog.per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    wanted = list(page_obj.object_list)

    def build_rows():
        shown = {p.pk: p for p in Page.objects.filter(pk__in=wanted).specific()}
        return [
            {
                "page": page,
                "index_number": getattr(page, "index_number", ""),
                "date": row_date(page),
                "summary": row_summary(page),
                "category": category_of(page, categories),
            }
            for page in (shown[pk] for pk in wanted if pk in shown)
        ]

    # Read only when the rendered rows are not in the cache (the template's
    # fragment, keyed below on everything the rows show).
    rows = SimpleLazyObject(build_rows)
    this_year = timezone.localdate().year
    query = {k: v for k, v in (("category", code if chosen_pk else ""), ("year", year or "")) if v}
    from urllib.parse import urlencode

    # The filter form lists every entry (hundreds of options): rendered once
    # per stamp (entries included), choice and language.
    language = translation.get_language()
    form_cache_key = library_cache.key(catalog, "catalog-table-form", *filter_key, this_year, language)
    rows_cache_key = library_cache.key(catalog, "catalog-table-rows", *filter_key, page_obj.number, language,
                                       request.get_host())
    return {
        "form_cache_key": form_cache_key,
        "rows_cache_key": rows_cache_key,
        "categories": categories,
        "chosen": chosen,
        "year": year,
        "years": list(range(this_year, this_year - 15, -1)),
        "rows": rows,
        "page_obj": page_obj,
        "paginator": paginator,
        "ignored": ignored,
        "query_string": urlencode(query),
    }
