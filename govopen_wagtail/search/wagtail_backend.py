"""A Wagtail search backend that understands Chinese.

Wagtail's database backends (SQLite FTS5, PostgreSQL full text, MySQL) split
text into words at spaces and punctuation, so an unbroken Chinese sentence is
one "word" and a search for any word inside it finds nothing: the admin's page
search, the choosers and ``Page.objects.search()`` all miss 实施方案 in
关于印发2018年政务公开工作实施方案的通知. This backend is Wagtail's own
database backend for the site's database with the text segmented by jieba on
the way in (every word and the words inside it, as the plugin's own index
does) and the query segmented on the way out (every word of a query term must
be present). Everything else (ranking, filters, facets, autocomplete, the
index table, ``update_index``) is Wagtail's::

    WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "govopen_wagtail.search.wagtail_backend"},
    }

Run ``manage.py update_index`` once after switching, so that what was indexed
unsegmented is indexed again.
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils.encoding import force_str
from modelsearch.backends.database import SearchBackend as _database_backend
from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from modelsearch.query import And, Boost, Not, Or, Phrase, PlainText, SearchQuery

from .segment import index_words, normalise, tokenizer

__all__ = ["SearchBackend", "segment_query", "segment_text"]


def segment_text(value: Any) -> Any:
    """``value`` as space-separated index words, keeping lists and dicts as they are."""
    if value is None:
        return None
    if isinstance(value, list):
        return [segment_text(item) for item in value]
    if isinstance(value, dict):
        return {key: segment_text(item) for key, item in value.items()}
    return " ".join(index_words(force_str(value)))


def _term_words(term: str) -> list[str]:
    words = []
    for word in tokenizer().cut(normalise(term)):
        word = word.strip()
        # Punctuation alone is no word (the index drops it too).
        if word and any(ch.isalnum() for ch in word) and word not in words:
            words.append(word)
    return words


def segment_query(query: SearchQuery) -> SearchQuery | None:
    """The same query with every term cut into the words the index holds.

    A term that is several words requires all of them; terms are combined by
    the query's own operator. ``None`` when no word is left (punctuation only).
    """
    if isinstance(query, PlainText):
        terms = [words for words in map(_term_words, query.query_string.split()) if words]
        if not terms:
            return None
        if query.operator == "and" or len(terms) == 1:
            operator = "and" if query.operator == "and" or len(terms[0]) > 1 else query.operator
            return PlainText(" ".join(w for words in terms for w in words), operator=operator, boost=query.boost)
        if all(len(words) == 1 for words in terms):
            return PlainText(" ".join(words[0] for words in terms), operator="or", boost=query.boost)
        return Or([PlainText(" ".join(words), operator="and", boost=query.boost) for words in terms])
    if isinstance(query, Phrase):
        words = _term_words(query.query_string)
        if not words:
            return None
        # The index holds a word and the words inside it side by side, so
        # word order is not kept: the words must all be there.
        return PlainText(" ".join(words), operator="and") if len(words) > 1 else PlainText(words[0])
    if isinstance(query, (And, Or)):
        parts = [part for part in map(segment_query, query.subqueries) if part is not None]
        if not parts:
            return None
        return type(query)(parts) if len(parts) > 1 else parts[0]
    if isinstance(query, Not):
        inner = segment_query(query.subquery)
        return Not(inner) if inner is not None else None
    if isinstance(query, Boost):
        inner = segment_query(query.subquery)
        return Boost(inner, query.boost) if inner is not None else None
    return query  # MatchAll, Fuzzy: left to the backend


class _Unwrapping:
    """Makes a search field read its value from the indexed object itself."""

    def get_value(self, obj):
        return super().get_value(getattr(obj, "_segmented_object", obj))


class _Segmenting(_Unwrapping):
    def get_value(self, obj):
        return segment_text(super().get_value(obj))


_field_classes: dict[type, type] = {}


def _segmenting_field(field):
    if isinstance(field, RelatedFields):
        made = copy.copy(field)
        made.fields = [_segmenting_field(sub) for sub in field.fields]
        base = _Unwrapping
    elif isinstance(field, (SearchField, AutocompleteField)):
        made = copy.copy(field)
        base = _Segmenting
    else:
        return field  # filter fields are read from the model's table, not the index
    cls = type(field)
    if cls not in _field_classes:
        _field_classes[cls] = type(f"Segmenting{cls.__name__}", (base, cls), {})
    made.__class__ = _field_classes[cls]
    return made


_model_fields: dict[type, list] = {}


class _SegmentedObject:
    """An object to index, as Wagtail's indexer sees it: the same, with its text segmented.

    The indexer reads only ``pk`` and ``get_search_fields()``; the fields
    read the real object.
    """

    __slots__ = ("_segmented_object",)

    def __init__(self, obj):
        self._segmented_object = obj

    def get_search_fields(self):
        model = type(self._segmented_object)
        if model not in _model_fields:
            _model_fields[model] = [_segmenting_field(field) for field in self._segmented_object.get_search_fields()]
        return _model_fields[model]

    def __getattr__(self, name):
        return getattr(self._segmented_object, name)


class _SegmentingIndex:
    def add_items(self, model, objs):
        return super().add_items(model, [_SegmentedObject(obj) for obj in objs])


class _SegmentingBackend:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if isinstance(query, str):
            operator = kwargs.get("operator") or query_compiler_class.DEFAULT_OPERATOR
            query = PlainText(query, operator=operator)
        if isinstance(query, SearchQuery):
            query = segment_query(query)
            if query is None:
                query = ""  # nothing searchable: Wagtail answers with no results
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


_backend_classes: dict[type, type] = {}


def _segmenting_class(cls: type) -> type:
    if cls not in _backend_classes:
        attrs = {"__module__": __name__, "__doc__": f"{cls.__name__} with Chinese text segmented."}
        index_class = getattr(cls, "index_class", None)
        if index_class is not None:
            attrs["index_class"] = type(
                f"Segmenting{index_class.__name__}", (_SegmentingIndex, index_class), {"__module__": __name__}
            )
        _backend_classes[cls] = type(f"Segmenting{cls.__name__}", (_SegmentingBackend, cls), attrs)
    return _backend_classes[cls]


def SearchBackend(params):  # noqa: N802 (Wagtail looks a backend module's SearchBackend up by this name)
    """Wagtail's database backend for the default database, segmenting Chinese."""
    backend = _database_backend(params)
    backend.__class__ = _segmenting_class(type(backend))
    return backend
