"""The casework of disclosure on application: every change to a case goes
through one of these functions, which check the rules of 条例 arts. 29–45
and refuse with a translated :class:`CaseError` what the rules forbid.

Each function saves inside one transaction and records who did it (the
case's history is django-simple-history's).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields as dataclass_fields

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import application_rules as rules, receipts
from ..calendar import get_calendar
from ..conf import govopen_settings
from ..files import FileRejected, check_file, sha256_of
from ..models.applications import (
    ApplicationCounter,
    ApplicationFile,
    ApplicationNote,
    ApplicationPage,
    ApplicationPause,
    InformationApplication,
    format_number,
    local_today,
)

App = InformationApplication
State = App.State
IDENTITY_KINDS = frozenset({"pdf", "png", "jpg"})
PROVIDED_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "ofd", "png", "jpg", "zip"})


class CaseError(Exception):
    """A rule refuses the change; ``message`` says which, for the handler."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass
class ApplicationInput:
    applicant_type: str
    name: str
    id_type: str
    id_number: str
    description: str
    delivery: str
    contact_phone: str = ""
    contact_email: str = ""
    postal_address: str = ""
    postcode: str = ""
    document_number: str = ""
    purpose: str = ""
    channel: str = App.Channel.ONLINE
    received_on: dt.date | None = None
    requestable_id: int | None = None

    @classmethod
    def from_form(cls, cleaned_data: dict, **values) -> "ApplicationInput":
        names = {f.name for f in dataclass_fields(cls)}
        return cls(**{k: v for k, v in {**cleaned_data, **values}.items() if k in names})


@dataclass
class UploadedFile:
    name: str
    data: bytes


def _code_for_token(token: str) -> str:
    return receipts.code_for_token("govopen-app-code", token)


def check_upload(upload: UploadedFile, allowed=IDENTITY_KINDS, max_mb: int | None = None):
    max_mb = max_mb or govopen_settings.APPLICATION_MAX_UPLOAD_MB
    try:
        return check_file(upload.name, upload.data, allowed=allowed, max_bytes=max_mb * 1024 * 1024)
    except FileRejected as exc:
        raise CaseError(exc.message, "attachment") from exc


def _keep_file(application, kind: str, upload: UploadedFile, user=None, allowed=PROVIDED_KINDS) -> ApplicationFile:
    checked = check_upload(upload, allowed, govopen_settings.MAX_UPLOAD_MB if allowed is PROVIDED_KINDS else None)
    return ApplicationFile.objects.create(
        application=application, kind=kind, name=upload.name[-200:], content_kind=checked.kind,
        size=len(upload.data), sha256=sha256_of(upload.data), content=upload.data, uploaded_by=user,
    )


def submit_application(
    page: ApplicationPage,
    data: ApplicationInput,
    *,
    token: str = "",
    entered_by=None,
    attachments: list[UploadedFile] | tuple = (),
) -> tuple[InformationApplication, str, bool]:
    """Register an application: (application, query code, created).

    Online applications are received the day the receipt is shown (条例 art.
    31); a form sent again with the same token gets the first receipt back.
    Offline ones (staff) carry their real date of receipt.
    """
    for upload in attachments:
        check_upload(upload)
    today = local_today()
    online = data.channel == App.Channel.ONLINE
    if online:
        if not page.live or not page.accept_online:
            raise CaseError(_("This office does not take applications online; apply in person or by post."))
        received = today
    else:
        received = data.received_on or today
        if received > today:
            raise CaseError(_("The date of receipt cannot be in the future."), "received_on")
    if token:
        earlier = App.objects.filter(page=page, submission_token=token).first()
        if earlier is not None:
            return earlier, _code_for_token(token), False
    code = _code_for_token(token) if token else receipts.random_code()
    site = page.get_site()
    try:
        with transaction.atomic():
            serial = ApplicationCounter.next_serial(site, received.year, "receipt")
            application = App(
                page=page,
                receipt_number=format_number(page.receipt_prefix, received.year, serial),
                year=received.year,
                serial=serial,
                query_code_hash=App.hash_code(code),
                submission_token=token,
                channel=data.channel,
                received_on=received,
                entered_by=entered_by,
                applicant_type=data.applicant_type,
                name=data.name.strip(),
                id_type=data.id_type,
                id_number=data.id_number.strip(),
                contact_phone=data.contact_phone.strip(),
                contact_email=data.contact_email.strip(),
                postal_address=data.postal_address.strip(),
                postcode=data.postcode.strip(),
                description=data.description.strip(),
                document_number=data.document_number.strip(),
                purpose=data.purpose.strip(),
                delivery=data.delivery,
                requestable_id=data.requestable_id,
            )
            application._history_user = entered_by
            application.save()
            for upload in attachments:
                _keep_file(application, ApplicationFile.Kind.IDENTITY, upload, entered_by, IDENTITY_KINDS)
    except IntegrityError:
        # The same token won a race in another request: answer with its receipt.
        earlier = App.objects.filter(page=page, submission_token=token).first() if token else None
        if earlier is None:
            raise
        return earlier, code, False
    return application, code, True


