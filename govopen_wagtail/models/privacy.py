"""The privacy screening's records (隐私排查): what was found where, and
what staff decided about it.

A finding is identified across runs by a keyed fingerprint of its kind, its
value and where in the page or file it sits (an HMAC under ``SECRET_KEY``: a
plain hash of an identity number could be reversed by trying every number),
so a re-run updates the same row, a decision sticks, and a finding that no
longer appears is marked fixed on that day (the monthly trend counts those).
"""

from __future__ import annotations

import swapper
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from wagtail.models import GroupApprovalTask, Site


class Kind(models.TextChoices):
    ID_NUMBER = "id_number", _("identity number")
    EMAIL = "email", _("e-mail address")
    MOBILE = "mobile", _("mobile number")
    LANDLINE = "landline", _("landline number")
    BANK_CARD = "bank_card", _("bank card number")
    PASSPORT = "passport", _("passport number")
    TRAVEL_PERMIT = "travel_permit", _("travel permit number")
    ADDRESS = "address", _("home address")
    STUDENT_NUMBER = "student_number", _("student number")
    BIRTH_DATE = "birth_date", _("date of birth")


class Confidence(models.TextChoices):
    HIGH = "high", pgettext_lazy("confidence", "High")
    LOW = "low", pgettext_lazy("confidence", "Low")


class PrivacyFindingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=PrivacyFinding.Status.OPEN)

    def closed(self):
        return self.exclude(status=PrivacyFinding.Status.OPEN)

    def blocking(self):
        """What stops approval: open and of high confidence."""
        return self.open().filter(confidence=Confidence.HIGH)


class PrivacyFinding(models.Model):
    #: Site isolation: this record belongs to this site (see permissions).
    #: A file no published page links to belongs to no site: superusers only.
    govopen_scope_site = "site"

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("privacy finding", "Open")
        FALSE_POSITIVE = "false_positive", _("Not personal data")
        LAWFUL = "lawful", _("Lawful to publish")
        FIXED = "fixed", pgettext_lazy("privacy finding", "Fixed")

    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    # A deleted page or file keeps its findings (the trend counts them as
    # fixed at the next run): SET_NULL, not CASCADE.
    page = models.ForeignKey(swapper.get_model_name("wagtailcore", "Page"), verbose_name=_("page"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    document = models.ForeignKey("wagtaildocs.Document", verbose_name=_("file"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    source_label = models.CharField(_("where"), max_length=255)
    location = models.JSONField(_("location"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    table_column = models.BooleanField(_("a table column"), default=False)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    masked = models.CharField(_("masked value"), max_length=255)
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    first_found = models.DateTimeField(_("first found"), default=timezone.now, db_index=True)
    last_found = models.DateTimeField(_("last found"), default=timezone.now)
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)

    objects = PrivacyFindingQuerySet.as_manager()

    class Meta:
        ordering = ["-first_found", "pk"]
        verbose_name = _("privacy finding")
        verbose_name_plural = _("privacy findings")
        constraints = [
            models.UniqueConstraint(fields=["page", "fingerprint"], condition=Q(page__isnull=False),
                                    name="govopen_privacy_finding_page_unique"),
            models.UniqueConstraint(fields=["document", "fingerprint"], condition=Q(document__isnull=False),
                                    name="govopen_privacy_finding_document_unique"),
        ]
        indexes = [models.Index(fields=["site", "status"], name="govopen_privacy_site_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.masked}"


class PrivacyScan(models.Model):
    """The last screening of one page or file, for incremental re-runs."""

    govopen_scope_site = "site"

    class Result(models.TextChoices):
        CLEAN = "clean", _("Nothing found")
        FINDINGS = "findings", _("Personal data found")
        NOT_CHECKABLE = "not_checkable", _("Not checkable")
        PARTLY = "partly", _("Partly not checkable")

    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(swapper.get_model_name("wagtailcore", "Page"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey("wagtaildocs.Document", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    source_label = models.CharField(_("where"), max_length=255)
    version = models.CharField(max_length=100)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    scanned_at = models.DateTimeField(_("screened at"), default=timezone.now)

    class Meta:
        verbose_name = _("privacy screening")
        verbose_name_plural = _("privacy screenings")
        constraints = [
            models.UniqueConstraint(fields=["page"], condition=Q(page__isnull=False),
                                    name="govopen_privacy_scan_page_unique"),
            models.UniqueConstraint(fields=["document"], condition=Q(document__isnull=False),
                                    name="govopen_privacy_scan_document_unique"),
        ]


class PrivacyReviewTask(GroupApprovalTask):
    """隐私与保密审查: a workflow task whose reviewers see the screening of the
    page and its files and confirm the confidentiality review before they
    approve. A finding of high confidence stops approval until it is fixed or
    justified. Add it to a workflow in Settings → Workflows, as any task."""

    class Meta:
        verbose_name = _("privacy and confidentiality review")
        verbose_name_plural = _("privacy and confidentiality reviews")

    def get_actions(self, obj, user):
        if not super().get_actions(obj, user):
            return []
        # Approval always goes through the review form: no one-click approve.
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve after the review"), True),
        ]

    def get_form_for_action(self, action):
        if action == "approve":
            from ..forms_privacy import PrivacyReviewForm

            return PrivacyReviewForm
        return super().get_form_for_action(action)

    def get_template_for_action(self, action):
        if action == "approve":
            return "govopen_wagtail/admin/privacy_review_modal.html"
        return super().get_template_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != "approve":
            return super().on_action(task_state, user, action_name, **kwargs)
        from ..services.privacy_review import approve

        return approve(task_state, user, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups see what the privacy screening found in the page and its files, and "
            "confirm that nothing published involves state, work or trade secrets or personal privacy before "
            "they approve."
        )


class PrivacyReviewRecord(models.Model):
    """审查记录: one confirmed review, kept with the revision it approved
    (exported as the 信息发布审查单 a bureau files)."""

    govopen_scope_site = "site"

    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    page = models.ForeignKey(swapper.get_model_name("wagtailcore", "Page"), verbose_name=_("page"),
                             on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey("wagtailcore.Revision", verbose_name=_("revision"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    task_state = models.ForeignKey("wagtailcore.TaskState", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    title = models.CharField(_("title"), max_length=255)
    url = models.CharField(_("web address"), max_length=500, blank=True)
    reviewer_name = models.CharField(_("reviewer"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    confirmed = models.BooleanField(_("confidentiality confirmed"), default=False)
    justification = models.TextField(_("justification"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    findings = models.JSONField(_("screening result"), default=list, blank=True)
    unreadable = models.JSONField(_("files not checkable"), default=list, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        verbose_name = _("review record")
        verbose_name_plural = _("review records")

    def __str__(self) -> str:
        return f"{self.title} ({self.reviewer_name}, {timezone.localtime(self.reviewed_at):%Y-%m-%d})"
