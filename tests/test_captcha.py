"""The captcha field the public forms use: upstream behaviour, fewer queries."""

import datetime as dt
import re
import time
from unittest import mock

import pytest
from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_migrate
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from govopen_wagtail import captcha_fields
from govopen_wagtail.captcha_fields import SWEEP_KEY, SWEEP_SECONDS, CaptchaField, reset_batches, sweep_expired
from govopen_wagtail.forms import captcha_field
from tests.factories import count_queries


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = captcha_field()


def challenge(response="abcd", expires_in=300):
    store = CaptchaStore.objects.create(challenge=response.upper(), response=response)
    CaptchaStore.objects.filter(pk=store.pk).update(expiration=timezone.now() + dt.timedelta(seconds=expires_in))
    return store.hashkey


UpstreamGetContext = CaptchaTextInput.get_context


def answer(key, text):
    return Form({"captcha_0": key, "captcha_1": text})


@pytest.mark.django_db
def test_the_default_captcha_is_the_one_query_field():
    assert isinstance(captcha_field(), CaptchaField)


@pytest.mark.django_db
def test_a_right_answer_passes_once_in_one_query():
    key = challenge()
    cache.set(SWEEP_KEY, 1)  # swept a moment ago
    form = answer(key, " ABCD ")
    assert count_queries(form.is_valid) == 1 and form.is_valid()
    again = answer(key, "abcd")
    assert not again.is_valid()
    assert "验证码" in again.errors["captcha"][0]


@pytest.mark.django_db
def test_a_wrong_answer_uses_the_picture_up():
    key = challenge()
    assert not answer(key, "wxyz").is_valid()
    assert not CaptchaStore.objects.filter(hashkey=key).exists()
    assert not answer(key, "abcd").is_valid()


@pytest.mark.django_db
def test_an_expired_picture_is_refused():
    key = challenge(expires_in=-1)
    assert not answer(key, "abcd").is_valid()


@pytest.mark.django_db
def test_expired_pictures_are_swept_at_most_once_per_period():
    old = [challenge(f"old{i}", expires_in=-60) for i in range(3)]
    answer(challenge(), "abcd").is_valid()
    assert not CaptchaStore.objects.filter(hashkey__in=old).exists()
    later = challenge("late", expires_in=-60)
    form = answer(challenge(), "abcd")
    assert count_queries(form.is_valid) == 1  # no sweep again so soon
    assert CaptchaStore.objects.filter(hashkey=later).exists()
    cache.delete(SWEEP_KEY)  # another process's period has passed, not this one's
    form = answer(challenge(), "abcd")
    assert count_queries(form.is_valid) == 1
    assert CaptchaStore.objects.filter(hashkey=later).exists()
    with mock.patch("govopen_wagtail.captcha_fields.time.monotonic", return_value=time.monotonic() + SWEEP_SECONDS):
        answer(challenge(), "abcd").is_valid()  # the period has passed
    assert not CaptchaStore.objects.filter(hashkey=later).exists()


@pytest.mark.django_db
def test_processes_share_one_sweep_a_period():
    old = challenge("old", expires_in=-60)
    cache.set(SWEEP_KEY, 1)  # another process swept a moment ago
    assert not sweep_expired()
    assert CaptchaStore.objects.filter(hashkey=old).exists()
    # Asked once a period: not again before it is over, even should the key go.
    cache.delete(SWEEP_KEY)
    assert not sweep_expired()
    with mock.patch("govopen_wagtail.captcha_fields.time.monotonic", return_value=time.monotonic() + SWEEP_SECONDS):
        assert sweep_expired()
    assert not CaptchaStore.objects.filter(hashkey=old).exists()


# Batches: challenges written several at a time, each shown once ----------------

KEY = re.compile(r'name="captcha_0" value="([0-9a-f]+)"')


def shown_key() -> str:
    return KEY.search(str(Form()["captcha"])).group(1)


def captcha_inserts(ctx) -> int:
    return sum(q["sql"].startswith('INSERT INTO "captcha_captchastore"') for q in ctx.captured_queries)