def find_for_applicant(page: ApplicationPage, receipt_number: str, code: str) -> InformationApplication | None:
    """The application if both the receipt number and the query code match."""
    return receipts.find_by_receipt(App.objects.filter(page=page), receipt_number, code)


# Casework ---------------------------------------------------------------------


def _save(application: InformationApplication, user, reason: str = "") -> None:
    application._history_user = user
    if reason:
        application._change_reason = reason[:100]
    application.save()


def _not_before(day: dt.date, earliest: dt.date, what: str, field: str) -> None:
    if day < earliest:
        raise CaseError(
            _("%(what)s (%(day)s) cannot be before %(earliest)s.")
            % {"what": what, "day": day.isoformat(), "earliest": earliest.isoformat()},
            field,
        )


def _not_future(day: dt.date, field: str) -> None:
    if day > local_today():
        raise CaseError(_("This date is in the future: record what has happened, on the day it happened."), field)


def _require_state(application, *states) -> None:
    if application.state not in states:
        raise CaseError(
            _("Not possible while the application is “%(state)s”.") % {"state": application.get_state_display()}
        )


@transaction.atomic
def assign(application, *, unit: str, assisting_units: str = "", handler=None, user=None) -> None:
    _require_state(application, *App.OPEN_STATES)
    application.unit = unit.strip()
    application.assisting_units = assisting_units.strip()
    application.handler = handler
    if application.state == State.RECEIVED:
        application.state = State.IN_PROGRESS
    _save(application, user, "assign")


@transaction.atomic
def request_correction(application, *, on: dt.date, due: dt.date, items: str, user=None) -> None:
    if application.correction_requested_on:
        raise CaseError(_("A correction can be requested only once (条例第三十条)."), "on")
    _require_state(application, State.RECEIVED, State.IN_PROGRESS)
    _not_future(on, "on")
    _not_before(on, application.received_on, _("The correction notice"), "on")
    limit = get_calendar().add_working_days(application.received_on, rules.CORRECTION_NOTICE_WORKING_DAYS)
    if on > limit.date:
        raise CaseError(
            _("A correction must be requested within 7 working days of receipt, that is by %(date)s "
              "(条例第三十条). Reply on the application as it stands.") % {"date": limit.date.isoformat()},
            "on",
        )
    if due <= on:
        raise CaseError(_("Give the applicant a date after the notice to send the correction."), "due")
    if not items.strip():
        raise CaseError(_("Say what the applicant must correct."), "items")
    application.correction_requested_on = on
    application.correction_due = due
    application.correction_items = items.strip()
    application.state = State.CORRECTION
    _save(application, user, "correction requested")


@transaction.atomic
def record_correction(application, *, on: dt.date, user=None) -> None:
    _require_state(application, State.CORRECTION)
    _not_future(on, "on")
    _not_before(on, application.correction_requested_on, _("The corrected application"), "on")
    if on > application.correction_due:
        raise CaseError(
            _("The correction arrived after %(due)s, the date in the notice: the application is deemed abandoned "
              "unless there was a good reason. Record it as abandoned, or note the reason and change the date "
              "in the notice first.") % {"due": application.correction_due.isoformat()},
            "on",
        )
    application.corrected_on = on
    application.state = State.IN_PROGRESS
    _save(application, user, "corrected")


@transaction.atomic
def mark_abandoned(application, *, on: dt.date, user=None) -> None:
    """No correction by the stated date: deemed abandoned (table 三 （六）1)."""
    _require_state(application, State.CORRECTION)
    if on <= application.correction_due:
        raise CaseError(
            _("The applicant has until %(due)s to correct; the application cannot be treated as abandoned before.")
            % {"due": application.correction_due.isoformat()},
            "on",
        )
    _not_future(on, "on")
    application.state = State.ABANDONED
    application.outcome = "other_1"
    application.closed_on = on
    _save(application, user, "abandoned")


@transaction.atomic
def start_pause(application, *, kind: str, on: dt.date, party: str = "", note: str = "", user=None) -> ApplicationPause:
    _require_state(application, State.RECEIVED, State.IN_PROGRESS)
    _not_future(on, "on")
    start = application.corrected_on or application.received_on
    _not_before(on, start, _("The request for an opinion"), "on")
    if kind not in ApplicationPause.Kind.values:
        raise CaseError(_("Choose what the clock waits for."), "kind")
    if kind != ApplicationPause.Kind.FEE and not party.strip():
        raise CaseError(_("Name the third party or agency consulted."), "party")
    pause = ApplicationPause(application=application, kind=kind, started_on=on, party=party.strip(), note=note)
    pause._history_user = user
    pause.save()
    application.state = State.CONSULTING
    _save(application, user, "pause")
    return pause


