"""Search on an Elasticsearch (or OpenSearch-compatible) cluster, built
with elasticsearch-dsl.

The index is reached through an alias; a rebuild fills a new index and
swaps the alias in one step, so searches never see a half-built index.
Chinese text is analysed by the built-in ``cjk`` analyzer (bigrams) by
default; with the IK or smartcn plugin installed on the cluster, set
``OPTIONS["analyzer"]`` (and ``"search_analyzer"``), e.g. ``ik_max_word`` /
``ik_smart``. What users type is only ever used as text (``multi_match``),
never as query syntax.

OPTIONS: ``hosts`` (list of URLs), ``index`` (alias name, default
``govopen-pages``), ``analyzer``, ``search_analyzer``, ``timeout``,
``compatibility_headers`` (default True; False for OpenSearch-compatible
servers that refuse Elasticsearch 8's versioned media types), and any
other keyword the ``Elasticsearch`` client takes.
"""

from __future__ import annotations

import html
import time

from elastic_transport import Urllib3HttpNode
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk
from elasticsearch_dsl import A, Q, Search

from ..base import Hit, SearchQuery, SearchResults

SNIPPET_CHARS = 120


class PlainJsonNode(Urllib3HttpNode):
    """Sends plain ``application/json`` instead of Elasticsearch 8's
    ``application/vnd.elasticsearch+json; compatible-with=8``."""

    def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                value = headers.get(name)
                if value and "vnd.elasticsearch+" in value:
                    headers[name] = value.replace("vnd.elasticsearch+", "").split(";")[0]
        return super().perform_request(method, target, body=body, headers=headers, request_timeout=request_timeout)


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, hosts=("http://127.0.0.1:9200",), index="govopen-pages", analyzer="cjk",
                 search_analyzer=None, timeout=10, compatibility_headers=True, refresh=False, **client_options):
        self.alias = index
        self.analyzer = analyzer
        self.search_analyzer = search_analyzer or analyzer
        self.refresh = refresh
        if not compatibility_headers:
            client_options.setdefault("node_class", PlainJsonNode)
        self.client = Elasticsearch(list(hosts), request_timeout=timeout, **client_options)

    # Index management ---------------------------------------------------------

    def mapping(self) -> dict:
        text = {"type": "text", "analyzer": self.analyzer, "search_analyzer": self.search_analyzer}
        return {
            "properties": {
                "kind": {"type": "keyword"},
                "path": {"type": "keyword"},
                "title": text,
                "body": text,
                "number": {"type": "keyword"},
                "number_key": {"type": "keyword"},
                "number_year": {"type": "integer"},
                "number_serial": {"type": "integer"},
                "date": {"type": "date"},
                "year": {"type": "integer"},
                "issuers": {"type": "keyword"},
                "category": {"type": "keyword"},
                "validity": {"type": "keyword"},
            }
        }

    def _new_index(self) -> str:
        name = f"{self.alias}-{time.time_ns()}"
        self.client.indices.create(index=name, mappings=self.mapping(), settings={"number_of_shards": 1})
        return name

    def _aliased(self) -> list[str]:
        try:
            return list(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def ensure_index(self) -> None:
        if not self._aliased():
            name = self._new_index()
            self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])

    # Indexing -------------------------------------------------------------------

    def _source(self, doc: dict) -> dict:
        source = {k: v for k, v in doc.items() if k != "page_id" and v not in (None, "", [])}
        if doc.get("date"):
            source["date"] = doc["date"].isoformat()
        return source

    def index(self, doc: dict) -> None:
        self.ensure_index()
        self.client.index(index=self.alias, id=str(doc["page_id"]), document=self._source(doc),
                          refresh="true" if self.refresh else "false")

    def delete(self, page_id: int) -> None:
        try:
            self.client.delete(index=self.alias, id=str(page_id), refresh="true" if self.refresh else "false")
        except NotFoundError:
            pass

    def _bulk(self, index: str, docs, progress=None) -> int:
        count = 0

        def actions():
            nonlocal count
            for doc in docs:
                count += 1
                if progress and count % 500 == 0:
                    progress(count)
                yield {"_index": index, "_id": str(doc["page_id"]), "_source": self._source(doc)}

        bulk(self.client, actions(), chunk_size=500, refresh="true")
        if progress:
            progress(count)
        return count

    def bulk_index(self, docs, progress=None) -> int:
        self.ensure_index()
        return self._bulk(self.alias, docs, progress)

    def rebuild(self, docs, progress=None) -> int:
        """Fill a new index, then point the alias at it in one step."""
        old = self._aliased()
        name = self._new_index()
        count = self._bulk(name, docs, progress)
        actions = [{"remove": {"index": o, "alias": self.alias}} for o in old]
        actions.append({"add": {"index": name, "alias": self.alias}})
        self.client.indices.update_aliases(actions=actions)
        for o in old:
            self.client.indices.delete(index=o)
        return count

    def clear(self) -> None:
        for name in self._aliased():
            self.client.indices.delete(index=name)

    # Searching ---------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        self.ensure_index()
        search = Search(using=self.client, index=self.alias)
        should = []
        if query.text:
            should.append(Q("multi_match", query=query.text, fields=["title^3", "body"], operator="and"))
        if query.number_key:
            should.append(Q("term", number_key={"value": query.number_key, "boost": 20}))
        loose = query.loose_number
        if loose:
            should.append(Q("bool", filter=[Q("term", number_year=loose[0]), Q("term", number_serial=loose[1])],
                            boost=20))
        if should:
            search = search.query(Q("bool", should=should, minimum_should_match=1))
        for name, value in query.filters.items():
            search = search.filter("term", **{"issuers" if name == "issuer" else name: value})
        if query.within_path:
            search = search.filter("prefix", path=query.within_path)
        if query.exclude_ids:
            search = search.exclude("ids", values=[str(pk) for pk in sorted(query.exclude_ids)])
        for name, field in (("kind", "kind"), ("year", "year"), ("issuer", "issuers"), ("category", "category"),
                            ("validity", "validity")):
            search.aggs.bucket(name, A("terms", field=field, size=20))
        search = search.highlight_options(pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html")
        search = search.highlight("title", number_of_fragments=0).highlight(
            "body", fragment_size=SNIPPET_CHARS, number_of_fragments=1)
        if query.sort == "date":
            search = search.sort({"date": {"order": "desc", "missing": "_last"}}, "_score")
        else:
            search = search.sort("_score", {"date": {"order": "desc", "missing": "_last"}})
        start = (query.page - 1) * query.per_page
        search = search.extra(from_=start, size=query.per_page, track_total_hits=True)
        response = search.execute()
        hits = []
        for hit in response.hits:
            source = hit.to_dict()
            marked = getattr(hit.meta, "highlight", None)
            title = marked.title[0] if marked and "title" in marked else html.escape(source.get("title", ""))
            if marked and "body" in marked:
                snippet = marked.body[0]
            else:
                body = source.get("body", "")
                snippet = html.escape(body[:SNIPPET_CHARS]) + ("…" if len(body) > SNIPPET_CHARS else "")
            date = source.get("date")
            hits.append(Hit(page_id=int(hit.meta.id), kind=source.get("kind", ""), title_html=title,
                            snippet_html=snippet, date=_date(date), number=source.get("number", ""),
                            score=hit.meta.score or 0.0))
        facets = {}
        aggregations = response.aggregations.to_dict() if hasattr(response, "aggregations") else {}
        for name in ("kind", "year", "issuer", "category", "validity"):
            buckets = aggregations.get(name, {}).get("buckets", [])
            facets[name] = [(str(b["key"]), b["doc_count"]) for b in buckets]
        facets["year"] = sorted(facets["year"], key=lambda kv: kv[0], reverse=True)
        total = response.hits.total.value if hasattr(response.hits.total, "value") else int(response.hits.total)
        return SearchResults(total=total, hits=hits, facets=facets)


def _date(value):
    import datetime as dt

    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
