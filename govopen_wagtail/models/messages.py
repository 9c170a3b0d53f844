"""Responses to public concern (回应关切): each concern the office records runs
on an hour clock (seed 002: authoritative information within 5 hours of a
major incident, 48 hours otherwise), from the moment it was first seen."""

from __future__ import annotations

import datetime as dt

import swapper
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from simple_history.models import HistoricalRecords
from wagtail.models import Site

from .. import message_rules


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
