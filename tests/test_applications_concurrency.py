"""Receipt numbers under concurrency, on PostgreSQL: every application gets
its own number, numbers run without duplicates, a number once handed out is
never handed out again, and one form sent many times at once is saved once.

SQLite serialises writers, so these run where CI runs the suite on
PostgreSQL (DATABASE_URL).
"""

import pytest
from django.db import connection

from govopen_wagtail.models import ApplicationCounter, InformationApplication
from govopen_wagtail.services import applications as service
from tests.factories import application_input, make_application_page, make_platform, make_site
from tests.test_comments_concurrency import run_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


@pytest.fixture
def page():
    return make_application_page(make_platform(make_site()).index)


def test_concurrent_applications_get_distinct_consecutive_numbers(page):
    results = run_threads(24, lambda i: service.submit_application(page, application_input(name=f"申请人{i}")))
    assert all(isinstance(r, tuple) and r[2] for r in results), results
    serials = sorted(r[0].serial for r in results)
    assert serials == list(range(1, 25))
    assert InformationApplication.objects.values("receipt_number").distinct().count() == 24
    # A deleted application's number stays taken.
    InformationApplication.objects.filter(serial=24).delete()
    nxt = service.submit_application(page, application_input())[0]
    assert nxt.serial == 25
    assert ApplicationCounter.objects.get(kind="receipt").last_serial == 25


def test_the_same_form_sent_concurrently_is_saved_once(page):
    results = run_threads(12, lambda i: service.submit_application(page, application_input(), token="same"))
    assert all(isinstance(r, tuple) for r in results), results
    assert len({r[0].pk for r in results}) == 1 and len({r[1] for r in results}) == 1
    assert InformationApplication.objects.count() == 1
