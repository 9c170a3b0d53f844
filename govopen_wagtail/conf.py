"""Every ``GOVOPEN_*`` setting, with its default, in one place.

Values are read from ``django.conf.settings`` each time they are asked for, so
``override_settings`` in tests and per-process configuration both work without
restarting anything. Use it as::

    from govopen_wagtail.conf import govopen_settings
    govopen_settings.BASE_TEMPLATE

The reference documentation (``docs/reference/settings.md``) lists the same
names; ``tests/test_conf.py`` checks that the two stay in step.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings

PREFIX = "GOVOPEN_"

DEFAULTS: dict[str, Any] = {
    # Template that every govopen page extends. Point it at your site's base
    # template (it must define ``title``, ``extra_css`` and ``content`` blocks).
    "BASE_TEMPLATE": "govopen_wagtail/standalone_base.html",
    # Where the working-day calendar asks whether a day is a working day,
    # in order; the first source that knows the day's year answers.
    "HOLIDAY_SOURCES": [
        {"CLASS": "govopen_wagtail.holidays.DatabaseHolidaySource", "OPTIONS": {}},
        {"CLASS": "govopen_wagtail.holidays.ChineseCalendarSource", "OPTIONS": {}},
    ],
    # Warn editors (system check and admin panel) when a day within this many
    # days from today falls in a year no holiday source covers.
    "HOLIDAY_LOOKAHEAD_DAYS": 60,
    # 索引号 format. Placeholders: {credit_code}, {year}, {serial}, {site_id}.
    # {serial} is required; it counts per site and per year.
    "INDEX_NUMBER_FORMAT": "{credit_code}/{year}-{serial:05d}",
    # Used for {credit_code} while a site has no 统一社会信用代码 in its profile.
    "INDEX_NUMBER_FALLBACK_PREFIX": "SITE{site_id}",
    # 条例 art. 26: active disclosure within N working days of formation.
    "ACTIVE_DISCLOSURE_WORKING_DAYS": 20,
    # 条例 art. 33: reply to an application within N working days.
    "APPLICATION_REPLY_WORKING_DAYS": 20,
    # How many recent items the disclosure index shows under "what's new".
    "INDEX_RECENT_ITEMS": 10,
    # Page types (``"app_label.ModelName"``) a site adds to those allowed
    # directly under the disclosure index.
    "EXTRA_INDEX_SUBPAGE_TYPES": [],
    # Seed 002: interpretations are published within N working days after
    # the document (provincial rules vary).
    "INTERPRETATION_WORKING_DAYS": 3,
    # Staff see documents whose validity period ends within this many days
    # (local rules ask for review ahead of expiry).
    "EXPIRY_WARNING_DAYS": 183,
    # Generate the Word and PDF versions of a normative document (as a
    # task) each time it is published. Downloads generate them on demand too.
    "GENERATE_FILES_ON_PUBLISH": True,
    # With Django's immediate task backend (no worker), run slow tasks such as
    # file generation in a background thread so editors never wait for them.
    # False runs them inside the request (tests on in-memory SQLite do).
    "BACKGROUND_THREADS": True,
    # Font stack for generated PDFs; needs a CJK font on the server
    # (Debian: fonts-noto-cjk).
    "PDF_FONT_FAMILY": "'Noto Serif CJK SC', 'Source Han Serif SC', 'SimSun', serif",
    # Largest file accepted from editors (attachments) or the public
    # (verification), in megabytes.
    "MAX_UPLOAD_MB": 20,
    # Per-client limits on public forms: "N/s", "N/m", "N/h" or "N/d".
    # Limits a site leaves out keep these defaults.
    "RATE_LIMITS": {
        "verify": "30/h", "comment": "20/h", "upload": "60/h", "application": "10/h", "lookup": "20/h",
        "message": "10/h",
    },
    # Largest request body a public (non-admin) page accepts, in megabytes:
    # larger ones are answered 413 before any of the body is read
    # (needs govopen_wagtail.middleware.RequestGuardMiddleware).
    "MAX_REQUEST_MB": 21,
    # HTTP caching of public pages (govopen_wagtail.http_cache, needs
    # PublicCacheMiddleware): max-age in seconds for browsers and proxies on
    # pages without forms, for anonymous visitors; None sends no caching
    # headers at all, 0 makes every visit revalidate with the ETag.
    "CACHE_MAX_AGE": 60,
    # s-maxage for a shared cache (CDN) that is purged on every change
    # (wagtail.contrib.frontend_cache); None leaves it to max-age.
    "CACHE_S_MAXAGE": None,
    # Seconds a visitor is asked to wait (Retry-After) when the database
    # cannot be reached.
    "DATABASE_RETRY_AFTER": 60,
    # Notification e-mails: attempts before one is marked failed, and the
    # first wait in seconds (doubled after each failure).
    "NOTIFICATION_MAX_ATTEMPTS": 6,
    "NOTIFICATION_RETRY_SECONDS": 300,
    # Number of reverse proxies in front of the site whose X-Forwarded-For
    # may be trusted for the client address (0: use REMOTE_ADDR).
    "TRUSTED_PROXY_COUNT": 0,
    # Time zone in which consultation windows are entered and shown
    # (notices say 北京时间), whatever the server's TIME_ZONE.
    "TIME_ZONE": "Asia/Shanghai",
    # 重大行政决策程序暂行条例 art. 15: consultations stay open at least this
    # many days; a shorter window needs a published reason.
    "CONSULTATION_MIN_DAYS": 30,
    # Count CONSULTATION_MIN_DAYS as working days (some local rules do).
    "CONSULTATION_WORKING_DAYS": False,
    # Hold public comments for review before they appear (False: publish at
    # once, except comments matching a sensitive word, which are always held).
    "COMMENT_MODERATION": True,
    # Disclosure on application: largest identity proof an applicant may
    # attach, in megabytes; how many working days before a reply is due the
    # handler is reminded; how many applications for the same information
    # flag it for proactive disclosure (条例 art. 44).
    "APPLICATION_MAX_UPLOAD_MB": 5,
    "APPLICATION_REMIND_WORKING_DAYS": 3,
    "APPLICATION_REPEAT_THRESHOLD": 3,
    # The annual report's deadline (条例 art. 49): "department" (a bureau,
    # 31 January) or "government" (31 March).
    "ANNUAL_REPORT_BODY": "department",
    # Public messages: kind → working days to answer (seed 000 item 29: 3;
    # seed 004: 2 for reports of errors on the site). Kinds other than these
    # four may be added; they are shown as written.
    "MESSAGE_KINDS": {"consult": 3, "suggestion": 3, "complaint": 3, "error": 2},
    # Responses to public concern (回应关切): hours from first seen to the
    # response, for a major incident and otherwise (seed 002).
    "CONCERN_HOURS": {"major": 5, "ordinary": 48},
    # A unit a message is forwarded to (转办) answers within this many working
    # days of the forwarding, and never later than the message's own due date.
    "MESSAGE_UNIT_WORKING_DAYS": 2,
    # A second pair of eyes: a drafted reply is sent only once another staff
    # member approves it (False: the reply is sent as it is saved).
    "MESSAGE_REPLY_APPROVAL": False,
    # Work plans: progress is reported and published per "quarter" or "month".
    "PLAN_PROGRESS_PERIOD": "quarter",
    # The bureau's oversight table: indicator → weight (points for a site
    # that meets it fully). Leave a key out to drop the indicator.
    "OVERSIGHT_INDICATORS": {"health": 25, "guide": 10, "annual_report": 15, "applications": 15,
                             "messages": 15, "privacy": 10, "plan": 10},
    # Longest message accepted from the public, in characters.
    "MESSAGE_MAX_CHARS": 2000,
    # A message with this many links or more is held for review as spam.
    "MESSAGE_MAX_LINKS": 3,
    # Screen a page for personal data when an editor publishes it: a finding
    # of high confidence saves a draft instead and tells the editor, who
    # publishes it as it is by clicking Publish again (False: no check).
    "PRIVACY_PUBLISH_CHECK": True,
    # Longest comment accepted, in characters.
    "COMMENT_MAX_CHARS": 5000,
    # Longest run of characters without a space or punctuation mark.
    "COMMENT_MAX_UNBROKEN": 300,
    # Form field that keeps robots out of public forms, as {"CLASS", "OPTIONS"};
    # None turns it off (a system check warns). The default needs "captcha" in
    # INSTALLED_APPS and its URLs included (see the install tutorial).
    "COMMENT_CAPTCHA": {"CLASS": "captcha.fields.CaptchaField", "OPTIONS": {}},
    # The default captcha writes up to this many challenges in one INSERT and
    # shows each to one visitor (1: one INSERT per form shown, as upstream).
    "CAPTCHA_BATCH": 20,
    # Words that hold a comment for review wherever they appear (spacing,
    # punctuation and full-width letters inside a word are ignored).
    "SENSITIVE_WORDS": [],
    # A UTF-8 file with one sensitive word per line, added to the list above.
    "SENSITIVE_WORDS_FILE": "",
    # Comments whose character-bigram (Jaccard) similarity reaches this value
    # are grouped as near-identical, a campaign (0 groups identical ones only).
    "CAMPAIGN_SIMILARITY": 0.7,
    # Staff are reminded when a consultation has been closed this many
    # working days without published feedback.
    "FEEDBACK_WORKING_DAYS": 20,
    # Health check: fetch external links over HTTP (False: internal only).
    "LINK_CHECK_EXTERNAL": True,
    # Seconds to wait for an external site to answer.
    "LINK_CHECK_TIMEOUT": 10,
    # External links checked at the same time.
    "LINK_CHECK_CONCURRENCY": 8,
    # Seconds between two requests to the same host (be polite).
    "LINK_CHECK_HOST_INTERVAL": 1.0,
    # How long an external link's result is kept in the cache.
    "LINK_CHECK_CACHE_SECONDS": 86400,
    # Which search backend serves the disclosure search, as {"CLASS", "OPTIONS"}.
    # Built in: search.backends.database.DatabaseBackend (jieba segmentation
    # in the site's database) and search.backends.elasticsearch.ElasticsearchBackend.
    "SEARCH_BACKEND": {"CLASS": "govopen_wagtail.search.backends.database.DatabaseBackend", "OPTIONS": {}},
    # An extra jieba user dictionary (one "word [frequency] [tag]" per line).
    "SEARCH_USER_DICTIONARY": "",
    # Each site's search covers its own pages. True opens every search to
    # every site of the install; a list of hostnames opens those sites'
    # searches (e.g. the bureau's) to all sites (its schools).
    "SEARCH_ALL_SITES": [],
    # How much of a page's text is indexed, in characters.
    "SEARCH_MAX_BODY_CHARS": 20000,
    # A query's results (hits, total, facets) are kept this many seconds, and
    # dropped at once when anything is published, edited, moved or restricted;
    # the limit bounds how long a count can lag an index update that raced a
    # query. 0 asks the backend every time.
    "SEARCH_CACHE_SECONDS": 300,
    # Parts of pages kept under the change stamp (rendered HTML, routing,
    # listings' ids) are also kept in each process for this many seconds, so
    # that a page's GET does not ask the shared cache for each. What a stamped
    # key holds never changes, so the limit only bounds how long a part stays
    # after the shared cache is cleared by hand. 0 keeps no copies.
    "LOCAL_CACHE_SECONDS": 60,
    # The most those copies take in each process, in bytes.
    "LOCAL_CACHE_BYTES": 8 * 1024 * 1024,
    # On PostgreSQL, the plugin's own statements on its busiest paths (a
    # request's site and page, a comment's group candidates and captcha) are
    # prepared once per connection. False behind a connection pooler that
    # does not keep prepared statements (PgBouncer in transaction mode
    # before 1.21).
    "PREPARE_STATEMENTS": True,
    # Replace a non-ASCII slug (Wagtail makes one from a Chinese title, and it
    # becomes a very long percent-encoded address) with a short readable one
    # such as doc-2018-85 or item-20260825; editors can still change it.
    "ASCII_SLUGS": True,
    # Show the plugin's breadcrumb trail on its pages. Turn off when the site's
    # base template draws its own, so visitors do not see two.
    "BREADCRUMBS": True,
    # Flag the guide as due for review when "last reviewed" is older than this.
    "GUIDE_REVIEW_INTERVAL_DAYS": 365,
}


class GovopenSettings:
    """Attribute access to ``GOVOPEN_*`` settings, falling back to defaults."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown govopen setting: {PREFIX}{name}")
        return getattr(django_settings, PREFIX + name, DEFAULTS[name])

    def is_overridden(self, name: str) -> bool:
        return hasattr(django_settings, PREFIX + name)


govopen_settings = GovopenSettings()
