"""Benchmark: public pages over HTTP, side by side with a plain Wagtail page.

Builds a bureau's site at a real size in DATABASE_URL (default: a SQLite file
under /tmp): a library of 10,000 normative documents, a catalog of 50,000
items, consultations, and a search index of 100,000 pages; serves it with
gunicorn (2 workers, the example site's settings) and measures throughput
with 2 connections and long timeouts. Each page is measured in rounds
interleaved with a plain Wagtail page (the demo's HomePage: a title and rich
text) at the same tree depth, and the median of the per-round ratios is
printed, with the queries one request runs (counted in-process). A second
server behind Django's cache middleware compares a cached public page with
the bare Django view (``/bench/bare/``).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/pages.py [--documents 10000] [--items 50000] [--search 100000]
    DATABASE_URL=postgres://root@127.0.0.1:5432/govopen_pages .venv/bin/python bench/pages.py

Ratios, not absolute times: on a shared machine only the side-by-side
figures mean anything. Figures, not assertions: query counts that stay flat
are tested in tests/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "example_site"
PLAN_DIR = Path("/tmp")


# Building (in a child process with the example site's settings) -----------


def setup() -> None:
    sys.path[:0] = [str(ROOT), str(SITE), str(ROOT / "bench")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "example_site.settings"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def build(args) -> None:
    setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from catalog import add_items, build_catalog
    from normative_documents import build as build_library
    from search import corpus, make_pages

    from demo.models import HomePage
    from govopen_wagtail.models import DisclosureSearchPage, DisclosureItemPage
    from govopen_wagtail.search.backends.database import DatabaseBackend
    from tests.factories import make_consultation, make_consultation_index, publish

    started = time.perf_counter()
    home, plain5, library, document = build_library(args.documents)
    active = library.get_parent().specific
    index = active.get_parent().specific
    platform = type("Platform", (), {"index": index, "active": active})
    catalog, column, leaves = build_catalog(platform)
    add_items(column, leaves, args.items, 0)
    consultations = make_consultation_index(index)
    opened = [make_consultation(consultations, title=f"关于课后服务管理办法的征求意见{i}") for i in range(20)]
    search = publish(index, DisclosureSearchPage(title="信息检索", slug="search"))
    print(f"  site built in {time.perf_counter() - started:.0f} s", flush=True)

    # The search index: the items (with bench texts, planted answers included)
    # and bare pages up to the corpus size.
    started = time.perf_counter()
    items = list(DisclosureItemPage.objects.order_by("pk").values_list("pk", flat=True))
    extra = make_pages(max(0, args.search - len(items)))
    texts = corpus(args.search)

    def docs():
        for page_id, (_n, title, body, _q) in zip(items + extra, texts):
            yield {"page_id": page_id, "kind": "item", "title": title, "body": body, "date": None, "year": 2026}

    DatabaseBackend().rebuild(docs())
    print(f"  search index of {args.search} pages in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # Planner statistics, as PostgreSQL's autovacuum would gather after a bulk load.
        cursor.execute("ANALYZE")

    # Plain pages at each depth the measured pages sit at.
    plain = {5: plain5}
    plain[3] = home.add_child(instance=HomePage(title="普通页面", slug="plain3", intro="<p>正文</p>"))
    plain[4] = index.add_child(instance=HomePage(title="普通页面", slug="plain4", intro="<p>正文</p>"))
    plain[6] = plain5.add_child(instance=HomePage(title="普通页面", slug="plain6", intro="<p>正文</p>"))
    plan = [
        ("disclosure platform index", index.url, 3),
        ("library listing", library.url, 5),
        ("normative document", document.url, 6),
        ("catalog tree", catalog.url, 4),
        ("catalog table", catalog.url + "table/", 4),
        ("search, narrow query", search.url + "?q=控辍保学", 4),
        ("search, 10% of pages", search.url + "?q=课后服务", 4),
        ("consultation list", consultations.url, 4),
        ("open consultation", opened[0].url, 5),
    ]
    rows = [{"label": f"plain page, depth {depth}", "url": plain[depth].url} for depth in sorted(plain)]
    rows += [{"label": label, "url": url, "plain": plain[depth].url} for label, url, depth in plan]
    count_queries(rows)


def count_queries(rows=None) -> None:
    """The queries one request of each page runs, with the code as it is now
    (a --reuse run counts again: the site may have been built by older code)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = rows if rows is not None else json.loads(plan_file().read_text())
    client = Client()
    for row in rows:
        response = client.get(row["url"])
        assert response.status_code == 200, (row["url"], response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(row["url"])
        row["queries"] = len(ctx)
    plan_file().write_text(json.dumps(rows, ensure_ascii=False))


def plan_file() -> Path:
    url = os.environ.get("DATABASE_URL", "")
    return PLAN_DIR / f"govopen_pages_plan_{'postgresql' if url.startswith('postgres') else 'sqlite'}.json"


# Measuring ------------------------------------------------------------------


def throughput(base: str, path: str, seconds: float, connections: int) -> float:
    """Requests per second answered 200 by ``connections`` clients in turn-taking loops."""
    done = [0] * connections
    stop = time.perf_counter() + seconds
    url = base + urllib.request.quote(path, safe="/?=&%")

    def loop(k: int) -> None:
        while time.perf_counter() < stop:
            try:
                with urllib.request.urlopen(url, timeout=120) as response:
                    response.read()
                    if response.status == 200:
                        done[k] += 1
            except (urllib.error.URLError, OSError):  # refused, reset: counted as not answered
                time.sleep(0.05)

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(k,)) for k in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def serve(env: dict, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "example_site.wsgi:application", "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--timeout", "300", "--log-level", "warning"],
        cwd=SITE, env=env,
    )
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited (is port {port} in use?)")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            return server
        except urllib.error.HTTPError:
            return server
        except Exception:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def compare(base: str, a: str, b: str, rounds: int, seconds: float, connections: int) -> tuple[float, float, float]:
    """Median over interleaved rounds of throughput(b) / throughput(a), and the medians of each."""
    throughput(base, a, 1, connections)
    throughput(base, b, 1, connections)  # warm both
    ratios, first, second = [], [], []
    for _ in range(rounds):
        x = throughput(base, a, seconds, connections)
        y = throughput(base, b, seconds, connections)
        first.append(x)
        second.append(y)
        ratios.append(y / x if x else 0.0)
    return statistics.median(ratios), statistics.median(first), statistics.median(second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--search", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--reuse", action="store_true", help="measure the site built by the last run")
    parser.add_argument("--only", default="", help="measure only the pages whose label contains this")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    db_url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/govopen_pages.sqlite3"
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{SITE}"}
    env.pop("REDIS_URL", None)  # local-memory cache: the cached figures are per worker
    if args.build_only:
        build(args)
        return
    if args.count_only:
        setup()
        count_queries()
        return
    if not args.reuse:
        if db_url.startswith("sqlite:"):
            Path(db_url.split("sqlite://", 1)[1]).unlink(missing_ok=True)
        else:
            import psycopg

            admin, name = db_url.rsplit("/", 1)
            with psycopg.connect(admin + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        print(f"Building the site in {db_url} …", flush=True)
        subprocess.run([sys.executable, __file__, "--build-only", "--documents", str(args.documents),
                        "--items", str(args.items), "--search", str(args.search)], env=env, check=True)
    else:
        subprocess.run([sys.executable, __file__, "--count-only"], env=env, check=True)
    rows = json.loads(plan_file().read_text())
    engine = "PostgreSQL" if db_url.startswith("postgres") else "SQLite"
    print(f"\n{engine}; {args.documents} documents, {args.items} catalog items, {args.search} search pages; "
          f"gunicorn {args.workers} workers, {args.connections} connections, {args.rounds} rounds of "
          f"{args.seconds:.0f} s per page")
    if not args.port:
        import socket

        with socket.socket() as probe:  # a free port: a server left running elsewhere is never measured
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{args.port}"
    server = serve(env, args.port, args.workers)
    try:
        print(f"\n{'page':32} {'x plain':>8} {'req/s':>8} {'plain':>8} {'queries':>8} {'(plain)':>8}")
        plain_queries = {r["url"]: r["queries"] for r in rows if "plain" not in r}
        for row in rows:
            if "plain" not in row or args.only not in row["label"]:
                continue
            ratio, plain_rate, rate = compare(base, row["plain"], row["url"], args.rounds, args.seconds,
                                              args.connections)
            print(f"{row['label']:32} {ratio:7.2f}x {rate:8.1f} {plain_rate:8.1f} {row['queries']:8d} "
                  f"{plain_queries[row['plain']]:8d}", flush=True)
    finally:
        server.terminate()
        server.wait(30)

    server = serve({**env, "GOVOPEN_BENCH_CACHE_MIDDLEWARE": "1"}, args.port, args.workers)
    try:
        print("\nBehind Django's cache middleware (local memory, per worker):")
        for row in rows:
            if row["label"] in ("library listing", "catalog table") and args.only in row["label"]:
                ratio, bare, cached = compare(base, "/bench/bare/", row["url"], args.rounds, args.seconds,
                                              args.connections)
                print(f"{row['label'] + ', cached':32} {ratio:7.2f}x of the bare Django view "
                      f"({cached:.0f} vs {bare:.0f} req/s)", flush=True)
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
