"""Every change to the stakeholder register goes through these functions (Zulip's ``actions``
style). Views and management commands check who may act (``visd.core.permissions``), parse the
input, and call one of them; nothing else writes contacts, interactions or dossiers.

Each function validates completely before it writes: bad input raises ``ValidationError`` with
messages keyed by field, and nothing is stored. Each records ``acting_user`` as the author of the
history rows it causes. Functions that create a record take the one-time ``submission_key`` of the
form that asked for it and return ``(record, created)``: the same key sent twice returns the first
record instead of creating a second one (``visd.core.submission.create_once``). Functions that change a record take the
``expected_version`` the editor read (``visd.core.locking``): if someone else saved the record
since, ``EditConflict`` is raised and nothing is written; None checks against the version the
record was loaded with.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from visd.core import permissions
from visd.core.submission import create_once

from .models import Contact, Dossier, GdprAuditEntry, Interaction

CONTACT_FIELDS = frozenset({
    "first_name", "last_name", "job_title", "email", "phone", "languages", "notes",
    "legal_basis", "legal_basis_note", "consent_date",
})
INTERACTION_FIELDS = frozenset({
    "date", "kind", "subject", "notes", "follow_up", "follow_up_due", "follow_up_done", "dossier",
})
DOSSIER_FIELDS = frozenset({"title", "domain", "status", "owner", "description"})


# --- helpers shared by the actions -------------------------------------------------------------

def _assign(record: models.Model, values: Mapping[str, Any], allowed: frozenset[str]) -> bool:
    """Copy ``values`` onto ``record``; True if anything changed. Unknown keys are a programming
    error, not bad input, hence ValueError."""
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"{type(record).__name__} has no editable field(s) {sorted(unknown)}")
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def _save_new(record: models.Model, acting_user, after_save=None) -> models.Model:
    record._history_user = acting_user
    record.save()
    if after_save is not None:
        after_save(record)
    return record


def _full_clean(record: models.Model, extra_errors: dict[str, list[str]] | None = None) -> None:
    """Model validation plus cross-record checks, reported together so a form shows every problem
    at once."""
    errors: dict[str, list[str]] = {key: list(value) for key, value in (extra_errors or {}).items()}
    try:
        record.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


# --- contacts ----------------------------------------------------------------------------------

def create_contact(actor, values: Mapping[str, Any], *, acting_user,
                   submission_key: uuid.UUID | None = None) -> tuple[Contact, bool]:
    """Add a contact person at ``actor``."""
    def create() -> Contact:
        contact = Contact(actor=actor, submission_key=submission_key)
        _assign(contact, values, CONTACT_FIELDS)
        _full_clean(contact)
        return _save_new(contact, acting_user)

    return create_once(Contact, submission_key, create)


def update_contact(contact: Contact, values: Mapping[str, Any], *, acting_user,
                   expected_version: int | None = None) -> Contact:
    """Change a contact's details; the organisation stays (a person who moves is a new contact,
    with its own legal basis). Saving nothing new writes no history row."""
    if not _assign(contact, values, CONTACT_FIELDS):
        return contact
    _full_clean(contact)
    contact._history_user = acting_user
    contact.expect_version(expected_version).save()
    return contact


# --- interactions ------------------------------------------------------------------------------

def _participant_errors(actor, contacts: Iterable[Contact], staff: Iterable, dossier: Dossier | None):
    """Interactions are between VISD staff and the people of one actor, within that actor's dossiers."""
    errors: dict[str, list[str]] = {}
    foreign = [c for c in contacts if c.actor_id != actor.pk]
    if foreign:
        errors["contacts"] = [
            _("Not contacts of %(actor)s: %(names)s.") % {
                "names": ", ".join(str(c) for c in foreign), "actor": actor,
            }
        ]
    staff = list(staff)
    staff_ids = set(permissions.visd_staff_users().filter(pk__in=[u.pk for u in staff]).values_list("pk", flat=True))
    outsiders = [u for u in staff if u.pk not in staff_ids]
    if outsiders:
        errors["staff"] = [
            _("Not VISD staff: %(names)s.") % {"names": ", ".join(u.get_username() for u in outsiders)}
        ]
    if dossier is not None and dossier.actor_id is not None and dossier.actor_id != actor.pk:
        errors["dossier"] = [
            _("The dossier '%(dossier)s' is about another organisation.") % {"dossier": dossier}
        ]
    return errors


