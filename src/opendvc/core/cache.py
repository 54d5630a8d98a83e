"""The shared cache backend: Django's Redis cache, without a new client object per operation.

Django's ``RedisCacheClient.get_client`` builds a fresh ``redis.Redis`` for every cache call; its
constructor fills a table of ~170 reply callbacks, which measured about a sixth of the CPU of
serving a cached catalogue page. A ``redis.Redis`` object is only a thin, thread-safe handle on
its connection pool, so one per pool is kept and reused. Nothing else changes: same pools, same
serializer, same behaviour on failure.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    """Reuses one ``redis.Redis`` per connection pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django private API
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with :class:`RedisCacheClient`."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
