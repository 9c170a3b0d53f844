"""Dashboard panel: what an editor should act on now."""

from __future__ import annotations

from wagtail.admin.ui.components import Component

from ..checks import holiday_coverage_gaps


class DisclosureAttentionPanel(Component):
    name = "govopen_attention"
    order = 90
    template_name = "govopen_wagtail/admin/attention_panel.html"

    def __init__(self, request) -> None:
        self.request = request

    def get_context_data(self, parent_context=None):
        from ..models import DisclosureGuidePage

        guides = []
        for guide in DisclosureGuidePage.objects.live().order_by("path"):
            office = guide.get_office()
            missing = office.missing()
            overdue = guide.review_overdue()
            if missing or overdue:
                guides.append({"page": guide, "missing": missing, "overdue": overdue})
        return {"holiday_gaps": holiday_coverage_gaps(), "guides": guides}

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not (context["holiday_gaps"] or context["guides"]):
            return ""
        return super().render_html(parent_context)
