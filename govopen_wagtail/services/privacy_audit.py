"""The site-wide privacy screening (隐私排查) of everything a visitor can reach.

Live public pages are screened field by field (text, rich text, StreamField
blocks, tables in blocks); files are screened when a live page links to them
(attachments, documents chosen in rich text or blocks), each under the site of
the first such page. A re-run screens only what changed since the last one:
a page whose live revision is the one screened, a file whose content hash is
the one screened, is skipped.

Detection is :mod:`govopen_wagtail.privacy` and
:mod:`govopen_wagtail.privacy_files`; this module only walks the site, keeps
the records and is the one place that decides which site a finding belongs to.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import strip_tags

from .. import privacy, privacy_files
from ..restrictions import private_q

__all__ = ["AuditSummary", "audit", "page_parts", "screen_page", "allow_for_site", "record", "fingerprint",
           "describe_location", "monthly_trend", "decide", "edit_url"]

# Page fields that never hold what the screening looks for, or that hold the
# office's own contacts (published by law, 条例 art. 12).
_SKIPPED_FIELDS = frozenset({
    "path", "depth", "numchild", "translation_key", "slug", "url_path", "draft_title", "seo_title",
    "content_type", "owner", "locked_by", "latest_revision", "live_revision", "alias_of", "locale",
    "latest_revision_created_at", "first_published_at", "last_published_at", "go_live_at", "expire_at",
    "locked_at", "live", "has_unpublished_changes", "expired", "locked", "show_in_menus",
})


@dataclass
class AuditSummary:
    pages: int = 0
    files: int = 0
    skipped: int = 0
    new: int = 0
    fixed: int = 0
    not_checkable: int = 0
    errors: list[str] = field(default_factory=list)


def allow_for_site(site) -> tuple[str, ...]:
    """The office's own published contacts (profile and guides): not findings."""
    from ..models import DisclosureGuidePage, OrganisationProfile
    from ..models.platform import OFFICE_FIELD_NAMES

    values: list[str] = []
    if site is None:
        return ()
    profile = OrganisationProfile.objects.filter(site=site).first()
    if profile:
        values += [getattr(profile, name) for name in OFFICE_FIELD_NAMES]
    for guide in DisclosureGuidePage.objects.descendant_of(site.root_page, inclusive=True).only(
        *OFFICE_FIELD_NAMES
    ):
        values += [getattr(guide, name) for name in OFFICE_FIELD_NAMES]
    return tuple(v for v in values if v)


def _text(value: str) -> str:
    return html.unescape(strip_tags(value)) if "<" in value else value


def _walk_block(value, location: dict) -> Iterator[tuple[dict, object]]:
    if isinstance(value, str):
        if value.strip():
            yield location, _text(value)
    elif isinstance(value, dict):
        data = value.get("data")
        if isinstance(data, list) and all(isinstance(r, list) for r in data):  # a TableBlock
            yield location, [[_text(str(c)) if c else "" for c in row] for row in data]
            return
        for key, item in value.items():
            if key not in ("id", "type"):
                yield from _walk_block(item, location)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_block(item, location)


def page_parts(page) -> Iterator[tuple[dict, object]]:
    """(location, text or table rows) for what a visitor reads on ``page``."""
    from wagtail.fields import StreamField

    from django.db.models import EmailField

    from ..models.platform import OFFICE_FIELD_NAMES
    from ..validators import phone_validator

    for f in page._meta.concrete_fields:
        if f.name in _SKIPPED_FIELDS or f.name in OFFICE_FIELD_NAMES or f.is_relation or f.choices:
            continue
        # A contact field (a consultation's contact phone) is published on purpose.
        if isinstance(f, EmailField) or phone_validator in f.validators:
            continue
        if f.name.endswith("_ptr") or f.primary_key:
            continue
        value = f.value_from_object(page)
        if isinstance(f, StreamField):
            for number, block in enumerate(value.get_prep_value() if value else [], start=1):
                yield from _walk_block(block.get("value"), {"field": f.name, "block": number})
        elif isinstance(value, str) and value.strip():
            yield {"field": f.name}, _text(value)


