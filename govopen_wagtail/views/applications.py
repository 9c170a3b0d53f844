"""Public views of disclosure on application: apply, the receipt, the status
lookup, the reply letters and the list of documents available on application."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext

from .. import receipts
from ..forms import read_token
from ..forms_applications import ApplicationForm, LookupForm
from ..models.applications import ApplicationLetter, InformationApplication, LetterKind
from ..services import applications as service
from ..services.background import run_in_background
from . import before_validation, lookup_refused, render_page

SESSION_KEY = "govopen_applications"


def _render(page, request, status: int, template: str | None = None, **context):
    response = render_page(page, request, status, template, **context)
    # Receipts and case details carry the query code: never kept by caches.
    response["Cache-Control"] = "no-store, private"
    return response


def _receipt(page, request, application, code: str):
    return _render(
        page, request, 200, "govopen_wagtail/application_receipt.html",
        application=application, code=receipts.format_code(code), clock=application.clock(),
        status_url=page.get_url(request) + page.reverse_subpage("status"),
    )


def apply_view(page, request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # A form sent again (double tap, a retry after a timeout) gets its first
    # receipt, before the single-use captcha would refuse it.
    nonce = read_token(request.POST.get("token", ""), page.pk)
    if nonce:
        earlier = InformationApplication.objects.filter(page=page, submission_token=nonce).first()
        if earlier is not None:
            return _receipt(page, request, earlier, service._code_for_token(nonce))
    form = ApplicationForm(request.POST, request.FILES, page=page)
    early = before_validation(
        page, request, form, "application",
        gettext("Too many applications from your connection. Please wait %(minutes)d minutes and send it again; "
                "what you typed is kept below."),
    )
    if early is not None:
        early["Cache-Control"] = "no-store, private"
        return early
    if not page.accept_online:
        form.is_valid()
        form.errors.clear()
        form.add_error(None, gettext("This office does not take applications online; apply in person or by post."))
        return _render(page, request, 403, form=form)
    if not form.is_valid():
        form.refresh_token()
        return _render(page, request, 400, form=form)
    data = form.cleaned_data
    attachments = [data["attachment"]] if data.get("attachment") else []
    try:
        application, code, created = service.submit_application(
            page,
            service.ApplicationInput.from_form(data, requestable_id=data.get("requestable")),
            token=data["token"],
            attachments=attachments,
        )
    except service.CaseError as exc:
        form.add_error(None, exc.message)
        return _render(page, request, 400, form=form)
    if created:
        if service.notify_office(application):
            from django.db import transaction

            from ..tasks import deliver_notifications

            transaction.on_commit(lambda: run_in_background(deliver_notifications))
    return _receipt(page, request, application, code)


def status_view(page, request):
    if request.method == "GET":
        return _render(page, request, 200, "govopen_wagtail/application_status.html",
                       lookup_form=LookupForm(), application=None)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = LookupForm(request.POST)
    retry_after = lookup_refused(request, form)
    if retry_after is not None:
        response = _render(page, request, 429, "govopen_wagtail/application_status.html", lookup_form=form,
                           application=None)
        response["Retry-After"] = str(retry_after)
        return response
    application = None
    if form.is_valid():
        application = service.find_for_applicant(page, form.cleaned_data["receipt_number"], form.cleaned_data["code"])
        if application is None:
            # One message whatever was wrong: nothing tells whether the number exists.
            form.add_error(None, gettext(
                "No application matches this receipt number and query code. Check both (the code has eight "
                "letters and digits, e.g. K7QM-P3XR) and try again."))
    if application is None:
        return _render(page, request, 400, "govopen_wagtail/application_status.html",
                       lookup_form=form, application=None)
    if hasattr(request, "session"):
        allowed = set(request.session.get(SESSION_KEY, []))
        allowed.add(application.pk)
        request.session[SESSION_KEY] = sorted(allowed)[-20:]
    letters = application.letters.filter(sent_on__isnull=False).exclude(kind=LetterKind.THIRD_PARTY)
    base = page.get_url(request)
    return _render(
        page, request, 200, "govopen_wagtail/application_status.html",
        lookup_form=LookupForm(), application=application, clock=application.clock(),
        letters=[(letter, base + page.reverse_subpage("letter", args=[letter.pk, "pdf"]),
                  base + page.reverse_subpage("letter", args=[letter.pk, "docx"])) for letter in letters],
    )


def letter_view(page, request, letter_id: int, kind: str):
    """A sent letter, for the applicant who looked the case up in this browser."""
    if kind not in ("pdf", "docx"):
        raise Http404
    allowed = request.session.get(SESSION_KEY, []) if hasattr(request, "session") else []
    letter = (
        ApplicationLetter.objects.filter(pk=letter_id, application__page=page, application_id__in=allowed,
                                         sent_on__isnull=False)
        .exclude(kind=LetterKind.THIRD_PARTY)
        .first()
    )
    if letter is None:
        raise Http404
    data = bytes(letter.pdf if kind == "pdf" else letter.docx)
    response = HttpResponse(
        data,
        content_type="application/pdf" if kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"{letter.application.receipt_number}-{letter.kind}.{kind}"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store, private"
    return response


def requestable_view(page, request):
    release = page.requestable_release()
    documents = release.documents() if release else page.requestable_documents.none()
    paginated = Paginator(documents, 50).get_page(request.GET.get("page"))
    base = page.get_url(request)
    return page.render(
        request,
        template="govopen_wagtail/application_requestable.html",
        context_overrides={"release": release, "documents_page": paginated, "apply_base": base},
    )
