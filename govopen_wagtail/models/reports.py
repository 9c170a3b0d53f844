"""The annual report (政府信息公开工作年度报告) in the national format.

A report is a page: its figures live in page fields, so publishing freezes
them in the page revision and later changes to the records never change a
published report. "Generate from data" (an admin action) fills the computed
figures into a new draft; staff add the figures only they know (licences,
fees …) and override a computed one with a reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from .. import annual_report as report
from ..conf import govopen_settings
from .forms import SameSitePageForm
from .mixins import IndexNumberMixin
from .platform import DisclosurePage

HAND_FIELDS = {
    "t2.rules.issued": "rules_issued",
    "t2.rules.repealed": "rules_repealed",
    "t2.rules.in_force": "rules_in_force",
    "t2.licensing": "licensing_decisions",
    "t2.penalty": "penalty_decisions",
    "t2.enforcement": "enforcement_decisions",
    "t2.fees": "fees_amount",
}

OVERVIEW_PROMPTS = (
    "<h3>（一）主动公开</h3><p>（本年主动公开政府信息的总体情况、重点领域信息公开情况。）</p>"
    "<h3>（二）依申请公开</h3><p>（收到和办理申请的情况、答复质量、办理时限。）</p>"
    "<h3>（三）政府信息管理</h3><p>（公开属性源头认定、保密审查、规范性文件清理等。）</p>"
    "<h3>（四）平台建设</h3><p>（政府信息公开专栏、政务新媒体建设和管理。）</p>"
    "<h3>（五）监督保障</h3><p>（工作机构、培训、考核、社会评议和责任追究。）</p>"
)


def deadline_for(year: int) -> dt.date:
    """条例 art. 49: departments by 31 January, governments by 31 March."""
    if govopen_settings.ANNUAL_REPORT_BODY == "government":
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)


class AnnualReportForm(SameSitePageForm):
    """Refuses to publish a report whose figures fail a cross-check, and asks
    for a change note when a published report's figures are edited."""

    def _pending_overrides(self) -> list[tuple[str, object]]:
        formset = self.formsets.get("overrides")
        pending = []
        for form in formset.forms if formset is not None else []:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE") and data.get("cell"):
                pending.append((data["cell"], data.get("value")))
        return pending

    def is_valid(self):
        # Runs after the inline formsets are cleaned: the checks need the
        # figures entered by hand in them.
        valid = super().is_valid()
        if not valid or "action-publish" not in self.data:
            return valid
        draft = self.instance
        values = draft.values(overrides=self._pending_overrides())
        previous = draft.previous_report()
        problems = report.check(values, previous.values() if previous else None, draft.documents_note)
        if problems:
            self.add_error(None, gettext("The report cannot be published until every cross-check passes:"))
            for problem in problems:
                self.add_error(None, problem.message)
            return False
        if draft.pk:
            live = type(draft).objects.filter(pk=draft.pk, live=True).first()
            if live is not None and live.values() != values and not (draft.change_note or "").strip():
                self.add_error("change_note", gettext(
                    "The figures of a published report changed: say what changed and why (shown with the report)."))
                return False
        return True


