"""Background work, as django-tasks tasks (a Wagtail 8 dependency).

With the default immediate backend they run at once and need no worker;
sites that configure a queue backend get them off the request path.
"""

from django_tasks import task


@task()
def generate_document_files(page_id: int, revision_id: int | None = None) -> int:
    from wagtail.models import Revision

    from .models import NormativeDocumentPage
    from .services.files import publish_files

    from .services.files import recorded_generation

    page = NormativeDocumentPage.objects.filter(pk=page_id, live=True).first()
    if page is None:
        return 0
    revision = Revision.objects.filter(pk=revision_id).first() if revision_id else None
    with recorded_generation(page):
        return len(publish_files(page, revision))


@task()
def send_comment_notifications(kind: str, comment_ids: list[int]) -> int:
    """E-mail commenters who asked to be told (kind: "published" or "feedback")."""
    from .services.notifications import send_comment_notifications as send

    return send(kind, comment_ids)


@task()
def deliver_notifications() -> int:
    """Send the notifications that are due (retries after a mail failure)."""
    from .services.notifications import deliver_due, schedule_retry

    sent, _failed = deliver_due()
    schedule_retry()
    return sent


@task()
def generate_report_files(page_id: int) -> int:
    """Word and PDF of a published annual report."""
    from .models import AnnualReportPage
    from .services.annual_report import publish_files

    page = AnnualReportPage.objects.filter(pk=page_id, live=True).first()
    return len(publish_files(page)) if page else 0


@task()
def privacy_audit(site_ids: list[int]) -> int:
    """The privacy screening of these sites (what changed since the last run)."""
    from wagtail.models import Site

    from .services.privacy_audit import audit

    summary = audit(sites=list(Site.objects.filter(pk__in=site_ids)))
    return summary.pages + summary.files
