"""Staff view of the privacy screening (隐私排查): what was found, where to fix
it, decisions with reasons, the monthly trend and a CSV export. Every list
and action goes through the site scope (:mod:`govopen_wagtail.permissions`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, ngettext
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import permissions
from ..models import PrivacyFinding, PrivacyReviewRecord, PrivacyScan
from ..models.privacy import Confidence, Kind
from ..params import parse_int
from ..services import privacy_audit
from ..services.exports import Column, to_csv

PER_PAGE = 100
MAX_REASON = 1000


def _field_label(finding) -> str | None:
    name = finding.location.get("field")
    if not name or not finding.page_id:
        return None
    try:
        return str(finding.page.specific_class._meta.get_field(name).verbose_name)
    except Exception:  # a field since removed from the page type
        return None


def _where(finding) -> str:
    location = dict(finding.location)
    label = _field_label(finding)
    if label:
        location["field"] = f"“{label}”"
    return privacy_audit.describe_location(location)


class PrivacyReportView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Privacy screening")
    header_icon = "warning"
    template_name = "govopen_wagtail/admin/privacy.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("govopen_wagtail.view_privacyfinding"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def scoped(self):
        return permissions.filter_for_user(PrivacyFinding.objects.all(), self.request.user)

    def filters(self):
        get = self.request.GET
        status = get.get("status", PrivacyFinding.Status.OPEN)
        if status not in {*PrivacyFinding.Status.values, "all"}:
            status = PrivacyFinding.Status.OPEN
        kind = get.get("kind", "")
        confidence = get.get("confidence", "")
        return {
            "status": status,
            "kind": kind if kind in Kind.values else "",
            "confidence": confidence if confidence in Confidence.values else "",
        }

    def filtered(self, chosen):
        findings = self.scoped()
        if chosen["status"] != "all":
            findings = findings.filter(status=chosen["status"])
        if chosen["kind"]:
            findings = findings.filter(kind=chosen["kind"])
        if chosen["confidence"]:
            findings = findings.filter(confidence=chosen["confidence"])
        return findings.select_related("page", "page__content_type", "document", "site", "reviewed_by")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.export(self.filtered(self.filters()))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = self.filters()
        findings = self.filtered(chosen).order_by("-confidence", "source_label", "pk")
        total = findings.count()
        page = parse_int(self.request.GET.get("p"), minimum=1) or 1
        rows = list(findings[(page - 1) * PER_PAGE : page * PER_PAGE])
        for row in rows:
            row.where = _where(row)
            row.fix_url = privacy_audit.edit_url(row)
        scoped = self.scoped()
        scans = permissions.filter_for_user(PrivacyScan.objects.all(), self.request.user)
        context.update(
            findings=rows, total=total, chosen=chosen, page_number=page,
            has_next=page * PER_PAGE < total,
            statuses=PrivacyFinding.Status.choices, kinds=Kind.choices, confidences=Confidence.choices,
            open_count=scoped.open().count(), blocking_count=scoped.blocking().count(),
            trend=privacy_audit.monthly_trend(scoped),
            unreadable=scans.filter(result__in=[PrivacyScan.Result.NOT_CHECKABLE, PrivacyScan.Result.PARTLY])
            .select_related("document").order_by("source_label")[:200],
            last_run=scans.order_by("-scanned_at").values_list("scanned_at", flat=True).first(),
            can_decide=self.request.user.has_perm("govopen_wagtail.change_privacyfinding"),
            decisions=[(PrivacyFinding.Status.FALSE_POSITIVE, PrivacyFinding.Status.FALSE_POSITIVE.label),
                       (PrivacyFinding.Status.LAWFUL, PrivacyFinding.Status.LAWFUL.label)],
            max_reason=MAX_REASON,
            reviews=permissions.filter_for_user(PrivacyReviewRecord.objects.all(), self.request.user)
            .select_related("site")[:50],
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("govopen_wagtail.change_privacyfinding"):
            raise PermissionDenied
        pk = parse_int(request.POST.get("finding"), minimum=1)
        finding = self.scoped().filter(pk=pk).first() if pk else None
        if finding is None:
            # Another site's finding looks exactly like one that does not exist.
            messages.error(request, gettext("That finding does not exist or is not yours to decide."))
            return redirect("govopen_privacy")
        status = request.POST.get("status", "")
        reason = (request.POST.get("reason") or "").strip()
        allowed = {PrivacyFinding.Status.FALSE_POSITIVE, PrivacyFinding.Status.LAWFUL, PrivacyFinding.Status.OPEN}
        if status not in allowed:
            messages.error(request, gettext("Choose “not personal data”, “lawful to publish” or “open again”."))
        elif status != PrivacyFinding.Status.OPEN and not reason:
            messages.error(request, gettext(
                "Give the reason (e.g. the rule that requires the list to name people): the decision is kept "
                "for the record."))
        elif len(reason) > MAX_REASON:
            messages.error(request, gettext("The reason is too long: at most %(n)d characters.") % {"n": MAX_REASON})
        elif finding.status == PrivacyFinding.Status.FIXED:
            messages.error(request, gettext("This finding is fixed already: nothing to decide."))
        else:
            privacy_audit.decide(finding, status=status, reason=reason, user=request.user)
            messages.success(request, gettext("Decision recorded: %(finding)s — %(status)s.") % {
                "finding": finding, "status": finding.get_status_display()})
        return redirect(request.POST.get("next") if _safe_next(request) else "govopen_privacy")

    def export(self, findings) -> HttpResponse:
        columns = [
            Column("site", gettext("Site")), Column("where", gettext("Page or file")),
            Column("location", gettext("Location")), Column("kind", gettext("Kind")),
            Column("confidence", gettext("Confidence")), Column("masked", gettext("Masked value")),
            Column("status", gettext("Status")), Column("reason", gettext("Reason")),
            Column("first_found", gettext("First found")), Column("fixed_at", gettext("Fixed at")),
        ]
        rows = []
        for f in findings.order_by("site_id", "source_label", "pk").iterator(chunk_size=500):
            rows.append({
                "site": f.site.hostname if f.site else "", "where": f.source_label, "location": _where(f),
                "kind": f.get_kind_display() + (f" ({gettext('column')})" if f.table_column else ""),
                "confidence": f.get_confidence_display(), "masked": f.masked, "status": f.get_status_display(),
                "reason": f.reason, "first_found": timezone.localtime(f.first_found).strftime("%Y-%m-%d %H:%M"),
                "fixed_at": timezone.localtime(f.fixed_at).strftime("%Y-%m-%d %H:%M") if f.fixed_at else "",
            })
        response = HttpResponse(to_csv(rows, columns), content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="privacy-findings-{stamp}.csv"'
        return response


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or ""
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                            require_https=request.is_secure())


@require_POST
def run_audit_view(request):
    """Screen the user's own sites now (what changed since the last run), in
    the background: a large site takes minutes."""
    from ..services.background import run_in_background
    from ..tasks import privacy_audit as privacy_audit_task

    if not request.user.has_perm("govopen_wagtail.view_privacyfinding"):
        raise PermissionDenied
    site_ids = list(permissions.sites_for_user(request.user).values_list("pk", flat=True))
    if not site_ids:
        raise PermissionDenied
    run_in_background(privacy_audit_task, site_ids)
    messages.success(request, ngettext(
        "The screening of %(n)d site has started: what changed since the last run is screened, and the findings "
        "appear on this page when it ends.",
        "The screening of %(n)d sites has started: what changed since the last run is screened, and the findings "
        "appear on this page when it ends.", len(site_ids)) % {"n": len(site_ids)})
    return redirect("govopen_privacy")


def review_record_view(request, pk: int):
    """One review record as the 信息发布审查单 (Word), for the bureau's files."""
    from django.http import Http404

    from ..services.privacy_review import review_form_docx

    if not request.user.has_perm("govopen_wagtail.view_privacyfinding"):
        raise PermissionDenied
    record = permissions.filter_for_user(PrivacyReviewRecord.objects.all(), request.user).filter(pk=pk).first()
    if record is None:
        raise Http404
    response = HttpResponse(
        review_form_docx(record),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    stamp = timezone.localtime(record.reviewed_at).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="review-{record.pk}-{stamp}.docx"'
    return response
