"""Benchmark: disclosure search with 10,000 and 100,000 documents.

For each size it builds a corpus of Chinese documents (titles and bodies
written without spaces, as real ones are), in which a fixed set of queries
has known answers planted inside unbroken text, then measures:

  * indexing throughput of govopen's database backend (jieba), of the
    Elasticsearch backend (against --es-url, or osmem-server started here),
    and of Wagtail's own database search on the same texts;
  * query latency percentiles and recall (share of the planted answers
    found in the first 100 results) for the fixed queries on each.

    .venv/bin/python bench/search.py [--sizes 10000 100000] [--queries 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govopen_bench .venv/bin/python bench/search.py

Figures, not assertions; correctness is tested in tests/test_search*.py.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_database  # noqa: E402

#: query → the phrase planted (inside unbroken text) in the answer documents.
QUERIES = {
    "实施方案": "政务公开工作实施方案",
    "政务": "政务服务事项清单",
    "控辍保学": "控辍保学劝返复学台账",
    "校外培训": "校外培训机构资金监管",
    "随迁子女": "随迁子女入学材料清单",
    "学生资助": "家庭经济困难学生资助标准",
}
FILLER = ["关于进一步加强", "全市中小学", "工作的通知", "各县区教育局", "根据上级部署", "结合本市实际",
          "现将有关事项通知如下", "切实做好", "落实主体责任", "加强督查指导", "确保取得实效", "特此通知",
          "学校管理", "教师队伍建设", "安全稳定", "后勤保障", "信息化建设", "体育卫生艺术"]
ANSWERS_PER_QUERY = 25
#: A broad query: planted in every tenth document (10% of the corpus).
BROAD = {"课后服务": "课后服务管理工作"}


def corpus(size: int, seed: int = 7):
    """(title, body, planted query or "") for ``size`` documents."""
    rng = random.Random(seed)
    planted = {}
    queries = list(QUERIES)
    for i, query in enumerate(queries):
        for k in range(ANSWERS_PER_QUERY):
            planted[(i * 997 + k * 389) % size] = query
    for n in range(size):
        body = "".join(rng.choice(FILLER) for _ in range(12))
        title = "".join(rng.choice(FILLER) for _ in range(3))
        query = planted.get(n, "") or (list(BROAD)[0] if n % 10 == 3 else "")
        if query:
            phrase = {**QUERIES, **BROAD}[query]
            if n % 2:
                title = title[:6] + phrase + title[6:]
            else:
                body = body[:40] + phrase + body[40:]
        yield n, title, body, query


def make_pages(size: int) -> list[int]:
    """Bare pages for the search entries to belong to."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    from demo.management.commands.load_demo import ensure_root

    root = ensure_root()
    locale = Locale.objects.first()
    content_type = ContentType.objects.get_for_model(Page)
    start = root.numchild
    pages = [
        Page(title=f"p{n}", draft_title=f"p{n}", slug=f"bench{start + n}", content_type=content_type, live=True,
             url_path=f"/bench{start + n}/", depth=2, path=Page._get_path(root.path, 2, start + n + 1), numchild=0,
             locale=locale, translation_key=uuid.uuid4())
        for n in range(size)
    ]
    made = Page.objects.bulk_create(pages, batch_size=2000)
    if made[0].pk is None:
        made = list(Page.objects.filter(path__in=[p.path for p in pages]).order_by("path"))
    Page.objects.filter(pk=root.pk).update(numchild=start + size)
    return [p.pk for p in made]


def timed_queries(search, repeat: int):
    """{query: (latencies ms, ids found)}"""
    out = {}
    for query in [*QUERIES, *BROAD]:
        timings, found = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            found = search(query)
            timings.append((time.perf_counter() - t) * 1000)
        out[query] = (timings, found)
    return out


def summarise(label: str, index_seconds: float, size: int, results, answers, total=None) -> None:
    """One line: indexing rate, narrow and broad latencies, recall in the
    first 100 results, and whether the broad query's total is exact."""
    narrow = [t for q, (ts, _) in results.items() if q in QUERIES for t in ts]
    broad = [t for q, (ts, _) in results.items() if q in BROAD for t in ts]
    recall = []
    for query, (_, found) in results.items():
        expected = answers[query]
        recall.append(len(expected & set(found)) / min(len(expected), 100))

    def p95(values):
        return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]

    exact = "—" if total is None else ("yes" if total == len(answers[list(BROAD)[0]]) else f"no ({total})")
    print(f"{label:40} {size / index_seconds:9.0f} {statistics.median(narrow):9.1f} {p95(narrow):9.1f} "
          f"{statistics.median(broad):9.1f} {p95(broad):9.1f} {statistics.mean(recall):8.0%} {exact:>7}")


