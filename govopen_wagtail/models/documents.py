"""Normative documents (规范性文件): the library, the documents, their legal
validity history (立改废) and their interpretations (政策解读).

Legal validity is never a stored flag. It is derived, for any date, from the
document's dates (effective date, end of validity period) and an append-only
ledger of :class:`ValidityEvent` rows (amended, repealed, expired, extended),
in one SQL annotation (:meth:`NormativeDocumentQuerySet.with_validity`) used
by the library, the register and the document page alike.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from .. import calendar, docnumber, permissions
from ..conf import govopen_settings
from ..params import parse_date, parse_id, parse_year
from ..validators import document_number_validator
from .forms import SameSitePageForm
from .mixins import AttachmentBase, IndexNumberMixin
from .platform import DisclosurePage
from ..restrictions import private_q


class Validity(models.TextChoices):
    NOT_YET_EFFECTIVE = "not_yet_effective", pgettext_lazy("validity", "Not yet in effect")
    IN_FORCE = "in_force", pgettext_lazy("validity", "In force")
    AMENDED = "amended", pgettext_lazy("validity", "Amended")
    REPEALED = "repealed", pgettext_lazy("validity", "Repealed")
    EXPIRED = "expired", pgettext_lazy("validity", "Expired")


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

#: Validity values under which a document still binds.
BINDING = (Validity.IN_FORCE, Validity.AMENDED)


class Issuer(models.Model):
    """An issuing body; documents may be issued jointly by several."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    code = models.CharField(
        _("issuer code"), max_length=50, blank=True, help_text=_("机关代字, e.g. 泉教办")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("issuing body")
        verbose_name_plural = _("issuing bodies")

    def __str__(self) -> str:
        return self.name


