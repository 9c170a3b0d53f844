"""The disclosure health check: empty and stale catalog entries, items
published after their time limit, broken links, and the guide's contacts.

One function, :func:`run_health_check`, serves the management command
(``govopen_healthcheck``), the admin report and the dashboard panel. Each
finding says what is wrong and links to the admin page where it is fixed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from .. import calendar, catalog_rules
from ..conf import govopen_settings
from ..permissions import Scope
from ..validators import phone_validator, postal_code_validator
from . import links as link_checks
from .catalog import annotate_tree

KINDS = {
    "empty": _("Catalog entries with nothing published"),
    "stale": _("Catalog entries missing this period's information"),
    "overdue": _("Items published after their time limit"),
    "broken_link": _("Broken links"),
    "contact": _("Guide contacts in the wrong form"),
}

Progress = Callable[[str, int, int], None]


@dataclass
class Finding:
    kind: str
    title: str
    message: str
    fix_url: str = ""
    where: str = ""

    def as_row(self) -> dict:
        return {"kind": str(KINDS[self.kind]), "title": self.title, "message": self.message,
                "where": self.where, "fix_url": self.fix_url}


@dataclass
class HealthReport:
    findings: list[Finding] = field(default_factory=list)
    items_checked: int = 0
    links_checked: int = 0
    seconds: float = 0.0
    external: str = "off"

    def by_kind(self) -> list[tuple[str, str, list[Finding]]]:
        return [(k, str(label), [f for f in self.findings if f.kind == k]) for k, label in KINDS.items()]

    def counts(self) -> dict[str, int]:
        return {k: sum(1 for f in self.findings if f.kind == k) for k in KINDS}


def _page_edit(pk: int) -> str:
    return reverse("wagtailadmin_pages:edit", args=[pk])


def _category_edit(pk: int) -> str:
    return reverse("govopen_wagtail_catalogcategory_modeladmin_edit", args=[pk])


def _scoped(queryset, scope: Scope | None, prefix: str = ""):
    """Staff see their own sites' findings only (see permissions)."""
    return queryset if scope is None or scope.everything else queryset.filter(scope.page_q(prefix))


def catalog_findings(today: dt.date | None = None, scope: Scope | None = None) -> list[Finding]:
    from ..models import CatalogPage

    today = today or timezone.localdate()
    findings = []
    for catalog in _scoped(CatalogPage.objects.live(), scope).order_by("path"):
        categories = annotate_tree(catalog)
        by_id = {c.pk: c for c in categories}
        # Entries disclosed only on application expect nothing published,
        # nor does a heading whose entries are all of that kind.
        for category in reversed(categories):
            category.expects_items = category.mode == "active" and (
                not category.children_list or any(c.expects_items for c in category.children_list)
            )
        for category in categories:
            parent = by_id.get(category.parent_id)
            if not category.expects_items:
                continue
            if category.item_count == 0:
                if parent is None or parent.item_count > 0:
                    findings.append(Finding(
                        "empty", f"{category.code} {category.name}",
                        gettext("Nothing is published under this entry (or the entries below it)."),
                        _category_edit(category.pk), catalog.title,
                    ))
                continue
            limit = category.limit
            if limit.kind == catalog_rules.YEARLY and category.newest:
                due = limit.due_date(today.year)
                year = today.year if today > due else today.year - 1
                newest = timezone.localtime(category.newest).date()
                if newest.year < year:
                    findings.append(Finding(
                        "stale", f"{category.code} {category.name}",
                        gettext("Due by %(due)s each year; the newest item is from %(newest)s, none for %(year)d.")
                        % {"due": limit.describe(), "newest": newest.isoformat(), "year": year},
                        _category_edit(category.pk), catalog.title,
                    ))
    return findings


def overdue_findings(progress: Progress | None = None, scope: Scope | None = None) -> tuple[list[Finding], int]:
    """Items first published later than their time limit after formation."""
    from ..models import CatalogCategory, DisclosureItemPage

    cal = calendar.get_calendar()
    limits = {c.pk: c.limit for c in CatalogCategory.objects.all()}
    default = catalog_rules.TimeLimit(catalog_rules.WORKING_DAYS, days=govopen_settings.ACTIVE_DISCLOSURE_WORKING_DAYS)
    deadlines: dict[tuple, dt.date | None] = {}
    rows = (
        _scoped(DisclosureItemPage.objects.live(), scope)
        .filter(formed_date__isnull=False, first_published_at__isnull=False)
        .values_list("pk", "title", "formed_date", "first_published_at", "catalog_category_id")
        .order_by("pk")
    )
    total = rows.count()
    findings, checked = [], 0
    for pk, title, formed, published_at, category_id in rows.iterator(chunk_size=2000):
        limit = limits.get(category_id, default)
        if limit.kind not in (catalog_rules.WORKING_DAYS, catalog_rules.DAYS):
            limit = default
        key = (formed, limit.kind, limit.days)
        if key not in deadlines:
            deadlines[key] = limit.deadline(formed, cal)
        deadline = deadlines[key]
        published = timezone.localtime(published_at).date()
        if deadline and published > deadline:
            late = cal.working_days_between(deadline, published).days if limit.kind == catalog_rules.WORKING_DAYS \
                else (published - deadline).days
            findings.append(Finding(
                "overdue", title,
                gettext("Formed %(formed)s, due by %(deadline)s (%(limit)s), published %(published)s: "
                        "%(late)d days late.")
                % {"formed": formed.isoformat(), "deadline": deadline.isoformat(), "limit": limit.describe(),
                   "published": published.isoformat(), "late": late},
                _page_edit(pk),
            ))
        checked += 1
        if progress and checked % 2000 == 0:
            progress(gettext("Time limits"), checked, total)
    if progress:
        progress(gettext("Time limits"), checked, total)
    return findings, checked


