"""Every change to a claim goes through these functions; views and commands check input and call them.

Each function validates before it writes and writes in one transaction, so bad input raises
``ValidationError`` (messages keyed by field) and leaves nothing half-written. E-mails are sent after
the transaction, through Django's e-mail backend (``settings.EMAIL_BACKEND``). Every write records its
author (``_history_user``) and a change reason in the claim's history: the audit trail.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from visd.actors import identifiers
from visd.actors.models import Actor, ActorTag
from visd.core import notices, permissions
from visd.core.models import Role
from visd.core.submission import create_once
from visd.stakeholders import actions as stakeholder_actions
from visd.stakeholders.models import LegalBasis
from visd.taxonomy.models import Scheme

from .models import Claim, ClaimStatus


CONFIRM_SALT = "visd.onboarding.confirm"
APPLICANT_FIELDS = frozenset({"first_name", "last_name", "job_title", "email"})
NEW_ORGANISATION_FIELDS = frozenset({"org_name", "org_kbo", "org_postcode", "org_city", "org_kind"})
SEARCH_LIMIT = 20

UrlBuilder = Callable[[str], str]


def confirm_days() -> int:
    return int(getattr(settings, "VISD_ONBOARDING_CONFIRM_DAYS", 7))


def consent_statement() -> str:
    """The statement the applicant agrees to, in the active language; stored verbatim on the claim
    and, on approval, as the note of the contact's legal basis (consent, GDPR art. 6(1)(a))."""
    return _(
        "I agree that the VISD programme office (Flemish Innovation and Industry Strategy for Security & "
        "Defence) processes my name, job title and e-mail address to handle this application and, if it is "
        "approved, keeps me as the contact person of my organisation in its stakeholder register, to inform "
        "me about the VISD programme. I can withdraw this consent at any time, and ask to see, correct or "
        "erase my data, by writing to the programme office."
    )


# --- finding an existing record ---------------------------------------------------------------

def find_actors(query: str) -> tuple[list[Actor], str]:
    """The registry records a search for ``query`` finds, and a message when there is something to
    say: an enterprise number with wrong check digits, an unknown PIC or number, no name found.

    An enterprise or VAT number ('0417.497.106', 'BE 0417497106') finds by KBO and VAT; nine digits
    find by PIC (or, failing that, by the enterprise number without its leading 0); anything else
    finds by name or short name."""
    query = (query or "").strip()
    if len(query) < 2:
        return [], ""
    compact = re.sub(r"[\s.\-/]", "", query).upper()
    if compact.startswith("BE") and compact[2:].isdigit():
        compact = compact[2:]
    if compact.isdigit() and len(compact) == 9 and compact == query:
        found = list(Actor.objects.filter(pic=compact)[:SEARCH_LIMIT])
        if not found and identifiers.kbo_is_valid(compact):
            found = _by_kbo(identifiers.normalise_kbo(compact))
        if found:
            return found, ""
        return [], _("No organisation with PIC %(pic)s is in the registry. Check the number, search by "
                     "name, or register your organisation as a new one.") % {"pic": compact}
    if compact.isdigit() and len(compact) in (9, 10):
        kbo = identifiers.normalise_kbo(compact)
        if not identifiers.kbo_is_valid(kbo):
            return [], _("%(value)s is not a valid enterprise number: its check digits do not match. "
                         "Check the number.") % {"value": query}
        found = _by_kbo(kbo)
        if found:
            return found, ""
        return [], _("No organisation with enterprise number %(kbo)s is in the registry yet: register it "
                     "as a new organisation.") % {"kbo": identifiers.format_kbo(kbo)}
    found = list(Actor.objects.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
                 .order_by("name", "pk")[:SEARCH_LIMIT])
    if not found:
        return [], _("No organisation named like '%(query)s' is in the registry.") % {"query": query}
    return found, ""


def _by_kbo(kbo: str) -> list[Actor]:
    return list(Actor.objects.filter(Q(kbo=kbo) | Q(vat="BE" + kbo))[:SEARCH_LIMIT])


