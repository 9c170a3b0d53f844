"""The bureau's oversight table, kept month by month."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site


class OversightRecord(models.Model):
    """A subordinate site's score in one month, with the points and reason of
    each indicator (``{key: [points, reason]}``)."""

    govopen_scope_site = "site"

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    score = models.FloatField(_("score"))
    details = models.JSONField(_("indicators"), default=dict)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["-month", "-score"]
        verbose_name = _("oversight record")
        verbose_name_plural = _("oversight records")
        constraints = [models.UniqueConstraint(fields=["site", "month"], name="govopen_oversight_once_a_month")]
        permissions = [("oversee_sites", _("Can see subordinate sites side by side"))]
