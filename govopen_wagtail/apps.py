from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovopenWagtailConfig(AppConfig):
    name = "govopen_wagtail"
    label = "govopen_wagtail"
    verbose_name = _("Government information disclosure")
    # Pinned so a site's DEFAULT_AUTO_FIELD never makes our migrations dirty.
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from . import signal_handlers

        signal_handlers.register()
        from .search import indexing

        indexing.register()
