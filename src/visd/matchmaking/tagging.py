"""Tagging records into the database with the matching engine's tagger.

:func:`retag_record` re-tags one record (the post-save hook calls it): it analyses that record's text
exactly as the matching index does (a one-record :class:`~visd.matching.index.MatchingIndex` with the
same concepts) and replaces that record's derived tags; curated and self-declared tags stay. An actor's
derived tags also carry the concepts of its track record (``actions.track_record_tags``), so re-tagging
a project re-tags its participants as well. :func:`record_changed` is what the hook runs after the
commit: that, then the persisted index's update (when there is one).
:func:`tag_all` tags everything in one batch (``visd tag``) through the persisted index.
"""

from __future__ import annotations

import threading

from visd.matching.index import MatchingIndex

from . import actions, lifecycle
from . import db_records as db
from . import records as rec

_cache: dict = {}
_cache_lock = threading.Lock()
_REFRESH_AFTER = 1000  # one-record index: rebuilt now and then so killed rows do not pile up


def _scratch_index() -> MatchingIndex | None:
    concepts = rec.concepts_from_db()
    if not concepts:
        return None
    sig = rec.concepts_signature(concepts)
    if _cache.get("sig") != sig or _cache.get("uses", 0) >= _REFRESH_AFTER:
        _cache.update(sig=sig, index=MatchingIndex(concepts), uses=0)
    _cache["uses"] += 1
    return _cache["index"]


def retag_record(model, pk) -> int:
    """Re-tag one actor, project, call or capability need; returns the number of derived tags created,
    changed or removed (0 when the record is gone or there is no taxonomy). An actor's tags combine its
    text with its track record; re-tagging a project also re-tags its participants' track records."""
    from visd.actors.models import Actor
    from visd.capabilities.models import CapabilityNeed
    from visd.funding.models import Call
    from visd.projects.models import Project

    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        return 0
    with _cache_lock:
        index = _scratch_index()
        if index is None:
            return 0
        if model is Actor:
            return actions.write_actor_tags({obj.pk: _text_tags(index, obj)})
        if model is Project:
            record, kind = rec.project_record(obj, []), "project"
            index.upsert_project(record)
            args = ((), [record["id"]], ())
        elif model is Call:
            record, kind = rec.call_record(obj), "opportunity"
            index.upsert_opportunity(record)
            args = ((), (), [record["id"]])
        elif model is CapabilityNeed:
            record, kind = rec.need_record(obj, db.need_names()), "opportunity"
            index.upsert_opportunity(record)
            args = ((), (), [record["id"]])
        else:
            raise TypeError(f"cannot tag {model.__name__}")
        try:
            written = actions.write_derived_tags(index, *args)
        finally:
            index.remove(kind, record["id"])
        if model is Project:
            actors = Actor.objects.filter(pk__in=actions.participants_of([obj.pk]))
            written += actions.write_actor_tags({a.pk: _text_tags(index, a) for a in actors})
        return written


def _text_tags(index: MatchingIndex, actor) -> list:
    """The engine's derived tags of one actor's own text (the scratch index is left as it was)."""
    from visd.profiles.review import public_voice

    record = rec.actor_record(actor, public_voice([actor.pk]).get(actor.pk))
    index.upsert_actor(record)
    try:
        return index.derived_tags("actor", record["id"])
    finally:
        index.remove("actor", record["id"])


def record_changed(model, pk) -> None:
    """After a record's change commits: re-tag it (and, for a project, its participants) at once, so
    the database is right immediately, then bring the persisted index up to date when one exists
    (``lifecycle.update_if_present``), so that pages, which only read the index, see the change. A
    missing index is left to ``visd tag``: building it reads the whole registry."""
    retag_record(model, pk)
    lifecycle.update_if_present()


def tag_all(rebuild: bool = False) -> dict:
    """Tag every record: with ``rebuild`` from scratch, otherwise incrementally (only the records
    changed since the index last saw the database; everything the first time)."""
    if rebuild:
        index = lifecycle.build()
        return {"rebuilt": True, **index.stats()}
    return lifecycle.update()
