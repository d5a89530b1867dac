"""The lifecycle of the registry's matching index: built, updated and written in one place; read by
requests without ever building it or writing to the database.

The index lives in ``settings.VISD_MATCHING_DIR`` (default ``VAR_DIR/matching``): the engine's
snapshot and journal (``index.json``, ``rows.npz``, ``journal.jsonl``; :mod:`visd.matching.persistence`)
and ``state.json``, what the index last saw of the database (:mod:`visd.matchmaking.db_records`).

Writers (commands and hooks, never a page or API request):

* :func:`build` -- everything from the database (``visd build-match-index``, ``visd tag --rebuild``,
  and :func:`update` when there is no index, the taxonomy or the dense encoder changed, or the files
  are unreadable or of an older format);
* :func:`update` -- exactly the records changed since ``state.json`` (``visd tag``; the post-import and
  post-save hooks through :func:`update_if_present`, which leaves a missing index to the commands, as
  building one is a job of seconds, not something to start on a save);
* :func:`updated_index` -- :func:`update`, then the index itself (tests, scripts).

With a dense encoder configured, a build embeds only the few texts missing from the embedding cache
(at most ``encoders.embed_in_build()``); with more missing it builds the index lexically, which
answers at once, and records in ``state.json`` the encoder it waits for (``dense_pending``). Updates
then stay lexical (they embed nothing) until ``visd embed`` (:mod:`visd.matchmaking.embedding`) has
filled the cache and rebuilt the index with the encoder (every text a cache hit).

Each writes the derived tags of the records it (re)indexed (:mod:`visd.matchmaking.actions`) and the
files; a file lock serialises writers across processes.

Readers (pages, API, ``visd match``): :func:`read_index` returns the last persisted index, loaded from
disk and kept per process until the files change (a ``stat`` of ``index.json`` and the journal per
call), with whether the database moved on since (:func:`db_records.is_current`: a few aggregate
queries) and by how many records. It never builds, never updates, never writes; a request that finds
the index behind answers from it and says so. It loads a dense index with the cache's read-only view
(a unit text is never embedded by a request, only a query text), and says how far the embeddings of
an index that waits for them got (:attr:`IndexStatus.dense_progress`).
"""

from __future__ import annotations

import datetime
import fcntl
import json
import logging
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from visd.matching import persistence
from visd.matching.dense import EmbeddingMissing
from visd.matching.analysis import analysis_signature
from visd.matching.index import MatchingIndex

from . import actions
from . import db_records as db
from . import encoders
from . import records as rec
from .encoders import index_dir

log = logging.getLogger(__name__)

STATE_FILE = "state.json"
STATE_VERSION = 2   # 2: row counts and participation signatures
SNAPSHOT_AFTER_JOURNAL_OPS = 2000
_lock = threading.RLock()
_memory: dict[str, dict] = {}    # the writers' index per directory: {"index", "state", "generation"}
_readers: dict[str, dict] = {}   # the readers' index per directory: {"files", "index", "state_key", "state"}


