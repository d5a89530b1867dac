"""Every change to events, registrations and survey results goes through these functions; views
check permissions (``visd.core.permissions``), parse and call them.

Registrations are personal data. A registration may be linked to the participant's contact record
(``link_contact``; never silently: ``suggested_contact`` only proposes one), so the contact's GDPR
export and erasure (``visd.stakeholders.actions``) cover it. The GDPR part at the end of this module
exports registrations and anonymises them, for a contact's erasure or for one registration of a
person who is not a contact (``erase_registration``)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from visd.core.locking import EditConflict  # noqa: F401 (raised by update_event; views catch it here)
from visd.core.submission import create_once

from .models import ERASED_NAME, Event, Registration, SurveyResponse, ended_before

EVENT_FIELDS = frozenset({"title", "kind", "date", "end_date", "domain", "location", "description", "capacity"})
MAX_RESPONSES_AT_ONCE = 1000


def _check_fields(values):
    unknown = set(values) - EVENT_FIELDS
    if unknown:
        raise ValueError(f"Event has no editable field(s) {sorted(unknown)}")


def create_event(values: Mapping[str, Any], *, acting_user) -> Event:
    _check_fields(values)
    event = Event(**values)
    event.full_clean()
    event._history_user = acting_user
    event.save()
    return event


def update_event(event: Event, values: Mapping[str, Any], *, acting_user, expected_version: int | None) -> Event:
    _check_fields(values)
    for name, value in values.items():
        setattr(event, name, value)
    event.full_clean()
    if event.capacity is not None and event.registrations.count() > event.capacity:
        raise ValidationError({"capacity": [_("More people are registered than this capacity.")]})
    # the save claims the next version: EditConflict if someone else saved since (visd.core.locking)
    event._history_user = acting_user
    event.expect_version(expected_version).save()
    return event


def _contact_errors(contact, organisation) -> dict[str, list[str]]:
    """A registration is linked only to a contact of its own organisation."""
    if contact is None or organisation is None or contact.actor_id == organisation.pk:
        return {}
    return {"contact": [_("%(contact)s is a contact of %(contact_organisation)s, not of %(organisation)s: "
                          "link the registration to a contact of its own organisation.") % {
        "contact": contact, "contact_organisation": contact.actor, "organisation": organisation}]}


def register(event: Event, name: str, *, organisation=None, organisation_name: str = "", contact=None,
             acting_user) -> Registration:
    """Register ``name`` for ``event`` (a request without a one-time key: a command, a join)."""
    return register_once(event, name, organisation=organisation, organisation_name=organisation_name,
                         contact=contact, acting_user=acting_user, submission_key=None)[0]


def register_once(event: Event, name: str, *, organisation=None, organisation_name: str = "", contact=None,
                  acting_user, submission_key: uuid.UUID | None) -> tuple[Registration, bool]:
    """Register ``name`` for ``event``; returns ``(registration, created)``. ``contact`` links the
    registration to the participant's contact record; it must be a contact of ``organisation``,
    which it gives when none is given. ``submission_key`` is the one-time key of the form or request
    (``visd.core.submission``): sent again, it registers nothing and returns the first registration,
    also when the event has filled up since."""
    name = name.strip()

    def create() -> Registration:
        nonlocal organisation
        if not name:
            raise ValidationError({"name": [_("Give the participant's name.")]})
        errors = _contact_errors(contact, organisation)
        if errors:
            raise ValidationError(errors)
        if contact is not None and organisation is None:
            organisation = contact.actor
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            if locked.capacity is not None and locked.registrations.count() >= locked.capacity:
                raise ValidationError({"name": [_("The event is full (%(capacity)s places).") % {
                    "capacity": locked.capacity}]})
            registration = Registration(
                event=event, name=name, organisation=organisation, contact=contact, submission_key=submission_key,
                organisation_name=organisation_name.strip() or (organisation.name if organisation else ""))
            registration.full_clean()
            registration._history_user = acting_user
            registration.save()
        return registration

    return create_once(Registration, submission_key, create)


def _require_held(event: Event, what: str) -> None:
    if event.date > timezone.localdate():
        raise ValidationError({what: [_("The event has not taken place yet.")]})


def set_attendance(event: Event, attended_ids: Iterable[int], *, acting_user) -> int:
    """Mark who attended (the given registration ids) and who did not (the others); returns the
    number attended. Ids of other events' registrations are refused."""
    _require_held(event, "attended")
    attended_ids = set(attended_ids)
    with transaction.atomic():
        # under the event's row lock, so that two saves at the same moment apply one after the other,
        # each whole, instead of a mix of both
        Event.objects.select_for_update().filter(pk=event.pk).first()
        registrations = list(event.registrations.all())
        foreign = attended_ids - {r.pk for r in registrations}
        if foreign:
            raise ValidationError({"attended": [_("Some registrations are not (or no longer) part of this event.")]})
        for registration in registrations:
            attended = registration.pk in attended_ids
            if registration.attended != attended:
                registration.attended = attended
                registration._history_user = acting_user
                registration.save()
    return len(attended_ids)


