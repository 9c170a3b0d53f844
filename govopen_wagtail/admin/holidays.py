"""Admin for the holiday data behind the working-day calendar, and the
index-number ledger (read only)."""

from django.utils.translation import gettext_lazy as _

from ..models import HolidayOverride, HolidayYear, IndexNumberRecord
from .scoping import CheckedModelAdmin, SiteScopedModelAdmin, SiteScopedPermissionHelper, scoped_site_filter


class HolidayYearAdmin(CheckedModelAdmin):
    model = HolidayYear
    menu_label = _("Holiday years")
    menu_icon = "date"
    list_display = ("year", "notice_title", "notice_number")
    search_fields = ("notice_title", "notice_number")


class HolidayOverrideAdmin(CheckedModelAdmin):
    model = HolidayOverride
    menu_label = _("Holidays and make-up days")
    menu_icon = "calendar-alt"
    list_display = ("date", "name", "is_working_day", "note")
    list_filter = ("is_working_day",)
    search_fields = ("name", "note")
    ordering = ("-date",)


class ReadOnlyPermissionHelper(SiteScopedPermissionHelper):
    """Index numbers are assigned by publishing, never by hand."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class IndexNumberRecordAdmin(SiteScopedModelAdmin):
    model = IndexNumberRecord
    menu_label = _("Index numbers")
    menu_icon = "list-ol"
    list_display = ("number", "title", "site", "assigned_at")
    list_filter = (scoped_site_filter(_("site")), "year")
    search_fields = ("number", "title")
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True


