"""The year's disclosure work plan (政务公开工作要点 / 任务分解表) and its tasks.

The plan is a page (it is published, often as a document with a 文号); its
tasks are records of the page, imported from the plan's own Word or Excel
file with their units and time limits read (see
:mod:`govopen_wagtail.plan_rules` and :mod:`govopen_wagtail.services.plan_io`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.search import index

from .messages import OfficeUnit
from .platform import DisclosurePage


class WorkPlanPage(RoutablePageMixin, DisclosurePage):
    """One year's work plan: its text and its task table."""

    slug_prefix = "gzyd"

    year = models.PositiveIntegerField(_("year"))
    intro = RichTextField(_("introduction"), blank=True)
    document = models.ForeignKey(
        "govopen_wagtail.NormativeDocumentPage", verbose_name=_("published as the document"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("When the plan was issued with a 文号, link the document in the policy library."),
    )

    content_panels = DisclosurePage.content_panels + [
        FieldPanel("year"),
        FieldPanel("intro"),
        FieldPanel("document"),
        HelpPanel(content=_("Import the task table from the plan's Word or Excel file, and follow its "
                            "progress, under Disclosure → Work plans.")),
    ]
    search_fields = DisclosurePage.search_fields + [index.SearchField("intro")]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tasks = list(self.tasks.prefetch_related("assignments__unit"))
        sections: list[dict] = []
        for task in tasks:
            if not sections or sections[-1]["title"] != task.section:
                sections.append({"title": task.section, "groups": []})
            groups = sections[-1]["groups"]
            if not groups or groups[-1]["title"] != task.group:
                groups.append({"title": task.group, "tasks": []})
            groups[-1]["tasks"].append(task)
        from ..services.plans import today

        base = self.get_url(request) or ""
        context.update(sections=sections, task_count=len(tasks), today=today(),
                       progress_url=base + self.reverse_subpage("progress"))
        return context

    def get_cached_paths(self) -> list[str]:
        return ["/", "progress/"]

    @path("progress/", name="progress")
    def progress(self, request):
        from ..views.plans import progress_view

        return progress_view(self, request)

    @path("progress/<int:year>/<int:number>/", name="progress_period")
    def progress_period(self, request, year, number):
        from ..views.plans import progress_view

        return progress_view(self, request, year, number)

    @path("progress/<int:year>/<int:number>/word/", name="progress_word")
    def progress_word(self, request, year, number):
        from ..views.plans import progress_word_view

        return progress_word_view(self, request, year, number)


class PlanTask(models.Model):
    """One task of a plan: what is to be done, by whom, by when."""

    govopen_scope_page = "page"

    page = models.ForeignKey(WorkPlanPage, verbose_name=_("work plan"), on_delete=models.CASCADE,
                             related_name="tasks")
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    section = models.CharField(_("part"), max_length=255, blank=True)
    group = models.CharField(_("task"), max_length=255, blank=True)
    number = models.CharField(_("number"), max_length=10, blank=True)
    requirements = models.TextField(_("requirements"))
    units_text = models.CharField(_("responsible units as written"), max_length=500, blank=True)
    time_limit_text = models.CharField(_("time limit as written"), max_length=100, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    recurrence = models.CharField(_("recurs"), max_length=12, blank=True, choices=[
        ("monthly", pgettext_lazy("recurrence", "Every month")),
        ("quarterly", pgettext_lazy("recurrence", "Every quarter")),
        ("half_yearly", pgettext_lazy("recurrence", "Every half year")),
        ("yearly", pgettext_lazy("recurrence", "Every year")),
    ])
    continuous = models.BooleanField(_("continuous"), default=False)
    source = models.CharField(_("found at"), max_length=100, blank=True)

    class Meta:
        ordering = ["page", "sort_order", "pk"]
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")

    def __str__(self) -> str:
        return f"{self.number} {self.requirements[:40]}".strip()

    def is_overdue(self, today: dt.date, done: bool = False) -> bool:
        return not done and self.due_on is not None and self.due_on < today


class PlanTaskUnit(models.Model):
    """A unit responsible for a task: the one that leads (牵头) or one that assists (配合)."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(OfficeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="tasks")
    lead = models.BooleanField(_("leads"), default=False)

    class Meta:
        ordering = ["task", "-lead", "pk"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="govopen_task_unit_once")]
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")


class PlanTaskSite(models.Model):
    """A task of a bureau's plan assigned down to a subordinate site (a school,
    a county bureau), which reports on it from its own site."""

    govopen_scope_site = "site"

    task = models.ForeignKey(PlanTask, verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="site_assignments")
    site = models.ForeignKey("wagtailcore.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["task", "site"]
        verbose_name = _("task assigned to a subordinate site")
        verbose_name_plural = _("tasks assigned to subordinate sites")
        constraints = [models.UniqueConstraint(fields=["task", "site"], name="govopen_task_site_once")]


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("task progress", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("task progress", "In progress")
    DONE = "done", pgettext_lazy("task progress", "Completed")
    ONGOING = "ongoing", pgettext_lazy("task progress", "Continuing")


class TaskProgressQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(accepted_at__isnull=False)

    def waiting(self):
        return self.filter(accepted_at__isnull=True, returned_reason="")

    def in_period(self, year: int, period: int, months_per_period: int):
        first = dt.date(year, (period - 1) * months_per_period + 1, 1)
        last_month = period * months_per_period
        last = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
        return self.filter(period_start__gte=first, period_start__lt=last)


class TaskProgress(models.Model):
    """A unit's report on a task for one period (month or quarter), and the
    office's acceptance of it."""

    govopen_scope_page = "task__page"

    task = models.ForeignKey(PlanTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="progress")
    unit = models.ForeignKey(OfficeUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    site = models.ForeignKey("wagtailcore.Site", verbose_name=_("subordinate site"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+",
                             help_text=_("A school (or county bureau) reporting on a task the bureau assigned to it."))
    period_start = models.DateField(_("period"), help_text=_("The first day of the month or quarter reported on."))
    status = models.CharField(_("status"), max_length=12, choices=ProgressStatus.choices)
    text = models.TextField(_("what was done"))
    evidence = models.TextField(_("evidence"), blank=True,
                                help_text=_("Addresses of published pages, catalog items or documents, one per line."))
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    returned_reason = models.CharField(_("returned because"), max_length=255, blank=True)

    objects = TaskProgressQuerySet.as_manager()

    class Meta:
        ordering = ["task", "-period_start", "-reported_at", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        indexes = [models.Index(fields=["task", "period_start"], name="govopen_progress_period")]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit__isnull=False) | models.Q(site__isnull=False),
                                   name="govopen_progress_has_reporter"),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.period_start:%Y-%m}"

    @property
    def reporter_name(self) -> str:
        """The unit, or the subordinate site (its body's name) that reported."""
        if self.unit_id:
            return self.unit.name
        from .platform import OrganisationProfile

        profile = OrganisationProfile.objects.filter(site_id=self.site_id).only("name").first()
        return (profile.name if profile and profile.name else "") or str(self.site)

    def evidence_links(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]
