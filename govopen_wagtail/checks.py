"""System checks for govopen settings and holiday data.

IDs: govopen_wagtail.E001–E0xx for configuration that will break at run
time, W001–W0xx for things an editor must act on (e.g. holiday data).
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from .conf import govopen_settings
from .identifiers import IndexNumberFormatError, validate_index_number_format

REQUIRED_APPS = (
    "wagtail",
    "wagtail.contrib.settings",
    "wagtail_modeladmin",
    "simple_history",
    "modelcluster",
    "taggit",
)


@register(Tags.compatibility)
def check_installed_apps(app_configs=None, **kwargs):
    errors = []
    for name in REQUIRED_APPS:
        if not apps.is_installed(name):
            errors.append(
                Error(
                    f"govopen_wagtail needs '{name}' in INSTALLED_APPS.",
                    hint="See docs/tutorial/install.md for the full list.",
                    id="govopen_wagtail.E001",
                )
            )
    return errors


@register()
def check_settings(app_configs=None, **kwargs):
    errors = []

    base = govopen_settings.BASE_TEMPLATE
    if not isinstance(base, str) or not base:
        errors.append(
            Error("GOVOPEN_BASE_TEMPLATE must be a template name.", id="govopen_wagtail.E002")
        )
    else:
        try:
            get_template(base)
        except TemplateDoesNotExist:
            errors.append(
                Error(
                    f"GOVOPEN_BASE_TEMPLATE '{base}' cannot be found.",
                    hint="Point it at your site's base template, or remove the setting.",
                    id="govopen_wagtail.E003",
                )
            )

    if govopen_settings.ANNUAL_REPORT_BODY not in ("department", "government"):
        errors.append(Error('GOVOPEN_ANNUAL_REPORT_BODY must be "department" or "government".',
                            id="govopen_wagtail.E011"))
    for name in ("APPLICATION_MAX_UPLOAD_MB", "APPLICATION_REMIND_WORKING_DAYS", "APPLICATION_REPEAT_THRESHOLD"):
        value = getattr(govopen_settings, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(Error(f"GOVOPEN_{name} must be a whole number of at least 1.", id="govopen_wagtail.E012"))

    for name in ("LOCAL_CACHE_SECONDS", "LOCAL_CACHE_BYTES"):
        value = getattr(govopen_settings, name)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            errors.append(Error(f"GOVOPEN_{name} must be a number of at least 0.", id="govopen_wagtail.E014"))
    errors += _check_message_clocks()

    sources = govopen_settings.HOLIDAY_SOURCES
    if not isinstance(sources, (list, tuple)) or not sources:
        errors.append(
            Error(
                "GOVOPEN_HOLIDAY_SOURCES must be a non-empty list of "
                '{"CLASS": ..., "OPTIONS": {...}} entries.',
                id="govopen_wagtail.E004",
            )
        )
    else:
        for i, entry in enumerate(sources):
            errors.extend(_check_source(i, entry))

    try:
        validate_index_number_format(govopen_settings.INDEX_NUMBER_FORMAT)
    except IndexNumberFormatError as exc:
        errors.append(
            Error(
                f"GOVOPEN_INDEX_NUMBER_FORMAT is not usable: {exc}.",
                hint='The default is "{credit_code}/{year}-{serial:05d}".',
                id="govopen_wagtail.E006",
            )
        )

    for name in (
        "ACTIVE_DISCLOSURE_WORKING_DAYS",
        "APPLICATION_REPLY_WORKING_DAYS",
        "INDEX_RECENT_ITEMS",
        "HOLIDAY_LOOKAHEAD_DAYS",
        "GUIDE_REVIEW_INTERVAL_DAYS",
        "CONSULTATION_MIN_DAYS",
        "COMMENT_MAX_CHARS",
        "COMMENT_MAX_UNBROKEN",
        "FEEDBACK_WORKING_DAYS",
        "LINK_CHECK_CONCURRENCY",
        "LINK_CHECK_CACHE_SECONDS",
    ):
        value = getattr(govopen_settings, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors.append(
                Error(
                    f"GOVOPEN_{name} must be a whole number of 0 or more, not {value!r}.",
                    id="govopen_wagtail.E007",
                )
            )
    for name in ("CACHE_MAX_AGE", "CACHE_S_MAXAGE"):
        value = getattr(govopen_settings, name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            errors.append(Error(f"GOVOPEN_{name} must be None or a whole number of seconds, not {value!r}.",
                                id="govopen_wagtail.E007"))

    for label in govopen_settings.EXTRA_INDEX_SUBPAGE_TYPES:
        try:
            apps.get_model(label)
        except (LookupError, ValueError):
            errors.append(
                Error(
                    f"GOVOPEN_EXTRA_INDEX_SUBPAGE_TYPES names '{label}', which is not a model.",
                    hint='Use "app_label.ModelName".',
                    id="govopen_wagtail.E008",
                )
            )
    return errors


def _whole(value, least: int = 1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _check_message_clocks() -> list:
    errors = []
    kinds = govopen_settings.MESSAGE_KINDS
    if not isinstance(kinds, dict) or not kinds or not all(
        isinstance(k, str) and k and _whole(v) and v <= 60 for k, v in kinds.items()
    ):
        errors.append(Error(
            f"GOVOPEN_MESSAGE_KINDS must map each kind of message to the working days to answer it "
            f"(1 to 60), e.g. {{\"consult\": 3, \"error\": 2}}; not {kinds!r}.", id="govopen_wagtail.E013"))
    hours = govopen_settings.CONCERN_HOURS
    if not isinstance(hours, dict) or set(hours) != {"major", "ordinary"} or not all(
        _whole(v) for v in hours.values()
    ):
        errors.append(Error(
            f'GOVOPEN_CONCERN_HOURS must be {{"major": hours, "ordinary": hours}} in whole hours of at least 1; '
            f"not {hours!r}.", id="govopen_wagtail.E013"))
    for name, low, high in (("MESSAGE_UNIT_WORKING_DAYS", 1, 60), ("MESSAGE_MAX_CHARS", 100, 100000),
                            ("MESSAGE_MAX_LINKS", 1, 1000)):
        value = getattr(govopen_settings, name)
        if not _whole(value) or not low <= value <= high:
            errors.append(Error(f"GOVOPEN_{name} must be a whole number from {low} to {high}; not {value!r}.",
                                id="govopen_wagtail.E013"))
    indicators = govopen_settings.OVERSIGHT_INDICATORS
    from .services.oversight import MEASURES

    if not isinstance(indicators, dict) or not indicators or not all(
        k in MEASURES and isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
        for k, v in indicators.items()
    ):
        errors.append(Error(f"GOVOPEN_OVERSIGHT_INDICATORS must map indicators ({', '.join(MEASURES)}) to positive "
                            f"weights; not {indicators!r}.", id="govopen_wagtail.E013"))
    if govopen_settings.PLAN_PROGRESS_PERIOD not in ("quarter", "month"):
        errors.append(Error('GOVOPEN_PLAN_PROGRESS_PERIOD must be "quarter" or "month".', id="govopen_wagtail.E013"))
    if not isinstance(govopen_settings.MESSAGE_REPLY_APPROVAL, bool):
        errors.append(Error("GOVOPEN_MESSAGE_REPLY_APPROVAL must be True or False.", id="govopen_wagtail.E013"))
    return errors


def _check_source(i: int, entry) -> list:
    if not isinstance(entry, dict) or "CLASS" not in entry:
        return [
            Error(
                f"GOVOPEN_HOLIDAY_SOURCES[{i}] must be a dict with a 'CLASS' key.",
                id="govopen_wagtail.E004",
            )
        ]
    try:
        cls = import_string(entry["CLASS"])
    except ImportError as exc:
        return [
            Error(
                f"GOVOPEN_HOLIDAY_SOURCES[{i}]: cannot import {entry['CLASS']!r} ({exc}).",
                id="govopen_wagtail.E005",
            )
        ]
    options = entry.get("OPTIONS", {})
    if not isinstance(options, dict):
        return [
            Error(f"GOVOPEN_HOLIDAY_SOURCES[{i}]['OPTIONS'] must be a dict.", id="govopen_wagtail.E004")
        ]
    if not callable(getattr(cls, "year_data", None)):
        return [
            Error(
                f"GOVOPEN_HOLIDAY_SOURCES[{i}]: {entry['CLASS']} has no year_data() method.",
                id="govopen_wagtail.E005",
            )
        ]
    return []


@register()
def check_consultation_settings(app_configs=None, **kwargs):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    errors = []
    spec = govopen_settings.COMMENT_CAPTCHA
    if not spec:
        errors.append(
            Warning(
                "GOVOPEN_COMMENT_CAPTCHA is off: public comment forms are protected only by the "
                "honeypot and rate limits.",
                hint="Keep the default captcha unless another layer (e.g. a WAF) stops robots.",
                id="govopen_wagtail.W002",
            )
        )
    elif not isinstance(spec, dict) or "CLASS" not in spec:
        errors.append(Error('GOVOPEN_COMMENT_CAPTCHA must be {"CLASS": ..., "OPTIONS": {...}} or None.',
                            id="govopen_wagtail.E009"))
    else:
        try:
            import_string(spec["CLASS"])
        except ImportError as exc:
            errors.append(Error(f"GOVOPEN_COMMENT_CAPTCHA class cannot be imported: {exc}",
                                id="govopen_wagtail.E009"))
        if spec["CLASS"].startswith("captcha.") and not apps.is_installed("captcha"):
            errors.append(
                Error(
                    "The default comment captcha needs 'captcha' in INSTALLED_APPS.",
                    hint='Add "captcha" to INSTALLED_APPS and path("captcha/", include("captcha.urls")) '
                         "to your URLs, then migrate.",
                    id="govopen_wagtail.E009",
                )
            )
    batch = govopen_settings.CAPTCHA_BATCH
    if not isinstance(batch, int) or isinstance(batch, bool) or not 1 <= batch <= 1000:
        errors.append(Error(f"GOVOPEN_CAPTCHA_BATCH must be a whole number from 1 to 1000, not {batch!r}.",
                            id="govopen_wagtail.E009"))
    try:
        ZoneInfo(str(govopen_settings.TIME_ZONE))
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(Error(f"GOVOPEN_TIME_ZONE {govopen_settings.TIME_ZONE!r} is not a time zone.",
                            id="govopen_wagtail.E010"))
    similarity = govopen_settings.CAMPAIGN_SIMILARITY
    if not isinstance(similarity, (int, float)) or isinstance(similarity, bool) or not 0 <= similarity <= 1:
        errors.append(Error(f"GOVOPEN_CAMPAIGN_SIMILARITY must be between 0 and 1, not {similarity!r}.",
                            id="govopen_wagtail.E010"))
    path = govopen_settings.SENSITIVE_WORDS_FILE
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(Error(f"GOVOPEN_SENSITIVE_WORDS_FILE cannot be read as UTF-8: {exc}",
                                id="govopen_wagtail.E010"))
    return errors


def holiday_coverage_gaps(today: dt.date | None = None) -> list[int]:
    """Years within the look-ahead window that no holiday source covers."""
    from .calendar import get_calendar

    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=govopen_settings.HOLIDAY_LOOKAHEAD_DAYS)
    return get_calendar().uncovered_years(today, horizon)


@register()
def check_holiday_coverage(app_configs=None, **kwargs):
    try:
        gaps = holiday_coverage_gaps()
    except DatabaseError:
        # Tables not migrated yet (e.g. during the first migrate).
        return []
    except Exception:  # a broken source is reported by check_settings
        return []
    return [
        Warning(
            f"No holiday data for {year}: working days in {year} are counted Monday–Friday "
            "and deadlines are marked provisional.",
            hint=(
                f"Enter the State Council's {year} holiday notice in the Wagtail admin under "
                f"{gettext('Disclosure')} → {gettext('Holidays and make-up days')} "
                "(and the year itself under "
                f"{gettext('Disclosure')} → {gettext('Holiday years')}), "
                "or upgrade the chinesecalendar package."
            ),
            id="govopen_wagtail.W001",
        )
        for year in gaps
    ]


def late_annual_reports(today: dt.date | None = None) -> list[tuple[str, int, dt.date]]:
    """(site, year, deadline) for each site with a disclosure platform whose
    report on last year is not published although its deadline has passed."""
    from wagtail.models import Site

    from .models import AnnualReportPage, DisclosureIndexPage
    from .models.reports import deadline_for

    today = today or timezone.localdate()
    year = today.year - 1
    late = []
    for site in Site.objects.select_related("root_page"):
        root = site.root_page.path
        if not DisclosureIndexPage.objects.filter(path__startswith=root).exists():
            continue
        if today > deadline_for(year) and not AnnualReportPage.objects.live().filter(
                year=year, path__startswith=root).exists():
            late.append((str(site), year, deadline_for(year)))
    return late


@register()
def check_annual_reports(app_configs=None, **kwargs):
    try:
        late = late_annual_reports()
    except DatabaseError:
        return []
    return [
        Warning(
            f"{site}: the annual report on {year} is not published; it was due by {deadline.isoformat()} "
            "(条例 art. 49).",
            hint="Generate it from the records and publish it: see docs/howto/annual-report.md.",
            id="govopen_wagtail.W010",
        )
        for site, year, deadline in late
    ]


GUARD = "govopen_wagtail.middleware.RequestGuardMiddleware"
DB_PAGE = "govopen_wagtail.middleware.DatabaseUnavailableMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
CACHE = "govopen_wagtail.middleware.PublicCacheMiddleware"


@register(Tags.security)
def check_request_safety(app_configs=None, **kwargs):
    """Middleware order, proxies and document serving: the settings that
    decide whether public forms and files are safe (W003–W006)."""
    from django.conf import settings

    warnings = []
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if GUARD not in middleware or (CSRF in middleware and middleware.index(GUARD) > middleware.index(CSRF)):
        warnings.append(Warning(
            "govopen_wagtail's RequestGuardMiddleware is missing or comes after CsrfViewMiddleware: "
            "oversized uploads are read before they are refused, and uploads are not rate-limited before parsing.",
            hint=f"Add '{GUARD}' to MIDDLEWARE before '{CSRF}'.",
            id="govopen_wagtail.W003",
        ))
    if DB_PAGE not in middleware:
        warnings.append(Warning(
            "govopen_wagtail's DatabaseUnavailableMiddleware is not installed: while the database is down "
            "visitors get a bare error 500 and lose what they typed in a form.",
            hint=f"Add '{DB_PAGE}' to MIDDLEWARE.",
            id="govopen_wagtail.W004",
        ))
    if govopen_settings.CACHE_MAX_AGE is not None and (
            CACHE not in middleware or (CSRF in middleware and middleware.index(CACHE) > middleware.index(CSRF))):
        warnings.append(Warning(
            "govopen_wagtail's PublicCacheMiddleware is missing or comes after CsrfViewMiddleware: public pages "
            "are sent without Cache-Control and ETag, so every visit is rendered again.",
            hint=f"Add '{CACHE}' to MIDDLEWARE before '{CSRF}', or set GOVOPEN_CACHE_MAX_AGE = None.",
            id="govopen_wagtail.W011",
        ))
    behind_proxy = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None)) or getattr(
        settings, "USE_X_FORWARDED_HOST", False
    ) or getattr(settings, "USE_X_FORWARDED_PORT", False)
    if not govopen_settings.TRUSTED_PROXY_COUNT:
        from .ratelimit import forwarded_header_seen

        try:
            seen = forwarded_header_seen()
        except Exception:  # a cache that cannot be reached while checking
            seen = False
        if behind_proxy or seen:
            warnings.append(Warning(
                "The site looks like it runs behind a reverse proxy (%s) but GOVOPEN_TRUSTED_PROXY_COUNT is 0: "
                "every visitor is counted as the proxy, so one rate-limit bucket serves the whole site."
                % ("forwarded headers were seen" if seen else "SECURE_PROXY_SSL_HEADER/USE_X_FORWARDED_* is set"),
                hint="Set GOVOPEN_TRUSTED_PROXY_COUNT to the number of proxies in front of the site (usually 1).",
                id="govopen_wagtail.W005",
            ))
    if getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None) == "direct":
        warnings.append(Warning(
            "WAGTAILDOCS_SERVE_METHOD is 'direct': document files are served from their storage URL, so "
            "attachments of password- or login-protected disclosure pages are public to anyone with the link.",
            hint="Use 'serve_view' (the default for local storage) and do not expose MEDIA_ROOT/documents.",
            id="govopen_wagtail.W006",
        ))
    return warnings


#: Blocks of GOVOPEN_BASE_TEMPLATE that the plugin's pages fill.
REQUIRED_BLOCKS = ("title", "extra_css", "content")


def template_block_names(name: str) -> set[str]:
    """Every {% block %} a template defines, its parents' included."""
    from django.template.loader_tags import BlockNode, ExtendsNode

    def walk(nodelist, found):
        for node in nodelist:
            if isinstance(node, BlockNode):
                found.add(node.name)
            for attr in getattr(node, "child_nodelists", ()):
                walk(getattr(node, attr, None) or [], found)
            if isinstance(node, ExtendsNode):
                parent = node.parent_name.resolve({}) if hasattr(node.parent_name, "resolve") else None
                if isinstance(parent, str):
                    found |= template_block_names(parent)
        return found

    template = get_template(name)
    return walk(getattr(template, "template", template).nodelist, set())


