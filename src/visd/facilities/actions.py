"""Every change a facility provider makes goes through these functions, and through a person.

A representative of an organisation (an actor user, who came in through ``visd.onboarding``) proposes:
to claim an unvalidated imported facility that their organisation operates (or whose operator no
import could identify), to add a new one, or to change one of its own. The proposal
(``FacilityChange``) is decided by management or by a programme manager for whom the organisation is in
scope (``permissions.can_decide_facility_change``, the rule of onboarding claims). Approval writes the
proposed values to the facility, with the organisation as operator (match ``provider``) and the facility
``validated``; rejection needs a reason and changes nothing else. Each function checks before it writes
and writes in one transaction under the row lock; each write leaves a history row with its author and
a change reason. Once the write commits, the reviewers are told of a new proposal and its provider of
the decision, with the reason (``visd.core.notices``).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from visd.core import notices, permissions
from visd.core.submission import create_once
from visd.stakeholders.models import Contact, LegalBasis
from visd.taxonomy.models import Concept, Scheme

from .forms import PROVIDER_TEXT_FIELDS
from .models import (ChangeKind, ChangeStatus, FacilityChange, Infrastructure, OperatorMatch, Origin,
                     ValidationStatus)


def consent_statement(when) -> str:
    """What is kept as the contact person's consent to be shown, in the active language. It names no
    one: the person is the linked contact, so erasing the contact (GDPR) leaves no name behind."""
    return _("The contact person agreed to be shown as the facility's contact (name, job title, e-mail "
             "address); stated by the provider on %(date)s.") % {"date": when.date().isoformat()}


def kind_of(facility: Infrastructure | None, actor) -> str:
    if facility is None:
        return ChangeKind.NEW
    if facility.operator_id == actor.pk and facility.is_validated:
        return ChangeKind.UPDATE
    return ChangeKind.CLAIM


def _name_taken(actor, name: str, facility: Infrastructure | None) -> bool:
    others = Infrastructure.objects.filter(operator=actor, name__iexact=name)
    if facility is not None:
        others = others.exclude(pk=facility.pk)
    return others.exists()


def propose_change(facility: Infrastructure | None, values: dict, *, actor, user,
                   facility_version: int | None = None, submission_key: uuid.UUID | None = None,
                   build_url: notices.UrlBuilder | None = None) -> FacilityChange:
    """Record ``values`` (``FacilityProposalForm.values()``) as a pending proposal of ``actor``'s
    representative ``user`` for ``facility`` (None: a new facility). ``facility_version`` is the
    version of the facility the provider's form showed (default: the stored one); approval checks it.
    The proposal stores the ``submission_key`` it is made under (see ``propose_once``)."""
    if not permissions.can_propose_facility_change(user, facility) or permissions.own_actor_id(user) != actor.pk:
        raise PermissionDenied
    unknown = set(values) - {*PROVIDER_TEXT_FIELDS, "domains", "contact_person"}
    if unknown:
        raise ValueError(f"FacilityChange has no field(s) {sorted(unknown)}")
    with transaction.atomic():
        if facility is not None:
            facility = Infrastructure.objects.select_for_update().get(pk=facility.pk)
            if not permissions.can_propose_facility_change(user, facility):
                raise ValidationError(_("Another organisation's claim on this facility was approved meanwhile."))
            if facility.changes.filter(status=ChangeStatus.PENDING).exists():
                raise ValidationError(_("A change to this facility is already waiting for validation; wait for "
                                        "the decision before proposing another."))
        if _name_taken(actor, values.get("name", ""), facility):
            raise ValidationError({"name": [_("Your organisation already has a facility with this name.")]})
        change = FacilityChange(kind=kind_of(facility, actor), facility=facility, actor=actor, values=values,
                                submitted_by=user, submission_key=submission_key)
        if facility is not None:
            change.facility_version = facility_version or facility.version
        change._history_user = user
        change._change_reason = "Proposed by the provider"
        try:
            with transaction.atomic():
                change.save()
        except IntegrityError:  # a concurrent proposal took the one pending slot
            raise ValidationError(_("A change to this facility is already waiting for validation.")) from None
        _notify_reviewers(change, build_url)
    return change


def propose_once(facility: Infrastructure | None, values: dict, *, actor, user, facility_version: int | None = None,
                 submission_key: uuid.UUID | None,
                 build_url: notices.UrlBuilder | None = None) -> tuple[FacilityChange, bool]:
    """``propose_change`` from the provider's form; returns ``(change, created)``. The same
    ``submission_key`` sent again (a double click, back and resend) proposes nothing and returns the
    proposal it made the first time (``visd.core.submission``): without it, a second copy of a new
    facility's form would be a second proposal of the same facility."""
    return create_once(FacilityChange, submission_key, lambda: propose_change(
        facility, values, actor=actor, user=user, facility_version=facility_version, submission_key=submission_key,
        build_url=build_url))