@contextmanager
def _file_lock(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _must_rebuild(state: dict | None, concepts, encoder) -> bool:
    # a changed taxonomy, encoder or text analysis (e.g. a glossary entry) changes the terms or tags of
    # every unit: the index is rebuilt rather than patched
    return (state is None or state.get("concepts") != rec.concepts_signature(concepts)
            or state.get("encoder") != encoders.encoder_state(encoder)
            or state.get("analysis") != analysis_signature())


def _index_encoder(state: dict | None, encoder):
    """The encoder the index on disk has: ``encoder``, or None while the index waits for that encoder's
    embeddings (built lexically: too many texts were missing from the cache; ``visd embed``)."""
    if encoder is not None and state and state.get("encoder") is None \
            and state.get("dense_pending") == encoders.encoder_state(encoder):
        return None
    return encoder


def _pending_changed(state: dict | None, encoder) -> bool:
    """The index waits for the embeddings of an encoder that is not (or no longer) the configured one."""
    return bool(state and state.get("dense_pending")) and state["dense_pending"] != encoders.encoder_state(encoder)


def _embed_or_defer(index: MatchingIndex, encoder, actors, projects, opps, directory: Path) -> dict | None:
    """Give the freshly fitted lexical ``index`` the dense channels when the embedding cache holds
    every unit text but at most ``encoders.embed_in_build()`` (those few are embedded now); else leave
    it lexical and return the encoder state it waits for (``visd embed`` fills the cache)."""
    if encoder is None:
        encoders.clear_progress(directory)
        return None
    texts = index.unit_texts(actors, projects, opps, languages=encoder.languages)
    distinct = list(dict.fromkeys(texts.values()))
    missing = encoder.missing(distinct)
    if len(missing) > encoders.embed_in_build():
        encoders.write_progress(directory, encoder, len(distinct), len(distinct) - len(missing))
        log.info("embedding cache: %d of %d texts embedded; the index is lexical until `visd embed` "
                 "has embedded the rest", len(distinct) - len(missing), len(distinct))
        return encoders.encoder_state(encoder)
    encoder.track()
    misses, hits = encoder.misses, encoder.hits
    index.embed_units(encoder, texts)
    # forget the embeddings of texts that no unit has any more
    dropped = encoder.retain_tracked()
    log.info("embedding cache: %d texts embedded, %d reused, %d forgotten",
             encoder.misses - misses, encoder.hits - hits, dropped)
    encoders.with_weight(index)
    encoders.clear_progress(directory)
    return None


def _read_state(directory: Path) -> dict | None:
    try:
        state = json.loads((directory / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if state.get("version") == STATE_VERSION else None


def _write_state(directory: Path, state: dict) -> None:
    # when the index last saw the database: what the pages show as the index's age
    state["synced_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
    tmp = directory / "state.tmp.json"
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(directory / STATE_FILE)


# ---------------------------------------------------------------------------- writers
def _apply_curated(index: MatchingIndex, old: list, new: list) -> int:
    old_keys = {(k, r, c): (conf, rej) for k, r, c, conf, rej in old}
    new_keys = {(k, r, c): (conf, rej) for k, r, c, conf, rej in new}
    known = {"actor": index.actors, "project": index.projects, "opportunity": index.opportunities}
    concept_ids = {c.id for c in index.concepts}
    changes = 0
    for key in old_keys.keys() - new_keys.keys():
        if key[1] in known[key[0]]:
            index.clear_curated_tag(*key)
            changes += 1
    for key, (conf, rej) in new_keys.items():
        if old_keys.get(key) == (conf, rej) or key[1] not in known[key[0]] or key[2] not in concept_ids:
            continue
        index.set_curated_tag(key[0], key[1], key[2], confidence=conf, rejected=rej, note="curated in VISD Hub")
        changes += 1
    return changes



def build(directory: Path | None = None, write_tags: bool = True) -> MatchingIndex:
    """Build the index from the whole database, save it, and (by default) write every record's
    derived tags to the database."""
    directory = directory or index_dir()
    with _lock, _file_lock(directory):
        return _build(directory, write_tags)


def _build(directory: Path, write_tags: bool) -> MatchingIndex:
    t0 = time.perf_counter()
    marks, counts = db.marks()
    signatures = db.participation_signatures()
    concepts = rec.concepts_from_db()
    curated = db.curated_tags()
    actors, projects, opps = db.actor_records(), db.project_records(), db.opportunity_records()
    # lexical first (it answers at once); the dense channels when the cache holds the embeddings
    index = MatchingIndex(concepts, params=encoders.params_for(None)).fit(actors, projects, opps)
    pending = _embed_or_defer(index, encoders.get_encoder(directory), actors, projects, opps, directory)
    encoder = index.encoder
    _apply_curated(index, [], curated)
    index.save(directory)
    if write_tags:
        actions.write_derived_tags(index, [a["id"] for a in actors], [p["id"] for p in projects],
                                   [o["id"] for o in opps])
    state = {"version": STATE_VERSION, "marks": marks, "counts": counts, "participations": signatures,
             "concepts": rec.concepts_signature(concepts), "curated": [list(t) for t in curated],
             "journal_ops": 0, "tags_written": write_tags, "encoder": encoders.encoder_state(encoder),
             "analysis": analysis_signature()}
    state["dense_pending"] = pending   # the encoder whose embeddings the lexical index waits for
    _write_state(directory, state)
    _memory[str(directory)] = {"index": index, "state": state, "generation": time.time()}
    log.info("matching index built in %.1f s: %s", time.perf_counter() - t0, index.stats())
    return index


def _update(directory: Path, index: MatchingIndex, state: dict) -> dict:
    """Bring ``index`` up to date with the database, incrementally. Changes ``state`` in place and
    writes it. Returns counts of what changed."""
    from visd.actors.models import Actor
    from visd.capabilities.models import CapabilityNeed
    from visd.funding.models import Call
    from visd.projects.models import Project

    c = db.changes_since(state, {int(a) for a in index.actors}, {int(p) for p in index.projects},
                         set(index.opportunities))
    counts = {"actors": 0, "projects": 0, "opportunities": 0, "removed": 0, "curated": 0}

    def indexed_participants(pids):
        return {int(a) for pid in pids if str(pid) in index.projects
                for a, _ in index.projects[str(pid)].participants if a.isdigit()}

    # actors whose track record changes: participants (before and after) of changed or removed projects
    track_actors = indexed_participants(c.removed_projects)
    for aid in c.removed_actors:
        counts["removed"] += index.remove("actor", str(aid))
    for pid in c.removed_projects:
        counts["removed"] += index.remove("project", str(pid))
    for oid in c.removed_opportunities:
        counts["removed"] += index.remove("opportunity", oid)
    a_recs = db.actor_records(Actor.objects.filter(pk__in=c.actors)) if c.actors else []
    p_recs = db.project_records(Project.objects.filter(pk__in=c.projects)) if c.projects else []
    o_recs = db.opportunity_records(Call.objects.filter(pk__in=c.calls), CapabilityNeed.objects.filter(pk__in=c.needs)) \
        if (c.calls or c.needs) else []
    track_actors |= indexed_participants(c.projects) | actions.participants_of(c.projects)
    upserts = len(a_recs) + len(p_recs) + len(o_recs)
    big = upserts > 200  # many upserts: one compaction at the end
    # So many that the journal would be replaced by a snapshot right away (an import): write the
    # snapshot only, instead of journaling every record first (docs/data.md, the post-import update).
    snapshot = state.get("journal_ops", 0) + upserts > SNAPSHOT_AFTER_JOURNAL_OPS
    with index.unjournaled() if snapshot else nullcontext():
        for r in a_recs:
            index.upsert_actor(r, _compact=not big)
        for r in p_recs:
            index.upsert_project(r, _compact=not big)
        for r in o_recs:
            index.upsert_opportunity(r, _compact=not big)
    if big:
        index.compact()
    counts.update(actors=len(a_recs), projects=len(p_recs), opportunities=len(o_recs))
    curated = db.curated_tags()
    old_curated = [tuple(t) for t in state.get("curated", [])]
    # (upserting a record keeps its curated tags in the engine: only the changes are applied)
    counts["curated"] = _apply_curated(index, old_curated, curated)
    # records whose curated tags changed (added, edited or deleted, e.g. in the admin) get their derived
    # tags rewritten: a deleted curated tag or rejection lets the derived tag of that concept back in
    recurated = {(k, r) for k, r, *_ in set(old_curated) ^ set(curated)}
    recurated_projects = {int(r) for k, r in recurated if k == "project"} & c.project_pks
    recurated_opps = {r for k, r in recurated if k == "opportunity"} & c.opportunity_ids
    recurated_actors = {int(r) for k, r in recurated if k == "actor"} & c.actor_pks
    # a curated project tag changes what the project carries, hence its participants' track records
    track_actors |= indexed_participants(recurated_projects) | actions.participants_of(recurated_projects)
    # derived tags of exactly the changed records, and the track-record tags of the actors concerned
    # (projects are written before actors, whose track records read the projects' tags)
    actions.write_derived_tags(index, [r["id"] for r in a_recs],
                               sorted({r["id"] for r in p_recs} | {str(p) for p in recurated_projects}),
                               sorted({r["id"] for r in o_recs} | recurated_opps),
                               track_actor_ids=(track_actors | recurated_actors) & c.actor_pks)
    ops = 0 if snapshot else index.flush(directory)
    state.update(marks=c.marks, counts=c.counts, participations=c.signatures, curated=[list(t) for t in curated],
                 journal_ops=state.get("journal_ops", 0) + ops)
    if snapshot or state["journal_ops"] > SNAPSHOT_AFTER_JOURNAL_OPS:
        index.save(directory)
        state["journal_ops"] = 0
    _write_state(directory, state)
    return counts


def _writer_index(directory: Path, state: dict | None, encoder) -> MatchingIndex | None:
    """The writer's index of ``directory`` for ``state``: the one in memory when it saw that state,
    else loaded from disk; None when the files cannot be read (then the caller rebuilds)."""
    mem = _memory.get(str(directory))
    if mem is not None and mem["state"] == state and mem["state"].get("encoder") == encoders.encoder_state(encoder):
        return encoders.with_weight(mem["index"])
    try:
        return encoders.with_weight(MatchingIndex.load(directory, encoder=encoder))
    except (OSError, ValueError, KeyError) as exc:
        log.warning("matching index at %s unreadable (%s); rebuilding", directory, exc)
        return None


def update(directory: Path | None = None) -> dict:
    """Bring the persisted index up to date now (what ``visd tag`` and the hooks call): incrementally,
    or by a full build when there is none or it must be rebuilt; returns what changed."""
    directory = directory or index_dir()
    with _lock, _file_lock(directory):
        state = _read_state(directory)
        configured = encoders.get_encoder(directory)
        encoder = _index_encoder(state, configured)   # None while the index waits for its embeddings
        index = None if _must_rebuild(state, rec.concepts_from_db(), encoder) or _pending_changed(state, configured) \
            else _writer_index(directory, state, encoder)
        if index is None:
            index = _build(directory, write_tags=True)
            return {"rebuilt": True, **index.stats()}
        counts = _update(directory, index, state)
        _memory[str(directory)] = {"index": index, "state": state, "generation": time.time()}
        return {"rebuilt": False, **counts}


def updated_index(directory: Path | None = None) -> MatchingIndex:
    """:func:`update`, then the writer's index. For commands, hooks and tests: a request reads with
    :func:`read_index` instead."""
    directory = directory or index_dir()
    with _lock:
        update(directory)
        return _memory[str(directory)]["index"]


def exists(directory: Path | None = None) -> bool:
    """Whether an index has been written to ``directory`` (default :func:`index_dir`)."""
    directory = directory or index_dir()
    return (directory / persistence.SNAPSHOT_FILE).exists() and (directory / STATE_FILE).exists()


def update_if_present(directory: Path | None = None) -> dict | None:
    """:func:`update` when an index exists, else nothing (returns None): what the post-save and
    post-import hooks call. Building a missing index reads the whole registry, which is the job of
    ``visd tag`` or ``visd build-match-index``, not of saving one record."""
    directory = directory or index_dir()
    if not exists(directory):
        return None
    return update(directory)


def generation(directory: Path | None = None):
    """Changes whenever this process's writer built or updated the index."""
    return _memory.get(str(directory or index_dir()), {}).get("generation")


# ---------------------------------------------------------------------------- readers
@dataclass(frozen=True)
class IndexStatus:
    """What a request gets: the last persisted index (None when there is none yet), a key that
    changes whenever that index changes, when it last saw the database, and whether (and by about
    how many records) the database moved on since."""

    index: MatchingIndex | None
    version: tuple | None = None
    synced_at: datetime.datetime | None = None
    stale: bool = False
    changes: int = 0
    problem: str = ""   # why there is no index although files exist (unreadable, other format)
    dense_progress: tuple[int, int] | None = None   # (embedded, texts) while the index waits for its embeddings

    @property
    def available(self) -> bool:
        return self.index is not None


def _stat_key(path: Path):
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def read_index(directory: Path | None = None, check_current: bool = True) -> IndexStatus:
    """The last persisted index, read-only (see the module docstring). Loads it from disk the first
    time and again only when ``index.json`` or the journal changed on disk (a new snapshot, appended
    changes); never builds or updates it and never writes to the database. With ``check_current``
    compares ``state.json`` with the database (a few aggregate queries) to say whether it is behind."""
    directory = Path(directory or index_dir())
    files = (_stat_key(directory / persistence.SNAPSHOT_FILE), _stat_key(directory / persistence.JOURNAL_FILE))
    state_key = _stat_key(directory / STATE_FILE)
    if files[0] is None or state_key is None:
        return IndexStatus(None)
    with _lock:
        reader = _readers.get(str(directory))
        if reader is None or reader["files"] != files:
            on_disk = _read_state(directory)
            # a lexical index (also one waiting for its embeddings) is read without the encoder; a dense
            # one with the cache's read-only view: a request embeds no unit text, only its query
            encoder = None if on_disk is not None and on_disk.get("encoder") is None else encoders.get_encoder(directory)
            encoder = encoder.stored_only() if encoder is not None else None
            try:
                index = MatchingIndex.load(directory, encoder=encoder)
            except (ValueError, EmbeddingMissing) as exc:
                if encoder is None:
                    return IndexStatus(None, problem=str(exc))
                # built without (or with another) encoder: answer lexically until `visd tag` rebuilds it
                log.warning("matching index at %s: %s; reading it without the dense encoder", directory, exc)
                try:
                    index = MatchingIndex.load(directory)
                except (OSError, ValueError, KeyError) as exc2:
                    return IndexStatus(None, problem=str(exc2))
            except (OSError, KeyError) as exc:
                return IndexStatus(None, problem=str(exc))
            reader = {"files": files, "index": encoders.with_weight(index), "state_key": None, "state": None}
            _readers[str(directory)] = reader
        if reader["state_key"] != state_key:
            reader.update(state_key=state_key, state=_read_state(directory))
        index, state = reader["index"], reader["state"]
    synced_at = None
    if state and state.get("synced_at"):
        synced_at = datetime.datetime.fromisoformat(state["synced_at"])
    elif state_key is not None:  # a state.json written before it recorded the time: its mtime
        synced_at = datetime.datetime.fromtimestamp(state_key[0] / 1e9, tz=datetime.timezone.utc)
    stale, changes = False, 0
    if check_current:
        if state is None:   # of an older format: behind by definition, `visd tag` rebuilds it
            stale = True
        elif not db.is_current(state):
            stale, changes = True, db.count_changes_since(state)
    return IndexStatus(index, (str(directory), files), synced_at, stale, changes,
                       dense_progress=dense_progress(directory, state))


def dense_progress(directory: Path | None = None, state: dict | None = None) -> tuple[int, int] | None:
    """(embedded, texts) when the index waits for the embeddings of the configured encoder (built
    lexically, ``visd embed`` not finished), else None. Reads ``state.json`` (unless given) and the
    progress file; writes nothing."""
    directory = Path(directory or index_dir())
    state = _read_state(directory) if state is None else state
    pending = (state or {}).get("dense_pending")
    config = encoders.encoder_config()
    if not pending or config is None or (pending.get("class"), pending.get("path")) != (config["class"], config["path"]):
        return None
    progress = encoders.read_progress(directory) or {}
    if progress.get("encoder") != pending:
        return (0, 0)
    return (int(progress.get("embedded", 0)), int(progress.get("texts", 0)))


def forget() -> None:
    """Drop the in-memory indexes and encoders (tests; after the files were removed)."""
    with _lock:
        _memory.clear()
        _readers.clear()
        encoders.forget_encoders()
