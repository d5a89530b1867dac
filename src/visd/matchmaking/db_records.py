"""The registry's records as the matching index reads them, and what changed since it last read them.

* :func:`actor_records`, :func:`project_records`, :func:`opportunity_records`: engine records (via
  :mod:`visd.matchmaking.records`) of all rows or of a queryset; :func:`curated_tags`: every curated
  tag, which the engine takes as curated;
* :func:`marks` and :func:`participation_signatures`: what ``state.json`` records of the database (the
  newest ``updated_at`` and the number of rows per model; per project a signature of its
  participations), so that :func:`is_current` can tell in a few aggregate queries whether anything
  changed, :func:`changes_since` which records changed, and :func:`count_changes_since` how many
  (for the "index is behind" notice of the pages).

Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, Sum

from . import records as rec


def _models():
    from visd.actors.models import Actor
    from visd.capabilities.models import CapabilityNeed
    from visd.funding.models import Call
    from visd.projects.models import Participation, Project

    return {"actor": Actor, "project": Project, "participation": Participation, "call": Call, "need": CapabilityNeed}


def marks() -> tuple[dict, dict]:
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


def need_names() -> dict:
    from visd.capabilities.models import CapabilityNeed

    return {pk: (name, parent) for pk, name, parent in CapabilityNeed.objects.values_list("pk", "name", "parent_id")}


def actor_records(qs=None) -> list[dict]:
    from visd.actors.models import Actor

    from visd.profiles.review import public_voice

    everything = qs is None
    qs = Actor.objects.all() if qs is None else qs
    actors = list(qs.only("pk", "name", "description_nl", "description_en", "country", "region", "postcode",
                          "kind", "size_class", "defence_profile").order_by("pk"))
    voices = public_voice(None if everything else [a.pk for a in actors])
    return [rec.actor_record(a, voices.get(a.pk)) for a in actors]


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
    names = need_names()
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



def is_current(state: dict) -> bool:
    """Whether the database is what ``state`` last saw: same ``updated_at`` marks, same row counts and
    the same curated tags (a few aggregate queries; a deleted participation alone, which moves no
    mark, is seen by :func:`changes_since` at the next update)."""
    now_marks, now_counts = marks()
    return (state.get("marks") == now_marks and state.get("counts") == now_counts
            and state.get("curated") == [list(t) for t in curated_tags()])


def count_changes_since(state: dict) -> int:
    """About how many rows changed since ``state``: per model those edited or added since its mark,
    plus the rows fewer than then (deleted ones), plus the curated tags added, changed or removed.
    An estimate for people ("N records changed since"), not what an update reads."""
    old_marks, old_counts = state.get("marks", {}), state.get("counts", {})
    n = 0
    for name, model in _models().items():
        qs = model.objects.order_by()
        edited = qs.filter(updated_at__gt=old_marks[name]).count() if old_marks.get(name) else qs.count()
        n += edited + max(0, old_counts.get(name, 0) - qs.count())
    old_curated = {tuple(t) for t in state.get("curated", [])}
    return n + len(old_curated ^ set(curated_tags()))


@dataclass
class Changes:
    """The records to remove from and to upsert into an index to bring it in line with the database."""

    marks: dict
    counts: dict
    signatures: dict
    actor_pks: set[int] = field(default_factory=set)      # every actor, project, call and need in the database
    project_pks: set[int] = field(default_factory=set)
    opportunity_ids: set[str] = field(default_factory=set)  # "call:<pk>", "need:<pk>"
    removed_actors: set[int] = field(default_factory=set)
    removed_projects: set[int] = field(default_factory=set)
    removed_opportunities: set[str] = field(default_factory=set)
    actors: set[int] = field(default_factory=set)         # new or changed
    projects: set[int] = field(default_factory=set)       # new or changed, or whose participations changed
    calls: set[int] = field(default_factory=set)
    needs: set[int] = field(default_factory=set)


def changes_since(state: dict, indexed_actors: set[int], indexed_projects: set[int],
                  indexed_opportunities: set[str]) -> Changes:
    """What changed in the database since ``state``, for an index holding these records: records
    deleted since (in the index, not in the database), records new since (the other way round),
    records whose ``updated_at`` moved past the mark, and projects whose participations changed (an
    added or edited participation moves the participation mark; a deleted one changes the project's
    signature)."""
    from visd.actors.models import Actor
    from visd.capabilities.models import CapabilityNeed
    from visd.funding.models import Call
    from visd.projects.models import Participation, Project

    now_marks, now_counts = marks()
    old = state.get("marks", {})

    def changed(model, name):
        qs = model.objects.all()
        return set(qs.filter(updated_at__gt=old[name]).values_list("pk", flat=True)) if old.get(name) else set(
            qs.values_list("pk", flat=True))

    c = Changes(now_marks, now_counts, participation_signatures())
    c.actor_pks = set(Actor.objects.values_list("pk", flat=True))
    c.project_pks = set(Project.objects.values_list("pk", flat=True))
    call_pks = set(Call.objects.values_list("pk", flat=True))
    need_pks = set(CapabilityNeed.objects.values_list("pk", flat=True))
    c.opportunity_ids = {f"call:{pk}" for pk in call_pks} | {f"need:{pk}" for pk in need_pks}
    c.removed_actors = indexed_actors - c.actor_pks
    c.removed_projects = indexed_projects - c.project_pks
    c.removed_opportunities = indexed_opportunities - c.opportunity_ids
    c.actors = (changed(Actor, "actor") | (c.actor_pks - indexed_actors)) & c.actor_pks
    c.projects = (changed(Project, "project") | (c.project_pks - indexed_projects)) & c.project_pks
    if old.get("participation"):
        c.projects |= set(Participation.objects.filter(updated_at__gt=old["participation"]).order_by()
                          .values_list("project_id", flat=True))
    elif now_marks.get("participation"):
        c.projects |= c.project_pks
    old_signatures = state.get("participations", {})
    c.projects |= {int(p) for p in c.signatures.keys() | old_signatures.keys()
                   if c.signatures.get(p) != old_signatures.get(p)}
    c.projects &= c.project_pks
    new_opps = c.opportunity_ids - indexed_opportunities
    c.calls = (changed(Call, "call") | {int(o[5:]) for o in new_opps if o.startswith("call:")}) & call_pks
    c.needs = (changed(CapabilityNeed, "need") | {int(o[5:]) for o in new_opps if o.startswith("need:")}) & need_pks
    return c
