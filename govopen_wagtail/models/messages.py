"""Public messages (网民留言) and responses to public concern (回应关切).

A message is answered within working days by its kind (seed 000 item 29:
3; seed 004: 2 for reports of errors on the site), through the office's
units (受理、转办、反馈). A concern the office records runs on an hour clock
(seed 002: authoritative information within 5 hours of a major incident,
48 hours otherwise), from the moment it was first seen.

Messages are staff data of the site whose message page received them; the
writer's name and contacts are never shown in public.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import swapper
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Site
from wagtail.search import index

from .. import message_rules
from .platform import DisclosurePage


def concern_hours() -> dict[str, int]:
    from ..conf import govopen_settings

    return govopen_settings.CONCERN_HOURS


class PublicConcernQuerySet(models.QuerySet):
    def open(self):
        return self.filter(responded_at__isnull=True)

    def closed(self):
        return self.filter(responded_at__isnull=False)

    def overdue(self, now: dt.datetime | None = None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def on_time(self):
        return self.closed().filter(responded_at__lte=models.F("due_at"))

    def seen_in(self, year: int):
        return self.filter(first_seen_at__year=year)


class PublicConcern(models.Model):
    """One matter of public concern and the office's response to it."""

    #: Site isolation: this record belongs to this site (see permissions).
    govopen_scope_site = "site"

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("concern"), max_length=255,
                             help_text=_("What the public is concerned about, e.g. a report about a school canteen."))
    source = models.CharField(_("where it was seen"), max_length=255,
                              help_text=_("e.g. 网络媒体, 12345 热线, 信访, 网民留言, 新闻报道."))
    source_url = models.URLField(_("link to the source"), blank=True)
    first_seen_at = models.DateTimeField(_("first seen at"), default=timezone.now)
    major = models.BooleanField(
        _("major incident"), default=False,
        help_text=_("A major incident or emergency: the response is due within the shorter time."),
    )
    due_at = models.DateTimeField(_("response due"), editable=False)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    response_page = models.ForeignKey(
        swapper.get_model_name("wagtailcore", "Page"), verbose_name=_("published response"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The page where the response is published (a news item, a notice, an interpretation)."),
    )
    response_url = models.URLField(_("or its address elsewhere"), blank=True,
                                   help_text=_("e.g. the press conference or the official account's article."))
    response_summary = models.TextField(_("what was responded"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()
    objects = PublicConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-first_seen_at", "-pk"]
        verbose_name = _("public concern")
        verbose_name_plural = _("public concerns")
        indexes = [models.Index(fields=["site", "responded_at", "due_at"], name="govopen_concern_open_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True) | Q(responded_at__gte=models.F("first_seen_at")),
                name="govopen_concern_response_after_seen",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def compute_due(self) -> dt.datetime:
        return message_rules.concern_due(self.first_seen_at, self.major, concern_hours())

    def save(self, *args, **kwargs):
        self.due_at = self.compute_due()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        errors = {}
        now = timezone.now()
        if self.first_seen_at and self.first_seen_at > now + dt.timedelta(minutes=5):
            errors["first_seen_at"] = gettext("A concern cannot be first seen in the future.")
        if self.responded_at:
            if self.first_seen_at and self.responded_at < self.first_seen_at:
                errors["responded_at"] = gettext("The response cannot come before the concern was first seen.")
            elif self.responded_at > now + dt.timedelta(minutes=5):
                errors["responded_at"] = gettext("The response cannot be in the future.")
            if not (self.response_page_id or self.response_url):
                errors["response_url"] = gettext(
                    "Link the published response: choose its page or give its address.")
        if errors:
            raise ValidationError(errors)

    @property
    def overdue(self) -> bool:
        return self.responded_at is None and self.due_at is not None and self.due_at < timezone.now()

    @property
    def on_time(self) -> bool | None:
        if self.responded_at is None:
            return None
        return self.responded_at <= self.due_at


# Public messages (网民留言) --------------------------------------------------


class MessagePage(RoutablePageMixin, DisclosurePage):
    """The public message page: write to the office (咨询 · 建议 · 投诉 · 找错),
    follow a message with its receipt number and query code, and read the
    answers the writers agreed to publish, with the figures per month."""

    slug_prefix = "liuyan"
    max_count_per_parent = 1

    intro = RichTextField(_("introduction"), blank=True,
                          help_text=_("What people can write about here, and what belongs elsewhere "
                                      "(applications for information, petitions, emergencies)."))
    accept_messages = models.BooleanField(_("accept messages online"), default=True)
    receipt_prefix = models.CharField(
        _("receipt number prefix"), max_length=20, default="留言",
        help_text=_("Receipt numbers read PREFIX〔YEAR〕N号, e.g. 留言〔2026〕12号."),
    )
    handler_email = models.EmailField(
        _("office e-mail for new messages"), blank=True,
        help_text=_("Told of each new message and of messages about to fall due (no personal data in the e-mail)."),
    )
    publish_answers = models.BooleanField(
        _("publish answered messages"), default=True,
        help_text=_("Answers are shown only when the writer agreed and staff chose to publish them."),
    )

    content_panels = DisclosurePage.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("accept_messages"), FieldPanel("handler_email"), FieldPanel("publish_answers"),
             FieldPanel("receipt_prefix"),
             HelpPanel(content=_("Each kind of message is answered within its working days "
                                 "(GOVOPEN_MESSAGE_KINDS: 3 by default, 2 for errors on the site)."))],
            heading=_("Receiving messages"),
        ),
    ]
    search_fields = DisclosurePage.search_fields + [index.SearchField("intro")]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("public message page")
        verbose_name_plural = _("public message pages")

    def get_cached_paths(self) -> list[str]:
        return ["/", "answered/", "statistics/"]

    def get_context(self, request, *args, **kwargs):
        from ..views import messages as views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.page_context(self, request, context))
        return context

    @path("send/", name="send")
    def send(self, request):
        from ..views.messages import send_view

        return send_view(self, request)

    @path("status/", name="status")
    def status(self, request):
        from ..views.messages import status_view

        return status_view(self, request)

    @path("answered/", name="answered")
    def answered(self, request):
        from ..views.messages import answered_view

        return answered_view(self, request)

    @path("answered/<int:message_id>/", name="answer")
    def answer(self, request, message_id):
        from ..views.messages import answer_view

        return answer_view(self, request, message_id)

    @path("statistics/", name="statistics")
    def statistics(self, request):
        from ..views.messages import statistics_view

        return statistics_view(self, request)


class OfficeUnit(models.Model):
    """A unit of the office (科室, 处室, 学校的处室) that messages are forwarded to."""

    govopen_scope_site = "site"

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True,
                              help_text=_("Told when a message is forwarded to the unit, and before it falls due."))
    active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff of the unit"), blank=True, related_name="govopen_units",
        help_text=_("They report the progress of the unit's tasks in the work plan."),
    )

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("office unit")
        verbose_name_plural = _("office units")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="govopen_unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class PublicMessageQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=PublicMessage.OPEN_STATES)

    def answered(self):
        return self.filter(state=PublicMessage.State.ANSWERED)

    def counted(self):
        """Messages the figures count: all but those discarded as spam or abuse."""
        return self.exclude(state=PublicMessage.State.DISCARDED)

    def overdue(self, today: dt.date):
        return self.open().filter(due_on__lt=today)

    def due_on_day(self, today: dt.date):
        return self.open().filter(due_on=today)

    def published(self):
        return self.answered().filter(consent_publish=True, published=True)

    def received_in(self, year: int):
        return self.filter(received_on__year=year)


