"""Fixed-window request counters: the one throttling mechanism of VISD Hub, for the public
onboarding forms (per client address) and for logging in, on the login page and at the API's token
endpoint alike (per client address and per user name, counted together for both).

The client address (``client_address``) is ``REMOTE_ADDR``, unless that is one of the reverse proxies
named in ``VISD_TRUSTED_PROXIES`` (addresses or networks, default none): then it is the right-most
``X-Forwarded-For`` entry that is not a trusted proxy, the address the outermost trusted proxy saw.
Entries further left are written by the client and can be forged, so they are never used.

The counters live in Django's cache (the default local-memory cache is per process: with several
worker processes configure a shared cache such as Redis or the database cache)."""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

LOGIN_SCOPE = "login"


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(value: str):
    """An IP address from a header entry (``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``), or None."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1:value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(value: str, networks) -> bool:
    address = _address(value)
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """The address every throttle counts by (see the module's description).

    >>> from django.test import RequestFactory, override_settings
    >>> request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    >>> client_address(request)
    '10.0.0.2'
    >>> with override_settings(VISD_TRUSTED_PROXIES=["10.0.0.0/24"]):
    ...     client_address(request)
    '203.0.113.9'
    """
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    networks = _networks(tuple(getattr(settings, "VISD_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(remote, networks):
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    for entry in reversed(entries):
        if not _trusted(entry, networks):
            address = _address(entry)
            return str(address) if address is not None else entry
    return entries[0] if entries else remote


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        return 1


def hit(scope: str, ident: str, limit: int, window: int) -> bool:
    """Count one request of ``scope`` for ``ident``; False once more than ``limit`` arrived in the
    current window of ``window`` seconds. A limit of 0 or less turns the check off."""
    if limit <= 0:
        return True
    bucket = int(time.time() // window)
    return _count(f"visd-throttle:{scope}:{ident}:{bucket}", window) <= limit


def allow(request, scope: str, limit: int, window: int) -> bool:
    """``hit`` for the request's client address."""
    return hit(scope, client_address(request), limit, window)


def seconds_left(window: int) -> int:
    """Seconds until the current window ends (a refused client may try again then)."""
    return max(1, int(window - time.time() % window))


def allow_login(request, username) -> bool:
    """Count one login attempt (the login page or the API's token endpoint) for the client address
    and for the user name: at most ``VISD_LOGIN_RATE_LIMIT`` of each per ``VISD_LOGIN_RATE_WINDOW``
    seconds. Both are counted, so a forged address does not reset the user name's count."""
    limit, window = settings.VISD_LOGIN_RATE_LIMIT, settings.VISD_LOGIN_RATE_WINDOW
    by_address = hit(f"{LOGIN_SCOPE}-address", client_address(request), limit, window)
    by_username = True
    if isinstance(username, str) and username.strip():
        ident = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        by_username = hit(f"{LOGIN_SCOPE}-username", ident, limit, window)
    return by_address and by_username
