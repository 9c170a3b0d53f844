"""What the benchmarks share: a fresh database and timing a URL."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def fresh_database() -> str:
    """Set Django up on an empty, migrated database: SQLite in memory, or
    DATABASE_URL's server under the name ``<name>_bench``. Returns the engine."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if engine != "sqlite3":
        from django.db import connection

        settings.DATABASES["default"]["NAME"] = settings.DATABASES["default"]["NAME"] + "_bench"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0)
    return engine


def measure(client, url: str, requests: int) -> tuple[list[float], int]:
    """Latencies (ms) of ``requests`` GETs after a warm-up, and the queries one GET runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, queries
