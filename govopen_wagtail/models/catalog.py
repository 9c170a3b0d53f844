"""The active disclosure catalog (主动公开基本目录): its categories, with
the standard columns of a 基层政务公开标准目录, and the disclosure items.

Items belong to a category by a foreign key; normative documents,
consultations and anything else published under a category's *source page*
belong to it too, so nothing is entered twice.
"""

from __future__ import annotations


from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.search import index

from .. import calendar, catalog_rules, permissions
from ..conf import govopen_settings
from .forms import CROSS_SITE_MESSAGE, SameSitePageForm
from .mixins import AttachmentBase, IndexNumberMixin
from .platform import DisclosurePage
from ..restrictions import private_q


class CatalogPage(RoutablePageMixin, DisclosurePage):
    """The catalog root, usually standing as the 法定主动公开内容 column:
    the categories as a tree, every item as a flat table (the form bureaus
    are assessed on), and the catalog as CSV/XLSX."""

    slug_prefix = "catalog"

    disclosure_column = "active"
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    per_page = 50

    content_panels = DisclosurePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["govopen_wagtail.DisclosureIndexPage", "govopen_wagtail.DisclosureColumnPage"]
    subpage_types = [
        "govopen_wagtail.DisclosureColumnPage",
        "govopen_wagtail.DisclosureItemPage",
        "govopen_wagtail.NormativeDocumentIndexPage",
        "govopen_wagtail.ConsultationIndexPage",
    ]

    class Meta:
        verbose_name = _("disclosure catalog")
        verbose_name_plural = _("disclosure catalogs")

    def get_cached_paths(self) -> list[str]:
        # Sub-routes a frontend cache keeps too (services.purge).
        return ["/", "table/"]

    # Reading ---------------------------------------------------------------

    def category_list(self) -> list["CatalogCategory"]:
        """Every category in tree order, with ``depth``, ``children``,
        ``item_count`` and ``newest`` (published date of the newest item)."""
        from ..services.catalog import annotate_tree

        return annotate_tree(self)

    def items(self, categories=None):
        """Live information pages of this catalog (base ``Page`` objects)."""
        from ..services.catalog import catalog_items

        return catalog_items(self, categories)

    @path("")
    def tree(self, request):
        from django.utils.functional import SimpleLazyObject

        from ..services.catalog import tree_html

        # The tree comes rendered from the cache; the entries themselves are
        # read only by a template that asks for them.
        return self.render(request, context_overrides={
            "categories": SimpleLazyObject(self.category_list), "catalog_tree": tree_html(self, request)})

    @path("table/", name="table")
    def table(self, request):
        from ..services.catalog import table_context

        return self.render(
            request, template="govopen_wagtail/catalog_table.html", context_overrides=table_context(self, request)
        )

    @path("export/<str:kind>/", name="export")
    def export(self, request, kind):
        from ..services.catalog_io import export_catalog

        if kind not in ("csv", "xlsx"):
            raise Http404
        data, content_type = export_catalog(self, kind)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="catalog-{self.pk}.{kind}"'
        return response