def differences(change: FacilityChange) -> list[tuple[str, str, str]]:
    """(field label, current value, proposed value) of every field the proposal changes, for the queue."""
    facility = change.facility
    rows = []
    for name in [*PROVIDER_TEXT_FIELDS, "domains", "contact_person"]:
        proposed = change.values.get(name)
        if name == "domains":
            current = sorted(d.code for d in facility.domains.all()) if facility else []
            proposed = sorted(proposed or [])
            label = _("Focus domains")
        elif name == "contact_person":
            current = facility.contact_person_id if facility else None
            label = _("Contact person")
        else:
            current = getattr(facility, name) if facility else Infrastructure._meta.get_field(name).get_default()
            label = str(Infrastructure._meta.get_field(name).verbose_name)
        if current != proposed and not (current in (None, "", []) and proposed in (None, "", [])):
            rows.append((label, _display(name, current), _display(name, proposed)))
    return rows


def _display(name: str, value) -> str:
    if value in (None, "", []):
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "contact_person":
        contact = Contact.objects.filter(pk=value).first()
        return f"{contact.first_name} {contact.last_name}" if contact else _("(erased)")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _locked_pending(change_pk: int, user) -> FacilityChange:
    change = FacilityChange.objects.select_for_update().select_related("actor").get(pk=change_pk)
    if not permissions.can_decide_facility_change(user, change):
        raise PermissionDenied
    if change.status != ChangeStatus.PENDING:
        raise ValidationError(_("This change was already decided: %(status)s.") % {"status": change.get_status_display()})
    return change


def changed_since_proposal(change: FacilityChange) -> bool:
    """Whether the facility was saved (by the programme office, an import, an earlier approval)
    after the provider made this proposal: the proposal's values may then undo those changes."""
    facility = change.facility
    return (facility is not None and change.facility_version is not None
            and facility.version != change.facility_version)


