"""Carrying out the work plan: units report progress per task and period,
the office accepts or returns each report, the public sees what was done
per period, and the year ends with a summary.

Every function checks who may do what and refuses with a translated
:class:`PlanError`: a unit reports only on its own tasks, only its staff
report for it, and the office (users who may change progress reports) accepts.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, pgettext

from ..calendar import DISCLOSURE_TIME_ZONE
from ..conf import govopen_settings
from .. import permissions
from ..models import OfficeUnit, PlanTask, PlanTaskSite, ProgressStatus, TaskProgress, WorkPlanPage


class PlanError(Exception):
    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def today() -> dt.date:
    return timezone.now().astimezone(DISCLOSURE_TIME_ZONE).date()


def months_per_period() -> int:
    return 1 if govopen_settings.PLAN_PROGRESS_PERIOD == "month" else 3


@dataclass(frozen=True)
class Period:
    year: int
    number: int
    months: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.number - 1) * self.months + 1, 1)

    @property
    def end(self) -> dt.date:
        last = self.number * self.months
        following = dt.date(self.year + (last == 12), last % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.months == 1:
            return _("%(year)d, month %(n)d") % {"year": self.year, "n": self.number}
        return _("%(year)d, quarter %(n)d") % {"year": self.year, "n": self.number}

    @property
    def slug(self) -> str:
        return f"{self.year}/{self.number}"


def period_of(day: dt.date, months: int | None = None) -> Period:
    months = months or months_per_period()
    return Period(day.year, (day.month - 1) // months + 1, months)


def period(year: int, number: int, months: int | None = None) -> Period:
    months = months or months_per_period()
    if not (1 <= number <= 12 // months) or not (2000 <= year <= 2100):
        raise PlanError(_("There is no such period."))
    return Period(year, number, months)


def units_of(user, site) -> list[OfficeUnit]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(OfficeUnit.objects.filter(site=site, members=user, active=True))


def is_office(user, page: WorkPlanPage | None = None) -> bool:
    """The office reviews reports: it may change them (accept or return), and,
    for ``page``, works on the plan's site."""
    if not user.has_perm("govopen_wagtail.change_taskprogress"):
        return False
    return page is None or permissions.pages_for_user(WorkPlanPage.objects.filter(pk=page.pk), user).exists()


