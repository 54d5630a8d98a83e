"""A fixed-window request counter in the cache, for endpoints that must not be hammered.

``rate_limited(scope="login", key=ip)`` counts one request and says whether the caller went over
``settings.RATE_LIMITS_PER_MINUTE[scope]`` in the current minute. With several workers the cache
must be shared (Redis, ``REDIS_URL``); the in-memory default counts per worker.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from opendvc.core.errors import ApiError

WINDOW_SECONDS = 60


def rate_limited(*, scope: str, key: str) -> bool:
    limit = int(getattr(settings, "RATE_LIMITS_PER_MINUTE", {}).get(scope, 60))
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}"
    if cache.add(cache_key, 1, timeout=WINDOW_SECONDS):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count > limit


def too_many_requests() -> ApiError:
    return ApiError(
        "too_many_requests",
        "Bạn đã gửi quá nhiều yêu cầu trong một phút. Đợi một phút rồi thử lại.",
        "Too many requests in one minute. Wait a minute and try again.",
        status=429,
    )
