"""Every change to orientation roadmaps goes through these functions; views check permissions
(``visd.core.permissions``), parse and call them.

Versions: a domain has roadmap versions 1, 2, ...; one draft at a time. Publishing a draft makes it
the domain's public roadmap and marks the previously published version superseded. A new version
starts as a copy of the latest one, items included. Published versions are not edited: start a
new version instead. ``revision`` guards a draft against lost updates by two editors
(``visd.core.locking``: every save of a roadmap claims the next revision)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from visd.core.locking import EditConflict  # noqa: F401 (raised by the saves below; views catch it here)

from .models import Roadmap, RoadmapItem, RoadmapStatus

#: The editable texts, each in Dutch (no suffix) and English (``_en``; ``models.Bilingual``).
TEXT_FIELDS = frozenset(name + suffix for name in Roadmap.BILINGUAL_FIELDS for suffix in ("", "_en"))
ITEM_FIELDS = frozenset({"kind", "start_year", "end_year", "order",
                         *(name + suffix for name in RoadmapItem.BILINGUAL_FIELDS for suffix in ("", "_en"))})


def _require_draft(roadmap: Roadmap) -> None:
    if roadmap.status != RoadmapStatus.DRAFT:
        raise ValidationError({"status": [_("A published roadmap is not changed; start a new version.")]})


def start_version(domain, *, acting_user) -> Roadmap:
    """A new draft for ``domain``: version 1, or a copy of the latest version with its items.
    Refused while the domain already has a draft."""
    with transaction.atomic():
        existing = Roadmap.objects.select_for_update().filter(domain=domain)
        if existing.filter(status=RoadmapStatus.DRAFT).exists():
            raise ValidationError({"status": [_("This domain already has a draft roadmap; finish that one first.")]})
        latest = existing.order_by("-version").first()
        roadmap = Roadmap(domain=domain, version=(existing.aggregate(v=Max("version"))["v"] or 0) + 1)
        if latest is not None:
            for name in TEXT_FIELDS:
                setattr(roadmap, name, getattr(latest, name))
        roadmap._history_user = acting_user
        try:
            roadmap.save()
        except IntegrityError as error:
            raise ValidationError({"status": [_("Someone else started a new version at the same time.")]}) from error
        if latest is not None:
            roadmap.calls.set(latest.calls.all())
            roadmap.needs.set(latest.needs.all())
            for item in latest.items.prefetch_related("related_domains"):
                copy = RoadmapItem(roadmap=roadmap, **{name: getattr(item, name) for name in ITEM_FIELDS})
                copy._history_user = acting_user
                copy.save()
                copy.related_domains.set(item.related_domains.all())
    return roadmap


def update_roadmap(roadmap: Roadmap, values: Mapping[str, Any], *, acting_user, expected_revision: int | None,
                   calls: Iterable | None = None, needs: Iterable | None = None) -> Roadmap:
    unknown = set(values) - TEXT_FIELDS
    if unknown:
        raise ValueError(f"Roadmap has no editable field(s) {sorted(unknown)}")
    _require_draft(roadmap)
    for name, value in values.items():
        setattr(roadmap, name, value)
    with transaction.atomic():
        roadmap._history_user = acting_user
        roadmap.expect_version(expected_revision).save()  # EditConflict if someone else saved since
        if calls is not None:
            roadmap.calls.set(calls)
        if needs is not None:
            roadmap.needs.set(needs)
    return roadmap


def publish(roadmap: Roadmap, *, acting_user, expected_revision: int | None = None) -> Roadmap:
    """Publish a draft; the previously published version of the domain becomes superseded."""
    _require_draft(roadmap)
    if not roadmap.introduction.strip() or not roadmap.items.exists():
        raise ValidationError({"status": [_("A roadmap is published with at least an introduction and one "
                                            "roadmap item.")]})
    with transaction.atomic():
        for old in Roadmap.objects.filter(domain=roadmap.domain, status=RoadmapStatus.PUBLISHED):
            old.status = RoadmapStatus.SUPERSEDED
            old._history_user = acting_user
            old.save()
        roadmap.status = RoadmapStatus.PUBLISHED
        roadmap.published_on = timezone.localdate()
        roadmap._history_user = acting_user
        # EditConflict if someone else saved the draft since: the superseded versions roll back too
        roadmap.expect_version(expected_revision).save()
    return roadmap


def add_item(roadmap: Roadmap, values: Mapping[str, Any], *, acting_user, related_domains: Iterable = ()) -> RoadmapItem:
    unknown = set(values) - ITEM_FIELDS
    if unknown:
        raise ValueError(f"RoadmapItem has no editable field(s) {sorted(unknown)}")
    _require_draft(roadmap)
    related = [domain for domain in related_domains if domain.pk != roadmap.domain_id]
    item = RoadmapItem(roadmap=roadmap, **values)
    item.full_clean(exclude=["related_domains"])
    with transaction.atomic():
        item._history_user = acting_user
        item.save()
        item.related_domains.set(related)
    return item


def remove_item(roadmap: Roadmap, item_id: int, *, acting_user) -> None:
    _require_draft(roadmap)
    item = roadmap.items.filter(pk=item_id).first()
    if item is None:
        raise ValidationError({"item": [_("This item was already removed.")]})
    item._history_user = acting_user
    item.delete()
