"""Validation of profile changes (issue 14 item 4, docs/onboarding.md "Validation"): what is published,
what each viewer is shown, and what a reviewer compares. Nothing here writes; the decisions are in
``visd.profiles.actions`` (``decide``, ``set_trusted``).

An item (a ``ProfileStatement``, an ``Offer`` or a ``Seek``) has a *working* version, its fields, which
the organisation's own representatives and VISD staff see at once, and a *published* version
(``published_values`` and ``published_visibility``), which everybody else sees: it is set when a
programme manager approves the item, or at once for an organisation the coordinator marks as trusted.
A snapshot holds the item's values with the provenance and date of the statement, so the public sees
who stated the published version and when, not who changed it since.
"""

from __future__ import annotations

from django.utils.dateparse import parse_datetime

from .models import ITEM_FIELDS, CapabilityProfile, Offer, ProfileStatement, Seek, Tier, size_class_for

TIER_WIDTH = {Tier.RESTRICTED: 0, Tier.MEMBERS: 1, Tier.PUBLIC: 2}  # how many people see an item


def narrower(a: str, b: str) -> str:
    """The narrower of two tiers.

    >>> narrower("public", "restricted"), narrower("members", "public")
    ('restricted', 'members')
    """
    return a if TIER_WIDTH[a] <= TIER_WIDTH[b] else b


def values_of(item, profile: CapabilityProfile | None = None, *, domains=None, captechs=None) -> dict:
    """The item's values as JSON (what a snapshot and the reviewer's comparison hold). ``profile``: the
    profile whose fields a ``ProfileStatement`` stands for (default: its own); ``domains`` /
    ``captechs``: an offer's concepts when they are not saved yet."""
    if isinstance(item, ProfileStatement):
        profile = profile or item.profile
        return {name: getattr(profile, name) for name in ITEM_FIELDS[item.item]}
    if isinstance(item, Offer):
        if domains is None:
            domains = item.domains.all() if item.pk else []
        if captechs is None:
            captechs = item.captechs.all() if item.pk else []
        return {"text": item.text, "trl": item.trl, "use": item.use, "ml_category": item.ml_category,
                "domains": sorted(c.pk for c in domains), "captechs": sorted(c.pk for c in captechs)}
    if isinstance(item, Seek):
        return {"kind": item.kind, "text": item.text}
    raise TypeError(f"not a profile item: {type(item).__name__}")


def is_empty(values: dict) -> bool:
    return all(value in (None, "", [], {}) for key, value in values.items() if key not in ("use", "kind"))


def snapshot(item, values: dict) -> dict:
    return {"values": values, "provenance": item.provenance,
            "stated_at": item.stated_at.isoformat() if item.stated_at else None}


def _published_concepts(items) -> dict:
    """The taxonomy concepts the published versions of these offers name, in one query."""
    from visd.taxonomy.models import Concept

    ids = set()
    for item in items:
        if isinstance(item, Offer) and item.published_values:
            values = item.published_values.get("values", {})
            ids.update(values.get("domains", []) + values.get("captechs", []))
    return Concept.objects.in_bulk(ids) if ids else {}


