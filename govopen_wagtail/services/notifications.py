"""E-mails to commenters who asked to hear back. Each comment is told at
most once per event; the time it was told is recorded on the comment."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..models.consultations import ConsultationComment


def send_comment_notifications(kind: str, comment_ids: list[int]) -> int:
    field = {"published": "notified_published_at", "feedback": "notified_feedback_at"}[kind]
    comments = (
        ConsultationComment.objects.filter(pk__in=comment_ids, notify=True, **{f"{field}__isnull": True})
        .exclude(contact_email="")
        .select_related("consultation")
    )
    if kind == "published":
        comments = comments.filter(status=ConsultationComment.Status.PUBLISHED)
    sent = 0
    for comment in comments:
        page = comment.consultation
        # The public pages are Chinese first; the e-mail follows the site.
        with translation.override(translation.get_language() or "zh-hans"):
            context = {"comment": comment, "consultation": page, "kind": kind, "url": page.get_full_url() or ""}
            subject = render_to_string("govopen_wagtail/email/comment_subject.txt", context).strip()
            body = render_to_string("govopen_wagtail/email/comment_body.txt", context)
        send_mail(subject, body, None, [comment.contact_email], fail_silently=False)
        ConsultationComment.objects.filter(pk=comment.pk).update(**{field: timezone.now()})
        sent += 1
    return sent
