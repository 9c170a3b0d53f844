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


def register() -> None:
    from .models import NormativeDocumentPage

    page_published.connect(
        record_change_note, sender=NormativeDocumentPage, dispatch_uid="govopen_change_note"
    )
