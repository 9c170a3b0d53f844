"""Holiday data editors enter: the State Council notice for years the
``chinesecalendar`` package does not cover yet, and local adjustments."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class HolidayYear(models.Model):
    """Records that a year's official holiday arrangement has been entered.

    Until a year has one (or a holiday source such as ``chinesecalendar``
    covers it), deadlines in that year are marked provisional.
    """

    year = models.PositiveIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    notice_title = models.CharField(
        _("notice title"),
        max_length=255,
        help_text=_("E.g. 国务院办公厅关于2027年部分节假日安排的通知"),
    )
    notice_number = models.CharField(_("notice document number"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday year")
        verbose_name_plural = _("holiday years")

    def __str__(self) -> str:
        return f"{self.year} · {self.notice_title}"


class HolidayOverride(models.Model):
    """One day that differs from the Monday–Friday rule, or from the package."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Tick for a make-up working day (调休上班); leave unticked for a holiday."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. 春节, 国庆节"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("holiday")
        return f"{self.date.isoformat()} {self.name} ({kind})"
