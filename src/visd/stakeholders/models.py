"""The stakeholder register (VISD annex 3): contacts at actors and the interactions programme
managers have with them. This is personal data: every contact records its legal basis (GDPR art. 6),
and ``visd.stakeholders.actions`` exports or erases everything held about one person."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.models import RegistryModel


class LegalBasis(models.TextChoices):
    """GDPR article 6(1) grounds that apply to a programme office's contact register."""

    CONSENT = "consent", _("Consent (art. 6(1)(a))")
    CONTRACT = "contract", _("Contract (art. 6(1)(b))")
    PUBLIC_TASK = "public_task", _("Public task (art. 6(1)(e))")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (art. 6(1)(f))")


class Contact(RegistryModel):
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Dossier(RegistryModel):
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self) -> str:
        return self.title


class Interaction(RegistryModel):
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
    history = HistoricalRecords(m2m_fields=[contacts])

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")

    def __str__(self) -> str:
        return f"{self.date} {self.subject}"
