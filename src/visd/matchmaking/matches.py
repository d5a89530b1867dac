"""Searches on the registry's index, returning plain dicts that the command, the pages and the API
all show: the registry identifiers of each actor or call, the score and the engine's explanation.

They read the last persisted index (:func:`visd.matchmaking.lifecycle.read_index`) and never build
or update it: pass the ``index`` of an :class:`~visd.matchmaking.lifecycle.IndexStatus` the caller
already read, or let them read it. Without an index they raise :class:`IndexUnavailable`."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from visd.matching.strength import strength_map

from . import db_records as db
from . import lifecycle
from . import records as rec

REGION_ARGS = {"flanders": "VLG", "brussels": "BRU", "wallonia": "WAL"}


class MatchError(ValueError):
    """A bad search argument (unknown record, empty text, unknown filter value)."""


class IndexUnavailable(MatchError):
    """There is no matching index on disk yet (or it cannot be read): a command must build it."""


def unavailable_message(status: lifecycle.IndexStatus | None = None) -> str:
    message = _("Matching is not available yet: the matching index has not been built. "
                "Build it on the server with \u201cvisd tag\u201d (or \u201cvisd build-match-index\u201d).")
    if status is not None and status.problem:
        message += " " + _("(The index on disk cannot be read: %(problem)s)") % {"problem": status.problem}
    return message


def stale_message(status: lifecycle.IndexStatus) -> str:
    """"Index of <when>; N records changed since; run visd tag", or "" when the index is current."""
    if not status.available or not status.stale:
        return ""
    when = (formats.date_format(timezone.localtime(status.synced_at), "DATETIME_FORMAT")
            if status.synced_at else _("unknown date"))
    return ngettext("Matching index of %(when)s; %(count)d record changed since: the results may be out "
                    "of date. Run \u201cvisd tag\u201d to update the index.",
                    "Matching index of %(when)s; %(count)d records changed since: the results may be out "
                    "of date. Run \u201cvisd tag\u201d to update the index.",
                    status.changes) % {"when": when, "count": status.changes}


def dense_message(status: lifecycle.IndexStatus) -> str:
    """"Semantic matching: 1,234 of 5,406 texts embedded; lexical until then." while the index waits for
    the embeddings of the configured dense encoder (``visd embed``), else ""."""
    if not status.available or status.dense_progress is None:
        return ""
    done, total = status.dense_progress
    return _("Semantic matching: %(done)s of %(total)s texts embedded; lexical until then.") % {
        "done": formats.number_format(done, force_grouping=True),
        "total": formats.number_format(total, force_grouping=True)}


def _index(index=None):
    """``index`` itself, or the last persisted one (read-only; never built here)."""
    if index is not None:
        return index
    status = lifecycle.read_index(check_current=False)
    if not status.available:
        raise IndexUnavailable(unavailable_message(status))
    return status.index


def filters_for(country: str | None = None, region: str | None = None, kind: str | None = None) -> dict:
    """Engine filters from user arguments; raises MatchError for an unknown region or kind."""
    filters = {}
    if country:
        country = country.strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise MatchError(_("Unknown country %(value)r: give a two-letter code such as BE.") % {"value": country})
        filters["country"] = country
    if region:
        code = REGION_ARGS.get(region.strip().lower())
        if code is None:
            raise MatchError(_("Unknown region %(value)r: choose flanders, brussels or wallonia.") % {"value": region})
        filters["region"] = code
    if kind:
        kinds = rec.KIND_FILTERS.get(kind.strip().lower())
        if kinds is None:
            raise MatchError(_("Unknown kind %(value)r: choose one of %(choices)s.")
                             % {"value": kind, "choices": ", ".join(sorted(rec.KIND_FILTERS))})
        filters["kind"] = kinds
    return filters


def _actor_rows(matches) -> list[dict]:
    from visd.actors.models import Actor

    actors = Actor.objects.in_bulk([int(m.id) for m in matches])
    labels = concept_labels()  # once for the whole list, not per row
    out = []
    for m in matches:
        a = actors.get(int(m.id))
        if a is None:  # deleted since the index last saw the database
            continue
        out.append({"id": a.pk, "name": a.name, "display_name": str(a), "pic": a.pic, "vat": a.vat, "kbo": a.kbo,
                    "country": a.country, "region": a.region, "region_label": str(a.get_region_display()), "kind": a.kind,
                    "score": round(float(m.score), 4), "explanation": _with_project_links(m.explanation, labels)})
    return out


def concept_labels() -> dict[str, str]:
    """Engine concept id -> the concept's label in the active language."""
    from visd.taxonomy.models import Concept

    return {rec.concept_id(c): c.label for c in Concept.objects.only("scheme", "code", "label_nl", "label_en")}


def _with_project_links(expl: dict, labels: dict | None = None) -> dict:
    """Evidence projects carry the registry's project id (the index id is the primary key); concept
    labels follow the active language."""
    labels = concept_labels() if labels is None else labels
    for key in ("shared_concepts", "adds_concepts"):
        for c in expl.get(key, []):
            c["label"] = labels.get(c.get("concept_id"), c.get("label"))
    for p in expl.get("evidence_projects", []):
        p["project_id"] = int(p["project_id"]) if str(p.get("project_id", "")).isdigit() else p.get("project_id")
        for c in p.get("concepts", []):
            c["label"] = labels.get(c.get("concept_id"), c.get("label"))
    own = expl.get("evidence_own") or {}
    for c in own.get("concepts", []) + [c for o in own.get("offers", []) for c in o.get("concepts", [])]:
        c["label"] = labels.get(c.get("concept_id"), c.get("label"))
    for p in expl.get("past_projects_with_members", []):
        p["project_id"] = int(p["project_id"]) if str(p.get("project_id", "")).isdigit() else p.get("project_id")
    return expl