def approve_change(change_pk: int, *, acting_user, reason: str = "", expected_version: int | None = None,
                   build_url: notices.UrlBuilder | None = None) -> Infrastructure:
    """Write the proposal to its facility (a new one for ``new``) and mark the facility validated.

    Optimistic locking (``visd.core.locking``): the facility must still be at ``expected_version``,
    the version the decider's page showed with the differences; without it, at the version the
    proposal was made against. Else ``EditConflict`` and nothing changes: a facility saved after the
    proposal is never overwritten without a decider having seen it as stored now."""
    with transaction.atomic():
        change = _locked_pending(change_pk, acting_user)
        values = dict(change.values)
        facility = change.facility
        if facility is not None:
            facility = Infrastructure.objects.select_for_update().get(pk=facility.pk)
            facility.expect_version(expected_version if expected_version is not None else change.facility_version)
            if facility.operator_id not in (None, change.actor_id) and facility.is_validated:
                raise ValidationError(_("This facility is validated for another organisation; reject the claim."))
        else:
            facility = Infrastructure(origin=Origin.PROVIDER, data_source=_("Registered by its provider"))
        if _name_taken(change.actor, values.get("name", ""), change.facility):
            raise ValidationError(_("The organisation already has a facility with this name."))
        domain_codes = values.pop("domains", []) or []
        domains = list(Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN, code__in=domain_codes))
        if len(domains) != len(set(domain_codes)):
            raise ValidationError(_("A focus domain of this proposal no longer exists; reject it with that reason."))
        person_id = values.pop("contact_person", None)
        person = Contact.objects.filter(pk=person_id, actor=change.actor, legal_basis=LegalBasis.CONSENT).first() \
            if person_id else None
        if person_id and person is None:
            raise ValidationError(_("The proposed contact person is no longer a consenting contact of the "
                                    "organisation; reject the change with that reason."))
        for name, value in values.items():
            setattr(facility, name, value)
        if person is None:
            facility.contact_person, facility.contact_person_consent = None, ""
        elif facility.contact_person_id != person.pk or not facility.contact_person_consent:
            facility.contact_person = person
            facility.contact_person_consent = consent_statement(change.created_at)
        facility.operator = change.actor
        facility.operator_match = OperatorMatch.PROVIDER
        facility.validation = ValidationStatus.VALIDATED
        facility.full_clean(exclude=["operator", "domains", "contact_person"], validate_unique=False)
        facility._history_user = acting_user
        facility._change_reason = f"Facility change {change.pk} approved"
        facility.save()
        facility.domains.set(domains)
        change.facility = facility
        change.status = ChangeStatus.APPROVED
        change.decided_by, change.decided_at, change.reason = acting_user, timezone.now(), reason.strip()
        change._history_user = acting_user
        change._change_reason = "Approved"
        change.save()
        _notify_provider(change, build_url)
    return facility


def reject_change(change_pk: int, *, acting_user, reason: str,
                  build_url: notices.UrlBuilder | None = None) -> FacilityChange:
    """Refuse a proposal with a reason the provider sees; nothing else changes."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the rejection; the provider sees it.")]})
    with transaction.atomic():
        change = _locked_pending(change_pk, acting_user)
        change.status = ChangeStatus.REJECTED
        change.decided_by, change.decided_at, change.reason = acting_user, timezone.now(), reason.strip()
        change._history_user = acting_user
        change._change_reason = "Rejected"
        change.save()
        _notify_provider(change, build_url)
    return change


# --- notices (docs/onboarding.md "Facility providers", docs/privacy.md) ----------------------------

def reviewers_of(change: FacilityChange) -> list:
    """Who is told of a new proposal: the active VISD staff who may decide it
    (``permissions.can_decide_facility_change``: management, and the programme managers for whom the
    organisation is in scope), each with an e-mail address."""
    staff = permissions.visd_staff_users().exclude(email="").select_related("profile").order_by("pk")
    return [user for user in staff if permissions.can_decide_facility_change(user, change)]


def _notify_reviewers(change: FacilityChange, build_url) -> None:
    """One message to each reviewer, in the site's language (staff languages are not recorded). It names
    the organisation and the facility, not the person who proposed it."""
    context = {"change": change, "name": change.values.get("name", ""), "organisation": str(change.actor),
               "link": notices.link(reverse("facilities:change", args=[change.pk]), build_url)}
    for address in notices.addresses(reviewers_of(change)):
        notices.send_on_commit(settings.LANGUAGE_CODE, [address], "facilities/mail/new_change", context)


def _notify_provider(change: FacilityChange, build_url) -> None:
    """The decision and its reason to the representative who proposed it, in the language of their
    claim; nothing when that account is gone or inactive."""
    from visd.onboarding.actions import language_of

    user = change.submitted_by
    if user is None or not user.is_active:
        return
    context = {"change": change, "name": change.values.get("name", ""),
               "approved": change.status == ChangeStatus.APPROVED, "link": notices.link(reverse("facilities:provider"), build_url)}
    notices.send_on_commit(language_of(user), notices.addresses([user]), "facilities/mail/decided", context)