def screen_page(page, allow: Iterable[str] = ()) -> list[tuple[dict, object]]:
    allow = tuple(allow)
    found: list[tuple[dict, object]] = []
    for location, part in page_parts(page):
        if isinstance(part, str):
            found += [(location, f) for f in privacy.screen(part, allow)]
        else:
            for item in privacy.screen_table(part, allow):
                if isinstance(item, privacy.TableFinding):
                    found.append(({**location, "column": item.column + 1}, item))
                else:
                    r, c, f = item
                    found.append(({**location, "row": r + 1, "column": c + 1}, f))
    return found


def _fingerprint(kind: str, value: str, anchor: str) -> str:
    return salted_hmac("govopen_wagtail.privacy", f"{kind}\x1f{value}\x1f{anchor}", algorithm="sha256").hexdigest()


def _anchor(location: dict, finding) -> str:
    # Stable across edits elsewhere: the field (or sheet) and, for a table
    # column, its header; not the block number or the line.
    return "|".join(str(location.get(k, "")) for k in ("field", "sheet")) + (
        f"|{finding.header}" if isinstance(finding, privacy.TableFinding) else ""
    )


def fingerprint(finding, location: dict) -> str:
    """The same finding's key in every run and review (keyed: not reversible)."""
    value = finding.header if isinstance(finding, privacy.TableFinding) else finding.value
    return _fingerprint(finding.kind, value, _anchor(location, finding))


@transaction.atomic
def record(*, site, target: Model, label: str, version: str, found, result: str, reason: str = "") -> tuple[int, int]:
    """Store one screening of ``target`` (a page or a document): returns
    (new findings, findings fixed since the last screening)."""
    from ..models import PrivacyFinding, PrivacyScan

    from wagtail.models import Page

    key = "page" if isinstance(target, Page) else "document"
    now = timezone.now()
    existing = {f.fingerprint: f for f in PrivacyFinding.objects.filter(**{key: target})}
    seen: set[str] = set()
    new = 0
    for location, finding in found:
        table = isinstance(finding, privacy.TableFinding)
        fp = fingerprint(finding, location)
        if fp in seen:
            continue
        seen.add(fp)
        row = existing.get(fp)
        if row is None:
            PrivacyFinding.objects.create(
                site=site, **{key: target}, source_label=label[:255], location=location, kind=finding.kind,
                table_column=table, confidence=finding.confidence, masked=finding.masked[:255], fingerprint=fp,
                first_found=now, last_found=now,
            )
            new += 1
            continue
        row.site, row.source_label, row.location, row.last_found = site, label[:255], location, now
        row.confidence = finding.confidence
        if row.status == PrivacyFinding.Status.FIXED:  # it came back
            row.status, row.fixed_at = PrivacyFinding.Status.OPEN, None
            new += 1
        row.save()
    gone = [f.pk for fp, f in existing.items() if fp not in seen and f.status != PrivacyFinding.Status.FIXED]
    fixed = PrivacyFinding.objects.filter(pk__in=gone).update(
        status=PrivacyFinding.Status.FIXED, fixed_at=now, site=site
    ) if gone else 0
    PrivacyScan.objects.update_or_create(
        **{key: target},
        defaults={"site": site, "source_label": label[:255], "version": version, "result": result,
                  "reason": reason, "scanned_at": now},
    )
    return new, fixed


def _site_roots() -> list[tuple[str, object]]:
    from wagtail.models import Site

    # Deepest root first: a school's site inside the bureau's tree is the school's.
    return sorted(((s.root_page.path, s) for s in Site.objects.select_related("root_page")),
                  key=lambda pair: -len(pair[0]))


def _site_of(path: str, roots) -> object | None:
    return next((site for root, site in roots if path.startswith(root)), None)


