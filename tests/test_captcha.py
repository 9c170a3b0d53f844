"""The captcha field the public forms use: upstream behaviour, fewer queries."""

import datetime as dt

import pytest
from captcha.models import CaptchaStore
from django import forms
from django.core.cache import cache
from django.utils import timezone

from govopen_wagtail.captcha_fields import SWEEP_KEY, CaptchaField
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
    cache.delete(SWEEP_KEY)  # the period has passed
    answer(challenge(), "abcd").is_valid()
    assert not CaptchaStore.objects.filter(hashkey=later).exists()
