"""Public consultations (征求意见) on draft decisions and their feedback.

A consultation's state is never stored: it follows from the clock and two
dates (``opens_at``, ``closes_at``) plus the date its feedback was published.
Every published window is kept in :class:`ConsultationWindowRecord`, so an
extension or a reopening is a public, dated notice with the old and new dates
and the reason. Comments from every channel (online form, letter, e-mail, fax,
in person) are rows of one ledger, :class:`ConsultationComment`; staff answer
them by :class:`CommentGroup` (identical and near-identical comments share a
group), and the feedback page counts comments honestly per disposition.
"""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy
from modelcluster.fields import ParentalKey
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from .. import consultation_rules, privacy
from ..conf import govopen_settings
from ..validators import phone_validator
from .mixins import AttachmentBase, IndexNumberMixin
from .platform import DisclosurePage
from ..restrictions import private_q


def govopen_tz() -> ZoneInfo:
    return ZoneInfo(govopen_settings.TIME_ZONE)


def window_rule() -> consultation_rules.WindowRule:
    return consultation_rules.WindowRule(
        days=govopen_settings.CONSULTATION_MIN_DAYS,
        working_days=govopen_settings.CONSULTATION_WORKING_DAYS,
    )


class ConsultationState(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("consultation", "Not yet open")
    OPEN = "open", pgettext_lazy("consultation", "Open for comments")
    CLOSED = "closed", pgettext_lazy("consultation", "Closed, feedback to follow")
    FEEDBACK = "feedback", pgettext_lazy("consultation", "Feedback published")


class DraftSectionBlock(blocks.StructBlock):
    """A part of the draft the public can refer to in a comment."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200,
                               help_text=_("E.g. 第一条 or 一、总体要求. Comments can refer to it."))
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "ol", "ul", "link"])

    class Meta:
        icon = "doc-full"
        label = _("Section")


class ConsultationQuerySet(PageQuerySet):
    def _now(self, now):
        return now or timezone.now()

    def upcoming(self, now: dt.datetime | None = None):
        return self.filter(opens_at__gt=self._now(now))

    def open(self, now: dt.datetime | None = None):
        now = self._now(now)
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def closed(self, now: dt.datetime | None = None):
        """Closed, whether or not the feedback is out."""
        return self.filter(closes_at__lte=self._now(now))

    def awaiting_feedback(self, now: dt.datetime | None = None):
        today = timezone.localdate(self._now(now), govopen_tz())
        return self.closed(now).filter(Q(feedback_date__isnull=True) | Q(feedback_date__gt=today))

    def feedback_published(self, now: dt.datetime | None = None):
        today = timezone.localdate(self._now(now), govopen_tz())
        return self.filter(feedback_date__lte=today)

    def closing_within(self, days: int, now: dt.datetime | None = None):
        now = self._now(now)
        return self.open(now).filter(closes_at__lte=now + dt.timedelta(days=days))

    def feedback_overdue(self, now: dt.datetime | None = None) -> list["ConsultationPage"]:
        """Closed more than FEEDBACK_WORKING_DAYS working days ago, no feedback."""
        from .. import calendar

        now = self._now(now)
        cal = calendar.get_calendar()
        today = timezone.localdate(now, govopen_tz())
        overdue = []
        for page in self.awaiting_feedback(now).order_by("closes_at"):
            closed_on = timezone.localdate(page.closes_at, govopen_tz())
            due = cal.add_working_days(closed_on, govopen_settings.FEEDBACK_WORKING_DAYS).date
            if due < today:
                page.feedback_due = due
                overdue.append(page)
        return overdue

    def with_state_order(self, now: dt.datetime | None = None):
        """Open first (closing soonest first), then upcoming, then closed."""
        now = self._now(now)
        rank = models.Case(
            models.When(opens_at__lte=now, closes_at__gt=now, then=models.Value(0)),
            models.When(opens_at__gt=now, then=models.Value(1)),
            default=models.Value(2),
            output_field=models.IntegerField(),
        )
        return self.annotate(state_rank=rank)


ConsultationManager = PageManager.from_queryset(ConsultationQuerySet)


class ConsultationIndexPage(DisclosurePage):
    """The list of consultations (征求意见): open ones first, with days left."""

    slug_prefix = "consultations"

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    per_page = 20

    content_panels = DisclosurePage.content_panels + [FieldPanel("intro")]
    parent_page_types = [
        "govopen_wagtail.DisclosureIndexPage",
        "govopen_wagtail.DisclosureColumnPage",
        "govopen_wagtail.CatalogPage",
    ]
    subpage_types = ["govopen_wagtail.ConsultationPage"]

    class Meta:
        verbose_name = _("consultation list")
        verbose_name_plural = _("consultation lists")

    def consultations(self, now: dt.datetime | None = None):
        now = now or timezone.now()
        return (
            ConsultationPage.objects.child_of(self)
            .live()
            .exclude(private_q())
            .with_state_order(now)
            .annotate(
                published_comments=Count(
                    "comments", filter=Q(comments__status=ConsultationComment.Status.PUBLISHED)
                )
            )
            .defer("draft", "explanation", "basis", "feedback_summary")
            .order_by("state_rank", "closes_at")
        )

    def listing_page(self, request, now: dt.datetime):
        """The page of consultations asked for, each with ``state`` and ``days_left``."""
        paginator = Paginator(self.consultations(now), self.per_page)
        page = paginator.get_page(request.GET.get("page"))
        for consultation in page.object_list:
            consultation.state = consultation.state_at(now)
            consultation.days_left = consultation_rules.days_remaining(consultation.closes_at, now)
        return page

    def get_context(self, request, *args, **kwargs):
        from django.template.loader import render_to_string
        from django.utils.functional import SimpleLazyObject

        from ..services.fragments import cached_html_until

        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        context["now"] = now
        # Templates that list the consultations themselves read them then.
        context["page_obj"] = SimpleLazyObject(lambda: self.listing_page(request, now))

        def listing():
            page = self.listing_page(request, now)
            html = render_to_string("govopen_wagtail/includes/consultation_list.html",
                                    {**context, "page_obj": page, "paginator": page.paginator}, request=request)
            windows = (ConsultationPage.objects.child_of(self).live().exclude(private_q())
                       .values_list("opens_at", "closes_at"))
            return html, consultation_rules.next_change(windows, now)

        # Rendered once and kept until a page changes (the stamp), a comment
        # is published or withdrawn (the comments' history), the date turns
        # (feedback dates) or a consultation opens, closes or has a day less
        # left (the instant kept with it).
        number = request.GET.get("page", "")
        number = number if number.isdigit() and len(number) <= 6 else ""
        context["consultation_list"] = cached_html_until(
            request, self, "consultations", listing, timezone.localdate(now), comments_version(), number
        )
        return context


class ConsultationPage(RoutablePageMixin, IndexNumberMixin, DisclosurePage):
    """A draft open for public comment, and afterwards its feedback."""

    slug_prefix = "consultation"

    summary = models.TextField(_("summary"), max_length=500, help_text=_("One or two sentences for listings."))
    draft = StreamField(
        [("section", DraftSectionBlock())],
        verbose_name=_("draft text"),
        help_text=_("Split the draft into sections (chapters or articles) so comments can refer to them."),
    )
    explanation = RichTextField(_("explanation of the draft (起草说明)"), blank=True)
    basis = RichTextField(_("legal and policy basis"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    responsible_unit = models.CharField(_("responsible unit"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=60, blank=True, validators=[phone_validator])
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(
        _("closes at"),
        help_text=_("The exact instant comments stop being accepted, e.g. 2026-12-25 00:00 for “until 24:00 on 24 December”."),
    )
    shortening_reason = models.TextField(
        _("reason for a shorter window"),
        blank=True,
        help_text=_("Required when the window is shorter than the minimum; shown publicly beside the dates."),
    )
    date_change_reason = models.TextField(
        _("reason for changing the dates"),
        blank=True,
        help_text=_(
            "Required when the dates of a published consultation change (extension, reopening, "
            "shortening). Published as a dated notice with the old and new dates."
        ),
    )
    accept_online = models.BooleanField(_("accept comments through the website"), default=True)
    comment_email = models.EmailField(_("e-mail for comments"), blank=True)
    postal_address = models.TextField(
        _("postal address for comments"), blank=True,
        help_text=_("Letters count by their postmark date."),
    )
    fax = models.CharField(_("fax for comments"), max_length=60, blank=True, validators=[phone_validator])
    feedback_summary = RichTextField(
        _("feedback summary (意见采纳情况)"),
        blank=True,
        help_text=_("Overall account of the comments and how the final text took them into account."),
    )
    feedback_date = models.DateField(
        _("feedback published on"),
        null=True,
        blank=True,
        help_text=_("Set it to publish the feedback; every comment needs a disposition first."),
    )

    objects = ConsultationManager()

    search_fields = DisclosurePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("draft"),
        index.SearchField("explanation"),
        index.FilterField("opens_at"),
        index.FilterField("closes_at"),
    ]

    content_panels = DisclosurePage.content_panels + [
        FieldPanel("summary"),
        FieldPanel("draft"),
        FieldPanel("explanation"),
        FieldPanel("basis"),
        InlinePanel("attachments", label=_("Attachments (the draft as Word or PDF)")),
    ]
    window_panels = [
        HelpPanel(content=_("Times are Beijing time (%(tz)s).") % {"tz": "Asia/Shanghai"}),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Comment window")),
        FieldPanel("shortening_reason"),
        FieldPanel("date_change_reason"),
        MultiFieldPanel(
            [FieldPanel("accept_online"), FieldPanel("comment_email"), FieldPanel("postal_address"), FieldPanel("fax")],
            heading=_("How to comment"),
        ),
        MultiFieldPanel(
            [FieldPanel("responsible_unit"), FieldPanel("contact_name"), FieldPanel("contact_phone")],
            heading=_("Responsible unit and contact"),
        ),
    ]
    feedback_panels = [FieldPanel("feedback_summary"), FieldPanel("feedback_date")]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Draft")),
            ObjectList(window_panels, heading=_("Window")),
            ObjectList(feedback_panels, heading=_("Feedback")),
            ObjectList(DisclosurePage.promote_panels, heading=_("Promote")),
            ObjectList(DisclosurePage.settings_panels, heading=_("Settings"), classname="settings"),
        ]
    )

    parent_page_types = ["govopen_wagtail.ConsultationIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def get_cached_paths(self) -> list[str]:
        # Sub-routes a frontend cache keeps too (services.purge).
        return ["/", "feedback/"]

    # State ---------------------------------------------------------------

    def state_at(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return ConsultationState.UPCOMING
        if now < self.closes_at:
            return ConsultationState.OPEN
        if self.feedback_date and self.feedback_date <= timezone.localdate(now, govopen_tz()):
            return ConsultationState.FEEDBACK
        return ConsultationState.CLOSED

    def state_label(self) -> str:
        return ConsultationState(self.state_at()).label

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return self.state_at(now) == ConsultationState.OPEN

    def opens_label(self) -> str:
        return consultation_rules.local_label(self.opens_at, govopen_tz())

    def closes_label(self) -> str:
        return consultation_rules.local_label(self.closes_at, govopen_tz())

    def is_shortened(self) -> bool:
        return consultation_rules.is_shortened(self.opens_at, self.closes_at, window_rule(), govopen_tz())

    def sections(self) -> list[dict]:
        """The draft's sections as ``{"id", "label"}``, in order."""
        out = []
        for n, block in enumerate(self.draft, start=1):
            if block.block_type != "section":
                continue
            heading = (block.value.get("heading") or "").strip()
            out.append({"id": block.id, "label": heading or gettext("Section %(n)d") % {"n": n}})
        return out

    def section_label(self, section_id: str) -> str:
        return next((s["label"] for s in self.sections() if s["id"] == section_id), "")

    def final_documents(self):
        from .documents import NormativeDocumentPage

        return NormativeDocumentPage.objects.live().exclude(private_q()).filter(consultation_page=self).order_by("-published_date")

    # Validation ----------------------------------------------------------

    def last_window(self) -> "ConsultationWindowRecord | None":
        if not self.pk:
            return None
        return self.window_records.order_by("-recorded_at", "-pk").first()

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        for problem in consultation_rules.window_problems(
            self.opens_at, self.closes_at, window_rule(), govopen_tz(), shortening_reason=self.shortening_reason
        ):
            errors.setdefault(problem.field, []).append(problem.message)
        last = self.last_window()
        if last and self.opens_at and self.closes_at and (last.opens_at, last.closes_at) != (self.opens_at, self.closes_at):
            reason = self.date_change_reason.strip()
            if not reason or reason == last.reason.strip():
                errors.setdefault("date_change_reason", []).append(
                    _("The dates of a published consultation changed: give the reason. "
                      "It is published with the old and new dates.")
                )
        from ..files import ATTACHMENT_KINDS, stored_file_problems

        for field, message in stored_file_problems(
            ("__all__", a.document, ATTACHMENT_KINDS) for a in self.attachments.all()
        ):
            errors.setdefault(field, []).append(message)
        if self.feedback_date:
            errors_for_feedback = self.feedback_problems()
            if errors_for_feedback:
                errors.setdefault("feedback_date", []).extend(errors_for_feedback)
        if errors:
            raise ValidationError(errors)

    def feedback_problems(self) -> list[str]:
        """Why the feedback cannot be published yet."""
        problems = []
        if self.closes_at and self.feedback_date < timezone.localdate(self.closes_at, govopen_tz()):
            problems.append(gettext("The feedback cannot be dated before the consultation closes."))
        if not self.pk:
            return problems
        comments = self.comments.exclude(status=ConsultationComment.Status.SPAM)
        pending = comments.filter(status=ConsultationComment.Status.PENDING).count()
        if pending:
            problems.append(
                gettext("%(count)d comments are still waiting for moderation.") % {"count": pending}
            )
        undecided = comments.filter(Q(group__isnull=True) | Q(group__disposition=CommentGroup.Disposition.UNDECIDED)).count()
        if undecided:
            problems.append(
                gettext("%(count)d comments have no disposition yet (adopted, not adopted …).") % {"count": undecided}
            )
        if not (self.feedback_summary or "").strip():
            problems.append(gettext("Write the overall feedback summary."))
        return problems

    # Publishing ----------------------------------------------------------

    def save(self, *args, **kwargs):
        # A draft save of a live page calls save(update_fields=...) on an
        # object holding the draft's values: only a full save publishes.
        with transaction.atomic():
            result = super().save(*args, **kwargs)
            if self.live and kwargs.get("update_fields") is None and self.opens_at and self.closes_at:
                self.record_window()
                if self.state_at() == ConsultationState.FEEDBACK:
                    from ..services.comments import notify_feedback

                    page_id = self.pk
                    transaction.on_commit(lambda: notify_feedback(page_id))
        return result

    def record_window(self, user=None) -> "ConsultationWindowRecord | None":
        last = self.last_window()
        if last and (last.opens_at, last.closes_at) == (self.opens_at, self.closes_at):
            return None
        now = timezone.now()
        if last is None:
            kind = ConsultationWindowRecord.Kind.INITIAL
        elif last.closes_at <= now < self.closes_at:
            kind = ConsultationWindowRecord.Kind.REOPENED
        elif self.closes_at > last.closes_at:
            kind = ConsultationWindowRecord.Kind.EXTENDED
        elif self.closes_at < last.closes_at:
            kind = ConsultationWindowRecord.Kind.SHORTENED
        else:
            kind = ConsultationWindowRecord.Kind.RESCHEDULED
        return ConsultationWindowRecord.objects.create(
            consultation=self,
            kind=kind,
            opens_at=self.opens_at,
            closes_at=self.closes_at,
            previous_opens_at=last.opens_at if last else None,
            previous_closes_at=last.closes_at if last else None,
            reason="" if last is None else self.date_change_reason.strip(),
            recorded_by=user,
        )

    # Reading -------------------------------------------------------------

    def comment_form_class(self):
        from ..forms import CommentForm

        return CommentForm

    def get_context(self, request, *args, **kwargs):
        from django.template.loader import render_to_string
        from django.utils.functional import SimpleLazyObject

        from ..services import blank_forms
        from ..services.fragments import cached_html

        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        state = self.state_at(now)
        context["state"] = state
        context["state_label"] = ConsultationState(state).label
        context["days_left"] = consultation_rules.days_remaining(self.closes_at, now)
        base = self.get_url(request) or ""
        context["comment_url"] = base + self.reverse_subpage("comment")
        context["feedback_url"] = base + self.reverse_subpage("feedback")
        # The draft, its dates, notices, final documents and attachments
        # change only with the page (the stamp) and its state and days left:
        # rendered once and kept. The published comments are kept until any
        # comment changes (their history); the form is made for each visitor.
        number = request.GET.get("page", "")
        number = number if number.isdigit() and len(number) <= 6 else ""
        context["notices"] = SimpleLazyObject(self.public_notices)
        context["final_documents"] = SimpleLazyObject(lambda: list(self.final_documents()))
        context["attachments"] = SimpleLazyObject(lambda: list(self.attachments.select_related("document")))
        context["comments_page"] = comments_page = SimpleLazyObject(lambda: self.published_comments_page(number))
        context["comment_count"] = SimpleLazyObject(lambda: comments_page.paginator.count)

        def render(name: str) -> str:
            return render_to_string(f"govopen_wagtail/includes/{name}.html", context, request=request)

        vary = (state, context["days_left"])
        context["consultation_head"] = cached_html(request, self, "consultation-head",
                                                   lambda: render("consultation_head"), *vary)
        context["consultation_body"] = cached_html(request, self, "consultation-body",
                                                   lambda: render("consultation_body"), *vary)
        def render_comments() -> str:
            page = self.published_comments_page(number)
            return render_to_string("govopen_wagtail/includes/comment_list.html",
                                    {**context, "comments_page": page, "comment_count": page.paginator.count},
                                    request=request)

        context["consultation_comments"] = cached_html(request, self, "consultation-comments", render_comments,
                                                       comments_version(), number)
        if state == ConsultationState.OPEN and self.accept_online and "form" not in context:
            section = request.GET.get("section", "")
            form_class = self.comment_form_class()
            # A GET's form is blank (a POST's, bound, replaces it: see
            # views/consultations.py), the same for everyone but its tokens
            # and captcha: kept as HTML, each visitor's values put in. The
            # form itself is built only if a site's template asks for it.
            if request.method in ("GET", "HEAD") and not getattr(request, "is_preview", False) and (
                blank_forms.keepable(form_class) and (section == "" or section in {s["id"] for s in self.sections()})
            ):
                html = blank_forms.blank_form_html(
                    request, self, form_class, section,
                    lambda form, extra: render_to_string("govopen_wagtail/includes/comment_form.html",
                                                         {**context, "form": form, **extra}, request=request),
                )
                if html is not None:
                    context["comment_form_html"] = html
                    context["form"] = SimpleLazyObject(lambda: form_class(consultation=self, initial={"section": section}))
                    return context
            context["form"] = form = form_class(consultation=self, initial={"section": section})
            # A blank form's fields (all but its token and captcha, which are
            # each visitor's) follow the draft's sections and the settings:
            # kept as HTML, for each section a link may preselect.
            if section == "" or section in {str(value) for value, _label in form.fields["section"].choices}:
                context["comment_fields"] = cached_html(
                    request, self, "comment-fields", lambda: render("comment_form_fields"),
                    type(form).__qualname__, section, govopen_settings.COMMENT_MAX_CHARS,
                )
        return context

    def public_notices(self) -> list:
        """Dated notices of changes to the window (extensions, reopenings …)."""
        return [
            r for r in self.window_records.order_by("recorded_at", "pk") if r.kind != ConsultationWindowRecord.Kind.INITIAL
        ]

    def published_comments_page(self, number: str = ""):
        comments = (
            self.comments.filter(status=ConsultationComment.Status.PUBLISHED)
            .only("pk", "body", "display_name", "received_at", "section_id", "section_label", "commenter_category", "consultation_id")
            .order_by("-received_at", "-pk")
        )
        return Paginator(comments, 20).get_page(number)

    @path("comment/", name="comment")
    def comment(self, request):
        from ..views.consultations import submit_comment_view

        return submit_comment_view(self, request)

    @path("receipt/<str:number>/", name="receipt")
    def receipt(self, request, number):
        from ..views.consultations import receipt_view

        return receipt_view(self, request, number)

    @path("feedback/", name="feedback")
    def feedback(self, request):
        from ..views.consultations import feedback_view

        return feedback_view(self, request)


class ConsultationAttachment(AttachmentBase):
    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="attachments")


