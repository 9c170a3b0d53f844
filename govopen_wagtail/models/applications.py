"""Disclosure on application (依申请公开): the public page, the cases, their
letters and files, and the list of documents available on application.

Applications are staff data of the site whose application page received
them: only handlers of that site see them (see :mod:`govopen_wagtail.permissions`).
Every change to a case is kept by django-simple-history; uploaded files and
generated letters are stored in the database, never under ``MEDIA_URL``, so
no web server can serve them to the public.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Site
from wagtail.search import index

from .. import application_rules as rules
from ..calendar import DISCLOSURE_TIME_ZONE
from .platform import DisclosurePage

MAX_NUMBER_COLLISIONS = 1000


def local_today() -> dt.date:
    return timezone.now().astimezone(DISCLOSURE_TIME_ZONE).date()


class ApplicationPage(RoutablePageMixin, DisclosurePage):
    """The 依申请公开 page: how to apply, the form, the status lookup and the
    list of documents available on application."""

    slug_prefix = "ysqgk"

    intro = RichTextField(
        _("how to apply"), blank=True,
        help_text=_("Leave empty to show the “how to apply” section of the site's disclosure guide."),
    )
    receipt_prefix = models.CharField(
        _("receipt number prefix"), max_length=20, default="依申",
        help_text=_("Receipt numbers read PREFIX〔YEAR〕N号, e.g. 泉教依申〔2026〕12号."),
    )
    reply_prefix = models.CharField(
        _("reply letter number prefix"), max_length=20, default="依复",
        help_text=_("Reply letters are numbered PREFIX〔YEAR〕N号, e.g. 泉教依复〔2026〕3号."),
    )
    accept_online = models.BooleanField(_("accept applications online"), default=True)
    postal_address = models.TextField(_("postal address for applications"), blank=True)
    office_hours = models.CharField(_("office hours for applications in person"), max_length=255, blank=True)
    handler_email = models.EmailField(
        _("office e-mail for new applications"), blank=True,
        help_text=_("Told of each new online application (no personal data in the message)."),
    )

    content_panels = DisclosurePage.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("accept_online"), FieldPanel("postal_address"), FieldPanel("office_hours"),
             FieldPanel("handler_email")],
            heading=_("Receiving applications"),
        ),
        MultiFieldPanel(
            [FieldPanel("receipt_prefix"), FieldPanel("reply_prefix"),
             HelpPanel(content=_("Numbers are allocated per site and year and never reused."))],
            heading=_("Numbering"),
        ),
    ]
    search_fields = DisclosurePage.search_fields + [index.SearchField("intro")]
    parent_page_types = ["govopen_wagtail.DisclosureIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("disclosure on application page")
        verbose_name_plural = _("disclosure on application pages")

    def get_cached_paths(self) -> list[str]:
        # Sub-routes a frontend cache keeps too (services.purge).
        return ["/", "list/"]

    def get_disclosure_column(self) -> str:
        return "applications"

    def guide(self):
        from .platform import DisclosureGuidePage

        return DisclosureGuidePage.objects.live().descendant_of(self.get_parent()).first()

    def how_to_apply(self) -> str:
        if self.intro:
            return self.intro
        guide = self.guide()
        return guide.application_procedure if guide else ""

    def requestable_release(self):
        return self.requestable_releases.order_by("-published_on", "-pk").first()

    def get_context(self, request, *args, **kwargs):
        from ..forms_applications import ApplicationForm, LookupForm

        context = super().get_context(request, *args, **kwargs)
        base = self.get_url(request) or ""
        context.update(
            apply_url=base + self.reverse_subpage("apply"),
            status_url=base + self.reverse_subpage("status"),
            list_url=base + self.reverse_subpage("requestable"),
            how_to_apply=self.how_to_apply(),
            release=self.requestable_release(),
        )
        if self.accept_online and "form" not in context:
            context["form"] = ApplicationForm(page=self, initial=ApplicationForm.initial_for(self, request))
        context.setdefault("lookup_form", LookupForm())
        return context

    @path("apply/", name="apply")
    def apply(self, request):
        from ..views.applications import apply_view

        return apply_view(self, request)

    @path("status/", name="status")
    def status(self, request):
        from ..views.applications import status_view

        return status_view(self, request)

    @path("status/letter/<int:letter_id>/<str:kind>/", name="letter")
    def letter(self, request, letter_id, kind):
        from ..views.applications import letter_view

        return letter_view(self, request, letter_id, kind)

    @path("list/", name="requestable")
    def requestable(self, request):
        from ..views.applications import requestable_view

        return requestable_view(self, request)


class ApplicationCounter(models.Model):
    """The last serial handed out per site, year and kind (receipt, reply)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    kind = models.CharField(max_length=10)
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "kind"], name="govopen_app_counter_unique")
        ]

    @classmethod
    def next_serial(cls, site: Site, year: int, kind: str) -> int:
        """The next serial, under a row lock: concurrent callers never get the
        same one, and a number once handed out is never handed out again
        (a rolled-back caller leaves a gap, not a reuse)."""
        with transaction.atomic():
            cls.objects.get_or_create(site=site, year=year, kind=kind)
            counter = cls.objects.select_for_update().get(site=site, year=year, kind=kind)
            counter.last_serial += 1
            counter.save(update_fields=["last_serial"])
            return counter.last_serial


