"""Registration only: the admin pieces themselves live in ``admin/``."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from . import http_cache
from .admin import GovopenAdminGroup
from .admin.compliance import DocumentComplianceView
from .admin.imports import WorkPlanImportView
from .admin.messages import message_statistics_view
from .admin.oversight import OversightView
from .admin.plans import AssignedTasksView, PlanListView, PlanProgressView
from .admin.applications import (
    RequestableImportView,
    publish_requestable_view,
    staff_file_view,
    staff_letter_view,
)
from .admin.reports import GenerateReportView, ReportSourcesView
from .admin.catalog import CatalogImportView, HealthReportView, sample_catalog_view
from .admin.consultations import moderate_view
from .admin.notifications import retry_failed_view
from .admin.panels import DisclosureAttentionPanel
from .admin.privacy import PrivacyReportView, review_record_view, run_audit_view

modeladmin_register(GovopenAdminGroup)


@hooks.register("construct_homepage_panels")
def add_attention_panel(request, panels):
    panels.append(DisclosureAttentionPanel(request))


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "govopen/compliance/documents/",
            DocumentComplianceView.as_view(),
            name="govopen_document_compliance",
        ),
        path("govopen/comments/moderate/", moderate_view, name="govopen_comment_moderate"),
        path("govopen/catalog/import/", CatalogImportView.as_view(), name="govopen_catalog_import"),
        path("govopen/catalog/sample.csv", sample_catalog_view, name="govopen_catalog_sample"),
        path("govopen/health/", HealthReportView.as_view(), name="govopen_health"),
        path("govopen/notifications/retry/", retry_failed_view, name="govopen_notifications_retry"),
        path("govopen/applications/letters/<int:pk>/<str:kind>/", staff_letter_view,
             name="govopen_application_letter"),
        path("govopen/applications/files/<int:pk>/", staff_file_view, name="govopen_application_file"),
        path("govopen/applications/list/publish/", publish_requestable_view, name="govopen_requestable_publish"),
        path("govopen/annual-report/<int:pk>/generate/", GenerateReportView.as_view(),
             name="govopen_annual_report_generate"),
        path("govopen/annual-report/<int:pk>/sources/", ReportSourcesView.as_view(),
             name="govopen_annual_report_sources"),
        path("govopen/applications/list/import/", RequestableImportView.as_view(), name="govopen_requestable_import"),
        path("govopen/messages/statistics.xlsx", message_statistics_view, name="govopen_message_statistics"),
        path("govopen/plans/", PlanListView.as_view(), name="govopen_plans"),
        path("govopen/plans/assigned/", AssignedTasksView.as_view(), name="govopen_plan_assigned"),
        path("govopen/oversight/", OversightView.as_view(), name="govopen_oversight"),
        path("govopen/plans/import/", WorkPlanImportView.as_view(), name="govopen_plan_import"),
        path("govopen/plans/<int:pk>/progress/", PlanProgressView.as_view(), name="govopen_plan_progress"),
        path("govopen/privacy/", PrivacyReportView.as_view(), name="govopen_privacy"),
        path("govopen/privacy/run/", run_audit_view, name="govopen_privacy_run"),
        path("govopen/privacy/reviews/<int:pk>.docx", review_record_view, name="govopen_privacy_review_record"),
    ]


@hooks.register("register_reports_menu_item")
def register_health_report():
    return MenuItem(
        _("Disclosure health check"),
        reverse("govopen_health"),
        name="govopen-health",
        icon_name="warning",
        order=1001,
    )


@hooks.register("register_reports_menu_item")
def register_compliance_report():
    return MenuItem(
        _("Normative documents: compliance"),
        reverse("govopen_document_compliance"),
        name="govopen-document-compliance",
        icon_name="warning",
        order=1000,
    )


class PrivacyMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("govopen_wagtail.view_privacyfinding")


@hooks.register("register_reports_menu_item")
def register_privacy_report():
    return PrivacyMenuItem(
        _("Privacy screening"),
        reverse("govopen_privacy"),
        name="govopen-privacy",
        icon_name="warning",
        order=1002,
    )


hooks.register("before_serve_page", http_cache.mark_page)


@hooks.register("before_serve_document")
def protect_attachments_of_restricted_pages(document, request):
    from django.http import Http404

    from .services.document_access import visitor_may_download

    if not visitor_may_download(document, request):
        raise Http404


@hooks.register("construct_page_chooser_queryset")
def confine_page_chooser(pages, request):
    # Other sites' drafts and protected pages are not offered (nor their titles shown).
    from . import permissions

    return permissions.chooser_pages(pages, request.user)


@hooks.register("before_delete_page")
def keep_pages_with_applications(request, page):
    # Applications are records the office must keep: their page cannot go
    # while it holds any (the database refuses too; this says why).
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext

    from .models import InformationApplication

    held = InformationApplication.objects.filter(page__path__startswith=page.path).count()
    if held:
        messages.error(request, gettext(
            "This page cannot be deleted: %(n)d applications for information were received through it and must "
            "be kept. Unpublish it instead to stop new applications.") % {"n": held})
        return redirect("wagtailadmin_explore", page.get_parent().pk)


@hooks.register("before_edit_page")
def screen_before_publishing(request, page):
    from .admin.publish_check import check

    return check(request, page, f"site-of:{page.path[:8]}")


@hooks.register("before_create_page")
def screen_new_page_before_publishing(request, parent_page, page_class):
    from .admin.publish_check import check

    return check(request, parent_page, f"site-of:{parent_page.path[:8]}")


class OversightMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("govopen_wagtail.oversee_sites")


@hooks.register("register_reports_menu_item")
def register_oversight_report():
    return OversightMenuItem(_("Oversight of subordinate sites"), reverse("govopen_oversight"),
                             name="govopen-oversight", icon_name="table", order=1003)


@hooks.register("register_permissions")
def register_oversight_permission():
    # Shown in the group editor so a bureau's group can be given the oversight table.
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="govopen_wagtail", codename="oversee_sites")
