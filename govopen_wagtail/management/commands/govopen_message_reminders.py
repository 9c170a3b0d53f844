"""Remind the office and units of public messages due soon or overdue, and send the e-mails (cron, daily)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ...services.messages import remind
from ...services.notifications import deliver_due


class Command(BaseCommand):
    help = _("E-mail the office and the unit holding each public message due within a working day or "
             "overdue (once per due date).")

    def add_arguments(self, parser):
        parser.add_argument("--within", type=int, default=1,
                            help=_("Remind of messages due within this many working days (default 1)."))

    def handle(self, *args, within: int = 1, **options):
        if within < 0:
            from django.core.management.base import CommandError

            raise CommandError(_("--within must be 0 or more working days."))
        queued = remind(within=within)
        sent, failed = deliver_due()
        self.stdout.write(_("Reminders queued: %(queued)d; e-mails sent: %(sent)d; failed attempts: %(failed)d.")
                          % {"queued": queued, "sent": sent, "failed": failed})