@transaction.atomic
def end_pause(application, *, on: dt.date, note: str = "", user=None) -> ApplicationPause:
    _require_state(application, State.CONSULTING)
    pause = application.pauses.filter(ended_on__isnull=True).last()
    if pause is None:
        raise CaseError(_("Nothing is awaited for this application."))
    _not_future(on, "on")
    _not_before(on, pause.started_on, _("The answer"), "on")
    pause.ended_on = on
    if note:
        pause.note = (pause.note + "\n" + note).strip()
    pause._history_user = user
    pause.save()
    application.state = State.IN_PROGRESS
    _save(application, user, "pause ended")
    return pause


@transaction.atomic
def extend(application, *, days: int, approver: str, reason: str, on: dt.date, user=None) -> None:
    if application.extension_days:
        raise CaseError(_("The time limit can be extended only once (条例第三十三条)."), "days")
    _require_state(application, State.RECEIVED, State.IN_PROGRESS, State.CONSULTING)
    if not 1 <= days <= rules.EXTENSION_MAX_WORKING_DAYS:
        raise CaseError(_("An extension is 1 to 20 working days."), "days")
    if not approver.strip():
        raise CaseError(_("Name who approved the extension (the office's head)."), "approver")
    if not reason.strip():
        raise CaseError(_("Give the reason for the extension: the applicant is told it."), "reason")
    _not_future(on, "on")
    _not_before(on, application.received_on, _("The extension"), "on")
    due = application.clock().due
    if due and on > due:
        raise CaseError(
            _("The reply was due on %(due)s: an extension must be decided before the time limit ends.")
            % {"due": due.isoformat()},
            "on",
        )
    application.extension_days = days
    application.extension_approver = approver.strip()
    application.extension_reason = reason.strip()
    application.extended_on = on
    _save(application, user, "extended")


@transaction.atomic
def record_reply(application, *, outcome: str, reason: str, on: dt.date, fee=None, user=None) -> None:
    _require_state(application, State.RECEIVED, State.IN_PROGRESS)
    try:
        info = rules.outcome(outcome)
    except ValueError:
        raise CaseError(_("Choose a reply type from the list."), "outcome") from None
    _not_future(on, "on")
    _not_before(on, application.received_on, _("The reply"), "on")
    if application.corrected_on:
        _not_before(on, application.corrected_on, _("The reply"), "on")
    last_pause = application.pauses.order_by("-started_on").first()
    if last_pause and last_pause.ended_on and on < last_pause.started_on:
        raise CaseError(_("The reply cannot be dated before an opinion was sought for it."), "on")
    if info.group in ("partial", "withhold", "unable", "not_handled") and not reason.strip():
        raise CaseError(_("Give the reasons: a reply that does not disclose everything must say why."), "reason")
    application.outcome = outcome
    application.outcome_reason = reason.strip()
    application.replied_on = on
    application.fee_amount = fee
    application.state = State.REPLIED
    if not application.reply_number:
        serial = ApplicationCounter.next_serial(application.page.get_site(), on.year, "reply")
        application.reply_number = format_number(application.page.reply_prefix, on.year, serial)
    _save(application, user, "replied")


@transaction.atomic
def mark_delivered(application, *, on: dt.date, user=None) -> None:
    _require_state(application, State.REPLIED)
    _not_future(on, "on")
    _not_before(on, application.replied_on, _("Delivery"), "on")
    application.delivered_on = on
    application.state = State.DELIVERED
    _save(application, user, "delivered")


@transaction.atomic
def close(application, *, on: dt.date, user=None) -> None:
    _require_state(application, State.REPLIED, State.DELIVERED)
    _not_future(on, "on")
    _not_before(on, application.delivered_on or application.replied_on, _("Closing"), "on")
    application.closed_on = on
    application.state = State.CLOSED
    _save(application, user, "closed")


@transaction.atomic
def withdraw(application, *, on: dt.date, user=None) -> None:
    _require_state(application, *App.OPEN_STATES)
    _not_future(on, "on")
    _not_before(on, application.received_on, _("The withdrawal"), "on")
    application.pauses.filter(ended_on__isnull=True).update(ended_on=on)
    application.closed_on = on
    application.state = State.WITHDRAWN
    # Table 三 counts a withdrawal under （六）3 其他.
    application.outcome = application.outcome or "other_3"
    _save(application, user, "withdrawn")


