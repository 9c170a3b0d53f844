"""Receiving, grouping, moderating and answering consultation comments.

:func:`submit_comment` is the one door every comment comes through, from the
public form or entered by staff from a letter, e-mail, fax or visit. It
re-reads the consultation from the database and decides, at the instant of
saving and inside one transaction, whether the window is open; a resubmitted
form (same token) gets its first receipt back instead of a second row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, fields as dataclass_fields
from functools import lru_cache, partial
from pathlib import Path

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import textcheck
from ..conf import govopen_settings
from ..models.consultations import (
    CommentGroup,
    ConsultationComment,
    ConsultationPage,
    govopen_tz,
    new_receipt_number,
)
from . import statements

Channel = ConsultationComment.Channel
Status = ConsultationComment.Status

#: Texts with fewer bigrams than this are grouped only when identical: in a
#: few characters one changed word changes the meaning.
MIN_NEAR_DUPLICATE_LENGTH = 20


class CommentRefused(Exception):
    """The comment cannot be accepted; ``message`` says why, for the user."""

    def __init__(self, code: str, message) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


@dataclass
class CommentInput:
    body: str
    section_id: str = ""
    display_name: str = ""
    commenter_category: str = ConsultationComment.Category.INDIVIDUAL
    contact_email: str = ""
    contact_phone: str = ""
    notify: bool = False
    channel: str = Channel.ONLINE
    received_at: dt.datetime | None = None
    postmark_date: dt.date | None = None
    status: str | None = None

    @classmethod
    def from_form(cls, cleaned_data: dict, **values) -> "CommentInput":
        """From a form's ``cleaned_data``: the fields this class has."""
        names = {f.name for f in dataclass_fields(cls)}
        return cls(**{k: v for k, v in {**cleaned_data, **values}.items() if k in names})


def _now() -> dt.datetime:
    # The one clock the window is judged by (patched in boundary tests).
    return timezone.now()


def sensitive_words() -> textcheck.WordList:
    return _word_list(tuple(govopen_settings.SENSITIVE_WORDS), govopen_settings.SENSITIVE_WORDS_FILE or "")


@lru_cache(maxsize=4)
def _word_list(words: tuple[str, ...], path: str) -> textcheck.WordList:
    extra: list[str] = []
    if path:
        extra = Path(path).read_text(encoding="utf-8").splitlines()
    return textcheck.WordList([*words, *extra])


def client_hash(ip: str) -> str:
    """Addresses are kept only as a salted hash: enough to see floods."""
    from django.conf import settings

    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:32]


def _check_window(page: ConsultationPage, data: CommentInput, now: dt.datetime, trusted: bool = False) -> dt.datetime:
    """The instant the comment counts as received, or refuse it."""
    if data.channel == Channel.ONLINE and not trusted:
        if not page.live:
            raise CommentRefused("not_live", _("This consultation is not published, so it cannot take comments."))
        if not page.accept_online:
            raise CommentRefused("offline", _("This consultation takes comments by e-mail or post only."))
        if now < page.opens_at:
            raise CommentRefused(
                "not_open",
                _("The consultation opens at %(opens)s (Beijing time); comments cannot be sent before then.")
                % {"opens": page.opens_label()},
            )
        if now >= page.closes_at:
            raise CommentRefused(
                "closed",
                _("The consultation closed at %(closes)s (Beijing time). Your comment arrived too late "
                  "and was not saved.") % {"closes": page.closes_label()},
            )
        return now
    received = data.received_at or now
    if data.channel == Channel.LETTER and data.postmark_date:
        # A letter counts by its postmark: posted by the closing day is in time.
        last_day = timezone.localtime(page.closes_at - dt.timedelta(microseconds=1), govopen_tz()).date()
        first_day = timezone.localtime(page.opens_at, govopen_tz()).date()
        if not first_day <= data.postmark_date <= last_day:
            raise CommentRefused(
                "late",
                _("The postmark date %(date)s is outside the consultation window (%(opens)s – %(closes)s).")
                % {"date": data.postmark_date.isoformat(), "opens": page.opens_label(), "closes": page.closes_label()},
            )
        return received
    if not page.opens_at <= received < page.closes_at:
        raise CommentRefused(
            "late",
            _("The comment was received outside the consultation window (%(opens)s – %(closes)s).")
            % {"opens": page.opens_label(), "closes": page.closes_label()},
        )
    return received