def log_interaction(actor, values: Mapping[str, Any], *, contacts: Iterable[Contact] = (),
                    staff: Iterable = (), acting_user,
                    submission_key: uuid.UUID | None = None) -> tuple[Interaction, bool]:
    """Record an interaction with ``actor``: the contacts and staff who took part, and any follow-up."""
    contacts, staff = list(contacts), list(staff)

    def link_participants(saved: Interaction) -> None:
        saved.contacts.set(contacts)
        saved.staff.set(staff)

    def create() -> Interaction:
        interaction = Interaction(actor=actor, submission_key=submission_key, created_by=acting_user)
        _assign(interaction, values, INTERACTION_FIELDS)
        _full_clean(interaction, _participant_errors(actor, contacts, staff, interaction.dossier))
        return _save_new(interaction, acting_user, after_save=link_participants)

    return create_once(Interaction, submission_key, create)


def update_interaction(interaction: Interaction, values: Mapping[str, Any], *,
                       contacts: Iterable[Contact], staff: Iterable, acting_user,
                       expected_version: int | None = None) -> Interaction:
    """Correct an interaction; its organisation stays. A change of the participants alone claims
    the next version too, so it cannot be overwritten by an editor who read the old list."""
    contacts, staff = list(contacts), list(staff)
    changed = _assign(interaction, values, INTERACTION_FIELDS)
    _full_clean(interaction, _participant_errors(interaction.actor, contacts, staff, interaction.dossier))
    interaction._history_user = acting_user
    interaction.expect_version(expected_version)
    participants_changed = (
        {c.pk for c in contacts} != set(interaction.contacts.values_list("pk", flat=True))
        or {u.pk for u in staff} != set(interaction.staff.values_list("pk", flat=True)))
    with transaction.atomic():
        if changed:
            interaction.save()
        elif participants_changed:
            interaction.claim_version()  # no field to save: the links' history rows record the change
        # set() only touches the rows that differ, so an unchanged list writes no history.
        interaction.contacts.set(contacts)
        interaction.staff.set(staff)
    return interaction


def complete_follow_up(interaction: Interaction, *, acting_user) -> Interaction:
    if not interaction.follow_up.strip():
        raise ValidationError(_("This interaction has no follow-up to complete."))
    if not interaction.follow_up_done:
        interaction.follow_up_done = True
        interaction._history_user = acting_user
        interaction.save(update_fields=["follow_up_done", "updated_at"])
    return interaction


# --- dossiers ----------------------------------------------------------------------------------

def create_dossier(actor, values: Mapping[str, Any], *, acting_user,
                   submission_key: uuid.UUID | None = None) -> tuple[Dossier, bool]:
    """Open a dossier about ``actor``, or about a theme or event when ``actor`` is None. The
    organisation is fixed from then on: interactions filed in it must be with that organisation."""
    def create() -> Dossier:
        dossier = Dossier(actor=actor, submission_key=submission_key)
        _assign(dossier, values, DOSSIER_FIELDS)
        _full_clean(dossier)
        return _save_new(dossier, acting_user)

    return create_once(Dossier, submission_key, create)


def update_dossier(dossier: Dossier, values: Mapping[str, Any], *, acting_user,
                   expected_version: int | None = None) -> Dossier:
    if not _assign(dossier, values, DOSSIER_FIELDS):
        return dossier
    _full_clean(dossier)
    dossier._history_user = acting_user
    dossier.expect_version(expected_version).save()
    return dossier


# --- GDPR: access, portability and erasure -----------------------------------------------------

def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _historical_participation_model():
    """simple_history's record of which contacts took part in each historical interaction version."""
    return apps.get_model("stakeholders", "HistoricalInteraction_contacts")


