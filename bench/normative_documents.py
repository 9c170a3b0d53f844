"""Benchmark: the normative-document library with many documents.

Builds N documents (default 10,000) with validity histories in a fresh
database (SQLite in memory, or DATABASE_URL), then times the library list
with filters, a document page and a plain Wagtail page at the same depth of
the same site (so both pay the same routing), and prints latency
percentiles, the ratio to the plain page and query counts.

    .venv/bin/python bench/normative_documents.py [--documents 10000] [--requests 40]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govopen_bench .venv/bin/python bench/normative_documents.py

Figures, not assertions: the query-count guarantees are tested in
tests/test_library.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_database, measure  # noqa: E402


def build(documents: int):
    from django.utils import timezone

    from demo.models import HomePage
    from govopen_wagtail.models import (
        Issuer,
        NormativeDocumentIndexPage,
        NormativeDocumentPage,
        SubjectCategory,
        ValidityEvent,
        ValidityState,
    )
    from tests.factories import make_platform, make_site

    site = make_site()
    platform = make_platform(site, items=3)
    library = platform.active.add_child(instance=NormativeDocumentIndexPage(title="规范性文件", slug="gfxwj"))
    issuers = [Issuer.objects.create(name=f"发布机构{i}", code=f"泉{i}") for i in range(8)]
    categories = list(SubjectCategory.objects.all())
    through = NormativeDocumentPage.issuers.through
    start = time.perf_counter()
    pages = []
    for n in range(documents):
        year = 2005 + n % 21
        written = dt.date(year, 1 + n % 12, 1 + n % 28)
        page = NormativeDocumentPage(
            title=f"关于{['学籍', '收费', '招生', '资助', '培训'][n % 5]}管理的办法（第{n}号）",
            slug=f"d{n}",
            document_number=f"泉教规〔{year}〕{n + 1}号",
            number_issuer="泉教规", number_year=year, number_serial=n + 1,
            written_date=written, published_date=written + dt.timedelta(days=5),
            effective_date=written + dt.timedelta(days=10),
            category=categories[n % len(categories)],
            summary="摘要", body="<p>第一条 正文。</p>", live=True,
            first_published_at=timezone.now(), index_number=f"BENCH/{year}-{n:06d}",
        )
        library.add_child(instance=page)
        pages.append(page)
        if n and n % 1000 == 0:
            print(f"  built {n} documents ({time.perf_counter() - start:.0f}s)", flush=True)
    # Historical end dates are set after creation, as an archive import would
    # (a new document may not be created with its period already over).
    for n, page in enumerate(pages):
        page.validity_end = page.written_date + dt.timedelta(days=5 * 365) if n % 3 == 0 else None
    NormativeDocumentPage.objects.bulk_update(pages, ["validity_end"], batch_size=500)
    through.objects.bulk_create(
        [through(normativedocumentpage_id=p.pk, issuer_id=issuers[i % len(issuers)].pk) for i, p in enumerate(pages)]
    )
    events = []
    for i, page in enumerate(pages):
        if i % 7 == 0 and i + 1 < len(pages):
            events.append(ValidityEvent(document=page, kind="amended", effective_date=page.effective_date + dt.timedelta(days=400), acting_document=pages[i + 1]))
        if i % 11 == 0 and i + 2 < len(pages):
            events.append(ValidityEvent(document=page, kind="repealed", effective_date=page.effective_date + dt.timedelta(days=800), acting_document=pages[i + 2]))
    ValidityEvent.objects.bulk_create(events)
    ValidityState.refresh()  # bulk_create skips save(), which keeps the state in step
    print(f"  built {documents} documents and {len(events)} validity events in {time.perf_counter() - start:.0f}s")
    home = HomePage.objects.get(pk=site.root_page_id)
    # A plain page where the library is, so both pay the same routing.
    plain = platform.active.add_child(instance=HomePage(title="普通页面", slug="plain"))
    return home, plain, library, pages[len(pages) // 2]




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    engine = fresh_database()
    from django.test import Client

    print(f"database: {engine}; documents: {args.documents}; requests per URL: {args.requests}")
    home, plain, library, document = build(args.documents)

    client = Client()
    urls = [
        ("plain Wagtail page, same depth", plain.url),
        ("home page (depth 2), for reference", home.url),
        ("library, default (in force)", library.url),
        ("library, all, sorted by number", library.url + "?validity=all&sort=number"),
        ("library, year + keyword", library.url + "?validity=all&year=2015&q=收费"),
        ("library, as of 2010, page 5", library.url + "?as_of=2010-06-01&page=5"),
        ("document page", document.url),
        ("register (in force)", library.url + "register/"),
    ]
    print(f"\n{'URL':34} {'p50 ms':>8} {'p95 ms':>8} {'x plain':>8} {'queries':>8}")
    base = None
    for label, url in urls:
        timings, queries = measure(client, url, args.requests)
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        base = base or p50
        print(f"{label:34} {p50:8.1f} {p95:8.1f} {p50 / base:8.2f} {queries:8d}")


if __name__ == "__main__":
    main()
