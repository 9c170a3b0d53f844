"""The database search index: one row per searchable page, its text
segmented into words (jieba) so that words inside unbroken Chinese text can
be found with plain ``LIKE`` lookups on SQLite and PostgreSQL alike."""

from __future__ import annotations

import swapper
from django.db import models
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from ..conf import govopen_settings
from .platform import DisclosurePage
from ..restrictions import private_q


class SearchEntry(models.Model):
    page = models.OneToOneField(
        swapper.get_model_name("wagtailcore", "Page"),
        on_delete=models.CASCADE, primary_key=True, related_name="+",
    )
    kind = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=255)
    title_words = models.TextField()
    body = models.TextField(blank=True)
    body_words = models.TextField(blank=True)
    number = models.CharField(max_length=100, blank=True)
    number_key = models.CharField(max_length=100, blank=True, db_index=True)
    number_year = models.PositiveIntegerField(null=True, blank=True)
    number_serial = models.PositiveIntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    year = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    issuers = models.TextField(blank=True, help_text="|name|name|")
    category = models.CharField(max_length=200, blank=True)
    validity = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")


class DisclosureSearchPage(DisclosurePage):
    """Search across documents, interpretations, items, consultations and
    the guide, with facets; served by the configured backend."""

    slug_prefix = "search"

    intro = models.TextField(_("introduction"), blank=True)
    content_panels = DisclosurePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["govopen_wagtail.DisclosureIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("disclosure search")
        verbose_name_plural = _("disclosure searches")

    def search_root_path(self, request) -> str:
        """The tree this search covers: the page's own site, or (by
        GOVOPEN_SEARCH_ALL_SITES = ["school.example.cn", …] on a bureau) more."""
        from wagtail.models import Site

        # The request's site (read once a request) when this page is in it;
        # the page's own otherwise (one query).
        site = Site.find_for_request(request) if request is not None else None
        if site is None or not self.path.startswith(site.root_page.path):
            site = self.get_site()
        if site is None:
            return ""
        extra = govopen_settings.SEARCH_ALL_SITES
        if extra and site.hostname in extra:
            return ""  # a bureau's search opened to the install's schools
        return site.root_page.path

    def search_results(self, query):
        """The backend's answer, kept under the change stamp (a broad query
        ranks and counts thousands of entries; its readers ask it again and
        again), for at most ``GOVOPEN_SEARCH_CACHE_SECONDS``."""
        from ..search.base import get_backend
        from ..services import library_cache

        seconds = govopen_settings.SEARCH_CACHE_SECONDS
        if not seconds:
            return get_backend().search(query)
        backend = govopen_settings.SEARCH_BACKEND
        key = library_cache.key(self, "search", repr(backend), repr(query))
        return library_cache.cached(key, lambda: get_backend().search(query), timeout=seconds)

    def get_context(self, request, *args, **kwargs):
        from django.template.loader import render_to_string
        from django.utils.functional import SimpleLazyObject

        from ..search.page import parse_query, results_context
        from ..services.fragments import cached_html

        context = super().get_context(request, *args, **kwargs)
        query = parse_query(request.GET)
        context["query"] = query
        context["search_results"] = ""
        if query.text or query.filters:
            # A restriction added after indexing hides the page from the
            # counts and facets too, not only from the list of hits.
            from wagtail.models import Page

            query.exclude_ids = frozenset(Page.objects.filter(private_q()).values_list("pk", flat=True))
            if govopen_settings.SEARCH_ALL_SITES is not True:
                query.within_path = self.search_root_path(request)
            parts = SimpleLazyObject(lambda: results_context(self, request, query, self.search_results(query)))
            for name in ("results", "hits", "facets", "pages", "previous_url", "next_url", "sort_urls"):
                context[name] = SimpleLazyObject(lambda name=name: parts[name])

            def render() -> str:
                return render_to_string("govopen_wagtail/includes/search_results.html",
                                        {**context, **parts}, request=request)

            # The rendered results are kept as long as the backend's answer
            # would be (the stamp, GOVOPEN_SEARCH_CACHE_SECONDS).
            seconds = govopen_settings.SEARCH_CACHE_SECONDS
            try:
                context["search_results"] = cached_html(
                    request, self, "search-results", render, repr(govopen_settings.SEARCH_BACKEND), repr(query),
                    timeout=seconds,
                ) if seconds else render()
            except Exception:  # a search server that is down: say so, not a 500
                import logging

                logging.getLogger(__name__).exception("govopen search failed")
                context["search_error"] = gettext("Search is unavailable at the moment. Please try again later.")
        return context
