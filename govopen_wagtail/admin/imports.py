"""One shape for the admin's all-or-nothing spreadsheet imports (catalog
entries, the list of documents available on application): a form with the
target page and the file, the import's row problems listed, or a message
and back to the list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.generic import FormView
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
        return redirect(self.success_url_name)
