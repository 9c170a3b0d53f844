"""The plugin's statements on its busiest paths are prepared once per
connection on PostgreSQL (``services.statements``), and run as Django runs
its own where that is turned off or the database is another."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from govopen_wagtail.models import DisclosureItemPage
from govopen_wagtail.services import compiled_reads, statements
from tests.factories import publish

postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")


def prepared(fragment: str) -> int:
    """How many statements this connection has prepared whose text has ``fragment``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"])
        return cursor.fetchone()[0]


@postgresql
def test_a_routed_page_s_site_and_page_statements_are_prepared_once_per_connection(client, platform):
    page = publish(platform.index, DisclosureItemPage(title="一处", slug="one"))
    for _ in range(3):
        assert client.get(page.url).status_code == 200
    assert prepared('"wagtailcore_site"."hostname" = $1') == 1
    assert prepared('FROM "govopen_wagtail_disclosureitempage"') == 1


@postgresql
def test_keys_of_every_size_share_one_prepared_statement(platform):
    page = publish(platform.index, DisclosureItemPage(title="一处", slug="one"))
    # psycopg would send 7 as a smallint and 2**40 as a bigint: two statements.
    for pk in (page.pk, 7, 2**40):
        try:
            compiled_reads.get_by_pk(DisclosureItemPage, pk)
        except DisclosureItemPage.DoesNotExist:
            pass
    assert prepared('FROM "govopen_wagtail_disclosureitempage"') == 1


@postgresql
def test_a_prepared_statement_is_logged_with_its_values_as_django_logs_its_own(platform):
    page = publish(platform.index, DisclosureItemPage(title="一处", slug="one"))
    with CaptureQueriesContext(connection) as ctx:
        assert compiled_reads.get_by_pk(DisclosureItemPage, page.pk).title == "一处"
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert sql.endswith(f"= {page.pk}") and "$1" not in sql


@pytest.mark.django_db
def test_statements_run_as_django_s_own_where_preparing_is_off_or_unknown(monkeypatch):
    django_cursor = type(connection.cursor().cursor)
    if connection.vendor == "postgresql":
        assert statements.prepares(connection)
        assert type(statements.cursor(connection).cursor) is not django_cursor
    else:
        assert not statements.prepares(connection)
    with override_settings(GOVOPEN_PREPARE_STATEMENTS=False):
        assert not statements.prepares(connection)
        assert type(statements.cursor(connection).cursor) is django_cursor
    # A pooler's setting: the database told to prepare nothing.
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {**connection.settings_dict["OPTIONS"],
                                                                "prepare_threshold": None})
    assert not statements.prepares(connection)
    assert type(statements.cursor(connection).cursor) is django_cursor


@postgresql
@pytest.mark.django_db
def test_django_s_own_queries_are_not_prepared():
    statements.cursor(connection).close()  # the connection now prepares when asked
    for _ in range(10):
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s + 1 AS govopen_probe", [1])
    assert prepared("govopen_probe") == 0
