"""Moderation queue, offline comment entry and dispositions for consultations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList

from ..models import CommentGroup, ConsultationComment, ConsultationPage
from ..services import comments as service
from ..services.exports import safe_cell
from .. import permissions
from ..params import parse_id
from .scoping import (
    ScopedIndexView,
    ScopedCreateView,
    ScopedEditView,
    SiteScopedModelAdmin,
    SiteScopedPermissionHelper,
    scoped_page_filter,
)

Status = ConsultationComment.Status


class CommentPermissionHelper(SiteScopedPermissionHelper):
    """Comments are never edited: what the public wrote stays as written.
    Staff enter offline comments, moderate and inspect."""

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class CommentIndexView(ScopedIndexView):
    def to_row_dict(self, item):
        # Exports go to the drafting team's Excel: never let a cell run.
        return {key: safe_cell(value) for key, value in super().to_row_dict(item).items()}


class StaffCommentForm(WagtailAdminModelForm):
    class Meta:
        model = ConsultationComment
        fields = [
            "consultation", "channel", "received_at", "postmark_date", "body", "display_name",
            "commenter_category", "contact_email", "contact_phone", "notify", "status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = ConsultationPage.objects.order_by("-closes_at")
        self.fields["channel"].choices = [c for c in ConsultationComment.Channel.choices if c[0] != "online"]
        self.fields["status"].initial = Status.PENDING

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") == ConsultationComment.Channel.LETTER and not cleaned.get("postmark_date"):
            self.add_error("postmark_date", _("Enter the postmark date: letters count by it."))
        return cleaned


class StaffCommentCreateView(ScopedCreateView):
    """Offline comments go through the same door as online ones."""

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            comment, _created = service.submit_comment(
                data["consultation"].pk, service.CommentInput.from_form(data), entered_by=self.request.user
            )
        except service.CommentRefused as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Comment recorded with receipt number %(number)s.") % {"number": comment.receipt_number}
        )
        return redirect(self.index_url)


class ConsultationCommentAdmin(SiteScopedModelAdmin):
    model = ConsultationComment
    menu_label = _("Consultation comments")
    menu_icon = "comment"
    # The row's buttons sit under the first column: not the checkbox's.
    list_display = (
        "receipt_number", "select_box", "comment_text", "consultation_title", "commenter_category",
        "channel", "received_at", "status", "held_words", "group",
    )
    list_filter = (
        "status", "channel", "commenter_category",
        scoped_page_filter("consultation", _("consultation"), ConsultationPage),
    )
    search_fields = ("body", "receipt_number", "display_name")
    list_export = (
        "receipt_number", "consultation", "section_label", "received_at", "postmark_date", "channel",
        "commenter_category", "display_name", "contact_email", "contact_phone", "body", "status",
        "held_words", "rejection_reason", "group", "disposition",
    )
    export_filename = "consultation-comments"
    permission_helper_class = CommentPermissionHelper
    index_view_class = CommentIndexView
    index_template_name = "govopen_wagtail/admin/comment_index.html"
    create_view_class = StaffCommentCreateView
    edit_handler = ObjectList(
        [FieldPanel(name) for name in StaffCommentForm.Meta.fields], base_form_class=StaffCommentForm
    )
    inspect_view_enabled = True
    inspect_view_fields = (
        "receipt_number", "consultation", "channel", "received_at", "postmark_date", "section_label",
        "body", "display_name", "commenter_category", "contact_email", "contact_phone", "notify",
        "status", "held_words", "rejection_reason", "group", "entered_by", "moderated_by", "moderated_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("consultation", "group")

    def select_box(self, obj):
        return format_html(
            '<input type="checkbox" name="ids" value="{}" form="govopen-bulk" aria-label="{}">',
            obj.pk,
            obj.receipt_number,
        )

    select_box.short_description = ""

    def comment_text(self, obj):
        # A readable column: the list has many narrow ones beside it.
        return format_html('<span style="display:block;min-width:16em">{}</span>', obj.excerpt())

    comment_text.short_description = _("comment")

    def consultation_title(self, obj):
        title = obj.consultation.title
        return title if len(title) <= 24 else title[:24] + "…"

    consultation_title.short_description = _("consultation")


class GroupEditView(ScopedEditView):
    def form_valid(self, form):
        form.instance.decided_by = self.request.user
        return super().form_valid(form)


class GroupPermissionHelper(SiteScopedPermissionHelper):
    """Groups come from the comments; staff decide them, never add or delete."""

    def user_can_create(self, user):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class CommentGroupAdmin(SiteScopedModelAdmin):
    model = CommentGroup
    menu_label = _("Comment dispositions")
    menu_icon = "tasks"
    list_display = ("__str__", "consultation", "comment_count", "disposition", "reason")
    list_filter = ("disposition", scoped_page_filter("consultation", _("consultation"), ConsultationPage))
    search_fields = ("summary", "reason", "comments__body")
    form_fields_exclude = ["consultation"]
    permission_helper_class = GroupPermissionHelper
    edit_view_class = GroupEditView
    inspect_view_enabled = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("consultation")
            .annotate(n=Count("comments", filter=~Q(comments__status=Status.SPAM)))
            .filter(n__gt=0)
        )

    def comment_count(self, obj):
        return obj.n

    comment_count.short_description = _("number of comments")


@require_POST
def moderate_view(request):
    if not request.user.has_perm("govopen_wagtail.change_consultationcomment"):
        raise PermissionDenied
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ConsultationCommentAdmin().url_helper.index_url
    ids = [pk for pk in map(parse_id, request.POST.getlist("ids")) if pk is not None]
    # Only comments of the moderator's own sites: others are silently not selected.
    ids = list(
        permissions.filter_for_user(ConsultationComment.objects.filter(pk__in=ids), request.user)
        .values_list("pk", flat=True)
    )
    try:
        result = service.moderate(ids, request.POST.get("action", ""), request.user, request.POST.get("reason", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, result.message)
    return redirect(next_url)
