"""Admin for responses to public concern (回应关切), confined to the user's sites."""

from __future__ import annotations

from django.contrib.admin import SimpleListFilter
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _

from ..models import PublicConcern
from .scoping import ScopedCreateView, SiteScopedModelAdmin, scoped_site_filter


class ConcernStateFilter(SimpleListFilter):
    title = _("response")
    parameter_name = "response"

    def lookups(self, request, model_admin):
        return [("overdue", gettext("Overdue")), ("open", gettext("Not yet responded")),
                ("on_time", gettext("Responded on time")), ("late", gettext("Responded late"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "overdue":
            return queryset.overdue()
        if value == "open":
            return queryset.open()
        if value == "on_time":
            return queryset.on_time()
        if value == "late":
            return queryset.closed().exclude(pk__in=queryset.on_time().values("pk"))
        return queryset


class ConcernCreateView(ScopedCreateView):
    def get_instance(self):
        instance = super().get_instance()
        instance.recorded_by = self.request.user
        return instance


class PublicConcernAdmin(SiteScopedModelAdmin):
    model = PublicConcern
    menu_label = _("Public concerns")
    menu_icon = "pick"
    list_display = ("title", "site", "source", "first_seen_at", "major", "state_column")
    list_filter = (ConcernStateFilter, "major", scoped_site_filter(_("site")))
    search_fields = ("title", "source", "response_summary")
    list_export = ("title", "site", "source", "first_seen_at", "major", "due_at", "responded_at",
                   "state_column", "response_url")
    export_filename = "public-concerns"
    create_view_class = ConcernCreateView
    form_fields_exclude = ("recorded_by",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("site")

    def state_column(self, obj):
        due = timezone.localtime(obj.due_at).strftime("%Y-%m-%d %H:%M")
        if obj.responded_at is None:
            if obj.overdue:
                return format_html('<strong class="govopen-overdue">{}</strong>',
                                   gettext("overdue since %(due)s") % {"due": due})
            return gettext("due by %(due)s") % {"due": due}
        return gettext("responded on time") if obj.on_time else gettext("responded late (due %(due)s)") % {"due": due}

    state_column.short_description = _("response")
