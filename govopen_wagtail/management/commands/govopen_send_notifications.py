"""Send notification e-mails that are due, retries included (run from cron)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ...services.notifications import deliver_due


class Command(BaseCommand):
    help = _("Send the notification e-mails that are due, including retries after a mail server failure.")

    def handle(self, *args, **options):
        sent, failed = deliver_due()
        self.stdout.write(_("Sent: %(sent)d; failed attempts: %(failed)d.") % {"sent": sent, "failed": failed})
