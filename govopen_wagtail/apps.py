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
        from .services import purge

        purge.register()
        from django.core.signals import request_finished, request_started

        from .services import library_cache

        request_started.connect(library_cache.request_started, dispatch_uid="govopen_request_memo_start")
        request_finished.connect(library_cache.request_finished, dispatch_uid="govopen_request_memo_end")
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="govopen_search_word_index")
        from .captcha_fields import reset_batches

        post_migrate.connect(reset_batches, sender=self, dispatch_uid="govopen_captcha_batches")


def _ensure_search_index(sender, using="default", **kwargs) -> None:
    # SQLite drops a table's triggers when a later migration rebuilds it;
    # this puts the word index back after every migrate.
    from django.db import connections

    from .search import dbindex

    dbindex.ensure(connections[using])