def record_survey_responses(event: Event, score: int, number: int = 1, comment: str = "", *, acting_user,
                            submission_key: uuid.UUID | None = None) -> tuple[list[SurveyResponse], bool]:
    """Record ``number`` answers with ``score`` (e.g. tallied from paper forms); returns
    ``(responses, created)``. ``submission_key`` is the one-time key of the form or request
    (``visd.core.submission``), stored with the first answer: sent again, it records nothing and
    returns ``([the first answer it recorded], False)``."""
    responses: list[SurveyResponse] = []

    def create() -> SurveyResponse:
        _require_held(event, "score")
        if score not in range(1, 6):
            raise ValidationError({"score": [_("A score is between 1 and 5.")]})
        if not 1 <= number <= MAX_RESPONSES_AT_ONCE:
            raise ValidationError({"number": [_("Give a number of answers between 1 and %(max)s.") % {
                "max": MAX_RESPONSES_AT_ONCE}]})
        for index in range(number):
            response = SurveyResponse(event=event, score=score, comment=comment.strip() if index == 0 else "",
                                      submission_key=submission_key if index == 0 else None)
            response._history_user = acting_user
            response.save()
            responses.append(response)
        return responses[0]

    first, created = create_once(SurveyResponse, submission_key, create)
    return (responses, True) if created else ([first], False)


# --- contacts: linking a registration to the stakeholder register ----------------------------------

def contacts_named(name: str, organisation_id: int):
    """Contacts of the organisation whose full name ("first last") is ``name``, case aside."""
    from visd.stakeholders.models import Contact

    return (Contact.objects.filter(actor_id=organisation_id)
            .annotate(full_name=Concat("first_name", Value(" "), "last_name"))
            .filter(full_name__iexact=" ".join(name.split())))


def suggested_contact(registration: Registration):
    """The contact a registration is probably about: the one contact of its organisation with exactly
    the registered name. Only suggested (the screens offer to link it), never linked by itself: two
    people may share a name. None when the registration is linked or erased, has no organisation in
    the registry, or no or several contacts match."""
    if registration.contact_id is not None or registration.organisation_id is None or registration.erased:
        return None
    matches = list(contacts_named(registration.name, registration.organisation_id)[:2])
    return matches[0] if len(matches) == 1 else None


def link_contact(registration: Registration, contact, *, acting_user) -> Registration:
    """Link a registration to the participant's contact record, or unlink it (``contact=None``).
    The contact must be one of the registration's organisation; a registration without an
    organisation in the registry takes the contact's. An erased registration is linked to nobody."""
    if registration.erased:
        raise ValidationError({"contact": [_("This registration has been erased; it cannot be linked to a contact.")]})
    errors = _contact_errors(contact, registration.organisation)
    if errors:
        raise ValidationError(errors)
    if registration.contact_id == (contact.pk if contact is not None else None):
        return registration
    registration.contact = contact
    if contact is not None and registration.organisation_id is None:
        registration.organisation = contact.actor
        registration.organisation_name = registration.organisation_name or contact.actor.name
    registration._history_user = acting_user
    registration.save()
    return registration


# --- GDPR: export and erasure of registrations -------------------------------------------------------

#: Stored as the change reason of the history row an erasure writes (data, not a translated text).
ERASURE_REASON = "GDPR erasure (art. 17)"


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def registrations_data(registrations) -> list[dict[str, Any]]:
    """Registrations as plain JSON-ready data for a GDPR export (art. 15 and 20): the event, what
    was registered, and every earlier version of the registration."""
    data = []
    for registration in registrations.select_related("event", "organisation").order_by("event__date", "pk"):
        event = registration.event
        history = registration.history.select_related("history_user").order_by("history_date", "history_id")
        data.append({
            "id": registration.pk,
            "event": {"id": event.pk, "title": event.title, "kind": event.kind, "date": _plain(event.date),
                      "end_date": _plain(event.end_date), "location": event.location},
            "name": registration.name,
            "organisation": ({"id": registration.organisation_id, "name": registration.organisation.name}
                             if registration.organisation else None),
            "organisation_name": registration.organisation_name,
            "attended": registration.attended,
            "created_at": _plain(registration.created_at),
            "updated_at": _plain(registration.updated_at),
            "history": [
                {
                    "recorded_at": _plain(row.history_date),
                    "change": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
                    "by": row.history_user.get_username() if row.history_user else None,
                    "name": row.name, "organisation_id": row.organisation_id,
                    "organisation_name": row.organisation_name, "contact_id": row.contact_id,
                    "attended": row.attended,
                }
                for row in history
            ],
        })
    return data


def registrations_possibly_of(contact):
    """Registrations not linked to any contact that carry exactly the contact's name: perhaps the same
    person, perhaps a namesake. The contact's erasure page lists them for a human to link (then the
    erasure covers them) or to erase on their own; nothing is linked or erased by name alone."""
    full_name = f"{contact.first_name} {contact.last_name}"
    return (Registration.objects.filter(contact__isnull=True, name__iexact=" ".join(full_name.split()))
            .select_related("event", "organisation").order_by("-event__date", "pk"))