class PublicMessage(models.Model):
    """One message from the public and its handling (受理、转办、反馈)."""

    govopen_scope_page = "page"

    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("message state", "Received")
        HELD = "held", pgettext_lazy("message state", "Held for review")
        FORWARDED = "forwarded", pgettext_lazy("message state", "Forwarded to a unit")
        DRAFTED = "drafted", pgettext_lazy("message state", "Reply awaiting approval")
        ANSWERED = "answered", pgettext_lazy("message state", "Answered")
        DISCARDED = "discarded", pgettext_lazy("message state", "Not accepted (spam or abuse)")

    OPEN_STATES = ("received", "held", "forwarded", "drafted")

    page = models.ForeignKey(MessagePage, verbose_name=_("message page"), on_delete=models.PROTECT,
                             related_name="messages")
    receipt_number = models.CharField(_("receipt number"), max_length=60)
    year = models.PositiveIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    query_code_hash = models.CharField(max_length=64, editable=False)
    submission_token = models.CharField(max_length=64, blank=True, editable=False)

    kind = models.CharField(_("kind"), max_length=20)
    subject = models.CharField(_("subject"), max_length=100)
    body = models.TextField(_("message"))
    about_page = models.ForeignKey(
        swapper.get_model_name("wagtailcore", "Page"), verbose_name=_("about the page"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    about_title = models.CharField(_("title of the page it is about"), max_length=255, blank=True)
    name = models.CharField(_("name"), max_length=50, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    wants_reply = models.BooleanField(_("wants a reply"), default=True)
    consent_publish = models.BooleanField(_("agrees to publication"), default=False)

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_on = models.DateField(_("date of receipt"))
    due_on = models.DateField(_("answer due"))
    due_provisional = models.BooleanField(_("due date provisional"), default=False)

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RECEIVED,
                             db_index=True)
    held_reason = models.CharField(_("why it is held"), max_length=255, blank=True)
    unit = models.ForeignKey(OfficeUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="messages")
    unit_due = models.DateField(_("unit's due date"), null=True, blank=True)

    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.CharField(_("reply signed by"), max_length=100, blank=True,
                                  help_text=_("Shown with the reply, e.g. 办公室 or the unit's name."))
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reply drafted by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reply approved by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["query_code_hash", "submission_token", "reminded_for"])
    objects = PublicMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("public message")
        verbose_name_plural = _("public messages")
        constraints = [
            models.UniqueConstraint(fields=["page", "submission_token"], condition=~Q(submission_token=""),
                                    name="govopen_message_token_unique"),
            models.CheckConstraint(condition=Q(answered_on__isnull=True) | Q(answered_on__gte=models.F("received_on")),
                                   name="govopen_message_answer_after_receipt"),
        ]
        indexes = [
            models.Index(fields=["receipt_number"], name="govopen_message_receipt"),
            models.Index(fields=["page", "state", "due_on"], name="govopen_message_open_due"),
            models.Index(fields=["page", "received_on"], name="govopen_message_received"),
        ]

    def __str__(self) -> str:
        return self.receipt_number

    def get_kind_display(self) -> str:
        return message_rules.kind_label(self.kind)

    @staticmethod
    def hash_code(code: str) -> str:
        return hashlib.sha256(f"govopen-message:{code.strip().upper()}".encode()).hexdigest()

    def code_matches(self, code: str) -> bool:
        return hmac.compare_digest(self.query_code_hash, self.hash_code(code or ""))

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def due(self) -> message_rules.MessageDue:
        """The due date and how it was counted (the kind's days as they are now)."""
        from ..calendar import DISCLOSURE_TIME_ZONE

        try:
            return message_rules.message_due(self.received_at, self.kind, tz=DISCLOSURE_TIME_ZONE)
        except ValueError:  # a kind a site has since removed: keep the stored date
            return message_rules.MessageDue(self.due_on, 0, self.due_provisional, ())

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today

    @property
    def on_time(self) -> bool | None:
        if self.answered_on is None:
            return None
        return self.answered_on <= self.due_on


class MessageRouting(models.Model):
    """One step of a message's way through the office: forwarded to a unit
    (转办), returned by it (退回), reassigned, a note."""

    class Action(models.TextChoices):
        FORWARD = "forward", pgettext_lazy("message routing", "Forwarded")
        RETURN = "return", pgettext_lazy("message routing", "Returned by the unit")
        REASSIGN = "reassign", pgettext_lazy("message routing", "Reassigned")
        ANSWER = "answer", pgettext_lazy("message routing", "Answered by the unit")

    message = models.ForeignKey(PublicMessage, on_delete=models.CASCADE, related_name="routing")
    action = models.CharField(_("step"), max_length=10, choices=Action.choices)
    unit = models.ForeignKey(OfficeUnit, verbose_name=_("unit"), null=True, on_delete=models.SET_NULL,
                             related_name="+")
    unit_name = models.CharField(_("unit"), max_length=100)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(_("unit's due date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("message routing step")
        verbose_name_plural = _("message routing steps")
