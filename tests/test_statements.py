"""The plugin's statements on its busiest paths are prepared once per
connection on PostgreSQL (``services.statements``), and run as Django runs
its own where that is turned off or the database is another."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
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


def terminate_backend(db) -> int:
    """End ``db``'s server connection from another one, as a server restart
    between two requests would; returns the ended backend's pid."""
    backend = db.connection.info.backend_pid
    other = db.get_new_connection(db.get_connection_params())
    try:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])
        other.commit()
    finally:
        other.close()
    return backend


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


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_routed_request_s_first_statement_stands_for_the_health_check_even_after_a_restart(
        client, platform, monkeypatch):
    page = publish(platform.index, DisclosureItemPage(title="一处", slug="one"))
    assert client.get(page.url).status_code == 200
    # As with CONN_HEALTH_CHECKS = True: Django asks is_usable() (a SELECT 1)
    # before a request's first query on a kept db.
    db = connections[DEFAULT_DB_ALIAS]
    monkeypatch.setitem(db.settings_dict, "CONN_HEALTH_CHECKS", True)
    monkeypatch.setattr(db, "health_check_enabled", True)
    monkeypatch.setitem(db.settings_dict, "CONN_MAX_AGE", None)  # kept between requests
    monkeypatch.setattr(db, "close_at", None)
    checks = []
    usable = type(db).is_usable
    monkeypatch.setattr(type(db), "is_usable", lambda self: checks.append(1) or usable(self))

    def new_request():
        # What Django does as a request starts (the test client leaves it out).
        db.close_if_unusable_or_obsolete()
        assert db.health_check_done is False and db.connection is not None

    new_request()
    assert client.get(page.url).status_code == 200
    assert checks == []
    # The server ends the connection between two requests (a restart): the
    # next request's statement finds it closed and runs again on a new one.
    backend = terminate_backend(db)
    new_request()
    assert client.get(page.url).status_code == 200
    assert db.connection.info.backend_pid != backend
    assert checks == []
    # Inside a transaction the statement is not the check: Django's runs.
    new_request()
    from django.db import transaction

    with transaction.atomic():
        compiled_reads.get_by_pk(DisclosureItemPage, page.pk)
    assert checks == [1]


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_write_standing_for_the_health_check_is_not_sent_again_on_a_new_connection(platform, monkeypatch):
    from django.db import OperationalError

    db = connections[DEFAULT_DB_ALIAS]
    monkeypatch.setattr(db, "health_check_enabled", True)
    monkeypatch.setitem(db.settings_dict, "CONN_MAX_AGE", None)
    monkeypatch.setattr(db, "close_at", None)
    db.ensure_connection()
    terminate_backend(db)
    db.health_check_done = False
    # It may have been done before the connection dropped: the error is the
    # caller's to see, as without the stand-in.
    with pytest.raises(OperationalError):
        with statements.cursor(db) as cursor:
            cursor.execute("DELETE FROM wagtailcore_site WHERE id = %s", [-1])
    db.close()
