"""Abstract bases shared by the disclosure page types."""

from __future__ import annotations

from django.db import models, transaction
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.models import Site

from ..conf import govopen_settings
from .identifiers import IndexNumberRecord


class GovopenPageMixin:
    """Gives every govopen template the base template it should extend."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["govopen_base_template"] = govopen_settings.BASE_TEMPLATE
        context["govopen_breadcrumbs"] = govopen_settings.BREADCRUMBS
        return context

    def absolute_url(self, request=None) -> str:
        """The page's address as the visitor reached the site (host and scheme
        of the request), not the Site record's hostname, which is often
        ``localhost`` or the default site catching every host."""
        if request is None:
            return self.get_full_url() or ""
        url = self.get_url(request)
        return request.build_absolute_uri(url) if url else ""


class IndexNumberMixin(models.Model):
    """A page that is a piece of government information and so has a 索引号.

    The number is assigned the first time the page goes live, inside the same
    transaction as the publish, and then never changes: publishing an older
    revision keeps it, copying a page does not copy it, and deleting the page
    leaves the number taken in the ledger (:class:`IndexNumberRecord`).
    """

    index_number = models.CharField(
        _("index number"),
        max_length=100,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Assigned automatically when the page is first published."),
    )

    exclude_fields_in_copy = ["index_number"]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not (self.live and not self.index_number and not self.alias_of_id):
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "index_number"}
        with transaction.atomic():
            record = self._allocate_index_number()
            if record is not None:
                self.index_number = record.number
            result = super().save(*args, **kwargs)
            if record is not None:
                IndexNumberRecord.objects.filter(pk=record.pk).update(page_id=self.pk)
        return result

    def _allocate_index_number(self) -> IndexNumberRecord | None:
        site = self.get_site() if self.url_path else None
        if site is None:
            site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            # Not reachable from any site: nothing public to number yet.
            return None
        year = timezone.localtime(self.first_published_at or timezone.now()).year
        return IndexNumberRecord.allocate(site=site, year=year, title=self.title)

    def metadata_rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs shown in the page's metadata table."""
        return [(gettext("Index number"), self.index_number)] if self.index_number else []

    def with_content_json(self, content):
        # Revisions saved before the first publish carry an empty number;
        # the number belongs to the page, not to a revision.
        obj = super().with_content_json(content)
        obj.index_number = self.index_number
        return obj


class AttachmentBase(Orderable):
    """A file attached to a page (add ``page = ParentalKey(...)``)."""

    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("file"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        abstract = True