def call_query(call) -> dict:
    # kind "call": the engine reads the text for what the topic asks, without the sentences that every
    # call repeats (visd.matching.calltext)
    return {"title": call.title, "text": call.description or "", "kind": "call"}


def need_query(need) -> dict:
    r = rec.need_record(need, db.need_names())
    return {"title": r["title"], "text": r["text"]}


# Free text typed or sent by a user is read up to this length: five times the longest project text
# (title and objective) and twice the longest call text of the demo, so no real query is refused, and
# a request cannot make the analysis work on megabytes.
MAX_QUERY_CHARACTERS = 20_000


def _checked_text(text: str) -> str:
    if not (text or "").strip():
        raise MatchError(_("The text is empty."))
    if len(text) > MAX_QUERY_CHARACTERS:
        raise MatchError(_("The text is too long: at most %(max)s characters, this one has %(n)s.")
                         % {"max": formats.number_format(MAX_QUERY_CHARACTERS, force_grouping=True),
                            "n": formats.number_format(len(text), force_grouping=True)})
    return text


def actors_for_text(text: str, filters: dict | None = None, top: int = 10, exclude=(), index=None) -> list[dict]:
    _checked_text(text)
    return actors_for_query({"title": "", "text": text}, filters, top, exclude, index=index)


def actors_for_query(query: dict, filters: dict | None = None, top: int = 10, exclude=(), index=None) -> list[dict]:
    if not (query.get("title", "").strip() or query.get("text", "").strip()):
        raise MatchError(_("The text is empty."))
    index = _index(index)
    return _actor_rows(index.search_actors(query, filters=filters or None, top_k=top,
                                           exclude=[str(e) for e in exclude]))


def actors_for_call(call, filters=None, top: int = 10, index=None) -> list[dict]:
    return actors_for_query(call_query(call), filters, top, index=index)


def actors_for_need(need, filters=None, top: int = 10, index=None) -> list[dict]:
    return actors_for_query(need_query(need), filters, top, index=index)


def opportunities_for_actor(actor, kinds=("call",), top: int = 10, index=None) -> list[dict]:
    from visd.capabilities.models import CapabilityNeed
    from visd.funding.models import Call

    index = _index(index)
    if str(actor.pk) not in index.actors:
        raise MatchError(_("Actor %(id)s is not in the matching index.") % {"id": actor.pk})
    matches = index.search_opportunities(str(actor.pk), kinds=kinds, top_k=top)
    calls = Call.objects.in_bulk([int(m.id[5:]) for m in matches if m.id.startswith("call:")])
    needs = CapabilityNeed.objects.in_bulk([int(m.id[5:]) for m in matches if m.id.startswith("need:")])
    labels = concept_labels()  # once for the whole list, not per row
    out = []
    for m in matches:
        kind, pk = m.id.split(":", 1)
        obj = (calls if kind == "call" else needs).get(int(pk))
        if obj is None:
            continue
        row = {"kind": kind, "id": obj.pk, "title": obj.title if kind == "call" else obj.name,
               "score": round(float(m.score), 4), "explanation": _with_project_links(m.explanation, labels)}
        if kind == "call":
            row.update(topic_id=obj.topic_id, deadline=obj.deadline.isoformat() if obj.deadline else None,
                       status=obj.status, programme=obj.programme)
        else:
            row.update(code=obj.code, level=obj.level, committed_eur=obj.committed_eur)
        out.append(row)
    return out


def partners_for_draft(text: str, members=(), filters=None, top: int = 10, index=None) -> list[dict]:
    _checked_text(text)
    index = _index(index)
    return _actor_rows(index.search_partners(text, members=[str(m) for m in members], filters=filters or None,
                                             top_k=top))


# The strength maps of this process's index, one per region, all dropped together when another index
# is read (its identity and the version of its files on disk are the key).
_strength_cache: dict = {"key": None, "maps": {}}


def strength(region: str = "flanders", status: lifecycle.IndexStatus | None = None):
    """The strength map for the actors of a region (default Flanders): focus domains, capability
    items and open calls. Each region's map is cached until the index changes."""
    from visd.capabilities.models import NeedLevel

    code = REGION_ARGS.get(region)
    if code is None:
        raise MatchError(_("Unknown region %(value)r: choose flanders, brussels or wallonia.") % {"value": region})
    status = status or lifecycle.read_index(check_current=False)
    if not status.available:
        raise IndexUnavailable(unavailable_message(status))
    index = status.index
    key = (id(index), status.version)
    if _strength_cache["key"] != key:
        _strength_cache.update(key=key, maps={})
    maps = _strength_cache["maps"]
    if code not in maps:
        needs = [o for o, r in index.opportunities.items()
                 if r.kind == "need" and r.extra.get("level") == NeedLevel.ITEM]
        maps[code] = strength_map(index, needs=needs, actor_filter={"region": code})
    return maps[code]
