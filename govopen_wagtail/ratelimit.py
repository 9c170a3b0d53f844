"""Fixed-window rate limits on Django's cache, shared by all public forms.

With a shared cache (Redis, Memcached, the database cache) the limits hold
across processes and machines; with the default local-memory cache they hold
per process. Rates are strings like ``"30/h"`` (``s``, ``m``, ``h``, ``d``),
configured per form in ``GOVOPEN_RATE_LIMITS``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache

from .conf import DEFAULTS, govopen_settings

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PROXY_SEEN_KEY = "govopen:proxy-header-seen"


@dataclass(frozen=True)
class RateResult:
    allowed: bool
    count: int
    limit: int
    retry_after: int


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/h"`` → (30, 3600). Raises ValueError for anything else."""
    count, _, unit = rate.partition("/")
    number, unit = int(count), unit.strip().lower()
    if number < 1 or unit not in _UNITS:
        raise ValueError(f"not a rate: {rate!r}")
    return number, _UNITS[unit]


def client_ip(request) -> str:
    """The client's address; X-Forwarded-For is trusted only behind the
    configured number of proxies (GOVOPEN_TRUSTED_PROXY_COUNT)."""
    proxies = govopen_settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and not proxies:
        # Behind a proxy every visitor would share the proxy's bucket: note it
        # for the dashboard and the system check (cheap: add() once a day).
        cache.add(PROXY_SEEN_KEY, True, timeout=86400)
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def forwarded_header_seen() -> bool:
    """Were forwarded headers seen while no proxy is trusted (see client_ip)?"""
    return not govopen_settings.TRUSTED_PROXY_COUNT and bool(cache.get(PROXY_SEEN_KEY))


def hit(scope: str, identity: str, rate: str | None = None) -> RateResult:
    """Count one event for ``identity`` in ``scope`` and say if it is allowed."""
    rate = rate or {**DEFAULTS["RATE_LIMITS"], **govopen_settings.RATE_LIMITS}[scope]
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"govopen:rl:{scope}:{window}:{digest}"
    # Counted first (the window's key usually exists: one round trip less
    # to a shared cache than adding it every time); made when it is new.
    try:
        count = cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=period + 5):
            count = 1
        else:  # another request made it meanwhile
            count = cache.incr(key)
    retry_after = period - int(time.time()) % period
    return RateResult(count <= limit, count, limit, retry_after)


def check_request(request, scope: str) -> RateResult:
    """Limit by client address and, when there is one, by session too."""
    by_ip = hit(scope, "ip:" + client_ip(request))
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        by_session = hit(scope, "session:" + session_key)
        if not by_session.allowed:
            return by_session
    return by_ip