class SubjectCategory(models.Model):
    """Subject taxonomy; seeded with the 22 gov.cn 主题分类, editable."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("subject category")
        verbose_name_plural = _("subject categories")

    def __str__(self) -> str:
        return self.name


def parse_as_of(value: str | None) -> tuple[dt.date, bool]:
    """``?as_of=YYYY-MM-DD`` → (date, valid). Bad or missing input gives today."""
    today = timezone.localdate()
    if not value:
        return today, True
    parsed = parse_date(value)
    return (parsed, True) if parsed is not None else (today, False)


#: The library's default validity filter: every document still binding.
BINDING_FILTER = "binding"


class NormativeDocumentQuerySet(PageQuerySet):
    def with_validity(self, on: dt.date | None = None) -> "NormativeDocumentQuerySet":
        """Annotate ``validity`` (a :class:`Validity` value) as of ``on``.

        Repeal, expiry and amendment dates come from :class:`ValidityState`
        (the first such event, kept in step with the ledger); extensions are
        read from the ledger itself because several may stack.
        """
        on = on or timezone.localdate()
        extended_to = Subquery(
            ValidityEvent.objects.filter(
                document=OuterRef("pk"), kind=ValidityEvent.Kind.EXTENDED, effective_date__lte=on
            )
            .order_by("-new_end_date")
            .values("new_end_date")[:1]
        )
        qs = self.annotate(
            end_of_validity=Coalesce(extended_to, F("validity_end"), output_field=models.DateField())
        )
        repealed = Q(validity_state__repealed_on__lte=on) & (
            Q(end_of_validity__isnull=True) | Q(validity_state__repealed_on__lte=F("end_of_validity"))
        ) & (
            Q(validity_state__expired_on__isnull=True)
            | Q(validity_state__expired_on__gt=on)
            | Q(validity_state__repealed_on__lte=F("validity_state__expired_on"))
        )
        expired = Q(validity_state__expired_on__lte=on) | Q(end_of_validity__lt=on)
        return qs.annotate(
            validity=Case(
                When(effective_date__gt=on, then=Value(Validity.NOT_YET_EFFECTIVE)),
                When(repealed, then=Value(Validity.REPEALED)),
                When(expired, then=Value(Validity.EXPIRED)),
                When(validity_state__amended_on__lte=on, then=Value(Validity.AMENDED)),
                default=Value(Validity.IN_FORCE),
                output_field=models.CharField(),
            )
        )

    def in_force(self, on: dt.date | None = None) -> "NormativeDocumentQuerySet":
        """Documents that bind on ``on`` (in force, possibly amended)."""
        return self.with_validity(on).filter(validity__in=BINDING)

    def expiring_within(self, days: int, today: dt.date | None = None):
        today = today or timezone.localdate()
        return self.in_force(today).filter(
            end_of_validity__gte=today, end_of_validity__lte=today + dt.timedelta(days=days)
        )


NormativeDocumentManager = PageManager.from_queryset(NormativeDocumentQuerySet)


_BLOCK_KEY = re.compile(r'\s+data-block-key="[^"]*"')


class NormativeDocumentForm(SameSitePageForm):
    """Asks for a change note when a published document is republished;
    repeals, amendments and the consultation stay within the site."""

    same_site_fields = ("consultation_page",)
    same_site_child_fields = {"effects": ("target",)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A note belongs to one publication: never prefill last time's.
        for name in ("change_note", "minor_change"):
            if name in self.fields:
                self.initial[name] = self.fields[name].initial

    def _really_changed(self) -> list[str]:
        # The rich-text editor gives its blocks new keys on every round trip:
        # compare what the text says, not its keys.
        changed = []
        for name in self.changed_data:
            initial, value = self.initial.get(name), self.cleaned_data.get(name)
            if isinstance(initial, str) and isinstance(value, str) and \
                    _BLOCK_KEY.sub("", initial) == _BLOCK_KEY.sub("", value):
                continue
            changed.append(name)
        return changed

    def clean(self):
        cleaned = super().clean()
        publishing = "action-publish" in self.data
        already_published = bool(self.instance.pk and self.instance.first_published_at)
        # Publishing what is already live (a double click, a resent form)
        # changes nothing, so there is nothing to describe.
        unchanged = not self._really_changed() and not any(f.has_changed() for f in self.formsets.values())
        if (
            publishing
            and already_published
            and not unchanged
            and not cleaned.get("minor_change")
            and not (cleaned.get("change_note") or "").strip()
        ):
            self.add_error(
                "change_note",
                _("Describe what changed, or tick “minor correction”, before republishing."),
            )
        return cleaned


class NormativeDocumentIndexPage(RoutablePageMixin, DisclosurePage):
    """The policy library (规范性文件库)."""

    slug_prefix = "documents"

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = DisclosurePage.content_panels + [FieldPanel("intro")]
    parent_page_types = [
        "govopen_wagtail.DisclosureIndexPage",
        "govopen_wagtail.DisclosureColumnPage",
        "govopen_wagtail.CatalogPage",
    ]
    subpage_types = ["govopen_wagtail.NormativeDocumentPage", "govopen_wagtail.InterpretationPage"]

    PAGE_SIZE = 20
    SORTS = {
        "date": ("-published_date", "-pk"),
        "number": ("number_issuer", "number_year", "number_serial", "pk"),
    }

    class Meta:
        verbose_name = _("normative document library")
        verbose_name_plural = _("normative document libraries")

    def get_cached_paths(self) -> list[str]:
        # Sub-routes a frontend cache keeps too (services.purge).
        return ["/", "register/", "collection/", "feed/", "feed/atom/", "feed/validity/",
                "feed/validity/atom/", "api/"]

    def documents(self) -> NormativeDocumentQuerySet:
        return NormativeDocumentPage.objects.live().exclude(private_q()).descendant_of(self)

    def filter_state(self, params) -> dict:
        """The public filters in ``params`` (a QueryDict), checked.

        Unknown or malformed values are ignored and reported back in
        ``state["ignored"]`` rather than raising.
        """
        on, as_of_ok = parse_as_of(params.get("as_of"))
        state = {
            "as_of": on,
            "ignored": [] if as_of_ok else ["as_of"],
            # Links to documents keep a date the reader chose explicitly.
            "as_of_query": f"?as_of={on.isoformat()}" if params.get("as_of") and as_of_ok else "",
        }
        # "binding": in force, amended or partly amended (the default view);
        # each Validity value, "in_force" included, filters on exactly that state.
        validity = params.get("validity", BINDING_FILTER)
        if validity != BINDING_FILTER and validity not in Validity.values and validity != "all":
            state["ignored"].append("validity")
            validity = BINDING_FILTER
        state["validity"] = validity
        for name in ("year", "issuer", "category"):
            value = params.get(name, "")
            if not value:
                continue
            number = parse_year(value) if name == "year" else parse_id(value)
            if number is None:
                state["ignored"].append(name)
                continue
            state[name] = number
        # Control characters (NUL above all: PostgreSQL text cannot hold it)
        # never belong in a search.
        state["q"] = CONTROL_CHARACTERS.sub("", params.get("q") or "").strip()[:100]
        sort = params.get("sort", "date")
        if sort not in self.SORTS:
            state["ignored"].append("sort")
            sort = "date"
        state["sort"] = sort
        return state

    def filtered(self, params, documents=None) -> tuple[NormativeDocumentQuerySet, dict]:
        """The documents the public filters in ``params`` select, and
        :meth:`filter_state`."""
        state = self.filter_state(params)
        documents = self.documents() if documents is None else documents
        qs = documents.with_validity(state["as_of"]).select_related("category").prefetch_related("issuers")
        validity = state["validity"]
        if validity == BINDING_FILTER:
            qs = qs.filter(validity__in=BINDING)
        elif validity in Validity.values:
            qs = qs.filter(validity=validity)
        if "year" in state:
            qs = qs.filter(published_date__year=state["year"])
        if "category" in state:
            qs = qs.filter(category_id=state["category"])
        if "issuer" in state:
            # EXISTS rather than a join: no duplicate rows, so no DISTINCT.
            through = NormativeDocumentPage.issuers.through
            qs = qs.filter(
                Exists(through.objects.filter(normativedocumentpage_id=OuterRef("pk"), issuer_id=state["issuer"]))
            )
        keyword = state["q"]
        if keyword:
            condition = Q(title__icontains=keyword) | Q(document_number__icontains=keyword)
            if docnumber.is_valid(keyword):
                condition |= Q(document_number=docnumber.normalise(keyword))
            qs = qs.filter(condition)
        return qs.order_by(*self.SORTS[state["sort"]]), state

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from ..services import library_cache

        context = super().get_context(request, *args, **kwargs)
        base = self.documents()
        state = self.filter_state(request.GET)
        # The filtered queryset (the validity expression) is built only when
        # a count or a page of ids is not in the cache.
        documents = SimpleLazyObject(lambda: self.filtered(request.GET, base)[0])
        # The ordered ids for this filter are cached (see library_cache);
        # only the rows of the page shown are loaded.
        filter_key = (self.pk, state["as_of"], state["validity"], state.get("year"), state.get("issuer"),
                      state.get("category"), state["q"], state["sort"])
        current_stamp = library_cache.stamp(self)

        def cache_key(*parts):
            return library_cache.key(self, *filter_key, *parts, current_stamp=current_stamp)

        # The count and each page of (id, validity) pairs are cached apart,
        # so a hit costs the same for ten documents or a hundred thousand;
        # the rows shown are then fetched by a plain query. All of it is
        # lazy: when the template's fragment cache already holds the
        # rendered listing, none of it runs.
        def page_of_documents():
            count = library_cache.cached(cache_key("count"), lambda: documents.count())
            page = Paginator(range(count), self.PAGE_SIZE).get_page(request.GET.get("page"))
            start = page.start_index() - 1 if count else 0
            validity = dict(
                library_cache.cached(
                    cache_key("page", page.number),
                    lambda: list(documents.values_list("pk", "validity")[start : start + self.PAGE_SIZE]),
                )
            )
            # Full texts run to many pages and the listing never shows them.
            rows = (
                NormativeDocumentPage.objects.filter(pk__in=list(validity))
                .defer("body", "summary", "change_note", "no_consultation_reason")
                .select_related("category")
            )
            rows = {doc.pk: doc for doc in rows.prefetch_related("issuers")}
            page.object_list = [rows[pk] for pk in validity if pk in rows]
            for doc in page.object_list:
                doc.validity = validity[doc.pk]
            return page

        language = translation.get_language()
        # The rendered fragment also holds pagination links, which repeat
        # every parameter of the address: key on all of them.
        context["listing_cache_key"] = cache_key(
            "html", request.GET.urlencode()[:500], language, request.get_host()
        )
        context["filters_cache_key"] = cache_key("form", language)
        page = SimpleLazyObject(page_of_documents)
        context["documents"] = page
        context["filters"] = state
        context["validity_choices"] = Validity.choices

        def facets():
            return {
                "issuers": list(Issuer.objects.filter(documents__in=base).distinct()),
                "categories": list(SubjectCategory.objects.filter(documents__in=base).distinct()),
                "years": [d.year for d in base.dates("published_date", "year", order="DESC")],
            }

        # Read (and unpickled) only when the filter form's fragment is not cached.
        cached_facets = SimpleLazyObject(
            lambda: library_cache.cached(library_cache.key(self, "facets", current_stamp=current_stamp), facets)
        )
        for name in ("issuers", "categories", "years"):
            context[name] = SimpleLazyObject(lambda name=name: cached_facets[name])
        query = request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context

    @path("register/", name="register")
    def register(self, request):
        from ..views import library

        return library.register_page(self, request)

    @path("register/<str:kind>/", name="register_export")
    def register_export(self, request, kind):
        from ..views import library

        if kind not in ("csv", "xlsx", "pdf"):
            raise Http404
        return library.register_export(self, request, kind)

    @path("collection/", name="collection")
    def collection(self, request):
        from ..views import library

        return library.collection(self, request)

    def _feed(self, request, *, validity: bool, atom: bool):
        from ..views.library import DocumentsFeed, ValidityFeed

        return (ValidityFeed if validity else DocumentsFeed)(self, atom=atom)(request)

    @path("feed/", name="feed")
    def feed(self, request):
        return self._feed(request, validity=False, atom=False)

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request):
        return self._feed(request, validity=False, atom=True)

    @path("feed/validity/", name="validity_feed")
    def validity_feed(self, request):
        return self._feed(request, validity=True, atom=False)

    @path("feed/validity/atom/", name="validity_feed_atom")
    def validity_feed_atom(self, request):
        return self._feed(request, validity=True, atom=True)

    @path("api/", name="api")
    def api(self, request):
        from ..views import library

        return library.api_list(self, request)

    @path("api/<int:pk>/", name="api_detail")
    def api_detail(self, request, pk):
        from ..views import library

        if parse_id(pk) is None:
            raise Http404
        return library.api_detail(self, request, pk)

    @path("verify/", name="verify")
    def verify(self, request):
        """Public check that a file (or its SHA-256) is a published version."""
        from ..services.files import verify_request

        context = verify_request(self, request)
        response = self.render(
            request, template="govopen_wagtail/normative_document_verify.html", context_overrides=context
        )
        response.status_code = context.get("status", 200)
        return response


class NormativeDocumentPage(RoutablePageMixin, IndexNumberMixin, DisclosurePage):
    """A 规范性文件 with its number, dates, validity history and files."""

    slug_prefix = "doc"

    def readable_slug_stem(self) -> str:
        # 泉教办〔2018〕85号 → doc-2018-85: short, and says which document it is.
        try:
            number = docnumber.parse(self.document_number or "").number
        except docnumber.DocumentNumberError:
            return super().readable_slug_stem()
        return f"{self.slug_prefix}-{number.year}-{number.serial}"

    document_number = models.CharField(
        _("document number"),
        max_length=100,
        validators=[document_number_validator],
        help_text=_("发文字号, e.g. 泉教办〔2018〕85号. Written forms like [2018] are corrected."),
    )
    number_issuer = models.CharField(max_length=100, editable=False, blank=True, db_index=True)
    number_year = models.PositiveIntegerField(editable=False, null=True)
    number_serial = models.PositiveIntegerField(editable=False, null=True)
    issuers = ParentalManyToManyField(Issuer, verbose_name=_("issuing bodies"), related_name="documents")
    written_date = models.DateField(_("written date"), help_text=_("成文日期"))
    published_date = models.DateField(_("publication date"), help_text=_("发布日期"))
    effective_date = models.DateField(_("effective date"), help_text=_("施行日期"))
    validity_end = models.DateField(
        _("end of validity period"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the document has no fixed validity period."),
    )
    category = models.ForeignKey(
        SubjectCategory,
        verbose_name=_("subject category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    registration_number = models.CharField(_("registration number"), max_length=100, blank=True, help_text=_("登记号"))
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("full text"))
    consultation_page = models.ForeignKey(
        "govopen_wagtail.ConsultationPage",
        verbose_name=_("public consultation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    no_consultation_reason = models.TextField(
        _("reason no consultation was needed"), blank=True
    )
    uploaded_docx = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("Word version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional .docx; without it a Word version is generated from the text."),
    )
    uploaded_pdf = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional PDF; without it a PDF is generated from the text."),
    )
    change_note = models.TextField(
        _("change note"),
        blank=True,
        help_text=_("What changed in this publication; shown in the public history of changes."),
    )
    minor_change = models.BooleanField(
        _("minor correction"),
        default=False,
        help_text=_("A typo or formatting fix that needs no public note."),
    )

    objects = NormativeDocumentManager()
    base_form_class = NormativeDocumentForm

    content_panels = DisclosurePage.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("document_number"),
                FieldPanel("issuers", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("written_date"), FieldPanel("published_date")]),
                FieldRowPanel([FieldPanel("effective_date"), FieldPanel("validity_end")]),
                FieldPanel("category"),
                FieldPanel("registration_number"),
            ],
            heading=_("Document"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("uploaded_docx"), FieldPanel("uploaded_pdf")], heading=_("Files")
        ),
        InlinePanel("attachments", heading=_("Attachments"), label=_("attachment")),
        InlinePanel("effects", heading=_("Amends or repeals"), label=_("effect")),
        MultiFieldPanel(
            [FieldPanel("consultation_page"), FieldPanel("no_consultation_reason")],
            heading=_("Public consultation"),
        ),
        MultiFieldPanel([FieldPanel("change_note"), FieldPanel("minor_change")], heading=_("This publication")),
    ]
    search_fields = DisclosurePage.search_fields + [
        index.SearchField("document_number", boost=3),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("published_date"),
    ]

    parent_page_types = ["govopen_wagtail.NormativeDocumentIndexPage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = IndexNumberMixin.exclude_fields_in_copy + [
        "document_number", "number_issuer", "number_year", "number_serial",
    ]

    class Meta:
        verbose_name = _("normative document")
        verbose_name_plural = _("normative documents")
        constraints = [
            models.UniqueConstraint(
                fields=["document_number"],
                condition=~Q(document_number=""),
                name="govopen_document_number_unique",
            )
        ]

    def get_cached_paths(self) -> list[str]:
        # Sub-routes a frontend cache keeps too (services.purge).
        return ["/", "files/docx/", "files/pdf/"]

    # Validation -----------------------------------------------------------

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if self.document_number and docnumber.is_valid(self.document_number):
            parsed = docnumber.parse(self.document_number).number
            self.document_number = str(parsed)
            self.number_issuer, self.number_year, self.number_serial = parsed.sort_key
            clash = NormativeDocumentPage.objects.filter(document_number=self.document_number)
            if self.pk:
                clash = clash.exclude(pk=self.pk)
            if clash.exists():
                errors.setdefault("document_number", []).append(
                    _("Another document already has the number %(number)s.")
                    % {"number": self.document_number}
                )
        w, p, e = self.written_date, self.published_date, self.effective_date
        if w and p and p < w:
            errors.setdefault("published_date", []).append(
                _("The publication date cannot be before the written date.")
            )
        if w and e and e < w:
            errors.setdefault("effective_date", []).append(
                _("The effective date cannot be before the written date.")
            )
        if self.validity_end and e and self.validity_end < e:
            errors.setdefault("validity_end", []).append(
                _("The validity period cannot end before the document takes effect.")
            )
        # Archived documents whose period is over are imported without an end
        # date and given an "expired" event, so the ledger says who decided.
        creating = self._state.adding or self.latest_revision_id is None
        if self.validity_end and creating and self.validity_end < timezone.localdate():
            errors.setdefault("validity_end", []).append(
                _("A new document cannot have a validity period that has already ended.")
            )
        for message in self._effect_errors():
            errors.setdefault("__all__", []).append(message)
        for field, message in self._file_errors():
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def _file_errors(self) -> list[tuple[str, str]]:
        from ..files import ATTACHMENT_KINDS, stored_file_problems

        return stored_file_problems(
            [("uploaded_docx", self.uploaded_docx, {"docx"}), ("uploaded_pdf", self.uploaded_pdf, {"pdf"})]
            + [("__all__", a.document, ATTACHMENT_KINDS) for a in self.attachments.all()]
        )

    def _effect_errors(self) -> list[str]:
        messages = []
        for effect in self.effects.all():
            target = effect.target
            if target is None:
                continue
            if target.pk == self.pk:
                messages.append(gettext("A document cannot amend or repeal itself."))
            elif self.written_date and target.written_date and target.written_date > self.written_date:
                messages.append(
                    gettext("%(target)s was written after this document, so this document cannot amend or repeal it.")
                    % {"target": target.document_number}
                )
            elif self.pk and self.pk in target.acted_on_ids():
                messages.append(
                    gettext("%(target)s already amends or repeals this document: the two would repeal each other.")
                    % {"target": target.document_number}
                )
        return messages

    def acted_on_ids(self) -> set[int]:
        """Documents this one amends or repeals, directly or through others."""
        seen: set[int] = set()
        frontier = {self.pk}
        while frontier:
            targets = set(
                ValidityEvent.objects.filter(acting_document_id__in=frontier).values_list("document_id", flat=True)
            ) | set(DocumentEffect.objects.filter(page_id__in=frontier).values_list("target_id", flat=True))
            frontier = targets - seen
            seen |= targets
        return seen

    # Publishing -----------------------------------------------------------

    def save(self, *args, **kwargs):
        # Recording the effect on the amended/repealed document happens in
        # the same transaction as the publish that causes it.
        with transaction.atomic():
            result = super().save(*args, **kwargs)
            # save_revision() saves a live page with update_fields and the
            # draft's values in memory: only a full save is a publish.
            if self.live and kwargs.get("update_fields") is None:
                self.apply_effects()
        return result

    def apply_effects(self, user=None) -> list["ValidityEvent"]:
        created = []
        for effect in self.effects.select_related("target"):
            if effect.target_id is None:
                continue
            # The form refuses cross-site effects; never apply one that got past it.
            if not permissions.same_site(effect.target.path, self.path):
                continue
            event, was_created = ValidityEvent.objects.get_or_create(
                document_id=effect.target_id,
                kind=effect.kind,
                acting_document=self,
                defaults={
                    "effective_date": self.effective_date,
                    "reason": effect.note,
                    "recorded_by": user,
                },
            )
            if was_created:
                created.append(event)
        return created

    # Reading --------------------------------------------------------------

    def get_validity_label(self) -> str:
        """Label of the ``validity`` annotation (see ``with_validity``)."""
        return Validity(self.validity).label

    def validity_on(self, on: dt.date | None = None) -> str:
        return (
            NormativeDocumentPage.objects.filter(pk=self.pk)
            .with_validity(on)
            .values_list("validity", flat=True)
            .get()
        )

    def timeline(self, on: dt.date | None = None, events=None) -> list[dict]:
        """Public legal history up to ``on``: dates and ledger events
        (``events``: the document's events, if already fetched)."""
        on = on or timezone.localdate()
        if events is None:
            events = self.validity_events.select_related("acting_document").order_by("effective_date", "pk")
        entries = [
            {"date": self.written_date, "label": gettext("Written")},
            {"date": self.published_date, "label": gettext("Published")},
            {"date": self.effective_date, "label": gettext("Takes effect")},
        ]
        end = self.validity_end
        for event in events:
            entries.append({"date": event.effective_date, "label": event.get_kind_display(), "event": event})
            if event.kind == ValidityEvent.Kind.EXTENDED and event.new_end_date and event.effective_date <= on:
                end = event.new_end_date
        if end:
            entries.append(
                {"date": end + dt.timedelta(days=1), "label": gettext("Validity period ends"), "end": end}
            )
        shown = [e for e in entries if e["date"] and e["date"] <= on]
        if on == timezone.localdate():
            # Changes already decided but not yet in effect (a repeal from next
            # month) are part of today's picture: shown, marked as coming.
            shown += [{**e, "upcoming": True} for e in entries if "event" in e and e["date"] > on]
        return sorted(shown, key=lambda e: e["date"])

    def interpretation_deadline(self, cal: calendar.WorkingDayCalendar | None = None):
        cal = cal or calendar.get_calendar()
        return cal.add_working_days(self.published_date, govopen_settings.INTERPRETATION_WORKING_DAYS)

    def publication_deadline(self, cal: calendar.WorkingDayCalendar | None = None):
        cal = cal or calendar.get_calendar()
        return cal.add_working_days(self.written_date, govopen_settings.ACTIVE_DISCLOSURE_WORKING_DAYS)

    def metadata_rows(self) -> list[tuple[str, str]]:
        rows = super().metadata_rows()
        rows.append((gettext("Document number"), self.document_number))
        issuers = "、".join(i.name for i in self.issuers.all())
        if issuers:
            rows.append((gettext("Issuing bodies"), issuers))
        rows += [
            (gettext("Written date"), self.written_date.isoformat()),
            (gettext("Publication date"), self.published_date.isoformat()),
            (gettext("Effective date"), self.effective_date.isoformat()),
        ]
        if self.validity_end:
            rows.append((gettext("Valid until"), self.validity_end.isoformat()))
        if self.category_id:
            rows.append((gettext("Subject category"), self.category.name))
        if self.registration_number:
            rows.append((gettext("Registration number"), self.registration_number))
        return rows

    def get_context(self, request, *args, **kwargs):
        from django.template.loader import render_to_string

        from ..services.fragments import cached_html

        context = super().get_context(request, *args, **kwargs)
        on, as_of_ok = parse_as_of(request.GET.get("as_of"))
        context["as_of"] = on
        context["as_of_invalid"] = not as_of_ok
        context["is_today"] = on == timezone.localdate()
        # The document itself (metadata, files, what it amends, its history)
        # changes only with the stamp or the date: rendered once and kept.
        # The consultation beside it changes state by the clock, so it is not.
        parts = {}

        def render(name: str) -> str:
            if not parts:
                parts.update(self.document_context(request, on))
                parts["_context"] = {**context, **parts}
            return render_to_string(f"govopen_wagtail/includes/{name}.html", parts["_context"], request=request)

        vary = (on.isoformat(), context["is_today"], context["as_of_invalid"], request.path)
        context["document_main"] = cached_html(request, self, "document-main", lambda: render("document_main"), *vary)
        context["document_history"] = cached_html(
            request, self, "document-history", lambda: render("document_history"), *vary
        )
        consultation = (
            self.consultation_page if self.consultation_page_id and self.consultation_page.live else None
        )
        context["consultation"] = consultation
        if consultation is not None and consultation.state_at() == "feedback":
            context["consultation_feedback_url"] = consultation.get_url(request) + consultation.reverse_subpage(
                "feedback"
            )
        return context

    def document_context(self, request, on: dt.date) -> dict:
        """What the document's parts show on the date ``on`` (see :meth:`get_context`)."""
        context: dict = {}
        context["validity"] = self.validity_on(on)
        context["validity_label"] = Validity(context["validity"]).label
        events = list(self.validity_events.select_related("acting_document").order_by("effective_date", "pk"))
        context["timeline"] = self.timeline(on, events)
        context["acting_events"] = [e for e in events if e.effective_date <= on]
        context["coming_events"] = [
            e for e in events if e.effective_date > on and e.kind != ValidityEvent.Kind.EXTENDED
        ] if on == timezone.localdate() else []
        context["acts"] = (
            ValidityEvent.objects.filter(acting_document=self).select_related("document").order_by("pk")
        )
        context["change_notes"] = self.change_notes.filter(minor=False)
        context["interpretations"] = self.interpretations.live().exclude(private_q()).order_by("-first_published_at")
        current = list(self.published_files.current().order_by("pk"))
        by_kind = {f.kind: f for f in current if f.kind != PublishedFile.Kind.ATTACHMENT}
        context["downloads"] = [
            {"kind": kind, "label": label, "file": by_kind.get(kind)}
            for kind, label in (
                (PublishedFile.Kind.DOCX, gettext("Word version (.docx)")),
                (PublishedFile.Kind.PDF, gettext("PDF version")),
            )
        ]
        context["attachments"] = [f for f in current if f.kind == PublishedFile.Kind.ATTACHMENT]
        context["download_base"] = self.get_url(request)
        library = self.get_parent()
        context["verify_url"] = library.get_url(request) + "verify/"
        return context

    @path("files/<str:kind>/", name="download")
    def download(self, request, kind):
        """The current Word or PDF version, generated now if not yet there;
        a file that cannot be made is explained (503), never a 500."""
        from ..services.files import FileUnavailable, current_file

        if kind not in (PublishedFile.Kind.DOCX, PublishedFile.Kind.PDF):
            raise Http404
        try:
            return current_file(self, kind).as_response()
        except FileUnavailable:
            response = self.render(request, template="govopen_wagtail/file_unavailable.html",
                                   context_overrides={"kind": kind})
            response.status_code = 503
            response["Retry-After"] = "600"
            return response

    @path("files/v/<int:file_id>/", name="download_version")
    def download_version(self, request, file_id):
        """Any file ever published for this document (attachments, old versions)."""
        if parse_id(file_id) is None:  # beyond what the database holds
            raise Http404
        published = get_object_or_404(PublishedFile, pk=file_id, document=self)
        return published.as_response()


class DocumentEffect(Orderable):
    """Entered on the new document: "this document amends/repeals X"."""

    page = ParentalKey(NormativeDocumentPage, on_delete=models.CASCADE, related_name="effects")
    target = models.ForeignKey(
        NormativeDocumentPage,
        verbose_name=_("document affected"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(
        _("effect"),
        max_length=20,
        choices=[
            ("amended", _("amends")),
            ("partly_amended", _("partly amends")),
            ("repealed", _("repeals")),
        ],
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    panels = [FieldPanel("target"), FieldPanel("kind"), FieldPanel("note")]


class ValidityEvent(models.Model):
    """One dated change to a document's legal validity. Append-only."""

    #: Site isolation: this record belongs to the site of this page (see permissions).
    govopen_scope_page = "document"

    class Kind(models.TextChoices):
        AMENDED = "amended", pgettext_lazy("validity event", "Amended")
        PARTLY_AMENDED = "partly_amended", pgettext_lazy("validity event", "Partly amended")
        REPEALED = "repealed", pgettext_lazy("validity event", "Repealed")
        EXPIRED = "expired", pgettext_lazy("validity event", "Declared expired")
        EXTENDED = "extended", pgettext_lazy("validity event", "Validity extended")

    document = models.ForeignKey(
        NormativeDocumentPage,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="validity_events",
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    effective_date = models.DateField(_("effective date"))
    acting_document = models.ForeignKey(
        NormativeDocumentPage,
        verbose_name=_("by document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="acts",
    )
    acting_number = models.CharField(
        _("by document number (other body)"),
        max_length=100,
        blank=True,
        validators=[document_number_validator],
        help_text=_("For a document not in this library, e.g. a provincial repeal."),
    )
    new_end_date = models.DateField(_("new end of validity"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["effective_date", "pk"]
        verbose_name = _("validity event")
        verbose_name_plural = _("validity events")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "acting_document"],
                condition=Q(acting_document__isnull=False),
                name="govopen_validity_event_once_per_act",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document.document_number} {self.get_kind_display()} {self.effective_date}"

    def clean(self) -> None:
        super().clean()
        if self.acting_number and docnumber.is_valid(self.acting_number):
            self.acting_number = docnumber.normalise(self.acting_number)
        if self.kind == self.Kind.EXTENDED:
            if not self.new_end_date:
                raise ValidationError({"new_end_date": _("Give the new end of the validity period.")})
            current_end = self.document.validity_end if self.document_id else None
            if current_end and self.new_end_date <= current_end:
                raise ValidationError(
                    {"new_end_date": _("The new end must be after the current end of validity.")}
                )
        if self.document_id and self.effective_date and self.effective_date < self.document.written_date:
            raise ValidationError(
                {"effective_date": _("An event cannot take effect before the document was written.")}
            )
        if self.acting_document_id and self.acting_document_id == self.document_id:
            raise ValidationError({"acting_document": _("A document cannot amend or repeal itself.")})
        if (
            self.acting_document_id
            and self.document_id
            and not permissions.same_site(self.acting_document.path, self.document.path)
        ):
            from .forms import CROSS_SITE_MESSAGE

            raise ValidationError({"acting_document": CROSS_SITE_MESSAGE % {"title": self.acting_document.title}})

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("allow_update", False):
            raise ValidationError(_("Validity events cannot be changed; record a new event instead."))
        with transaction.atomic():
            super().save(*args, **kwargs)
            ValidityState.refresh([self.document_id])

    def acting_label(self) -> str:
        if self.acting_document_id:
            return self.acting_document.document_number
        return self.acting_number

    acting_label.short_description = _("by")
    acting_label = property(acting_label)


class ValidityState(models.Model):
    """First repeal, expiry and amendment date of each document, derived
    from the ledger so listings compare columns instead of running a
    subquery per row. Rebuilt whenever an event is recorded; never edited.
    """

    document = models.OneToOneField(
        NormativeDocumentPage, primary_key=True, on_delete=models.CASCADE, related_name="validity_state"
    )
    repealed_on = models.DateField(null=True)
    expired_on = models.DateField(null=True)
    amended_on = models.DateField(null=True)

    @classmethod
    def refresh(cls, document_ids=None) -> None:
        """Recompute from the ledger (all documents when ``document_ids`` is None)."""
        from django.db.models import Min

        events = ValidityEvent.objects.all()
        if document_ids is not None:
            events = events.filter(document_id__in=document_ids)
        first = {
            row["document_id"]: row
            for row in events.values("document_id").annotate(
                repealed_on=Min("effective_date", filter=Q(kind=ValidityEvent.Kind.REPEALED)),
                expired_on=Min("effective_date", filter=Q(kind=ValidityEvent.Kind.EXPIRED)),
                amended_on=Min(
                    "effective_date",
                    filter=Q(kind__in=[ValidityEvent.Kind.AMENDED, ValidityEvent.Kind.PARTLY_AMENDED]),
                ),
            )
        }
        states = [
            cls(document_id=pk, repealed_on=row["repealed_on"], expired_on=row["expired_on"], amended_on=row["amended_on"])
            for pk, row in first.items()
        ]
        cls.objects.bulk_create(
            states,
            update_conflicts=True,
            unique_fields=["document"],
            update_fields=["repealed_on", "expired_on", "amended_on"],
            batch_size=500,
        )


class DocumentChangeNote(models.Model):
    """A published change to a document's text, for the public history."""

    #: Site isolation: this record belongs to the site of this page (see permissions).
    govopen_scope_page = "document"

    document = models.ForeignKey(
        NormativeDocumentPage, on_delete=models.CASCADE, related_name="change_notes"
    )
    revision = models.OneToOneField(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))
    note = models.TextField(_("change note"))
    minor = models.BooleanField(_("minor correction"), default=False)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("change note")
        verbose_name_plural = _("change notes")


class FileProblem(models.Model):
    """Why a document's Word/PDF version could not be made (shown to staff
    in the compliance report; cleared when a later attempt works)."""

    govopen_scope_page = "document"

    document = models.ForeignKey(NormativeDocumentPage, verbose_name=_("document"), on_delete=models.CASCADE,
                                 related_name="file_problems")
    kind = models.CharField(_("file"), max_length=10)
    message = models.TextField(_("problem"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("file generation problem")
        verbose_name_plural = _("file generation problems")
        constraints = [models.UniqueConstraint(fields=["document", "kind"], name="govopen_file_problem_once")]


class DocumentAttachment(AttachmentBase):
    page = ParentalKey(NormativeDocumentPage, on_delete=models.CASCADE, related_name="attachments")


class PublishedFileQuerySet(models.QuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)


class PublishedFile(models.Model):
    """Every file ever published for a document, with its SHA-256.

    Files are kept when superseded, so the verification page can say which
    version an old download was.
    """

    #: Site isolation: this record belongs to the site of this page (see permissions).
    govopen_scope_page = "document"

    class Kind(models.TextChoices):
        DOCX = "docx", _("Word")
        PDF = "pdf", _("PDF")
        ATTACHMENT = "attachment", _("Attachment")

    class Source(models.TextChoices):
        GENERATED = "generated", _("generated from the page")
        UPLOADED = "uploaded", _("uploaded by an editor")

    document = models.ForeignKey(
        NormativeDocumentPage, on_delete=models.CASCADE, related_name="published_files"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    file = models.FileField(_("file"), upload_to="govopen/files/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size"))
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("published at"), default=timezone.now)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    objects = PublishedFileQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("published file")
        verbose_name_plural = _("published files")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def as_response(self) -> FileResponse:
        response = FileResponse(self.file.open("rb"), as_attachment=True, filename=self.filename)
        response["X-Content-SHA256"] = self.sha256
        return response


class InterpretationForm(SameSitePageForm):
    same_site_fields = ("document",)


class InterpretationPage(IndexNumberMixin, DisclosurePage):
    """政策解读: explains a normative document."""

    slug_prefix = "interpretation"

    base_form_class = InterpretationForm

    class Form(models.TextChoices):
        TEXT = "text", _("Text")
        GRAPHIC = "graphic", _("Graphic")
        MEDIA = "media", _("Audio or video")
        PRESS = "press", _("Press conference")
        INTERVIEW = "interview", _("Interview")
        EXPERT = "expert", _("Expert commentary")

    document = models.ForeignKey(
        NormativeDocumentPage,
        verbose_name=_("document interpreted"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="interpretations",
    )
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, default=Form.TEXT)
    author = models.CharField(_("author"), max_length=255, blank=True)
    body = RichTextField(_("text"))

    content_panels = DisclosurePage.content_panels + [
        FieldPanel("document"),
        FieldRowPanel([FieldPanel("form"), FieldPanel("author")]),
        FieldPanel("body"),
    ]
    search_fields = DisclosurePage.search_fields + [index.SearchField("body")]
    parent_page_types = ["govopen_wagtail.NormativeDocumentIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("policy interpretation")
        verbose_name_plural = _("policy interpretations")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from .reports import AnnualReportPage

        context["interpreted_reports"] = AnnualReportPage.objects.live().exclude(private_q()).filter(interpretation=self)
        return context

    def metadata_rows(self) -> list[tuple[str, str]]:
        rows = super().metadata_rows()
        if self.first_published_at:
            published = timezone.localtime(self.first_published_at).date().isoformat()
            rows.append((gettext("Publication date"), published))
        rows.append((gettext("Form"), self.get_form_display()))
        if self.author:
            rows.append((gettext("Author"), self.author))
        return rows