def interactions_mentioning(contact: Contact):
    """Interactions whose free text names the person or their e-mail address. Erasure cannot rewrite
    free text, so the confirmation page lists these for a human to edit first; the export includes them."""
    full_name = f"{contact.first_name} {contact.last_name}".strip()
    query = Q()
    for text_field in ("subject", "notes", "follow_up"):
        query |= Q(**{f"{text_field}__icontains": full_name})
        if contact.email:
            query |= Q(**{f"{text_field}__icontains": contact.email})
    return Interaction.objects.filter(query).select_related("actor").order_by("-date", "-pk")


def personal_data_of(contact: Contact) -> dict[str, Any]:
    """Everything VISD Hub holds about one person, as plain JSON-ready data (GDPR art. 15 and 20).
    Other people's data is left out: interactions list the staff but not the other contacts."""
    bookkeeping = {"actor", "submission_key", Contact.lock_field}  # no data about the person
    record = {field.name: _plain(field.value_from_object(contact))
              for field in Contact._meta.concrete_fields if field.name not in bookkeeping}
    record["organisation"] = {"id": contact.actor_id, "name": contact.actor.name}

    def interaction_data(interaction: Interaction) -> dict[str, Any]:
        return {
            "id": interaction.pk,
            "date": _plain(interaction.date),
            "kind": interaction.kind,
            "organisation": interaction.actor.name,
            "subject": interaction.subject,
            "notes": interaction.notes,
            "follow_up": interaction.follow_up,
            "follow_up_due": _plain(interaction.follow_up_due),
            "follow_up_done": interaction.follow_up_done,
            "dossier": interaction.dossier.title if interaction.dossier else None,
            "visd_staff": [user.get_full_name() or user.get_username() for user in interaction.staff.all()],
        }

    took_part = contact.interactions.select_related("actor", "dossier").prefetch_related("staff")
    mentioned = interactions_mentioning(contact).exclude(pk__in=took_part.values("pk")).select_related(
        "dossier").prefetch_related("staff")
    history_fields = [f.name for f in Contact._meta.concrete_fields if f.name not in bookkeeping]
    history = [
        {
            "recorded_at": _plain(row.history_date),
            "change": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
            "by": row.history_user.get_username() if row.history_user else None,
            "organisation_id": row.actor_id,
            **{name: _plain(getattr(row, name)) for name in history_fields},
        }
        for row in contact.history.select_related("history_user").order_by("history_date", "history_id")
    ]
    participation_history = [
        {"interaction_id": row.interaction_id, "recorded_at": _plain(row.history.history_date)}
        for row in _historical_participation_model().objects.filter(contact_id=contact.pk)
        .select_related("history").order_by("history__history_date")
    ]
    from visd.events.actions import registrations_data

    return {
        "exported_at": timezone.now().isoformat(),
        "contact": record,
        "interactions_taken_part_in": [interaction_data(i) for i in took_part],
        "interactions_mentioning_this_person": [interaction_data(i) for i in mentioned],
        "history_of_contact_record": history,
        "history_of_interaction_participation": participation_history,
        # Registrations linked to the contact, each with its event and history. Survey answers are
        # anonymous (no respondent is recorded), so there are none to export.
        "event_registrations": registrations_data(contact.event_registrations.all()),
    }


def export_personal_data(contact: Contact, *, acting_user) -> dict[str, Any]:
    """Personal data of one contact, with an audit entry that it was exported and by whom."""
    data = personal_data_of(contact)
    GdprAuditEntry.objects.create(
        action=GdprAuditEntry.Action.EXPORT, contact_id=contact.pk, actor=contact.actor,
        performed_by=acting_user,
        counts={
            "interactions": len(data["interactions_taken_part_in"]),
            "mentions": len(data["interactions_mentioning_this_person"]),
            "history_rows": len(data["history_of_contact_record"]),
            "event_registrations": len(data["event_registrations"]),
        },
    )
    return data


