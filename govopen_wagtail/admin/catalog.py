"""Catalog entries, their import, and the health-check report."""

from __future__ import annotations

from django import forms
from django.core.cache import cache
from django.utils.translation import gettext, gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import permissions
from .scoping import SiteScopedModelAdmin, scoped_page_filter

from ..conf import govopen_settings
from ..models import CatalogCategory, CatalogPage
from ..services.catalog_io import import_catalog
from .imports import SpreadsheetImportView
from ..services.health import run_health_check

HEALTH_CACHE_KEY = "govopen:health:counts"


class CatalogCategoryAdmin(SiteScopedModelAdmin):
    model = CatalogCategory
    menu_label = _("Catalog entries")
    menu_icon = "list-ul"
    list_display = ("code", "name", "catalog", "time_limit", "responsible_unit", "mode")
    list_filter = (scoped_page_filter("catalog", _("catalog"), CatalogPage), "mode", "audience")
    search_fields = ("code", "name", "responsible_unit")
    index_template_name = "govopen_wagtail/admin/catalog_index.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("catalog")


class CatalogImportForm(forms.Form):
    catalog = forms.ModelChoiceField(label=_("Catalog"), queryset=CatalogPage.objects.none())
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("Columns as in the sample: 事项编码, 上级编码, 事项名称, 公开内容（要素）, 公开依据, "
                                       "公开时限, 公开主体, 公开渠道和载体, 公开对象, 公开方式."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalog"].queryset = permissions.pages_for_user(CatalogPage.objects.order_by("path"), user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > govopen_settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(limit)d MB.") % {"limit": govopen_settings.MAX_UPLOAD_MB})
        return upload


class CatalogImportView(SpreadsheetImportView):
    page_title = _("Import a catalog")
    template_name = "govopen_wagtail/admin/catalog_import.html"
    form_class = CatalogImportForm
    permission = "govopen_wagtail.add_catalogcategory"
    target_field = "catalog"
    success_url_name = "govopen_wagtail_catalogcategory_modeladmin_index"

    def run_import(self, target, name, data):
        return import_catalog(target, name, data)

    def success_message(self, report) -> str:
        return gettext("Imported: %(created)d new entries, %(updated)d updated.") % {
            "created": report.created, "updated": report.updated}


class HealthReportView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Disclosure health check")
    header_icon = "warning"
    template_name = "govopen_wagtail/admin/health.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # External links are fetched by the management command; the admin
        # shows what it found (cached) so the page answers at once.
        scope = permissions.scope_for(self.request.user)
        report = run_health_check(external="cached", scope=scope)
        cache.set(_health_key(scope), report.counts(), 600)
        context["report"] = report
        return context


def _health_key(scope) -> str:
    # Counts are per scope: one site's staff never get another's figures.
    import hashlib

    digest = "all" if scope.everything else hashlib.sha256("|".join(scope.paths).encode()).hexdigest()[:16]
    return f"{HEALTH_CACHE_KEY}:{digest}"


def health_counts(user) -> dict[str, int]:
    scope = permissions.scope_for(user)
    if scope.empty:
        return {}
    counts = cache.get(_health_key(scope))
    if counts is None:
        counts = run_health_check(external="cached", scope=scope).counts()
        cache.set(_health_key(scope), counts, 600)
    return counts


def sample_catalog_view(request):
    from django.http import FileResponse

    from ..management.commands.govopen_import_catalog import SAMPLE

    return FileResponse(SAMPLE.open("rb"), as_attachment=True, filename=SAMPLE.name, content_type="text/csv")
