"""Disclosure search: Chinese words inside unbroken text, document numbers in
any written form, facets, sorting, snippets and bad input, on the database
backend (SQLite here; PostgreSQL in CI) and, in test_search_elasticsearch.py,
on an Elasticsearch-compatible server."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from govopen_wagtail.models import DisclosureSearchPage, SearchEntry
from govopen_wagtail.search import segment
from govopen_wagtail.search.backends.database import DatabaseBackend
from tests.factories import (
    issuer,
    make_consultation,
    make_consultation_index,
    make_document,
    make_item,
    make_library,
    publish,
)

pytestmark = pytest.mark.django_db
D = dt.date

PLAN = "关于印发泉州市教育局2018年政务公开工作实施方案的通知"


def build(platform):
    """A small site: documents, an item, a consultation, the guide."""
    library = make_library(platform.active)
    make_document(library, "泉教办〔2018〕85号", written=D(2018, 6, 28), title=PLAN,
                  body="<p>围绕“五公开”，加强政务公开解读回应。</p>")
    make_document(library, "泉教规〔2021〕4号", written=D(2021, 11, 2), title="泉州市义务教育阶段控辍保学工作机制",
                  body="<p>控辍保学“七长”责任制。</p>", issuers=[issuer("泉州市教育局"), issuer("泉州市财政局", "泉财")])
    make_document(library, "泉教规〔2022〕3号", written=D(2022, 3, 20), title="泉州市校外培训机构监督管理办法",
                  body="<p>规范校外培训机构，本方案所称实施单位……</p>")
    make_item(platform.active, "义务教育控辍保学工作进展情况", summary="控辍保学工作机制和劝返复学情况",
              body="<p>建立健全控辍保学工作台账。</p>")
    make_item(platform.active, "2026年部门预算", summary="部门预算及三公经费", body="<p>政务信息。</p>")
    make_consultation(make_consultation_index(platform.index), title="关于课后服务管理办法（征求意见稿）")
    return publish(platform.index, DisclosureSearchPage(title="信息检索", slug="search"))


@pytest.fixture
def search_page(platform):
    page = build(platform)
    call_command("govopen_search_reindex", "--quiet")
    return page


def titles(client, page, **params):
    response = client.get(page.url, params)
    assert response.status_code == 200
    return [h["hit"].title_html for h in response.context["hits"]], response


def plain_titles(client, page, **params):
    import re

    found, response = titles(client, page, **params)
    return [re.sub("<[^>]+>", "", t) for t in found], response


def test_segmentation_finds_words_inside_unbroken_text():
    words = segment.index_words(PLAN)
    for word in ("政务", "公开", "政务公开", "实施方案", "泉州"):
        assert word in words, word
    assert segment.query_words("控辍保学") == ["控辍保学"]  # a user-dictionary word stays whole


@pytest.mark.parametrize(
    "query,first",
    [
        ("实施方案", PLAN),
        ("政务", PLAN),
        ("政务公开", PLAN),
        ("泉教办〔2018〕85号", PLAN),
        ("泉教办[2018]85号", PLAN),
        ("泉教办（2018）85号", PLAN),
        ("2018 85", PLAN),
        ("校外培训", "泉州市校外培训机构监督管理办法"),
    ],
)
def test_chinese_queries_find_the_right_page_first(search_page, client, query, first):
    found, _ = plain_titles(client, search_page, q=query)
    assert found and found[0] == first, found


def test_both_pages_about_a_domain_word_come_first(search_page, client):
    found, _ = plain_titles(client, search_page, q="控辍保学")
    assert set(found[:2]) == {"泉州市义务教育阶段控辍保学工作机制", "义务教育控辍保学工作进展情况"}


def test_title_ranks_above_body(search_page, client):
    found, _ = plain_titles(client, search_page, q="实施")
    assert found[0] == PLAN  # 实施 in the title beats 实施 in another document's body


def test_snippets_and_titles_are_highlighted_and_escaped(search_page, client, platform):
    make_item(platform.active, "含<script>的标题 控辍保学", body="<p>控辍保学 &lt;b&gt;不是标签&lt;/b&gt;</p>")
    call_command("govopen_search_reindex", "--quiet")
    response = client.get(search_page.url, {"q": "控辍保学"})
    html = response.content.decode()
    assert "<mark>控辍保学</mark>" in html
    assert "<script>的标题" not in html and "&lt;script&gt;" in html
    assert "<b>不是标签" not in html


def test_facets_narrow_the_results(search_page, client):
    _, response = titles(client, search_page, q="控辍保学")
    facets = {f["name"]: f for f in response.context["facets"]}
    kinds = {v["value"]: v["count"] for v in facets["kind"]["values"]}
    assert kinds == {"document": 1, "item": 1}
    issuers = {v["value"] for v in facets["issuer"]["values"]}
    assert {"泉州市教育局", "泉州市财政局"} <= issuers
    found, response = plain_titles(client, search_page, q="控辍保学", kind="item")
    assert found == ["义务教育控辍保学工作进展情况"]
    found, _ = plain_titles(client, search_page, q="控辍保学", issuer="泉州市财政局")
    assert found == ["泉州市义务教育阶段控辍保学工作机制"]
    found, _ = plain_titles(client, search_page, q="泉州", year="2018")
    assert found == [PLAN]
    found, _ = plain_titles(client, search_page, kind="document", validity="in_force")
    assert PLAN in found  # without an expiry event the 2018 plan is still in force here


def test_sort_by_date(search_page, client):
    found, _ = plain_titles(client, search_page, q="泉州", sort="date")
    assert found[0] != PLAN and found[-1] == PLAN


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "   "},
        {"q": "？！。，、"},
        {"q": "😀😀😀"},
        {"q": "x" * 5000},
        {"q": '"政务公开'},
        {"q": 'title:政务 AND (body:公开 OR "'},
        {"q": "*:*"},
        {"q": "政务\x00公开"},
        {"q": "政务", "kind": "nonsense", "year": "abc", "validity": "zzz", "page": "-3", "sort": "random"},
        {"q": "政务", "page": "99999999999999999999"},
    ],
)
def test_bad_input_gives_a_normal_page(search_page, client, params):
    response = client.get(search_page.url, params)
    assert response.status_code == 200


def test_unknown_filters_are_reported(search_page, client):
    html = client.get(search_page.url, {"q": "政务", "kind": "nonsense"}).content.decode()
    assert "nonsense" in html


def test_query_syntax_is_text(search_page, client):
    found, _ = plain_titles(client, search_page, q="*:*")
    assert found == []


def test_publish_unpublish_and_delete_keep_the_index_in_step(platform, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(platform.active, "新发布的课后服务信息")
    assert SearchEntry.objects.filter(page_id=item.pk, kind="item").exists()
    with django_capture_on_commit_callbacks(execute=True):
        item.unpublish()
    assert not SearchEntry.objects.filter(page_id=item.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        item.save_revision().publish()
    assert SearchEntry.objects.filter(page_id=item.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        item.delete()
    assert not SearchEntry.objects.filter(page_id=item.pk).exists()


@override_settings(GOVOPEN_SEARCH_BACKEND={"CLASS": "tests.test_search.BrokenBackend", "OPTIONS": {}})
def test_a_failing_backend_gives_a_message_not_a_500(search_page, client):
    response = client.get(search_page.url, {"q": "政务"})
    assert response.status_code == 200
    assert "检索服务暂时无法使用" in response.content.decode()


class BrokenBackend:
    name = "broken"

    def __init__(self, **options):
        pass

    def search(self, query):
        raise ConnectionError("search server down")


def test_private_pages_stay_out_of_results(platform, client, django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    page = build(platform)
    secret = make_item(platform.active, "内部控辍保学名单")
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.LOGIN)
    call_command("govopen_search_reindex", "--quiet")
    assert not SearchEntry.objects.filter(page_id=secret.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        secret.save_revision().publish()
    assert not SearchEntry.objects.filter(page_id=secret.pk).exists()
    # Even an entry left behind is never shown.
    SearchEntry.objects.create(page_id=secret.pk, kind="item", title=secret.title,
                               title_words=segment.index_string(secret.title))
    found, _ = plain_titles(client, page, q="控辍保学")
    assert "内部控辍保学名单" not in found


def test_a_document_number_query_marks_only_the_number(client, search_page):
    found, response = titles(client, search_page, q="泉教办〔2018〕85号")
    hit = response.context["hits"][0]["hit"]
    marked = re.findall(r"<mark>(.*?)</mark>", hit.title_html + hit.snippet_html)
    assert all(m == "泉教办〔2018〕85号" for m in marked)


def test_consultation_snippet_puts_each_heading_before_its_text(platform):
    from govopen_wagtail.search.base import document_for
    from tests.factories import make_consultation, make_consultation_index

    page = make_consultation(make_consultation_index(platform.index), sections=("第一条", "第二条"))
    body = document_for(page)["body"]
    assert body.index("第一条") < body.index("第一条的内容") < body.index("第二条") < body.index("第二条的内容")


class CountingBackend(DatabaseBackend):
    """The database backend, counting how often it is asked."""

    name = "counting"
    asked = 0

    def search(self, query):
        CountingBackend.asked += 1
        return super().search(query)


@override_settings(GOVOPEN_SEARCH_BACKEND={"CLASS": "tests.test_search.CountingBackend", "OPTIONS": {}})
def test_a_query_asked_again_is_answered_from_the_cache_until_anything_changes(
        search_page, client, platform, django_capture_on_commit_callbacks):
    CountingBackend.asked = 0
    first, _ = plain_titles(client, search_page, q="控辍保学")
    again, _ = plain_titles(client, search_page, q="控辍保学")
    assert again == first and CountingBackend.asked == 1
    client.get(search_page.url, {"q": "控辍保学", "sort": "date"})  # another order is another question
    assert CountingBackend.asked == 2
    with django_capture_on_commit_callbacks(execute=True):
        make_item(platform.active, "控辍保学新举措")
    now, response = plain_titles(client, search_page, q="控辍保学")
    assert CountingBackend.asked == 3 and "控辍保学新举措" in now
    assert response.context["results"].total == len(first) + 1


@override_settings(GOVOPEN_SEARCH_BACKEND={"CLASS": "tests.test_search.CountingBackend", "OPTIONS": {}},
                   GOVOPEN_SEARCH_CACHE_SECONDS=0)
def test_the_search_cache_can_be_turned_off(search_page, client):
    CountingBackend.asked = 0
    plain_titles(client, search_page, q="控辍保学")
    plain_titles(client, search_page, q="控辍保学")
    assert CountingBackend.asked == 2


def test_kept_results_are_served_without_asking_the_backend_and_failures_are_not_kept(
        search_page, client, monkeypatch):
    from govopen_wagtail.models import DisclosureSearchPage

    first = client.get(search_page.url, {"q": "控辍保学"}).content.decode()
    asked = []
    original = DisclosureSearchPage.search_results
    monkeypatch.setattr(DisclosureSearchPage, "search_results", lambda self, q: asked.append(q) or original(self, q))
    again = client.get(search_page.url, {"q": "控辍保学"}).content.decode()
    assert asked == [] and again == first  # the rendered hits and facets were kept

    def broken(self, query):
        raise ConnectionError("search server down")

    monkeypatch.setattr(DisclosureSearchPage, "search_results", broken)
    assert "检索服务暂时无法使用" in client.get(search_page.url, {"q": "实施方案"}).content.decode()
    monkeypatch.setattr(DisclosureSearchPage, "search_results", original)
    html = client.get(search_page.url, {"q": "实施方案"}).content.decode()
    assert "检索服务暂时无法使用" not in html and "<mark>实施方案</mark>" in html
