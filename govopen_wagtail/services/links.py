"""Links in rich text and attachments: internal ones against the database,
external ones over HTTP (timeouts, a concurrency limit, a pause between
requests to the same host, results cached).

Wagtail stores internal links in its database format (``<a linktype="page"
id="12">``, ``<a linktype="document" id="3">``, ``<embed embedtype="image"
id="7">``), so an internal link is broken when the id is missing or, for a
page, not live; a document or image is broken when its file is gone.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext

from ..conf import govopen_settings

_TAG = re.compile(r"<(a|embed)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')


@dataclass(frozen=True)
class Link:
    kind: str  # "page", "document", "image" or "external"
    target: str


def extract_links(html: str) -> list[Link]:
    links = []
    for tag, attributes in _TAG.findall(html or ""):
        attrs = {k.lower(): v for k, v in _ATTR.findall(attributes)}
        if tag.lower() == "embed":
            if attrs.get("embedtype") == "image" and attrs.get("id", "").isdigit():
                links.append(Link("image", attrs["id"]))
            continue
        linktype = attrs.get("linktype")
        if linktype in ("page", "document") and attrs.get("id", "").isdigit():
            links.append(Link(linktype, attrs["id"]))
        elif attrs.get("href", "").startswith(("http://", "https://")):
            links.append(Link("external", attrs["href"]))
    return links


def broken_internal(links: Iterable[Link]) -> dict[Link, str]:
    """Which internal links are broken, and why (one query per kind)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page

    links = set(links)
    broken: dict[Link, str] = {}
    page_ids = {int(link.target) for link in links if link.kind == "page"}
    live = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "live"))
    for link in links:
        if link.kind == "page":
            pk = int(link.target)
            if pk not in live:
                broken[link] = gettext("links to a page that was deleted")
            elif not live[pk]:
                broken[link] = gettext("links to a page that is not published")
    messages = {
        "document": (gettext("links to a document that was deleted"),
                     gettext("the linked document's file is missing from storage")),
        "image": (gettext("shows an image that was deleted"),
                  gettext("the image's file is missing from storage")),
    }
    for kind, model in (("document", get_document_model()), ("image", get_image_model())):
        ids = {int(link.target) for link in links if link.kind == kind}
        found = {obj.pk: obj for obj in model.objects.filter(pk__in=ids)}
        for link in links:
            if link.kind != kind:
                continue
            obj = found.get(int(link.target))
            if obj is None:
                broken[link] = messages[kind][0]
            elif not file_exists(obj.file):
                broken[link] = messages[kind][1]
    return broken


def file_exists(field_file) -> bool:
    try:
        return bool(field_file.name) and field_file.storage.exists(field_file.name)
    except Exception:  # storage backends raise their own errors
        return False


class HostPacer:
    """At most one request per host every ``interval`` seconds."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.lock = threading.Lock()
        self.next_slot: dict[str, float] = {}

    def wait(self, host: str) -> None:
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot.get(host, now))
            self.next_slot[host] = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


def _cache_key(url: str) -> str:
    return "govopen:link:" + hashlib.sha256(url.encode()).hexdigest()[:40]


def fetch_status(url: str, timeout: float) -> str:
    """"" if the URL answers, else why not."""
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "govopen-wagtail link check"})
    for method in ("HEAD", "GET"):
        request.method = method
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return "" if response.status < 400 else f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue  # some servers refuse HEAD only
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return gettext("no answer (%(reason)s)") % {"reason": reason}
    return ""


def check_external(urls: Iterable[str], *, fetch: bool = True,
                   progress: Callable[[int, int], None] | None = None) -> dict[str, str]:
    """``{url: problem}`` for broken external URLs. With ``fetch=False`` only
    cached results are used (for the admin, which must answer quickly)."""
    urls = sorted(set(urls))
    results: dict[str, str] = {}
    todo = []
    for url in urls:
        cached = cache.get(_cache_key(url))
        if cached is not None:
            results[url] = cached
        elif fetch:
            todo.append(url)
    pacer = HostPacer(govopen_settings.LINK_CHECK_HOST_INTERVAL)
    timeout = govopen_settings.LINK_CHECK_TIMEOUT
    done = 0
    lock = threading.Lock()

    def one(url: str) -> None:
        nonlocal done
        pacer.wait(urllib.parse.urlsplit(url).netloc.lower())
        problem = fetch_status(url, timeout)
        cache.set(_cache_key(url), problem, govopen_settings.LINK_CHECK_CACHE_SECONDS)
        with lock:
            results[url] = problem
            done += 1
            if progress:
                progress(done, len(todo))

    if todo:
        with ThreadPoolExecutor(max(1, govopen_settings.LINK_CHECK_CONCURRENCY)) as pool:
            list(pool.map(one, todo))
    return {url: problem for url, problem in results.items() if problem}
