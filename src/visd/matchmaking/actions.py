"""Writing derived concept tags to the database: the one place where the matching index's tags become
rows (``actors.ActorTag`` and ``matchmaking.ConceptTag`` with origin *derived*).

:func:`write_derived_tags` brings the derived tags of exactly the given records in line with an index;
it never touches a curated or self-declared tag and saves only differences (an unchanged tag is not
written again: no ``updated_at`` change, no history row). An actor's derived tags combine its own text
with the concepts its projects carry (:func:`track_record_tags`, rules in docs/matching.md, "Actor
tags from the track record"), so a change to a project re-tags its participants too.

Callers: the index lifecycle (:mod:`visd.matchmaking.lifecycle`: build and update, i.e. ``visd tag``,
``visd build-match-index``, the post-import and post-save hooks) and the one-record re-tagging of
:mod:`visd.matchmaking.tagging`. Never a page or API request.
"""

from __future__ import annotations

from django.db import transaction

from visd.matching.index import MatchingIndex


def concept_pks() -> dict[str, int]:
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
    concepts = concept_pks()
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
        lambda owner, cpk, conf, ev: {"target_type": ttype, "object_id": owner, "concept_id": cpk,
                                      "origin": ConceptTagOrigin.DERIVED, "rejected": False,
                                      "confidence": conf, "evidence": ev})


def _sync_derived(model, qs, owner_field: str, desired: dict, make) -> int:
    """Make the derived rows of ``qs`` equal ``desired`` ({(owner, concept pk): (confidence, evidence)}):
    create the missing ones, update the changed ones, delete the stale ones, leave the rest alone.
    A key held by a curated or self-declared row is never written. ``make`` gives a new row's values
    (field attname -> value)."""
    from django.utils import timezone
    from simple_history.utils import bulk_update_with_history

    from visd.core.locking import is_locked

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
        fields = ["confidence", "evidence", "updated_at"]
        with transaction.atomic():
            rows = model.objects.filter(pk__in=list(changed))
            if is_locked(model):
                # A bulk write bypasses the lost-update counter's save: it moves the counter itself,
                # from the stored value (the rows are locked until the write), so an admin change
                # form opened before this run is refused instead of undoing it.
                rows = rows.select_for_update()
                fields.append(model.lock_field)
            objs = list(rows)
            for obj in objs:
                obj.confidence, obj.evidence = changed[obj.pk]
                obj.updated_at = now
                if is_locked(model):
                    setattr(obj, obj.lock_field, getattr(obj, obj.lock_field) + 1)
            bulk_update_with_history(objs, model, fields, batch_size=500)
    if new:
        _create_with_history(model, qs, owner_field, new)
    return len(stale) + len(changed) + len(new)


def _create_with_history(model, qs, owner_field: str, records: list[dict]) -> None:
    """Insert new derived rows and their creation history rows through the database's bulk path
    (``visd.imports.bulk``, the importer's writer), not the ORM's insert compiler: after a full-size
    import the new records' derived tags are hundreds of thousands of rows, and building an ORM
    object and compiling every value of each, twice with its history row, was most of the
    post-import index update (docs/data.md). The history rows are those ``bulk_create_with_history``
    writes: creation ("+"), no user, no reason, one time stamp. The rows' keys are read back by
    (owner, concept), which is unique for both tag models."""
    from django.utils import timezone

    from visd.imports import bulk

    now = timezone.now()
    bulk.insert(model, records, now)
    keys = {(owner, concept): pk for pk, owner, concept in qs.filter(origin="derived").order_by()
            .values_list("pk", owner_field, "concept_id")}
    history = []
    for record in records:
        full = bulk.complete(model, record, now)
        full["id"] = keys[(record[owner_field], record["concept_id"])]
        history.append(full)
    bulk.insert_history(model, history, now, user_id=None, reason=None)


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

    concepts = concept_pks() if concepts is None else concepts
    changes = 0
    for chunk in _chunks(sorted(text_tags)):
        track = track_record_tags(chunk)
        desired = {}
        for aid in chunk:
            for cpk, value in actor_tags_from(text_tags[aid], track.get(aid, {}), concepts).items():
                desired[(aid, cpk)] = value
        changes += _sync_derived(
            ActorTag, ActorTag.objects.filter(actor_id__in=chunk), "actor_id", desired,
            lambda owner, cpk, conf, ev: {"actor_id": owner, "concept_id": cpk, "origin": TagOrigin.DERIVED,
                                          "confidence": conf, "evidence": ev})
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