def erase_personal_data(contact: Contact, *, acting_user,
                        action: str = GdprAuditEntry.Action.ERASURE) -> GdprAuditEntry:
    """Erase one person (GDPR art. 17): the contact, its history rows, its place in the history of
    interactions, and admin log lines that name it. The interactions themselves stay (they belong to
    the organisation); the audit entry records who erased which contact id, and nothing personal.
    The contact's event registrations stay too, anonymised (``visd.events.actions.
    anonymise_registrations``), so event counts and KPIs do not change. ``action`` says why in the
    audit entry: a request (*erasure*) or the end of the retention period (*retention*)."""
    from visd.events.actions import ERASURE_REASON, RETENTION_REASON, anonymise_registrations

    reason = RETENTION_REASON if action == GdprAuditEntry.Action.RETENTION else ERASURE_REASON
    contact_id, actor = contact.pk, contact.actor
    with transaction.atomic():
        counts = {"interactions_unlinked": contact.interactions.count()}
        # First, while the registrations still point at the contact: name, free text, link and the
        # history rows holding them go; the registrations themselves stay.
        counts.update(anonymise_registrations(contact.event_registrations.all(), acting_user=acting_user,
                                              reason=reason))
        # the claim through which the person joined (visd.onboarding) holds their name and address too
        from visd.onboarding.actions import anonymise_claims
        from visd.onboarding.models import Claim

        counts["claims_anonymised"] = anonymise_claims(Claim.objects.filter(contact=contact), reason=reason)
        # Deleting the contact also deletes its rows in the interaction-contact link table, without
        # m2m signals, so no new interaction history row is written with the person in it.
        contact.delete()
        counts["history_rows_purged"] = Contact.history.filter(id=contact_id).delete()[0]
        counts["participation_history_rows_purged"] = (
            _historical_participation_model().objects.filter(contact_id=contact_id).delete()[0]
        )
        counts["admin_log_rows_purged"] = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact_id)
        ).delete()[0]
        return GdprAuditEntry.objects.create(
            action=action, contact_id=contact_id, actor=actor, performed_by=acting_user, counts=counts,
        )


# --- retention (GDPR art. 5(1)(e)) -------------------------------------------------------------

def contacts_past_retention(days: int, today=None):
    """The contacts with whom nothing has happened for more than ``days`` days before ``today``
    (default: today): their record was last changed, their consent dated, their last interaction
    held and the last event they registered for ended before that cutoff, and no follow-up with them
    is still open. Any of these renews the period: a contact the office still works with is kept."""
    from visd.events.models import Registration, ended_before

    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=days)
    recent_interaction = Interaction.objects.filter(contacts=models.OuterRef("pk")).filter(
        Q(date__gte=cutoff) | (Q(follow_up_done=False) & ~Q(follow_up="")))
    recent_event = Registration.objects.filter(contact=models.OuterRef("pk")).exclude(
        ended_before(cutoff, "event__"))
    return (Contact.objects.filter(updated_at__date__lt=cutoff)
            .exclude(consent_date__gte=cutoff)
            .exclude(models.Exists(recent_interaction))
            .exclude(models.Exists(recent_event))
            .select_related("actor").order_by("actor__name", "last_name", "first_name", "pk"))


def apply_contact_retention(days: int, *, today=None, acting_user=None) -> list[GdprAuditEntry]:
    """Erase every contact of :func:`contacts_past_retention`, as a request to erase does
    (:func:`erase_personal_data`), each in its own transaction and with its own audit entry (action
    *retention*). A contact touched meanwhile is checked again, under a row lock, and kept. Returns
    the audit entries; running it again writes nothing."""
    if int(days) < 1:
        raise ValueError(f"the retention period must be at least one day, not {days}")
    entries = []
    for contact_id in list(contacts_past_retention(int(days), today).values_list("pk", flat=True)):
        with transaction.atomic():
            locked = Contact.objects.select_for_update().filter(pk=contact_id).first()
            if locked is not None and contacts_past_retention(int(days), today).filter(pk=contact_id).exists():
                entries.append(erase_personal_data(locked, acting_user=acting_user,
                                                   action=GdprAuditEntry.Action.RETENTION))
    return entries
