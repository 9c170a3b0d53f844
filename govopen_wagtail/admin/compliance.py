"""Staff view: normative documents that break a rule, each linked to its editor."""

from django.utils.translation import gettext, gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import permissions
from ..services.compliance import document_findings


class DocumentComplianceView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Normative documents: compliance")
    header_icon = "warning"
    template_name = "govopen_wagtail/admin/compliance.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        findings = document_findings(scope=permissions.scope_for(self.request.user))
        context["sections"] = [
            ("files", gettext("Word/PDF versions that could not be made"), findings["files"]),
            ("late", gettext("Published more than 20 working days after the written date"), findings["late"]),
            ("uninterpreted", gettext("No interpretation after the deadline"), findings["uninterpreted"]),
            ("expiring", gettext("Validity period ending soon"), findings["expiring"]),
            ("unconsulted", gettext("No public consultation record"), findings["unconsulted"]),
        ]
        return context
