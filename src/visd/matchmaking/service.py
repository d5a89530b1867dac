"""The matching index of the registry: built from the database on first use, persisted under
``settings.VISD_MATCHING_DIR`` (default ``VAR_DIR/matching``), and kept up to date incrementally.

:func:`get_index` is the one entry point. It compares the database with what the index last saw
(``state.json``: the newest ``updated_at`` and the number of rows per model, a signature of each
project's participations, the concept signature and the curated tags) and then
* rebuilds everything when there is no index yet, the taxonomy changed, the files are unreadable
  or ``state.json`` is of an older format (``STATE_VERSION``);
* otherwise upserts exactly the records changed since (and removes deleted ones; a project whose
  participations changed, deleted ones included, is upserted too), re-tags those records only,
  writes their derived tags to the database (and those of the records whose curated tags changed),
  and appends the change to the index's journal (``MatchingIndex.flush``); after many journal
  entries it writes a fresh snapshot.

Curated tags (``ActorTag`` with origin curated or self-declared, ``ConceptTag`` with origin curated)
are given to the engine as curated tags: they win over derived ones and survive re-tagging. Derived
tags are written to the database by :func:`write_derived_tags`, which never touches a curated or
self-declared tag and saves only differences (an unchanged tag is not written again). An actor's
derived tags combine its own text with the concepts its projects carry (:func:`track_record_tags`),
so a change to a project (text, participants, curated tags) re-tags its participants too.

The index lives in memory per process (one per directory) and a file lock serialises writers.

The optional dense channels (settings ``VISD_MATCHING_ENCODER``, ``VISD_MATCHING_ENCODER_PATH``,
``VISD_MATCHING_DENSE_WEIGHT``; off by default): :func:`get_encoder` constructs the encoder once per
process and the index is built with it, through an embedding cache beside the index
(``embeddings.sqlite3``: a rebuild embeds only the texts that changed). With an encoder the weights are the validated
:meth:`MatchParams.dense_defaults`; ``VISD_MATCHING_DENSE_WEIGHT``, when set, overrides the dense soft
maximum's weight (0 turns the dense channels off). The encoder configuration is part of ``state.json``, so a
change of encoder or model directory rebuilds the index; a change of weight alone does not (it is
applied to the loaded index). An encoder that cannot be loaded is logged, and matching stays lexical
(the system check ``matchmaking.E001``/``E002`` reports it).
"""

from __future__ import annotations

import fcntl
import json
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils.module_loading import import_string

from visd.matching.dense import EmbeddingCache, EncoderUnavailable, encoder_signature
from visd.matching.index import MatchingIndex, MatchParams

from . import records as rec

log = logging.getLogger(__name__)

STATE_VERSION = 2   # 2: row counts and participation signatures
SNAPSHOT_AFTER_JOURNAL_OPS = 2000
_memory: dict[str, dict] = {}
_lock = threading.RLock()
_encoders: dict[tuple, object] = {}   # (class, path) -> encoder, or the EncoderUnavailable it raised
_caches: dict[tuple, EmbeddingCache] = {}  # (class, path, index directory) -> that index's embedding cache
EMBEDDING_CACHE_FILE = "embeddings.sqlite3"  # beside the index: each unit text's embedding, by model


def index_dir() -> Path:
    return Path(getattr(settings, "VISD_MATCHING_DIR", None) or Path(settings.VAR_DIR) / "matching")


