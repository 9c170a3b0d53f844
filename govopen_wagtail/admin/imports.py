"""One shape for the admin's all-or-nothing spreadsheet imports (catalog
entries, the list of documents available on application): a form with the
target page and the file, the import's row problems listed, or a message
and back to the list."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.generic import FormView
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..services.catalog_io import ImportFailed


class SpreadsheetImportView(WagtailAdminTemplateMixin, FormView):
    header_icon = "upload"
    template_name = "govopen_wagtail/admin/import.html"
    #: the model permission needed, the form field naming the target page,
    #: and where to go afterwards
    permission = ""
    target_field = "page"
    success_url_name = ""
    intro = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(intro=self.intro, **kwargs)

    def run_import(self, target, name: str, data: bytes):
        raise NotImplementedError

    def success_message(self, report) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            report = self.run_import(form.cleaned_data[self.target_field], upload.name, upload.read())
        except ImportFailed as exc:
            form.add_error("file", exc.message)
            return self.form_invalid(form)
        if not report.ok:
            # One row may have several problems: count rows, list problems.
            return self.render_to_response(self.get_context_data(
                form=form, row_errors=report.errors, row_error_count=len({row for row, _m in report.errors})))
        messages.success(self.request, self.success_message(report))
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.success_url_name


class WorkPlanImportForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        from ..models import WorkPlanPage
        from .. import permissions

        super().__init__(*args, **kwargs)
        self.fields["page"] = forms.ModelChoiceField(
            label=_("work plan"), queryset=permissions.pages_for_user(WorkPlanPage.objects.order_by("path"), user))
        self.fields["file"] = forms.FileField(
            label=_("Word, Excel or CSV file"),
            help_text=_("The plan's task table (columns such as 工作任务, 具体要求, 责任单位, 时限要求; merged cells "
                        "and repeated header rows are fine), or a plan in prose with “（责任科室：…）” after each "
                        "task."))
        self.fields["unit_map"] = forms.CharField(
            label=_("Units the plan calls otherwise"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("One per line, the name as the plan writes it = the site's unit, e.g. 计财科=计划财务科."))
        self.fields["create_units"] = forms.BooleanField(
            label=_("Create the units that do not exist yet"), required=False,
            help_text=_("Otherwise each unknown unit is listed, and nothing is imported."))


class WorkPlanImportView(SpreadsheetImportView):
    page_title = _("Import a work plan")
    form_class = WorkPlanImportForm
    permission = "govopen_wagtail.add_plantask"
    success_url_name = "wagtailadmin_home"
    intro = _("Every task is checked first: its time limit is read (年底前, 10月底前, 11月15日前, 每季度, 持续推进 …) "
              "and its responsible units are matched to the site's office units. If any task has a problem, "
              "nothing is imported and each problem is listed with its place in the file. Importing again "
              "replaces the plan's tasks.")

    def form_valid(self, form):
        from ..services.plan_io import parse_unit_map

        self._unit_map, bad = parse_unit_map(form.cleaned_data.get("unit_map", ""))
        if bad:
            form.add_error("unit_map", gettext("Write each line as 名称=单位, e.g. 计财科=计划财务科: “%(line)s”.")
                           % {"line": bad[0]})
            return self.form_invalid(form)
        self._create_units = form.cleaned_data.get("create_units", False)
        self._page = form.cleaned_data["page"]
        return super().form_valid(form)

    def run_import(self, target, name, data):
        from ..services.plan_io import import_plan

        return import_plan(target, name, data, create_units=self._create_units, unit_map=self._unit_map)

    def success_message(self, report) -> str:
        text = gettext("Imported %(n)d tasks.") % {"n": report.created}
        if report.units_created:
            text += " " + gettext("New units: %(units)s.") % {"units": "、".join(report.units_created)}
        return text

    def get_success_url(self):
        from django.urls import reverse

        return reverse("govopen_plan_progress", args=[self._page.pk])
