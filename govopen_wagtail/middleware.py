"""Middleware for public pages: a guard in front of request bodies, and a
proper answer while the database is unreachable.

``RequestGuardMiddleware`` must come before ``CsrfViewMiddleware`` (which
parses a POST body to find its token): oversized bodies are refused from
their Content-Length, and public multipart uploads are rate-limited, before
a byte of the body is read or spooled to disk.

``RoutingMiddleware`` finds a govopen page for its address from the site's
root through the routing cache (``services/site_routing.py``), not level by
level; put it last, so a request another middleware refuses costs nothing.

``DatabaseUnavailableMiddleware`` turns a database connection failure in a
view into a translated 503 page with ``Retry-After``. A form that was being
sent comes back on that page with what was typed, ready to send again, so
nothing written is lost.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import ratelimit
from .conf import govopen_settings

logger = logging.getLogger(__name__)

#: POST fields never echoed back on the 503 page.
_SECRET_FIELDS = ("csrfmiddlewaretoken", "password", "captcha_0", "captcha_1", "token")


def _is_admin(request) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        admin_root = reverse("wagtailadmin_home")
    except NoReverseMatch:  # pragma: no cover - a site without the admin
        return False
    # The plugin's own admin screens (imports) are guarded like public ones.
    return request.path.startswith(admin_root) and not request.path.startswith(admin_root + "govopen/")


def _plain_page(request, status: int, title: str, message: str, **extra) -> HttpResponse:
    # No request context: context processors may need the database.
    html = render_to_string(
        "govopen_wagtail/status_page.html",
        {"title": title, "message": message, "status": status, "path": request.path, **extra},
    )
    return HttpResponse(html, status=status)


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and not _is_admin(request):
            refused = self.refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def refuse(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit_mb = govopen_settings.MAX_REQUEST_MB
        if length > limit_mb * 1024 * 1024:
            return _plain_page(
                request, 413, _("The form is too large"),
                _("What was sent is larger than %(limit)d MB. Choose a smaller file and send the form again.")
                % {"limit": limit_mb},
            )
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            limit = ratelimit.check_request(request, "upload")
            if not limit.allowed:
                response = _plain_page(
                    request, 429, _("Too many uploads"),
                    _("Too many files were sent from your connection. Please try again in %(minutes)d minutes.")
                    % {"minutes": max(1, limit.retry_after // 60)},
                )
                response["Retry-After"] = str(limit.retry_after)
                return response
        return None


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable while serving %s: %s", request.path, exception)
        fields = []
        if request.method == "POST":
            try:
                fields = [
                    (name, value)
                    for name, values in request.POST.lists()
                    if name not in _SECRET_FIELDS
                    for value in values
                ]
            except Exception:  # a body that cannot be read again
                fields = []
        token = ""
        if fields:
            try:
                from django.middleware.csrf import get_token

                token = get_token(request)
            except Exception:
                token = ""
        retry = govopen_settings.DATABASE_RETRY_AFTER
        response = _plain_page(
            request, 503, _("Temporarily unavailable"),
            _("The site cannot reach its database at the moment. Please try again in a minute."),
            fields=fields, csrf_token_value=token, action=request.get_full_path(),
        )
        response["Retry-After"] = str(retry)
        response["Cache-Control"] = "no-store"
        return response


class PublicCacheMiddleware:
    """``Cache-Control`` and ``ETag`` for public govopen pages
    (``govopen_wagtail.http_cache``). Put it before ``CsrfViewMiddleware``
    so it sees whether the page used a CSRF token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import http_cache

        return http_cache.apply(request, self.get_response(request))


class RoutingMiddleware:
    """Routes requests for govopen pages from the site's root in one go
    (``govopen_wagtail.services.site_routing``); Wagtail routes the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from wagtail import views as wagtail_views

        if view_func is not wagtail_views.serve or hasattr(request, "_wagtail_route_for_request"):
            return None
        from .services import site_routing

        path = view_kwargs.get("path", view_args[0] if view_args else None)
        if isinstance(path, str):
            try:
                result = site_routing.route(request, path)
            except Http404:
                request._wagtail_route_for_request = None  # Wagtail's record of a 404
                return None
            except (OperationalError, InterfaceError):
                # Outside the view, no middleware would turn this into the
                # 503 page: Wagtail's routing, in the view, meets it again.
                return None
            if result is not None:
                # Where Wagtail's routing looks first (Page.route_for_request).
                request._wagtail_route_for_request = result
        return None