# --- applying ----------------------------------------------------------------------------------

def _assign(claim: Claim, values: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"Claim has no field(s) {sorted(unknown)} here")
    for name, value in values.items():
        setattr(claim, name, value.strip() if isinstance(value, str) else value)


def _new_organisation_errors(claim: Claim) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not claim.org_name:
        errors["org_name"] = [_("Give the name of the organisation.")]
    kbo = identifiers.normalise_kbo(claim.org_kbo)
    if not identifiers.kbo_is_valid(kbo):
        errors["org_kbo"] = [_("%(value)s is not a valid enterprise number: 10 digits, the last two being 97 "
                               "minus the first eight modulo 97.") % {"value": claim.org_kbo}]
    else:
        claim.org_kbo = kbo
        existing = Actor.objects.filter(Q(kbo=kbo) | Q(vat="BE" + kbo)).first()
        if existing is not None:
            errors["org_kbo"] = [_("%(name)s, enterprise number %(kbo)s, is already in the registry: claim "
                                   "that record instead of registering a new one.")
                                 % {"name": existing.name, "kbo": identifiers.format_kbo(kbo)}]
    if identifiers.belgian_postcode(claim.org_postcode) is None or not identifiers.region_for(
            "BE", claim.org_postcode):
        errors["org_postcode"] = [_("Give the Belgian postcode of the registered office (4 digits).")]
    else:
        claim.org_postcode = str(identifiers.belgian_postcode(claim.org_postcode))
    if not claim.org_kind:
        errors["org_kind"] = [_("Choose the kind of organisation.")]
    return errors


def _duplicate_errors(claim: Claim) -> dict[str, list[str]]:
    """A second claim by the same address for the same organisation while one is open (or granted)."""
    same = Claim.objects.filter(email__iexact=claim.email)
    if claim.actor_id is not None:
        same = same.filter(actor_id=claim.actor_id)
    else:
        same = same.filter(new_organisation=True, org_kbo=claim.org_kbo, actor__isnull=True)
    cutoff = timezone.now() - datetime.timedelta(days=confirm_days())
    open_claims = same.filter(Q(status=ClaimStatus.PENDING)
                              | Q(status=ClaimStatus.UNCONFIRMED, created_at__gte=cutoff))
    if open_claims.exists():
        return {"email": [_("You have already applied for this organisation with this e-mail address. Use the "
                            "link in the e-mail we sent you, or wait for the decision of the programme office.")]}
    if same.filter(status=ClaimStatus.APPROVED).exists():
        return {"email": [_("This e-mail address already represents this organisation.")]}
    return {}


