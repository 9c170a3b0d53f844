"""The handling of public messages (受理、转办、反馈): every change to a
message goes through one of these functions, which check what the state
allows and refuse with a translated :class:`MessageError` what it does not.

Each function saves inside one transaction and records who did it (the
message's history is django-simple-history's, the way through the units is
:class:`~govopen_wagtail.models.MessageRouting`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import message_rules, privacy, receipts
from ..calendar import DISCLOSURE_TIME_ZONE, get_calendar
from ..conf import govopen_settings
from ..models.applications import ApplicationCounter, format_number
from ..models.messages import MessagePage, MessageRouting, OfficeUnit, PublicMessage
from ..models.notifications import Notification

State = PublicMessage.State
_LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)


class MessageError(Exception):
    """The state or a rule refuses the change; ``message`` says why."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass
class MessageInput:
    kind: str
    subject: str
    body: str
    name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    wants_reply: bool = True
    consent_publish: bool = False
    about_page_id: int | None = None
    about_title: str = ""


def local_now() -> dt.datetime:
    return timezone.now().astimezone(DISCLOSURE_TIME_ZONE)


def code_for_token(token: str) -> str:
    return receipts.code_for_token("govopen-message-code", token)


def hold_reason(data: MessageInput) -> str:
    """Why a message waits for a person before it is handled ("" if it does not):
    sensitive words, as for comments, or a text full of links (spam)."""
    from .comments import sensitive_words

    text = f"{data.subject}\n{data.body}"
    words = sensitive_words().matches(text)
    if words:
        return _("sensitive words: %(words)s") % {"words": "、".join(words[:5])}
    links = len(_LINK_RE.findall(text))
    if links >= govopen_settings.MESSAGE_MAX_LINKS:
        return _("%(n)d links: possibly spam") % {"n": links}
    return ""


def submit_message(page: MessagePage, data: MessageInput, *, token: str) -> tuple[PublicMessage, str, bool]:
    """Register a message: (message, query code, created). A form sent again
    with the same token gets the first receipt back."""
    if not page.live or not page.accept_messages:
        raise MessageError(_("This office does not take messages online at the moment."))
    earlier = PublicMessage.objects.filter(page=page, submission_token=token).first()
    if earlier is not None:
        return earlier, code_for_token(token), False
    try:
        due = message_rules.message_due(local_now(), data.kind, tz=DISCLOSURE_TIME_ZONE)
    except ValueError as exc:
        raise MessageError(_("Choose the kind of message from the list."), "kind") from exc
    code = code_for_token(token)
    now = timezone.now()
    received = now.astimezone(DISCLOSURE_TIME_ZONE).date()
    reason = hold_reason(data)
    try:
        with transaction.atomic():
            serial = ApplicationCounter.next_serial(page.get_site(), received.year, "message")
            message = PublicMessage(
                page=page, receipt_number=format_number(page.receipt_prefix, received.year, serial),
                year=received.year, serial=serial, query_code_hash=PublicMessage.hash_code(code),
                submission_token=token, kind=data.kind, subject=data.subject.strip(), body=data.body.strip(),
                about_page_id=data.about_page_id, about_title=data.about_title[:255], name=data.name.strip(),
                contact_email=data.contact_email.strip(), contact_phone=data.contact_phone.strip(),
                wants_reply=data.wants_reply, consent_publish=data.consent_publish,
                received_at=now, received_on=received, due_on=due.date, due_provisional=due.provisional,
                state=State.HELD if reason else State.RECEIVED, held_reason=reason,
            )
            message.save()
    except IntegrityError:
        # The same token won a race in another request: answer with its receipt.
        earlier = PublicMessage.objects.filter(page=page, submission_token=token).first()
        if earlier is None:
            raise
        return earlier, code, False
    return message, code, True


def find_for_writer(page: MessagePage, receipt_number: str, code: str) -> PublicMessage | None:
    """The message if both the receipt number and the query code match."""
    return receipts.find_by_receipt(PublicMessage.objects.filter(page=page), receipt_number, code)


# Handling ------------------------------------------------------------------


def _require(message: PublicMessage, states, what: str) -> None:
    if message.state not in states:
        raise MessageError(_("%(what)s is not possible: the message is “%(state)s”.")
                           % {"what": what, "state": message.get_state_display()})


