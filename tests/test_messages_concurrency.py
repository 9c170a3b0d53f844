"""Receipt numbers of public messages under concurrency, on PostgreSQL:
every message gets its own number, the numbers run without duplicates and
never repeat, and one form sent many times at once is saved once.

SQLite serialises writers, so these run where CI runs the suite on
PostgreSQL (DATABASE_URL).
"""

import pytest
from django.db import connection

from govopen_wagtail.models import ApplicationCounter, PublicMessage
from govopen_wagtail.services import applications, messages as service
from tests.factories import (
    application_input,
    make_application_page,
    make_message_page,
    make_platform,
    make_site,
    message_input,
)
from tests.test_comments_concurrency import run_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


@pytest.fixture
def platform():
    return make_platform(make_site())


def test_concurrent_messages_get_distinct_consecutive_numbers(platform):
    page = make_message_page(platform.index)
    results = run_threads(24, lambda i: service.submit_message(page, message_input(subject=f"留言{i}"),
                                                               token=f"t{i}"))
    assert all(isinstance(r, tuple) and r[2] for r in results), results
    assert sorted(r[0].serial for r in results) == list(range(1, 25))
    assert PublicMessage.objects.values("receipt_number").distinct().count() == 24
    PublicMessage.objects.filter(serial=24).delete()
    assert service.submit_message(page, message_input(), token="next")[0].serial == 25
    # Messages count apart from applications of the same site.
    office = make_application_page(platform.index)
    assert applications.submit_application(office, application_input())[0].serial == 1
    assert ApplicationCounter.objects.get(kind="message").last_serial == 25


def test_the_same_message_sent_concurrently_is_saved_once(platform):
    page = make_message_page(platform.index)
    results = run_threads(12, lambda i: service.submit_message(page, message_input(), token="same"))
    assert all(isinstance(r, tuple) for r in results), results
    assert len({r[0].pk for r in results}) == 1 and len({r[1] for r in results}) == 1
    assert PublicMessage.objects.count() == 1
