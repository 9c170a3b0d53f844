"""django-simple-captcha's field, used up in one query.

The upstream field deletes every expired challenge in the table on each
POST, then reads the challenge and deletes it: three queries per public
form, and a table-wide DELETE per comment in the rush before a
consultation closes. Here a right answer is checked and used up by one
DELETE; expired challenges are swept at most once per
``SWEEP_SECONDS`` (per cache: a shared cache sweeps once for all
processes). The behaviour is the upstream one: an answer is tried once,
right or wrong, and an expired challenge is refused.
"""

from __future__ import annotations

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField as UpstreamCaptchaField
from captcha.models import CaptchaStore
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

SWEEP_SECONDS = 300
SWEEP_KEY = "govopen:captcha:swept"


def sweep_expired() -> bool:
    """Delete expired challenges unless that was done in the last few minutes."""
    if captcha_settings.CAPTCHA_GET_FROM_POOL:  # the pool reuses them
        return False
    if not cache.add(SWEEP_KEY, 1, SWEEP_SECONDS):
        return False
    CaptchaStore.remove_expired()
    return True


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
        used, _ = CaptchaStore.objects.filter(
            hashkey=hashkey, response=response, expiration__gt=timezone.now()
        ).delete()
        if not used:
            # One attempt per picture, right or wrong: no guessing the same one again.
            CaptchaStore.objects.filter(hashkey=hashkey).delete()
            raise ValidationError(self.error_messages.get("invalid", gettext_lazy("Invalid CAPTCHA")), code="invalid")
        return value
