"""Figures for disclosure on application and the annual report, printed:
the cost of registering an application, of a reply letter (Word + PDF), of
the case list (queries per page, flat in the number of cases) and of
computing a year's tables 二/三/四 from N applications.

    .venv/bin/python bench/applications.py [N]      (default N = 2000)

Runs against a throw-away SQLite database with the test settings; absolute
times on a shared machine are noise, the ratios and query counts are not.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main(n: int) -> None:
    import django

    django.setup()
    from django.test.utils import setup_test_environment, get_runner
    from django.conf import settings

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        run(n)
    finally:
        runner.teardown_databases(old)


def run(n: int) -> None:
    import datetime as dt
    import random

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from govopen_wagtail import application_rules as rules
    from govopen_wagtail.services import annual_report, applications as cases
    from govopen_wagtail.services.letters import make_letter
    from tests.factories import application_input, make_application_page, make_platform, make_site

    platform = make_platform(make_site())
    page = make_application_page(platform.index)
    random.seed(1)
    kinds = [c for c, _l in rules.APPLICANT_COLUMNS]
    outcomes = [o.code for o in rules.OUTCOMES if not o.code.startswith("other_1")]
    start = time.perf_counter()
    made = []
    for i in range(n):
        day = dt.date(2025, 1, 2) + dt.timedelta(days=random.randrange(0, 540))
        kind = random.choice(kinds)
        extra = {} if kind == "natural" else {"id_type": "credit_code", "id_number": "91350500MA2Y0N1F1A"}
        made.append(cases.submit_application(page, application_input(
            channel="post", received_on=min(day, dt.date(2026, 11, 30)), applicant_type=kind, **extra))[0])
    register = (time.perf_counter() - start) / n
    for application in made:
        if random.random() < 0.85:
            reply_day = min(cases.local_today(), application.received_on + dt.timedelta(days=random.randrange(1, 40)))
            cases.record_reply(application, outcome=random.choice(outcomes), reason="理由", on=reply_day)
    print(f"applications registered: {n}; {register * 1000:.1f} ms each (receipt number under a row lock)")

    start = time.perf_counter()
    letters = 10
    for application in made[:letters]:
        if application.outcome:
            make_letter(application, "reply")
    print(f"reply letter, Word + PDF: {(time.perf_counter() - start) / letters * 1000:.0f} ms each")

    start = time.perf_counter()
    computed = annual_report.compute(platform.site, 2025)
    elapsed = time.perf_counter() - start
    print(f"annual report 2025 from {n} applications: {elapsed * 1000:.0f} ms; "
          f"新收 {computed.figures['t3.new.total']}, 结转下年度 {computed.figures['t3.carried_out.total']}")

    admin = get_user_model().objects.create_superuser("bench", "b@example.invalid", "pw")
    client = Client()
    client.force_login(admin)
    url = "/admin/govopen_wagtail/informationapplication/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        client.get(url)
        elapsed = time.perf_counter() - start
    print(f"case list (first page of {n}): {len(ctx.captured_queries)} queries, {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
