"""Cache of library listings: the ordered ids and facets for a filter.

Filtering and sorting thousands of documents through the validity
expression costs far more than rendering twenty rows, and the answer only
changes when a document or its history does. So the ordered list of ids
(and the filter options) is cached under a key that includes a *stamp* read
from the database in one cheap query (see :func:`stamp`). Any publish,
unpublish, delete, move, edit, recorded event or restriction changes the
stamp, in every process, whatever cache backend the site uses. The date is part of the key,
so documents still expire at midnight with nothing to run.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
import time
from collections import OrderedDict
from typing import Any, Callable

from asgiref.local import Local
from django.core.cache import cache
from wagtail.models import PageViewRestriction

from ..conf import govopen_settings
from . import statements

TIMEOUT = 3600

# What one GET reads more than once (the stamp, the restricted sections) is
# read once: a page, its listings, the HTTP-cache check and the “report an
# error” link each asked again. Only safe requests keep a memo, so a POST
# that writes and then reads sees its own change.
_request = Local()


def request_started(sender=None, environ=None, scope=None, **kwargs) -> None:
    method = (environ or {}).get("REQUEST_METHOD") or (scope or {}).get("method")
    _request.memo = {} if method in ("GET", "HEAD") else None


def request_finished(sender=None, **kwargs) -> None:
    _request.memo = None


def memo_active() -> bool:
    """Whether this is a safe request, whose reads may be kept (see memo)."""
    return getattr(_request, "memo", None) is not None


def remember(name: str, value: Any) -> None:
    """Keep ``value`` as ``name`` for the rest of a safe request."""
    values = getattr(_request, "memo", None)
    if values is not None:
        values.setdefault(name, value)


def memo(name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, once per safe request (every time outside one)."""
    values = getattr(_request, "memo", None)
    if values is None:
        return compute()
    if name not in values:
        values[name] = compute()
    return values[name]


def memo_stamp() -> tuple | None:
    """The stamp, if this safe request has read it already; else ``None``."""
    values = getattr(_request, "memo", None)
    return values.get("stamp") if values else None


def stamp(library=None) -> tuple:
    """Changes whenever anything a listing shows can have changed.

    Built from maxima of primary keys, which the database reads from an
    index, so it costs the same for ten documents or a hundred thousand:
    Wagtail's page log (publish, unpublish, move, delete, copy), revisions
    (every edit), the validity ledger, the published Word/PDF files (made
    after a publish, which a document page shows with their hashes), view
    restrictions (their count too, as deleting one is not logged when done
    in code), the catalog entries (not pages: their newest change and
    their count) and the sites' organisation profiles (their newest edit).
    """
    return memo("stamp", _read_stamp)


def _read_stamp() -> tuple:
    from django.db import connection

    with statements.cursor(connection) as cursor:
        cursor.execute("SELECT " + ", ".join(stamp_columns(connection)))
        return take_stamp(cursor.fetchone())


def stamp_columns(connection) -> list[str]:
    """The stamp's scalar subqueries, for a statement's select list: site
    routing reads them with the site, so a page's request makes one query
    for both (see ``take_stamp``)."""
    columns = _stamp_columns.get(connection.vendor)
    if columns is None:
        columns = _stamp_columns[connection.vendor] = _build_stamp_columns(connection)
    return columns


def take_stamp(values) -> tuple:
    """The stamp from the values of :func:`stamp_columns`, kept for the rest
    of a safe request as if :func:`stamp` had read it."""
    *row, comments = values
    remember("comments_version", comments)
    current = tuple(row)
    remember("stamp", current)
    return current


# The stamp's subqueries by database vendor: built once (the history model's
# manager alone, which simple_history makes anew on each access, cost more
# of a request than running the query).
_stamp_columns: dict[str, list[str]] = {}


