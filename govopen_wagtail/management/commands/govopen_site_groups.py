"""Create the editors', moderators' and application handlers' groups of one site (a school joining a
bureau's install): ``manage.py govopen_site_groups school.example.cn``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from wagtail.models import Site

from ...services.site_groups import create_site_groups


class Command(BaseCommand):
    help = _("Create (or update) the editors', moderators' and application handlers' groups of a site, "
             "confined to that site.")

    def add_arguments(self, parser):
        parser.add_argument("hostname", help=_("The site's hostname as in Settings → Sites (or its id)."))

    def handle(self, *args, hostname, **options):
        sites = Site.objects.filter(hostname=hostname)
        if hostname.isascii() and hostname.isdigit():
            sites = Site.objects.filter(pk=int(hostname))
        if sites.count() != 1:
            raise CommandError(_("No single site with hostname (or id) “%(name)s”.") % {"name": hostname})
        groups = create_site_groups(sites.get())
        self.stdout.write(
            _("Groups ready: “%(editors)s”, “%(moderators)s” and “%(handlers)s”. Add users to them under "
              "Settings → Users.")
            % {"editors": groups.editors.name, "moderators": groups.moderators.name,
               "handlers": groups.handlers.name}
        )
