import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _chinese_by_default():
    # Tests that assert messages say which language they expect; default to
    # the project's default so stray activations do not leak between tests.
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Caches outlive each test's database rollback; start every test clean.
    from django.core.cache import cache

    cache.clear()
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
