"""Page types a site would write: on top of govopen's abstract bases, and
one from another app (``ArchivePage``) that govopen's routing must leave alone."""

from django.db import models
from django.http import HttpResponse
from wagtail import blocks
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from govopen_wagtail.models import DisclosurePage, IndexNumberMixin


class AnnualReportListPage(DisclosurePage):
    """A site's own page standing in for the annual reports column."""

    disclosure_column = "reports"
    template = "govopen_wagtail/disclosure_column_page.html"


class NoticePage(IndexNumberMixin, DisclosurePage):
    """A site's own kind of disclosure information."""

    body = models.TextField(blank=True)
    template = "govopen_wagtail/disclosure_item_page.html"


class BenchDocument(index.Indexed, models.Model):
    """Plain rows for bench/search.py: the same texts indexed by Wagtail's
    own (unsegmented) database search, to compare with govopen's."""

    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)

    search_fields = [index.SearchField("title", boost=3), index.SearchField("body")]


class ListPage(DisclosurePage):
    """A page of blocks with tables, as schools publish lists (screening tests)."""

    body = StreamField([("text", blocks.RichTextBlock()), ("table", TableBlock())], blank=True)
    template = "govopen_wagtail/disclosure_item_page.html"


class ArchivePage(RoutablePageMixin, Page):
    """Another app's page that answers addresses below it itself (a blog's
    archive by year), for the routing middleware's tests."""

    template = "testapp/archive_page.html"

    @path("<int:year>/")
    def year(self, request, year):
        return HttpResponse(f"archive {self.pk} {year}")
