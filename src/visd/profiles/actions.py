"""Every change to a capability profile goes through these functions; pages and API check
``permissions.can_edit_profile``, parse, and call them. Each write records who stated the item and
when (provenance: self-declared), keeps history (django-simple-history) and refuses a stale edit
(``EditConflict``: the form or request carries the ``version`` it read)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    ITEM_FIELDS, CapabilityProfile, Offer, ProfileItem, ProfileStatement, Provenance, Seek, Tier, default_item_tier,
)

PROFILE_FIELDS = frozenset(name for names in ITEM_FIELDS.values() for name in names)
OFFER_FIELDS = frozenset({"text", "domains", "captechs", "trl", "use", "ml_category", "visibility"})
SEEK_FIELDS = frozenset({"kind", "text", "visibility"})


class EditConflict(Exception):
    def __init__(self, record):
        super().__init__(_("Someone else changed this profile while you were editing it. Your changes were not "
                           "saved: review the current version and make your change again."))
        self.record = record


def _check(values, allowed):
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"No editable field(s) {sorted(unknown)}")


def _bump(model, record, expected_version: int | None) -> None:
    """Raise the record's version if it still is the one the editor read, else ``EditConflict``."""
    expected = record.version if expected_version is None else expected_version
    if not model.objects.filter(pk=record.pk, version=expected).update(version=F("version") + 1):
        raise EditConflict(model.objects.get(pk=record.pk))
    record.version = expected + 1


def profile_of(actor) -> CapabilityProfile:
    """The actor's profile, or an unsaved empty one (a page's GET writes nothing)."""
    try:
        return actor.capability_profile
    except CapabilityProfile.DoesNotExist:
        return CapabilityProfile(actor=actor)


def update_profile(actor, values: Mapping[str, Any], tiers: Mapping[str, str], *, acting_user,
                   expected_version: int | None) -> CapabilityProfile:
    """Set the profile's fields (``values``) and the tiers of its items (``tiers``: item -> tier). An
    item whose values or tier change is stated anew by ``acting_user``, now, as self-declared."""
    _check(values, PROFILE_FIELDS)
    if set(tiers) - set(ProfileItem.values) or set(tiers.values()) - set(Tier.values):
        raise ValueError(f"Unknown item or tier in {tiers}")
    with transaction.atomic():
        profile, created = CapabilityProfile.objects.get_or_create(actor=actor)
        if not created:
            _bump(CapabilityProfile, profile, expected_version)
        before = {name: getattr(profile, name) for name in PROFILE_FIELDS}
        for name, value in values.items():
            setattr(profile, name, value)
        profile.full_clean()
        profile._history_user = acting_user
        profile.save()
        statements = {s.item: s for s in profile.statements.select_for_update()}
        now = timezone.now()
        for item, fields in ITEM_FIELDS.items():
            statement = statements.get(item)
            tier = tiers.get(item) or (statement.visibility if statement else default_item_tier(item))
            changed = any(before[name] != getattr(profile, name) for name in fields)
            has_value = any(getattr(profile, name) not in (None, "", []) for name in fields)
            if statement is None and not has_value and item not in tiers:
                continue
            if statement is None:
                statement = ProfileStatement(profile=profile, item=item)
            elif not changed and statement.visibility == tier:
                continue
            statement.visibility = tier
            if changed or statement.stated_at is None:
                statement.provenance, statement.stated_by, statement.stated_at = (
                    Provenance.SELF_DECLARED, acting_user, now)
            statement._history_user = acting_user
            statement.save()
    return profile


def _save_entry(model, entry, values, *, acting_user, expected_version, m2m=()):
    plain = {k: v for k, v in values.items() if k not in m2m}
    for name, value in plain.items():
        setattr(entry, name, value)
    if not entry.visibility:
        entry.visibility = entry.default_tier()
    entry.provenance, entry.stated_by, entry.stated_at = Provenance.SELF_DECLARED, acting_user, timezone.now()
    entry.full_clean(exclude=["profile"])
    with transaction.atomic():
        if entry.pk is None:
            entry.profile, _created = CapabilityProfile.objects.get_or_create(actor_id=entry.profile_id)
        else:
            _bump(model, entry, expected_version)
        entry._history_user = acting_user
        entry.save()
        for name in m2m:
            if name in values:
                getattr(entry, name).set(values[name])
    return entry


def save_offer(actor, values: Mapping[str, Any], *, acting_user, offer: Offer | None = None,
               expected_version: int | None = None) -> Offer:
    """Create (``offer`` None) or change an offer. Without a tier, a defence offer is restricted."""
    _check(values, OFFER_FIELDS)
    entry = offer or Offer(profile_id=actor.pk, visibility="")
    return _save_entry(Offer, entry, values, acting_user=acting_user, expected_version=expected_version,
                       m2m=("domains", "captechs"))


def save_seek(actor, values: Mapping[str, Any], *, acting_user, seek: Seek | None = None,
              expected_version: int | None = None) -> Seek:
    """Create (``seek`` None) or change what is sought. Without a tier, customers sought are restricted."""
    _check(values, SEEK_FIELDS)
    entry = seek or Seek(profile_id=actor.pk, visibility="")
    return _save_entry(Seek, entry, values, acting_user=acting_user, expected_version=expected_version)


def delete_entry(entry: Offer | Seek, *, acting_user) -> None:
    entry._history_user = acting_user
    entry.delete()


