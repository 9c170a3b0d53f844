"""“Generate from data” for an annual report: shows what would change, then
fills the computed figures into a new draft revision."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext, gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..models import AnnualReportPage
from ..services import annual_report as service


class GenerateReportView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Generate the report's figures from the records")
    header_icon = "table"
    template_name = "govopen_wagtail/admin/annual_report_generate.html"

    def dispatch(self, request, pk):
        page = get_object_or_404(AnnualReportPage, pk=pk)
        # Editing the page is what this does: the page's own permission decides.
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        self.report = page
        return super().dispatch(request, pk)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        latest = self.report.get_latest_revision_as_object()
        computed = service.compute(self.report.get_site(), latest.year)
        preview = latest.values()
        preview.update(computed.figures)
        return super().get_context_data(
            report=self.report, year=latest.year, changes=service.diff(latest.values(), preview),
            documents_note=computed.documents_note, **kwargs)

    def post(self, request, pk):
        changes = service.generate_draft(self.report, user=request.user)
        messages.success(request, gettext(
            "Figures generated from the records into a new draft: %(n)d cells changed. Check the draft, then "
            "publish it.") % {"n": len(changes)})
        return redirect("wagtailadmin_pages:edit", self.report.pk)


class ReportSourcesView(GenerateReportView):
    """The records behind each computed figure, as the records are now."""

    page_title = _("The records behind the figures")
    template_name = "govopen_wagtail/admin/annual_report_sources.html"

    def get_context_data(self, **kwargs):
        from .. import annual_report, permissions
        from ..models import InformationApplication, NormativeDocumentPage

        latest = self.report.get_latest_revision_as_object()
        computed = service.compute(self.report.get_site(), latest.year)
        user = self.request.user
        may_see_cases = user.has_perm("govopen_wagtail.view_informationapplication")
        applications = {a.pk: a for a in permissions.filter_for_user(
            InformationApplication.objects.all(), user).only("pk", "receipt_number")} if may_see_cases else {}
        documents = {d.pk: d for d in NormativeDocumentPage.objects.filter(
            pk__in={pk for key, ids in computed.sources.items() if key.startswith("t2") for pk in ids})}
        rows = []
        for key in annual_report.all_cells():
            ids = computed.sources.get(key)
            if not ids:
                continue
            if key.startswith("t2"):
                records = [(d.document_number or d.title, "page", d.pk) for pk in ids if (d := documents.get(pk))]
            else:
                records = [(a.receipt_number, "application", a.pk) for pk in ids if (a := applications.get(pk))]
            rows.append({"label": annual_report.cell_label(key), "count": len(ids), "records": records,
                         "hidden": len(ids) - len(records)})
        # Skip the generation preview: only the admin template's own context.
        return super(GenerateReportView, self).get_context_data(report=self.report, year=latest.year, rows=rows,
                                                                **kwargs)

    def post(self, request, pk):
        raise PermissionDenied