def _build_stamp_columns(connection) -> list[str]:
    from django.db.models.sql import Query
    from wagtail.models import PageLogEntry, Revision

    from ..models import CatalogCategory, ConsultationComment, OrganisationProfile, PublishedFile, ValidityEvent
    from ..models.consultations import PUBLIC_CHANGE

    # One statement of scalar subqueries, each answered from an index; an
    # aggregate over the log with the others inside it made SQLite visit
    # every log row.
    q = connection.ops.quote_name
    parts = [
        f"(SELECT MAX({q(m._meta.pk.column)}) FROM {q(m._meta.db_table)})"
        for m in (PageLogEntry, Revision, ValidityEvent, PublishedFile, PageViewRestriction)
    ]
    parts.append(f"(SELECT COUNT(*) FROM {q(PageViewRestriction._meta.db_table)})")
    # Catalog entries are not pages: their newest change, and their number
    # (a deletion leaves no newer change).
    entries = q(CatalogCategory._meta.db_table)
    parts.append(f"(SELECT MAX({q('changed_at')}) FROM {entries})")
    parts.append(f"(SELECT COUNT(*) FROM {entries})")
    # The sites' profiles (a handful of rows): their newest edit.
    parts.append(f"(SELECT MAX({q('changed_at')}) FROM {q(OrganisationProfile._meta.db_table)})")
    # Not part of the stamp (a comment must not renew every page's caches),
    # but read with it: the consultation pages' comments follow it, and it
    # saves them a query of their own (see comments_version). Its condition
    # is written as the partial index's is (values in the statement, not
    # parameters), so that SQLite, like PostgreSQL, reads it from the index.
    history = ConsultationComment.history.model
    query = Query(model=history, alias_cols=False)
    where, params = query.build_where(PUBLIC_CHANGE).as_sql(query.get_compiler(connection=connection), connection)
    where = where % tuple(connection.schema_editor().quote_value(p) for p in params)
    parts.append(f"(SELECT MAX({q(history._meta.pk.column)}) FROM {q(history._meta.db_table)} WHERE {where})")
    return parts


def key(library, *parts, current_stamp: tuple | None = None) -> str:
    """Cache key for ``parts`` of ``library`` (any page or record with a
    ``pk``; ``None`` for what belongs to the whole install) under the stamp."""
    current_stamp = stamp(library) if current_stamp is None else current_stamp
    raw = "|".join(str(p) for p in (getattr(library, "pk", None), current_stamp, *parts))
    return "govopen:library:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(cache_key: str, compute, timeout: int = TIMEOUT):
    value = fetch(cache_key, timeout)
    if value is None:
        value = compute()
        store(cache_key, value, timeout)
    return value


class LocalCopies:
    """Values under stamped keys, kept in this process as well.

    A key made by :func:`key` names one state of the content (the stamp, and
    whatever else the value depends on), so what is stored under it never
    changes; only its time runs out. A page's GET read eight of them from
    the shared cache, each a round trip to Redis costing the worker more
    CPU than a query. Copies are kept pickled, so every reader gets objects
    of its own (as from the shared cache), for at most
    ``GOVOPEN_LOCAL_CACHE_SECONDS`` (and never longer than the shared
    entry's own timeout), within ``GOVOPEN_LOCAL_CACHE_BYTES``, the oldest
    used dropped first.
    """

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, cache_key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(cache_key)
            if entry is None:
                return None
            if time.monotonic() >= entry[1]:
                self._drop(cache_key)
                return None
            self._entries.move_to_end(cache_key)
            return entry[0]

    def set(self, cache_key: str, data: bytes, timeout: float | None) -> None:
        seconds = govopen_settings.LOCAL_CACHE_SECONDS
        budget = govopen_settings.LOCAL_CACHE_BYTES
        if timeout is not None:
            seconds = min(seconds, timeout)
        # One value may take a sixteenth of the budget: a large export is
        # read rarely, and would push out the many small parts of every page.
        if seconds <= 0 or len(data) > budget // 16:
            return
        with self._lock:
            self._drop(cache_key)
            self._entries[cache_key] = (data, time.monotonic() + seconds)
            self._size += len(data)
            while self._size > budget and self._entries:
                self._drop(next(iter(self._entries)))

    def _drop(self, cache_key: str) -> None:
        entry = self._entries.pop(cache_key, None)
        if entry is not None:
            self._size -= len(entry[0])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


local_copies = LocalCopies()


def fetch(cache_key: str, timeout: int = TIMEOUT) -> Any:
    """The value under a stamped key (see :func:`key`), from this process's
    copy or the shared cache; ``None`` when neither has it. ``timeout``: the
    one the value is stored with, which its copy here does not outlive."""
    data = local_copies.get(cache_key)
    if data is not None:
        return pickle.loads(data)
    value = cache.get(cache_key)
    if value is not None and govopen_settings.LOCAL_CACHE_SECONDS > 0:
        local_copies.set(cache_key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), timeout)
    return value


def store(cache_key: str, value: Any, timeout: int = TIMEOUT) -> None:
    """Store ``value`` under a stamped key, shared and in this process."""
    cache.set(cache_key, value, timeout)
    if govopen_settings.LOCAL_CACHE_SECONDS > 0:
        local_copies.set(cache_key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), timeout)