def _save(message: PublicMessage, user, reason: str) -> None:
    message._history_user = user
    message._change_reason = reason
    message.save()


def _purge(message: PublicMessage) -> None:
    """A CDN keeps the published answers and the figures (the page's cached
    paths): purge them when an answer or a count changes."""
    from .purge import purge_later

    purge_later(pages=[message.page])


@transaction.atomic
def release(message: PublicMessage, user) -> None:
    """A held message is fine after all: handle it like any other."""
    _require(message, (State.HELD,), _("Releasing"))
    message.state = State.RECEIVED
    _save(message, user, "release")


@transaction.atomic
def discard(message: PublicMessage, user, reason: str) -> None:
    """Spam or abuse: not handled, not answered, not counted."""
    _require(message, (State.HELD, State.RECEIVED), _("Setting aside"))
    if not reason.strip():
        raise MessageError(_("Say why the message is not accepted."), "reason")
    message.state = State.DISCARDED
    message.held_reason = reason.strip()[:255]
    _save(message, user, "discard")
    _purge(message)


@transaction.atomic
def forward(message: PublicMessage, unit: OfficeUnit, user, *, working_days: int | None = None,
            note: str = "", today: dt.date | None = None) -> MessageRouting:
    """转办: the unit answers within its own working days, never after the message is due."""
    _require(message, (State.RECEIVED, State.FORWARDED), _("Forwarding"))
    if unit.site_id != message.page.get_site().pk:
        raise MessageError(_("Choose a unit of this site."), "unit")
    if not unit.active:
        raise MessageError(_("This unit is no longer active; choose another."), "unit")
    if message.unit_id == unit.pk:
        raise MessageError(_("The message is already with this unit."), "unit")
    days = working_days or govopen_settings.MESSAGE_UNIT_WORKING_DAYS
    today = today or local_now().date()
    due = message_rules.unit_due(today, message.due_on, days)
    action = MessageRouting.Action.REASSIGN if message.state == State.FORWARDED else MessageRouting.Action.FORWARD
    message.state = State.FORWARDED
    message.unit = unit
    message.unit_due = due
    _save(message, user, action)
    step = MessageRouting.objects.create(message=message, action=action, unit=unit, unit_name=unit.name, by=user,
                                         due_on=due, note=note.strip())
    if unit.email:
        _notify(message, unit.email, "message_unit",
                _("Message %(number)s forwarded to %(unit)s, due %(due)s")
                % {"number": message.receipt_number, "unit": unit.name, "due": due.isoformat()},
                _("Message %(number)s (%(kind)s) was forwarded to %(unit)s. Please answer by %(due)s in the "
                  "admin's public messages list.")
                % {"number": message.receipt_number, "kind": message.get_kind_display(), "unit": unit.name,
                   "due": due.isoformat()})
    return step


@transaction.atomic
def return_from_unit(message: PublicMessage, user, reason: str) -> MessageRouting:
    """退回: the unit says the message is not theirs; the office routes it again."""
    _require(message, (State.FORWARDED,), _("Returning"))
    if not reason.strip():
        raise MessageError(_("Say why the unit returns the message."), "reason")
    unit = message.unit
    step = MessageRouting.objects.create(message=message, action=MessageRouting.Action.RETURN, unit=unit,
                                         unit_name=unit.name if unit else "", by=user, note=reason.strip())
    message.state = State.RECEIVED
    message.unit = None
    message.unit_due = None
    _save(message, user, "return")
    return step


@transaction.atomic
def draft_reply(message: PublicMessage, user, *, text: str, signed_by: str = "",
                now: dt.datetime | None = None) -> bool:
    """Save the reply; sent at once unless a second pair of eyes is required
    (GOVOPEN_MESSAGE_REPLY_APPROVAL). True when it went out."""
    _require(message, (State.RECEIVED, State.FORWARDED, State.DRAFTED), _("Replying"))
    if not text.strip():
        raise MessageError(_("Write the reply: it is empty."), "text")
    message.reply = text.strip()
    message.replied_by = signed_by.strip()[:100] or (message.unit.name if message.unit else "")
    message.drafted_by = user
    if message.unit_id:
        MessageRouting.objects.create(message=message, action=MessageRouting.Action.ANSWER, unit=message.unit,
                                      unit_name=message.unit.name, by=user)
    if govopen_settings.MESSAGE_REPLY_APPROVAL:
        message.state = State.DRAFTED
        _save(message, user, "draft")
        return False
    _answer(message, user, now)
    return True