def _evidence(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines:
        if not (line.startswith(("http://", "https://", "/")) and " " not in line and len(line) <= 500):
            raise PlanError(_("Evidence is the address of a published page, one per line (https://… or /…): "
                              "“%(line)s” is not one.") % {"line": line[:60]}, "evidence")
    return "\n".join(lines)


@transaction.atomic
def report(task: PlanTask, unit: OfficeUnit, user, *, status: str, text: str, evidence: str = "",
           on: dt.date | None = None) -> TaskProgress:
    """A unit's report on its task for the period ``on`` falls in (today)."""
    if not task.assignments.filter(unit=unit).exists():
        raise PlanError(_("“%(unit)s” is not responsible for this task: a unit reports on its own tasks only.")
                        % {"unit": unit.name}, "unit")
    if not (getattr(user, "is_superuser", False) or unit.members.filter(pk=user.pk).exists()):
        raise PlanError(_("You are not on the staff of “%(unit)s”.") % {"unit": unit.name}, "unit")
    if status not in ProgressStatus.values:
        raise PlanError(_("Choose the status from the list."), "status")
    if not (text or "").strip():
        raise PlanError(_("Say what was done."), "text")
    when = period_of(on or today())
    return TaskProgress.objects.create(task=task, unit=unit, period_start=when.start, status=status,
                                       text=text.strip(), evidence=_evidence(evidence), reported_by=user)


def subordinates_of(page: WorkPlanPage):
    """The sites supervised by the plan's site: where its tasks can be assigned."""
    from wagtail.models import Site

    from ..models import OrganisationProfile

    site = page.get_site()
    return Site.objects.filter(pk__in=OrganisationProfile.objects.filter(supervisor=site).values("site")) \
        .order_by("hostname", "port")


@transaction.atomic
def assign_down(task: PlanTask, sites, user) -> int:
    """Assign ``task`` to subordinate sites (replacing the earlier choice);
    a site the plan's site does not supervise is refused."""
    if not is_office(user, task.page):
        raise PlanError(_("Only the office assigns tasks to subordinate sites."))
    allowed = {s.pk for s in subordinates_of(task.page)}
    chosen = {s.pk for s in sites}
    if chosen - allowed:
        raise PlanError(_("A task is assigned only to sites this site supervises."), "sites")
    task.site_assignments.exclude(site_id__in=chosen).delete()
    existing = set(task.site_assignments.values_list("site_id", flat=True))
    PlanTaskSite.objects.bulk_create([PlanTaskSite(task=task, site_id=pk, assigned_by=user)
                                      for pk in sorted(chosen - existing)])
    return len(chosen)


def assigned_to(user):
    """The tasks assigned to the user's sites by the bureaus that supervise them."""
    return (PlanTaskSite.objects.filter(site__in=permissions.sites_for_user(user))
            .select_related("task", "task__page", "site").order_by("-task__page__year", "task__page_id",
                                                                   "task__sort_order"))


@transaction.atomic
def report_for_site(task: PlanTask, site, user, *, status: str, text: str, evidence: str = "",
                    on: dt.date | None = None) -> TaskProgress:
    """A subordinate site's report on a task the bureau assigned to it."""
    if not task.site_assignments.filter(site=site).exists():
        raise PlanError(_("This task is not assigned to your site."), "task")
    if not (user.has_perm("govopen_wagtail.add_taskprogress") and permissions.user_can_act_on_site(user, site)):
        raise PlanError(_("You do not report for this site."))
    if status not in ProgressStatus.values:
        raise PlanError(_("Choose the status from the list."), "status")
    if not (text or "").strip():
        raise PlanError(_("Say what was done."), "text")
    when = period_of(on or today())
    return TaskProgress.objects.create(task=task, site=site, period_start=when.start, status=status,
                                       text=text.strip(), evidence=_evidence(evidence), reported_by=user)


@transaction.atomic
def accept(progress: TaskProgress, user) -> None:
    if not is_office(user, progress.task.page):
        raise PlanError(_("Only the office accepts progress reports."))
    if progress.accepted_at:
        raise PlanError(_("This report is already accepted."))
    progress.accepted_at = timezone.now()
    progress.accepted_by = user
    progress.returned_reason = ""
    progress.save(update_fields=["accepted_at", "accepted_by", "returned_reason"])
    from .purge import purge_later

    purge_later(pages=[progress.task.page])


@transaction.atomic
def return_report(progress: TaskProgress, user, reason: str) -> None:
    if not is_office(user, progress.task.page):
        raise PlanError(_("Only the office returns progress reports."))
    if not (reason or "").strip():
        raise PlanError(_("Say why the report is returned."), "reason")
    progress.accepted_at = None
    progress.accepted_by = None
    progress.returned_reason = reason.strip()[:255]
    progress.save(update_fields=["accepted_at", "accepted_by", "returned_reason"])


# What the public and the office read ------------------------------------------


@dataclass
class TaskRow:
    task: PlanTask
    reports: list[TaskProgress] = field(default_factory=list)
    overdue: bool = False

    @property
    def status(self) -> str:
        """The task's state: completed when every unit that reported says so."""
        if not self.reports:
            return ""
        statuses = {r.status for r in self.reports}
        if statuses == {ProgressStatus.DONE}:
            return ProgressStatus.DONE
        if statuses & {ProgressStatus.DONE, ProgressStatus.IN_PROGRESS}:
            return ProgressStatus.IN_PROGRESS  # some units done, or under way
        if ProgressStatus.ONGOING in statuses:
            return ProgressStatus.ONGOING
        return ProgressStatus.NOT_STARTED

    @property
    def status_label(self) -> str:
        return ProgressStatus(self.status).label if self.status else _("No report")


def progress_rows(page: WorkPlanPage, upto: Period, *, accepted_only: bool = True,
                  on: dt.date | None = None) -> list[TaskRow]:
    """Each task with its units' latest reports up to the end of ``upto`` (one
    per unit), and whether it is overdue: its date passed without a report
    of completion."""
    on = on or today()
    tasks = list(page.tasks.prefetch_related("assignments__unit"))
    reports = TaskProgress.objects.filter(task__page=page, period_start__lte=upto.end).select_related("unit")
    if accepted_only:
        reports = reports.accepted()
    latest: dict[tuple[int, int | None, int | None], TaskProgress] = {}
    for item in reports.order_by("period_start", "reported_at", "pk"):
        latest[(item.task_id, item.unit_id, item.site_id)] = item
    rows = []
    for task in tasks:
        row = TaskRow(task, [r for (t, _u, _s), r in latest.items() if t == task.pk])
        row.overdue = task.due_on is not None and task.due_on < min(on, upto.end + dt.timedelta(days=1)) and \
            row.status != ProgressStatus.DONE
        rows.append(row)
    return rows


@dataclass
class YearSummary:
    completed: list[TaskRow]
    carried_over: list[TaskRow]
    not_done: list[TaskRow]


def year_summary(page: WorkPlanPage) -> YearSummary:
    """At the end of the plan's year: tasks completed, carried over (in
    progress or continuing) and not done (not started or no report), each
    with the units' last words, for the annual report's sections 一 and 五."""
    rows = progress_rows(page, Period(page.year, 12 // months_per_period(), months_per_period()),
                         on=dt.date(page.year, 12, 31))
    done = [r for r in rows if r.status == ProgressStatus.DONE]
    carried = [r for r in rows if r.status in (ProgressStatus.IN_PROGRESS, ProgressStatus.ONGOING)]
    rest = [r for r in rows if r not in done and r not in carried]
    return YearSummary(done, carried, rest)


def progress_docx(page: WorkPlanPage, upto: Period) -> bytes:
    """The plan's table with a progress column, as bureaus send it upward."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.add_heading(f"{page.title}（{upto.label}）", level=1)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    headers = [_("No."), _("Task"), _("Requirements"), _("Responsible units"), pgettext("work plan", "Time limit"), _("Progress")]
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
    for n, row in enumerate(progress_rows(page, upto), start=1):
        task = row.task
        cells = table.add_row().cells
        cells[0].text = task.number or str(n)
        cells[1].text = task.group or task.section
        cells[2].text = task.requirements
        cells[3].text = "、".join(a.unit.name for a in task.assignments.all())
        cells[4].text = task.time_limit_text
        progress = "\n".join(f"【{r.reporter_name}·{r.get_status_display()}】{r.text}" for r in row.reports)
        cells[5].text = progress or row.status_label
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(14)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
