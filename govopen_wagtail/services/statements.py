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

_classes: tuple | None = None


def _cursor_classes() -> tuple:
    """(the cursor, the wrapper that logs its statements while Django logs
    queries, a function telling whether a cursor must be given the
    connection's time zone), made on first use: psycopg is imported only on
    PostgreSQL."""
    global _classes
    if _classes is None:
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

        class LoggedCursor(CursorDebugWrapper):
            """Logs the statement with its values in place, as Django's own
            queries are logged (Django reads a prepared statement's text as
            nothing)."""

            def execute(self, sql, params=None):
                with self.debug_sql(ClientCursor(self.cursor.connection).mogrify(sql, params)):
                    return CursorWrapper.execute(self, sql, params)

        def set_zone(connection, cursor) -> None:
            # As Django's ``create_cursor``: the connection's zone, if it differs.
            if connection.timezone != connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
                register_tzloader(connection.timezone, cursor)

        _classes = (PreparingCursor, LoggedCursor, set_zone)
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
    the module's docstring), Django's own cursor elsewhere."""
    if not prepares(connection):
        return connection.cursor()
    # What ``connection.cursor()`` does, with another cursor class.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection
        if raw.prepare_threshold is None:
            raw.prepare_threshold = _ONLY_WHEN_ASKED
        preparing, logged, set_zone = _cursor_classes()
        made = preparing(raw)
        set_zone(connection, made)
        connection.validate_thread_sharing()
        return logged(made, connection) if connection.queries_logged else connection.make_cursor(made)
