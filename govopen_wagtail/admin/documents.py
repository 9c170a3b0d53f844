"""Admin for issuers, subject categories and the validity ledger."""

from django.utils.translation import gettext_lazy as _

from .scoping import CheckedModelAdmin, ScopedCreateView, SiteScopedModelAdmin

from ..models import Issuer, SubjectCategory, ValidityEvent
from .holidays import ReadOnlyPermissionHelper


class IssuerAdmin(CheckedModelAdmin):
    model = Issuer
    menu_label = _("Issuing bodies")
    menu_icon = "group"
    list_display = ("name", "code")
    search_fields = ("name", "code")


class SubjectCategoryAdmin(CheckedModelAdmin):
    model = SubjectCategory
    menu_label = _("Subject categories")
    menu_icon = "tag"
    list_display = ("name", "sort_order")


class AppendOnlyPermissionHelper(ReadOnlyPermissionHelper):
    """Events are recorded, never edited or deleted: corrections are new events."""

    def user_can_create(self, user):
        return self.user_has_any_permissions(user) or user.is_superuser


class RecordEventView(ScopedCreateView):
    def form_valid(self, form):
        form.instance.recorded_by = self.request.user
        return super().form_valid(form)


class ValidityEventAdmin(SiteScopedModelAdmin):
    model = ValidityEvent
    menu_label = _("Validity events")
    menu_icon = "history"
    list_display = ("document", "kind", "effective_date", "acting_label", "recorded_by", "recorded_at")
    list_filter = ("kind",)
    search_fields = ("document__title", "document__document_number", "acting_number", "reason")
    form_fields_exclude = ["recorded_by"]
    permission_helper_class = AppendOnlyPermissionHelper
    create_view_class = RecordEventView
    inspect_view_enabled = True