class AnnualReportPage(RoutablePageMixin, IndexNumberMixin, DisclosurePage):
    slug_prefix = "nb"

    year = models.PositiveSmallIntegerField(_("year"))
    overview = RichTextField(_("一、总体情况"), default=OVERVIEW_PROMPTS)
    problems = RichTextField(
        _("五、存在的主要问题及改进情况"), blank=True,
        help_text=_("Last year's problems are shown above the editor: say how each was improved."),
    )
    other_matters = RichTextField(
        _("六、其他需要报告的事项"), blank=True,
        help_text=_("Fees charged (条例第四十二条), 人大代表建议和政协提案 handled, the year's key-task results."),
    )
    figures = models.JSONField(_("figures computed from the records"), default=dict, blank=True, editable=False)
    generated_at = models.DateTimeField(_("figures generated at"), null=True, blank=True, editable=False)
    documents_note = models.CharField(_("documents expired or not yet in effect"), max_length=255, blank=True)
    rules_issued = models.PositiveIntegerField(_("regulations issued"), null=True, blank=True)
    rules_repealed = models.PositiveIntegerField(_("regulations repealed"), null=True, blank=True)
    rules_in_force = models.PositiveIntegerField(_("regulations in force"), null=True, blank=True)
    licensing_decisions = models.PositiveIntegerField(_("administrative licensing decisions"), null=True, blank=True)
    penalty_decisions = models.PositiveIntegerField(_("administrative penalty decisions"), null=True, blank=True)
    enforcement_decisions = models.PositiveIntegerField(_("administrative enforcement decisions"), null=True,
                                                        blank=True)
    fees_amount = models.DecimalField(_("administrative fees (10,000 yuan)"), max_digits=12, decimal_places=4,
                                      null=True, blank=True)
    interpretation = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("interpretation of the report (年报解读)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    change_note = models.TextField(
        _("change note"), blank=True,
        help_text=_("Required when a published report's figures change: what changed and why."),
    )

    base_form_class = AnnualReportForm
    content_panels = DisclosurePage.content_panels + [
        FieldPanel("year"),
        HelpPanel(template="govopen_wagtail/admin/annual_report_panel.html", heading=_("Figures")),
        FieldPanel("overview"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("rules_issued"), FieldPanel("rules_repealed"), FieldPanel("rules_in_force")]),
                FieldRowPanel([FieldPanel("licensing_decisions"), FieldPanel("penalty_decisions"),
                               FieldPanel("enforcement_decisions")]),
                FieldPanel("fees_amount"),
                FieldPanel("documents_note"),
            ],
            heading=_("二、主动公开政府信息情况: figures entered by staff"),
            help_text=_("Bureaus enter their decisions and fees; a school leaves them empty."),
        ),
        InlinePanel("overrides", heading=_("Figures entered or corrected by hand"),
                    help_text=_("For a year before the records were kept here, or a correction: each with a reason.")),
        FieldPanel("problems"),
        FieldPanel("other_matters"),
        FieldPanel("interpretation"),
        FieldPanel("change_note"),
    ]
    search_fields = DisclosurePage.search_fields + [index.SearchField("overview"), index.SearchField("problems")]
    parent_page_types = ["govopen_wagtail.DisclosureColumnPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def get_cached_paths(self) -> list[str]:
        # Sub-routes a frontend cache keeps too (services.purge).
        return ["/", "figures/", "files/docx/", "files/pdf/"]

    # Figures ------------------------------------------------------------------

    def values(self, overrides: list[tuple[str, object]] | None = None) -> dict[str, object]:
        """Every cell's figure: computed, entered, or overridden by hand
        (``overrides``: the editor's rows not saved yet)."""
        values: dict[str, object] = dict(self.figures or {})
        for key, name in HAND_FIELDS.items():
            value = getattr(self, name)
            if value is not None:
                if isinstance(value, Decimal):
                    value = int(value) if value == value.to_integral_value() else value.normalize()
                values[key] = value
        if overrides is None:
            overrides = [(o.cell, o.value) for o in self.overrides.all()]
        for cell, value in overrides:
            if value is None:
                values[cell] = ""
            elif isinstance(value, Decimal):
                values[cell] = int(value) if value == value.to_integral_value() else value.normalize()
            else:
                values[cell] = value
        return values

    def overridden(self) -> dict[str, str]:
        return {o.cell: o.reason for o in self.overrides.all()}

    def override_reasons(self) -> list[str]:
        """Each reason once, in order: many cells often share one."""
        return list(dict.fromkeys(o.reason for o in self.overrides.all()))

    def concern_summary(self) -> dict[str, int] | None:
        """Responses to public concern in the report's year, for section 六."""
        from django.db.models import Count, Q

        from .messages import PublicConcern

        site = self.get_site() if self.pk else None
        if site is None or not self.year:
            return None
        concerns = PublicConcern.objects.filter(site=site).seen_in(self.year)
        counts = concerns.aggregate(total=Count("pk"), major=Count("pk", filter=Q(major=True)),
                                    responded=Count("pk", filter=Q(responded_at__isnull=False)))
        counts["on_time"] = concerns.on_time().count()
        return counts if counts["total"] else None

    def plan_summary(self) -> dict | None:
        """The year's work plan carried out, for sections 一 and 五: tasks
        completed, carried over and not done (with the tasks not done)."""
        from .plans import WorkPlanPage

        site = self.get_site() if self.pk else None
        if site is None or not self.year:
            return None
        plan = WorkPlanPage.objects.filter(year=self.year, path__startswith=site.root_page.path).first()
        if plan is None or not plan.tasks.exists():
            return None
        from ..services.plans import year_summary

        summary = year_summary(plan)
        return {"plan": plan, "completed": len(summary.completed), "carried_over": len(summary.carried_over),
                "not_done": len(summary.not_done), "not_done_tasks": [r.task for r in summary.not_done][:10]}

    def previous_report(self) -> "AnnualReportPage | None":
        site = self.get_site() if self.pk else None
        if site is None:
            return None
        return (
            AnnualReportPage.objects.live().filter(year=self.year - 1, path__startswith=site.root_page.path)
            .exclude(pk=self.pk).first()
        )

    def cross_check_problems(self) -> list[report.Problem]:
        previous = self.previous_report()
        return report.check(self.values(), previous.values() if previous else None, self.documents_note)

    def table3(self) -> list[dict]:
        values = self.values()
        rows = []
        from ..application_rules import OUTCOME_GROUPS, OUTCOMES

        groups_done = set()
        for key, number, label in report.T3_ROWS:
            outcome = next((o for o in OUTCOMES if o.code == key), None)
            if key == "disclose":
                rows.append({"header": True, "number": "三", "label": gettext("本年度办理结果")})
            if outcome is not None and outcome.number and outcome.group not in groups_done:
                group = next(g for g in OUTCOME_GROUPS if g.code == outcome.group)
                rows.append({"header": True, "number": group.numeral, "label": group.label})
                groups_done.add(outcome.group)
            shown = (str(outcome.number) if outcome and outcome.number else
                     next((g.numeral for g in OUTCOME_GROUPS if outcome and g.code == outcome.group), number))
            rows.append({
                "key": key, "number": shown, "label": label,
                "cells": [(report.t3(key, c), values.get(report.t3(key, c), "")) for c, _l in report.T3_COLUMNS],
            })
        return rows

    def table4(self) -> list[dict]:
        values = self.values()
        return [
            {"key": key, "label": label,
             "cells": [(report.t4(key, c), values.get(report.t4(key, c), "")) for c, _l in report.T4_COLUMNS]}
            for key, label in report.T4_ROWS
        ]

    def table2(self) -> list[tuple[str, str, object]]:
        values = self.values()
        return [(key, label, values.get(key, "")) for key, label in report.T2_CELLS]

    def comparison(self) -> list[dict]:
        """This year against last year's published report, for the main totals."""
        previous = self.previous_report()
        if previous is None:
            return []
        now, before = self.values(), previous.values()
        rows = []
        for key in ("t3.new.total", "t3.total.total", "t3.disclose.total", "t3.partial.total", "t3.carried_out.total",
                    "t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force", "t4.review.total"):
            a, b = before.get(key), now.get(key)
            if a in (None, "") and b in (None, ""):
                continue
            try:
                change = Decimal(str(b or 0)) - Decimal(str(a or 0))
            except ArithmeticError:
                change = None
            rows.append({"label": report.cell_label(key), "before": a, "now": b, "change": change})
        return rows

    def clean(self) -> None:
        super().clean()
        site_root = self.get_parent().get_site().root_page.path if self.get_parent() else None
        if site_root:
            clash = AnnualReportPage.objects.filter(year=self.year, path__startswith=site_root).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"year": gettext("This site already has a report for %(year)d.")
                                       % {"year": self.year}})
        if self.year and not 2008 <= self.year <= timezone.now().year:
            raise ValidationError({"year": gettext("Give a year from 2008 to this year.")})

    # Public views -----------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        previous = self.previous_report()
        context.update(
            table2=self.table2(), table3=self.table3(), table4=self.table4(),
            t3_columns=report.T3_COLUMNS, t4_columns=report.T4_COLUMNS,
            comparison=self.comparison(), previous=previous,
            overridden=self.overridden(),
            files=self.files.filter(revision_id=self.live_revision_id) if self.live_revision_id else [],
        )
        return context

    @path("figures/", name="figures")
    def figures_json(self, request):
        from django.http import JsonResponse

        return JsonResponse({
            "year": self.year, "title": self.title, "index_number": self.index_number,
            "figures": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.values().items()},
            "overridden": self.overridden(),
            "format": "国办公开办函〔2021〕30号",
        }, json_dumps_params={"ensure_ascii": False})

    @path("files/<str:kind>/", name="file")
    def file(self, request, kind):
        from django.http import Http404, HttpResponse

        if kind not in ("docx", "pdf") or not self.live:
            raise Http404
        stored = self.files.filter(revision_id=self.live_revision_id, kind=kind).first()
        if stored is None:
            # Not made at publish (files off, or the worker failed): make them now.
            from ..services.annual_report import publish_files

            publish_files(self)
            stored = self.files.filter(revision_id=self.live_revision_id, kind=kind).first()
        content_type = "application/pdf" if kind == "pdf" else \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        response = HttpResponse(bytes(stored.content), content_type=content_type)
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(self.title + '.' + kind)}"
        return response


