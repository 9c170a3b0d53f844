"""Checks of the normative-document library against the rules, for staff.

- published later than 20 working days after the written date (seed 002;
  条例 art. 26), counted with the working-day calendar;
- no interpretation after the deadline (3 working days after publication);
- validity period ending within the warning window;
- no consultation linked and no reason recorded why none was needed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import calendar
from ..conf import govopen_settings
from ..permissions import Scope
from ..models.documents import InterpretationPage, NormativeDocumentPage, Validity


@dataclass(frozen=True)
class Finding:
    document: NormativeDocumentPage
    detail: str
    provisional: bool = False


def document_findings(today: dt.date | None = None, scope: Scope | None = None) -> dict[str, list[Finding]]:
    """Findings over every site, or over ``scope``'s (a staff user's) only."""
    today = today or timezone.localdate()
    cal = calendar.get_calendar()
    base = NormativeDocumentPage.objects.live()
    if scope is not None:
        base = base.filter(scope.page_q())
    documents = list(
        base
        .with_validity(today)
        .annotate(
            has_interpretation=Exists(
                InterpretationPage.objects.live().filter(document=OuterRef("pk"))
            )
        )
        .order_by("-published_date", "pk")
    )
    late, uninterpreted, unconsulted = [], [], []
    publish_days = govopen_settings.ACTIVE_DISCLOSURE_WORKING_DAYS
    for doc in documents:
        deadline = cal.add_working_days(doc.written_date, publish_days)
        if doc.published_date > deadline.date:
            over = cal.working_days_between(deadline.date, doc.published_date)
            late.append(
                Finding(
                    doc,
                    _("Written %(written)s, published %(published)s: %(days)d working days after the deadline of %(deadline)s.")
                    % {"written": doc.written_date, "published": doc.published_date, "days": over.days,
                       "deadline": deadline.date},
                    deadline.provisional,
                )
            )
        # A repealed or expired document needs no interpretation any more.
        if not doc.has_interpretation and doc.validity not in (Validity.REPEALED, Validity.EXPIRED):
            due = cal.add_working_days(doc.published_date, govopen_settings.INTERPRETATION_WORKING_DAYS)
            if today > due.date:
                uninterpreted.append(
                    Finding(doc, _("Interpretation was due by %(date)s.") % {"date": due.date}, due.provisional)
                )
        if doc.consultation_page_id is None and not doc.no_consultation_reason.strip():
            unconsulted.append(Finding(doc, _("No consultation linked and no reason recorded.")))
    expiring = [
        Finding(doc, _("Validity period ends on %(date)s.") % {"date": doc.end_of_validity})
        for doc in base
        .expiring_within(govopen_settings.EXPIRY_WARNING_DAYS, today)
        .order_by("end_of_validity")
    ]
    from ..models.documents import FileProblem

    problems = FileProblem.objects.select_related("document").order_by("-recorded_at")
    if scope is not None:
        problems = problems.filter(scope.page_q("document__"))
    files = [
        Finding(problem.document, _("Word/PDF could not be made (%(when)s): %(message)s")
                % {"when": timezone.localtime(problem.recorded_at).strftime("%Y-%m-%d %H:%M"),
                   "message": problem.message})
        for problem in problems
    ]
    return {
        "files": files,
        "late": late,
        "uninterpreted": uninterpreted,
        "expiring": expiring,
        "unconsulted": unconsulted,
    }
