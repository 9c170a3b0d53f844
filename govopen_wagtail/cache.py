"""Django's Redis cache, keeping one client per server.

Django's ``RedisCache`` builds a new ``redis.Redis`` object for every
operation, and building one fills in its table of reply handlers (a few
hundred entries) each time: on the example site a comment's GET and POST
made 18 of them, about 1.5 ms of the worker's CPU per comment. The client
is only a handle on the connection pool, which Django already keeps and
which is safe to share between threads and makes its own connections
again after a fork; so one client per pool is kept and handed out.

Use it in ``CACHES`` in place of ``django.core.cache.backends.redis.RedisCache``
(same ``LOCATION`` and ``OPTIONS``)::

    CACHES = {"default": {"BACKEND": "govopen_wagtail.cache.RedisCache",
                          "LOCATION": "redis://127.0.0.1:6379/0"}}
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

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