class CellSelect(forms.Select):
    """The report's cells by name, in the editor's language at render time."""

    @property
    def choices(self):
        return [("", "—")] + [(c, report.cell_label(c)) for c in report.all_cells()]

    @choices.setter
    def choices(self, value):
        pass


class AnnualReportOverride(Orderable):
    """A figure entered by hand: a year before the records, or a correction."""

    page = ParentalKey(AnnualReportPage, on_delete=models.CASCADE, related_name="overrides")
    cell = models.CharField(_("cell"), max_length=40)
    value = models.DecimalField(_("figure"), max_digits=12, decimal_places=4, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255)

    panels = [FieldRowPanel([FieldPanel("cell", widget=CellSelect), FieldPanel("value")]), FieldPanel("reason")]

    class Meta(Orderable.Meta):
        verbose_name = _("figure entered by hand")
        verbose_name_plural = _("figures entered by hand")

    def clean(self) -> None:
        if self.cell not in report.all_cells():
            raise ValidationError({"cell": gettext("Choose a cell of the report.")})
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": gettext("A figure cannot be negative.")})
        if self.value is not None and self.cell not in report.MONEY_CELLS and self.value != int(self.value):
            raise ValidationError({"value": gettext("This figure is a count: give a whole number.")})


class AnnualReportFile(models.Model):
    """Word and PDF of a published revision, made once, with their SHA-256."""

    govopen_scope_page = "page"

    page = models.ForeignKey(AnnualReportPage, on_delete=models.CASCADE, related_name="files")
    revision_id = models.PositiveIntegerField()
    kind = models.CharField(max_length=4)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "revision_id", "kind"],
                                               name="govopen_report_file_once")]
        verbose_name = _("annual report file")
        verbose_name_plural = _("annual report files")