@transaction.atomic
def record_review(application, *, review_result: str, litigation: str, litigation_result: str, user=None) -> None:
    if application.state not in App.ENDED_STATES:
        raise CaseError(_("A review or lawsuit is recorded once the application has been answered."))
    if bool(litigation) != bool(litigation_result):
        raise CaseError(_("Give both the kind of lawsuit and its result (or neither)."), "litigation_result")
    if litigation == App.Litigation.AFTER_REVIEW and not review_result:
        raise CaseError(_("A lawsuit after review needs the review's result too."), "review_result")
    application.review_result = review_result
    application.litigation = litigation
    application.litigation_result = litigation_result
    _save(application, user, "review")


def add_note(application, *, kind: str, text: str, user=None) -> ApplicationNote:
    if not text.strip():
        raise CaseError(_("The note is empty."), "text")
    return ApplicationNote.objects.create(application=application, kind=kind, text=text.strip(), author=user)


def add_file(application, *, kind: str, upload: UploadedFile, user=None) -> ApplicationFile:
    return _keep_file(application, kind, upload, user)


# Overview -----------------------------------------------------------------------


def similar_applications(application) -> list[InformationApplication]:
    """Other applications to the same page for the same information: the same
    文号, the same listed document, or the same description once spaces and
    punctuation are ignored. Looks back over this year and the last."""
    key = _description_key(application.description)
    candidates = (
        App.objects.filter(page_id=application.page_id, received_on__year__gte=application.received_on.year - 1)
        .exclude(pk=application.pk)
        .only("pk", "receipt_number", "received_on", "state", "description", "document_number", "requestable_id")
    )
    return [
        a for a in candidates
        if (application.document_number and a.document_number == application.document_number)
        or (application.requestable_id and a.requestable_id == application.requestable_id)
        or _description_key(a.description) == key
    ]


def _description_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text or "").lower()


def is_repeated(application) -> bool:
    return len(similar_applications(application)) + 1 >= govopen_settings.APPLICATION_REPEAT_THRESHOLD


def due_soon(queryset, *, within: int | None = None, today: dt.date | None = None):
    """(overdue, due within ``within`` working days) among open applications,
    each a list of (application, clock). One calendar for the whole list."""
    today = today or local_today()
    within = govopen_settings.APPLICATION_REMIND_WORKING_DAYS if within is None else within
    calendar = get_calendar()
    overdue, soon = [], []
    for application in queryset.open().exclude(state=State.CORRECTION).prefetch_related("pauses"):
        clock = application.clock(today, calendar)
        if clock.due is None:
            continue
        if today > clock.due:
            overdue.append((application, clock))
        elif clock.days_left is not None and clock.days_left <= within:
            soon.append((application, clock))
    return overdue, soon


def correction_lapsed(queryset, today: dt.date | None = None):
    """Applications whose correction did not arrive by the stated date."""
    today = today or local_today()
    return queryset.filter(state=State.CORRECTION, correction_due__lt=today)


def queue_reminders(today: dt.date | None = None) -> int:
    """One e-mail to the handler per application and due date, when the reply
    is due within the reminder window or overdue. No personal data in it."""
    from ..models import Notification

    today = today or local_today()
    overdue, soon = due_soon(App.objects.filter(handler__isnull=False).exclude(handler__email=""), today=today)
    queued = 0
    for application, clock in overdue + soon:
        subject = _("Application %(number)s: reply due on %(due)s") % {
            "number": application.receipt_number, "due": clock.due.isoformat()}
        if Notification.objects.filter(page_id=application.page_id, kind="application_due", subject=subject).exists():
            continue
        late = today > clock.due
        body = (
            _("The reply to application %(number)s is overdue: it was due on %(due)s.") if late else
            _("The reply to application %(number)s is due on %(due)s (%(left)d working days left).")
        ) % {"number": application.receipt_number, "due": clock.due.isoformat(), "left": clock.days_left or 0}
        Notification.objects.create(
            page_id=application.page_id, kind="application_due", recipient=application.handler.email,
            subject=subject[:255], body=body,
        )
        queued += 1
    return queued


def notify_office(application) -> bool:
    """Tell the office of a new online application (receipt number only)."""
    from ..models import Notification

    page = application.page
    if not page.handler_email:
        return False
    Notification.objects.create(
        page=page, kind="application_new", recipient=page.handler_email,
        subject=(_("New application for information %(number)s") % {"number": application.receipt_number})[:255],
        body=_("Application %(number)s was received on %(date)s. Open the applications list in the admin to "
               "handle it.") % {"number": application.receipt_number, "date": application.received_on.isoformat()},
    )
    return True

