"""The "Concepts" section of the project, call, need and actor pages and the link to the tag curation
page (``matchmaking:tags``), asking ``permissions.can_curate_tags`` whether to offer curation.

``{% concepts_section record %}``: a heading, the record's tags that count (not rejected) and the link;
``{% curate_tags_link record %}``: the link only (pages that list the tags themselves)."""

from django import template

from visd.core import permissions

register = template.Library()


def _target_type(record) -> str | None:
    from visd.actors.models import Actor
    from visd.matchmaking.records import target_models

    if isinstance(record, Actor):
        return "actor"
    return next((t for t, model in target_models().items() if isinstance(record, model)), None)


def _link(context, record) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    target_type = _target_type(record)
    return {"target_type": target_type, "record": record,
            "may_curate": target_type is not None and permissions.can_curate_tags(user, record)}


@register.inclusion_tag("matchmaking/_curate_tags_link.html", takes_context=True)
def curate_tags_link(context, record):
    return _link(context, record)


@register.inclusion_tag("matchmaking/_concepts_section.html", takes_context=True)
def concepts_section(context, record):
    from visd.matchmaking.models import ConceptTag

    out = _link(context, record)
    tags = []
    if out["target_type"] not in (None, "actor"):
        tags = list(ConceptTag.objects.filter(target_type=out["target_type"], object_id=record.pk, rejected=False)
                    .select_related("concept").order_by("concept__scheme", "concept__order", "concept__code"))
    return {**out, "tags": tags}
