"""The oversight table in the admin: subordinate sites ranked, read-only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..services import oversight
from ..services.plans import today


class OversightView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Oversight of subordinate sites")
    header_icon = "table"
    template_name = "govopen_wagtail/admin/oversight.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("govopen_wagtail.oversee_sites"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        sites = list(oversight.subordinate_sites(request.user))
        day = today()
        scores = oversight.score_sites(sites, day)
        oversight.keep_month(scores, day)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(oversight.to_xlsx(scores, day),
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = f"attachment; filename=oversight-{day.isoformat()}.xlsx"
            response["Cache-Control"] = "no-store, private"
            return response
        past = oversight.history(sites)
        months = sorted({m for by_month in past.values() for m in by_month}, reverse=True)[:12]
        rows = [{"score": s, "history": [past.get(s.site.pk, {}).get(m) for m in months]} for s in scores]
        return self.render_to_response(self.get_context_data(rows=rows, months=months, day=day))