def _history_rows_with_personal_data(registration_ids):
    """History rows of the registrations that hold anything personal: every row except those an
    erasure wrote (placeholder name, no organisation as given, no contact)."""
    return Registration.history.filter(id__in=registration_ids).exclude(
        Q(name=ERASED_NAME) & Q(organisation_name="") & Q(contact__isnull=True))


def anonymise_registrations(registrations, *, acting_user, reason: str = ERASURE_REASON) -> dict[str, int]:
    """Erase the person from event registrations (GDPR art. 17), for a contact's erasure and for one
    registration on its own. Each registration stays, with its event, organisation in the registry
    and attendance, so the events' registration and attendance counts, the KPIs and the yearly report
    do not change; the name becomes ``ERASED_NAME``, the organisation as given (free text) is cleared
    and the contact link removed. As the contact erasure purges the contact's history rows and admin
    log lines, every history row that holds the person is purged and the admin log lines about the
    registrations are deleted; the anonymisation itself is one new history row by ``acting_user``,
    with nothing personal in it. Running it again on erased registrations changes nothing."""
    registrations = list(registrations)
    ids = [registration.pk for registration in registrations]
    counts = {"registrations_anonymised": 0}
    with transaction.atomic():
        counts["registration_history_rows_purged"] = _history_rows_with_personal_data(ids).delete()[0]
        for registration in registrations:
            if registration.erased and not registration.organisation_name and registration.contact_id is None:
                continue
            registration.name = ERASED_NAME
            registration.organisation_name = ""
            registration.contact = None
            registration._history_user = acting_user
            registration._change_reason = reason
            registration.save()
            counts["registrations_anonymised"] += 1
        counts["registration_admin_log_rows_purged"] = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Registration), object_id__in=[str(pk) for pk in ids]
        ).delete()[0]
    return counts


def erase_registration(registration: Registration, *, acting_user):
    """Erase one registration of a person who is not a contact (GDPR art. 17), as
    ``anonymise_registrations`` does, with an entry in the GDPR audit log (who, when, which
    registration id; nothing personal). A registration linked to a contact is erased with the
    contact's data, from the contact's page. Returns the audit entry, or None when the registration
    had already been erased: then nothing is written."""
    from visd.stakeholders.models import GdprAuditEntry

    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.contact_id is not None:
            raise ValidationError(_(
                "This registration is linked to the contact %(contact)s: erase that person's data from the "
                "contact's page, which anonymises their registrations too, or unlink the contact first."
            ) % {"contact": locked.contact})
        counts = anonymise_registrations([locked], acting_user=acting_user)
        entry = None
        if any(counts.values()):
            entry = GdprAuditEntry.objects.create(
                action=GdprAuditEntry.Action.ERASURE, contact_id=None, registration_id=locked.pk,
                actor=locked.organisation, performed_by=acting_user, counts=counts,
            )
    registration.refresh_from_db()
    return entry


RETENTION_REASON = "GDPR storage limitation (art. 5(1)(e)): retention period ended"


def registrations_past_retention(days: int, today=None):
    """The registrations still holding a person, not linked to a contact, of the events whose last
    day lies more than ``days`` days before ``today`` (default: today). A registration linked to a
    contact is part of that person's record in the stakeholder register, kept on the register's legal
    basis and erased with the contact."""
    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=days)
    return (Registration.objects.filter(ended_before(cutoff, "event__"), contact__isnull=True)
            .exclude(name=ERASED_NAME, organisation_name="")
            .select_related("event", "organisation").order_by("event__date", "pk"))


def apply_registration_retention(days: int, *, today=None, acting_user=None) -> list:
    """Anonymise every registration of :func:`registrations_past_retention` (GDPR art. 5(1)(e)), as
    an erasure does: the row stays, so counts, KPIs and reports do not change; the history rows
    holding the person are purged. One GDPR audit entry per registration (action *retention*), each
    with its own transaction. Returns the audit entries; running it again writes nothing."""
    from visd.stakeholders.models import GdprAuditEntry

    if int(days) < 1:
        raise ValueError(f"the retention period must be at least one day, not {days}")
    entries = []
    for registration in registrations_past_retention(int(days), today):
        with transaction.atomic():
            locked = Registration.objects.select_for_update().get(pk=registration.pk)
            if locked.contact_id is not None:  # linked meanwhile: it belongs to the contact now
                continue
            counts = anonymise_registrations([locked], acting_user=acting_user, reason=RETENTION_REASON)
            if any(counts.values()):
                entries.append(GdprAuditEntry.objects.create(
                    action=GdprAuditEntry.Action.RETENTION, contact_id=None, registration_id=locked.pk,
                    actor=locked.organisation, performed_by=acting_user, counts=counts))
    return entries
