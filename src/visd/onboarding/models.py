"""Joining the ecosystem (issue 14 item 1): an organisation's claim to be represented on VISD Hub.

A claim holds everything the applicant sent, and nothing is written to the registry until a person
approves it: an unconfirmed or rejected claim never creates an actor, a user or a contact. Its
states (docs/onboarding.md):

    unconfirmed --(e-mail link, within VISD_ONBOARDING_CONFIRM_DAYS)--> pending --> approved | rejected
    unconfirmed --(link not used in time)--> expired

Every transition goes through ``visd.onboarding.actions`` and leaves a history row with its author
and a change reason (the audit trail)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visd.actors.models import ActorKind
from visd.core.models import RegistryModel
from visd.core.submission import SubmissionKeyed, keyed_history


class ClaimStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("E-mail address not confirmed yet")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired (e-mail address never confirmed)")


#: Claims that still count: a second claim by the same address for the same organisation is refused.
OPEN_STATUSES = (ClaimStatus.UNCONFIRMED, ClaimStatus.PENDING)


class Claim(SubmissionKeyed, RegistryModel):
    """An applicant's request to represent an organisation: an existing registry record (``actor``)
    or a new one described by the ``org_*`` fields (``actor`` is then set on approval)."""

    status = models.CharField(_("status"), max_length=16, choices=ClaimStatus.choices,
                              default=ClaimStatus.UNCONFIRMED, db_index=True)
    actor = models.ForeignKey("actors.Actor", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="claims", verbose_name=_("organisation"))
    new_organisation = models.BooleanField(_("new organisation"), default=False)
    org_name = models.CharField(_("name of the organisation"), max_length=300, blank=True)
    org_kbo = models.CharField(_("enterprise number (KBO)"), max_length=10, blank=True)
    org_postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    org_city = models.CharField(_("city"), max_length=120, blank=True)
    org_kind = models.CharField(_("kind"), max_length=32, choices=ActorKind.choices, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="nl")
    consent_text = models.TextField(_("consent statement"),
                                    help_text=_("The statement the applicant agreed to, as it was shown."))
    consent_at = models.DateTimeField(_("consent given at"))
    confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    contested = models.BooleanField(
        _("contested"), default=False,
        help_text=_("The organisation already had a representative when the claim was confirmed or decided."),
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="onboarding_claims", verbose_name=_("user account"))
    contact = models.ForeignKey("stakeholders.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("contact"))
    history = keyed_history()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} – {self.organisation_name}"

    @property
    def organisation_name(self) -> str:
        return self.actor.name if self.actor_id else self.org_name

    @property
    def applicant_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("onboarding:claim", args=[self.pk])
