"""Index numbers (索引号): allocated once, on first publish, never reused.

A counter per (site, year) hands out serials under a row lock, and a ledger
row per number keeps it taken even after its page is deleted.
"""

from __future__ import annotations

import swapper
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from ..conf import govopen_settings
from ..identifiers import IndexNumberParts, format_index_number

# If a format change makes new numbers collide with old ones, skip ahead at
# most this many serials before giving up loudly.
MAX_COLLISION_SKIPS = 1000


class IndexNumberCounter(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    year = models.PositiveIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "year"], name="govopen_counter_site_year")
        ]
        verbose_name = _("index number counter")
        verbose_name_plural = _("index number counters")


class IndexNumberRecord(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    number = models.CharField(_("index number"), max_length=100)
    year = models.PositiveIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    page = models.ForeignKey(
        swapper.get_model_name("wagtailcore", "Page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title when assigned"), max_length=255, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    #: Site isolation: this record belongs to this site (see permissions).
    govopen_scope_site = "site"

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="govopen_index_number_unique")
        ]
        verbose_name = _("index number")
        verbose_name_plural = _("index numbers")

    def __str__(self) -> str:
        return self.number

    @classmethod
    def allocate(cls, *, site: Site, year: int, title: str = "", page=None) -> "IndexNumberRecord":
        """Take the next free number for ``site`` and ``year``."""
        from .platform import OrganisationProfile

        profile = OrganisationProfile.for_site(site)
        credit_code = profile.credit_code or govopen_settings.INDEX_NUMBER_FALLBACK_PREFIX.format(
            site_id=site.pk
        )
        fmt = govopen_settings.INDEX_NUMBER_FORMAT
        with transaction.atomic():
            counter, _created = IndexNumberCounter.objects.get_or_create(site=site, year=year)
            counter = IndexNumberCounter.objects.select_for_update().get(pk=counter.pk)
            for _attempt in range(MAX_COLLISION_SKIPS):
                counter.last_serial += 1
                number = format_index_number(
                    fmt, IndexNumberParts(credit_code, year, counter.last_serial, site.pk)
                )
                if not cls.objects.filter(site=site, number=number).exists():
                    break
            else:
                raise RuntimeError(
                    f"No free index number after {MAX_COLLISION_SKIPS} tries with format {fmt!r}"
                )
            counter.save(update_fields=["last_serial"])
            return cls.objects.create(
                site=site,
                number=number,
                year=year,
                serial=counter.last_serial,
                page=page,
                title=title[:255],
            )
