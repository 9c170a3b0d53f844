"""The office's side of work plans: the plans of the user's sites, and each
plan's progress, where units report on their own tasks and the office
accepts or returns the reports. Every view goes through
:mod:`govopen_wagtail.permissions`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext, gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import permissions
from ..models import PlanTask, PlanTaskSite, ProgressStatus, TaskProgress, WorkPlanPage
from ..params import parse_id
from ..services import plans as service


class ReportForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    status = forms.ChoiceField(label=_("Status"), choices=ProgressStatus.choices)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Say what was done.")})
    evidence = forms.CharField(label=_("Evidence (addresses, one per line)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255, error_messages={"required": _("Give the reason.")})


def _require_view(user) -> None:
    if not user.has_perm("govopen_wagtail.view_plantask"):
        raise PermissionDenied


class PlanListView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Work plans")
    header_icon = "list-ol"
    template_name = "govopen_wagtail/admin/plans.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        _require_view(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        plans = permissions.pages_for_user(WorkPlanPage.objects.all(), self.request.user).annotate(
            task_count=Count("tasks", distinct=True),
            waiting=Count("tasks__progress", filter=Q(tasks__progress__accepted_at__isnull=True,
                                                      tasks__progress__returned_reason=""), distinct=True),
        ).order_by("-year", "path")
        return super().get_context_data(plans=plans, can_import=self.request.user.has_perm(
            "govopen_wagtail.add_plantask"), **kwargs)


class PlanProgressView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "list-ol"
    template_name = "govopen_wagtail/admin/plan_progress.html"

    def dispatch(self, request, pk: int, *args, **kwargs):
        _require_view(request.user)
        self.plan = get_object_or_404(permissions.pages_for_user(WorkPlanPage.objects.all(), request.user), pk=pk)
        self.my_units = service.units_of(request.user, self.plan.get_site())
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("Progress: %(plan)s") % {"plan": self.plan.title}

    def get_breadcrumbs_items(self):
        from django.urls import reverse

        return self.breadcrumbs_items + [{"url": reverse("govopen_plans"), "label": gettext("Work plans")},
                                         {"url": "", "label": self.plan.title}]

    def get_context_data(self, bound=None, **kwargs):
        upto = service.period_of(service.today())
        if upto.year != self.plan.year:  # a plan of another year: its first or last period
            upto = service.Period(self.plan.year, 1 if upto.year < self.plan.year else 12 // upto.months,
                                  upto.months)
        rows = service.progress_rows(self.plan, upto, accepted_only=False)
        mine = {u.pk for u in self.my_units}
        items = []
        for row in rows:
            units = [a.unit for a in row.task.assignments.all() if a.unit_id in mine]
            form = None
            if units:
                form = bound if bound is not None and bound.task_id == row.task.pk else ReportForm(
                    units=units, prefix=f"t{row.task.pk}")
            items.append({"row": row, "form": form})
        office = service.is_office(self.request.user, self.plan)
        waiting = (TaskProgress.objects.filter(task__page=self.plan).waiting().select_related("task", "unit")
                   if office else TaskProgress.objects.none())
        subordinates = list(service.subordinates_of(self.plan)) if office else []
        if subordinates:
            assigned: dict[int, set[int]] = {}
            for task_id, site_id in PlanTaskSite.objects.filter(task__page=self.plan).values_list("task", "site"):
                assigned.setdefault(task_id, set()).add(site_id)
            for item in items:
                chosen = assigned.get(item["row"].task.pk, set())
                item["sites"] = [(site, site.pk in chosen) for site in subordinates]
        return super().get_context_data(plan=self.plan, period=upto, items=items, office=office, waiting=waiting,
                                        my_units=self.my_units, subordinates=subordinates, **kwargs)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        try:
            if action == "report":
                task = get_object_or_404(PlanTask, page=self.plan, pk=parse_id(request.POST.get("task")))
                units = [a.unit for a in task.assignments.select_related("unit")
                         if a.unit_id in {u.pk for u in self.my_units}]
                form = ReportForm(request.POST, units=units, prefix=f"t{task.pk}")
                form.task_id = task.pk
                if not units:
                    raise PermissionDenied
                if not form.is_valid():
                    response = self.render_to_response(self.get_context_data(bound=form))
                    response.status_code = 400
                    return response
                unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
                try:
                    service.report(task, unit, request.user, status=form.cleaned_data["status"],
                                   text=form.cleaned_data["text"], evidence=form.cleaned_data["evidence"])
                except service.PlanError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                    response = self.render_to_response(self.get_context_data(bound=form))
                    response.status_code = 400
                    return response
                messages.success(request, gettext("Progress reported; the office will review it."))
            elif action == "assign":
                task = get_object_or_404(PlanTask, page=self.plan, pk=parse_id(request.POST.get("task")))
                ids = {parse_id(v) for v in request.POST.getlist("sites")}
                sites = [s for s in service.subordinates_of(self.plan) if s.pk in ids]
                if len(sites) != len(ids - {None}):
                    raise service.PlanError(gettext("A task is assigned only to sites this site supervises."))
                n = service.assign_down(task, sites, request.user)
                messages.success(request, gettext("Task assigned to %(n)d subordinate sites.") % {"n": n})
            elif action in ("accept", "return"):
                progress = get_object_or_404(TaskProgress, task__page=self.plan,
                                             pk=parse_id(request.POST.get("progress")))
                if action == "accept":
                    service.accept(progress, request.user)
                    messages.success(request, gettext("Report accepted: it is published with the progress."))
                else:
                    form = ReturnForm(request.POST)
                    service.return_report(progress, request.user, form.data.get("reason", ""))
                    messages.success(request, gettext("Report returned to the unit."))
            else:
                raise PermissionDenied
        except service.PlanError as exc:
            messages.error(request, exc.message)
            response = self.render_to_response(self.get_context_data())
            response.status_code = 400
            return response
        return redirect(request.path)


class AssignedTasksView(WagtailAdminTemplateMixin, TemplateView):
    """A subordinate site's staff: the tasks the supervising bureau assigned to
    their site, with their reports and a form to report progress."""

    page_title = _("Tasks assigned by the bureau")
    header_icon = "list-ol"
    template_name = "govopen_wagtail/admin/assigned_tasks.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("govopen_wagtail.add_taskprogress"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, bound=None, **kwargs):
        items = []
        for assignment in service.assigned_to(self.request.user):
            reports = TaskProgress.objects.filter(task=assignment.task, site=assignment.site).order_by("-reported_at")
            form = bound if bound is not None and bound.assignment_id == assignment.pk else SiteReportForm(
                prefix=f"a{assignment.pk}")
            items.append({"assignment": assignment, "reports": list(reports[:5]), "form": form})
        return super().get_context_data(items=items, **kwargs)

    def post(self, request, *args, **kwargs):
        assignment = get_object_or_404(service.assigned_to(request.user), pk=parse_id(request.POST.get("assignment")))
        form = SiteReportForm(request.POST, prefix=f"a{assignment.pk}")
        form.assignment_id = assignment.pk
        if form.is_valid():
            try:
                service.report_for_site(assignment.task, assignment.site, request.user,
                                        status=form.cleaned_data["status"], text=form.cleaned_data["text"],
                                        evidence=form.cleaned_data["evidence"])
            except service.PlanError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, gettext("Progress reported; the bureau's office will review it."))
                return redirect(request.path)
        response = self.render_to_response(self.get_context_data(bound=form))
        response.status_code = 400
        return response


class SiteReportForm(ReportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["unit"]
