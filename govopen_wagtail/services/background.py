"""Work that must not keep an editor waiting.

With a real task backend (a worker), tasks are enqueued as usual. With the
default immediate backend there is no worker, and an enqueued task would run
inside the editor's request (Word/PDF generation took 14–40 s there): the
task runs in a thread of its own instead, after the response. If the
process ends first, nothing is lost: a missing file is made on its first
download.
"""

from __future__ import annotations

import logging
import threading

from django.db import connections

from ..conf import govopen_settings

logger = logging.getLogger(__name__)


def _run(func, args) -> None:
    try:
        func(*args)
    except Exception:  # the task records its own problems; never crash the thread silently
        logger.exception("govopen background task %s failed", getattr(func, "__name__", func))
    finally:
        connections.close_all()


def run_in_background(task, *args):
    """Enqueue ``task`` with a worker backend, else run it in a daemon thread.
    Returns the task result or the thread."""
    from django_tasks.backends.immediate import ImmediateBackend

    if isinstance(task.get_backend(), ImmediateBackend) and govopen_settings.BACKGROUND_THREADS:
        thread = threading.Thread(target=_run, args=(task.func, args), daemon=True, name="govopen-background")
        thread.start()
        return thread
    return task.enqueue(*args)
