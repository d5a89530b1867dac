"""A fixed-window request counter per client address, for public forms that anonymous visitors send
(the API's token endpoint has DRF's own throttle, ``visd.core.api.views.AuthTokenThrottle``).

The client address is ``REMOTE_ADDR`` only: an ``X-Forwarded-For`` header can be forged by anyone,
so behind a proxy the proxy must set ``REMOTE_ADDR`` (e.g. gunicorn's ``--forwarded-allow-ips``).
The counters live in Django's cache (the default local-memory cache is per process: with several
worker processes configure a shared cache such as Redis or the database cache)."""

from __future__ import annotations

import time

from django.core.cache import cache


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def allow(request, scope: str, limit: int, window: int) -> bool:
    """Count one request of ``scope`` for the client; False once more than ``limit`` arrived in
    the current window of ``window`` seconds. A limit of 0 or less turns the check off."""
    if limit <= 0:
        return True
    bucket = int(time.time() // window)
    key = f"visd-throttle:{scope}:{client_address(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return count <= limit
