"""What the matching pages, their API and the strength map answer, kept in Django's ``matching`` cache
so that a repeated request is read instead of computed (the strength map costs about a second of CPU,
a match list a tenth of one).

An entry's key holds everything its answer depends on:

* the persisted matching index it was computed from (``IndexStatus.version``: its directory and the
  size and modification time of its snapshot and journal, which change whenever a command or a hook
  writes the index);
* the newest ``updated_at`` and the row count of actors and calls, because the answers show what
  they read from those two tables (an actor's name, region and identifiers, a deleted actor left out,
  a call's topic id in a link), which can change while the index stays as it was (two aggregate
  queries: much cheaper than the freshness check's marks over participations and projects);
* the matching settings a reader applies to the index (the dense encoder and its weight);
* the active language (labels and explanations are translated), and the request's own arguments.

So nothing is ever invalidated by hand: a new index or a changed record gives new keys, and the old
entries age out of the cache (``MAX_ENTRIES``). The production server empties the cache when it starts
(:func:`clear`), so a new version of the code never answers with what an older one computed. The cache is file based (``settings.CACHES``), shared
by every server process, and written by requests and by :func:`warm` (run by ``visd tag``,
``visd build-match-index`` and the production server before it takes requests); a request still
writes nothing to the database. An entry is computed once per process at a time (a lock per key), so
a burst of requests after a change does not compute the same map twenty times.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max
from django.utils import translation

from . import lifecycle

log = logging.getLogger(__name__)

CACHE_ALIAS = "matching"
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def data_version(status: lifecycle.IndexStatus) -> str:
    """A short digest of the index files and of the registry rows ``status``'s answers read."""
    from visd.actors.models import Actor
    from visd.funding.models import Call

    marks = [model.objects.order_by().aggregate(m=Max("updated_at"), n=Count("pk")) for model in (Actor, Call)]
    reading = (settings.VISD_MATCHING_ENCODER, settings.VISD_MATCHING_ENCODER_PATH, settings.VISD_MATCHING_DENSE_WEIGHT)
    raw = repr((status.version, [(m["m"].isoformat() if m["m"] else "", m["n"]) for m in marks], reading))
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def key_for(kind: str, version: str, *args) -> str:
    """The cache key of one answer: its kind, the data version, the language and the arguments
    (hashed: a free text can be long and hold any character).

    >>> key_for("strength", "abc", "flanders") == key_for("strength", "abc", "flanders")
    True
    >>> key_for("strength", "abc", "flanders") == key_for("strength", "abd", "flanders")
    False
    """
    digest = hashlib.sha256(repr((translation.get_language(), args)).encode()).hexdigest()[:32]
    return f"visd-matching:{kind}:{version}:{digest}"


def _lock(key: str) -> threading.Lock:
    with _locks_guard:
        if len(_locks) > 1000:   # keys of old index versions: forget their locks
            _locks.clear()
        return _locks.setdefault(key, threading.Lock())


def cached(kind: str, status: lifecycle.IndexStatus, args: tuple, compute: Callable, version: str | None = None):
    """The cached answer for (``kind``, ``args``) on ``status``'s index, computing and storing it
    when missing. ``compute`` must return plain, picklable data (lists, dicts, strings)."""
    cache = caches[CACHE_ALIAS]
    key = key_for(kind, version or data_version(status), *args)
    value = cache.get(key)
    if value is not None:
        return value
    with _lock(key):
        value = cache.get(key)   # another thread may have computed it while this one waited
        if value is None:
            value = compute()
            cache.set(key, value)
    return value


def clear() -> None:
    """Empty the cache (the production server's start, before :func:`warm`)."""
    caches[CACHE_ALIAS].clear()


def warm(languages: tuple[str, ...] | None = None) -> int:
    """Compute the strength map of every region in every language into the cache (unless there), for
    the current persisted index; returns how many maps were computed. Nothing without an index."""
    from . import matches, views

    status = lifecycle.read_index(check_current=False)
    if not status.available:
        return 0
    version = data_version(status)
    computed = 0
    cache = caches[CACHE_ALIAS]
    for language in languages or [code for code, _ in settings.LANGUAGES]:
        with translation.override(language):
            for region in matches.REGION_ARGS:
                if cache.get(key_for("strength-page", version, region)) is None:
                    views.strength_tables(region, status, version)
                    computed += 1
    log.info("strength maps computed ahead: %d", computed)
    return computed
