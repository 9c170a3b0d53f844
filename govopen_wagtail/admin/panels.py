"""Dashboard panel: what an editor should act on now."""

from __future__ import annotations

from wagtail.admin.ui.components import Component

from .. import permissions
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

        user = self.request.user
        guides = []
        for guide in permissions.pages_for_user(DisclosureGuidePage.objects.live(), user).order_by("path"):
            office = guide.get_office()
            missing = office.missing()
            overdue = guide.review_overdue()
            if missing or overdue:
                guides.append({"page": guide, "missing": missing, "overdue": overdue})
        from .catalog import health_counts

        counts = health_counts(user)
        return {
            "holiday_gaps": holiday_coverage_gaps(),
            "guides": guides,
            "health": [(kind, str(KINDS[kind]), n) for kind, n in counts.items() if n and kind != "contact"],
            **self.consultation_context(),
            **self.application_context(),
            **self.report_context(),
            **self.privacy_context(),
            **self.message_context(),
        }

    def message_context(self) -> dict:
        from ..models import PublicMessage
        from ..services.messages import by_unit, local_now

        user = self.request.user
        if not user.has_perm("govopen_wagtail.view_publicmessage"):
            return {"messages_overdue": 0, "messages_due_today": 0, "messages_held": 0, "messages_by_unit": []}
        today = local_now().date()
        mine = permissions.filter_for_user(PublicMessage.objects.all(), user)
        return {
            "messages_overdue": mine.overdue(today).count(),
            "messages_due_today": mine.due_on_day(today).count(),
            "messages_held": mine.filter(state=PublicMessage.State.HELD).count(),
            "messages_by_unit": [r for r in by_unit(mine.open(), today) if r["open"]],
        }

    def privacy_context(self) -> dict:
        from ..models import PrivacyFinding

        user = self.request.user
        from ..models import PublicConcern

        context = {"privacy_blocking": 0, "concerns_overdue": 0}
        if user.has_perm("govopen_wagtail.view_privacyfinding"):
            context["privacy_blocking"] = permissions.filter_for_user(PrivacyFinding.objects.blocking(), user).count()
        if user.has_perm("govopen_wagtail.view_publicconcern"):
            context["concerns_overdue"] = permissions.filter_for_user(PublicConcern.objects.overdue(), user).count()
        return context

    def report_context(self, today=None) -> dict:
        """From 1 December: the coming report's state and its statutory date."""
        import datetime as dt

        from django.utils import timezone

        from ..models import AnnualReportPage, DisclosureIndexPage
        from ..models.reports import deadline_for

        today = today or timezone.localdate()
        year = today.year if today.month == 12 else today.year - 1
        deadline = deadline_for(year)
        if not (dt.date(year, 12, 1) <= today <= deadline + dt.timedelta(days=60)):
            return {"annual_reports": []}
        user = self.request.user
        reports = []
        for platform in permissions.pages_for_user(DisclosureIndexPage.objects.all(), user).order_by("path"):
            site = platform.get_site()
            if site is None or any(r["site"] == site for r in reports):
                continue
            page = AnnualReportPage.objects.filter(year=year, path__startswith=site.root_page.path).first()
            reports.append({"site": site, "year": year, "deadline": deadline, "page": page,
                            "late": today > deadline and not (page and page.live)})
        return {"annual_reports": [r for r in reports if not (r["page"] and r["page"].live)]}

    def application_context(self) -> dict:
        from ..models import InformationApplication
        from ..services.applications import correction_lapsed, due_soon

        user = self.request.user
        if not user.has_perm("govopen_wagtail.view_informationapplication"):
            return {"applications_overdue": 0, "applications_due_soon": 0, "corrections_lapsed": 0}
        mine = permissions.filter_for_user(InformationApplication.objects.all(), user)
        overdue, soon = due_soon(mine)
        return {
            "applications_overdue": len(overdue),
            "applications_due_soon": len(soon),
            "corrections_lapsed": correction_lapsed(mine).count(),
        }

    def consultation_context(self) -> dict:
        from ..models import ConsultationComment, ConsultationPage

        from ..models import Notification
        from ..ratelimit import forwarded_header_seen

        user = self.request.user
        pending = permissions.filter_for_user(ConsultationComment.objects.pending(), user)
        return {
            "failed_notifications": permissions.filter_for_user(Notification.objects.failed(), user).count(),
            "proxy_unconfigured": user.is_superuser and forwarded_header_seen(),
            "pending_comments": pending.count(),
            "held_comments": pending.exclude(held_words="").count(),
            "feedback_overdue": permissions.pages_for_user(ConsultationPage.objects.all(), user).feedback_overdue(),
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not any(context[k] for k in ("holiday_gaps", "guides", "pending_comments", "feedback_overdue", "health",
                                             "failed_notifications", "proxy_unconfigured", "applications_overdue",
                                             "applications_due_soon", "corrections_lapsed", "annual_reports",
                                             "privacy_blocking", "concerns_overdue", "messages_overdue",
                                             "messages_due_today", "messages_held")):
            return ""
        return super().render_html(parent_context)