@transaction.atomic
def approve_reply(message: PublicMessage, user, now: dt.datetime | None = None) -> None:
    _require(message, (State.DRAFTED,), _("Approving"))
    if message.drafted_by_id == user.pk:
        raise MessageError(_("Another member of staff approves the reply: you drafted it."))
    _answer(message, user, now)


def _answer(message: PublicMessage, user, now: dt.datetime | None) -> None:
    now = now or timezone.now()
    message.state = State.ANSWERED
    message.approved_by = user if govopen_settings.MESSAGE_REPLY_APPROVAL else None
    message.answered_at = now
    message.answered_on = max(now.astimezone(DISCLOSURE_TIME_ZONE).date(), message.received_on)
    _save(message, user, "answer")
    _purge(message)
    queue_reply(message)


@transaction.atomic
def set_published(message: PublicMessage, user, published: bool) -> None:
    """Staff's choice to show an answered message in public; only with the writer's consent."""
    if published:
        _require(message, (State.ANSWERED,), _("Publishing"))
        if not message.consent_publish:
            raise MessageError(_("The writer did not agree to publication: the message stays private."))
    message.published = published
    _save(message, user, "publish" if published else "unpublish")
    _purge(message)


# E-mails ---------------------------------------------------------------------


def _notify(message: PublicMessage, recipient: str, kind: str, subject: str, body: str) -> Notification:
    return Notification.objects.create(page_id=message.page_id, message=message, kind=kind, recipient=recipient,
                                       subject=subject[:255], body=body)


def queue_reply(message: PublicMessage) -> Notification | None:
    """The reply by e-mail when the writer left an address; kept and retried
    until delivered (and the lookup shows it whatever happens to the e-mail)."""
    if not message.contact_email or not message.wants_reply:
        return None
    if message.notifications.filter(kind="message_reply").exists():
        return None
    with translation.override(translation.get_language() or "zh-hans"):
        page = message.page
        context = {"message": message, "status_url": (page.get_full_url() or "") + page.reverse_subpage("status")}
        subject = render_to_string("govopen_wagtail/email/message_reply_subject.txt", context).strip()
        body = render_to_string("govopen_wagtail/email/message_reply_body.txt", context)
    notification = _notify(message, message.contact_email, "message_reply", subject, body)
    transaction.on_commit(_deliver_soon)
    return notification


def notify_office(message: PublicMessage) -> bool:
    """Tell the office of a new message (receipt number and due date only)."""
    page = message.page
    if not page.handler_email:
        return False
    _notify(message, page.handler_email, "message_new",
            _("New message %(number)s, due %(due)s") % {"number": message.receipt_number,
                                                         "due": message.due_on.isoformat()},
            _("Message %(number)s (%(kind)s) was received on %(date)s and is due by %(due)s. Open the public "
              "messages list in the admin to handle it.")
            % {"number": message.receipt_number, "kind": message.get_kind_display(),
               "date": message.received_on.isoformat(), "due": message.due_on.isoformat()})
    transaction.on_commit(_deliver_soon)
    return True


def _deliver_soon() -> None:
    from ..tasks import deliver_notifications
    from .background import run_in_background

    run_in_background(deliver_notifications)


def remind(today: dt.date | None = None, within: int = 1) -> int:
    """E-mail the office (and the unit holding it) about each open message due
    within ``within`` working days or overdue, once per due date."""
    today = today or local_now().date()
    horizon = get_calendar().add_working_days(today, within).date
    sent = 0
    due = (PublicMessage.objects.open().filter(due_on__lte=horizon).exclude(reminded_for=F("due_on"))
           .select_related("page", "unit"))
    for message in due:
        recipients = {r for r in (message.page.handler_email, message.unit.email if message.unit else "") if r}
        overdue = message.due_on < today
        for recipient in sorted(recipients):
            _notify(message, recipient, "message_reminder",
                    (_("Overdue: message %(number)s was due %(due)s") if overdue
                     else _("Due soon: message %(number)s is due %(due)s"))
                    % {"number": message.receipt_number, "due": message.due_on.isoformat()},
                    _("Message %(number)s (%(kind)s, received %(date)s) is due by %(due)s and has not been "
                      "answered yet.") % {"number": message.receipt_number, "kind": message.get_kind_display(),
                                          "date": message.received_on.isoformat(),
                                          "due": message.due_on.isoformat()})
            sent += 1
        PublicMessage.objects.filter(pk=message.pk).update(reminded_for=message.due_on)
    return sent