def _link_sources():
    """(model, rich-text field names, attachment relation or None)."""
    from ..models import (
        ConsultationPage,
        DisclosureGuidePage,
        DisclosureItemPage,
        DisclosureRulesPage,
        InterpretationPage,
        NormativeDocumentPage,
    )
    from wagtail.fields import RichTextField

    for model in (DisclosureItemPage, DisclosureGuidePage, NormativeDocumentPage, DisclosureRulesPage,
                  InterpretationPage, ConsultationPage):
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, RichTextField)]
        yield model, fields


def link_findings(external: str = "fetch", progress: Progress | None = None,
                  scope: Scope | None = None) -> tuple[list[Finding], int]:
    """external: "fetch" (check over HTTP), "cached" (only known results), "off"."""
    occurrences: list[tuple[int, str, link_checks.Link]] = []
    for model, fields in _link_sources():
        if not fields:
            continue
        for row in _scoped(model.objects.live(), scope).values_list("pk", "title", *fields).iterator(chunk_size=2000):
            pk, title = row[0], row[1]
            for html in row[2:]:
                for link in link_checks.extract_links(html):
                    occurrences.append((pk, title, link))
    # Attachments and uploaded files whose file vanished from storage.
    findings: list[Finding] = []
    from ..models import ConsultationAttachment, DisclosureItemAttachment, DocumentAttachment

    for relation in (DocumentAttachment, ConsultationAttachment, DisclosureItemAttachment):
        attachments = _scoped(relation.objects.filter(page__live=True), scope, "page__")
        for attachment in attachments.select_related("document", "page"):
            if not link_checks.file_exists(attachment.document.file):
                findings.append(Finding(
                    "broken_link", attachment.page.title,
                    gettext("The attachment “%(name)s” has no file in storage.") % {"name": attachment.document.title},
                    _page_edit(attachment.page_id),
                ))
    broken = link_checks.broken_internal(link for _, _, link in occurrences)
    external_urls = {link.target for _, _, link in occurrences if link.kind == "external"}
    if external != "off" and govopen_settings.LINK_CHECK_EXTERNAL:
        bad_urls = link_checks.check_external(
            external_urls, fetch=external == "fetch",
            progress=(lambda done, total: progress(gettext("External links"), done, total)) if progress else None,
        )
        broken.update({link_checks.Link("external", url): problem for url, problem in bad_urls.items()})
    seen = set()
    for pk, title, link in occurrences:
        if link in broken and (pk, link) not in seen:
            seen.add((pk, link))
            target = link.target if link.kind == "external" else f"{link.kind} #{link.target}"
            findings.append(Finding("broken_link", title, f"{target}: {broken[link]}", _page_edit(pk)))
    return findings, len(occurrences)


def contact_findings(scope: Scope | None = None) -> list[Finding]:
    from ..models import DisclosureGuidePage

    checks = (
        ("phone", gettext("phone"), phone_validator),
        ("fax", gettext("fax"), phone_validator),
        ("postal_code", gettext("postal code"), postal_code_validator),
        ("email", gettext("e-mail"), EmailValidator()),
        ("website", gettext("website"), URLValidator()),
    )
    findings = []
    for guide in _scoped(DisclosureGuidePage.objects.live(), scope).order_by("path"):
        office = guide.get_office()
        for name, label, validator in checks:
            value = getattr(office, name)
            if not value:
                continue
            try:
                validator(value)
            except ValidationError:
                findings.append(Finding(
                    "contact", guide.title,
                    gettext("The %(field)s “%(value)s” is not in a valid form.") % {"field": label, "value": value},
                    _page_edit(guide.pk),
                ))
        for label in office.missing():
            findings.append(Finding("contact", guide.title, gettext("Missing: %(field)s.") % {"field": label},
                                    _page_edit(guide.pk)))
    return findings


def run_health_check(*, external: str = "fetch", progress: Progress | None = None,
                     today: dt.date | None = None, scope: Scope | None = None) -> HealthReport:
    """The whole check; ``scope`` (a user's, from permissions) limits it to
    that user's sites, None checks every site (the management command)."""
    started = time.perf_counter()
    report = HealthReport(external=external if govopen_settings.LINK_CHECK_EXTERNAL else "off")
    report.findings += catalog_findings(today, scope)
    overdue, report.items_checked = overdue_findings(progress, scope)
    report.findings += overdue
    broken, report.links_checked = link_findings(external, progress, scope)
    report.findings += broken
    report.findings += contact_findings(scope)
    report.seconds = time.perf_counter() - started
    return report
