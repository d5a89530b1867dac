"""Incremental re-tagging: when one actor, project, call or capability need is saved, its derived tags
are recomputed from its own text, for that record only, once the transaction commits. An actor's
derived tags also carry its track record, so saving a project re-tags its participants as well.

Bulk imports (``bulk_create``) send no signals and stay fast: the records they create are tagged in
one batch by ``visd tag`` (or the first ``visd match`` / matching page, which brings the index up to
date from the database and writes the derived tags of exactly the records that changed). A save
restricted to fields that carry no text (``update_fields``) does not re-tag.
"""

from django.db import transaction
from django.db.models.signals import post_save

from visd.actors.models import Actor
from visd.capabilities.models import CapabilityNeed
from visd.funding.models import Call
from visd.projects.models import Project

from . import tagging

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
    transaction.on_commit(lambda: tagging.retag_record(model, pk))


for _model in TEXT_FIELDS:
    post_save.connect(_retag, sender=_model, dispatch_uid=f"matchmaking-retag-{_model._meta.label_lower}")
