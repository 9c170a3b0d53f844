"""The bureau's oversight of its schools (对下指导监督): every subordinate
site side by side, scored on configurable indicators with their weights,
ranked, with the reason behind every score, kept per month.

A site is subordinate to a bureau when its organisation profile names the
bureau's site as its supervisor. Only users with the ``oversee_sites``
permission see the table, and only for sites supervised by a site in their
own scope; they see figures and reasons, never the records behind them.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _, gettext_lazy

from .. import permissions
from ..conf import govopen_settings

LABELS = {
    "health": gettext_lazy("Catalog and links (health check)"),
    "guide": gettext_lazy("Disclosure guide reviewed"),
    "annual_report": gettext_lazy("Annual report on time"),
    "applications": gettext_lazy("Applications answered in time"),
    "messages": gettext_lazy("Messages answered on time"),
    "privacy": gettext_lazy("No personal data exposed"),
    "plan": gettext_lazy("Work plan tasks on time"),
}


@dataclass
class Indicator:
    key: str
    weight: float
    value: float  # 0 … 1
    reason: str

    @property
    def label(self) -> str:
        return str(LABELS.get(self.key, self.key))

    @property
    def points(self) -> float:
        return round(self.weight * self.value, 1)


@dataclass
class SiteScore:
    site: object
    name: str
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(i.points for i in self.indicators), 1)

    @property
    def maximum(self) -> float:
        return round(sum(i.weight for i in self.indicators), 1)


def subordinate_sites(user):
    """Sites whose supervisor is a site in the user's scope (with the permission)."""
    from wagtail.models import Site

    if not user.has_perm("govopen_wagtail.oversee_sites"):
        return Site.objects.none()
    from ..models import OrganisationProfile

    own = permissions.sites_for_user(user)
    supervised = OrganisationProfile.objects.filter(supervisor__in=own).values("site")
    return Site.objects.filter(pk__in=supervised).select_related("root_page").order_by("hostname", "port")


def _ratio(bad: int, tolerance: int) -> float:
    return max(0.0, 1.0 - bad / tolerance) if tolerance else float(bad == 0)


def _health(site, today) -> tuple[float, str]:
    from .health import run_health_check

    counts = run_health_check(external="cached", scope=permissions.Scope(paths=(site.root_page.path,))).counts()
    problems = sum(n for kind, n in counts.items() if kind != "contact")
    if not problems:
        return 1.0, _("No empty or stale column, late item or broken link.")
    return _ratio(problems, 10), _("%(n)d problems in the health check (empty or stale columns, late items, "
                                   "broken links).") % {"n": problems}


def _guide(site, today) -> tuple[float, str]:
    from ..models import DisclosureGuidePage

    guide = DisclosureGuidePage.objects.live().descendant_of(site.root_page).first()
    if guide is None:
        return 0.0, _("No disclosure guide is published.")
    if guide.review_overdue(today):
        return 0.5, _("The guide was last reviewed on %(date)s.") % {
            "date": guide.last_reviewed.isoformat() if guide.last_reviewed else "—"}
    return 1.0, _("Reviewed on %(date)s.") % {"date": guide.last_reviewed.isoformat()}


def _annual_report(site, today) -> tuple[float, str]:
    from ..models import AnnualReportPage
    from ..models.reports import deadline_for

    year = today.year - 1
    deadline = deadline_for(year)
    report = AnnualReportPage.objects.live().descendant_of(site.root_page).filter(year=year).first()
    if report is None:
        if today <= deadline:
            return 1.0, _("The %(year)d report is due by %(date)s.") % {"year": year, "date": deadline.isoformat()}
        return 0.0, _("The %(year)d report is not published (due %(date)s).") % {
            "year": year, "date": deadline.isoformat()}
    published = report.first_published_at.date() if report.first_published_at else today
    if published > deadline:
        return 0.5, _("The %(year)d report was published late, on %(date)s.") % {
            "year": year, "date": published.isoformat()}
    return 1.0, _("The %(year)d report was published on %(date)s.") % {"year": year, "date": published.isoformat()}


def _applications(site, today) -> tuple[float, str]:
    from ..models import InformationApplication
    from .applications import due_soon

    mine = InformationApplication.objects.filter(page__path__startswith=site.root_page.path)
    overdue, _soon = due_soon(mine, today=today)
    if not overdue:
        return 1.0, _("No application is overdue.")
    return _ratio(len(overdue), 3), _("%(n)d applications are overdue.") % {"n": len(overdue)}


