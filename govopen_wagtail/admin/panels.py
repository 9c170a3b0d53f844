"""Dashboard panel: what an editor should act on now."""

from __future__ import annotations

from wagtail.admin.ui.components import Component

from ..checks import holiday_coverage_gaps
from ..services.health import KINDS


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
        from .catalog import health_counts

        counts = health_counts()
        return {
            "holiday_gaps": holiday_coverage_gaps(),
            "guides": guides,
            "health": [(kind, str(KINDS[kind]), n) for kind, n in counts.items() if n and kind != "contact"],
            **self.consultation_context(),
        }

    def consultation_context(self) -> dict:
        from ..models import ConsultationComment, ConsultationPage

        pending = ConsultationComment.objects.pending()
        return {
            "pending_comments": pending.count(),
            "held_comments": pending.exclude(held_words="").count(),
            "feedback_overdue": ConsultationPage.objects.feedback_overdue(),
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not any(context[k] for k in ("holiday_gaps", "guides", "pending_comments", "feedback_overdue", "health")):
            return ""
        return super().render_html(parent_context)
