"""The admin's side of site isolation: every modeladmin of the plugin lists,
inspects, edits, exports and shows the history of its own site's records only.

The decision itself is :mod:`govopen_wagtail.permissions`; this module only
plugs it into wagtail-modeladmin (querysets, object checks, list filters,
the history view, which modeladmin leaves unchecked).
"""

from __future__ import annotations

from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import CreateView, EditView, HistoryView, IndexView

from .. import permissions
from ..params import parse_int


#: Set on the rows of a listing whose queryset was already narrowed to the
#: user's scope, so the buttons of each row cost no query of their own.
LISTED_FOR = "_govopen_listed_for"


def _in_scope(user, obj) -> bool:
    if user.pk is not None and getattr(obj, LISTED_FOR, None) == user.pk:
        return True
    return permissions.user_can_act_on(user, obj)


class SiteScopedPermissionHelper(PermissionHelper):
    """Object checks add the site scope to the model permission."""

    def user_can_inspect_obj(self, user, obj):
        return super().user_can_inspect_obj(user, obj) and _in_scope(user, obj)

    def user_can_edit_obj(self, user, obj):
        return super().user_can_edit_obj(user, obj) and _in_scope(user, obj)

    def user_can_delete_obj(self, user, obj):
        return super().user_can_delete_obj(user, obj) and _in_scope(user, obj)


class ScopedHistoryView(HistoryView):
    # wagtail-modeladmin's history view checks nothing: anyone with admin
    # access could read any record's history.
    def check_action_permitted(self, user):
        return self.permission_helper.user_can_inspect_obj(user, self.instance)


class GovopenIndexView(IndexView):
    def get_filters(self, request):
        # Filter headings in the editor's language: modeladmin's own template
        # says "By <field>" in English whatever the language.
        specs, *rest = super().get_filters(request)
        for spec in specs:
            spec.template = "govopen_wagtail/admin/list_filter.html"
        return (specs, *rest)


class ScopedIndexView(GovopenIndexView):
    """The list of a site-bound model: its queryset is the user's scope
    (SiteScopedModelAdmin.get_queryset), so its rows are marked as checked."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for obj in context.get("object_list", ()):
            setattr(obj, LISTED_FOR, self.request.user.pk)
        return context


class CheckedModelAdmin(ModelAdmin):
    """Base for the plugin's modeladmins: translated filters, a layout that
    keeps the filter panel off the list, and history shown only to those who
    may see the record (install-wide records use it directly)."""

    history_view_class = ScopedHistoryView
    index_view_class = GovopenIndexView
    index_template_name = "govopen_wagtail/admin/index.html"


def scope_form_choices(form, user) -> None:
    """Narrow every choice of pages or site-bound records in ``form`` to the
    user's sites: a school editor never sees (or can post) a bureau's."""
    from wagtail.models import Page, Site

    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        model = queryset.model
        if issubclass(model, Page):
            field.queryset = permissions.pages_for_user(queryset, user)
        elif issubclass(model, Site):
            field.queryset = queryset.filter(pk__in=permissions.sites_for_user(user).values("pk"))
        elif hasattr(model, "govopen_scope_page") or hasattr(model, "govopen_scope_site"):
            field.queryset = permissions.filter_for_user(queryset, user)


class ScopedFormMixin:
    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        scope_form_choices(form, self.request.user)
        return form


class ScopedCreateView(ScopedFormMixin, CreateView):
    pass


class ScopedEditView(ScopedFormMixin, EditView):
    pass


class SiteScopedModelAdmin(CheckedModelAdmin):
    """Base for the plugin's modeladmins of site-bound records."""

    permission_helper_class = SiteScopedPermissionHelper
    index_view_class = ScopedIndexView
    create_view_class = ScopedCreateView
    edit_view_class = ScopedEditView

    def get_queryset(self, request):
        return permissions.filter_for_user(super().get_queryset(request), request.user)


def scoped_page_filter(field: str, title, page_model):
    """A list filter over the pages of ``field`` the user may see (Django's own
    related filter would list every site's pages, drafts included)."""

    class Filter(SimpleListFilter):
        parameter_name = f"{field}__id__exact"

        def lookups(self, request, model_admin):
            pages = permissions.pages_for_user(page_model.objects.order_by("path"), request.user)
            return [(str(pk), name) for pk, name in pages.values_list("pk", "title")]

        def queryset(self, request, queryset):
            if self.value() is None:
                return queryset
            value = parse_int(self.value(), minimum=1)
            if value is None:
                return queryset.none()
            return queryset.filter(**{f"{field}_id": value})

    Filter.title = title
    return Filter


def require_site_access(user, obj) -> None:
    if not permissions.user_can_act_on(user, obj):
        raise PermissionDenied


def scoped_site_filter(title):
    class Filter(SimpleListFilter):
        parameter_name = "site__id__exact"

        def lookups(self, request, model_admin):
            return [(str(site.pk), str(site)) for site in permissions.sites_for_user(request.user)]

        def queryset(self, request, queryset):
            if self.value() is None:
                return queryset
            value = parse_int(self.value(), minimum=1)
            return queryset.none() if value is None else queryset.filter(site_id=value)

    Filter.title = title
    return Filter
