"""Curating the concept tags of one actor, project, call or capability need: confirm or add a
concept (curated), reject it (projects, calls, needs), or remove the curated tag so the tagger's own
finding applies again. The tag page (``views.record_tags``) calls these after
``permissions.can_curate_tags`` allowed the user.

Curated and derived tags of one concept share one row (constraints one_concept_tag_per_record and
one_tag_per_actor_concept): curating converts the derived row into a curated one, as the admin does,
and removing the curated row lets the tagger derive the concept again. After each change the record
is re-tagged (``tagging.retag_record``, as the save hook does; for a project also its participants'
track records), so the database's tags are right at once, and once the change commits the persisted
matching index, when there is one, is updated too (``lifecycle.update_if_present``: it compares the
curated tags with state.json), as after any record change; pages only read it."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from visd.actors.models import Actor, ActorTag, TagOrigin

from . import lifecycle, tagging
from .models import ConceptTag, ConceptTagOrigin
from .records import target_models


def tag_targets() -> dict:
    return {**target_models(), "actor": Actor}


class Unchanged(Exception):
    """The record already is as asked (a form sent twice): nothing to write."""


def curate_tag(target_type: str, record, concept, *, acting_user) -> None:
    """Make ``concept`` a curated (not rejected) tag of the record. A derived tag of the concept becomes
    the curated one (confidence and evidence cleared: a person vouches for it, not matched words)."""
    _write_curated(target_type, record, concept, rejected=False, acting_user=acting_user)


def reject_tag(target_type: str, record, concept, *, acting_user) -> None:
    """Record that ``concept`` does not apply to this project, call or need (a curated rejection)."""
    if target_type == "actor":
        raise ValidationError(_("An actor's tag cannot be rejected: reject the concept on the project it comes from."))
    _write_curated(target_type, record, concept, rejected=True, acting_user=acting_user)


def _write_curated(target_type, record, concept, *, rejected, acting_user) -> None:
    try:
        with transaction.atomic():
            if target_type == "actor":
                tag = ActorTag.objects.select_for_update().filter(actor=record, concept=concept).first()
                if tag is not None and tag.origin == TagOrigin.SELF_DECLARED:
                    raise ValidationError(_("%(concept)s was declared by the organisation itself; it already counts "
                                            "as curated.") % {"concept": concept.label})
                if tag is not None and tag.origin == TagOrigin.CURATED:
                    raise Unchanged
                tag = tag or ActorTag(actor=record, concept=concept)
                tag.origin = TagOrigin.CURATED
            else:
                tag = ConceptTag.objects.select_for_update().filter(
                    target_type=target_type, object_id=record.pk, concept=concept).first()
                if tag is not None and tag.origin == ConceptTagOrigin.CURATED and tag.rejected == rejected:
                    raise Unchanged
                tag = tag or ConceptTag(target_type=target_type, object_id=record.pk, concept=concept)
                tag.origin, tag.rejected = ConceptTagOrigin.CURATED, rejected
            tag.confidence, tag.evidence = None, ""
            tag._history_user = acting_user
            tag.save()
    except IntegrityError:  # the same form sent twice at once: the other request wrote it
        raise Unchanged from None
    _retag(target_type, record)


def uncurate_tag(target_type: str, record, concept, *, acting_user) -> None:
    """Remove the curated tag (or rejection) of ``concept``: the tagger's own finding applies again."""
    if target_type == "actor":
        tags = ActorTag.objects.filter(actor=record, concept=concept)
        if tags.filter(origin=TagOrigin.SELF_DECLARED).exists():
            raise ValidationError(_("%(concept)s was declared by the organisation itself; it is changed on the "
                                    "actor's profile.") % {"concept": concept.label})
        tag = tags.filter(origin=TagOrigin.CURATED).first()
    else:
        tag = ConceptTag.objects.filter(target_type=target_type, object_id=record.pk, concept=concept,
                                        origin=ConceptTagOrigin.CURATED).first()
    if tag is None:
        raise Unchanged
    tag._history_user = acting_user
    tag.delete()
    _retag(target_type, record)


def _retag(target_type: str, record) -> None:
    """Bring the record's derived tags (and, for a project, its participants' track-record tags) in
    line with the curated ones now, as the save hook does for a text change."""
    tagging.retag_record(type(record), record.pk)
    transaction.on_commit(lifecycle.update_if_present)


CURATION_ACTIONS = {"curate": curate_tag, "reject": reject_tag, "remove": uncurate_tag}