def _messages(site, today) -> tuple[float, str]:
    from ..models import PublicMessage

    mine = PublicMessage.objects.filter(page__path__startswith=site.root_page.path).counted().received_in(today.year)
    answered = mine.answered()
    total = answered.count()
    overdue = mine.overdue(today).count()
    on_time = sum(1 for m in answered.only("answered_on", "due_on") if m.on_time)
    if not total and not overdue:
        return 1.0, _("No message this year.")
    share = on_time / total if total else 0.0
    value = share * _ratio(overdue, 5)
    return value, _("%(on_time)d of %(total)d answered on time; %(overdue)d overdue.") % {
        "on_time": on_time, "total": total, "overdue": overdue}


def _privacy(site, today) -> tuple[float, str]:
    from ..models import PrivacyFinding

    open_high = PrivacyFinding.objects.blocking().filter(site=site).count()
    if not open_high:
        return 1.0, _("No high-confidence personal data found on the site.")
    return 0.0, _("%(n)d findings of personal data are still published.") % {"n": open_high}


def _plan(site, today) -> tuple[float, str]:
    from ..models import PlanTask, TaskProgress

    tasks = PlanTask.objects.filter(page__path__startswith=site.root_page.path, page__live=True,
                                    page__year=today.year)
    total = tasks.count()
    if not total:
        return 0.0, _("No work plan for %(year)d is published.") % {"year": today.year}
    done = TaskProgress.objects.accepted().filter(task__in=tasks, status="done").values("task")
    overdue = tasks.filter(due_on__lt=today).exclude(pk__in=done).count()
    return _ratio(overdue, total), _("%(overdue)d of %(total)d tasks overdue.") % {"overdue": overdue, "total": total}


MEASURES = {"health": _health, "guide": _guide, "annual_report": _annual_report, "applications": _applications,
            "messages": _messages, "privacy": _privacy, "plan": _plan}


def score_sites(sites, today: dt.date | None = None) -> list[SiteScore]:
    """Each site's indicators and total, best first."""
    from ..models import OrganisationProfile
    from .plans import today as local_today

    today = today or local_today()
    weights = govopen_settings.OVERSIGHT_INDICATORS
    scores = []
    for site in sites:
        profile = OrganisationProfile.objects.filter(site=site).only("name").first()
        score = SiteScore(site, (profile.name if profile and profile.name else "") or site.site_name or site.hostname)
        for key, weight in weights.items():
            value, reason = MEASURES[key](site, today)
            score.indicators.append(Indicator(key, float(weight), round(value, 3), reason))
        scores.append(score)
    return sorted(scores, key=lambda s: (-s.total, s.name))


def keep_month(scores: list[SiteScore], today: dt.date) -> None:
    """Record this month's scores (the last run of the month stays)."""
    from ..models import OversightRecord

    month = today.replace(day=1)
    for score in scores:
        OversightRecord.objects.update_or_create(site=score.site, month=month, defaults={
            "score": score.total, "details": {i.key: [i.points, i.reason] for i in score.indicators}})


def history(sites, months: int = 12) -> dict[int, dict[dt.date, float]]:
    from ..models import OversightRecord

    rows = OversightRecord.objects.filter(site__in=sites).order_by("-month")[: months * max(1, len(sites))]
    found: dict[int, dict[dt.date, float]] = {}
    for row in rows:
        found.setdefault(row.site_id, {})[row.month] = row.score
    return found


def to_xlsx(scores: list[SiteScore], today: dt.date) -> bytes:
    """The ranked table for the bureau's notice (通报), with the reasons."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .exports import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = _("Ranking")[:31]
    keys = list(govopen_settings.OVERSIGHT_INDICATORS)
    sheet.append([_("Rank"), _("Site"), _("Score")] + [f"{LABELS.get(k, k)} ({govopen_settings.OVERSIGHT_INDICATORS[k]})"
                                                     for k in keys] + [_("Reasons")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for rank, score in enumerate(scores, start=1):
        reasons = "；".join(f"{i.label}：{i.reason}" for i in score.indicators if i.value < 1)
        sheet.append([rank, safe_cell(score.name), score.total] + [i.points for i in score.indicators]
                     + [safe_cell(reasons)])
    sheet.append([])
    sheet.append([_("As of %(date)s") % {"date": today.isoformat()}])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
