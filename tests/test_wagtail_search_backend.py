"""Wagtail's own search understands Chinese with govopen_wagtail.search.wagtail_backend:
the admin's page search, ``Page.objects.search()``, autocomplete and related
fields (a document's tags), on SQLite here and on PostgreSQL in CI. The test
settings make it the default backend, as the README tells a site to."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from modelsearch.query import And, Boost, Not, Or, Phrase, PlainText
from wagtail.documents.models import Document
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from govopen_wagtail.models import NormativeDocumentPage
from govopen_wagtail.search.wagtail_backend import segment_query, segment_text
from tests.factories import make_document, make_item, make_library

pytestmark = pytest.mark.django_db
D = dt.date

PLAN = "关于印发泉州市教育局2018年政务公开工作实施方案的通知"
TRAINING = "泉州市校外培训机构监督管理办法"


def describe(query):
    if isinstance(query, PlainText):
        return ("text", query.query_string, query.operator)
    if isinstance(query, (And, Or)):
        return (type(query).__name__.lower(), [describe(q) for q in query.subqueries])
    if isinstance(query, Not):
        return ("not", describe(query.subquery))
    if isinstance(query, Boost):
        return ("boost", describe(query.subquery), query.boost)
    return query


def test_a_term_of_several_words_requires_them_all():
    assert describe(segment_query(PlainText("实施方案工作", operator="or"))) == ("text", "实施方案 工作", "and")
    assert describe(segment_query(PlainText("政务公开 预算", operator="and"))) == ("text", "政务公开 预算", "and")


def test_terms_keep_the_query_operator():
    assert describe(segment_query(PlainText("预算 决算", operator="or"))) == ("text", "预算 决算", "or")
    assert describe(segment_query(PlainText("实施方案工作 预算", operator="or"))) == (
        "or", [("text", "实施方案 工作", "and"), ("text", "预算", "and")],
    )


def test_nested_queries_phrases_and_punctuation():
    query = And([Phrase("政务公开工作"), Not(PlainText("预算")), Boost(PlainText("Annual Report", operator="or"), 2)])
    assert describe(segment_query(query)) == (
        "and", [("text", "政务公开 工作", "and"), ("not", ("text", "预算", "and")), ("boost", ("text", "annual report", "or"), 2)],
    )
    assert segment_query(PlainText("，。！ ——")) is None
    assert describe(segment_query(Or([PlainText("、"), PlainText("通知")]))) == ("text", "通知", "and")


def test_index_text_holds_each_word_and_the_words_inside():
    words = segment_text("校外培训机构监督管理办法").split()
    assert {"校外培训", "培训", "机构", "监督", "管理", "办法"} <= set(words)
    assert segment_text(["实施方案", None]) == [segment_text("实施方案"), None]
    assert segment_text(None) is None


@pytest.fixture
def pages(platform):
    library = make_library(platform.active)
    plan = make_document(library, "泉教办〔2018〕85号", written=D(2018, 6, 28), title=PLAN)
    training = make_document(library, "泉教规〔2022〕3号", written=D(2022, 3, 20), title=TRAINING)
    item = make_item(platform.active, "Annual report on government information disclosure")
    return plan, training, item


def titles(results):
    return [page.title for page in results]


def test_page_search_finds_words_inside_unbroken_chinese(pages):
    assert titles(Page.objects.live().search("实施方案")) == [PLAN]
    assert titles(Page.objects.live().search("校外培训")) == [TRAINING]
    assert set(titles(Page.objects.live().search("泉州市"))) == {PLAN, TRAINING}
    # Every word of a term must be there: 培训 is in one title, 实施方案 in the other.
    assert titles(Page.objects.live().search("培训实施方案")) == []
    assert titles(Page.objects.live().search("annual")) == ["Annual report on government information disclosure"]
    assert titles(Page.objects.live().search("。，")) == []


def test_autocomplete_finds_a_word_being_typed(pages):
    assert titles(Page.objects.live().autocomplete("实施方")) == [PLAN]
    assert titles(NormativeDocumentPage.objects.live().autocomplete("监督管")) == [TRAINING]


def test_the_index_follows_a_published_edit(pages):
    plan = pages[0]
    plan.title = "关于做好课后服务工作的通知"
    plan.save_revision().publish()
    assert titles(Page.objects.live().search("课后服务")) == ["关于做好课后服务工作的通知"]
    assert titles(Page.objects.live().search("实施方案")) == []


def test_related_fields_are_segmented_too(db):
    document = Document.objects.create(title="2026年部门预算公开表", file=ContentFile(b"x", name="budget.pdf"))
    document.tags.add("校外培训机构")
    get_search_backend().add(document)
    assert titles(Document.objects.search("预算")) == ["2026年部门预算公开表"]
    assert titles(Document.objects.search("培训机构")) == ["2026年部门预算公开表"]


def test_admin_page_search_understands_chinese(pages, admin_client):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "实施方案"})
    assert response.status_code == 200
    html = response.content.decode()
    assert PLAN in html
    assert TRAINING not in html


def test_update_index_rebuilds_with_segmented_text(pages):
    # What the plain backend wrote (unsegmented) is found once the index is rebuilt.
    plain = get_search_backend("wagtail.search.backends.database")
    plain.add_bulk(NormativeDocumentPage, list(NormativeDocumentPage.objects.all()))
    assert titles(NormativeDocumentPage.objects.search("实施方案")) == []
    call_command("update_index", verbosity=0)
    assert titles(NormativeDocumentPage.objects.search("实施方案")) == [PLAN]


def test_wagtails_unsegmented_backend_misses_what_this_finds(pages):
    # The problem this solves, kept as a test so a Wagtail change is noticed.
    plain = get_search_backend("wagtail.search.backends.database")
    plain.add_bulk(NormativeDocumentPage, list(NormativeDocumentPage.objects.all()))
    assert PLAN not in titles(plain.search("实施方案", NormativeDocumentPage))
    assert titles(get_search_backend().search("实施方案", NormativeDocumentPage)) == []  # same table, plain text
    pages[0].save_revision().publish()  # indexed again by the default (segmenting) backend
    assert titles(get_search_backend().search("实施方案", NormativeDocumentPage)) == [PLAN]