# Figures -----------------------------------------------------------------------


def monthly_figures(messages, year: int) -> list[message_rules.MonthFigures]:
    """Received, answered, on time and average working days per month of
    ``year`` (every month, empty ones too), from the counted messages."""
    rows = (messages.counted().received_in(year).values_list("received_on", "due_on", "answered_on"))
    found = {f.month: f for f in message_rules.monthly_figures(rows)}
    return [found.get(dt.date(year, m, 1), message_rules.MonthFigures(dt.date(year, m, 1))) for m in range(1, 13)]


def totals(figures: list[message_rules.MonthFigures]) -> message_rules.MonthFigures:
    total = message_rules.MonthFigures(figures[0].month if figures else dt.date.today())
    for f in figures:
        total.received += f.received
        total.answered += f.answered
        total.on_time += f.on_time
        total.working_days_total += f.working_days_total
    return total


def public_text(text: str) -> str:
    """A text as the public sees it: personal data masked."""
    return privacy.mask(text)


def by_unit(messages, today: dt.date) -> list[dict]:
    """Per unit now holding messages, and per unit that answered: open, overdue, answered."""
    from django.db.models import Count, Q

    rows = (messages.counted().exclude(unit=None).values("unit__name")
            .annotate(open=Count("pk", filter=Q(state__in=PublicMessage.OPEN_STATES)),
                      overdue=Count("pk", filter=Q(state__in=PublicMessage.OPEN_STATES, due_on__lt=today)),
                      answered=Count("pk", filter=Q(state=State.ANSWERED)),
                      on_time=Count("pk", filter=Q(state=State.ANSWERED, answered_on__lte=F("due_on"))))
            .order_by("-overdue", "-open", "unit__name"))
    return list(rows)


def statistics_xlsx(messages, year: int) -> bytes:
    """The year's figures for reporting upward: per month, per kind, per unit."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .exports import safe_cell

    today = local_now().date()
    figures = monthly_figures(messages, year)
    book = Workbook()
    bold = Font(bold=True)

    def sheet(ws, title: str, header: list[str], rows: list[list]):
        ws.title = title[:31]
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([safe_cell(v) if isinstance(v, str) else v for v in row])
        for column in ws.columns:
            ws.column_dimensions[column[0].column_letter].width = 16

    def share(f):
        return round(f.on_time_share * 100, 1) if f.on_time_share is not None else None

    def average(f):
        return round(f.average_working_days, 1) if f.average_working_days is not None else None

    header = [_("Month"), _("Received"), _("Answered"), _("Answered on time"), _("On time (%)"),
              _("Average working days to answer")]
    total = totals(figures)
    rows = [[f.month.strftime("%Y-%m"), f.received, f.answered, f.on_time, share(f), average(f)] for f in figures]
    rows.append([_("Year"), total.received, total.answered, total.on_time, share(total), average(total)])
    sheet(book.active, _("By month"), header, rows)

    year_messages = messages.counted().received_in(year)
    kind_rows = []
    for code in list(govopen_settings.MESSAGE_KINDS) + sorted(
            set(year_messages.values_list("kind", flat=True)) - set(govopen_settings.MESSAGE_KINDS)):
        f = totals(monthly_figures(year_messages.filter(kind=code), year))
        if f.received:
            kind_rows.append([message_rules.kind_label(code), f.received, f.answered, f.on_time, share(f),
                              average(f)])
    sheet(book.create_sheet(), _("By kind"), [_("Kind")] + header[1:], kind_rows)

    unit_rows = [[r["unit__name"], r["open"], r["overdue"], r["answered"], r["on_time"]]
                 for r in by_unit(year_messages, today)]
    sheet(book.create_sheet(), _("By unit"),
          [_("Unit"), _("Open"), _("Overdue"), _("Answered"), _("Answered on time")], unit_rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