def published_view(item, concepts: dict | None = None):
    """An unsaved copy of ``item`` holding its published version (None when nothing is published), to
    show to those who do not see the working version. Offers carry ``domain_concepts`` and
    ``captech_concepts``; a statement carries ``profile_view``, a profile with the item's published
    fields. ``concepts``: the concepts by id (``_published_concepts``), else looked up here."""
    if not item.published_visibility or item.published_values is None:
        return None
    from visd.taxonomy.models import Concept

    published = item.published_values
    values = published.get("values", {})
    common = {"pk": item.pk, "visibility": item.published_visibility, "provenance": published.get("provenance"),
              "stated_at": parse_datetime(published["stated_at"]) if published.get("stated_at") else None,
              "review": item.review, "published_visibility": item.published_visibility}
    if isinstance(item, ProfileStatement):
        view = ProfileStatement(profile_id=item.profile_id, item=item.item, **common)
        profile = CapabilityProfile(actor_id=item.profile_id, **values)
        profile.size_class = size_class_for(profile.staff_headcount, profile.annual_turnover,
                                            profile.balance_sheet_total)
        view.profile_view = profile
        return view
    if isinstance(item, Offer):
        view = Offer(profile_id=item.profile_id, text=values.get("text", ""), trl=values.get("trl"),
                     use=values.get("use", ""), ml_category=values.get("ml_category", ""), **common)
        view.version = item.version
        if concepts is None:
            concepts = _published_concepts([item])
        view.domain_concepts = [concepts[pk] for pk in values.get("domains", []) if pk in concepts]
        view.captech_concepts = [concepts[pk] for pk in values.get("captechs", []) if pk in concepts]
        # ``view.domains.all()`` (the API's serializer) reads the published concepts, not the working ones
        view._prefetched_objects_cache = {
            "domains": Concept.objects.filter(pk__in=[c.pk for c in view.domain_concepts]),
            "captechs": Concept.objects.filter(pk__in=[c.pk for c in view.captech_concepts])}
        return view
    view = Seek(profile_id=item.profile_id, kind=values.get("kind", ""), text=values.get("text", ""), **common)
    view.version = item.version
    return view


def working_view(item):
    """``item`` itself, with the attributes the pages read from a published view."""
    if isinstance(item, Offer):
        item.domain_concepts = list(item.domains.all())
        item.captech_concepts = list(item.captechs.all())
    elif isinstance(item, ProfileStatement):
        item.profile_view = item.profile
    return item


def shown(user, items) -> list:
    """What ``user`` is shown of ``items`` (of one kind, the tier filter already applied by
    ``permissions.visible_profile_items`` or ``can_view_profile_item``): the working version for the
    organisation's representatives and VISD staff, else the published one."""
    from visd.core import permissions

    items = list(items)
    out, concepts = [], None
    for item in items:
        if permissions.sees_unpublished_profile(user, item.owner_actor_id):
            out.append(working_view(item))
        else:
            if concepts is None:
                concepts = _published_concepts(items)
            view = published_view(item, concepts)
            if view is not None:
                out.append(view)
    return out


def differences(item) -> list[tuple[str, object, object]]:
    """(field, published value, working value) of what a reviewer is asked to approve; the tier too."""
    published = (item.published_values or {}).get("values", {})
    current = values_of(item)
    rows = [(name, published.get(name), value) for name, value in current.items() if published.get(name) != value]
    if item.published_visibility != item.visibility:
        rows.append(("visibility", item.published_visibility or None, item.visibility))
    return rows


def public_voice(actor_ids=None) -> dict[int, dict]:
    """Per actor, what its published profile says in public: ``{"text": description, "offers": [(offer
    id, text)]}``. This is the organisation's own voice in matching (``visd.matchmaking.records``): only
    what anyone may read, so an explanation never shows a word the reader may not see."""
    statements = ProfileStatement.objects.filter(item="description", published_visibility=Tier.PUBLIC)
    offers = Offer.objects.filter(published_visibility=Tier.PUBLIC)
    if actor_ids is not None:
        ids = list(actor_ids)
        statements, offers = statements.filter(profile_id__in=ids), offers.filter(profile_id__in=ids)
    out: dict[int, dict] = {}
    for actor_id, published in statements.values_list("profile_id", "published_values"):
        values = (published or {}).get("values", {})
        text = "\n".join(t for t in (values.get("description_nl"), values.get("description_en")) if t)
        if text:
            out.setdefault(actor_id, {"text": "", "offers": []})["text"] = text
    for pk, actor_id, published in offers.order_by("profile_id", "pk").values_list("pk", "profile_id",
                                                                                    "published_values"):
        text = ((published or {}).get("values") or {}).get("text", "")
        if text:
            out.setdefault(actor_id, {"text": "", "offers": []})["offers"].append((pk, text))
    return out
