"""Template tags of public messages: masked text, figures, and the
“report an error on this page” link every plugin page carries."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.template.loader import render_to_string
from django.utils.formats import number_format

from ..services.messages import public_text as _public_text

register = template.Library()
_NOT_FOUND = object()


@register.filter
def public_text(value) -> str:
    """Personal data masked, for anything the public reads."""
    return _public_text(str(value or ""))


@register.filter
def percent(value) -> str:
    return "—" if value is None else number_format(value * 100, 1) + "%"


@register.filter
def days(value) -> str:
    return "—" if value is None else number_format(value, 1)


def message_page_for(request):
    """The live message page of the request's site that takes messages, or
    None; kept under the change stamp (publishing, unpublishing or editing a
    message page changes it), so most requests read nothing for it."""
    from wagtail.models import Page, Site

    from ..services import library_cache

    cached = getattr(request, "_govopen_message_page", _NOT_FOUND)
    if cached is not _NOT_FOUND:
        return cached
    site = Site.find_for_request(request)
    found = None
    if site is not None:
        key = library_cache.key(site, "message-page", site.root_page.path)
        fields = library_cache.cached(key, lambda: _message_page_fields(site.root_page.path))
        if fields:
            found = Page(**fields)
    request._govopen_message_page = found
    return found


def _message_page_fields(root_path: str) -> dict:
    from wagtail.models import Page

    from ..models.messages import MessagePage

    # Message pages are few on any install: read them all (driven by their
    # own small table) rather than asking the database to match the path
    # prefix against every page, which it cannot do with an index.
    taking = MessagePage.objects.filter(accept_messages=True).values("page_ptr_id")
    for candidate in (Page.objects.filter(pk__in=taking, live=True)
                      .order_by("path").values("id", "url_path", "path", "depth")):
        if candidate["path"].startswith(root_path):
            return candidate
    return {}  # cached too: a site without a message page asks nothing either


@register.simple_tag(takes_context=True)
def govopen_report_error(context) -> str:
    """The link to the site's message page with this page filled in (nothing
    when the site has no message page, or for a page not yet public)."""
    request = context.get("request")
    page = context.get("page")
    if request is None or page is None or not getattr(page, "live", False) or not getattr(page, "pk", None):
        return ""

    def render() -> str:
        target = message_page_for(request)
        url = target.get_url(request) if target is not None else None
        if not url:
            return ""
        query = {"about": page.pk}
        return render_to_string("govopen_wagtail/includes/report_error.html",
                                {"report_url": f"{url}?{urlencode(query)}#write"}, request=request)

    from wagtail.models import Page

    from ..services.fragments import cached_html

    if not isinstance(page, Page):
        return render()
    # Kept as HTML under the change stamp, as the other parts of a page: the
    # message page's address took every site's root paths from the shared
    # cache on each view (a message page is its own site's, and its
    # address changes only with a publish, move or rename: the stamp).
    return cached_html(request, page, "report-error", render)


@register.simple_tag(takes_context=True)
def govopen_breadcrumb(context) -> str:
    """``includes/breadcrumb.html``, kept as HTML under the change stamp: the
    ancestors' titles and addresses change only when pages are published,
    moved or renamed, and reading and linking them cost a query and a URL
    each on every view."""
    from wagtail.models import Page

    from ..services.fragments import cached_html

    request = context.get("request")
    page = context.get("page")

    def render() -> str:
        return render_to_string("govopen_wagtail/includes/breadcrumb.html", context.flatten(), request=request)

    if request is None or not isinstance(page, Page) or not page.pk:
        return render()
    return cached_html(request, page, "breadcrumb", render)
