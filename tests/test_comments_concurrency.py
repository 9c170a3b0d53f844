"""Concurrent submissions on PostgreSQL: every accepted comment is saved
once, with its own receipt, and none is accepted after the closing instant.

SQLite serialises writers, so these tests run where CI runs the suite on
PostgreSQL (DATABASE_URL); bench/consultation_load.py does the same over
HTTP with gunicorn at scale.
"""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from govopen_wagtail.models import ConsultationComment
from govopen_wagtail.services import comments as service
from tests.factories import comment_input, make_consultation, make_consultation_index, make_platform, make_site

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


def run_threads(count, target):
    results, barrier = [None] * count, threading.Barrier(count)

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # collected and asserted on below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def page():
    platform = make_platform(make_site())
    return make_consultation(make_consultation_index(platform.index))


def test_concurrent_distinct_comments_are_all_saved_once(page):
    results = run_threads(24, lambda i: service.submit_comment(page.pk, comment_input(f"并发意见第{i}条，内容各不相同。")))
    assert all(isinstance(r, tuple) and r[1] for r in results), results
    receipts = {r[0].receipt_number for r in results}
    assert len(receipts) == 24
    assert set(ConsultationComment.objects.values_list("receipt_number", flat=True)) == receipts


def test_the_same_form_sent_concurrently_is_saved_once(page):
    results = run_threads(12, lambda i: service.submit_comment(page.pk, comment_input("同一表单重复提交"), token="same-token"))
    assert all(isinstance(r, tuple) for r in results), results
    assert len({r[0].pk for r in results}) == 1
    assert sum(1 for r in results if r[1]) == 1
    assert ConsultationComment.objects.count() == 1


def test_submissions_racing_the_closing_instant(page):
    closes = timezone.now() + dt.timedelta(seconds=1)
    type(page).objects.filter(pk=page.pk).update(closes_at=closes)

    def submit(i):
        time.sleep(0.05 * i)  # 0 … 1.5 s: about two thirds before the close
        return service.submit_comment(page.pk, comment_input(f"临近截止的意见{i}号，请予考虑。"))

    results = run_threads(30, submit)
    accepted = [r[0] for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, service.CommentRefused)]
    assert len(accepted) + len(refused) == 30, results
    assert accepted and refused
    assert all(r.code == "closed" for r in refused)
    saved = ConsultationComment.objects.all()
    assert saved.count() == len(accepted)
    assert all(c.received_at < closes for c in saved)
