"""The database's word index (search.dbindex): which one each database
uses, that it answers exactly what the row-by-row scan answers (the
fallback), that it follows inserts, updates and deletes, and that it is
repaired after SQLite loses its triggers to a table rebuild."""

from __future__ import annotations

import pytest
from django.db import connection

from govopen_wagtail.models import SearchEntry
from govopen_wagtail.search import dbindex
from govopen_wagtail.search.backends.database import DatabaseBackend
from govopen_wagtail.search.base import SearchQuery
from tests.factories import make_item

pytestmark = pytest.mark.django_db

TEXTS = {
    "plan": ("政务公开工作实施方案", "围绕五公开，加强政务公开解读回应。"),
    "dropout": ("控辍保学工作机制", "控辍保学“七长”责任制，劝返复学台账。"),
    "training": ("校外培训机构监督管理办法", "规范校外培训机构资金监管。"),
    "quote": ('名称含"引号"与 100% 的_文件', "正文 a_b 与 c%d 以及 C++ 3.5 版本"),
}
QUERIES = ["政务公开", "控辍保学 台账", "校外培训", "资金监管", "实施方案 控辍保学", '"引号"', "100%", "a_b",
           "c%d", "3.5", "c++", "不存在的词"]


@pytest.fixture
def entries(platform):
    backend = DatabaseBackend()
    pages = {}
    for key, (title, body) in TEXTS.items():
        page = make_item(platform.active, title)
        backend.index({"page_id": page.pk, "kind": "item", "title": title, "body": body, "date": None, "year": 2026})
        pages[key] = page.pk
    return backend, pages


def found(backend, text):
    return sorted(h.page_id for h in backend.search(SearchQuery(text=text, per_page=100)).hits)


def test_each_database_uses_its_own_index():
    expected = {"postgresql": "gin", "sqlite": "fts5"}.get(connection.vendor, "scan")
    assert dbindex.kind(connection) == expected


def test_the_index_answers_what_the_scan_answers(entries, monkeypatch):
    backend, pages = entries
    indexed = {q: found(backend, q) for q in QUERIES}
    assert indexed["政务公开"] == [pages["plan"]]
    assert indexed["控辍保学 台账"] == [pages["dropout"]]
    assert indexed["实施方案 控辍保学"] == []  # every word of the query, in one page
    assert indexed['"引号"'] == [pages["quote"]] and indexed["a_b"] == [pages["quote"]]
    monkeypatch.setitem(dbindex._kinds, connection.alias, "scan")
    assert {q: found(backend, q) for q in QUERIES} == indexed


def test_updates_and_deletes_reach_the_index(entries):
    backend, pages = entries
    backend.index({"page_id": pages["plan"], "kind": "item", "title": "课后服务", "body": "课后服务管理",
                   "date": None, "year": 2026})
    assert found(backend, "政务公开") == [] and found(backend, "课后服务") == [pages["plan"]]
    backend.delete(pages["plan"])
    assert found(backend, "课后服务") == []
    SearchEntry.objects.filter(page_id=pages["training"]).delete()
    assert found(backend, "校外培训") == []


def test_the_total_is_exact_beyond_ten_thousand(entries):
    # Not a cap: the count comes from the same indexed condition as the hits.
    backend, pages = entries
    results = backend.search(SearchQuery(text="工作", per_page=1))
    assert results.total == 2 and len(results.hits) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")
def test_lost_triggers_are_put_back_and_missed_rows_indexed(entries):
    backend, pages = entries
    with connection.cursor() as cursor:
        for name in dbindex._TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    dbindex._kinds.clear()
    assert dbindex.kind(connection) == "scan"  # still correct meanwhile
    backend.index({"page_id": pages["plan"], "kind": "item", "title": "课后服务", "body": "", "date": None,
                   "year": 2026})
    assert dbindex.ensure(connection) == "fts5"
    assert found(backend, "课后服务") == [pages["plan"]] and found(backend, "政务公开") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plan")
def test_postgresql_answers_from_the_gin_index(entries):
    backend, _ = entries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = SearchEntry.objects.filter(dbindex.HasWords(["政务公开"])).values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert dbindex.GIN in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL function")
def test_postgresql_answers_before_the_word_function_exists_and_after(entries):
    backend, pages = entries
    expected = {q: found(backend, q) for q in QUERIES}
    dbindex.drop(connection)  # as between an upgrade and its migrate
    assert dbindex.kind(connection) == "array"
    assert {q: found(backend, q) for q in QUERIES} == expected
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction holds deferred checks
    assert dbindex.ensure(connection) == "gin"
    assert {q: found(backend, q) for q in QUERIES} == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [dbindex.TABLE])
        names = {row[0] for row in cursor.fetchall()}
    assert dbindex.GIN in names and dbindex.OLD_GIN not in names
