"""A model's row by primary key, its statement compiled once per process.

Making a routed page specific (Wagtail's ``page.specific``) is one query,
``Model._default_manager.get(id=…)``, and Django builds and compiles that
statement anew every time: on a consultation page that was most of the
cost of the query, a tenth of a comment's GET and POST in the worker.
The statement only depends on the model and the database, so it is
compiled once, by Django, from the same queryset, and run again with the
new key; values are converted and instances made as Django's own iterator
makes them (the converters looked up once per connection, also for the
site's rows, ``site_routing``). Anything the compiled statement cannot stand for unchanged (a
default manager that annotates or selects more than the model's fields)
is left to the ORM.
"""

from __future__ import annotations

import pickle
from typing import Any, Callable

from django.db import connections, router

from ..conf import govopen_settings
from . import statements

# (model, database alias) -> (sql, attnames, selected expressions), or None
# where the ORM must answer itself. Filled on first use; the same for every
# request and thread (converters are looked up on each thread's connection).
_statements: dict[tuple[type, str], tuple[str, list[str], list] | None] = {}

_PLACEHOLDER = -7_301_983  # a key no row has, to find its place among the parameters


def _compile(model: type, alias: str):
    # ``get`` drops the ordering too.
    queryset = model._default_manager.using(alias).filter(pk=_PLACEHOLDER).order_by()
    query = queryset.query
    if query.annotation_select or query.extra_select or query.select_related or query.deferred_loading[0]:
        return None
    compiler = query.get_compiler(alias)
    sql, params = compiler.as_sql()
    klass_info = compiler.klass_info or {}
    fields = klass_info.get("select_fields")
    if list(params) != [_PLACEHOLDER] or not fields or fields != list(range(len(compiler.select))):
        return None
    attnames = [expression.target.attname for expression, _sql, _alias in compiler.select]
    if set(attnames) != {field.attname for field in model._meta.concrete_fields}:
        return None
    return sql, attnames, [expression for expression, _sql, _alias in compiler.select]


def row_converters(connection, key: Any, expressions: Callable[[], list]) -> list:
    """The converters of a row's values read on ``connection``, as Django's
    own iterator applies them, found once per connection and ``key`` (what is
    read: ``expressions()`` gives its selected expressions, on first use):
    ``[(position, its converters, the expression)]`` for the values that
    need converting. Looking them up for every field of every row read cost
    as much as making the instance. Kept on the connection (the converters
    are its own methods), so they go with it."""
    known = connection.__dict__.setdefault("_govopen_row_converters", {})
    converters = known.get(key)
    if converters is None:
        converters = []
        for position, expression in enumerate(expressions()):
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if functions:
                converters.append((position, functions, expression))
        known[key] = converters
    return converters


def convert(values: list, converters: list, connection) -> list:
    """``values`` (a list, changed in place) converted by ``converters``."""
    for position, functions, expression in converters:
        value = values[position]
        for function in functions:
            value = function(value, expression, connection)
        values[position] = value
    return values


def get_by_pk(model: type, pk: Any, *, stamp: tuple | None = None):
    """``model._default_manager.get(pk=pk)``, read with a statement compiled
    once (see the module's docstring). Raises ``model.DoesNotExist`` as
    ``get`` does.

    ``stamp``: the change stamp read for this request, for a page's row: the
    row as read is then kept in this process under it (see ``_kept_row``)."""
    alias = router.db_for_read(model)
    key = (model, alias)
    if key not in _statements:
        _statements[key] = _compile(model, alias)
    statement = _statements[key]
    if statement is None:
        return model._default_manager.using(alias).get(pk=pk)
    sql, attnames, expressions = statement
    connection = connections[alias]

    def read():
        with statements.cursor(connection) as cursor:
            cursor.execute(sql, [pk])
            return cursor.fetchone()

    row = read() if stamp is None else _kept_row(model, alias, pk, stamp, read)
    if row is None:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    values = convert(list(row), row_converters(connection, key, lambda: expressions), connection)
    return model.from_db(alias, attnames, values)


def _kept_row(model: type, alias: str, pk: Any, stamp: tuple, read: Callable[[], Any]):
    """A page's row as the database sent it (before Django's converters, so
    every request makes objects of its own), kept in this process under the
    change stamp, as the base rows of the pages along an address already
    are (``GovopenPageMixin.route``): a page's fields change with a revision
    or a logged action (publish, unpublish, move, rename, lock, delete),
    which change the stamp. Kept here only, never in the shared cache: a
    round trip to it costs what reading the row does. Reading the routed
    page's row was about a twelfth of a comment's GET and POST in the worker."""
    from . import library_cache

    if govopen_settings.LOCAL_CACHE_SECONDS <= 0:
        return read()
    cache_key = library_cache.key(None, "row", model._meta.label_lower, alias, pk, current_stamp=stamp)
    data = library_cache.local_copies.get(cache_key)
    if data is not None:
        return pickle.loads(data)
    row = read()
    if row is not None:
        library_cache.local_copies.set(cache_key, pickle.dumps(tuple(row), pickle.HIGHEST_PROTOCOL),
                                       library_cache.TIMEOUT)
    return row


def specific(page, *, stamp: tuple | None = None):
    """``page.specific``, its row read by :func:`get_by_pk` (Wagtail's
    ``get_specific``: the same instance for a page already specific, the
    base page's other attributes carried over). ``stamp``: as for
    :func:`get_by_pk`."""
    if "specific" in page.__dict__:
        return page.__dict__["specific"]
    model = page.specific_class
    if model is None or isinstance(page, model):
        return page.specific
    instance = get_by_pk(model, page.pk, stamp=stamp)
    for name, value in page.__dict__.items():
        instance.__dict__.setdefault(name, value)
    page.__dict__["specific"] = instance
    return instance
