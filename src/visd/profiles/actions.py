"""Every change to a capability profile goes through these functions; pages and API check
``permissions.can_edit_profile``, parse, and call them. Each write records who stated the item and
when (provenance: self-declared), keeps history (django-simple-history) and refuses a stale edit
(``EditConflict``: the form or request carries the ``version`` it read; ``visd.core.locking``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from visd.core import permissions
from visd.core.locking import EditConflict  # noqa: F401 (raised by the saves below; views catch it here)
from visd.core.submission import create_once

from . import review
from .models import (
    ITEM_FIELDS, MAX_SHORT_TEXT, CapabilityProfile, Offer, ProfileItem, ProfileStatement, Provenance, Review, Seek,
    Tier, default_item_tier, size_class_for,
)
from .signals import public_voice_changed

PROFILE_FIELDS = frozenset(name for names in ITEM_FIELDS.values() for name in names)
OFFER_FIELDS = frozenset({"text", "domains", "captechs", "trl", "use", "ml_category", "visibility"})
SEEK_FIELDS = frozenset({"kind", "text", "visibility"})


def _check(values, allowed):
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"No editable field(s) {sorted(unknown)}")


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
    voice = False
    with transaction.atomic():
        profile, created = CapabilityProfile.objects.get_or_create(actor=actor)
        if not created:
            profile.expect_version(expected_version)  # the save below claims the next version
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
            voice |= _submitted(statement, review.values_of(statement, profile), profile.trusted)
            statement._history_user = acting_user
            statement.save()
        if voice:
            _public_voice_changed(actor.pk)
    return profile


def _public_voice_changed(actor_id: int) -> None:
    """What the organisation says in public changed: move the actor's ``updated_at`` (the matching
    index reads changes by it) and, once committed, let the matching layer re-read it."""
    from visd.actors.models import Actor

    Actor.objects.filter(pk=actor_id).update(updated_at=timezone.now())
    transaction.on_commit(lambda: public_voice_changed.send(sender=CapabilityProfile, actor_id=actor_id))


def _publish(item, values: dict) -> bool:
    """Make the working version of ``item`` the published one; True when the public part changed."""
    before = (item.published_visibility, item.published_values)
    item.published_values = review.snapshot(item, values)
    item.published_visibility = item.visibility
    return Tier.PUBLIC in (before[0], item.published_visibility) and before != (
        item.published_visibility, item.published_values)


def _submitted(item, values: dict, trusted: bool) -> bool:
    """An item the organisation just changed: published at once when the organisation is trusted;
    else it waits for a programme manager. Withdrawing needs no one's approval: an emptied item
    is unpublished at once, and a narrower tier applies at once to what is published. Returns True
    when the public part changed."""
    item.reviewed_by, item.reviewed_at, item.review_reason = None, None, ""
    published = (item.published_values or {}).get("values")
    if (item.published_visibility and published == values
            and review.TIER_WIDTH[item.visibility] <= review.TIER_WIDTH[item.published_visibility]):
        # the same values, seen by fewer people: nothing to approve
        public_before = item.published_visibility == Tier.PUBLIC
        item.review, item.published_visibility = Review.PUBLISHED, item.visibility
        return public_before and item.visibility != Tier.PUBLIC
    if trusted:
        item.review = Review.TRUSTED
        return _publish(item, values)
    public_before = item.published_visibility == Tier.PUBLIC
    if review.is_empty(values):
        item.review, item.published_values, item.published_visibility = Review.PUBLISHED, None, ""
        return public_before
    item.review = Review.PENDING
    if item.published_visibility:
        item.published_visibility = review.narrower(item.published_visibility, item.visibility)
    return public_before and item.published_visibility != Tier.PUBLIC


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
            entry.expect_version(expected_version)  # the save below claims the next version
        concepts = {name: values[name] for name in m2m if name in values}
        voice = _submitted(entry, review.values_of(entry, **concepts), entry.profile.trusted)
        entry._history_user = acting_user
        entry.save()
        for name in m2m:
            if name in values:
                getattr(entry, name).set(values[name])
        if voice:
            _public_voice_changed(entry.profile_id)
    return entry


def save_offer(actor, values: Mapping[str, Any], *, acting_user, offer: Offer | None = None,
               expected_version: int | None = None, submission_key: uuid.UUID | None = None) -> Offer:
    """Create (``offer`` None) or change an offer. Without a tier, a defence offer is restricted.
    A new offer stores the ``submission_key`` it is created under (see ``add_entry``)."""
    _check(values, OFFER_FIELDS)
    entry = offer or Offer(profile_id=actor.pk, visibility="", submission_key=submission_key)
    return _save_entry(Offer, entry, values, acting_user=acting_user, expected_version=expected_version,
                       m2m=("domains", "captechs"))


def save_seek(actor, values: Mapping[str, Any], *, acting_user, seek: Seek | None = None,
              expected_version: int | None = None, submission_key: uuid.UUID | None = None) -> Seek:
    """Create (``seek`` None) or change what is sought. Without a tier, customers sought are restricted."""
    _check(values, SEEK_FIELDS)
    entry = seek or Seek(profile_id=actor.pk, visibility="", submission_key=submission_key)
    return _save_entry(Seek, entry, values, acting_user=acting_user, expected_version=expected_version)


def add_entry(model: type[Offer] | type[Seek], actor, values: Mapping[str, Any], *, acting_user,
              submission_key: uuid.UUID | None) -> tuple[Offer | Seek, bool]:
    """Add an offer or a wish from a form or an API request; returns ``(entry, created)``. The same
    ``submission_key`` sent again (a double click, a retried request) adds nothing and returns the
    entry it added the first time (``visd.core.submission``)."""
    save = save_offer if model is Offer else save_seek
    return create_once(model, submission_key, lambda: save(actor, values, acting_user=acting_user,
                                                           submission_key=submission_key))


def delete_entry(entry: Offer | Seek, *, acting_user) -> None:
    """Withdrawing an offer or a wish takes effect at once, for everyone."""
    with transaction.atomic():
        entry._history_user = acting_user
        public = entry.published_visibility == Tier.PUBLIC
        actor_id = entry.profile_id
        entry.delete()
        if public:
            _public_voice_changed(actor_id)


# --- validation (issue 14 item 4; docs/onboarding.md "Validation") ----------------------------------

ITEM_MODELS = {"statement": ProfileStatement, "offer": Offer, "seek": Seek}


def decide(kind: str, pk: int, *, approve: bool, acting_user, reason: str = "",
           expected_stated_at: str | None = None):
    """Approve (publish) or reject the waiting change of one item. ``expected_stated_at``: the statement
    date of the version the reviewer saw (ISO); a change made since then is refused, so nobody publishes
    what they did not read. A rejection needs a reason, which the organisation sees."""
    model = ITEM_MODELS.get(kind)
    if model is None:
        raise ValidationError(_("Unknown kind of profile item: %(kind)s.") % {"kind": kind}, code="kind")
    reason = (reason or "").strip()
    if len(reason) > MAX_SHORT_TEXT:
        raise ValidationError(_("Keep the reason under %(n)d characters.") % {"n": MAX_SHORT_TEXT}, code="reason")
    if not approve and not reason:
        raise ValidationError(_("Give the reason for the rejection: the organisation reads it."), code="reason")
    with transaction.atomic():
        item = model.objects.select_for_update().filter(pk=pk).first()
        if item is None:
            raise ValidationError(_("This item no longer exists: the organisation withdrew it."), code="gone")
        if not permissions.can_review_profile(acting_user, item.owner_actor_id):
            raise PermissionDenied
        if item.review != Review.PENDING:
            raise ValidationError(_("This change has already been decided: it is %(state)s.")
                                  % {"state": item.get_review_display().lower()}, code="decided")
        seen = item.stated_at.isoformat() if item.stated_at else ""
        if expected_stated_at is not None and expected_stated_at != seen:
            raise ValidationError(_("The organisation changed this item after you opened it. Review the "
                                    "current version."), code="changed")
        voice = False
        if approve:
            item.provenance = Provenance.VALIDATED
            values = review.values_of(item)
            voice = _publish(item, values)
            item.review = Review.PUBLISHED
            if isinstance(item, ProfileStatement):
                _registry_facts(item, values, acting_user)
        else:
            item.review = Review.REJECTED
        item.reviewed_by, item.reviewed_at, item.review_reason = acting_user, timezone.now(), reason
        item._history_user = acting_user
        item._change_reason = "Approved" if approve else f"Rejected: {reason}"
        item.save()
        if voice:
            _public_voice_changed(item.owner_actor_id)
    return item


def _registry_facts(statement: ProfileStatement, values: dict, acting_user) -> None:
    """A validated size or value-chain position becomes the registry's fact of the actor (its size
    class by the EU SME definition, its position), which the actor list filters and the matching
    engine read; with a history row by the reviewer. An emptied item leaves the registry as it was."""
    from visd.actors.models import Actor

    if statement.item == ProfileItem.SIZE:
        facts = {"size_class": size_class_for(values.get("staff_headcount"), values.get("annual_turnover"),
                                              values.get("balance_sheet_total"))}
    elif statement.item == ProfileItem.VALUE_CHAIN:
        facts = {"value_chain_position": values.get("value_chain_position") or ""}
    else:
        return
    actor = Actor.objects.select_for_update().get(pk=statement.profile_id)
    changed = [name for name, value in facts.items() if value and getattr(actor, name) != value]
    if not changed:
        return
    for name in changed:
        setattr(actor, name, facts[name])
    actor._history_user = acting_user
    actor._change_reason = "From the validated capability profile"
    actor.save()


def set_trusted(actor, trusted: bool, *, acting_user) -> CapabilityProfile:
    """The coordinator marks an organisation as trusted (its changes are published at once) or not."""
    if not permissions.can_mark_trusted(acting_user):
        raise PermissionDenied
    with transaction.atomic():
        profile, _created = CapabilityProfile.objects.get_or_create(actor=actor)
        profile.trusted = bool(trusted)
        profile._history_user = acting_user
        profile._change_reason = "Marked as trusted" if trusted else "No longer trusted"
        profile.save()
    return profile


