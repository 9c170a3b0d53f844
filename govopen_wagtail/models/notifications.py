"""Outgoing e-mails to the public, kept until they are delivered.

Each notification is one row: sent independently of the others, retried with
a growing wait when the mail server fails, and marked failed (visible in the
admin and on the dashboard) after ``GOVOPEN_NOTIFICATION_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime as dt

import swapper
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class NotificationQuerySet(models.QuerySet):
    def due(self, now: dt.datetime | None = None):
        return self.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now or timezone.now())

    def failed(self):
        return self.filter(status=Notification.Status.FAILED)


class Notification(models.Model):
    #: Site isolation: this record belongs to the site of this page (see permissions).
    govopen_scope_page = "page"

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("notification", "Waiting to be sent")
        SENT = "sent", pgettext_lazy("notification", "Sent")
        FAILED = "failed", pgettext_lazy("notification", "Failed")

    page = models.ForeignKey(
        swapper.get_model_name("wagtailcore", "Page"),
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    comment = models.ForeignKey(
        "govopen_wagtail.ConsultationComment",
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.ForeignKey(
        "govopen_wagtail.PublicMessage",
        verbose_name=_("public message"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification e-mail")
        verbose_name_plural = _("notification e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "kind"], condition=models.Q(comment__isnull=False),
                name="govopen_notification_once_per_comment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