@register()
def check_site_integration(app_configs=None, **kwargs):
    """How the plugin fits the host site: blocks, languages, search, PDF prerequisites (W007–W009, W012)."""
    from django.conf import settings

    warnings = []
    base = govopen_settings.BASE_TEMPLATE
    if isinstance(base, str) and base:
        try:
            missing = [b for b in REQUIRED_BLOCKS if b not in template_block_names(base)]
        except Exception:  # E002/E003 already say what is wrong with it
            missing = []
        if missing:
            warnings.append(Warning(
                f"GOVOPEN_BASE_TEMPLATE '{base}' has no block {', '.join(missing)}: the plugin's pages put "
                "their title, stylesheet and content there, so they would be unstyled (and overflow on a phone) "
                "or empty.",
                hint="Add {% block extra_css %}{% endblock %} in <head> (and the others) to your base template, "
                     "or point GOVOPEN_BASE_TEMPLATE at one that has them.",
                id="govopen_wagtail.W007",
            ))
    code = (getattr(settings, "LANGUAGE_CODE", "") or "").lower()
    languages = {c.lower() for c, _name in getattr(settings, "LANGUAGES", [])}
    if settings.USE_I18N and code.startswith("zh") and not ({"zh-hans", "zh-cn", "zh"} & languages):
        warnings.append(Warning(
            f"LANGUAGE_CODE is '{code}' but LANGUAGES has no Simplified Chinese: the plugin's pages and admin "
            "would fall back to English.",
            hint="Add ('zh-hans', '简体中文') to LANGUAGES.",
            id="govopen_wagtail.W008",
        ))
    warnings += search_backend_warnings(settings)
    warnings += pdf_prerequisite_warnings()
    return warnings