# Bodies up to this length have their pairs kept: a few thousand pairs of a
# long comment take a few hundred kilobytes, and 512 of those in every worker
# would be too much memory for what they save.
KEPT_SHINGLES_MAX_CHARS = 500


def _known_shingles(body: str) -> frozenset[str] | set[str]:
    # The same earlier comments are a consultation's candidates again and
    # again (the oldest sharing a MinHash value come first): splitting up to
    # 200 of them on every comment was most of the check's time.
    if len(body) > KEPT_SHINGLES_MAX_CHARS:
        return textcheck.shingles(body)
    return _kept_shingles(body)


@lru_cache(maxsize=512)
def _kept_shingles(body: str) -> frozenset[str]:
    return frozenset(textcheck.shingles(body))


def _find_group(page_id: int, fingerprint: str, grams: set[str], bands: list[int]) -> int | None:
    """The id of the group an identical or near-identical comment is in.

    One query: comments with the same fingerprint come first, then those
    sharing a MinHash band, whose similarity is computed here."""
    threshold = govopen_settings.CAMPAIGN_SIMILARITY
    near = threshold and len(grams) >= MIN_NEAR_DUPLICATE_LENGTH
    best, best_group = 0.0, None
    for same, body, group_id in _group_candidates(page_id, fingerprint, bands if near else None):
        if same == 0:
            return group_id
        similarity = textcheck.jaccard(grams, _known_shingles(body))
        if similarity >= threshold and similarity > best:
            best, best_group = similarity, group_id
    return best_group


def _group_candidates(page_id: int, fingerprint: str, bands: list[int] | None) -> list[tuple[int, str, int]]:
    """``(same, body, group_id)`` of the consultation's grouped, non-spam
    comments with this fingerprint (``same`` 0, first) or, given ``bands``,
    sharing one of them (``same`` 1), oldest first: at most 200, or 1
    without ``bands``.

    Written as SQL: this runs inside every public comment's transaction,
    and building the same statement through the ORM cost more than running
    it. Each alternative repeats the consultation so that SQLite, like
    PostgreSQL, answers each from its own index (consultation and band, or
    the fingerprint) instead of reading every comment of the consultation."""
    meta = ConsultationComment._meta
    connection = connections[router.db_for_write(ConsultationComment)]
    q = connection.ops.quote_name
    consultation = q(meta.get_field("consultation").column)
    columns = ["fingerprint", *(f"band{i}" for i in range(4))] if bands is not None else ["fingerprint"]
    values = [fingerprint, *bands] if bands is not None else [fingerprint]
    match = " OR ".join(f"({consultation} = %s AND {q(meta.get_field(c).column)} = %s)" for c in columns)
    fingerprint_column = q(meta.get_field("fingerprint").column)
    sql = (
        f"SELECT CASE WHEN {fingerprint_column} = %s THEN 0 ELSE 1 END AS {q('same')}, "
        f"{q(meta.get_field('body').column)}, {q(meta.get_field('group').column)} "
        f"FROM {q(meta.db_table)} WHERE ({match}) AND {q(meta.get_field('group').column)} IS NOT NULL "
        f"AND {q(meta.get_field('status').column)} <> %s "
        f"ORDER BY {q('same')}, {q(meta.pk.column)} LIMIT {200 if bands is not None else 1}"
    )
    params = [fingerprint, *(p for value in values for p in (page_id, value)), Status.SPAM.value]
    with statements.cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _new_group(page) -> int:
    """A group of its own for a comment unlike any other. Its creation is
    not written to the group's history: the comment's own history records
    it (with the group), and staff's later answers to the group are kept."""
    group = CommentGroup(consultation=page)
    group.skip_history_when_saving = True
    group.save()
    return group.pk


class _Duplicate(Exception):
    """The same form was saved by a request racing this one."""


