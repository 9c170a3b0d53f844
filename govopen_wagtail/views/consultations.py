"""Public views of a consultation: sending a comment, its receipt, the feedback."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext

from .. import ratelimit
from ..forms import read_token
from ..models.consultations import ConsultationComment, ConsultationState
from ..services import comments as service
from . import before_validation, render_page


def submit_comment_view(page, request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    nonce = read_token(request.POST.get("token", ""), page.pk)
    form = page.comment_form_class()(request.POST, consultation=page)
    early = before_validation(
        page, request, form, "comment",
        gettext("Too many comments from your connection. Please wait %(minutes)d minutes and send it again; "
                "your text is kept below."),
    )
    if early is not None:
        return _earlier_receipt(page, request, nonce) or early
    comment = refused = None
    # The captcha is used up in the transaction that saves the comment: one
    # commit a comment, not two (each a flush to disk on PostgreSQL). A
    # refused comment still uses its captcha up (the refusal is caught
    # inside), so one answer never sends two comments. Pages are rendered
    # after the commit, never holding SQLite's write lock.
    with transaction.atomic():
        if form.is_valid():
            data = form.cleaned_data
            try:
                comment, _created = service.submit_comment(
                    page,
                    service.CommentInput.from_form(data, section_id=data["section"]),
                    token=data["token"],
                    client=ratelimit.client_ip(request),
                    # A token already used is caught by the unique constraint on save.
                    token_checked=True,
                )
            except service.CommentRefused as exc:
                refused = exc
    if refused is not None:
        form.add_error(None, refused.message)
        # A closed window leaves the text with its writer but offers no form.
        return render_page(page, request, 403 if refused.code in ("closed", "not_open", "offline") else 400,
                           form=form, refused=refused.code)
    if comment is None:
        # A form sent again (double tap, retry after a timeout) fails the
        # single-use captcha: it is answered with the first receipt. Looked up
        # only here, so a first submission pays no query for it.
        earlier = _earlier_receipt(page, request, nonce)
        if earlier is not None:
            return earlier
        form.refresh_token()
        return render_page(page, request, 400, form=form)
    return redirect(page.get_url(request) + page.reverse_subpage("receipt", args=[comment.receipt_number]))


def _earlier_receipt(page, request, nonce: str | None):
    """A redirect to the receipt of the comment this form already sent, if any."""
    if not nonce:
        return None
    earlier = ConsultationComment.objects.filter(consultation=page, submission_token=nonce).first()
    if earlier is None:
        return None
    return redirect(page.get_url(request) + page.reverse_subpage("receipt", args=[earlier.receipt_number]))


def receipt_view(page, request, number: str):
    comment = ConsultationComment.objects.filter(consultation=page, receipt_number=number[:32].upper()).first()
    if comment is None:
        raise Http404
    return page.render(
        request,
        template="govopen_wagtail/consultation_receipt.html",
        context_overrides={"comment": comment},
    )


def feedback_view(page, request):
    if page.state_at() != ConsultationState.FEEDBACK:
        response = page.render(
            request, template="govopen_wagtail/consultation_feedback.html", context_overrides={"stats": None}
        )
        response.status_code = 404
        return response
    return page.render(
        request,
        template="govopen_wagtail/consultation_feedback.html",
        context_overrides={"stats": service.feedback_statistics(page)},
    )
