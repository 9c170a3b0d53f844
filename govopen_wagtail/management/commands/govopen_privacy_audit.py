"""The privacy screening (隐私排查) of every published page and linked file."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = (
        "Screen every live public page and every file they link to for personal data. Only what changed since "
        "the last run is screened, unless --full."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", action="append", default=[], metavar="HOSTNAME",
                            help="Only this site (by hostname); may be given more than once.")
        parser.add_argument("--full", action="store_true", help="Screen everything again.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, site=(), full=False, quiet=False, **options):
        from wagtail.models import Site

        from ...services.privacy_audit import audit

        sites = None
        if site:
            sites = list(Site.objects.filter(hostname__in=site))
            unknown = sorted(set(site) - {s.hostname for s in sites})
            if unknown:
                known = ", ".join(Site.objects.values_list("hostname", flat=True)) or "-"
                raise CommandError(
                    _("No site with the hostname %(names)s. Sites: %(known)s.")
                    % {"names": ", ".join(unknown), "known": known}
                )
        started = time.perf_counter()
        labels = {"pages": _("Pages"), "files": _("Files")}

        def progress(what: str, done: int, total: int) -> None:
            if quiet:
                return
            width = 30
            filled = width * min(done, total) // total if total else width
            sys.stderr.write(f"\r{labels[what]} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        summary = audit(sites=sites, full=full, progress=progress)
        for error in summary.errors:
            self.stderr.write(error)
        self.stdout.write(self.style.SUCCESS(
            _("Screened %(pages)d pages and %(files)d files in %(seconds).1f s (%(skipped)d unchanged, skipped): "
              "%(new)d new findings, %(fixed)d fixed, %(unreadable)d files not checkable.")
            % {"pages": summary.pages, "files": summary.files, "seconds": time.perf_counter() - started,
               "skipped": summary.skipped, "new": summary.new, "fixed": summary.fixed,
               "unreadable": summary.not_checkable}
        ))
        if summary.errors:
            raise CommandError(_("%(n)d pages or files could not be screened.") % {"n": len(summary.errors)})
