"""Public views of the message page: send, the receipt, the lookup, the
answered messages and the figures per month."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.utils.translation import gettext

from .. import receipts
from ..message_rules import kind_label
from ..forms import read_token
from ..forms_messages import AnsweredFilterForm, MessageForm, MessageLookupForm
from ..models.messages import PublicMessage
from ..services import messages as service
from . import before_validation, lookup_refused, render_page

PER_PAGE = 20


def _urls(page, request) -> dict:
    base = page.get_url(request) or ""
    return {
        "send_url": base + page.reverse_subpage("send"),
        "status_url": base + page.reverse_subpage("status"),
        "answered_url": base + page.reverse_subpage("answered"),
        "statistics_url": base + page.reverse_subpage("statistics"),
        "page_base": base,
    }


def page_context(page, request, context: dict) -> dict:
    extra = _urls(page, request)
    if page.accept_messages and "form" not in context:
        extra["form"] = MessageForm(page=page, initial=MessageForm.initial_for(page, request))
    form = context.get("form") or extra.get("form")
    extra["about"] = form.about_target() if form is not None else None
    extra.setdefault("lookup_form", context.get("lookup_form") or MessageLookupForm())
    if page.publish_answers:
        extra["recent_answers"] = list(
            PublicMessage.objects.filter(page=page).published().order_by("-answered_at", "-pk")[:5])
    extra["kinds"] = [(kind_label(code), days) for code, days in service.govopen_settings.MESSAGE_KINDS.items()]
    return extra


def _render(page, request, status: int, template: str | None = None, **context):
    response = render_page(page, request, status, template, **context)
    # Receipts and lookups carry the query code: never kept by caches.
    response["Cache-Control"] = "no-store, private"
    return response


def _receipt(page, request, message, code: str):
    return _render(page, request, 200, "govopen_wagtail/message_receipt.html", message=message,
                   code=receipts.format_code(code), **_urls(page, request))


def send_view(page, request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # A form sent again (double tap, a retry after a timeout) gets its first
    # receipt, before the single-use captcha would refuse it.
    nonce = read_token(request.POST.get("token", ""), page.pk)
    if nonce:
        earlier = PublicMessage.objects.filter(page=page, submission_token=nonce).first()
        if earlier is not None:
            return _receipt(page, request, earlier, service.code_for_token(nonce))
    form = MessageForm(request.POST, page=page)
    early = before_validation(
        page, request, form, "message",
        gettext("Too many messages from your connection. Please wait %(minutes)d minutes and send it again; "
                "what you typed is kept below."),
    )
    if early is not None:
        early["Cache-Control"] = "no-store, private"
        return early
    if not page.accept_messages:
        form.is_valid()
        form.errors.clear()
        form.add_error(None, gettext("This office does not take messages online at the moment."))
        return _render(page, request, 403, form=form)
    if not form.is_valid():
        form.refresh_token()
        return _render(page, request, 400, form=form)
    data = form.cleaned_data
    about = form.about_page
    try:
        message, code, created = service.submit_message(
            page,
            service.MessageInput(
                kind=data["kind"], subject=data["subject"], body=data["body"], name=data["name"],
                contact_email=data["contact_email"], contact_phone=data["contact_phone"],
                wants_reply=data["wants_reply"], consent_publish=data["consent_publish"],
                about_page_id=about.pk if about else None, about_title=about.title if about else "",
            ),
            token=data["token"],
        )
    except service.MessageError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _render(page, request, 400, form=form)
    if created:
        service.notify_office(message)
    return _receipt(page, request, message, code)


def status_view(page, request):
    if request.method == "GET":
        return _render(page, request, 200, "govopen_wagtail/message_status.html", lookup_form=MessageLookupForm(),
                       message=None, **_urls(page, request))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = MessageLookupForm(request.POST)
    retry_after = lookup_refused(request, form)
    if retry_after is not None:
        response = _render(page, request, 429, "govopen_wagtail/message_status.html", lookup_form=form,
                           message=None, **_urls(page, request))
        response["Retry-After"] = str(retry_after)
        return response
    message = None
    if form.is_valid():
        message = service.find_for_writer(page, form.cleaned_data["receipt_number"], form.cleaned_data["code"])
        if message is None:
            # One message whatever was wrong: nothing tells whether the number exists.
            form.add_error(None, gettext(
                "No message matches this receipt number and query code. Check both (the code has eight "
                "letters and digits, e.g. K7QM-P3XR) and try again."))
    if message is None:
        return _render(page, request, 400, "govopen_wagtail/message_status.html", lookup_form=form, message=None,
                       **_urls(page, request))
    return _render(page, request, 200, "govopen_wagtail/message_status.html", lookup_form=MessageLookupForm(),
                   message=message, **_urls(page, request))


def _years(page) -> list[int]:
    return sorted({d.year for d in PublicMessage.objects.filter(page=page).published()
                   .dates("received_on", "year")}, reverse=True)


def answered_view(page, request):
    if not page.publish_answers:
        raise Http404
    form = AnsweredFilterForm(request.GET or None, years=_years(page))
    messages = PublicMessage.objects.filter(page=page).published().order_by("-answered_at", "-pk")
    if form.is_bound and form.is_valid():
        if form.cleaned_data["kind"]:
            messages = messages.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["year"]:
            messages = messages.filter(received_on__year=form.cleaned_data["year"])
    elif form.is_bound:
        messages = messages.none()
    paginated = Paginator(messages, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(page, request, 200 if not form.is_bound or form.is_valid() else 400,
                       "govopen_wagtail/message_answered.html", filter_form=form, messages_page=paginated,
                       query=query.urlencode(), **_urls(page, request))


def answer_view(page, request, message_id: int):
    if not page.publish_answers:
        raise Http404
    message = PublicMessage.objects.filter(page=page, pk=message_id).published().first()
    if message is None:
        raise Http404
    return render_page(page, request, 200, "govopen_wagtail/message_answer.html", message=message,
                       **_urls(page, request))


def statistics_view(page, request):
    today = service.local_now().date()
    first = PublicMessage.objects.filter(page=page).order_by("received_on").values_list("received_on", flat=True)
    first_year = (first.first() or today).year
    years = list(range(today.year, first_year - 1, -1))
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = None
    if year not in years:
        return render_page(page, request, 404, "govopen_wagtail/message_statistics.html", years=years, year=None,
                           figures=[], total=None, **_urls(page, request))
    figures = service.monthly_figures(PublicMessage.objects.filter(page=page), year)
    months = [f for f in figures if year < today.year or f.month <= dt.date(today.year, today.month, 1)]
    return render_page(page, request, 200, "govopen_wagtail/message_statistics.html", years=years, year=year,
                       figures=months, total=service.totals(figures), **_urls(page, request))
