"""Remind handlers of replies due soon or overdue, and send the e-mails (cron, daily)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ...models import InformationApplication
from ...services.applications import correction_lapsed, queue_reminders
from ...services.notifications import deliver_due


class Command(BaseCommand):
    help = _("E-mail handlers whose replies to applications are due within "
             "GOVOPEN_APPLICATION_REMIND_WORKING_DAYS working days or overdue (once per due date).")

    def handle(self, *args, **options):
        queued = queue_reminders()
        sent, failed = deliver_due()
        lapsed = correction_lapsed(InformationApplication.objects.all()).count()
        self.stdout.write(
            _("Reminders queued: %(queued)d; e-mails sent: %(sent)d; failed attempts: %(failed)d; "
              "corrections not received in time: %(lapsed)d.")
            % {"queued": queued, "sent": sent, "failed": failed, "lapsed": lapsed}
        )
