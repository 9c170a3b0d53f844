"""django-simple-captcha's field, used up in one query.

The upstream field deletes every expired challenge in the table on each
POST, then reads the challenge and deletes it: three queries per public
form, and a table-wide DELETE per comment in the rush before a
consultation closes. Here a right answer is checked and used up by one
DELETE; expired challenges are swept at most once per
``SWEEP_SECONDS`` (per cache: a shared cache sweeps once for all
processes). The behaviour is the upstream one: an answer is tried once,
right or wrong, and an expired challenge is refused.

Showing a form wrote one challenge per view: an INSERT (and, on
PostgreSQL, a flushed commit) on every GET of an open consultation, and
on SQLite a write lock against the other workers' readers. ``issue_key``
writes up to ``GOVOPEN_CAPTCHA_BATCH`` challenges in one INSERT and
hands them out one per form, each to one visitor only, for
``BATCH_SECONDS``; each is written to expire that much later than
upstream's, so every visitor still has the whole ``CAPTCHA_TIMEOUT``.
The images, audio and refresh views are upstream's, unchanged.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
import time
from collections import deque

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField as UpstreamCaptchaField
from captcha.fields import CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy

from .services import statements

SWEEP_SECONDS = 300
SWEEP_KEY = "govopen:captcha:swept"
#: How long a written batch of challenges is handed out.
BATCH_SECONDS = 30


# When this process last asked the shared cache whether to sweep: it asks
# once a period, not on every POST (a round trip to Redis each), and the
# shared key still lets one process of the install sweep once a period.
_asked_at = [-float(SWEEP_SECONDS)]


def sweep_expired() -> bool:
    """Delete expired challenges unless that was done in the last few minutes."""
    if captcha_settings.CAPTCHA_GET_FROM_POOL:  # the pool reuses them
        return False
    now = time.monotonic()
    if now - _asked_at[0] < SWEEP_SECONDS:
        return False
    _asked_at[0] = now
    if not cache.add(SWEEP_KEY, 1, SWEEP_SECONDS):
        return False
    CaptchaStore.remove_expired()
    return True


def reset_sweep() -> None:
    """Forget when this process last asked (tests)."""
    _asked_at[0] = -float(SWEEP_SECONDS)


class _Batches:
    """Challenges written but not yet shown, per database, in this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.pid = os.getpid()
        self.keys: dict[str, deque[str]] = {}
        self.written_at: dict[str, float] = {}
        self.size: dict[str, int] = {}

    def take(self, alias: str, limit: int) -> str | None:
        with self.lock:
            if self.pid != os.getpid():  # forked after a batch was written: never share one
                self.reset()
            keys = self.keys.get(alias)
            fresh = time.monotonic() - self.written_at.get(alias, -BATCH_SECONDS) < BATCH_SECONDS
            if keys and fresh:
                return keys.popleft()
            # Grow while batches run out within their time, shrink when
            # they go stale: a quiet site writes about one challenge a view,
            # a busy one a batch per many views.
            size = self.size.get(alias, 1)
            size = min(limit, size * 2) if fresh else max(1, size // 2 if keys else size)
            self.size[alias] = size
            made = _write(alias, size)
            self.keys[alias] = deque(made[1:])
            self.written_at[alias] = time.monotonic()
            return made[0]


def _write(alias: str, count: int) -> list[str]:
    expiration = timezone.now() + dt.timedelta(minutes=int(captcha_settings.CAPTCHA_TIMEOUT),
                                               seconds=BATCH_SECONDS)
    rows = []
    for _ in range(count):
        challenge, response = captcha_settings.get_challenge()()
        rows.append(CaptchaStore(challenge=challenge, response=response.lower(),
                                 hashkey=secrets.token_hex(20), expiration=expiration))
    CaptchaStore.objects.using(alias).bulk_create(rows)
    return [row.hashkey for row in rows]


_batches = _Batches()


def reset_batches(**kwargs) -> None:
    """Forget unshown challenges (connected to ``post_migrate``: a flushed
    test database no longer holds them)."""
    with _batches.lock:
        _batches.reset()


def issue_key(generator=None) -> str:
    """A new challenge's key for one form: from this process's batch when
    batching is on and safe, else written on its own as upstream does."""
    from .conf import govopen_settings

    limit = govopen_settings.CAPTCHA_BATCH
    alias = router.db_for_write(CaptchaStore)
    # Inside a transaction (ATOMIC_REQUESTS, tests) a rollback would take
    # the batch's unshown challenges with it: write each on its own there.
    if generator is not None or limit <= 1 or connections[alias].in_atomic_block:
        return CaptchaStore.generate_key(generator)
    return _batches.take(alias, limit)


class CaptchaInput(CaptchaTextInput):
    """The picture with a text alternative, and a button for a new picture
    that works without JavaScript and keeps what was typed.

    Its HTML is the same for every visitor but for the challenge's key (in
    the hidden input and the picture's and sound's addresses), and nothing
    typed is ever shown again: rendered once per shape (name, attributes,
    language, address prefix) in this process, and the new key put in.
    """

    template_name = "govopen_wagtail/includes/captcha_widget.html"
    _rendered: dict[tuple, tuple[str, str]] = {}

    def fetch_captcha_store(self, name, value, attrs=None, generator=None):
        if captcha_settings.CAPTCHA_GET_FROM_POOL:
            return super().fetch_captcha_store(name, value, attrs, generator)
        self._key = issue_key(generator)
        self._value = [self._key, ""]
        self.id_ = self.build_attrs(attrs).get("id", None)

    def render(self, name, value, attrs=None, renderer=None):
        shape = (name, tuple(sorted((k, str(v)) for k, v in (attrs or {}).items())), get_language(),
                 get_script_prefix(), get_urlconf(), type(renderer), self.template_name)
        kept = None if django_settings.DEBUG else self._rendered.get(shape)
        if kept is None:
            html = str(super().render(name, value, attrs, renderer))
            if len(self._rendered) < 256:
                self._rendered[shape] = (html, self._key)
            return mark_safe(html)
        self.fetch_captcha_store(name, value, attrs, self.generator)
        html, old_key = kept
        return mark_safe(html.replace(old_key, self._key))


def _forget_rendered(**kwargs) -> None:
    CaptchaInput._rendered.clear()  # templates, languages or URLs may differ now


setting_changed.connect(_forget_rendered, dispatch_uid="govopen_captcha_rendered")


def _use_up(hashkey: str, response: str) -> int:
    """Delete the challenge if ``response`` answers it and it has not
    expired; how many rows went (0 or 1). Written in SQL: on every public
    form's POST, building the ORM's delete cost more than running it."""
    alias = router.db_for_write(CaptchaStore)
    connection = connections[alias]
    q = connection.ops.quote_name
    meta = CaptchaStore._meta
    column = lambda name: q(meta.get_field(name).column)  # noqa: E731
    sql = (f"DELETE FROM {q(meta.db_table)} WHERE {column('hashkey')} = %s AND {column('response')} = %s "
           f"AND {column('expiration')} > %s")
    with statements.cursor(connection) as cursor:
        cursor.execute(sql, [hashkey, response, connection.ops.adapt_datetimefield_value(timezone.now())])
        return cursor.rowcount


class CaptchaField(UpstreamCaptchaField):
    def clean(self, value):
        forms.MultiValueField.clean(self, value)
        response, value[1] = (value[1] or "").strip().lower(), ""
        sweep_expired()
        hashkey = value[0]
        if captcha_settings.CAPTCHA_TEST_MODE and response == "passed":
            CaptchaStore.objects.filter(hashkey=hashkey).delete()
            return value
        if not self.required and not response:
            return value
        if not _use_up(hashkey, response):
            # One attempt per picture, right or wrong: no guessing the same one again.
            CaptchaStore.objects.filter(hashkey=hashkey).delete()
            raise ValidationError(self.error_messages.get("invalid", gettext_lazy("Invalid CAPTCHA")), code="invalid")
        return value
