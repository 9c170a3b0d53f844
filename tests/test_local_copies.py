"""Parts kept under the change stamp, copied in each process: a page's GET
reads them without asking the shared cache, a change still shows at once,
and the copies keep within their time and size."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings

from govopen_wagtail.services import library_cache
from govopen_wagtail.services.library_cache import LocalCopies, local_copies
from tests.factories import make_consultation, make_consultation_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(platform):
    return make_consultation(make_consultation_index(platform.index))


def shared_reads(client, url) -> tuple[int, str]:
    """How many stamped parts a GET asked the shared cache for, and the page."""
    asked = []
    real_get = cache.get

    def get(key, *args, **kwargs):
        if str(key).startswith("govopen:library:"):
            asked.append(key)
        return real_get(key, *args, **kwargs)

    with mock.patch.object(cache, "get", get):
        response = client.get(url)
    assert response.status_code == 200
    return len(asked), response.content.decode()


def test_a_second_get_reads_the_stamped_parts_from_this_process(client, page):
    first, _ = shared_reads(client, page.url)
    again, html = shared_reads(client, page.url)
    assert first >= 4  # routing, restrictions and the page's fragments
    assert again == 0
    assert page.title in html
    # Another process (here: the copies dropped) still finds them shared.
    local_copies.clear()
    shared, _ = shared_reads(client, page.url)
    assert shared >= 4


def test_without_copies_every_get_asks_the_shared_cache(client, page):
    with override_settings(GOVOPEN_LOCAL_CACHE_SECONDS=0):
        shared_reads(client, page.url)
        again, _ = shared_reads(client, page.url)
    assert again >= 4


def test_a_change_shows_at_once_in_spite_of_the_copies(client, page):
    shared_reads(client, page.url)
    page.summary = "改过的摘要，每个进程立即可见"
    page.save_revision().publish()
    asked, html = shared_reads(client, page.url)
    assert "改过的摘要，每个进程立即可见" in html
    assert asked >= 1  # the new stamp's keys were not copied yet


def test_a_reader_gets_objects_of_its_own():
    key = library_cache.key(None, "test-copies")
    library_cache.store(key, {"ids": [1, 2, 3]})
    cache.delete(key)  # only the copy is left
    first = library_cache.fetch(key)
    first["ids"].append(4)
    assert library_cache.fetch(key) == {"ids": [1, 2, 3]}


def test_a_copy_does_not_outlive_its_time_or_its_timeout():
    copies, now = LocalCopies(), [1000.0]
    with override_settings(GOVOPEN_LOCAL_CACHE_SECONDS=60), \
            mock.patch("govopen_wagtail.services.library_cache.time.monotonic", lambda: now[0]):
        copies.set("long", b"x", 3600)
        copies.set("short", b"y", 10)
        now[0] += 9.9
        assert (copies.get("long"), copies.get("short")) == (b"x", b"y")
        now[0] += 0.2
        assert (copies.get("long"), copies.get("short")) == (b"x", None)
        now[0] += 50
        assert copies.get("long") is None


def test_copies_keep_within_their_bytes_oldest_used_first():
    copies = LocalCopies()
    with override_settings(GOVOPEN_LOCAL_CACHE_BYTES=1600):
        copies.set("a", b"a" * 100, None)
        copies.set("b", b"b" * 100, None)
        copies.set("too-big", b"c" * 101, None)  # over a sixteenth of the budget
        assert copies.get("too-big") is None
        assert copies.get("a")  # now the most recently used
        for i in range(15):  # 1,700 bytes in all: one must go
            copies.set(f"k{i}", b"k" * 100, None)
        assert copies.get("b") is None and copies.get("a") is not None
        assert copies._size <= 1600
        copies.set("a", b"A" * 50, None)  # replaced, counted once
        assert copies.get("a") == b"A" * 50
        assert copies._size == sum(len(data) for data, _ in copies._entries.values())