def run(size: int, repeat: int, es_options: dict | None) -> None:
    from django.db import connection
    from wagtail.search.backends import get_search_backend

    from govopen_wagtail.models import SearchEntry
    from govopen_wagtail.search import dbindex
    from govopen_wagtail.search.backends.database import DatabaseBackend
    from govopen_wagtail.search.base import SearchQuery
    from tests.testapp.models import BenchDocument

    docs = list(corpus(size))
    page_ids = make_pages(size)
    answers = {q: set() for q in [*QUERIES, *BROAD]}
    for (n, _title, _body, query), page_id in zip(docs, page_ids):
        if query:
            answers[query].add(page_id)

    def search_docs():
        for (n, title, body, _), page_id in zip(docs, page_ids):
            yield {"page_id": page_id, "kind": "item", "title": title, "body": body, "date": None, "year": 2026}

    print(f"\n{size} documents")
    print(f"{'':40} {'':>9} {'narrow queries':>19} {'broad query (10%)':>19}")
    print(f"{'backend':40} {'docs/s':>9} {'p50 ms':>9} {'p95 ms':>9} {'p50 ms':>9} {'p95 ms':>9} {'recall':>8} "
          f"{'exact':>7}")

    database = DatabaseBackend()
    t = time.perf_counter()
    database.rebuild(search_docs())
    seconds = time.perf_counter() - t
    results = timed_queries(
        lambda q: [h.page_id for h in database.search(SearchQuery(text=q, per_page=100)).hits], repeat)
    total = database.search(SearchQuery(text=list(BROAD)[0], per_page=1)).total
    summarise(f"govopen database ({dbindex.kind(connection)} index)", seconds, size, results, answers, total)
    dbindex._kinds[connection.alias] = "scan"
    results = timed_queries(
        lambda q: [h.page_id for h in database.search(SearchQuery(text=q, per_page=100)).hits], repeat)
    summarise("govopen database (LIKE scan, no index)", seconds, size, results, answers)
    dbindex._kinds.pop(connection.alias)

    wagtail = get_search_backend()
    BenchDocument.objects.all().delete()
    rows = BenchDocument.objects.bulk_create(
        [BenchDocument(title=title, body=body) for _, title, body, _ in docs], batch_size=2000)
    if rows[0].pk is None:
        rows = list(BenchDocument.objects.order_by("pk"))
    by_row = {row.pk: page_id for row, page_id in zip(rows, page_ids)}
    t = time.perf_counter()
    wagtail.add_bulk(BenchDocument, rows)
    seconds = time.perf_counter() - t
    results = timed_queries(
        lambda q: [by_row[r.pk] for r in wagtail.search(q, BenchDocument)[:100]], repeat)
    summarise("Wagtail database search (unsegmented)", seconds, size, results, answers)

    if es_options is not None:
        from govopen_wagtail.search.backends.elasticsearch import ElasticsearchBackend

        options = {k: v for k, v in es_options.items() if k != "label"}
        es = ElasticsearchBackend(index=f"govopen-bench-{size}", **options)
        t = time.perf_counter()
        es.rebuild(search_docs())
        seconds = time.perf_counter() - t
        results = timed_queries(
            lambda q: [h.page_id for h in es.search(SearchQuery(text=q, per_page=100)).hits], repeat)
        summarise(f"Elasticsearch backend ({es_options.get('label')})", seconds, size, results, answers)
        es.clear()

    SearchEntry.objects.all().delete()
    BenchDocument.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=10, help="repetitions of each query")
    parser.add_argument("--es-url", default="", help="a real cluster; default: osmem-server started here")
    parser.add_argument("--no-es", action="store_true")
    args = parser.parse_args()

    engine = fresh_database()
    print(f"database: {engine}; queries: {', '.join(QUERIES)}; {ANSWERS_PER_QUERY} planted answers each")

    server = None
    es_options = None
    if not args.no_es:
        if args.es_url:
            es_options = {"hosts": [args.es_url], "label": args.es_url}
        else:
            from osmem_server import OsmemServer

            server = OsmemServer.start()
            es_options = {"hosts": [server.url], "compatibility_headers": False, "label": "osmem-server"}
    try:
        for size in args.sizes:
            run(size, args.queries, es_options)
    finally:
        if server is not None:
            server.close() if hasattr(server, "close") else server.__exit__(None, None, None)


if __name__ == "__main__":
    main()
