"""Page types a site would write on top of govopen's abstract bases."""

from django.db import models

from govopen_wagtail.models import DisclosurePage, IndexNumberMixin


class AnnualReportListPage(DisclosurePage):
    """A site's own page standing in for the annual reports column."""

    disclosure_column = "reports"
    template = "govopen_wagtail/disclosure_column_page.html"


class NoticePage(IndexNumberMixin, DisclosurePage):
    """A site's own kind of disclosure information."""

    body = models.TextField(blank=True)
    template = "govopen_wagtail/disclosure_item_page.html"
