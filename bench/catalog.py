"""Benchmark: a catalog of 200 entries and 50,000 items.

Builds the catalog (10 first-level entries, 190 below them) and N items
(default 50,000) spread over the entries in a fresh database (SQLite in
memory, or DATABASE_URL), inserting the pages in bulk, then prints for the
tree and the flat table the latency percentiles and query counts (at a small
size first and at full size, to show the count does not grow), and the time
the health check takes over every item with external links off.

    .venv/bin/python bench/catalog.py [--items 50000] [--requests 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govopen_bench .venv/bin/python bench/catalog.py

Figures, not assertions: the query-count guarantee is tested in
tests/test_catalog.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_database, measure  # noqa: E402


def build_catalog(platform=None):
    from govopen_wagtail.models import CatalogCategory, CatalogPage, DisclosureColumnPage
    from tests.factories import make_platform, make_site, publish

    platform = platform or make_platform(make_site(), items=0)
    catalog = publish(platform.index, CatalogPage(title="主动公开基本目录", slug="catalog"))
    column = publish(catalog, DisclosureColumnPage(title="信息", slug="items"))
    limits = ["信息形成或变更之日起20个工作日内", "信息形成之日起7日内", "每年3月31日前", "常态化公开"]
    leaves = []
    order = 0
    for top in range(10):
        order += 1
        parent = CatalogCategory.objects.create(catalog=catalog, code=f"{top + 1:02d}", name=f"一级事项{top + 1}",
                                                sort_order=order)
        for sub in range(19):
            order += 1
            entry = CatalogCategory(catalog=catalog, parent=parent, code=f"{top + 1:02d}-{sub + 1:02d}",
                                    name=f"二级事项{top + 1}-{sub + 1}", sort_order=order,
                                    time_limit=limits[(top + sub) % len(limits)])
            entry.full_clean()
            entry.save()
            leaves.append(entry)
    return catalog, column, leaves


def add_items(column, leaves, count: int, start: int) -> None:
    """Insert ``count`` live items under ``column`` in bulk (pages + rows)."""
    if count <= 0:
        return
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Page

    from govopen_wagtail.models import DisclosureItemPage

    content_type = ContentType.objects.get_for_model(DisclosureItemPage)
    column = Page.objects.get(pk=column.pk)
    depth = column.depth + 1
    base = timezone.now()
    pages = []
    for i in range(start, start + count):
        published = base - dt.timedelta(hours=i % 20000)
        pages.append(Page(
            title=f"公开信息{i}", draft_title=f"公开信息{i}", slug=f"item{i}", content_type=content_type,
            live=True, has_unpublished_changes=False, url_path=f"{column.url_path}item{i}/",
            depth=depth, path=Page._get_path(column.path, depth, i + 1), numchild=0, locale_id=column.locale_id,
            translation_key=uuid.uuid4(), first_published_at=published, last_published_at=published,
        ))
    with transaction.atomic():
        created = Page.objects.bulk_create(pages, batch_size=2000)
        if created[0].pk is None:  # backends that do not return ids
            created = list(Page.objects.filter(path__in=[p.path for p in pages]).order_by("path"))
        table = DisclosureItemPage._meta.db_table
        rows = []
        for n, page in enumerate(created):
            i = start + n
            generated = timezone.localtime(page.first_published_at).date()
            formed = generated - dt.timedelta(days=(i % 40))
            rows.append((page.pk, f"内容概述{i}", generated, formed, "办公室", f"<p>正文{i}</p>", f"BENCH/{i:06d}",
                         leaves[i % len(leaves)].pk))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (page_ptr_id, summary, generated_date, formed_date, issuing_unit, body, "
                "index_number, catalog_category_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
        Page.objects.filter(pk=column.pk).update(numchild=start + count)




def report(client, catalog, requests: int, label: str) -> None:
    urls = [
        ("tree", catalog.url),
        ("table, page 1", catalog.url + "table/"),
        ("table, entry 03 + year", catalog.url + f"table/?category=03&year={dt.date.today().year}"),
        ("table, page 200", catalog.url + "table/?page=200"),
    ]
    print(f"\n{label}")
    print(f"{'view':26} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name, url in urls:
        timings, queries = measure(client, url, requests)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
        print(f"{name:26} {statistics.median(timings):8.1f} {p95:8.1f} {queries:8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    engine = fresh_database()
    from django.conf import settings
    from django.test import Client

    settings.GOVOPEN_LINK_CHECK_EXTERNAL = False
    print(f"database: {engine}; entries: 200; items: {args.items}; requests per view: {args.requests}")

    catalog, column, leaves = build_catalog()
    client = Client()
    small = min(1000, args.items)
    add_items(column, leaves, small, 0)
    report(client, catalog, args.requests, f"{small} items")
    t = time.perf_counter()
    add_items(column, leaves, args.items - small, small)
    print(f"\n(inserted {args.items - small} more items in {time.perf_counter() - t:.1f} s)")
    report(client, catalog, args.requests, f"{args.items} items")

    from govopen_wagtail.services.health import run_health_check

    t = time.perf_counter()
    result = run_health_check(external="off")
    elapsed = time.perf_counter() - t
    counts = result.counts()
    print(f"\nhealth check, external links off: {elapsed:.1f} s over {result.items_checked} items "
          f"and {result.links_checked} links; findings: {counts}")


if __name__ == "__main__":
    main()
