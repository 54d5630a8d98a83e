"""The shared cache backend against a real Redis (the CI machine runs one on 127.0.0.1:6379)."""

from __future__ import annotations

import os
import socket

import pytest

from opendvc.core.cache import RedisCache

REDIS_URL = "redis://127.0.0.1:6379/13"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not _redis_answers() and not os.environ.get("CI_REQUIRE_REDIS"), reason="no Redis on 127.0.0.1:6379"
)


def test_redis_cache_reuses_one_client_and_round_trips_values() -> None:
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "odvc-test"})
    cache.clear()
    cache.set("page", {"body": b"\x00bytes", "n": 1}, 30)
    assert cache.get("page") == {"body": b"\x00bytes", "n": 1}
    assert cache.get("missing", "default") == "default"
    client = cache._cache  # type: ignore[attr-defined]
    assert client.get_client() is client.get_client(write=True)
    assert cache.add("page-count", 1) and not cache.add("page-count", 5)
    assert cache.incr("page-count") == 2
    cache.clear()
