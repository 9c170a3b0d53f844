"""Django's Redis cache, keeping one client per server.

Django's ``RedisCache`` builds a new ``redis.Redis`` object for every
operation, and building one fills in its table of reply handlers (a few
hundred entries) each time: on the example site a comment's GET and POST
made 18 of them, about 1.5 ms of the worker's CPU per comment. The client
is only a handle on the connection pool, which Django already keeps and
which is safe to share between threads and makes its own connections
again after a fork; so one client per pool is kept and handed out.

``incr`` (the rate limits count with it) is one round trip, not two
(Django asks whether the key exists, then adds), and atomic: a key that
expires between Django's two commands is made again by the second, with no
expiry.

Use it in ``CACHES`` in place of ``django.core.cache.backends.redis.RedisCache``
(same ``LOCATION`` and ``OPTIONS``)::

    CACHES = {"default": {"BACKEND": "govopen_wagtail.cache.RedisCache",
                          "LOCATION": "redis://127.0.0.1:6379/0"}}
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


# Adds to an existing key only; nil (None) when there is none, which incr
# turns into Django's ValueError.
_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._incr_scripts: dict[int, object] = {}

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        script = self._incr_scripts.get(id(client))
        if script is None:
            # Sent by its hash (EVALSHA), loaded again if the server lost it.
            script = self._incr_scripts.setdefault(id(client), client.register_script(_INCR_EXISTING))
        value = script(keys=[key], args=[delta])
        if value is None:
            raise ValueError("Key '%s' not found." % key)
        return value

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # Pools are kept for the process's lifetime (Django's own
            # dict), so a pool's id is never reused for another one.
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
