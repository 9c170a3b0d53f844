"""Settings for the test suite.

SQLite in memory by default; PostgreSQL (or any database) from DATABASE_URL,
e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/govopen. A REDIS_URL
switches the cache (used by rate limits) to Redis.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The example site's demo app is part of what is tested (load_demo).
sys.path.insert(0, str(ROOT / "example_site"))

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "govopen_wagtail",
    "tests.testapp",
    "demo",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "captcha",
    "simple_history",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "govopen_wagtail.middleware.PublicCacheMiddleware",
    "govopen_wagtail.middleware.RequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "govopen_wagtail.middleware.DatabaseUnavailableMiddleware",
    "govopen_wagtail.middleware.RoutingMiddleware",
]

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ROOT / "tests" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "govopen_wagtail.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "govopen-tests",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = tempfile.mkdtemp(prefix="govopen-static-")
MEDIA_URL = "/media/"
MEDIA_ROOT = tempfile.mkdtemp(prefix="govopen-media-")

WAGTAIL_SITE_NAME = "govopen tests"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Wagtail's own search (the admin, choosers, Page.objects.search()) with
# Chinese text segmented; run update_index once after switching to it.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "govopen_wagtail.search.wagtail_backend"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendering Word/PDF on every publish would slow every test; downloads still
# generate on demand, and tests of generation turn this on.
GOVOPEN_GENERATE_FILES_ON_PUBLISH = False
# In-memory SQLite is one connection per thread: background work runs inline.
GOVOPEN_BACKGROUND_THREADS = False
# Every visit revalidates (ETag) so browser journeys never see a page from before a change.
GOVOPEN_CACHE_MAX_AGE = 0