class ConsultationWindowRecord(models.Model):
    """Every window a consultation was published with; later rows are the
    public notices of extensions, reopenings and other changes."""

    #: Site isolation: this record belongs to the site of this page (see permissions).
    govopen_scope_page = "consultation"

    class Kind(models.TextChoices):
        INITIAL = "initial", pgettext_lazy("window", "Opened")
        EXTENDED = "extended", pgettext_lazy("window", "Extended")
        REOPENED = "reopened", pgettext_lazy("window", "Reopened")
        SHORTENED = "shortened", pgettext_lazy("window", "Shortened")
        RESCHEDULED = "rescheduled", pgettext_lazy("window", "Dates changed")

    consultation = models.ForeignKey(ConsultationPage, verbose_name=_("consultation"), on_delete=models.CASCADE,
                                     related_name="window_records")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    previous_opens_at = models.DateTimeField(_("previously opened at"), null=True, blank=True)
    previous_closes_at = models.DateTimeField(_("previously closed at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("consultation window")
        verbose_name_plural = _("consultation windows")

    def __str__(self) -> str:
        return f"{self.consultation} · {self.get_kind_display()} · {self.closes_label()}"

    def closes_label(self) -> str:
        return consultation_rules.local_label(self.closes_at, govopen_tz())

    def opens_label(self) -> str:
        return consultation_rules.local_label(self.opens_at, govopen_tz())

    def previous_closes_label(self) -> str:
        return consultation_rules.local_label(self.previous_closes_at, govopen_tz()) if self.previous_closes_at else ""

    def previous_opens_label(self) -> str:
        return consultation_rules.local_label(self.previous_opens_at, govopen_tz()) if self.previous_opens_at else ""

    def recorded_label(self) -> str:
        return timezone.localtime(self.recorded_at, govopen_tz()).strftime("%Y-%m-%d")


class CommentGroup(models.Model):
    """One answer for one comment or for a group of similar comments."""

    #: Site isolation: this record belongs to the site of this page (see permissions).
    govopen_scope_page = "consultation"

    class Disposition(models.TextChoices):
        UNDECIDED = "undecided", pgettext_lazy("disposition", "Not yet decided")
        ADOPTED = "adopted", pgettext_lazy("disposition", "Adopted")
        PARTLY = "partly", pgettext_lazy("disposition", "Partly adopted")
        NOT_ADOPTED = "not_adopted", pgettext_lazy("disposition", "Not adopted")
        OUT_OF_SCOPE = "out_of_scope", pgettext_lazy("disposition", "Outside the scope of the draft")

    consultation = models.ForeignKey(ConsultationPage, verbose_name=_("consultation"), on_delete=models.CASCADE,
                                     related_name="comment_groups")
    summary = models.TextField(
        _("summary of the comments"), blank=True,
        help_text=_("Shown on the feedback page instead of the comments themselves. Leave empty to show the first comment (personal data masked)."),
    )
    disposition = models.CharField(
        _("disposition"), max_length=20, choices=Disposition.choices, default=Disposition.UNDECIDED
    )
    reason = models.TextField(
        _("reason"), blank=True,
        help_text=_("Required when a comment is not adopted or only partly adopted; published on the feedback page."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "pk"]
        verbose_name = _("comment group")
        verbose_name_plural = _("comment groups")

    def __str__(self) -> str:
        return gettext("Group %(pk)s") % {"pk": self.pk} + (f" · {self.summary[:40]}" if self.summary else "")

    def clean(self) -> None:
        if self.disposition in (self.Disposition.NOT_ADOPTED, self.Disposition.PARTLY) and not self.reason.strip():
            raise ValidationError(
                {"reason": _("Give the reason why the comment was not (fully) adopted; it is published.")}
            )

    def public_summary(self) -> str:
        if self.summary.strip():
            return privacy.mask(self.summary)
        # Only what moderation let through is ever shown to the public.
        first = self.comments.published().order_by("received_at", "pk").first()
        return first.public_body() if first else ""


def comments_version():
    """Changes whenever what the public sees of the comments can have changed:
    the newest entry of the comments' history but those of new comments not
    published (one read of a partial index, made with the change stamp's
    during a GET). A rush of comments awaiting moderation leaves it alone,
    so the published comments and counts stay cached through it."""
    from ..services import library_cache

    if library_cache.memo_active():
        library_cache.stamp()  # reads the version with it, once a request
    return library_cache.memo(
        "comments_version",
        lambda: ConsultationComment.history.filter(PUBLIC_CHANGE).aggregate(newest=models.Max("history_id"))["newest"],
    )


def new_receipt_number(when: dt.datetime | None = None) -> str:
    """E.g. ``YJ20261124-K7Q3MZ``: date plus six random characters from an
    alphabet without look-alikes (no 0/O, 1/I/L)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    day = timezone.localtime(when or timezone.now(), govopen_tz()).strftime("%Y%m%d")
    return f"YJ{day}-" + "".join(secrets.choice(alphabet) for _ in range(6))


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ConsultationComment.Status.PUBLISHED)

    def counted(self):
        """Every comment that counts in the statistics (all but spam)."""
        return self.exclude(status=ConsultationComment.Status.SPAM)

    def pending(self):
        return self.filter(status=ConsultationComment.Status.PENDING)


#: The comments' history rows that can change what the public sees: all
#: but a new comment that is not published (one awaiting moderation, the
#: whole of a rush before a consultation closes). See ``comments_version``.
PUBLIC_CHANGE = ~models.Q(history_type="+") | models.Q(status="published")


class _HistoryDescriptor(HistoryDescriptor):
    """simple_history's ``Model.history``, its manager class made once.

    simple_history makes a new manager class on every access, and it looks
    the manager up for every history row it writes: in a comment's
    transaction that cost more than writing the row."""

    @cached_property
    def _manager(self):
        return self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self._manager(self.model, instance)


class CommentHistory(HistoricalRecords):
    """The comments' history, with an index on the rows that can change what
    the public sees, so that the newest of them is read from the index."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is not self.cls:
            return
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:
            setattr(sender, self.manager_name, _HistoryDescriptor(
                descriptor.model, manager=descriptor.manager_class, queryset=descriptor.queryset_class))

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["indexes"] = (
            *options.get("indexes", ()),
            models.Index(fields=["history_id"], condition=PUBLIC_CHANGE, name="govopen_comment_public_change"),
        )
        return options


class ConsultationComment(models.Model):
    """One comment, whatever channel it came through."""

    #: Site isolation: this record belongs to the site of this page (see permissions).
    govopen_scope_page = "consultation"

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("comment", "Awaiting review")
        PUBLISHED = "published", pgettext_lazy("comment", "Published")
        REJECTED = "rejected", pgettext_lazy("comment", "Not published")
        SPAM = "spam", pgettext_lazy("comment", "Spam")

    class Channel(models.TextChoices):
        ONLINE = "online", pgettext_lazy("channel", "Website")
        LETTER = "letter", pgettext_lazy("channel", "Letter")
        EMAIL = "email", pgettext_lazy("channel", "E-mail")
        FAX = "fax", pgettext_lazy("channel", "Fax")
        IN_PERSON = "in_person", pgettext_lazy("channel", "In person")
        PHONE = "phone", pgettext_lazy("channel", "Telephone")

    class Category(models.TextChoices):
        INDIVIDUAL = "individual", pgettext_lazy("commenter", "Individual")
        ENTERPRISE = "enterprise", pgettext_lazy("commenter", "Enterprise")
        ORGANISATION = "organisation", pgettext_lazy("commenter", "Social organisation")
        OTHER = "other", pgettext_lazy("commenter", "Other")

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="comments",
                                     verbose_name=_("consultation"))
    receipt_number = models.CharField(_("receipt number"), max_length=32, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    postmark_date = models.DateField(
        _("postmark date"), null=True, blank=True, help_text=_("For letters: they count by their postmark date.")
    )
    section_id = models.CharField(_("section"), max_length=64, blank=True)
    section_label = models.CharField(_("section"), max_length=200, blank=True, editable=False)
    body = models.TextField(_("comment"))
    display_name = models.CharField(_("name or organisation (shown)"), max_length=100, blank=True)
    commenter_category = models.CharField(
        _("commenter"), max_length=20, choices=Category.choices, default=Category.INDIVIDUAL
    )
    contact_email = models.EmailField(_("e-mail (office only)"), blank=True)
    contact_phone = models.CharField(_("phone (office only)"), max_length=40, blank=True)
    notify = models.BooleanField(_("tell the commenter by e-mail when published and when feedback is out"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    held_words = models.CharField(_("sensitive words matched"), max_length=500, blank=True, editable=False)
    rejection_reason = models.TextField(_("reason not published (internal)"), blank=True)
    group = models.ForeignKey(
        CommentGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments", verbose_name=_("group")
    )
    fingerprint = models.CharField(max_length=40, editable=False, db_index=True)
    band0 = models.IntegerField(default=0, editable=False)
    band1 = models.IntegerField(default=0, editable=False)
    band2 = models.IntegerField(default=0, editable=False)
    band3 = models.IntegerField(default=0, editable=False)
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    client_hash = models.CharField(max_length=32, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
        verbose_name=_("entered by"),
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True, editable=False)
    notified_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_feedback_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()
    history = CommentHistory(excluded_fields=["band0", "band1", "band2", "band3", "fingerprint"])

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["consultation", "status"]),
            models.Index(fields=["consultation", "band0"]),
            models.Index(fields=["consultation", "band1"]),
            models.Index(fields=["consultation", "band2"]),
            models.Index(fields=["consultation", "band3"]),
        ]

    def __str__(self) -> str:
        return self.receipt_number

    def public_body(self) -> str:
        return privacy.mask(self.body)

    def public_name(self) -> str:
        return privacy.mask(self.display_name) if self.display_name else ""

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def public_status_label(self) -> str:
        """The status as the receipt page may say it: a moderation decision
        not to publish is internal, so it reads as "received" like a comment
        still waiting."""
        if self.is_published:
            return self.get_status_display()
        return str(pgettext_lazy("comment", "Received, being considered"))

    def received_label(self) -> str:
        return timezone.localtime(self.received_at, govopen_tz()).strftime("%Y-%m-%d %H:%M")

    def excerpt(self) -> str:
        return self.body if len(self.body) <= 80 else self.body[:80] + "…"

    excerpt.short_description = _("comment")

    def disposition(self) -> str:
        return self.group.get_disposition_display() if self.group_id else ""

    disposition.short_description = _("disposition")