def submit_comment(
    consultation: int | ConsultationPage,
    data: CommentInput,
    *,
    token: str | None = None,
    client: str = "",
    entered_by=None,
    trusted: bool = False,
    token_checked: bool = False,
) -> tuple[ConsultationComment, bool]:
    """Save one comment; returns ``(comment, created)``.

    Raises :class:`CommentRefused` when the consultation does not take it.
    With a ``token`` already used (a resubmitted form, even one racing the
    first), returns the comment saved the first time. ``trusted`` (imports
    from an earlier system) keeps ``data.received_at`` for online comments
    too; it is still checked against the window. ``token_checked``: the
    caller has just looked the token up (a race is still caught on save).
    """
    body = textcheck.normalise_newlines(data.body).strip()
    grams = textcheck.shingles(body)
    words = sensitive_words()
    fields = dict(
        channel=data.channel,
        postmark_date=data.postmark_date,
        section_id=data.section_id,
        body=body,
        display_name=data.display_name.strip(),
        commenter_category=data.commenter_category,
        contact_email=data.contact_email.strip(),
        contact_phone=data.contact_phone.strip(),
        notify=bool(data.notify and data.contact_email),
        held_words="、".join(words.matches(body + "\n" + data.display_name) if words else [])[:500],
        fingerprint=textcheck.fingerprint(body),
        submission_token=token or None,
        client_hash=client_hash(client) if client else "",
        entered_by=entered_by,
    )
    fields.update(zip(("band0", "band1", "band2", "band3"), textcheck.minhash_bands(grams)))
    if token and not token_checked:
        existing = ConsultationComment.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing, False
    try:
        comment = _save(consultation, data, fields, grams, trusted)
    except _Duplicate:
        return ConsultationComment.objects.get(submission_token=token), False
    if comment.status == Status.PUBLISHED:
        # After the commit: the caller's transaction (the comment view's,
        # with its captcha) may still roll back, and a queue's worker must
        # find the comment.
        transaction.on_commit(partial(notify_published, [comment.pk]))
    return comment, True


def _save(
    consultation: int | ConsultationPage, data: CommentInput, fields: dict, grams: set[str], trusted: bool
) -> ConsultationComment:
    if isinstance(consultation, ConsultationPage):
        page = consultation
    else:
        page = ConsultationPage.objects.filter(pk=consultation).first()
    if page is None:
        raise CommentRefused("not_live", _("This consultation does not exist."))
    now = _now()
    fields["received_at"] = _check_window(page, data, now, trusted)
    if data.section_id:
        fields["section_label"] = page.section_label(data.section_id)
        if not fields["section_label"]:
            raise CommentRefused("section", _("The section you refer to is not part of this draft."))
    held = bool(fields["held_words"])
    if data.status and not (held and data.status == Status.PUBLISHED):
        fields["status"] = data.status
    elif held or govopen_settings.COMMENT_MODERATION:
        fields["status"] = Status.PENDING
    else:
        fields["status"] = Status.PUBLISHED
    bands = [fields[f"band{i}"] for i in range(4)]
    group_id = _find_group(page.pk, fields["fingerprint"], grams, bands)
    for _attempt in range(5):
        # Everything written (a new group, the comment, its history) is
        # written in one savepoint (or transaction), and nothing before it:
        # a refusal or a lost race leaves nothing behind, with no savepoint
        # around the whole (two statements more in every comment's
        # transaction).
        try:
            with transaction.atomic():
                fields["group_id"] = group_id or _new_group(page)
                return ConsultationComment.objects.create(
                    consultation=page, receipt_number=new_receipt_number(now), **fields
                )
        except IntegrityError:
            if fields["submission_token"] and ConsultationComment.objects.filter(
                submission_token=fields["submission_token"]
            ).exists():
                # The same form, sent twice at once: the other request won.
                raise _Duplicate() from None
    # Six random characters collided five times in a row.
    raise CommentRefused("busy", _("The comment could not be saved. Please send it again."))


# Moderation -------------------------------------------------------------


@dataclass
class ModerationResult:
    changed: int
    message: str