@pytest.fixture
def batches(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(captcha_fields.time, "monotonic", lambda: clock[0])
    reset_batches()
    yield clock
    reset_batches()


@pytest.mark.django_db(transaction=True)
def test_challenges_are_written_in_growing_batches_and_each_shown_once(batches):
    with CaptureQueriesContext(connection) as ctx:
        keys = [shown_key() for _ in range(60)]
    assert len(set(keys)) == 60
    # 1 + 2 + 4 + 8 + 16 + 20 + 20 = 71 written for 60 shown, in 7 INSERTs.
    assert captcha_inserts(ctx) == 7
    stored = {s.hashkey: s for s in CaptchaStore.objects.filter(hashkey__in=keys)}
    assert set(stored) == set(keys)
    # Shown up to 30 s after writing, each still has the whole CAPTCHA_TIMEOUT.
    least = timezone.now() + dt.timedelta(minutes=captcha_settings.CAPTCHA_TIMEOUT, seconds=25)
    assert all(s.expiration > least for s in stored.values())
    # A shown challenge is answered like any other: once.
    key = keys[30]
    assert answer(key, stored[key].response.upper()).is_valid()
    assert not answer(key, stored[key].response).is_valid()


@pytest.mark.django_db(transaction=True)
def test_a_stale_batch_is_never_shown_and_the_next_is_smaller(batches):
    keys = [shown_key() for _ in range(8)]  # batches of 1, 2, 4 and one of 8 (7 left)
    batches[0] += captcha_fields.BATCH_SECONDS
    with CaptureQueriesContext(connection) as ctx:
        late = shown_key()
    assert captcha_inserts(ctx) == 1 and late not in keys
    assert captcha_fields._batches.size["default"] == 4
    assert len(captcha_fields._batches.keys["default"]) == 3


@pytest.mark.django_db(transaction=True)
def test_a_forked_process_never_shows_its_parents_batch(batches, monkeypatch):
    first = [shown_key() for _ in range(4)]  # a batch of 4 is waiting with three keys
    pending = list(captcha_fields._batches.keys["default"])
    assert pending
    monkeypatch.setattr(captcha_fields.os, "getpid", lambda: -1)
    assert shown_key() not in pending + first


@pytest.mark.django_db(transaction=True)
def test_a_migrated_database_forgets_the_batch(batches):
    [shown_key() for _ in range(4)]
    assert captcha_fields._batches.keys["default"]
    config = django_apps.get_app_config("govopen_wagtail")
    post_migrate.send(sender=config, app_config=config, verbosity=0, interactive=False,
                      using="default", apps=django_apps, plan=[])
    assert captcha_fields._batches.keys == {}


@pytest.mark.django_db(transaction=True)
@override_settings(GOVOPEN_CAPTCHA_BATCH=1)
def test_a_batch_of_one_writes_each_challenge_as_it_is_shown(batches):
    with CaptureQueriesContext(connection) as ctx:
        keys = [shown_key() for _ in range(5)]
    assert captcha_inserts(ctx) == 5 and len(set(keys)) == 5


@pytest.mark.django_db
def test_inside_a_transaction_each_challenge_is_written_on_its_own(batches):
    # A rolled-back request (ATOMIC_REQUESTS) would take unshown ones with it.
    with CaptureQueriesContext(connection) as ctx:
        keys = [shown_key() for _ in range(4)]
    assert captcha_inserts(ctx) == 4
    assert captcha_fields._batches.keys == {}
    assert CaptchaStore.objects.filter(hashkey__in=keys).count() == 4


@pytest.mark.django_db(transaction=True)
def test_the_shown_picture_is_served(batches, client):
    for key in [shown_key() for _ in range(3)]:
        response = client.get(reverse("captcha-image", kwargs={"key": key}))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"


# The widget's HTML: rendered once, each visitor's key put in ---------------------


@pytest.mark.django_db
def test_the_widget_is_rendered_once_and_each_view_gets_its_own_key(monkeypatch):
    from govopen_wagtail.captcha_fields import CaptchaInput

    CaptchaInput._rendered.clear()
    first = str(Form()["captcha"])
    renders = []
    monkeypatch.setattr(CaptchaTextInput, "get_context",
                        lambda self, *a: renders.append(1) or UpstreamGetContext(self, *a))
    second, third = str(Form()["captcha"]), str(Form()["captcha"])
    assert renders == []  # no template rendered again
    keys = [KEY.search(html).group(1) for html in (first, second, third)]
    assert len(set(keys)) == 3 and all(CaptchaStore.objects.filter(hashkey=k).exists() for k in keys)
    for html, key in zip((first, second, third), keys):
        assert html.count(key) == 2  # the hidden input and the picture's address
        assert reverse("captcha-image", kwargs={"key": key}) in html
    assert first.replace(keys[0], "K") == second.replace(keys[1], "K")
    with translation.override("en"):
        english = str(Form()["captcha"])
    assert renders and "New picture" in english  # another language: rendered for it


@pytest.mark.django_db
def test_a_form_sent_back_never_shows_what_was_typed():
    form = answer(challenge(), "typed")
    assert not form.is_valid()
    html = str(form["captcha"])
    assert "typed" not in html and 'aria-invalid="true"' in html
    assert KEY.search(html).group(1) != form.data["captcha_0"]
