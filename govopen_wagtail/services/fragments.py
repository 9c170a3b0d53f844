"""Parts of public pages kept as rendered HTML under the change stamp.

A normative document's metadata, files and history, or a listing's rows,
take a dozen queries and hundreds of template nodes to render, and change
only when something is published, edited, moved, restricted or recorded
(the stamp, :func:`govopen_wagtail.services.library_cache.stamp`) or when
the date turns (pass it in ``vary`` where the part depends on it). So they
are rendered once and kept, per language and site (links are written
relative to the site that asked). A preview is never kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import library_cache


def cached_html(request, page, name: str, render: Callable[[], str], *vary,
                timeout: int = library_cache.TIMEOUT) -> SafeString:
    """``render()``'s HTML for ``page``, kept under the stamp and ``vary``."""
    return cached_html_until(request, page, name, lambda: (render(), None), *vary, timeout=timeout)


def cached_html_until(request, page, name: str, render: Callable[[], tuple[str, dt.datetime | None]], *vary,
                      timeout: int = library_cache.TIMEOUT) -> SafeString:
    """As :func:`cached_html`, for a part that also changes by the clock:
    ``render()`` gives the HTML and the instant it stops being right (a
    consultation opening or closing), or ``None``."""
    if getattr(request, "is_preview", False):
        return mark_safe(render()[0])
    from wagtail.models import Site

    site = Site.find_for_request(request)
    key = library_cache.key(page, "fragment", name, get_language(), getattr(site, "pk", None), *vary)
    kept = library_cache.fetch(key, timeout)
    if kept is not None and (kept[1] is None or timezone.now().timestamp() < kept[1]):
        return mark_safe(kept[0])
    html, until = render()
    html = str(html)
    library_cache.store(key, (html, until.timestamp() if until else None), timeout)
    return mark_safe(html)
