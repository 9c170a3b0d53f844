"""Search in the site's own database (SQLite or PostgreSQL) with jieba.

Both the pages' text and the query are segmented into words; a page matches
when every word of the query is among its words (title or body), found
through the database's own index (``search.dbindex``: a GIN index on
PostgreSQL, FTS5 on SQLite), so the cost follows the matches. Ranking:
a document number that matches outright, then words in the title, then in
the body, then the newest.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from ...models.search import SearchEntry
from .. import dbindex, segment
from ..base import Hit, SearchQuery, SearchResults, highlight

SNIPPET_CHARS = 120


class DatabaseBackend:
    name = "database"

    def __init__(self, **options) -> None:
        self.options = options

    # Indexing ---------------------------------------------------------------

    def index(self, doc: dict) -> None:
        SearchEntry.objects.update_or_create(page_id=doc["page_id"], defaults=self._row(doc))

    def _row(self, doc: dict) -> dict:
        return {
            "kind": doc["kind"],
            "title": doc["title"][:255],
            "title_words": segment.index_string(doc["title"] + " " + doc.get("number", "")),
            "body": doc.get("body", ""),
            "body_words": segment.index_string(doc.get("body", "")),
            "number": doc.get("number", ""),
            "number_key": doc.get("number_key", ""),
            "number_year": doc.get("number_year"),
            "number_serial": doc.get("number_serial"),
            "date": doc.get("date"),
            "year": doc.get("year"),
            "issuers": "|" + "|".join(doc.get("issuers", [])) + "|" if doc.get("issuers") else "",
            "category": doc.get("category", ""),
            "validity": doc.get("validity", ""),
        }

    def bulk_index(self, docs, progress=None) -> int:
        count = 0
        batch = []
        for doc in docs:
            batch.append(SearchEntry(page_id=doc["page_id"], **self._row(doc)))
            if len(batch) >= 500:
                count += self._flush(batch)
                batch = []
                if progress:
                    progress(count)
        count += self._flush(batch)
        if progress:
            progress(count)
        return count

    def _flush(self, batch) -> int:
        if not batch:
            return 0
        with transaction.atomic():
            SearchEntry.objects.filter(page_id__in=[e.page_id for e in batch]).delete()
            SearchEntry.objects.bulk_create(batch)
        return len(batch)

    def delete(self, page_id: int) -> None:
        SearchEntry.objects.filter(page_id=page_id).delete()

    def clear(self) -> None:
        SearchEntry.objects.all().delete()

    def rebuild(self, docs, progress=None) -> int:
        with transaction.atomic():
            self.clear()
            return self.bulk_index(docs, progress)

    # Searching --------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        words = segment.query_words(query.text)
        entries = SearchEntry.objects.exclude(page_id__in=query.exclude_ids) if query.exclude_ids \
            else SearchEntry.objects.all()
        if query.within_path:
            entries = entries.filter(page__path__startswith=query.within_path)
        score = Value(0, output_field=IntegerField())
        number_match = Q(pk__in=[])
        if query.number_key:
            number_match = Q(number_key=query.number_key)
        loose = query.loose_number
        if loose:
            number_match |= Q(number_year=loose[0], number_serial=loose[1])
        if words:
            for word in words:
                # Ranking looks at the matched rows only, never the corpus.
                needle = f" {word} "
                score = score + Case(When(title_words__contains=needle, then=Value(10)), default=Value(0),
                                     output_field=IntegerField())
                score = score + Case(When(body_words__contains=needle, then=Value(1)), default=Value(0),
                                     output_field=IntegerField())
            entries = entries.filter(Q(dbindex.HasWords(words)) | number_match)
        elif query.number_key or loose:
            entries = entries.filter(number_match)
        elif query.text:
            entries = entries.none()  # only punctuation, emoji …: nothing to look for
        if query.number_key or loose:
            score = score + Case(When(number_match, then=Value(100)), default=Value(0), output_field=IntegerField())
        for name, value in query.filters.items():
            if name == "issuer":
                entries = entries.filter(issuers__contains=f"|{value}|")
            else:
                entries = entries.filter(**{name: value})
        facets = self._facets(entries)
        entries = entries.annotate(score=score)
        if query.sort == "date":
            entries = entries.order_by(Coalesce("date", Value(None)).desc(nulls_last=True), "-score", "-pk")
        else:
            entries = entries.order_by("-score", "-date", "-pk")
        total = facets.pop("_total")
        start = (query.page - 1) * query.per_page
        rows = list(entries.values("page_id", "kind", "title", "body", "date", "number", "score")[
            start : start + query.per_page])
        # A document number is found as a whole: marking its segmented pieces
        # (泉, 号, 85 …) would scatter marks over unrelated characters.
        marks = [query.number_key] if query.number_key else ([] if loose else words)
        hits = [
            Hit(page_id=r["page_id"], kind=r["kind"], title_html=highlight(r["title"], marks),
                snippet_html=highlight(r["body"], marks, window=SNIPPET_CHARS), date=r["date"],
                number=r["number"], score=r["score"])
            for r in rows
        ]
        return SearchResults(total=total, hits=hits, facets=facets)

    def _facets(self, entries) -> dict:
        """The total and every facet from one grouped query.

        The matches are found once: grouped by all facet fields together, a
        few hundred combinations at most, whatever the number of matches;
        each facet is then summed from those. (Six queries, one per facet,
        each found the same thousands of matches again.)"""
        fields = ("kind", "year", "category", "validity", "issuers")
        counts = {name: Counter() for name in fields}
        total = 0
        for *values, n in entries.order_by().values_list(*fields).annotate(n=Count("pk")):
            total += n
            for name, value in zip(fields, values):
                if name == "issuers":
                    for issuer in value.strip("|").split("|") if value else ():
                        if issuer:
                            counts["issuers"][issuer] += n
                elif value not in ("", None):
                    counts[name][str(value)] += n

        def ranked(name):
            return sorted(counts[name].items(), key=lambda kv: (-kv[1], kv[0]))

        return {
            "_total": total,
            "kind": ranked("kind"),
            "year": sorted(ranked("year"), key=lambda kv: kv[0], reverse=True),
            "issuer": sorted(counts["issuers"].items(), key=lambda kv: (-kv[1], kv[0]))[:20],
            "category": ranked("category"),
            "validity": ranked("validity"),
        }