# Wagtail's database backends (and modelsearch's, which they are), by module or class path.
PLAIN_DATABASE_BACKENDS = ("wagtail.search.backends.database", "modelsearch.backends.database")


def search_backend_warnings(settings) -> list:
    """Wagtail's database backend finds no word inside unbroken Chinese text (W012)."""
    backends = getattr(settings, "WAGTAILSEARCH_BACKENDS", None) or {}
    backend = (backends.get("default") or {}).get("BACKEND", PLAIN_DATABASE_BACKENDS[0])
    if not str(backend).startswith(PLAIN_DATABASE_BACKENDS):
        return []
    return [Warning(
        f"Wagtail's search backend '{backend}' treats a run of Chinese characters as one word: the admin's "
        "page search, choosers and Page.objects.search() find no word inside a Chinese title (实施方案 in "
        "……工作实施方案的通知).",
        hint='Set WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "govopen_wagtail.search.wagtail_backend"}} '
             "and run manage.py update_index once.",
        id="govopen_wagtail.W012",
    )]


def pdf_prerequisite_warnings() -> list:
    """WeasyPrint needs Pango; Chinese PDFs need a CJK font (else every
    character is a box, and the file is then kept under its SHA-256)."""
    import shutil
    import subprocess

    problems = []
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi)
    except Exception as exc:  # OSError when libpango is missing
        problems.append(f"WeasyPrint cannot load ({exc.__class__.__name__}: {exc})")
    else:
        if shutil.which("fc-list"):
            try:
                out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                                     timeout=10).stdout
            except (OSError, subprocess.SubprocessError):
                out = "?"
            if not out.strip():
                problems.append("no font with Chinese characters is installed")
    if not problems:
        return []
    return [Warning(
        "Word/PDF versions of documents cannot be made properly: " + "; ".join(problems) + ".",
        hint="On Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk "
             "(see docs/tutorial/install.md).",
        id="govopen_wagtail.W009",
    )]
