"""The office's side of disclosure on application: the case list, offline
entry, the case page with its actions, letters, files and history, letter
templates, and the list of documents available on application.

Only handlers (the model permissions of applications) of the application's
site see a case; every view goes through :mod:`govopen_wagtail.permissions`.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.contrib.admin import SimpleListFilter
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.widgets import AdminDateInput
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail_modeladmin.views import InspectView, WMABaseView

from .. import application_rules as rules, permissions, privacy, receipts
from ..calendar import get_calendar
from ..forms_applications import ApplicationFields
from ..letters import fill
from ..models.applications import (
    ApplicationFile,
    ApplicationLetter,
    ApplicationNote,
    ApplicationPage,
    ApplicationPause,
    InformationApplication,
    LetterKind,
    LetterTemplate,
    RequestableDocument,
    RequestableListRelease,
    local_today,
)
from ..params import parse_id
from ..services import applications as service
from ..services.exports import safe_cell
from .imports import SpreadsheetImportView
from .scoping import (
    ScopedIndexView,
    SiteScopedModelAdmin,
    SiteScopedPermissionHelper,
    scoped_page_filter,
    scoped_site_filter,
)

App = InformationApplication
State = App.State


def _date_field(label, required=True, initial=None):
    return forms.DateField(label=label, required=required, widget=AdminDateInput, initial=initial or local_today)


class ApplicationPermissionHelper(SiteScopedPermissionHelper):
    """What an applicant sent is never edited or deleted: the case moves on
    through the actions of the case page, each one in the history."""

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class DueFilter(SimpleListFilter):
    title = _("time limit")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("soon", _("Due soon")), ("open", _("Awaiting a reply"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() in ("overdue", "soon"):
            overdue, soon = service.due_soon(queryset)
            chosen = overdue if self.value() == "overdue" else soon
            return queryset.filter(pk__in=[a.pk for a, _c in chosen])
        return queryset


class ApplicationIndexView(ScopedIndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        calendar = get_calendar()
        for application in context["object_list"]:
            application._govopen_calendar = calendar
        return context

    def to_row_dict(self, item):
        if not hasattr(self, "_calendar"):
            self._calendar = get_calendar()
        item._govopen_calendar = self._calendar
        return {key: safe_cell(value) for key, value in super().to_row_dict(item).items()}


class StaffApplicationForm(ApplicationFields):
    """Offline entry: the application as it arrived, with its real date of receipt."""

    page = forms.ModelChoiceField(label=_("application page"), queryset=ApplicationPage.objects.all())
    channel = forms.ChoiceField(label=_("channel"),
                                choices=[c for c in App.Channel.choices if c[0] != App.Channel.ONLINE])
    received_on = forms.DateField(
        label=_("date of receipt"), widget=AdminDateInput,
        help_text=_("In person: that day. Post: the day it was signed for. Fax or e-mail: the day receipt was "
                    "confirmed (条例第三十一条)."),
    )
    attachment = forms.FileField(label=_("scanned application or identity proof"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = permissions.pages_for_user(ApplicationPage.objects.all(), user)
        self.fields["applicant_type"].widget = forms.Select(choices=App.ApplicantType.choices)
        self.fields["delivery"].widget = forms.Select(choices=App.Delivery.choices)
        # Staff copy what the letter says; a person may not have given a phone.
        self.fields["contact_phone"].required = False

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > local_today():
            raise forms.ValidationError(_("The date of receipt cannot be in the future."))
        return value

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        data = upload.read()
        try:
            service.check_upload(service.UploadedFile(upload.name, data))
        except service.CaseError as exc:
            raise forms.ValidationError(exc.message) from exc
        return service.UploadedFile(upload.name, data)


class OfflineEntryView(WagtailAdminTemplateMixin, WMABaseView):
    page_title = _("Register an application received offline")
    header_icon = "mail"
    template_name = "govopen_wagtail/admin/application_entry.html"

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_create(user)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.url_helper.index_url, "label": self.verbose_name_plural},
            {"url": "", "label": self.page_title},
        ]

    def get_form(self):
        return StaffApplicationForm(self.request.POST or None, self.request.FILES or None, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or self.get_form()
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            application, code, _created = service.submit_application(
                data["page"], service.ApplicationInput.from_form(data), entered_by=request.user,
                attachments=[data["attachment"]] if data.get("attachment") else [],
            )
        except service.CaseError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_to_response(self.get_context_data(form=form))
        message = gettext("Registered as %(number)s. Query code for the applicant: %(code)s (shown only now; put "
                          "it in the acknowledgement).") % {"number": application.receipt_number,
                                                            "code": receipts.format_code(code)}
        if application.entered_late():
            message += " " + gettext("Entered more than 1 working day after receipt: the case is flagged.")
        messages.success(request, message)
        return redirect(self.url_helper.get_action_url("inspect", application.pk))

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())


# Case actions -------------------------------------------------------------------


class AssignForm(forms.Form):
    unit = forms.CharField(label=_("responsible unit"), max_length=100)
    assisting_units = forms.CharField(label=_("assisting units (协查)"), max_length=255, required=False)
    handler = forms.ModelChoiceField(label=_("handler"), queryset=get_user_model().objects.none(), required=False)


class CorrectionForm(forms.Form):
    on = _date_field(_("notice sent on"))
    due = forms.DateField(label=_("correction to arrive by"), widget=AdminDateInput)
    items = forms.CharField(label=_("what must be corrected"), widget=forms.Textarea(attrs={"rows": 3}))


class DateForm(forms.Form):
    on = _date_field(_("date"))


class PauseForm(forms.Form):
    kind = forms.ChoiceField(label=_("waiting for"), choices=ApplicationPause.Kind.choices)
    party = forms.CharField(label=_("consulted party"), max_length=200, required=False)
    on = _date_field(_("sent on"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EndPauseForm(forms.Form):
    on = _date_field(_("answer received on"))
    note = forms.CharField(label=_("opinion received"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("extension (working days)"), min_value=1,
                              max_value=rules.EXTENSION_MAX_WORKING_DAYS, initial=rules.EXTENSION_MAX_WORKING_DAYS)
    approver = forms.CharField(label=_("approved by"), max_length=100)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    on = _date_field(_("notified on"))


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(label=_("reply type"), choices=[])
    reason = forms.CharField(label=_("reasons, or where and how to obtain the information"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    on = _date_field(_("replied on"))
    fee = forms.DecimalField(label=_("processing fee charged (yuan)"), required=False, min_value=0,
                             max_digits=9, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", "—")] + rules.outcome_choices()


class ReviewForm(forms.Form):
    review_result = forms.ChoiceField(label=_("administrative review (行政复议)"), choices=App.Review.choices,
                                      required=False)
    litigation = forms.ChoiceField(label=_("lawsuit (行政诉讼)"), choices=App.Litigation.choices, required=False)
    litigation_result = forms.ChoiceField(label=_("lawsuit result"), choices=App.Review.choices, required=False)


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ApplicationNote.Kind.choices)
    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 3}))


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ApplicationFile.Kind.choices)
    file = forms.FileField(label=_("file"))


class LetterForm(forms.Form):
    kind = forms.ChoiceField(widget=forms.HiddenInput, choices=LetterKind.choices)
    text = forms.CharField(label=_("text of the letter"), widget=forms.Textarea(attrs={"rows": 12}))
    sent_on = _date_field(_("sent on"), required=False)


#: action name → (form class, the states it is offered in, a label)
ACTIONS = {
    "assign": (AssignForm, App.OPEN_STATES, _("Assign to a unit")),
    "correction": (CorrectionForm, ("received", "in_progress"), _("Request a correction (补正)")),
    "corrected": (DateForm, ("correction",), _("Corrected application received")),
    "abandoned": (DateForm, ("correction",), _("No correction in time: deemed abandoned")),
    "pause": (PauseForm, ("received", "in_progress"), _("Seek an opinion or wait for a fee (clock paused)")),
    "end_pause": (EndPauseForm, ("consulting",), _("Opinion or fee received (clock resumes)")),
    "extend": (ExtendForm, ("received", "in_progress", "consulting"), _("Extend the time limit")),
    "reply": (ReplyForm, ("received", "in_progress"), _("Record the reply")),
    "delivered": (DateForm, ("replied",), _("Delivered to the applicant")),
    "close": (DateForm, ("replied", "delivered"), _("Close the case")),
    "withdraw": (DateForm, App.OPEN_STATES, _("Applicant withdrew the application")),
    "review": (ReviewForm, App.ENDED_STATES, _("Administrative review or lawsuit")),
    "note": (NoteForm, None, _("Add a note (协查, 会商)")),
    "file": (FileForm, None, _("Keep a file with the case")),
}


def _handlers_for(application):
    """Users who may handle applications of this case's site: the model
    permission (from any group) and the site in their scope (from any group),
    in one query rather than a scope check per user."""
    page = application.page
    site = page.get_site()
    ancestors = page.get_ancestors(inclusive=True)
    users = get_user_model().objects.filter(is_active=True)
    handles = Q(groups__permissions__codename="change_informationapplication") | Q(
        user_permissions__codename="change_informationapplication")
    in_scope = Q(groups__site_permissions__site=site) | Q(groups__page_permissions__page__in=ancestors)
    # Separate filter() calls: the permission and the scope may come from different groups.
    scoped = users.filter(handles).filter(in_scope)
    return users.filter(Q(is_superuser=True) | Q(pk__in=scoped.values("pk"))).distinct().order_by("username")


def _run_action(application, action: str, data: dict, user) -> str:
    if action == "assign":
        service.assign(application, unit=data["unit"], assisting_units=data["assisting_units"],
                       handler=data["handler"], user=user)
    elif action == "correction":
        service.request_correction(application, on=data["on"], due=data["due"], items=data["items"], user=user)
    elif action == "corrected":
        service.record_correction(application, on=data["on"], user=user)
    elif action == "abandoned":
        service.mark_abandoned(application, on=data["on"], user=user)
    elif action == "pause":
        service.start_pause(application, kind=data["kind"], party=data["party"], on=data["on"], note=data["note"],
                            user=user)
    elif action == "end_pause":
        service.end_pause(application, on=data["on"], note=data["note"], user=user)
    elif action == "extend":
        service.extend(application, days=data["days"], approver=data["approver"], reason=data["reason"],
                       on=data["on"], user=user)
    elif action == "reply":
        service.record_reply(application, outcome=data["outcome"], reason=data["reason"], on=data["on"],
                             fee=data["fee"], user=user)
    elif action == "delivered":
        service.mark_delivered(application, on=data["on"], user=user)
    elif action == "close":
        service.close(application, on=data["on"], user=user)
    elif action == "withdraw":
        service.withdraw(application, on=data["on"], user=user)
    elif action == "review":
        service.record_review(application, review_result=data["review_result"], litigation=data["litigation"],
                              litigation_result=data["litigation_result"], user=user)
    elif action == "note":
        service.add_note(application, kind=data["kind"], text=data["text"], user=user)
    elif action == "file":
        upload = data["file"]
        service.add_file(application, kind=data["kind"], upload=service.UploadedFile(upload.name, upload.read()),
                         user=user)
    return str(ACTIONS[action][2])


def letter_kinds_for(application) -> list[str]:
    kinds = []
    if application.correction_requested_on:
        kinds.append(LetterKind.CORRECTION)
    if application.pauses.filter(kind=ApplicationPause.Kind.THIRD_PARTY).exists():
        kinds.append(LetterKind.THIRD_PARTY)
    if application.extension_days:
        kinds.append(LetterKind.EXTENSION)
    if application.outcome and application.state != State.ABANDONED:
        kinds.append(LetterKind.REPLY)
    return kinds


def _history(application) -> list[dict]:
    records = list(application.history.select_related("history_user").order_by("history_date", "history_id"))
    rows, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                field = App._meta.get_field(change.field)
                changes.append((field.verbose_name, change.old, change.new))
        rows.append({"when": record.history_date, "user": record.history_user,
                     "what": record.history_change_reason or record.get_history_type_display(),
                     "changes": changes})
        previous = record
    return list(reversed(rows))


class ApplicationCaseView(WagtailAdminTemplateMixin, InspectView):
    """The case page: the application, the clock and how it was counted,
    the actions the state allows, letters, files, notes and the history."""

    header_icon = "mail"

    def get_template_names(self):
        return ["govopen_wagtail/admin/application_case.html"]

    def get_page_title(self):
        return gettext("Application %(number)s") % {"number": self.instance.receipt_number}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.url_helper.index_url, "label": self.verbose_name_plural},
            {"url": "", "label": self.instance.receipt_number},
        ]

    def _forms(self, bound_action=None, bound=None):
        application = self.instance
        result = []
        for name, (form_class, states, label) in ACTIONS.items():
            if states is not None and application.state not in states:
                continue
            if name == "correction" and application.correction_requested_on:
                continue
            if name == "extend" and application.extension_days:
                continue
            form = bound if name == bound_action else form_class(prefix=name)
            if name == "assign":
                form.fields["handler"].queryset = _handlers_for(application)
                if not form.is_bound:
                    form.initial = {"unit": application.unit, "assisting_units": application.assisting_units,
                                    "handler": application.handler_id}
            result.append({"name": name, "label": label, "form": form, "open": name == bound_action})
        return result

    def _letter_forms(self, bound=None):
        application = self.instance
        site = application.page.get_site()
        from ..services.letters import letter_values, template_for

        forms_ = []
        for kind in letter_kinds_for(application):
            if bound is not None and bound.data.get("letter-kind") == kind:
                form = bound
            else:
                _title, body = template_for(site, kind)
                form = LetterForm(prefix="letter", initial={
                    "kind": kind, "text": fill(body, letter_values(application, kind))})
            forms_.append({"kind": kind, "label": LetterKind(kind).label, "form": form})
        return forms_

    def get_context_data(self, **kwargs):
        application = self.instance
        today = local_today()
        clock = application.clock(today)
        similar = service.similar_applications(application)
        context = super().get_context_data(**kwargs)
        context.update(
            application=application,
            clock=clock,
            overdue=application.is_overdue(today),
            actions=kwargs.get("actions") or self._forms(),
            letter_forms=kwargs.get("letter_forms") or self._letter_forms(),
            letters=application.letters.all(),
            files=application.files.defer("content"),
            notes=application.notes.select_related("author"),
            pauses=application.pauses.all(),
            history=_history(application),
            similar=similar,
            repeated=len(similar) + 1 >= service.govopen_settings.APPLICATION_REPEAT_THRESHOLD,
            third_party_due={p.pk: get_calendar().add_working_days(p.started_on, rules.THIRD_PARTY_WORKING_DAYS)
                             for p in application.pauses.all() if p.kind != ApplicationPause.Kind.FEE},
            platform=application.page.get_parent(),
        )
        return context

    def post(self, request, *args, **kwargs):
        application = self.instance
        if not self.permission_helper.user_has_specific_permission(request.user, "change_informationapplication"):
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action == "letter":
            form = LetterForm(request.POST, prefix="letter")
            if form.is_valid() and form.cleaned_data["kind"] in letter_kinds_for(application):
                from ..services.letters import make_letter

                letter = make_letter(application, form.cleaned_data["kind"], user=request.user,
                                     sent_on=form.cleaned_data["sent_on"], text=form.cleaned_data["text"])
                messages.success(request, gettext("Letter made: %(title)s.") % {"title": letter.title})
                return redirect(request.path + "#letters")
            return self.render_to_response(self.get_context_data(letter_forms=self._letter_forms(form)))
        if action not in ACTIONS:
            raise Http404
        form_class, states, _label = ACTIONS[action]
        form = form_class(request.POST, request.FILES, prefix=action)
        if action == "assign":
            form.fields["handler"].queryset = _handlers_for(application)
        if form.is_valid():
            try:
                done = _run_action(application, action, form.cleaned_data, request.user)
            except service.CaseError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
            else:
                messages.success(request, gettext("Done: %(action)s.") % {"action": done})
                return redirect(request.path)
        response = self.render_to_response(self.get_context_data(actions=self._forms(action, form)))
        response.status_code = 400
        return response


def _case_or_404(request, model, pk):
    obj = get_object_or_404(model, pk=pk)
    if not request.user.has_perm("govopen_wagtail.view_informationapplication") or not permissions.user_can_act_on(
        request.user, obj
    ):
        raise PermissionDenied
    return obj


def staff_letter_view(request, pk: int, kind: str):
    letter = _case_or_404(request, ApplicationLetter, pk)
    if kind not in ("pdf", "docx"):
        raise Http404
    data = bytes(letter.pdf if kind == "pdf" else letter.docx)
    content_type = "application/pdf" if kind == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return _attachment(data, content_type, f"{letter.application.receipt_number}-{letter.kind}.{kind}")


def staff_file_view(request, pk: int):
    kept = _case_or_404(request, ApplicationFile, pk)
    types = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
    return _attachment(bytes(kept.content), types.get(kept.content_kind, "application/octet-stream"), kept.name)


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ApplicationAdmin(SiteScopedModelAdmin):
    model = InformationApplication
    menu_label = _("Applications for information")
    menu_icon = "mail"
    list_display = ("receipt_number", "applicant", "received_on", "channel", "state", "due_column", "unit",
                    "flags")
    list_filter = (DueFilter, "state", "channel", "applicant_type",
                   scoped_page_filter("page", _("application page"), ApplicationPage))
    search_fields = ("receipt_number", "description", "document_number", "unit")
    list_export = ("receipt_number", "received_on", "channel", "applicant_type", "applicant", "description",
                   "document_number", "state", "due_column", "unit", "outcome", "reply_number", "replied_on")
    export_filename = "applications"
    permission_helper_class = ApplicationPermissionHelper
    index_view_class = ApplicationIndexView
    create_view_class = OfflineEntryView
    inspect_view_enabled = True
    inspect_view_class = ApplicationCaseView

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("page").prefetch_related("pauses")

    def applicant(self, obj):
        # Lists and exports never show who applied; the case page does, to handlers.
        return privacy.mask_name(obj.name)

    applicant.short_description = _("applicant")

    def due_column(self, obj):
        if obj.state == State.CORRECTION:
            return gettext("waiting for correction until %(date)s") % {"date": obj.correction_due.isoformat()}
        if not obj.is_open:
            return "—"
        clock = obj.clock()
        text = clock.due.isoformat()
        if clock.days_left is not None and clock.days_left < 0:
            return format_html('<strong class="govopen-overdue">{} · {}</strong>', text,
                               gettext("overdue by %(n)d working days") % {"n": -clock.days_left})
        text += " · " + gettext("%(n)d working days left") % {"n": clock.days_left}
        if clock.provisional:
            text += " · " + gettext("provisional")
        if clock.paused:
            text += " · " + gettext("paused")
        return text

    due_column.short_description = _("reply due")

    def flags(self, obj):
        marks = []
        if obj.entered_late():
            marks.append(gettext("entered late"))
        if obj.extension_days:
            marks.append(gettext("extended"))
        return "、".join(marks)

    flags.short_description = _("flags")


class LetterTemplateForm(WagtailAdminModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["site", "kind", "title", "body"]


class LetterTemplateAdmin(SiteScopedModelAdmin):
    model = LetterTemplate
    menu_label = _("Letter templates")
    menu_icon = "doc-full"
    list_display = ("kind", "title", "site")
    list_filter = (scoped_site_filter(_("site")),)
    edit_handler = ObjectList([FieldPanel(n) for n in LetterTemplateForm.Meta.fields],
                              base_form_class=LetterTemplateForm)


class RequestableIndexView(ScopedIndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("govopen_wagtail.add_requestabledocument"):
            context["publish_pages"] = requestable_release_pages(self.request.user)
        return context


class RequestableDocumentAdmin(SiteScopedModelAdmin):
    model = RequestableDocument
    menu_label = _("Documents available on application")
    menu_icon = "list-ul"
    list_display = ("name", "document_number", "date", "issuing_unit", "added_on", "removed_on")
    list_filter = (scoped_page_filter("page", _("application page"), ApplicationPage),)
    search_fields = ("name", "document_number", "issuing_unit")
    index_template_name = "govopen_wagtail/admin/requestable_index.html"
    index_view_class = RequestableIndexView


class RequestableImportForm(forms.Form):
    page = forms.ModelChoiceField(label=_("application page"), queryset=ApplicationPage.objects.none())
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("Columns: 名称 (required), 文号, 日期, 发布单位. The first row names the columns."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = requestable_release_pages(user)


class RequestableImportView(SpreadsheetImportView):
    page_title = _("Import documents available on application")
    form_class = RequestableImportForm
    permission = "govopen_wagtail.add_requestabledocument"
    success_url_name = "govopen_wagtail_requestabledocument_modeladmin_index"
    intro = _("Every row is checked first. If any row has a problem, nothing is imported and each problem is "
              "listed with its row number. A row with the same name and 文号 as a listed entry updates it; 文号 "
              "are normalised (e.g. [2026] → 〔2026〕).")

    def run_import(self, target, name, data):
        from ..services.requestable_io import import_requestable

        return import_requestable(target, name, data)

    def success_message(self, report) -> str:
        return gettext("Imported: %(created)d new entries, %(updated)d updated. Publish the list for the public "
                       "to see them.") % {"created": report.created, "updated": report.updated}


@require_POST
def publish_requestable_view(request):
    """Publish the list as it stands today, dated, for the current quarter."""
    if not request.user.has_perm("govopen_wagtail.add_requestabledocument"):
        raise PermissionDenied
    page_id = parse_id(request.POST.get("page"))
    page = get_object_or_404(permissions.pages_for_user(ApplicationPage.objects.all(), request.user), pk=page_id)
    today = local_today()
    quarter = (today.month - 1) // 3 + 1
    release, _created = RequestableListRelease.objects.update_or_create(
        page=page, year=today.year, quarter=quarter,
        defaults={"published_on": today, "published_by": request.user, "entries": 0},
    )
    release.entries = release.documents().count()
    release.save(update_fields=["entries"])
    messages.success(request, gettext("Published the list for %(year)d quarter %(quarter)d with %(n)d entries.")
                     % {"year": today.year, "quarter": quarter, "n": release.entries})
    return redirect(RequestableDocumentAdmin().url_helper.index_url)


def requestable_release_pages(user):
    return permissions.pages_for_user(ApplicationPage.objects.order_by("path"), user)
