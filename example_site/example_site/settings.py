"""Settings of the govopen-wagtail example site.

SQLite next to this file by default; set DATABASE_URL for PostgreSQL, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/govopen_demo.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-site-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
# school.localhost is the demo school's Site (browsers resolve *.localhost).
ALLOWED_HOSTS = os.environ.get(
    "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,school.localhost,testserver"
).split(",")

INSTALLED_APPS = [
    "demo",
    "govopen_wagtail",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
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
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "govopen_wagtail.middleware.DatabaseUnavailableMiddleware",
    "govopen_wagtail.middleware.RoutingMiddleware",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

WSGI_APPLICATION = "example_site.wsgi.application"

if os.environ.get("DATABASE_URL"):
    import dj_database_url

    # Connections kept between requests (checked before reuse): opening one
    # to PostgreSQL costs more than serving a page from the cache.
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60,
                                                  conn_health_checks=True)}
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3",
                    "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serving several processes (docs/howto/deploy-sqlite.md): write-ahead
    # logging so a write (a comment, a captcha) never blocks readers nor waits
    # for them, commits without an fsync each, and a writer that waits for the
    # lock rather than failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
        **DATABASES["default"].get("OPTIONS", {}),
    }

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "govopen_wagtail.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

if os.environ.get("GOVOPEN_BENCH_CACHE_MIDDLEWARE") == "1":
    # bench/pages.py: public pages behind Django's per-site cache.
    MIDDLEWARE = ["django.middleware.cache.UpdateCacheMiddleware", *MIDDLEWARE,
                  "django.middleware.cache.FetchFromCacheMiddleware"]

# Per-form rate limits as JSON, e.g. '{"comment": "100000/h"}' for a load test
# where every request comes from one address.
if os.environ.get("GOVOPEN_RATE_LIMITS"):
    import json

    GOVOPEN_RATE_LIMITS = json.loads(os.environ["GOVOPEN_RATE_LIMITS"])

# Chinese by default; English through the language switcher (demo.views.switch_language).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

WAGTAIL_SITE_NAME = "govopen-wagtail 示例站点"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
# Wagtail's own search (the admin, choosers, Page.objects.search()) with
# Chinese text segmented; run update_index once after switching to it.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "govopen_wagtail.search.wagtail_backend"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The demo prints e-mails (replies to messages, reminders) in the console;
# a real site sets its mail server here.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# govopen-wagtail: render its pages inside this site's own layout.
GOVOPEN_BASE_TEMPLATE = "demo/base.html"
