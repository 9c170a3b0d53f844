"""HTTP caching of public pages (Cache-Control, ETag, 304) and the
frontend-cache purges that keep a CDN in step: every page that shows a
changed item is purged on publish, unpublish, move, delete and every
validity event (a recording backend stands in for the CDN)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from wagtail.contrib.frontend_cache.backends import BaseBackend
from wagtail.models import PageViewRestriction

from govopen_wagtail.models import DisclosureSearchPage, ValidityEvent
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


class RecordingBackend(BaseBackend):
    purged: list[str] = []
    fail = False

    def purge(self, url):
        if RecordingBackend.fail:
            raise ConnectionError("CDN down")
        RecordingBackend.purged.append(url)


CDN = {"recording": {"BACKEND": "tests.test_http_cache.RecordingBackend"}}


def paths(urls) -> set[str]:
    return {url.split("localhost", 1)[-1] for url in urls}


@override_settings(GOVOPEN_CACHE_MAX_AGE=300, GOVOPEN_CACHE_S_MAXAGE=3600)
def test_public_pages_send_cache_control_and_an_etag_that_answers_304(client, platform):
    response = client.get(platform.active.url)
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300", "s-maxage=3600"}
    assert response.has_header("ETag") and not response.cookies
    assert response["ETag"] == '"%s"' % hashlib.sha256(response.content).hexdigest()[:32]
    assert "Cookie" not in response.get("Vary", "")  # one cached copy for every anonymous visitor
    again = client.get(platform.active.url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    make_item(platform.active, "新发布的信息")
    changed = client.get(platform.active.url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200 and "新发布的信息" in changed.content.decode()


@override_settings(GOVOPEN_CACHE_MAX_AGE=300)
def test_pages_with_forms_signed_in_users_and_restricted_pages_are_not_public(client, platform):
    consultation = make_consultation(make_consultation_index(platform.index))
    response = client.get(consultation.url)
    assert "csrfmiddlewaretoken" in response.content.decode()  # open, with its comment form
    assert "public" not in response.get("Cache-Control", "")
    item = platform.items[0]
    PageViewRestriction.objects.create(page=item, restriction_type="password", password="secret")
    form = client.get(item.url)
    assert "public" not in form.get("Cache-Control", "")
    PageViewRestriction.objects.all().delete()
    client.force_login(get_user_model().objects.create_user("editor", password="pw"))
    signed_in = client.get(platform.active.url)
    assert "private" in signed_in["Cache-Control"] and "public" not in signed_in["Cache-Control"]


@override_settings(GOVOPEN_CACHE_MAX_AGE=None)
def test_no_caching_headers_when_turned_off(client, platform):
    response = client.get(platform.active.url)
    assert not response.has_header("Cache-Control") and not response.has_header("ETag")


def test_publishing_an_item_purges_every_page_that_lists_it(platform, purged, django_capture_on_commit_callbacks):
    search = publish(platform.index, DisclosureSearchPage(title="信息检索", slug="search"))
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(platform.active, "新发布的信息")
    expected = {item.url, platform.active.url, platform.index.url, search.url}
    assert expected <= paths(purged)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        item.unpublish()
    assert expected <= paths(purged)


def test_deleting_and_moving_purge_old_and_new_places(platform, purged, django_capture_on_commit_callbacks):
    from govopen_wagtail.models import DisclosureColumnPage

    item = make_item(platform.active, "要移动的信息")
    other = publish(platform.index, DisclosureColumnPage(title="其他栏目", column="active"))
    old_url = item.url
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        item.move(other, pos="last-child")
    item.refresh_from_db()
    assert {old_url, item.url, platform.active.url, other.url, platform.index.url} <= paths(purged)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        item.delete()
    assert {item.url, other.url, platform.index.url} <= paths(purged)


def test_a_repeal_purges_both_documents_and_the_library_routes(platform, purged, django_capture_on_commit_callbacks):
    library = make_library(platform.index)
    old = make_document(library, "泉教规〔2021〕4号", written=D(2021, 11, 2), issuers=[issuer()])
    new = make_document(library, "泉教规〔2023〕9号", written=D(2023, 5, 2), issuers=[issuer()])
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ValidityEvent.objects.create(document=old, kind="repealed", effective_date=D(2023, 6, 1),
                                     acting_document=new)
    got = paths(purged)
    assert {old.url, new.url, library.url, library.url + "register/", library.url + "feed/validity/",
            old.url + "files/pdf/"} <= got


def test_a_cdn_that_fails_never_stops_a_publish(platform, purged, django_capture_on_commit_callbacks, caplog):
    RecordingBackend.fail = True
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(platform.active, "照常发布")
    assert item.live


@override_settings(GOVOPEN_CACHE_MAX_AGE=300, GOVOPEN_BASE_TEMPLATE="demo/base.html")
def test_the_demo_language_switch_leaves_pages_cacheable(client, platform):
    response = client.get(platform.index.url)
    html = response.content.decode()
    assert 'id="site-lang-select"' in html and "csrfmiddlewaretoken" not in html
    assert not response.cookies and "public" in response["Cache-Control"]
    switched = client.get("/i18n/switch/", {"language": "en", "next": platform.index.url})
    assert switched.status_code == 302 and switched["Location"] == platform.index.url
    assert switched.cookies["django_language"].value == "en" and "no-cache" in switched["Cache-Control"]
    assert 'lang="en"' in client.get(platform.index.url).content.decode()
    away = client.get("/i18n/switch/", {"language": "xx", "next": "https://evil.example/"})
    assert away["Location"] == "/" and "django_language" not in away.cookies
