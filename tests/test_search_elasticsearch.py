"""The same search tests against an Elasticsearch-compatible server.

By default the server is osmem-server (an in-memory OpenSearch-compatible
server from PyPI, started once per test session). Set
GOVOPEN_TEST_ELASTICSEARCH_URL=http://host:9200 to run them against a real
Elasticsearch cluster instead. Without either, the tests skip, unless
GOVOPEN_REQUIRE_SEARCH_SERVER=1 (as in CI), where that is a failure.
"""

import os
import uuid

import pytest
from django.core.management import call_command

from govopen_wagtail.search.base import get_backend
from tests.factories import make_item
from tests.test_search import (  # noqa: F401  (collected here with this module's backend)
    build,
    test_bad_input_gives_a_normal_page,
    test_both_pages_about_a_domain_word_come_first,
    test_chinese_queries_find_the_right_page_first,
    test_facets_narrow_the_results,
    test_query_syntax_is_text,
    test_snippets_and_titles_are_highlighted_and_escaped,
    test_sort_by_date,
    test_title_ranks_above_body,
    test_unknown_filters_are_reported,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def search_server():
    url = os.environ.get("GOVOPEN_TEST_ELASTICSEARCH_URL")
    if url:
        yield {"hosts": [url], "compatibility_headers": True}
        return
    try:
        from osmem_server import OsmemServer
    except ImportError:
        if os.environ.get("GOVOPEN_REQUIRE_SEARCH_SERVER") == "1":
            pytest.fail("osmem-server is not installed (pip install -e .[test])")
        pytest.skip("no Elasticsearch-compatible server (install osmem-server or set GOVOPEN_TEST_ELASTICSEARCH_URL)")
    with OsmemServer.start() as server:
        yield {"hosts": [server.url], "compatibility_headers": False}


@pytest.fixture(autouse=True)
def elasticsearch_backend(search_server, settings):
    settings.GOVOPEN_SEARCH_BACKEND = {
        "CLASS": "govopen_wagtail.search.backends.elasticsearch.ElasticsearchBackend",
        "OPTIONS": {**search_server, "index": f"govopen-test-{uuid.uuid4().hex[:8]}", "refresh": True},
    }
    assert get_backend().name == "elasticsearch"
    yield
    get_backend().clear()


@pytest.fixture
def search_page(platform):
    page = build(platform)
    call_command("govopen_search_reindex", "--quiet")
    return page


def ids(query_text):
    from govopen_wagtail.search.base import SearchQuery

    return [h.page_id for h in get_backend().search(SearchQuery(text=query_text)).hits]


def test_rebuild_swaps_the_alias_without_a_gap(search_page, platform):
    backend = get_backend()
    before = backend._aliased()
    item = make_item(platform.active, "重建索引后才有的信息")
    call_command("govopen_search_reindex", "--quiet")
    after = backend._aliased()
    assert len(after) == 1 and after != before
    assert item.pk in ids("重建索引")


def test_publish_unpublish_and_delete_update_the_index(platform, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(platform.active, "新发布的课后服务信息")
    assert item.pk in ids("课后服务")
    with django_capture_on_commit_callbacks(execute=True):
        item.unpublish()
    assert item.pk not in ids("课后服务")
    with django_capture_on_commit_callbacks(execute=True):
        item.save_revision().publish()
    assert item.pk in ids("课后服务")
    with django_capture_on_commit_callbacks(execute=True):
        item.delete()
    assert item.pk not in ids("课后服务")
