"""From the registry (ORM) to the matching engine's plain records, and back.

Index ids: an actor is ``"<pk>"``, a project ``"<pk>"``, a call ``"call:<pk>"`` and a capability need
``"need:<pk>"``. Concept ids are ``"<scheme>:<code>"``, as :func:`visd.matching.datasets.load_reference_concepts`
writes them.
"""

from __future__ import annotations

import hashlib
import json

from visd.matching.records import REGION_CODES  # the registry's region names -> the engine's codes

REGION_NAMES = {v: k for k, v in REGION_CODES.items()}

# Django actor kinds -> the engine's coarse kinds (company, university, research, public, other);
# the strength map counts 'company' as industry and 'university'/'research' as knowledge institutions.
ENGINE_KINDS = {
    "company": "company", "university": "university", "university_college": "university",
    "src": "research", "research": "research", "public_body": "public", "defence": "public",
    "cluster": "other", "financier": "other", "other": "other",
}
KIND_FILTERS = {**{k: [v] for k, v in ENGINE_KINDS.items()}, "public": ["public"]}

COORDINATOR = "coordinator"


def target_models() -> dict:
    """Record type of a ConceptTag -> its model."""
    from visd.capabilities.models import CapabilityNeed
    from visd.funding.models import Call
    from visd.projects.models import Project

    return {"project": Project, "call": Call, "need": CapabilityNeed}


def concept_id(concept) -> str:
    return f"{concept.scheme}:{concept.code}"


def concepts_from_db() -> list[dict]:
    """The taxonomy concepts (focus domains, CapTechs, capability dimensions) as engine concepts."""
    from visd.taxonomy.models import Concept

    out = []
    for c in Concept.objects.order_by("scheme", "order", "code"):
        out.append({"id": concept_id(c), "scheme": c.scheme,
                    "labels": {lang: getattr(c, f"label_{lang}") for lang in ("nl", "en", "fr")
                               if getattr(c, f"label_{lang}")},
                    "synonyms": {lang: list(getattr(c, f"synonyms_{lang}") or []) for lang in ("nl", "en", "fr")}})
    return out


def concepts_signature(concepts: list[dict]) -> str:
    return hashlib.sha256(json.dumps(concepts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def actor_text(actor, voice: dict | None = None) -> str:
    """The actor's own text: the registry's description and, with ``voice``
    (``visd.profiles.review.public_voice``), what its validated public profile says: its description
    and its offers, one per line."""
    parts = [actor.description_nl, actor.description_en]
    if voice:
        parts += [voice.get("text", "")] + [text for _pk, text in voice.get("offers", ())]
    return "\n".join(t for t in parts if t)


def actor_record(actor, voice: dict | None = None) -> dict:
    """The engine's record of an actor; ``voice``: its published public profile (see ``actor_text``),
    whose offers also go into ``extra`` so that an explanation can name the offer that matched."""
    record = {
        "id": str(actor.pk), "name": actor.name, "description": actor_text(actor, voice),
        "country": actor.country or "", "region": REGION_CODES.get(actor.region, ""),
        "post_code": actor.postcode or "", "kind": ENGINE_KINDS.get(actor.kind, "other"),
        "size": actor.size_class or "", "defence": actor.defence_profile in ("defence", "dual_use"),
    }
    if voice and voice.get("offers"):
        record["extra"] = {"offers": [{"id": str(pk), "text": text} for pk, text in voice["offers"]]}
    return record


def project_record(project, participants) -> dict:
    """``participants``: (actor pk, role) pairs of the project."""
    text = "\n".join(t for t in (project.objective, project.keywords) if t)
    title = project.title if not project.acronym else f"{project.acronym}: {project.title}"
    return {
        "id": str(project.pk), "title": title, "text": text,
        "year": project.start_date.year if project.start_date else None,
        "participants": [(str(a), "coordinator" if r == COORDINATOR else "participant") for a, r in participants],
        "programme": project.framework_programme or project.source, "defence": project.source == "edf",
    }


def call_status(call) -> str:
    status = (call.status or "").strip().lower()
    if status in ("open", "forthcoming", "closed"):
        return status
    return ""


def call_record(call) -> dict:
    budget = None
    if call.budget_max is not None:
        budget = float(call.budget_max) * (call.expected_grants or 1)
    return {
        "id": f"call:{call.pk}", "kind": "call", "title": call.title, "text": call.description or "",
        "status": call_status(call), "deadline": call.deadline.isoformat() if call.deadline else None,
        "budget": budget, "programme": call.programme or "",
        "extra": {"topic_id": call.topic_id},
    }


def need_record(need, names: dict) -> dict:
    """``names``: pk -> (name, parent pk) of every need, to give an item the context of its parents."""
    context = []
    parent = need.parent_id
    while parent and parent in names and len(context) < 3:
        name, parent = names[parent]
        context.append(name)
    text = "\n".join(t for t in (need.description, " ".join(context)) if t)
    return {
        "id": f"need:{need.pk}", "kind": "need", "title": need.name, "text": text, "status": "",
        "budget": float(need.committed_eur) if need.committed_eur is not None else None,
        "programme": need.source_kind,
        "extra": {"level": need.level, "code": need.code},
    }
