"""The stakeholder register (VISD annex 3): contacts at actors and the interactions programme
managers have with them. This is personal data: every contact records its legal basis (GDPR art. 6),
and ``visd.stakeholders.actions`` exports or erases everything held about one person."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from visd.core.locking import Versioned
from visd.core.models import RegistryModel
from visd.core.submission import SubmissionKeyed, keyed_history


class LegalBasis(models.TextChoices):
    """GDPR article 6(1) grounds that apply to a programme office's contact register."""

    CONSENT = "consent", _("Consent (art. 6(1)(a))")
    CONTRACT = "contract", _("Contract (art. 6(1)(b))")
    PUBLIC_TASK = "public_task", _("Public task (art. 6(1)(e))")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (art. 6(1)(f))")


class Contact(SubmissionKeyed, Versioned, RegistryModel):
    actor = models.ForeignKey("actors.Actor", on_delete=models.CASCADE, related_name="contacts",
                              verbose_name=_("organisation"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.CharField(_("languages"), max_length=50, blank=True, help_text=_("e.g. nl, en"))
    notes = models.TextField(_("notes"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices)
    legal_basis_note = models.TextField(
        _("legal basis note"), blank=True,
        help_text=_("For consent: when and how it was given. For legitimate interest: the balancing done."),
    )
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    history = keyed_history()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("stakeholders:contact", args=[self.pk])

    def clean(self):
        """The legal basis must be documented: consent needs its date (and cannot be given in the
        future), legitimate interest needs the balancing test written down (GDPR art. 6(1)(f))."""
        errors = {}
        if self.legal_basis == LegalBasis.CONSENT and not self.consent_date:
            errors["consent_date"] = _("Consent needs the date on which it was given.")
        if self.consent_date and self.consent_date > timezone.localdate():
            errors["consent_date"] = _("Consent cannot be dated in the future.")
        if self.legal_basis == LegalBasis.LEGITIMATE_INTEREST and not self.legal_basis_note.strip():
            errors["legal_basis_note"] = _("Legitimate interest needs the balancing test in the note.")
        if errors:
            raise ValidationError(errors)


class Dossier(SubmissionKeyed, Versioned, RegistryModel):
    """A thread of interactions, documents and decisions about one subject."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=300)
    actor = models.ForeignKey("actors.Actor", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="dossiers", verbose_name=_("organisation"))
    domain = models.ForeignKey("taxonomy.Concept", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="dossiers", verbose_name=_("focus domain"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="dossiers", verbose_name=_("owner"))
    description = models.TextField(_("description"), blank=True)
    history = keyed_history()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("stakeholders:dossier", args=[self.pk])


class InteractionQuerySet(models.QuerySet):
    def open_follow_ups_of(self, user):
        """The follow-ups a staff member is to do: interactions they took part in or logged, not
        done yet, soonest due first (those without a due date last)."""
        return (
            self.filter(models.Q(staff=user) | models.Q(created_by=user))
            .exclude(follow_up="")
            .filter(follow_up_done=False)
            .distinct()
            .order_by(models.F("follow_up_due").asc(nulls_last=True), "date", "pk")
        )


class Interaction(SubmissionKeyed, Versioned, RegistryModel):
    """Something that happened between VISD staff and an actor. It is a log of the past: a
    future meeting is planned as the follow-up of an earlier interaction, so an interaction may not
    be dated after today."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Phone or video call")
        EMAIL = "email", _("E-mail")
        VISIT = "visit", _("Company visit")
        EVENT = "event", _("Event")
        OTHER = "other", _("Other")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey("actors.Actor", on_delete=models.CASCADE, related_name="interactions",
                              verbose_name=_("organisation"))
    contacts = models.ManyToManyField(Contact, blank=True, related_name="interactions",
                                      verbose_name=_("contacts who took part"))
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="interactions",
                                   verbose_name=_("VISD staff who took part"))
    subject = models.CharField(_("subject"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="interactions", verbose_name=_("dossier"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    history = keyed_history(m2m_fields=[contacts])

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")

    def __str__(self) -> str:
        return f"{self.date} {self.subject}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("stakeholders:interaction", args=[self.pk])

    @property
    def follow_up_overdue(self) -> bool:
        return bool(
            self.follow_up and not self.follow_up_done and self.follow_up_due
            and self.follow_up_due < timezone.localdate()
        )

    def clean(self):
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _(
                "An interaction records something that happened and cannot be dated in the future; "
                "plan a future meeting as the follow-up of an interaction."
            )
        if self.follow_up_due and not self.follow_up.strip():
            errors["follow_up"] = _("Describe the follow-up that is due.")
        if self.follow_up_due and self.date and self.follow_up_due < self.date:
            errors["follow_up_due"] = _("The follow-up cannot be due before the interaction took place.")
        if errors:
            raise ValidationError(errors)


class GdprAuditEntry(models.Model):
    """That a GDPR request was carried out, by whom and when, without any of the person's data: after
    an erasure only the contact's former id remains, which no longer points to anything. The erasure
    of one event registration of a person who is not a contact (``visd.events.actions``), and its
    anonymisation when the retention period has ended, record the registration's id instead; the
    registration stays, anonymised."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Export of personal data")
        ERASURE = "erasure", _("Erasure of personal data")
        RETENTION = "retention", _("End of the retention period (anonymisation or erasure)")

    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    contact_id = models.BigIntegerField(_("contact id"), null=True, blank=True)
    registration_id = models.BigIntegerField(
        _("event registration id"), null=True, blank=True,
        help_text=_("For the erasure of an event registration that is not linked to a contact."))
    actor = models.ForeignKey("actors.Actor", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("organisation"))
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("performed by"))
    performed_at = models.DateTimeField(_("performed at"), auto_now_add=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True,
                              help_text=_("How many records were exported or removed, per kind."))

    class Meta:
        ordering = ["-performed_at"]
        verbose_name = _("GDPR audit entry")
        verbose_name_plural = _("GDPR audit entries")

    def __str__(self) -> str:
        subject = f"#{self.contact_id}" if self.contact_id is not None else f"registration #{self.registration_id}"
        return f"{self.get_action_display()} {subject} {self.performed_at:%Y-%m-%d %H:%M}"
