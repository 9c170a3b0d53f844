"""Notification e-mails as staff see them: what went out, what waits for a
retry, what failed and why; failed ones can be sent again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import permissions
from ..models import Notification
from ..services.notifications import deliver_due, retry_now
from .holidays import ReadOnlyPermissionHelper
from .scoping import SiteScopedModelAdmin


class NotificationAdmin(SiteScopedModelAdmin):
    model = Notification
    menu_label = _("Notification e-mails")
    menu_icon = "mail"
    list_display = ("subject", "recipient", "status", "attempts", "next_attempt_at", "sent_at", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("subject", "recipient")
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    index_template_name = "govopen_wagtail/admin/notification_index.html"


@require_POST
def retry_failed_view(request):
    if not request.user.has_perm("govopen_wagtail.view_notification"):
        raise PermissionDenied
    failed = permissions.filter_for_user(Notification.objects.failed(), request.user)
    count = retry_now(failed)
    sent, _failed = deliver_due()
    messages.success(
        request,
        gettext("%(count)d notifications sent again; %(sent)d went out.") % {"count": count, "sent": sent},
    )
    return redirect(NotificationAdmin().url_helper.index_url)