def format_number(prefix: str, year: int, serial: int) -> str:
    return f"{prefix}〔{year}〕{serial}号"


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=InformationApplication.OPEN_STATES)

    def closed(self):
        return self.exclude(state__in=InformationApplication.OPEN_STATES)

    def received_in(self, year: int):
        return self.filter(received_on__year=year)


class InformationApplication(models.Model):
    """One application (政府信息公开申请) and its case."""

    govopen_scope_page = "page"

    class ApplicantType(models.TextChoices):
        NATURAL = "natural", _("Citizen (公民)")
        COMMERCIAL = "commercial", _("Organisation: business (商业企业)")
        RESEARCH = "research", _("Organisation: research institution (科研机构)")
        PUBLIC_WELFARE = "public_welfare", _("Organisation: social welfare organisation (社会公益组织)")
        LEGAL_SERVICE = "legal_service", _("Organisation: legal services (法律服务机构)")
        OTHER_ORG = "other_org", _("Organisation: other (其他法人或其他组织)")

    class IdType(models.TextChoices):
        ID_CARD = "id_card", _("Resident identity card (居民身份证)")
        PASSPORT = "passport", _("Passport (护照)")
        PERMIT = "permit", _("Travel permit for Hong Kong, Macao or Taiwan residents (港澳台居民证件)")
        OTHER = "other", _("Other identity document")
        CREDIT_CODE = "credit_code", _("Unified social credit code (统一社会信用代码)")

    class Channel(models.TextChoices):
        ONLINE = "online", pgettext_lazy("application channel", "Online")
        IN_PERSON = "in_person", pgettext_lazy("application channel", "In person")
        POST = "post", pgettext_lazy("application channel", "Post")
        FAX = "fax", pgettext_lazy("application channel", "Fax")
        EMAIL = "email", pgettext_lazy("application channel", "E-mail")

    class Delivery(models.TextChoices):
        PAPER = "paper", _("On paper, by post (纸质)")
        EMAIL = "email", _("By e-mail (电子邮件)")
        ELECTRONIC = "electronic", _("As an electronic file on disc or storage (电子文件)")
        PICKUP = "pickup", _("Collect in person (自行领取)")

    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("application state", "Received")
        CORRECTION = "correction", pgettext_lazy("application state", "Correction requested")
        IN_PROGRESS = "in_progress", pgettext_lazy("application state", "In progress")
        CONSULTING = "consulting", pgettext_lazy("application state", "Opinion sought")
        REPLIED = "replied", pgettext_lazy("application state", "Replied")
        DELIVERED = "delivered", pgettext_lazy("application state", "Delivered")
        CLOSED = "closed", pgettext_lazy("application state", "Closed")
        WITHDRAWN = "withdrawn", pgettext_lazy("application state", "Withdrawn")
        ABANDONED = "abandoned", pgettext_lazy("application state", "Deemed abandoned")

    OPEN_STATES = ("received", "correction", "in_progress", "consulting")
    #: States in which no reply is owed any more.
    ENDED_STATES = ("replied", "delivered", "closed", "withdrawn", "abandoned")

    class Review(models.TextChoices):
        NONE = "", _("None")
        UPHELD = "upheld", _("Upheld (结果维持)")
        CORRECTED = "corrected", _("Corrected (结果纠正)")
        OTHER = "other", _("Other result (其他结果)")
        PENDING = "pending", _("Not yet concluded (尚未审结)")

    class Litigation(models.TextChoices):
        NONE = "", _("None")
        DIRECT = "direct", _("Sued without review first (未经复议直接起诉)")
        AFTER_REVIEW = "after_review", _("Sued after review (复议后起诉)")

    page = models.ForeignKey(ApplicationPage, verbose_name=_("application page"), on_delete=models.PROTECT,
                             related_name="applications")
    receipt_number = models.CharField(_("receipt number"), max_length=60)
    year = models.PositiveIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    query_code_hash = models.CharField(max_length=64, editable=False)
    submission_token = models.CharField(max_length=64, blank=True, editable=False)

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    received_on = models.DateField(_("date of receipt"))
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    applicant_type = models.CharField(_("applicant"), max_length=20, choices=ApplicantType.choices)
    name = models.CharField(_("name"), max_length=100)
    id_type = models.CharField(_("identity document"), max_length=20, choices=IdType.choices)
    id_number = models.CharField(_("document number"), max_length=40)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    postal_address = models.CharField(_("postal address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    description = models.TextField(_("information requested"))
    document_number = models.CharField(_("document number (文号) if known"), max_length=100, blank=True)
    purpose = models.TextField(_("other features or purpose"), blank=True)
    delivery = models.CharField(_("form of delivery"), max_length=12, choices=Delivery.choices)
    requestable = models.ForeignKey("govopen_wagtail.RequestableDocument", verbose_name=_("listed document"),
                                    null=True, blank=True, on_delete=models.SET_NULL, related_name="applications")

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.RECEIVED,
                             db_index=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    unit = models.CharField(_("responsible unit"), max_length=100, blank=True)
    assisting_units = models.CharField(_("assisting units (协查)"), max_length=255, blank=True)

    correction_requested_on = models.DateField(_("correction requested on"), null=True, blank=True)
    correction_due = models.DateField(_("correction to arrive by"), null=True, blank=True)
    correction_items = models.TextField(_("what must be corrected"), blank=True)
    corrected_on = models.DateField(_("corrected application received on"), null=True, blank=True)

    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_approver = models.CharField(_("extension approved by"), max_length=100, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_on = models.DateField(_("extension notified on"), null=True, blank=True)

    outcome = models.CharField(_("reply type"), max_length=20, blank=True,
                               choices=[(o.code, o.label) for o in rules.OUTCOMES])
    outcome_reason = models.TextField(_("reasons and where to obtain the information"), blank=True)
    reply_number = models.CharField(_("reply letter number"), max_length=60, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    fee_amount = models.DecimalField(_("processing fee charged (yuan)"), max_digits=9, decimal_places=2,
                                     null=True, blank=True)

    review_result = models.CharField(_("administrative review (行政复议)"), max_length=10, blank=True,
                                     choices=Review.choices)
    litigation = models.CharField(_("lawsuit (行政诉讼)"), max_length=12, blank=True, choices=Litigation.choices)
    litigation_result = models.CharField(_("lawsuit result"), max_length=10, blank=True, choices=Review.choices)

    history = HistoricalRecords(excluded_fields=["query_code_hash", "submission_token"])
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["page", "submission_token"], condition=~models.Q(submission_token=""),
                                    name="govopen_application_token_unique"),
        ]
        indexes = [models.Index(fields=["receipt_number"])]
        verbose_name = _("application for information")
        verbose_name_plural = _("applications for information")

    def __str__(self) -> str:
        return self.receipt_number

    # Identity and the query code ---------------------------------------

    @staticmethod
    def hash_code(code: str) -> str:
        return hashlib.sha256(f"govopen-query:{code.strip().upper()}".encode()).hexdigest()

    def code_matches(self, code: str) -> bool:
        return hmac.compare_digest(self.query_code_hash, self.hash_code(code or ""))

    # The clock ------------------------------------------------------------

    def clock_input(self) -> rules.ClockInput:
        pauses = tuple(
            rules.Pause(p.started_on, p.ended_on, str(p.get_kind_display()) + (f"：{p.party}" if p.party else ""))
            for p in self.pauses.all()
        )
        return rules.ClockInput(
            received=self.received_on,
            correction_requested=self.correction_requested_on,
            correction_due=self.correction_due,
            corrected=self.corrected_on,
            pauses=pauses,
            extension_days=self.extension_days,
            replied=self.replied_on,
        )

    def clock(self, today: dt.date | None = None, calendar=None) -> rules.ClockResult:
        # Listings hand every row one calendar (one holiday look-up per year).
        calendar = calendar or getattr(self, "_govopen_calendar", None)
        cached = getattr(self, "_clock_cache", None)
        key = (today, id(calendar))
        if cached and cached[0] == key:
            return cached[1]
        result = rules.compute_clock(self.clock_input(), today or local_today(), calendar)
        self._clock_cache = (key, result)
        return result

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or local_today()
        if not self.is_open or self.state == self.State.CORRECTION:
            return False
        return self.clock(today).is_overdue(today)

    def entered_late(self) -> bool:
        """An offline application entered more than 1 working day after receipt (seed 002)."""
        if self.channel == self.Channel.ONLINE:
            return False
        entered = self.entered_at.astimezone(DISCLOSURE_TIME_ZONE).date()
        return entered > self.clock().entry_due

    def outcome_info(self) -> rules.Outcome | None:
        return rules.outcome(self.outcome) if self.outcome else None

    def public_state_label(self) -> str:
        if self.state == self.State.CONSULTING:
            return str(pgettext_lazy("application state", "In progress"))
        return str(self.get_state_display())

    def save(self, *args, **kwargs):
        self.__dict__.pop("_clock_cache", None)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.id_type == self.IdType.CREDIT_CODE and self.applicant_type == self.ApplicantType.NATURAL:
            raise ValidationError({"id_type": _("A citizen applies with an identity document, not a credit code.")})


class ApplicationPause(models.Model):
    """Time not counted: a third party or another agency consulted, a fee awaited."""

    govopen_scope_page = "application__page"

    class Kind(models.TextChoices):
        THIRD_PARTY = "third_party", _("Third-party opinion (征求第三方意见)")
        AGENCY = "agency", _("Other agency's opinion (征求其他机关意见)")
        FEE = "fee", _("Waiting for a fee to be paid (缴纳信息处理费)")

    application = models.ForeignKey(InformationApplication, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    party = models.CharField(_("consulted party"), max_length=200, blank=True)
    started_on = models.DateField(_("sent on"))
    ended_on = models.DateField(_("answer received on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("pause of the clock")
        verbose_name_plural = _("pauses of the clock")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}"


class ApplicationNote(models.Model):
    """Case notes: assisting units' answers (协查), case conferences (会商)."""

    govopen_scope_page = "application__page"

    class Kind(models.TextChoices):
        NOTE = "note", pgettext_lazy("case note", "Note")
        ASSIST = "assist", _("Assisting unit (协查)")
        CONFERENCE = "conference", _("Case conference (会商)")

    application = models.ForeignKey(InformationApplication, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("text"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        ordering = ["written_at", "pk"]


class ApplicationFile(models.Model):
    """A file kept with a case: identity proof, information provided, proof of
    delivery. Stored in the database and served to handlers only."""

    govopen_scope_page = "application__page"

    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Identity proof")
        PROVIDED = "provided", _("Information provided")
        CORRESPONDENCE = "correspondence", _("Correspondence")
        DELIVERY = "delivery", _("Proof of delivery")

    application = models.ForeignKey(InformationApplication, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("file name"), max_length=200)
    content_kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("case file")
        verbose_name_plural = _("case files")

    def __str__(self) -> str:
        return self.name


class LetterKind(models.TextChoices):
    REPLY = "reply", _("Reply (答复告知书)")
    CORRECTION = "correction", _("Correction notice (补正告知书)")
    EXTENSION = "extension", _("Extension notice (延期答复告知书)")
    THIRD_PARTY = "third_party", _("Request for a third party's opinion (征求第三方意见书)")


class ApplicationLetter(models.Model):
    """A generated letter as sent: Word and PDF, with their SHA-256."""

    govopen_scope_page = "application__page"

    application = models.ForeignKey(InformationApplication, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("kind"), max_length=12, choices=LetterKind.choices)
    number = models.CharField(_("letter number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    docx = models.BinaryField()
    pdf = models.BinaryField(null=True)
    docx_sha256 = models.CharField("SHA-256 (Word)", max_length=64)
    pdf_sha256 = models.CharField("SHA-256 (PDF)", max_length=64, blank=True)
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    sent_on = models.DateField(_("sent on"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return self.title


class LetterTemplate(models.Model):
    """A site's wording of one kind of letter; the built-in wording is used
    where a site has none. Placeholders in braces, e.g. ``{receipt_number}``."""

    govopen_scope_site = "site"

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=LetterKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_("Placeholders: {organisation} {applicant} {receipt_number} {received_on} {description} "
                    "{article} {outcome} {reason} {due_on} {correction_items} {correction_due} "
                    "{extension_days} {extended_due} {approver} {party} {opinion_due} {letter_number} {date}"),
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "kind"], name="govopen_letter_template_unique")]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"

    def clean(self) -> None:
        from ..letters import TemplateError, check_template

        try:
            check_template(self.body)
        except TemplateError as exc:
            raise ValidationError({"body": exc.message}) from exc


class RequestableDocument(models.Model):
    """An entry of the list of documents available on application (依申请公开目录)."""

    govopen_scope_page = "page"

    page = models.ForeignKey(ApplicationPage, verbose_name=_("application page"), on_delete=models.CASCADE,
                             related_name="requestable_documents")
    name = models.CharField(_("name"), max_length=255)
    document_number = models.CharField(_("document number (文号)"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    issuing_unit = models.CharField(_("issuing unit"), max_length=100, blank=True)
    added_on = models.DateField(_("listed from"), default=local_today)
    removed_on = models.DateField(_("withdrawn from the list on"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "name", "pk"]
        verbose_name = _("document available on application")
        verbose_name_plural = _("documents available on application")

    def __str__(self) -> str:
        return self.name + (f"（{self.document_number}）" if self.document_number else "")

    def clean(self) -> None:
        from .. import docnumber

        if self.document_number:
            try:
                self.document_number = docnumber.normalise(self.document_number)
            except docnumber.DocumentNumberError as exc:
                raise ValidationError({"document_number": exc.message}) from exc
        if self.removed_on and self.removed_on < self.added_on:
            raise ValidationError({"removed_on": _("An entry cannot leave the list before it joined it.")})


class RequestableListRelease(models.Model):
    """The quarterly publication of the list: the public sees the list as of
    its latest release."""

    govopen_scope_page = "page"

    page = models.ForeignKey(ApplicationPage, on_delete=models.CASCADE, related_name="requestable_releases")
    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    published_on = models.DateField(_("published on"))
    entries = models.PositiveIntegerField(_("entries"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["-published_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["page", "year", "quarter"], name="govopen_release_quarter")]
        verbose_name = _("list release")
        verbose_name_plural = _("list releases")

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    def documents(self):
        return self.page.requestable_documents.filter(added_on__lte=self.published_on).filter(
            models.Q(removed_on__isnull=True) | models.Q(removed_on__gt=self.published_on)
        )
