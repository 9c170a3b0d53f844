"""The disclosure platform (政府信息公开 column): organisation profile, index,
guide, rules and general column pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy as _, pgettext
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from .. import docnumber
from ..conf import govopen_settings
from ..validators import (
    credit_code_validator,
    document_number_validator,
    phone_validator,
    postal_code_validator,
)
from . import defaults
from .mixins import GovopenPageMixin, IndexNumberMixin
from ..restrictions import private_q

STANDARD_COLUMNS = ("guide", "rules", "active", "reports")


def column_labels(kind: str = "organ") -> dict[str, str]:
    """Names of the platform's columns (国办公开办函〔2019〕61号) plus applications.

    A school is a public institution, not an administrative organ: its column
    is 信息公开 (条例 art. 55; 教办〔2010〕15号), so its columns drop 政府."""
    if kind == OrganisationKind.INSTITUTION:
        return {
            "guide": pgettext("institution", "Information disclosure guide"),
            "rules": pgettext("institution", "Information disclosure rules"),
            "active": pgettext("institution", "Active disclosure"),
            "reports": pgettext("institution", "Annual information disclosure reports"),
            "applications": gettext("Disclosure on application"),
        }
    return {
        "guide": gettext("Disclosure guide"),
        "rules": gettext("Disclosure rules"),
        "active": gettext("Statutory active disclosure"),
        "reports": gettext("Annual reports"),
        "applications": gettext("Disclosure on application"),
    }


class OrganisationKind(models.TextChoices):
    ORGAN = "organ", _("Administrative organ (政府信息公开 under the 条例, e.g. an education bureau)")
    INSTITUTION = "institution", _("School or other public institution (信息公开, 条例 art. 55)")


@dataclass(frozen=True)
class OfficeContact:
    """The contacts 条例 art. 12 requires the guide to show."""

    office_name: str = ""
    address: str = ""
    postal_code: str = ""
    office_hours: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    website: str = ""

    def missing(self) -> list[str]:
        """Labels of the art. 12 items that are still empty."""
        required = {
            "office_name": gettext("disclosure office"),
            "address": gettext("office address"),
            "office_hours": gettext("office hours"),
            "phone": gettext("phone"),
            "fax": gettext("fax"),
        }
        missing = [label for name, label in required.items() if not getattr(self, name)]
        if not (self.email or self.website):
            missing.append(gettext("internet contact (e-mail or website)"))
        return missing


OFFICE_FIELD_NAMES = tuple(f.name for f in fields(OfficeContact))


class OfficeContactFields(models.Model):
    """The disclosure office's contacts (条例 art. 12), shared by the
    organisation profile and the guide (where empty means "use the profile")."""

    office_name = models.CharField(
        _("disclosure office"),
        max_length=255,
        blank=True,
        help_text=_("The office that handles information disclosure, e.g. 局办公室."),
    )
    address = models.CharField(_("office address"), max_length=255, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=6, blank=True, validators=[postal_code_validator]
    )
    office_hours = models.CharField(_("office hours"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True, validators=[phone_validator])
    fax = models.CharField(_("fax"), max_length=60, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        abstract = True

    @classmethod
    def office_panels(cls, *, help_text=None) -> list:
        panels = [HelpPanel(content=help_text)] if help_text else []
        return panels + [FieldPanel(name) for name in OFFICE_FIELD_NAMES]


@register_setting(icon="site")
class OrganisationProfile(OfficeContactFields, BaseSiteSetting):
    """Who discloses: one per Wagtail Site, so a bureau and its schools can
    share one installation."""

    name = models.CharField(_("name of the body"), max_length=255, blank=True)
    kind = models.CharField(
        _("kind of body"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.ORGAN,
        help_text=_("Decides the names of the disclosure columns: a school's are 信息公开…, not 政府信息公开…."),
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[credit_code_validator],
        help_text=_("统一社会信用代码: 18 characters; used as the prefix of index numbers."),
    )
    supervisor = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("supervised by (site)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="govopen_supervised_profiles",
        help_text=_("The site of the bureau that guides and checks this body's disclosure (上级主管部门): its "
                    "staff with the oversight permission see this site in their oversight table."),
    )
    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("kind"), FieldPanel("credit_code"), FieldPanel("supervisor")],
                        heading=_("The body")),
        MultiFieldPanel(OfficeContactFields.office_panels(), heading=_("Disclosure office")),
    ]

    # Read with the change stamp, so that an edit renews every page kept
    # under it (the body's name and contact details are on every page).
    changed_at = models.DateTimeField(_("changed at"), auto_now=True, null=True, editable=False)

    #: Site isolation: this record belongs to this site (see permissions).
    govopen_scope_site = "site"

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profiles")

    @classmethod
    def for_site(cls, site):
        """Wagtail's ``for_site``; during a GET whose change stamp is already
        read, a copy kept under the stamp (see ``changed_at``), so a page
        that shows the profile (every page of the example site's template)
        reads nothing for it."""
        from ..services import library_cache

        current_stamp = library_cache.memo_stamp()
        if site is None or current_stamp is None:
            return super().for_site(site)
        key = library_cache.key(None, "organisation-profile", site.pk, current_stamp=current_stamp)
        profile = library_cache.fetch(key)
        if profile is None:
            profile = super().for_site(site)
            # The site is the request's own: not kept with the profile.
            profile._state.fields_cache.pop("site", None)
            library_cache.store(key, profile)
        profile.site = site
        return profile

    @classmethod
    def get_permission_policy(cls):
        from ..permissions import site_setting_policy

        return site_setting_policy(cls)

    def clean(self) -> None:
        super().clean()
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()




class DisclosurePage(GovopenPageMixin, Page):
    """Abstract base of every page in the disclosure platform."""

    #: Which standard column (if any) a page of this type stands for when it
    #: sits directly under the disclosure index.
    disclosure_column: str | None = None

    class Meta:
        abstract = True

    def get_disclosure_column(self) -> str | None:
        return self.disclosure_column

    #: First part of the short address given to a page whose slug came out
    #: non-ASCII (a Chinese title becomes ~270 percent-encoded characters).
    slug_prefix = "page"

    def readable_slug_stem(self) -> str:
        """E.g. ``item-20260825``; page types with a number use it."""
        return f"{self.slug_prefix}-{timezone.localdate():%Y%m%d}"

    def full_clean(self, *args, **kwargs):
        if govopen_settings.ASCII_SLUGS and self.slug and not self.slug.isascii() and self.depth:
            self.slug = self._free_slug(self.readable_slug_stem())
        return super().full_clean(*args, **kwargs)

    def _free_slug(self, stem: str) -> str:
        parent = self.get_parent() if self.path else None
        candidate, n = stem, 1
        while parent is not None and not Page._slug_is_available(candidate, parent, self):
            n += 1
            candidate = f"{stem}-{n}"
        return candidate


class DisclosureIndexPage(DisclosurePage):
    """The 政府信息公开 column: the four standard columns, an entry for
    applications, and what is new."""

    slug_prefix = "xxgk"

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    application_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("applications page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Where the “disclosure on application” entry links to. "
            "Leave empty to link to the application section of the guide."
        ),
    )

    content_panels = DisclosurePage.content_panels + [
        HelpPanel(
            content=_(
                "Add the standard columns as child pages: a disclosure guide, a disclosure "
                "rules page, and column pages for statutory active disclosure and annual reports."
            )
        ),
        FieldPanel("intro"),
        FieldPanel("application_page"),
    ]
    search_fields = DisclosurePage.search_fields + [index.SearchField("intro")]

    subpage_types = [
        "govopen_wagtail.DisclosureGuidePage",
        "govopen_wagtail.DisclosureRulesPage",
        "govopen_wagtail.DisclosureColumnPage",
        "govopen_wagtail.NormativeDocumentIndexPage",
        "govopen_wagtail.ConsultationIndexPage",
        "govopen_wagtail.CatalogPage",
        "govopen_wagtail.DisclosureSearchPage",
        "govopen_wagtail.ApplicationPage",
        "govopen_wagtail.MessagePage",
        "govopen_wagtail.WorkPlanPage",
    ]

    class Meta:
        verbose_name = _("disclosure platform")
        verbose_name_plural = _("disclosure platforms")

    @classmethod
    def clean_subpage_models(cls):
        # Sites add their own types with GOVOPEN_EXTRA_INDEX_SUBPAGE_TYPES.
        from django.apps import apps

        allowed = list(super().clean_subpage_models())
        for label in govopen_settings.EXTRA_INDEX_SUBPAGE_TYPES:
            model = apps.get_model(label)
            if model not in allowed:
                allowed.append(model)
        return allowed

    def columns(self, request=None, pages: dict | None = None) -> list[dict]:
        """The four standard columns in their fixed order, then applications,
        then any other sections placed here (consultations, a library …).

        Each entry has ``key``, ``label`` and ``page`` (``None`` while the
        column has not been set up). ``pages``: the pages by id, when the
        caller has read them already (see :meth:`get_context`).
        """
        column_ids, other_ids = self._column_layout()
        if pages is None:
            pages = Page.objects.in_bulk(self._column_page_ids(column_ids, other_ids))
        by_column = {key: pages.get(pk) for key, pk in column_ids.items()}
        others = [pages[pk] for pk in other_ids if pk in pages]
        if request is not None:
            # The site's settings, read once for the request (its templates read them too).
            profile = OrganisationProfile.for_request(request)
        else:
            site = self.get_site()
            profile = OrganisationProfile.objects.filter(site=site).only("kind").first() if site else None
        labels = column_labels(profile.kind if profile else OrganisationKind.ORGAN)
        entries = [{"key": k, "label": labels[k], "page": by_column.get(k)} for k in STANDARD_COLUMNS]
        application_page = pages.get(self.application_page_id) if self.application_page_id else None
        entries.append(
            {
                "key": "applications",
                "label": labels["applications"],
                "page": application_page or by_column.get("applications"),
                "anchor_page": by_column.get("guide"),
            }
        )
        entries += [{"key": "section", "label": child.title, "page": child} for child in others]
        return entries

    def _column_layout(self) -> tuple[dict[str, int], list[int]]:
        from ..services import library_cache

        def layout() -> tuple[dict[str, int], list[int]]:
            # Which child stands for which column is decided by each child's
            # specific type (and field), so it is worked out once per change
            # stamp; the links themselves need only the plain pages.
            by_column: dict[str, int] = {}
            others: list[int] = []
            for child in self.get_children().live().exclude(private_q()).specific():
                key = getattr(child, "get_disclosure_column", lambda: None)()
                if key and key not in by_column:
                    by_column[key] = child.pk
                elif not key:
                    others.append(child.pk)
            return by_column, others

        return library_cache.cached(library_cache.key(self, "columns"), layout)

    def _column_page_ids(self, column_ids: dict[str, int], other_ids: list[int]) -> list[int]:
        wanted = [*column_ids.values(), *other_ids]
        if self.application_page_id:
            wanted.append(self.application_page_id)
        return wanted

    def _recent_ids(self, limit: int | None = None) -> list[int]:
        from .registry import information_models

        from ..services import library_cache

        limit = govopen_settings.INDEX_RECENT_ITEMS if limit is None else limit
        # Sorting everything below the platform by date costs at a bureau's
        # size; the newest ids are cached until anything is published,
        # edited, moved or restricted (the stamp).
        return library_cache.cached(
            library_cache.key(self, "recent", limit),
            lambda: list(Page.objects.descendant_of(self).live().exclude(private_q()).type(*information_models())
                         .order_by("-first_published_at", "-pk").values_list("pk", flat=True)[:limit]),
        )

    def recent_items(self, limit: int | None = None, pages: dict | None = None):
        """The newest published disclosure information under this column."""
        ids = self._recent_ids(limit)
        if pages is None:
            pages = Page.objects.in_bulk(ids)
        return [pages[pk] for pk in ids if pk in pages]

    def get_context(self, request, *args, **kwargs):
        from django.template.loader import render_to_string
        from django.utils.functional import SimpleLazyObject

        from ..services.fragments import cached_html

        context = super().get_context(request, *args, **kwargs)
        # The column links and the newest items are plain pages: one read for
        # both, and only when their HTML is not kept (it changes with the
        # stamp, and the column names with the kind of organisation).
        pages = SimpleLazyObject(
            lambda: Page.objects.in_bulk([*self._column_page_ids(*self._column_layout()), *self._recent_ids()])
        )
        context["columns"] = SimpleLazyObject(lambda: self.columns(request, pages=pages))
        context["recent_items"] = SimpleLazyObject(lambda: self.recent_items(pages=pages))
        profile = OrganisationProfile.for_request(request)
        context["index_body"] = cached_html(
            request, self, "index-body",
            lambda: render_to_string("govopen_wagtail/includes/index_body.html", context, request=request),
            profile.kind if profile else None,
        )
        return context


class DisclosureGuidePage(RoutablePageMixin, IndexNumberMixin, OfficeContactFields, DisclosurePage):
    """政府信息公开指南: everything 条例 art. 12 asks for, with a printable view."""

    slug_prefix = "guide"

    disclosure_column = "guide"

    intro = RichTextField(_("introduction"), blank=True)
    information_arrangement = RichTextField(
        _("categories and arrangement of information"),
        default=defaults.information_arrangement,
        help_text=_("条例 art. 12: how the information is classified and arranged."),
    )
    active_access = RichTextField(
        _("how to obtain actively disclosed information"), default=defaults.active_access
    )
    application_procedure = RichTextField(
        _("how to apply for information"), default=defaults.application_procedure
    )
    fees = RichTextField(_("fees"), default=defaults.fees)
    remedies = RichTextField(_("supervision and remedies"), default=defaults.remedies)
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("The date the guide was last checked against the current rules and contacts."),
    )

    content_panels = DisclosurePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("information_arrangement"),
        FieldPanel("active_access"),
        MultiFieldPanel(
            OfficeContactFields.office_panels(
                help_text=_(
                    "Leave a field empty to use the value from the organisation profile "
                    "(Settings → Organisation profile)."
                )
            ),
            heading=_("Disclosure office"),
        ),
        FieldPanel("application_procedure"),
        FieldPanel("fees"),
        FieldPanel("remedies"),
        FieldPanel("last_reviewed"),
    ]
    search_fields = DisclosurePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("information_arrangement"),
        index.SearchField("active_access"),
        index.SearchField("application_procedure"),
        index.SearchField("fees"),
        index.SearchField("remedies"),
    ]

    parent_page_types = ["govopen_wagtail.DisclosureIndexPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("disclosure guide")
        verbose_name_plural = _("disclosure guides")

    def get_cached_paths(self) -> list[str]:
        # Sub-routes a frontend cache keeps too (services.purge).
        return ["/", "print/"]

    def get_office(self, profile: OrganisationProfile | None = None) -> OfficeContact:
        """Office contacts: the guide's own, falling back to the profile's."""
        if profile is None:
            site = self.get_site()
            profile = OrganisationProfile.for_site(site) if site else None
        values = {}
        for name in OFFICE_FIELD_NAMES:
            value = getattr(self, name) or (getattr(profile, name, "") if profile else "")
            values[name] = value
        return OfficeContact(**values)

    def review_overdue(self, today: dt.date | None = None) -> bool:
        if self.last_reviewed is None:
            return True
        today = today or timezone.localdate()
        return (today - self.last_reviewed).days > govopen_settings.GUIDE_REVIEW_INTERVAL_DAYS

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        profile = OrganisationProfile.for_request(request)
        context["profile"] = profile
        context["office"] = self.get_office(profile)
        # get_url(request) stays relative on the current site; .url turns
        # absolute (and may name another host) once several sites exist.
        context["print_url"] = self.get_url(request) + self.reverse_subpage("print")
        return context

    @path("print/", name="print")
    def print_view(self, request):
        return self.render(request, template="govopen_wagtail/disclosure_guide_page_print.html",
                           context_overrides={"source_url": self.absolute_url(request)})


class DisclosureRulesPage(IndexNumberMixin, DisclosurePage):
    """政府信息公开制度: the body's own disclosure rules. Sits under the index
    as the rules column, and may hold further rules pages."""

    slug_prefix = "rules"

    disclosure_column = "rules"

    document_number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        validators=[document_number_validator],
        help_text=_("发文字号, e.g. 泉教办〔2018〕85号. Written forms like [2018] are corrected."),
    )
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    body = RichTextField(_("text"), blank=True)

    content_panels = DisclosurePage.content_panels + [
        FieldPanel("document_number"),
        FieldPanel("effective_date"),
        FieldPanel("body"),
    ]
    search_fields = DisclosurePage.search_fields + [
        index.SearchField("document_number", boost=2),
        index.SearchField("body"),
    ]

    parent_page_types = ["govopen_wagtail.DisclosureIndexPage", "govopen_wagtail.DisclosureRulesPage"]
    subpage_types = ["govopen_wagtail.DisclosureRulesPage", "govopen_wagtail.WorkPlanPage"]

    class Meta:
        verbose_name = _("disclosure rules")
        verbose_name_plural = _("disclosure rules")

    def clean(self) -> None:
        super().clean()
        # An unreadable number is reported by the field's validator.
        if self.document_number and docnumber.is_valid(self.document_number):
            self.document_number = docnumber.normalise(self.document_number)

    def metadata_rows(self) -> list[tuple[str, str]]:
        rows = super().metadata_rows()
        if self.document_number:
            rows.append((gettext("Document number"), self.document_number))
        if self.effective_date:
            rows.append((gettext("Effective date"), self.effective_date.isoformat()))
        return rows

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().exclude(private_q()).order_by("path")
        return context


class DisclosureColumnPage(DisclosurePage):
    """A general column that lists the pages under it, e.g. 法定主动公开内容
    or 政府信息公开年报 until the dedicated page types take those places."""

    slug_prefix = "column"

    class Column(models.TextChoices):
        ACTIVE = "active", _("Statutory active disclosure")
        REPORTS = "reports", _("Annual reports")
        OTHER = "other", _("Other")

    column = models.CharField(
        _("column"),
        max_length=20,
        choices=Column.choices,
        default=Column.OTHER,
        help_text=_("Which standard column of the platform this page is, if any."),
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = DisclosurePage.content_panels + [FieldPanel("column"), FieldPanel("intro")]
    search_fields = DisclosurePage.search_fields + [index.SearchField("intro")]

    parent_page_types = [
        "govopen_wagtail.DisclosureIndexPage",
        "govopen_wagtail.DisclosureColumnPage",
        "govopen_wagtail.CatalogPage",
    ]
    subpage_types = [
        "govopen_wagtail.DisclosureColumnPage",
        "govopen_wagtail.DisclosureItemPage",
        "govopen_wagtail.NormativeDocumentIndexPage",
        "govopen_wagtail.ConsultationIndexPage",
        "govopen_wagtail.AnnualReportPage",
    ]

    class Meta:
        verbose_name = _("disclosure column")
        verbose_name_plural = _("disclosure columns")

    def get_disclosure_column(self) -> str | None:
        return None if self.column == self.Column.OTHER else self.column

    @cached_property
    def listing(self):
        return (
            self.get_children()
            .live()
            .exclude(private_q())
            .order_by("-first_published_at", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.listing, 20)
        context["listing_page"] = paginator.get_page(request.GET.get("page"))
        return context