def submit_claim(values: Mapping[str, Any], *, actor: Actor | None = None, language: str,
                 submission_key: uuid.UUID | None, build_url: UrlBuilder) -> tuple[Claim, bool]:
    """Record an application (claim of ``actor``, or of the new organisation in ``values``) and mail the
    applicant the confirmation link. Returns ``(claim, created)``; the same form sent twice (same
    ``submission_key``, ``visd.core.submission``) returns the first claim and sends nothing."""
    def create() -> Claim:
        claim = Claim(actor=actor, new_organisation=actor is None, submission_key=submission_key,
                      language=language, consent_text=consent_statement(), consent_at=timezone.now())
        _assign(claim, values, APPLICANT_FIELDS | (NEW_ORGANISATION_FIELDS if actor is None else frozenset()))
        claim.email = claim.email.lower()
        errors = _new_organisation_errors(claim) if actor is None else {}
        try:
            claim.full_clean(exclude=["actor", "user", "contact", "decided_by"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        if not errors:
            errors = _duplicate_errors(claim)
        if errors:
            raise ValidationError(errors)
        claim._change_reason = "Application sent through the public form"
        claim.save()
        return claim

    claim, created = create_once(Claim, submission_key, create)
    if created:
        _send_confirmation(claim, build_url)
    return claim, created


def confirmation_token(claim: Claim) -> str:
    return signing.dumps({"claim": claim.pk, "email": claim.email}, salt=CONFIRM_SALT)


def _send_confirmation(claim: Claim, build_url: UrlBuilder) -> None:
    link = build_url(reverse("onboarding:confirm", args=[confirmation_token(claim)]))
    _mail(claim.language, [claim.email], "onboarding/mail/confirm", {
        "claim": claim, "link": link, "days": confirm_days(),
    })


# --- confirming the e-mail address --------------------------------------------------------------

def claim_for_token(token: str) -> Claim:
    """The claim a confirmation link names; ValidationError when the link is damaged or too old (an
    unconfirmed claim whose link is too old is marked expired)."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT)
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid. Copy the whole link from the e-mail."),
                              code="invalid") from None
    claim = Claim.objects.filter(pk=data.get("claim"), email=data.get("email")).first()
    if claim is None:
        raise ValidationError(_("This confirmation link is not valid. Copy the whole link from the e-mail."),
                              code="invalid")
    if claim.status == ClaimStatus.UNCONFIRMED and _too_old(claim):
        expire_claims(claims=[claim.pk])
        claim.refresh_from_db()
    if claim.status == ClaimStatus.EXPIRED:
        raise ValidationError(_("This confirmation link has expired: the application was not confirmed within "
                                "%(days)s days and has been dropped. Please apply again.") % {"days": confirm_days()},
                              code="expired")
    return claim


def _too_old(claim: Claim) -> bool:
    return claim.created_at < timezone.now() - datetime.timedelta(days=confirm_days())


def confirm_claim(token: str, *, build_url: UrlBuilder) -> tuple[Claim, bool]:
    """Confirm the applicant's e-mail address: the claim waits for approval. ``(claim, confirmed now)``;
    a link used a second time changes nothing. A claim on an organisation that already has a
    representative is marked contested, and the representatives are told."""
    claim = claim_for_token(token)
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.UNCONFIRMED:
            return claim, False
        claim.status = ClaimStatus.PENDING
        claim.confirmed_at = timezone.now()
        representatives = list(representatives_of(claim.actor)) if claim.actor_id else []
        claim.contested = bool(representatives)
        claim._change_reason = "E-mail address confirmed" + (" (contested: the organisation has a representative)"
                                                              if claim.contested else "")
        claim.save()
    queue_link = build_url(reverse("onboarding:claim", args=[claim.pk]))
    for manager_language, addresses in _by_language(approvers_of(claim)).items():
        _mail(manager_language, addresses, "onboarding/mail/new_claim", {"claim": claim, "link": queue_link})
    if representatives:
        _mail(claim.language, [u.email for u in representatives if u.email], "onboarding/mail/contested",
              {"claim": claim})
    return claim, True


def expire_claims(*, now: datetime.datetime | None = None, claims=None) -> int:
    """Mark unconfirmed claims older than ``VISD_ONBOARDING_CONFIRM_DAYS`` expired, each with a history
    row. Nothing else changes: an unconfirmed claim never wrote to the registry. Returns the count."""
    now = now or timezone.now()
    stale = Claim.objects.filter(status=ClaimStatus.UNCONFIRMED,
                                 created_at__lt=now - datetime.timedelta(days=confirm_days()))
    if claims is not None:
        stale = stale.filter(pk__in=claims)
    count = 0
    for claim in stale:
        claim.status = ClaimStatus.EXPIRED
        claim._change_reason = "Expired: e-mail address not confirmed in time"
        claim.save()
        count += 1
    return count


# --- deciding ----------------------------------------------------------------------------------

def representatives_of(actor: Actor | None):
    """The active actor users of ``actor``: its representatives."""
    users = get_user_model().objects.filter(is_active=True, profile__role=Role.ACTOR_USER)
    return users.filter(profile__actor=actor) if actor is not None else users.none()


def approvers_of(claim: Claim):
    """Who is told of a confirmed claim: the programme managers whose portfolio holds one of the
    organisation's focus domains; for an organisation without one (or new), every programme manager
    and the coordinators."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if claim.actor_id is not None:
        domains = ActorTag.objects.filter(actor_id=claim.actor_id, concept__scheme=Scheme.FOCUS_DOMAIN)
        managers = users.filter(profile__role=Role.PROGRAMME_MANAGER,
                                profile__portfolios__domains__in=domains.values("concept_id")).distinct()
        if domains.exists():
            return list(managers)
    return list(users.filter(profile__role__in=[Role.PROGRAMME_MANAGER, Role.COORDINATOR]))


def is_contested(claim: Claim) -> bool:
    return claim.contested or (claim.actor_id is not None and representatives_of(claim.actor).exists())


def _decidable(claim_id: int, acting_user) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    if not permissions.can_decide_claim(acting_user, claim):
        raise PermissionDenied
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError(_("This claim has already been decided or is not confirmed: it is %(status)s.")
                              % {"status": claim.get_status_display().lower()}, code="decided")
    return claim


def approve_claim(claim_id: int, *, acting_user, reason: str = "", confirm_contested: bool = False,
                  build_url: UrlBuilder) -> Claim:
    """Grant the claim: the organisation (created now if it is new), a user account with the actor-user
    role for exactly that organisation, and a contact in the stakeholder register with the applicant's
    consent. A contested claim needs ``confirm_contested``: a person has decided it knowingly."""
    with transaction.atomic():
        claim = _decidable(claim_id, acting_user)
        contested = is_contested(claim)
        if contested and not confirm_contested:
            raise ValidationError({"confirm_contested": [_(
                "This organisation already has a representative. Check with them and the applicant, then "
                "tick the box to approve the claim anyway, or reject it.")]})
        user_model = get_user_model()
        if user_model.objects.filter(email__iexact=claim.email).exists():
            raise ValidationError(_("A user with the e-mail address %(email)s already exists; a user account "
                                    "represents one organisation. Reject this claim, or change that account in "
                                    "the admin.") % {"email": claim.email}, code="user_exists")
        actor = claim.actor
        if actor is None:
            errors = _new_organisation_errors(claim)
            if errors:
                raise ValidationError(errors)
            actor = Actor(name=claim.org_name, kind=claim.org_kind, kbo=claim.org_kbo, country="BE",
                          postcode=claim.org_postcode, city=claim.org_city,
                          data_source=f"Self-registered (claim {claim.pk})")
            actor._history_user = acting_user
            actor._change_reason = f"Registered through claim {claim.pk}"
            actor.full_clean()
            actor.save()
        user = user_model(username=_free_username(claim.email), email=claim.email,
                          first_name=claim.first_name, last_name=claim.last_name)
        user.set_unusable_password()
        user.save()
        profile = user.profile
        profile.role = Role.ACTOR_USER
        profile.actor = actor
        profile._history_user = acting_user
        profile._change_reason = f"Representative of {actor.pk} through claim {claim.pk}"
        profile.save()
        with translation.override(claim.language):
            note = _("Consent given on the VISD Hub application form on %(date)s (claim %(claim)s, e-mail address "
                     "confirmed on %(confirmed)s). Statement: %(statement)s") % {
                "date": timezone.localtime(claim.consent_at).strftime("%Y-%m-%d %H:%M"), "claim": claim.pk,
                "confirmed": timezone.localtime(claim.confirmed_at).strftime("%Y-%m-%d %H:%M"),
                "statement": claim.consent_text}
        contact, _created = stakeholder_actions.create_contact(actor, {
            "first_name": claim.first_name, "last_name": claim.last_name, "job_title": claim.job_title,
            "email": claim.email, "languages": claim.language, "legal_basis": LegalBasis.CONSENT,
            "legal_basis_note": note, "consent_date": timezone.localdate(claim.consent_at),
        }, acting_user=acting_user)
        claim.actor, claim.user, claim.contact = actor, user, contact
        claim.contested = contested
        claim.status = ClaimStatus.APPROVED
        claim.decided_by, claim.decided_at, claim.reason = acting_user, timezone.now(), reason.strip()
        claim._history_user = acting_user
        claim._change_reason = "Approved" + (" (contested claim, decided knowingly)" if claim.contested else "")
        claim.save()
    link = build_url(reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}))
    _mail(claim.language, [claim.email], "onboarding/mail/approved",
          {"claim": claim, "link": link, "username": user.get_username(), "login": build_url(reverse("login"))})
    return claim