def moderate(comment_ids, action: str, user, reason: str = "") -> ModerationResult:
    """Publish, reject (with an internal reason), mark as spam or group the
    selected comments. Raises ``ValueError`` with a user message on bad input."""
    if not action:
        raise ValueError(_("Choose what to do with the selected comments."))
    comments = ConsultationComment.objects.filter(pk__in=list(comment_ids))
    if not comments.exists():
        raise ValueError(_("Select at least one comment."))
    now = timezone.now()
    with transaction.atomic():
        if action == "publish":
            ids = list(comments.exclude(status=Status.PUBLISHED).values_list("pk", flat=True))
            changed = _set_status(ids, Status.PUBLISHED, user, now)
            transaction.on_commit(lambda: notify_published(ids))
            return ModerationResult(changed, _("%(count)d comments published.") % {"count": changed})
        if action == "reject":
            if not reason.strip():
                raise ValueError(_("Give a reason for not publishing (kept internal)."))
            ids = list(comments.values_list("pk", flat=True))
            changed = _set_status(ids, Status.REJECTED, user, now, rejection_reason=reason.strip())
            return ModerationResult(changed, _("%(count)d comments will not be published.") % {"count": changed})
        if action == "spam":
            ids = list(comments.values_list("pk", flat=True))
            changed = _set_status(ids, Status.SPAM, user, now)
            return ModerationResult(changed, _("%(count)d comments marked as spam.") % {"count": changed})
        if action == "pending":
            ids = list(comments.values_list("pk", flat=True))
            changed = _set_status(ids, Status.PENDING, user, now)
            return ModerationResult(changed, _("%(count)d comments back in the review queue.") % {"count": changed})
        if action == "group":
            return group_together(comments)
    raise ValueError(_("Unknown action."))


def _set_status(ids, status, user, now, **extra) -> int:
    # Saved one by one so the history records who did what and when.
    changed = 0
    for comment in ConsultationComment.objects.filter(pk__in=ids):
        comment.status = status
        comment.moderated_by = user
        comment.moderated_at = now
        for name, value in extra.items():
            setattr(comment, name, value)
        comment._change_reason = f"moderation: {status}"
        comment.save()
        changed += 1
    return changed


def group_together(comments) -> ModerationResult:
    consultations = set(comments.values_list("consultation_id", flat=True))
    if len(consultations) != 1:
        raise ValueError(_("Only comments on the same consultation can be grouped."))
    comments = list(comments.select_related("group").order_by("received_at", "pk"))
    target = next((c.group for c in comments if c.group_id), None)
    if target is None:
        target = CommentGroup.objects.create(consultation_id=consultations.pop())
    old_groups = {c.group_id for c in comments if c.group_id and c.group_id != target.pk}
    for comment in comments:
        if comment.group_id != target.pk:
            comment.group = target
            comment._change_reason = "grouped"
            comment.save(update_fields=["group"])
    # Groups left empty have nothing to answer any more.
    CommentGroup.objects.filter(pk__in=old_groups, comments__isnull=True).delete()
    return ModerationResult(len(comments), _("%(count)d comments now share one answer.") % {"count": len(comments)})


# Feedback -----------------------------------------------------------------


def feedback_statistics(consultation: ConsultationPage) -> dict:
    """Counts of comments (not groups) per disposition, and the groups."""
    from django.db.models import Count

    counted = consultation.comments.counted()
    totals = dict(
        counted.values_list("group__disposition").annotate(n=Count("pk")).values_list("group__disposition", "n")
    )
    groups = list(
        CommentGroup.objects.filter(consultation=consultation)
        .annotate(n=Count("comments", filter=~Q(comments__status=Status.SPAM)))
        .filter(n__gt=0)
        .order_by("pk")
    )
    by_channel = dict(counted.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    D = CommentGroup.Disposition
    return {
        "received": counted.count(),
        "adopted": totals.get(D.ADOPTED, 0),
        "partly": totals.get(D.PARTLY, 0),
        "not_adopted": totals.get(D.NOT_ADOPTED, 0),
        "out_of_scope": totals.get(D.OUT_OF_SCOPE, 0),
        "groups": groups,
        "by_channel": [(Channel(k).label, v) for k, v in sorted(by_channel.items())],
    }


# Notifications -------------------------------------------------------------


def notify_published(comment_ids) -> None:
    from ..tasks import send_comment_notifications

    ids = list(comment_ids)
    if ids:
        send_comment_notifications.enqueue("published", ids)


def notify_feedback(consultation_id: int) -> None:
    from ..tasks import send_comment_notifications

    ids = list(
        ConsultationComment.objects.filter(
            consultation_id=consultation_id, notify=True, notified_feedback_at__isnull=True
        )
        .exclude(status=Status.SPAM)
        .values_list("pk", flat=True)
    )
    if ids:
        send_comment_notifications.enqueue("feedback", ids)