class CatalogCategory(models.Model):
    """One entry (一级/二级事项) of the catalog, with the standard columns."""

    #: Site isolation: this record belongs to the site of this page (see permissions).
    govopen_scope_page = "catalog"

    class Audience(models.TextChoices):
        PUBLIC = "public", pgettext_lazy("audience", "The whole public")
        SPECIFIC = "specific", pgettext_lazy("audience", "Specific people")

    class Mode(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("mode", "Active disclosure")
        APPLICATION = "application", pgettext_lazy("mode", "On application")

    catalog = models.ForeignKey(CatalogPage, verbose_name=_("catalog"), on_delete=models.CASCADE,
                                related_name="categories")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("parent entry")
    )
    code = models.CharField(_("code"), max_length=40, help_text=_("E.g. 01 for a first-level entry, 01-02 below it."))
    name = models.CharField(_("name"), max_length=200)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    content_elements = models.TextField(_("content to disclose (要素)"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    time_limit = models.CharField(
        _("time limit"), max_length=200, default="信息形成或变更之日起20个工作日内",
        help_text=_("E.g. 信息形成或变更之日起20个工作日内, 每年3月31日前, 常态化公开."),
    )
    time_limit_kind = models.CharField(max_length=20, editable=False, default=catalog_rules.WORKING_DAYS)
    time_limit_days = models.PositiveIntegerField(editable=False, default=20)
    time_limit_month = models.PositiveSmallIntegerField(editable=False, default=0)
    time_limit_day = models.PositiveSmallIntegerField(editable=False, default=0)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    channels = models.CharField(_("channels"), max_length=300, blank=True, default="政府网站")
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ACTIVE)
    source_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("also includes everything published under"),
        help_text=_("E.g. the normative-document library or the consultation list: their pages count as items of this entry."),
    )
    # Entries are not pages, so their edits leave no revision: the change
    # stamp reads the newest of these (and how many entries there are) instead.
    changed_at = models.DateTimeField(_("changed at"), auto_now=True, db_index=True, editable=False)

    class Meta:
        ordering = ["catalog", "sort_order", "code"]
        verbose_name = _("catalog entry")
        verbose_name_plural = _("catalog entries")
        constraints = [models.UniqueConstraint(fields=["catalog", "code"], name="govopen_catalog_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def limit(self) -> catalog_rules.TimeLimit:
        return catalog_rules.TimeLimit(
            self.time_limit_kind, days=self.time_limit_days, month=self.time_limit_month, day=self.time_limit_day
        )

    def clean(self) -> None:
        errors: dict[str, list] = {}
        try:
            parsed = catalog_rules.parse_time_limit(self.time_limit)
        except catalog_rules.TimeLimitError as exc:
            errors["time_limit"] = [exc.message]
        else:
            self.set_limit(parsed)
        if self.parent_id:
            if self.parent.catalog_id != self.catalog_id:
                errors.setdefault("parent", []).append(_("The parent entry belongs to another catalog."))
            node, seen = self.parent, set()
            while node is not None:
                if node.pk == self.pk or node.pk in seen:
                    errors.setdefault("parent", []).append(_("An entry cannot be placed under itself."))
                    break
                seen.add(node.pk)
                node = node.parent
        if self.source_page_id and self.catalog_id and not permissions.same_site(
            self.source_page.path, self.catalog.path
        ):
            errors.setdefault("source_page", []).append(CROSS_SITE_MESSAGE % {"title": self.source_page.title})
        if errors:
            raise ValidationError(errors)

    def set_limit(self, parsed: catalog_rules.TimeLimit) -> None:
        self.time_limit_kind = parsed.kind
        self.time_limit_days = parsed.days
        self.time_limit_month = parsed.month
        self.time_limit_day = parsed.day


class DisclosureItemForm(SameSitePageForm):
    # Items are filed in their own site's catalog only.
    site_choice_fields = {"catalog_category": "catalog__"}

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("catalog_category")
        path = self._site_path()
        if category is not None and path and not permissions.same_site(category.catalog.path, path):
            self.add_error("catalog_category", CROSS_SITE_MESSAGE % {"title": category.name})
        return cleaned


class DisclosureItemPage(IndexNumberMixin, DisclosurePage):
    """One piece of actively disclosed information (条例 art. 12: index,
    name, content summary, date generated)."""

    slug_prefix = "item"

    base_form_class = DisclosureItemForm

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
    catalog_category = models.ForeignKey(
        CatalogCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="items",
        verbose_name=_("catalog entry"),
    )
    subject_category = models.ForeignKey(
        "govopen_wagtail.SubjectCategory", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("subject category"),
    )
    body = RichTextField(_("text"), blank=True)

    content_panels = DisclosurePage.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("catalog_category"),
                FieldPanel("generated_date"),
                FieldPanel("formed_date"),
                FieldPanel("issuing_unit"),
                FieldPanel("subject_category"),
            ],
            heading=_("Disclosure metadata"),
        ),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
    ]
    search_fields = DisclosurePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("generated_date"),
    ]

    parent_page_types = ["govopen_wagtail.DisclosureColumnPage", "govopen_wagtail.CatalogPage"]
    subpage_types: list[str] = []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from .reports import AnnualReportPage

        # A 年报解读 links back to the report it explains.
        context["interpreted_reports"] = AnnualReportPage.objects.live().exclude(private_q()).filter(interpretation=self)
        return context

    class Meta:
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if self.formed_date and self.formed_date > timezone.localdate():
            errors["formed_date"] = [_("The date formed cannot be in the future.")]
        from ..files import ATTACHMENT_KINDS, stored_file_problems

        for field, message in stored_file_problems(
            ("__all__", a.document, ATTACHMENT_KINDS) for a in self.attachments.all()
        ):
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def metadata_rows(self) -> list[tuple[str, str]]:
        rows = super().metadata_rows()
        rows.append((gettext("Date generated"), self.generated_date.isoformat()))
        if self.issuing_unit:
            rows.append((gettext("Issuing unit"), self.issuing_unit))
        if self.summary:
            rows.append((gettext("Content summary"), self.summary))
        return rows

    def publication_deadline(self, cal: calendar.WorkingDayCalendar | None = None):
        """The last day for publishing, or ``None`` without a formed date.

        The category's time limit applies when it is per item (N working
        days or N days); otherwise 条例 art. 26's 20 working days.
        """
        if self.formed_date is None:
            return None
        cal = cal or calendar.get_calendar()
        category = self.catalog_category if self.catalog_category_id else None
        if category is not None and category.time_limit_kind == catalog_rules.DAYS:
            return calendar.WorkingDayResult(category.limit.deadline(self.formed_date), False)
        days = (
            category.time_limit_days
            if category is not None and category.time_limit_kind == catalog_rules.WORKING_DAYS
            else govopen_settings.ACTIVE_DISCLOSURE_WORKING_DAYS
        )
        return cal.add_working_days(self.formed_date, days)

    def published_late(self, cal: calendar.WorkingDayCalendar | None = None) -> bool | None:
        """Whether first publication missed the deadline; ``None`` if unknown."""
        deadline = self.publication_deadline(cal)
        if deadline is None or self.first_published_at is None:
            return None
        return timezone.localtime(self.first_published_at).date() > deadline.date


class DisclosureItemAttachment(AttachmentBase):
    page = ParentalKey(DisclosureItemPage, on_delete=models.CASCADE, related_name="attachments")
