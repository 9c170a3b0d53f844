"""The office's side of public messages (受理、转办、反馈) and responses to
public concern (回应关切), confined to the user's sites: the message list with
its due dates, the case page and its actions, office units, the figures per
month as a spreadsheet."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail_modeladmin.views import InspectView

from .. import permissions
from ..conf import govopen_settings
from ..forms_messages import kind_choices
from ..models import MessagePage, OfficeUnit, PublicConcern, PublicMessage
from ..params import parse_int
from ..services import messages as service
from .scoping import (
    ScopedCreateView,
    ScopedIndexView,
    SiteScopedModelAdmin,
    SiteScopedPermissionHelper,
    scoped_page_filter,
    scoped_site_filter,
)


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


# Public messages ---------------------------------------------------------------


class MessageDueFilter(SimpleListFilter):
    title = _("answer due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", gettext("Overdue")), ("today", gettext("Due today")), ("open", gettext("Not yet answered")),
                ("held", gettext("Held for review")), ("on_time", gettext("Answered on time")),
                ("late", gettext("Answered late"))]

    def queryset(self, request, queryset):
        today = service.local_now().date()
        value = self.value()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "today":
            return queryset.due_on_day(today)
        if value == "open":
            return queryset.open()
        if value == "held":
            return queryset.filter(state=PublicMessage.State.HELD)
        if value == "on_time":
            return queryset.answered().filter(answered_on__lte=F("due_on"))
        if value == "late":
            return queryset.answered().filter(answered_on__gt=F("due_on"))
        return queryset


class MessageKindFilter(SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class MessageUnitFilter(SimpleListFilter):
    title = _("unit")
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        units = permissions.filter_for_user(OfficeUnit.objects.all(), request.user)
        return [(str(pk), name) for pk, name in units.values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        value = parse_int(self.value(), minimum=1)
        return queryset.none() if value is None else queryset.filter(unit_id=value)


class ForwardForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OfficeUnit.objects.none(),
                                  error_messages={"required": _("Choose the unit."),
                                                  "invalid_choice": _("Choose a unit from the list.")})
    working_days = forms.IntegerField(label=_("Working days for the unit"), min_value=1, max_value=60,
                                      required=False,
                                      help_text=_("Leave empty for the default; never later than the message's due date."))
    note = forms.CharField(label=_("Note to the unit"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255,
                             error_messages={"required": _("Give the reason.")})


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 8}),
                           error_messages={"required": _("Write the reply: it is empty.")})
    signed_by = forms.CharField(label=_("Signed by"), max_length=100, required=False,
                                help_text=_("Shown with the reply, e.g. 办公室; leave empty for the unit's name."))


class EmptyForm(forms.Form):
    pass


MESSAGE_ACTIONS = {
    # name: (form, states it is offered in, label)
    "release": (EmptyForm, ("held",), _("Release: handle it like any other")),
    "discard": (ReasonForm, ("held", "received"), _("Set aside as spam or abuse")),
    "forward": (ForwardForm, ("received", "forwarded"), _("Forward to a unit (转办)")),
    "return": (ReasonForm, ("forwarded",), _("The unit returns it (退回)")),
    "reply": (ReplyForm, ("received", "forwarded", "drafted"), _("Reply")),
    "approve": (EmptyForm, ("drafted",), _("Approve and send the reply")),
    "publish": (EmptyForm, ("answered",), _("Publish on the site")),
    "unpublish": (EmptyForm, ("answered",), _("Remove from the site")),
}


def _message_forms(message, bound_action=None, bound=None) -> list[dict]:
    result = []
    for name, (form_class, states, label) in MESSAGE_ACTIONS.items():
        if message.state not in states:
            continue
        if name == "publish" and (message.published or not message.consent_publish):
            continue
        if name == "unpublish" and not message.published:
            continue
        if name == "reply" and govopen_settings.MESSAGE_REPLY_APPROVAL:
            label = _("Draft the reply (another member of staff approves it)")
        form = bound if name == bound_action else form_class(prefix=name)
        if name == "forward":
            form.fields["unit"].queryset = _units_for(message)
        if name == "reply" and not form.is_bound and message.reply:
            form.initial = {"text": message.reply, "signed_by": message.replied_by}
        result.append({"name": name, "label": label, "form": form, "open": name == bound_action})
    return result


def _units_for(message):
    return OfficeUnit.objects.filter(site=message.page.get_site(), active=True).exclude(pk=message.unit_id)


def _run_message_action(message, action: str, data: dict, user) -> None:
    if action == "release":
        service.release(message, user)
    elif action == "discard":
        service.discard(message, user, data["reason"])
    elif action == "forward":
        service.forward(message, data["unit"], user, working_days=data["working_days"], note=data["note"])
    elif action == "return":
        service.return_from_unit(message, user, data["reason"])
    elif action == "reply":
        service.draft_reply(message, user, text=data["text"], signed_by=data["signed_by"])
    elif action == "approve":
        service.approve_reply(message, user)
    elif action in ("publish", "unpublish"):
        service.set_published(message, user, action == "publish")


class MessageCaseView(WagtailAdminTemplateMixin, InspectView):
    """One message: its due date and how it was counted, the way through the
    units, the reply and its e-mail, the actions the state allows, the history."""

    header_icon = "mail"

    def get_template_names(self):
        return ["govopen_wagtail/admin/message_case.html"]

    def get_page_title(self):
        return gettext("Message %(number)s") % {"number": self.instance.receipt_number}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.url_helper.index_url, "label": self.verbose_name_plural},
            {"url": "", "label": self.instance.receipt_number},
        ]

    def get_context_data(self, **kwargs):
        message = self.instance
        today = service.local_now().date()
        context = super().get_context_data(**kwargs)
        context.update(
            message=message,
            due=message.due(),
            overdue=message.is_overdue(today),
            actions=kwargs.get("actions") or _message_forms(message),
            routing=message.routing.select_related("by"),
            emails=message.notifications.filter(kind="message_reply"),
            history=_history(message),
        )
        return context

    def post(self, request, *args, **kwargs):
        message = self.instance
        if not request.user.has_perm("govopen_wagtail.change_publicmessage"):
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in MESSAGE_ACTIONS:
            raise Http404
        form_class, states, label = MESSAGE_ACTIONS[action]
        form = form_class(request.POST, prefix=action)
        if action == "forward":
            form.fields["unit"].queryset = _units_for(message)
        if form.is_valid():
            try:
                _run_message_action(message, action, form.cleaned_data, request.user)
            except service.MessageError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, gettext("Done: %(action)s.") % {"action": label})
                return redirect(request.path)
        message.refresh_from_db()
        response = self.render_to_response(self.get_context_data(actions=_message_forms(message, action, form)))
        response.status_code = 400
        return response


def _history(message) -> list[dict]:
    rows = []
    for record in message.history.select_related("history_user").order_by("-history_date", "-history_id"):
        rows.append({"when": record.history_date, "user": record.history_user,
                     "what": record.history_change_reason or record.get_history_type_display(),
                     "state": PublicMessage.State(record.state).label if record.state in PublicMessage.State.values
                     else record.state})
    return rows


class MessageIndexView(ScopedIndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["govopen_this_year"] = service.local_now().year
        return context


class PublicMessageAdmin(SiteScopedModelAdmin):
    model = PublicMessage
    menu_label = _("Public messages")
    menu_icon = "mail"
    list_display = ("receipt_number", "kind_column", "subject", "received_on", "state", "due_column", "unit")
    list_filter = (MessageDueFilter, MessageKindFilter, "state", MessageUnitFilter,
                   scoped_page_filter("page", _("message page"), MessagePage))
    search_fields = ("receipt_number", "subject", "body")
    list_export = ("receipt_number", "kind_column", "subject", "received_on", "due_on", "state", "unit",
                   "unit_due", "answered_on", "on_time_column", "published")
    export_filename = "public-messages"
    inspect_view_enabled = True
    inspect_view_class = MessageCaseView
    index_view_class = MessageIndexView
    index_template_name = "govopen_wagtail/admin/message_index.html"

    def user_can_create(self, request):  # messages come from the public form
        return False

    def get_permission_helper_class(self):
        class Helper(SiteScopedPermissionHelper):
            def user_can_create(self, user):
                return False

            def user_can_edit_obj(self, user, obj):
                return False  # every change goes through the case page's actions

        return Helper

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("page", "unit")

    def kind_column(self, obj):
        return obj.get_kind_display()

    kind_column.short_description = _("kind")

    def due_column(self, obj):
        if not obj.is_open:
            return "—"
        today = service.local_now().date()
        text = obj.due_on.isoformat()
        if obj.due_on < today:
            return format_html('<strong class="govopen-overdue">{} · {}</strong>', text, gettext("overdue"))
        if obj.due_on == today:
            return format_html("<strong>{} · {}</strong>", text, gettext("due today"))
        if obj.due_provisional:
            text += " · " + gettext("provisional")
        return text

    due_column.short_description = _("answer due")

    def on_time_column(self, obj):
        if obj.on_time is None:
            return ""
        return gettext("on time") if obj.on_time else gettext("late")

    on_time_column.short_description = _("answered on time")


class OfficeUnitAdmin(SiteScopedModelAdmin):
    model = OfficeUnit
    menu_label = _("Office units")
    menu_icon = "group"
    list_display = ("name", "site", "email", "active")
    list_filter = ("active", scoped_site_filter(_("site")))
    search_fields = ("name",)


def message_statistics_view(request):
    """The figures per month, per kind and per unit for a year, as XLSX, for reporting upward."""
    if not request.user.has_perm("govopen_wagtail.view_publicmessage"):
        raise PermissionDenied
    today = service.local_now().date()
    year = parse_int(request.GET.get("year"), minimum=2000) or today.year
    if year > today.year:
        raise Http404
    messages_ = permissions.filter_for_user(PublicMessage.objects.all(), request.user)
    page_id = parse_int(request.GET.get("page"), minimum=1)
    if page_id is not None:
        messages_ = messages_.filter(page_id=page_id)
    data = service.statistics_xlsx(messages_, year)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=public-messages-{year}.xlsx"
    response["Cache-Control"] = "no-store, private"
    return response
