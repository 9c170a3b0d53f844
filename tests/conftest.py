import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _chinese_by_default():
    # Tests that assert messages say which language they expect; default to
    # the project's default so stray activations do not leak between tests.
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    # Caches outlive each test's database rollback; start every test clean
    # (the stamp's maxima can come round again after a rollback, so the
    # copies kept in this process go too). A test that clears the cache
    # means every process's: clearing it clears the copies as well.
    from django.core.cache import cache

    from govopen_wagtail.captcha_fields import reset_sweep
    from govopen_wagtail.services.library_cache import local_copies

    real_clear = cache.clear

    def clear():
        real_clear()
        local_copies.clear()

    clear()
    monkeypatch.setattr(cache, "clear", clear)
    reset_sweep()  # when this process last asked to sweep expired captchas
    yield


@pytest.fixture
def site(db):
    from tests.factories import make_site

    return make_site()


@pytest.fixture
def platform(site):
    """A disclosure index with all four standard columns and one item."""
    from tests.factories import make_platform

    return make_platform(site)


@pytest.fixture
def admin_client_for(client, db):
    def make(username="editor"):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_superuser(username, f"{username}@example.invalid", "pw")
        client.force_login(user)
        return client, user

    return make


@pytest.fixture
def purged(settings, django_capture_on_commit_callbacks):
    """A recording frontend cache (CDN): the list of URLs it was asked to purge."""
    from tests.test_http_cache import CDN, RecordingBackend

    settings.WAGTAILFRONTENDCACHE = CDN
    RecordingBackend.purged = []
    RecordingBackend.fail = False
    yield RecordingBackend.purged
    RecordingBackend.fail = False  # never leave a failing CDN to the next test