def reject_claim(claim_id: int, *, acting_user, reason: str) -> Claim:
    """Refuse the claim, with the reason the applicant is told. Nothing in the registry changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the rejection: the applicant is told.")]})
    with transaction.atomic():
        claim = _decidable(claim_id, acting_user)
        claim.contested = is_contested(claim)
        claim.status = ClaimStatus.REJECTED
        claim.decided_by, claim.decided_at, claim.reason = acting_user, timezone.now(), reason
        claim._history_user = acting_user
        claim._change_reason = "Rejected"
        claim.save()
    _mail(claim.language, [claim.email], "onboarding/mail/rejected", {"claim": claim})
    return claim


def _free_username(email: str) -> str:
    user_model = get_user_model()
    base = email.lower()[:140]
    candidate, n = base, 1
    while user_model.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --- e-mail --------------------------------------------------------------------------------------

def _by_language(users) -> dict[str, list[str]]:
    """Staff get mail in the site's default language (their language is not recorded)."""
    addresses = [u.email for u in users if u.email]
    return {settings.LANGUAGE_CODE: addresses} if addresses else {}


def _mail(language: str, recipients: list[str], template: str, context: dict) -> None:
    """Send one message, rendered in ``language`` (``visd.core.notices``, the one mail mechanism)."""
    notices.send(language, recipients, template, context)