def _document_pages(page_ids: set[int]) -> dict[int, int]:
    """document id → the first live page (of ``page_ids``) that links to it."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.documents import get_document_model
    from wagtail.models import Page, ReferenceIndex

    doc_type = ContentType.objects.get_for_model(get_document_model())
    page_type = ContentType.objects.get_for_model(Page)
    from ..models.mixins import AttachmentBase

    links: dict[int, int] = {}
    # Attachments directly (the reference index may be stale after a bulk
    # import), then every other link the reference index knows.
    for model in _attachment_models(AttachmentBase):
        for doc_id, page_id in model.objects.order_by("page_id").values_list("document_id", "page_id").iterator():
            if page_id in page_ids:
                links.setdefault(doc_id, page_id)
    rows = ReferenceIndex.objects.filter(to_content_type=doc_type, base_content_type=page_type).values_list(
        "to_object_id", "object_id")
    for doc_id, page_id in rows.order_by("object_id").iterator():
        if doc_id.isdigit() and page_id.isdigit() and int(page_id) in page_ids:
            links.setdefault(int(doc_id), int(page_id))
    return links


def _attachment_models(base) -> list:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, base) and not m._meta.abstract
            and any(f.name == "page" for f in m._meta.fields)]


def audit(*, sites: Iterable | None = None, full: bool = False,
          progress: Callable[[str, int, int], None] | None = None) -> AuditSummary:
    """Screen every live public page and every file they link to.

    ``sites`` narrows it (default: every site); ``full`` screens everything
    again; ``progress(what, done, total)`` is called as it goes.
    """
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    from ..models import PrivacyScan

    summary = AuditSummary()
    roots = _site_roots()
    chosen = list(sites) if sites is not None else [site for _root, site in roots]
    chosen_ids = {s.pk for s in chosen}
    pages = Page.objects.live().exclude(private_q())
    in_sites = {}
    for pk, path, rev, published in pages.values_list("pk", "path", "live_revision_id", "last_published_at"):
        site = _site_of(path, roots)
        if site is not None and site.pk in chosen_ids:
            # What is live changes with a new live revision (or a publish).
            in_sites[pk] = (site, f"{rev or ''}:{published.isoformat() if published else ''}")
    done_pages = {} if full else dict(
        PrivacyScan.objects.filter(page_id__in=list(in_sites)).values_list("page_id", "version"))
    todo = [pk for pk, (site, version) in in_sites.items() if done_pages.get(pk) != version]
    summary.skipped += len(in_sites) - len(todo)
    allow_cache: dict[int, tuple[str, ...]] = {}
    for start in range(0, len(todo), 100):
        chunk = todo[start : start + 100]
        for page in Page.objects.filter(pk__in=chunk).specific().iterator():
            site, version = in_sites[page.pk]
            allow = allow_cache.setdefault(site.pk, allow_for_site(site))
            try:
                found = screen_page(page, allow)
            except Exception as exc:  # one odd page must not stop the audit
                summary.errors.append(f"page {page.pk}: {type(exc).__name__}: {exc}")
                continue
            new, fixed = record(site=site, target=page, label=page.title, version=version, found=found,
                                result="findings" if found else "clean")
            summary.pages += 1
            summary.new += new
            summary.fixed += fixed
            if progress:
                progress("pages", start + len(chunk), len(todo))
    # Files: those a live page of the chosen sites links to.
    Document = get_document_model()
    links = _document_pages(set(in_sites))
    done_files = {} if full else dict(
        PrivacyScan.objects.filter(document_id__in=list(links)).values_list("document_id", "version"))
    documents = list(Document.objects.filter(pk__in=list(links)).order_by("pk"))
    for number, document in enumerate(documents, start=1):
        site = in_sites[links[document.pk]][0]
        version = document.file_hash or f"{document.file.name}:{document.file_size}"
        if done_files.get(document.pk) == version:
            summary.skipped += 1
            continue
        allow = allow_cache.setdefault(site.pk, allow_for_site(site))
        try:
            with document.open_file() as fh:
                result = privacy_files.screen_file(fh, document.filename, allow)
        except OSError as exc:
            summary.errors.append(f"file {document.pk}: {exc}")
            continue
        if result.not_checkable:
            outcome, reason = "not_checkable", result.not_checkable
            summary.not_checkable += 1
        elif result.unread:
            outcome, reason = "partly", "no_text"
            summary.not_checkable += 1
        else:
            outcome, reason = ("findings" if result.findings else "clean"), ""
        new, fixed = record(site=site, target=document, label=document.title or document.filename,
                            version=version, found=result.findings, result=outcome, reason=reason)
        summary.files += 1
        summary.new += new
        summary.fixed += fixed
        if progress:
            progress("files", number, len(documents))
    summary.fixed += _close_unreachable(chosen_ids, set(in_sites), set(links))
    return summary


def _close_unreachable(site_ids: set[int], pages: set[int], documents: set[int]) -> int:
    """Findings in what a visitor can no longer reach (unpublished, deleted,
    no longer linked) are fixed; their screenings are forgotten, so the page
    or file is screened afresh if it comes back."""
    from django.db.models import Q

    from ..models import PrivacyFinding, PrivacyScan

    now = timezone.now()
    gone = Q(page__isnull=True, document__isnull=True) | Q(
        site_id__in=site_ids, page__isnull=False) & ~Q(page_id__in=pages) | Q(
        site_id__in=site_ids, document__isnull=False) & ~Q(document_id__in=documents)
    fixed = PrivacyFinding.objects.open().filter(gone).update(status=PrivacyFinding.Status.FIXED, fixed_at=now)
    PrivacyScan.objects.filter(
        Q(site_id__in=site_ids, page__isnull=False) & ~Q(page_id__in=pages)
        | Q(site_id__in=site_ids, document__isnull=False) & ~Q(document_id__in=documents)
    ).delete()
    return fixed


# The report ------------------------------------------------------------------


def describe_location(location: dict) -> str:
    """Where in a page or file, in the editor's language."""
    from django.utils.translation import gettext as _, pgettext

    labels = {
        "field": _("field %(v)s"), "block": _("block %(v)s"), "sheet": _("sheet “%(v)s”"),
        "page": pgettext("page of a file", "page %(v)s"), "paragraph": _("paragraph %(v)s"),
        "table": _("table %(v)s"), "row": _("row %(v)s"), "column": _("column %(v)s"), "cell": _("cell %(v)s"),
        "line": _("line %(v)s"),
    }
    return ", ".join(labels[key] % {"v": location[key]} for key in labels if key in location)


