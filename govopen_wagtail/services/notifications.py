"""E-mails to commenters who asked to hear back.

Writing a notification and sending it are two steps: :func:`queue_comment_notifications`
stores one :class:`~govopen_wagtail.models.Notification` per comment and event
(at most once each), :func:`deliver_due` sends those that are due, each on its
own, so one refused address or a mail server that is down for a while loses
nothing: a failed attempt waits ``NOTIFICATION_RETRY_SECONDS`` × 2ⁿ and tries
again, up to ``NOTIFICATION_MAX_ATTEMPTS``, then shows as failed in the admin.
Retries run whenever notifications are delivered: after the next event, from
``manage.py govopen_send_notifications`` (cron), or at once with a task
backend that can defer work.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..conf import govopen_settings
from ..models.consultations import ConsultationComment
from ..models.notifications import Notification

logger = logging.getLogger(__name__)
_FIELDS = {"published": "notified_published_at", "feedback": "notified_feedback_at"}


def queue_comment_notifications(kind: str, comment_ids: list[int]) -> int:
    field = _FIELDS[kind]
    comments = (
        ConsultationComment.objects.filter(pk__in=comment_ids, notify=True, **{f"{field}__isnull": True})
        .exclude(contact_email="")
        .exclude(notifications__kind=kind)
        .select_related("consultation")
    )
    if kind == "published":
        comments = comments.filter(status=ConsultationComment.Status.PUBLISHED)
    queued = 0
    for comment in comments:
        page = comment.consultation
        # The public pages are Chinese first; the e-mail follows the site.
        with translation.override(translation.get_language() or "zh-hans"):
            context = {"comment": comment, "consultation": page, "kind": kind, "url": page.get_full_url() or ""}
            subject = render_to_string("govopen_wagtail/email/comment_subject.txt", context).strip()
            body = render_to_string("govopen_wagtail/email/comment_body.txt", context)
        try:
            with transaction.atomic():
                Notification.objects.create(
                    page_id=page.pk, comment=comment, kind=kind, recipient=comment.contact_email,
                    subject=subject[:255], body=body,
                )
        except IntegrityError:  # queued meanwhile by another process
            continue
        queued += 1
    return queued


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=govopen_settings.NOTIFICATION_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def deliver(notification: Notification, now: dt.datetime | None = None) -> bool:
    """One attempt at one notification; True when it went out."""
    now = now or timezone.now()
    try:
        send_mail(notification.subject, notification.body, None, [notification.recipient], fail_silently=False)
    except Exception as exc:  # SMTP refusals, timeouts, a server that is down …
        notification.attempts += 1
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= govopen_settings.NOTIFICATION_MAX_ATTEMPTS:
            notification.status = Notification.Status.FAILED
        else:
            notification.next_attempt_at = now + backoff(notification.attempts)
        notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        logger.warning("Notification %s to %s failed (attempt %d): %s", notification.pk,
                       notification.recipient, notification.attempts, exc)
        return False
    notification.attempts += 1
    notification.status = Notification.Status.SENT
    notification.sent_at = now
    notification.last_error = ""
    notification.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    if notification.comment_id and notification.kind in _FIELDS:
        ConsultationComment.objects.filter(pk=notification.comment_id).update(**{_FIELDS[notification.kind]: now})
    return True


def deliver_due(now: dt.datetime | None = None, limit: int = 500) -> tuple[int, int]:
    """Send every due notification; (sent, failed attempts)."""
    now = now or timezone.now()
    sent = failed = 0
    for notification in Notification.objects.due(now).order_by("next_attempt_at", "pk")[:limit]:
        if deliver(notification, now):
            sent += 1
        else:
            failed += 1
    return sent, failed


def retry_now(queryset) -> int:
    """Put failed (or waiting) notifications back to be sent at once."""
    return queryset.exclude(status=Notification.Status.SENT).update(
        status=Notification.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
    )


def send_comment_notifications(kind: str, comment_ids: list[int]) -> int:
    """Queue this event's e-mails and send what is due; returns the number sent."""
    queue_comment_notifications(kind, comment_ids)
    sent, _failed = deliver_due()
    schedule_retry()
    return sent


def schedule_retry() -> None:
    """With a backend that can defer tasks, come back when the next retry is due."""
    from ..tasks import deliver_notifications

    if not getattr(deliver_notifications.get_backend(), "supports_defer", False):
        return
    upcoming = Notification.objects.filter(status=Notification.Status.PENDING).order_by("next_attempt_at").first()
    if upcoming is None:
        return
    deliver_notifications.using(run_after=max(upcoming.next_attempt_at, timezone.now())).enqueue()
