import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _chinese_by_default():
    # Tests that assert messages say which language they expect; default to
    # the project's default so stray activations do not leak between tests.
    with translation.override("zh-hans"):
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
