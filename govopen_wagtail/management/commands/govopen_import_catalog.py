"""Import a standard catalog (CSV or XLSX) into a catalog page."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...models import CatalogPage
from ...services.catalog_io import ImportFailed, import_catalog

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "compulsory_education_catalog.csv"


class Command(BaseCommand):
    help = "Import catalog entries from a CSV/XLSX file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("catalog", help="ID or slug of the catalog page.")
        parser.add_argument("file", nargs="?", help="CSV or XLSX file (default: the shipped compulsory-education sample).")

    def handle(self, *args, catalog, file=None, **options):
        page = CatalogPage.objects.filter(pk=int(catalog)).first() if catalog.isdigit() else \
            CatalogPage.objects.filter(slug=catalog).first()
        if page is None:
            raise CommandError(_("No catalog page %(ref)s.") % {"ref": catalog})
        path = Path(file) if file else SAMPLE
        try:
            report = import_catalog(page, path.name, path.read_bytes())
        except (ImportFailed, OSError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        if not report.ok:
            for row, message in report.errors:
                self.stderr.write(_("Row %(row)d: %(message)s") % {"row": row, "message": message})
            raise CommandError(_("Nothing was imported: %(count)d rows have problems.") % {"count": len(report.errors)})
        self.stdout.write(self.style.SUCCESS(
            _("Imported: %(created)d new entries, %(updated)d updated.") % {"created": report.created, "updated": report.updated}
        ))
