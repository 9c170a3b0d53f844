"""Rebuild the disclosure search index from every live page."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ...search.base import get_backend
from ...search.indexing import all_documents, count_documents


class Command(BaseCommand):
    help = "Rebuild the disclosure search index (database or Elasticsearch, as configured)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, quiet=False, **options):
        backend = get_backend()
        total = count_documents()
        started = time.perf_counter()

        def progress(done: int) -> None:
            if quiet:
                return
            width = 30
            filled = width * min(done, total) // total if total else width
            sys.stderr.write(f"\r{_('Indexing')} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()

        count = backend.rebuild(all_documents(), progress)
        if not quiet:
            sys.stderr.write("\n")
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            _("%(count)d pages indexed in %(seconds).1f s (%(backend)s).")
            % {"count": count, "seconds": seconds, "backend": backend.name}
        ))