@contextmanager
def _file_lock(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


# ---------------------------------------------------------------------------- the optional dense encoder
def dense_weight() -> float | None:
    """``VISD_MATCHING_DENSE_WEIGHT`` as a number, or None when it is not set (then the validated
    weight of :meth:`MatchParams.dense_defaults` applies)."""
    value = getattr(settings, "VISD_MATCHING_DENSE_WEIGHT", None)
    return None if value is None or value == "" else float(value)


def encoder_config() -> dict | None:
    """The configured dense encoder, ``{"class": dotted path, "path": model directory or None}``, or
    None when the dense channel is off (no encoder class, or a weight of 0)."""
    dotted = getattr(settings, "VISD_MATCHING_ENCODER", None) or None
    weight = dense_weight()
    if not dotted or (weight is not None and weight <= 0):
        return None
    path = getattr(settings, "VISD_MATCHING_ENCODER_PATH", None) or None
    return {"class": str(dotted), "path": str(path) if path else None}


def load_encoder(config: dict):
    """Construct the encoder of ``config`` (``cls(path)``, or ``cls()`` without a path), once per
    process. Raises :class:`EncoderUnavailable` when the class cannot be imported or the encoder
    cannot be loaded (the failure is remembered too: it is not retried per request)."""
    key = (config["class"], config["path"])
    with _lock:
        if key not in _encoders:
            try:
                try:
                    cls = import_string(config["class"])
                except ImportError as exc:
                    raise EncoderUnavailable(f"cannot import the encoder class {config['class']!r}: {exc}") from exc
                try:
                    _encoders[key] = cls(config["path"]) if config["path"] else cls()
                except EncoderUnavailable:
                    raise
                except Exception as exc:
                    raise EncoderUnavailable(f"cannot load the encoder {config['class']} "
                                             f"(path {config['path']!r}): {exc}") from exc
            except EncoderUnavailable as exc:
                _encoders[key] = exc
        enc = _encoders[key]
    if isinstance(enc, EncoderUnavailable):
        raise enc
    return enc


def get_encoder(directory: Path | None = None):
    """The configured encoder behind the embedding cache of the index in ``directory`` (default:
    :func:`index_dir`), or None when the dense channel is off or the encoder cannot be loaded
    (logged; matching is then lexical). The cache (``embeddings.sqlite3``) keeps every unit text's
    embedding, so a rebuild embeds only the texts that changed."""
    config = encoder_config()
    if config is None:
        return None
    first = (config["class"], config["path"]) not in _encoders
    try:
        encoder = load_encoder(config)
    except EncoderUnavailable as exc:
        if first:  # once per process, not per request
            log.error("dense matching encoder unavailable, matching stays lexical: %s", exc)
        return None
    directory = Path(directory or index_dir())
    key = (config["class"], config["path"], str(directory))
    with _lock:
        if key not in _caches:
            _caches[key] = EmbeddingCache(encoder, directory / EMBEDDING_CACHE_FILE)
        return _caches[key]


def _encoder_state(encoder) -> dict | None:
    """What ``state.json`` records of the encoder the index was built with (None: none)."""
    if encoder is None:
        return None
    config = encoder_config() or {}
    return {"class": config.get("class"), "path": config.get("path"), "signature": encoder_signature(encoder)}


def _params(encoder) -> MatchParams:
    """Lexical defaults without an encoder; with one, the weights validated with the dense channels
    (the configured dense weight, when set, overriding theirs)."""
    if encoder is None:
        return MatchParams()
    weight = dense_weight()
    return MatchParams.dense_defaults(**({} if weight is None else {"w_dense": weight}))


def _with_weight(index: MatchingIndex) -> MatchingIndex:
    """Apply the configured weights to a loaded index (a weight change needs no rebuild)."""
    for name, value in asdict(_params(index.encoder)).items():
        if name.startswith("w_"):
            setattr(index.params, name, value)
    return index


def _must_rebuild(state: dict | None, concepts, encoder) -> bool:
    return (state is None or state.get("concepts") != rec.concepts_signature(concepts)
            or state.get("encoder") != _encoder_state(encoder))


# ---------------------------------------------------------------------------- reading the database
def _models():
    from visd.actors.models import Actor
    from visd.capabilities.models import CapabilityNeed
    from visd.funding.models import Call
    from visd.projects.models import Participation, Project

    return {"actor": Actor, "project": Project, "participation": Participation, "call": Call, "need": CapabilityNeed}


def _marks() -> tuple[dict, dict]:
    """The newest ``updated_at`` and the number of rows per model (one aggregate query each): a new
    or edited row moves the first, a deleted one the second."""
    marks, counts = {}, {}
    for name, model in _models().items():
        agg = model.objects.order_by().aggregate(m=Max("updated_at"), n=Count("pk"))
        marks[name] = agg["m"].isoformat() if agg["m"] else ""
        counts[name] = agg["n"]
    return marks, counts


def participation_signatures() -> dict[str, list[int]]:
    """Per project (pk as a string): [number of participations, sum of their pks, sum of their actor
    pks], in one grouped query. A deleted participation changes its project's signature although no
    ``updated_at`` mark moves (an added or edited one moves the participation mark anyway)."""
    from visd.projects.models import Participation

    rows = (Participation.objects.order_by().values("project_id")
            .annotate(n=Count("pk"), s=Sum("pk"), a=Sum("actor_id"))
            .values_list("project_id", "n", "s", "a"))
    return {str(pid): [int(n), int(s or 0), int(a or 0)] for pid, n, s, a in rows}


def _participants(project_ids=None) -> dict[int, list]:
    from visd.projects.models import Participation

    qs = Participation.objects.all()
    if project_ids is not None:
        qs = qs.filter(project_id__in=list(project_ids))
    out: dict[int, list] = {}
    for pid, aid, role in qs.values_list("project_id", "actor_id", "role").order_by("project_id", "pk"):
        out.setdefault(pid, []).append((aid, role))
    return out


def _need_names() -> dict:
    from visd.capabilities.models import CapabilityNeed

    return {pk: (name, parent) for pk, name, parent in CapabilityNeed.objects.values_list("pk", "name", "parent_id")}


def actor_records(qs=None) -> list[dict]:
    from visd.actors.models import Actor

    qs = Actor.objects.all() if qs is None else qs
    return [rec.actor_record(a) for a in qs.only(
        "pk", "name", "description_nl", "description_en", "country", "region", "postcode", "kind",
        "size_class", "defence_profile").order_by("pk")]


def project_records(qs=None) -> list[dict]:
    from visd.projects.models import Project

    qs = Project.objects.all() if qs is None else qs
    projects = list(qs.order_by("pk"))
    parts = _participants(None if qs is None else [p.pk for p in projects])
    return [rec.project_record(p, parts.get(p.pk, [])) for p in projects]


def opportunity_records(calls=None, needs=None) -> list[dict]:
    from visd.capabilities.models import CapabilityNeed
    from visd.funding.models import Call

    calls = Call.objects.all() if calls is None else calls
    needs = CapabilityNeed.objects.all() if needs is None else needs
    names = _need_names()
    return ([rec.call_record(c) for c in calls.order_by("pk")]
            + [rec.need_record(n, names) for n in needs.order_by("pk")])


def curated_tags() -> list[tuple]:
    """Every curated tag as ``(kind, record id, concept id, confidence, rejected)``, sorted."""
    from visd.actors.models import ActorTag, TagOrigin

    from .models import ConceptTag, ConceptTagOrigin

    out = []
    for aid, scheme, code, conf in ActorTag.objects.filter(
            origin__in=[TagOrigin.CURATED, TagOrigin.SELF_DECLARED]).values_list(
            "actor_id", "concept__scheme", "concept__code", "confidence"):
        out.append(("actor", str(aid), f"{scheme}:{code}", 1.0 if conf is None else float(conf), False))
    for ttype, oid, scheme, code, conf, rejected in ConceptTag.objects.filter(
            origin=ConceptTagOrigin.CURATED).values_list(
            "target_type", "object_id", "concept__scheme", "concept__code", "confidence", "rejected"):
        kind, rid = ("project", str(oid)) if ttype == "project" else ("opportunity", f"{ttype}:{oid}")
        out.append((kind, rid, f"{scheme}:{code}", 1.0 if conf is None else float(conf), bool(rejected)))
    return sorted(out)


# ---------------------------------------------------------------------------- writing derived tags
def _concept_pks() -> dict[str, int]:
    from visd.taxonomy.models import Concept

    return {f"{s}:{c}": pk for pk, s, c in Concept.objects.values_list("pk", "scheme", "code")}


def write_derived_tags(index: MatchingIndex, actor_ids=(), project_ids=(), opportunity_ids=(),
                       track_actor_ids=()) -> int:
    """Bring the derived tags of exactly these records in the database in line with the index.

    Projects, calls and needs get the index's derived tags. Actors (``actor_ids``, and
    ``track_actor_ids``: actors whose text did not change but whose projects did) get their own
    text's tags combined with the concepts their projects carry (:func:`actor_tags_from`), which is
    why projects are written first. Curated and self-declared tags are never changed or removed, and
    no derived tag is written where one of the same concept exists. Only differences are saved: an
    unchanged tag is not touched (no write, no history row). Returns the number of tags created,
    changed or removed."""
    concepts = _concept_pks()
    changes = 0
    with transaction.atomic():
        targets = [("project", int(p), str(p)) for p in project_ids]
        for oid in opportunity_ids:
            ttype, pk = oid.split(":", 1)
            targets.append((ttype, int(pk), oid))
        by_type: dict[str, list] = {}
        for ttype, pk, iid in targets:
            by_type.setdefault(ttype, []).append((pk, iid))
        for ttype, items in by_type.items():
            kind = "project" if ttype == "project" else "opportunity"
            for chunk in _chunks(items):
                desired = {}
                for pk, iid in chunk:
                    for t in index.derived_tags(kind, iid):
                        cpk = concepts.get(t.concept_id)
                        if cpk is not None:
                            desired[(pk, cpk)] = (round(t.confidence, 4), "; ".join(t.evidence))
                changes += _sync_concept_tags(ttype, [pk for pk, _ in chunk], desired)
        actors = sorted({int(a) for a in actor_ids} | {int(a) for a in track_actor_ids})
        text_tags = {aid: index.derived_tags("actor", str(aid)) for aid in actors}
        changes += write_actor_tags(text_tags, concepts)
    return changes


def _sync_concept_tags(ttype: str, pks: list[int], desired: dict) -> int:
    from .models import ConceptTag, ConceptTagOrigin

    return _sync_derived(
        ConceptTag, ConceptTag.objects.filter(target_type=ttype, object_id__in=pks), "object_id", desired,
        lambda owner, cpk, conf, ev: ConceptTag(target_type=ttype, object_id=owner, concept_id=cpk,
                                                origin=ConceptTagOrigin.DERIVED, confidence=conf, evidence=ev))


def _sync_derived(model, qs, owner_field: str, desired: dict, make) -> int:
    """Make the derived rows of ``qs`` equal ``desired`` ({(owner, concept pk): (confidence, evidence)}):
    create the missing ones, update the changed ones, delete the stale ones, leave the rest alone.
    A key held by a curated or self-declared row is never written."""
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    rows = list(qs.values_list("pk", owner_field, "concept_id", "origin", "confidence", "evidence"))
    held = {(o, c) for _, o, c, origin, _, _ in rows if origin != "derived"}
    derived = {(o, c): (pk, conf, ev) for pk, o, c, origin, conf, ev in rows if origin == "derived"}
    stale = [pk for key, (pk, _, _) in derived.items() if key not in desired or key in held]
    changed = {derived[key][0]: value for key, value in desired.items()
               if key in derived and key not in held and (derived[key][1], derived[key][2]) != value}
    new = [make(o, c, conf, ev) for (o, c), (conf, ev) in sorted(desired.items())
           if (o, c) not in derived and (o, c) not in held]
    if stale:
        for chunk in _chunks(stale):
            model.objects.filter(pk__in=chunk).delete()
    if changed:
        now = timezone.now()
        objs = list(model.objects.filter(pk__in=list(changed)))
        for obj in objs:
            obj.confidence, obj.evidence = changed[obj.pk]
            obj.updated_at = now
        bulk_update_with_history(objs, model, ["confidence", "evidence", "updated_at"], batch_size=500)
    if new:
        bulk_create_with_history(new, model, batch_size=500)
    return len(stale) + len(changed) + len(new)


# ---------------------------------------------------------------------------- actor tags from the track record
# An actor's derived tags combine its own text with its track record (see docs/matching.md, "Actor tags
# from the track record"). A project *carries* a concept when it has a derived or curated, not rejected,
# ConceptTag of it. A concept counts for an actor when at least TRACK_MIN_PROJECTS of its projects carry
# it, or at least TRACK_MIN_SHARE of them (so a single project counts for an actor with one or two).
TRACK_MIN_PROJECTS = 2
TRACK_MIN_SHARE = 0.5
TRACK_MIN_CONFIDENCE = 0.3      # as the tagger's own minimum for a text
TRACK_FULL_SUPPORT = 4          # this many carrying projects (or all of them) is full support
TRACK_EVIDENCE_PROJECTS = 8     # projects named in the evidence, strongest first
TRACK_EVIDENCE_TERMS = 3        # matched terms named per project


def track_record_tags(actor_ids) -> dict[int, dict[int, tuple[float, list[str]]]]:
    """The concepts each actor's projects carry, by the rule above: actor pk -> concept pk ->
    (confidence, evidence items). Confidence = mean confidence of the carrying projects' tags x
    (0.5 + 0.5 x support), support = max(share of the actor's projects, carrying projects /
    TRACK_FULL_SUPPORT), at most 1; below TRACK_MIN_CONFIDENCE the concept does not count. Evidence items: ``ACRONYM (matched terms)``, strongest first."""
    from visd.projects.models import Participation, Project

    from .models import ConceptTag

    actor_ids = [int(a) for a in actor_ids]
    projects_of: dict[int, set[int]] = {}
    for chunk in _chunks(actor_ids):
        # order_by(): Participation's default ordering joins actors and projects, which PostgreSQL
        # plans badly on freshly imported tables; these lookups need no order.
        for aid, pid in Participation.objects.filter(actor_id__in=chunk).order_by().values_list("actor_id", "project_id"):
            projects_of.setdefault(aid, set()).add(pid)
    pids = sorted(set().union(*projects_of.values())) if projects_of else []
    carried: dict[int, list[tuple[int, float, str]]] = {}   # project -> (concept, confidence, terms)
    names: dict[int, str] = {}
    for chunk in _chunks(pids):
        for pid, cpk, conf, ev in ConceptTag.objects.filter(
                target_type="project", object_id__in=chunk, rejected=False).values_list(
                "object_id", "concept_id", "confidence", "evidence"):
            terms = ", ".join([e for e in ev.split("; ") if e][:TRACK_EVIDENCE_TERMS]) if ev else ""
            carried.setdefault(pid, []).append((cpk, 1.0 if conf is None else float(conf), terms))
        for pid, acronym, title in Project.objects.filter(pk__in=chunk).values_list("pk", "acronym", "title"):
            names[pid] = (acronym or title[:60] or f"#{pid}").strip()
    out: dict[int, dict[int, tuple[float, list[str]]]] = {}
    for aid, projects in projects_of.items():
        n = len(projects)
        per_concept: dict[int, list[tuple[float, str, str]]] = {}
        for pid in projects:
            for cpk, conf, terms in carried.get(pid, ()):
                per_concept.setdefault(cpk, []).append((conf, names.get(pid, f"#{pid}"), terms))
        for cpk, hits in per_concept.items():
            k = len(hits)
            share = k / n
            if k < TRACK_MIN_PROJECTS and share < TRACK_MIN_SHARE:
                continue
            support = min(1.0, max(share, k / TRACK_FULL_SUPPORT))
            conf = sum(h[0] for h in hits) / k * (0.5 + 0.5 * support)
            if conf < TRACK_MIN_CONFIDENCE:
                continue
            hits.sort(key=lambda h: (-h[0], h[1]))
            items = [f"{name} ({terms})" if terms else name for _, name, terms in hits[:TRACK_EVIDENCE_PROJECTS]]
            if k > TRACK_EVIDENCE_PROJECTS:
                items.append(f"+{k - TRACK_EVIDENCE_PROJECTS}")
            out.setdefault(aid, {})[cpk] = (conf, items)
    return out


def actor_tags_from(text_tags, track: dict[int, tuple[float, list[str]]], concepts: dict[str, int]) -> dict:
    """One actor's derived tags: concept pk -> (confidence, evidence). ``text_tags`` are the engine's
    tags of its own text, ``track`` its :func:`track_record_tags`. A concept found in both gets the
    noisy-or of the two confidences, 1 - (1 - text)(1 - track record), and both evidences (the
    text's matched words first, then the projects)."""
    out: dict[int, tuple[float, list[str]]] = {}
    for t in text_tags:
        cpk = concepts.get(t.concept_id)
        if cpk is not None:
            out[cpk] = (float(t.confidence), list(t.evidence))
    for cpk, (conf, items) in track.items():
        if cpk in out:
            c0, ev = out[cpk]
            out[cpk] = (1.0 - (1.0 - c0) * (1.0 - conf), ev + items)
        else:
            out[cpk] = (conf, list(items))
    return {cpk: (round(conf, 4), "; ".join(ev)) for cpk, (conf, ev) in out.items()}


def write_actor_tags(text_tags: dict[int, list], concepts: dict[str, int] | None = None) -> int:
    """Write the derived tags of these actors (actor pk -> the engine's tags of its own text), combined
    with their track records; only differences are saved. Returns the number of rows changed."""
    from visd.actors.models import ActorTag, TagOrigin

    concepts = _concept_pks() if concepts is None else concepts
    changes = 0
    for chunk in _chunks(sorted(text_tags)):
        track = track_record_tags(chunk)
        desired = {}
        for aid in chunk:
            for cpk, value in actor_tags_from(text_tags[aid], track.get(aid, {}), concepts).items():
                desired[(aid, cpk)] = value
        changes += _sync_derived(
            ActorTag, ActorTag.objects.filter(actor_id__in=chunk), "actor_id", desired,
            lambda owner, cpk, conf, ev: ActorTag(actor_id=owner, concept_id=cpk, origin=TagOrigin.DERIVED,
                                                  confidence=conf, evidence=ev))
    return changes


def participants_of(project_ids) -> set[int]:
    """The actors (pks) that took part in these projects, in the database."""
    from visd.projects.models import Participation

    out: set[int] = set()
    for chunk in _chunks(sorted({int(p) for p in project_ids})):
        out |= set(Participation.objects.filter(project_id__in=chunk).order_by().values_list("actor_id", flat=True))
    return out


def _chunks(items, size: int = 500):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ---------------------------------------------------------------------------- the index
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
    marks, counts = _marks()
    signatures = participation_signatures()
    concepts = rec.concepts_from_db()
    curated = curated_tags()
    actors, projects, opps = actor_records(), project_records(), opportunity_records()
    encoder = get_encoder(directory)
    if encoder is not None:
        encoder.track()
        misses, hits = encoder.misses, encoder.hits
    index = MatchingIndex(concepts, params=_params(encoder), encoder=encoder).fit(actors, projects, opps)
    if encoder is not None:  # forget the embeddings of texts that no unit has any more
        dropped = encoder.retain_tracked()
        log.info("embedding cache: %d texts embedded, %d reused, %d forgotten",
                 encoder.misses - misses, encoder.hits - hits, dropped)
    _apply_curated(index, [], curated)
    index.save(directory)
    if write_tags:
        write_derived_tags(index, [a["id"] for a in actors], [p["id"] for p in projects], [o["id"] for o in opps])
    state = {"version": STATE_VERSION, "marks": marks, "counts": counts, "participations": signatures,
             "concepts": rec.concepts_signature(concepts), "curated": [list(t) for t in curated],
             "journal_ops": 0, "tags_written": write_tags, "encoder": _encoder_state(encoder)}
    _write_state(directory, state)
    _memory[str(directory)] = {"index": index, "state": state, "generation": time.time()}
    log.info("matching index built in %.1f s: %s", time.perf_counter() - t0, index.stats())
    return index


def _read_state(directory: Path) -> dict | None:
    try:
        state = json.loads((directory / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if state.get("version") == STATE_VERSION else None


def _write_state(directory: Path, state: dict) -> None:
    tmp = directory / "state.tmp.json"
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(directory / "state.json")


def get_index(directory: Path | None = None) -> MatchingIndex:
    """The up-to-date index (see the module docstring)."""
    directory = directory or index_dir()
    with _lock:
        encoder = get_encoder(directory)
        mem = _memory.get(str(directory))
        if mem is not None and mem["state"].get("encoder") == _encoder_state(encoder) and _is_current(mem["state"]):
            return _with_weight(mem["index"])
        with _file_lock(directory):
            state = _read_state(directory)
            concepts = rec.concepts_from_db()
            if _must_rebuild(state, concepts, encoder):
                return _build(directory, write_tags=True)
            if mem is None or mem["state"] != state:
                try:
                    index = MatchingIndex.load(directory, encoder=encoder)
                except (OSError, ValueError, KeyError) as exc:
                    log.warning("matching index at %s unreadable (%s); rebuilding", directory, exc)
                    return _build(directory, write_tags=True)
            else:
                index = mem["index"]
            _with_weight(index)
            _update(directory, index, state)
            _memory[str(directory)] = {"index": index, "state": state, "generation": time.time()}
            return index


def _is_current(state: dict) -> bool:
    marks, counts = _marks()
    return (state.get("marks") == marks and state.get("counts") == counts
            and state.get("curated") == [list(t) for t in curated_tags()])


def _update(directory: Path, index: MatchingIndex, state: dict) -> dict:
    """Bring ``index`` up to date with the database, incrementally. Changes ``state`` in place and
    writes it. Returns counts of what changed."""
    from visd.actors.models import Actor
    from visd.capabilities.models import CapabilityNeed
    from visd.funding.models import Call
    from visd.projects.models import Participation, Project

    marks, row_counts = _marks()
    old = state.get("marks", {})

    def changed(model, name):
        qs = model.objects.all()
        return set(qs.filter(updated_at__gt=old[name]).values_list("pk", flat=True)) if old.get(name) else set(
            qs.values_list("pk", flat=True))

    counts = {"actors": 0, "projects": 0, "opportunities": 0, "removed": 0, "curated": 0}
    actor_pks = set(Actor.objects.values_list("pk", flat=True))
    project_pks = set(Project.objects.values_list("pk", flat=True))
    call_pks = set(Call.objects.values_list("pk", flat=True))
    need_pks = set(CapabilityNeed.objects.values_list("pk", flat=True))
    in_index_actors = {int(a) for a in index.actors}
    in_index_projects = {int(p) for p in index.projects}
    in_index_opps = set(index.opportunities)
    db_opps = {f"call:{pk}" for pk in call_pks} | {f"need:{pk}" for pk in need_pks}

    def indexed_participants(pids):
        return {int(a) for pid in pids if str(pid) in index.projects
                for a, _ in index.projects[str(pid)].participants if a.isdigit()}

    # actors whose track record changes: participants (before and after) of changed or removed projects
    track_actors = indexed_participants(in_index_projects - project_pks)
    # removed records
    for aid in in_index_actors - actor_pks:
        counts["removed"] += index.remove("actor", str(aid))
    for pid in in_index_projects - project_pks:
        counts["removed"] += index.remove("project", str(pid))
    for oid in in_index_opps - db_opps:
        counts["removed"] += index.remove("opportunity", oid)
    # changed or new records
    up_actors = (changed(Actor, "actor") | (actor_pks - in_index_actors)) & actor_pks
    up_projects = (changed(Project, "project") | (project_pks - in_index_projects)) & project_pks
    if old.get("participation"):
        up_projects |= set(Participation.objects.filter(updated_at__gt=old["participation"]).order_by()
                           .values_list("project_id", flat=True))
    elif marks.get("participation"):
        up_projects |= project_pks
    # projects whose participations changed without moving the mark (a deleted participation)
    signatures = participation_signatures()
    old_signatures = state.get("participations", {})
    up_projects |= {int(p) for p in signatures.keys() | old_signatures.keys()
                    if signatures.get(p) != old_signatures.get(p)} & project_pks
    up_calls = (changed(Call, "call") | {int(o[5:]) for o in db_opps - in_index_opps if o.startswith("call:")}) & call_pks
    up_needs = (changed(CapabilityNeed, "need") | {int(o[5:]) for o in db_opps - in_index_opps
                                                   if o.startswith("need:")}) & need_pks
    a_recs = actor_records(Actor.objects.filter(pk__in=up_actors)) if up_actors else []
    p_recs = project_records(Project.objects.filter(pk__in=up_projects)) if up_projects else []
    o_recs = opportunity_records(Call.objects.filter(pk__in=up_calls), CapabilityNeed.objects.filter(pk__in=up_needs)) \
        if (up_calls or up_needs) else []
    track_actors |= indexed_participants(up_projects) | participants_of(up_projects)
    big = len(a_recs) + len(p_recs) + len(o_recs) > 200
    for r in a_recs:
        index.upsert_actor(r, _compact=not big)
    for r in p_recs:
        index.upsert_project(r, _compact=not big)
    for r in o_recs:
        index.upsert_opportunity(r, _compact=not big)
    if big:
        index.compact()
    counts.update(actors=len(a_recs), projects=len(p_recs), opportunities=len(o_recs))
    # curated tags
    curated = curated_tags()
    old_curated = [tuple(t) for t in state.get("curated", [])]
    # (upserting a record keeps its curated tags in the engine: only the changes are applied)
    counts["curated"] = _apply_curated(index, old_curated, curated)
    # records whose curated tags changed (added, edited or deleted, e.g. in the admin) get their derived
    # tags rewritten: a deleted curated tag or rejection lets the derived tag of that concept back in
    recurated = {(k, r) for k, r, *_ in set(old_curated) ^ set(curated)}
    recurated_projects = {int(r) for k, r in recurated if k == "project"} & project_pks
    recurated_opps = {r for k, r in recurated if k == "opportunity"} & db_opps
    recurated_actors = {int(r) for k, r in recurated if k == "actor"} & actor_pks
    # a curated project tag changes what the project carries, hence its participants' track records
    track_actors |= indexed_participants(recurated_projects) | participants_of(recurated_projects)
    # derived tags of exactly the changed records, and the track-record tags of the actors concerned
    # (projects are written before actors, whose track records read the projects' tags)
    write_derived_tags(index, [r["id"] for r in a_recs],
                       sorted({r["id"] for r in p_recs} | {str(p) for p in recurated_projects}),
                       sorted({r["id"] for r in o_recs} | recurated_opps),
                       track_actor_ids=(track_actors | recurated_actors) & actor_pks)
    ops = index.flush(directory)
    state.update(marks=marks, counts=row_counts, participations=signatures, curated=[list(t) for t in curated],
                 journal_ops=state.get("journal_ops", 0) + ops)
    if state["journal_ops"] > SNAPSHOT_AFTER_JOURNAL_OPS:
        index.save(directory)
        state["journal_ops"] = 0
    _write_state(directory, state)
    return counts


def update(directory: Path | None = None) -> dict:
    """Bring the persisted index up to date now (what the ``tag`` command and the hooks call);
    returns what changed."""
    directory = directory or index_dir()
    with _lock, _file_lock(directory):
        state = _read_state(directory)
        encoder = get_encoder(directory)
        if _must_rebuild(state, rec.concepts_from_db(), encoder):
            index = _build(directory, write_tags=True)
            return {"rebuilt": True, **index.stats()}
        mem = _memory.get(str(directory))
        index = _with_weight(mem["index"] if mem is not None and mem["state"] == state
                             else MatchingIndex.load(directory, encoder=encoder))
        counts = _update(directory, index, state)
        _memory[str(directory)] = {"index": index, "state": state, "generation": time.time()}
        return {"rebuilt": False, **counts}


def generation(directory: Path | None = None):
    """Changes whenever this process's index was built or updated (a cache key for derived results)."""
    return _memory.get(str(directory or index_dir()), {}).get("generation")


def forget() -> None:
    """Drop the in-memory indexes and encoders (tests; after the files were removed)."""
    with _lock:
        _memory.clear()
        _encoders.clear()
        for cache in _caches.values():
            cache.close()
        _caches.clear()
