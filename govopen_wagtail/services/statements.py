"""A cursor for the plugin's own statements on its busiest paths.

Every routed request reads its site (with the change stamp's subqueries)
and its page, and every comment reads its group's candidates and uses up
its captcha, each in a statement written here in SQL. On PostgreSQL,
planning those statements cost the database more than running them (the
site's, with its ten subqueries: 0.3 ms to plan, 0.07 ms to run), and
Django's client-side binding quoted every parameter into the text in
Python. :func:`cursor` gives those statements a cursor that sends the
parameters apart and prepares each statement the first time a connection
runs it, so the database plans it once per connection.

With ``CONN_HEALTH_CHECKS``, the first of these statements in a request
also stands for Django's ``SELECT 1`` check (see :func:`cursor`).

Django's own queries are left as Django makes them: Django keeps
server-side binding off by default, as some ORM statements fail with it.

A connection pooler that hands a session's statements to other server
connections (PgBouncer in transaction mode before 1.21, or with
``max_prepared_statements = 0``) loses prepared statements: set
``GOVOPEN_PREPARE_STATEMENTS = False``, or the database's
``OPTIONS["prepare_threshold"]`` to ``None``, and these statements are run
as Django runs its own.
"""

from __future__ import annotations

from ..conf import govopen_settings

# A connection's ``prepare_threshold`` while Django leaves it at ``None``
# (nothing prepared): never reached by counting, so only the statements
# run here, which ask for it, are prepared.
_ONLY_WHEN_ASKED = 2**62

_classes: dict | None = None


def _cursor_classes() -> dict:
    """The cursor and its wrappers, made on first use (psycopg is imported
    only on PostgreSQL): ``(checks, logged)`` -> wrapper class, where
    ``checks``: the statement stands for the request's health check, and
    ``logged``: Django is logging queries."""
    global _classes
    if _classes is None:
        from django.db import InterfaceError, OperationalError
        from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, CursorDebugWrapper, ServerBindingCursor
        from django.db.backends.postgresql.psycopg_any import register_tzloader
        from django.db.backends.utils import CursorWrapper
        from psycopg import ClientCursor
        from psycopg.pq import Format
        from psycopg.types.numeric import Int8

        class PreparingCursor(ServerBindingCursor):
            """Binds on the server and prepares every statement it runs."""

            def execute(self, query, params=None, *, prepare=None, binary=None):
                if params:
                    # psycopg sends an int as the smallest type that holds
                    # it, and a prepared statement is kept per parameter
                    # types: one type for all keeps one statement.
                    params = [Int8(p) if type(p) is int else p for p in params]
                return super().execute(query, params, prepare=True if prepare is None else prepare,
                                       binary=binary)

        def new_cursor(connection):
            raw = connection.connection
            if raw.prepare_threshold is None:
                raw.prepare_threshold = _ONLY_WHEN_ASKED
            made = PreparingCursor(raw)
            # As Django's ``create_cursor``: the connection's zone, if it differs.
            if connection.timezone != raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
                register_tzloader(connection.timezone, made)
            return made

        class LoggedCursor(CursorDebugWrapper):
            """Logs the statement with its values in place, as Django's own
            queries are logged (Django reads a prepared statement's text as
            nothing)."""

            def execute(self, sql, params=None):
                with self.debug_sql(ClientCursor(self.cursor.connection).mogrify(sql, params)):
                    return CursorWrapper.execute(self, sql, params)

        class Checks:
            """The request's first statement, standing for Django's health
            check: where the server has closed the connection since the last
            request (a restart), what the check would have found, the
            statement is run again once on a new connection. Only a read:
            a write whose connection dropped may have been done already."""

            def execute(self, sql, params=None):
                try:
                    return super().execute(sql, params)
                except (OperationalError, InterfaceError):
                    raw = self.cursor.connection
                    if (not (raw.broken or raw.closed) or self.db.in_atomic_block
                            or sql.lstrip()[:6].upper() != "SELECT"):
                        raise
                self.db.close()
                self.db.ensure_connection()
                with self.db.wrap_database_errors:
                    self.cursor = new_cursor(self.db)
                return super().execute(sql, params)

        _classes = {
            "new_cursor": new_cursor,
            (False, False): CursorWrapper,
            (False, True): LoggedCursor,
            (True, False): type("CheckingCursor", (Checks, CursorWrapper), {}),
            (True, True): type("CheckingLoggedCursor", (Checks, LoggedCursor), {}),
        }
    return _classes


def prepares(connection) -> bool:
    """Whether :func:`cursor` prepares statements on ``connection``."""
    if connection.vendor != "postgresql" or not govopen_settings.PREPARE_STATEMENTS:
        return False
    options = connection.settings_dict.get("OPTIONS", {})
    if "prepare_threshold" in options and options["prepare_threshold"] is None:
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return is_psycopg3


def cursor(connection):
    """A cursor (Django's wrapper, so queries are logged and counted as any
    other) for one of the plugin's statements: prepared on PostgreSQL (see
    the module's docstring), Django's own cursor elsewhere.

    With ``CONN_HEALTH_CHECKS``, Django checks a kept connection with a
    ``SELECT 1`` before a request's first query: a round trip of its own on
    every request. When that first query is one of these (as on every routed
    page) and no transaction is open, the statement itself is the check: it
    is run again once on a new connection if the old one turns out closed,
    which is what the check would have done."""
    if not prepares(connection):
        return connection.cursor()
    # What ``connection.cursor()`` does, with another cursor class.
    checks = (connection.health_check_enabled and not connection.health_check_done
              and connection.connection is not None and not connection.in_atomic_block)
    if checks:
        connection.health_check_done = True
    else:
        connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        classes = _cursor_classes()
        made = classes["new_cursor"](connection)
        connection.validate_thread_sharing()
        return classes[checks, connection.queries_logged](made, connection)
