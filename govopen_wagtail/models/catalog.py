"""Disclosure items: the published pieces of information in the catalog."""

from __future__ import annotations


from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from .. import calendar
from ..conf import govopen_settings
from .platform import DisclosurePage
from .mixins import IndexNumberMixin


class DisclosureItemPage(IndexNumberMixin, DisclosurePage):
    """One piece of actively disclosed information (条例 art. 12: index,
    name, content summary, date generated)."""

    summary = models.TextField(_("content summary"), blank=True)
    generated_date = models.DateField(
        _("date generated"), default=timezone.localdate, help_text=_("生成日期, shown in the catalog.")
    )
    formed_date = models.DateField(
        _("date formed or changed"),
        null=True,
        blank=True,
        help_text=_(
            "When the information was formed or last changed; it must be published "
            "within 20 working days of this date (条例 art. 26)."
        ),
    )
    issuing_unit = models.CharField(_("issuing unit"), max_length=255, blank=True)
    body = RichTextField(_("text"), blank=True)

    content_panels = DisclosurePage.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("generated_date"), FieldPanel("formed_date"), FieldPanel("issuing_unit")],
            heading=_("Disclosure metadata"),
        ),
        FieldPanel("body"),
    ]
    search_fields = DisclosurePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("generated_date"),
    ]

    parent_page_types = ["govopen_wagtail.DisclosureColumnPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")

    def clean(self) -> None:
        super().clean()
        if self.formed_date and self.formed_date > timezone.localdate():
            raise ValidationError(
                {"formed_date": _("The date formed cannot be in the future.")}
            )

    def metadata_rows(self) -> list[tuple[str, str]]:
        rows = super().metadata_rows()
        rows.append((gettext("Date generated"), self.generated_date.isoformat()))
        if self.issuing_unit:
            rows.append((gettext("Issuing unit"), self.issuing_unit))
        if self.summary:
            rows.append((gettext("Content summary"), self.summary))
        return rows

    def publication_deadline(self, cal: calendar.WorkingDayCalendar | None = None):
        """The last day for publishing, or ``None`` without a formed date."""
        if self.formed_date is None:
            return None
        cal = cal or calendar.get_calendar()
        return cal.add_working_days(
            self.formed_date, govopen_settings.ACTIVE_DISCLOSURE_WORKING_DAYS
        )

    def published_late(self, cal: calendar.WorkingDayCalendar | None = None) -> bool | None:
        """Whether first publication missed the deadline; ``None`` if unknown."""
        deadline = self.publication_deadline(cal)
        if deadline is None or self.first_published_at is None:
            return None
        return timezone.localtime(self.first_published_at).date() > deadline.date