def monthly_trend(findings, months: int = 12, today=None) -> list[dict]:
    """Per month: found, fixed, judged (not personal data / lawful), and open
    at the month's end. ``findings`` is an already scoped queryset."""
    import datetime as dt

    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from ..models import PrivacyFinding

    today = today or timezone.localdate()
    first = dt.date(today.year, today.month, 1)
    starts = []
    for _i in range(months):
        starts.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    starts.reverse()

    def per_month(field_name, qs):
        rows = qs.exclude(**{f"{field_name}__isnull": True}).annotate(m=TruncMonth(field_name)).values("m").annotate(
            n=Count("pk"))
        out: dict[dt.date, int] = {}
        for row in rows:
            month = row["m"].date() if hasattr(row["m"], "date") else row["m"]
            out[month.replace(day=1)] = out.get(month.replace(day=1), 0) + row["n"]
        return out

    found = per_month("first_found", findings)
    fixed = per_month("fixed_at", findings)
    judged = per_month("reviewed_at", findings.filter(
        status__in=[PrivacyFinding.Status.FALSE_POSITIVE, PrivacyFinding.Status.LAWFUL]))
    before = starts[0]
    open_count = (
        sum(n for m, n in found.items() if m < before)
        - sum(n for m, n in fixed.items() if m < before)
        - sum(n for m, n in judged.items() if m < before)
    )
    trend = []
    for month in starts:
        open_count += found.get(month, 0) - fixed.get(month, 0) - judged.get(month, 0)
        trend.append({"month": month, "found": found.get(month, 0), "fixed": fixed.get(month, 0),
                      "judged": judged.get(month, 0), "open": max(open_count, 0)})
    return trend


def decide(finding, *, status: str, reason: str, user) -> None:
    """Staff's decision on one finding: not personal data, lawful to publish
    (both with a reason), or open again."""
    from ..models import PrivacyFinding

    finding.status = status
    finding.reason = reason.strip() if status != PrivacyFinding.Status.OPEN else ""
    finding.reviewed_by = user if status != PrivacyFinding.Status.OPEN else None
    finding.reviewed_at = timezone.now() if status != PrivacyFinding.Status.OPEN else None
    finding.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])


def edit_url(finding) -> str:
    from django.urls import reverse

    if finding.page_id:
        return reverse("wagtailadmin_pages:edit", args=[finding.page_id])
    if finding.document_id:
        return reverse("wagtaildocs:edit", args=[finding.document_id])
    return ""
