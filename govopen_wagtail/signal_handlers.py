"""Signal receivers, connected from ``AppConfig.ready``."""

from __future__ import annotations

from django.utils import timezone
from wagtail.signals import page_published


def record_change_note(sender, instance, revision=None, **kwargs) -> None:
    """Keep the note of each republication of a normative document."""
    from .models import DocumentChangeNote

    note = (instance.change_note or "").strip()
    if not note or revision is None:
        return
    DocumentChangeNote.objects.get_or_create(
        revision=revision,
        defaults={
            "document": instance,
            "published_at": instance.last_published_at or timezone.now(),
            "note": note,
            "minor": instance.minor_change,
        },
    )


def generate_files(sender, instance, revision=None, **kwargs) -> None:
    """Make the Word/PDF versions once the publish has committed."""
    from django.db import transaction

    from .conf import govopen_settings
    from .tasks import generate_document_files

    if not govopen_settings.GENERATE_FILES_ON_PUBLISH:
        return
    page_id, revision_id = instance.pk, getattr(revision, "pk", None)
    from .services.background import run_in_background

    transaction.on_commit(lambda: run_in_background(generate_document_files, page_id, revision_id))


def generate_report_files(sender, instance, revision=None, **kwargs) -> None:
    from django.db import transaction

    from .conf import govopen_settings
    from .services.background import run_in_background
    from .tasks import generate_report_files as task

    if not govopen_settings.GENERATE_FILES_ON_PUBLISH:
        return
    page_id = instance.pk
    transaction.on_commit(lambda: run_in_background(task, page_id))


def register() -> None:
    from .models import AnnualReportPage, NormativeDocumentPage

    page_published.connect(
        generate_report_files, sender=AnnualReportPage, dispatch_uid="govopen_report_files"
    )
    page_published.connect(
        record_change_note, sender=NormativeDocumentPage, dispatch_uid="govopen_change_note"
    )
    page_published.connect(
        generate_files, sender=NormativeDocumentPage, dispatch_uid="govopen_generate_files"
    )
