"""Run the disclosure health check and write a report (terminal and CSV)."""

from __future__ import annotations

import csv
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ...services.health import run_health_check


class Command(BaseCommand):
    help = "Find empty catalog entries, late items, broken links and malformed guide contacts."

    def add_arguments(self, parser):
        parser.add_argument("--no-external", action="store_true", help="Do not fetch external links.")
        parser.add_argument("--cached-external", action="store_true",
                            help="Use only cached results for external links.")
        parser.add_argument("--csv", metavar="PATH", help="Also write the findings to this CSV file.")
        parser.add_argument("--base-url", default="", help="Prefix for the admin links in the report.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def progress(self, stage: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        sys.stderr.write(f"\r{stage:<16} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def handle(self, *args, no_external=False, cached_external=False, csv=None, base_url="", quiet=False, **options):
        external = "off" if no_external else ("cached" if cached_external else "fetch")
        report = run_health_check(external=external, progress=None if quiet else self.progress)
        for kind, label, findings in report.by_kind():
            self.stdout.write(self.style.MIGRATE_HEADING(f"{label}: {len(findings)}"))
            for finding in findings:
                where = f" [{finding.where}]" if finding.where else ""
                self.stdout.write(f"  - {finding.title}{where}: {finding.message}")
                if finding.fix_url:
                    self.stdout.write(f"    {base_url}{finding.fix_url}")
        self.stdout.write(
            _("%(items)d items and %(links)d links checked in %(seconds).1f s (external links: %(external)s).")
            % {"items": report.items_checked, "links": report.links_checked, "seconds": report.seconds,
               "external": report.external}
        )
        if csv:
            write_csv(csv, report, base_url)
            self.stdout.write(_("Report written to %(path)s") % {"path": csv})


def write_csv(path: str, report, base_url: str) -> None:
    from ...services.exports import safe_cell

    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([_("Problem"), _("Page or entry"), _("Details"), _("Where"), _("Fix at")])
        for finding in report.findings:
            row = finding.as_row()
            writer.writerow([safe_cell(v) for v in (row["kind"], row["title"], row["message"], row["where"],
                                                    base_url + row["fix_url"])])