def language_of(user) -> str:
    """The language a representative asked in (that of their approved claim); else the site's default.
    Used by the notices of other apps to an organisation's representative."""
    claim = Claim.objects.filter(user=user, status=ClaimStatus.APPROVED).order_by("-pk").first() if user else None
    return notices.language_or_default(claim.language if claim else None)


# --- GDPR: what claims keep of the applicant (docs/onboarding.md "GDPR") ---------------------------

ANONYMISED_EMAIL = "anonymised@invalid"  # the e-mail field cannot be empty; .invalid is never delivered
CLOSED_STATUSES = (ClaimStatus.REJECTED, ClaimStatus.EXPIRED)


def anonymise_claims(claims, *, reason: str) -> int:
    """Remove the applicant from ``claims``: name, job title, e-mail address and the history rows that
    hold them. What was decided, when and by whom stays, with one new history row giving ``reason``.
    Returns how many claims were anonymised."""
    count = 0
    with transaction.atomic():
        for claim in claims.select_for_update():
            if claim.email == ANONYMISED_EMAIL:
                continue
            Claim.history.filter(id=claim.pk).delete()
            claim.first_name, claim.last_name, claim.job_title = "", "", ""
            claim.email = ANONYMISED_EMAIL
            claim._change_reason = reason
            claim.save()
            count += 1
    return count


def claims_past_retention(days: int, today: datetime.date | None = None):
    """Rejected and expired claims whose last step (the decision, else the application) is more than
    ``days`` days before ``today`` and that still name their applicant."""
    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=days)
    last_step = Q(decided_at__date__lt=cutoff) | Q(decided_at__isnull=True, created_at__date__lt=cutoff)
    return Claim.objects.filter(last_step, status__in=CLOSED_STATUSES).exclude(email=ANONYMISED_EMAIL)


def apply_claim_retention(days: int, today: datetime.date | None = None) -> int:
    """Anonymise every claim of :func:`claims_past_retention` (``visd apply-retention --claim-days``)."""
    from visd.events.actions import RETENTION_REASON

    if int(days) < 1:
        raise ValueError(f"the retention period must be at least one day, not {days}")
    return anonymise_claims(claims_past_retention(int(days), today), reason=RETENTION_REASON)
