"""Incremental re-tagging: when one actor, project, call or capability need is saved, its derived tags
are recomputed from its own text, for that record only, once the transaction commits, and the
persisted matching index, when there is one, is brought up to date (``tagging.record_changed``). An
actor's derived tags also carry its track record, so saving a project re-tags its participants as well.

Bulk imports (``bulk_create``) send no signals and stay fast: the import brings the index up to date
once after it commits (``visd.imports``), or ``visd tag`` does. Pages and the API never do: they read
the last persisted index. A save restricted to fields that carry no text (``update_fields``) does not
re-tag.
"""

from django.db import transaction
from django.db.models.signals import post_save

from visd.actors.models import Actor
from visd.capabilities.models import CapabilityNeed
from visd.funding.models import Call
from visd.imports.models import ImportRun
from visd.profiles.signals import public_voice_changed
from visd.projects.models import Project

from . import lifecycle, tagging

TEXT_FIELDS = {
    Actor: {"description_nl", "description_en"},
    Project: {"title", "acronym", "objective", "keywords"},
    Call: {"title", "description"},
    CapabilityNeed: {"name", "description", "parent"},
}


def _retag(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is not None and not (set(update_fields) & TEXT_FIELDS[sender]):
        return
    model, pk = sender, instance.pk
    transaction.on_commit(lambda: tagging.record_changed(model, pk))


for _model in TEXT_FIELDS:
    post_save.connect(_retag, sender=_model, dispatch_uid=f"matchmaking-retag-{_model._meta.label_lower}")


def _after_import(sender, instance, created=False, raw=False, **kwargs):
    """An applied import (its ImportRun is created in the import's transaction) may have written many
    records without signals: once it commits, bring the persisted index up to date in one update."""
    if raw or not created or instance.status != ImportRun.Status.APPLIED:
        return
    transaction.on_commit(lifecycle.update_if_present)


post_save.connect(_after_import, sender=ImportRun, dispatch_uid="matchmaking-index-after-import")


def _after_profile_published(sender, actor_id, **kwargs):
    """What an organisation's validated profile says in public changed (sent after the commit): its
    own voice in matching changed, so re-tag the actor and update the persisted index."""
    tagging.record_changed(Actor, actor_id)


public_voice_changed.connect(_after_profile_published, dispatch_uid="matchmaking-profile-published")
