"""govopen_wagtail.cache.RedisCache: Django's Redis cache keeping its client.

Needs a Redis server: REDIS_URL, else 127.0.0.1:6379 (database 13) if one
answers; skipped otherwise (the embedded default uses no Redis).
"""

import os
from unittest import mock

import pytest

from govopen_wagtail.cache import RedisCache

redis = pytest.importorskip("redis")

URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"


@pytest.fixture
def backend():
    try:
        redis.Redis.from_url(URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis server answers at " + URL)
    cache = RedisCache(URL, {"KEY_PREFIX": "govopen-cache-backend-test"})
    yield cache
    cache.delete_many(["a", "n", "once", "gone"])


def test_operations_share_one_client(backend):
    made = []
    real = backend._cache._client

    def make(**kwargs):
        made.append(kwargs)
        return real(**kwargs)

    with mock.patch.object(backend._cache, "_client", side_effect=make):
        backend.set("a", {"x": 1}, 30)
        assert backend.get("a") == {"x": 1}
        assert backend.add("once", 1, 30) is True
        assert backend.add("once", 2, 30) is False
        backend.set("n", 1, 30)
        assert backend.incr("n") == 2
        backend.delete("a")
        assert backend.get("a", "gone") == "gone"
    # Django's own backend builds a client for each of these nine operations.
    assert len(made) == 1
    assert backend._cache.get_client() is backend._cache.get_client(write=True)


def test_a_client_per_server(backend):
    # A read server beside the write server: each pool has its own client.
    cache = RedisCache([URL, URL], {"KEY_PREFIX": "govopen-cache-backend-test"})
    writer = cache._cache.get_client(write=True)
    with mock.patch("random.randint", return_value=1):
        reader = cache._cache.get_client()
    assert reader is not writer
    assert reader.connection_pool is not writer.connection_pool
    assert cache._cache.get_client(write=True) is writer
    cache.set("a", "shared", 30)
    with mock.patch("random.randint", return_value=1):
        assert cache.get("a") == "shared"


def test_incr_is_one_round_trip_and_keeps_the_expiry(backend):
    backend.set("n", 5, 30)
    client = backend._cache.get_client(write=True)
    backend.incr("n")  # loads the script
    sent = []
    real = client.connection_pool.get_connection

    def counting(*args, **kwargs):
        connection = real(*args, **kwargs)
        if not hasattr(connection, "_counted"):  # the pool hands the same one out again
            original = connection.send_command

            def send(*command, **options):
                sent.append(command[0])
                return original(*command, **options)

            connection.send_command, connection._counted = send, True
        return connection

    with mock.patch.object(client.connection_pool, "get_connection", side_effect=counting):
        assert backend.incr("n", 10) == 16
        assert backend.decr("n", 4) == 12
    # Django's backend sends EXISTS and then INCRBY for each.
    assert sent == ["EVALSHA", "EVALSHA"]
    assert 0 < client.ttl(backend.make_and_validate_key("n")) <= 30
    assert backend.get("n") == 12


def test_incr_of_a_missing_key_fails_as_django_s_does_and_makes_nothing(backend):
    with pytest.raises(ValueError):
        backend.incr("gone")
    assert backend.get("gone") is None
    assert backend.add("gone", 1, 30) is True
    assert backend.incr("gone") == 2


def test_incr_works_after_the_server_forgets_its_scripts(backend):
    backend.set("n", 1, 30)
    assert backend.incr("n") == 2
    backend._cache.get_client(write=True).script_flush()
    assert backend.incr("n") == 3
