"""Dual-use test and research infrastructure (VISD 4.4, the Flemish Dual Use Infrastructure Network).

``Infrastructure`` is one facility, whatever brought it in (``Origin``): the inventory CSV, the MERIL
list of European research infrastructures (``visd.facilities.meril``) or a provider's own entry. An
imported facility is ``unvalidated`` until a representative of its operator claims it and a programme
manager or coordinator approves (``FacilityChange``, ``visd.facilities.actions``); providers never write
an ``Infrastructure`` directly, they propose changes that a person decides.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import Versioned
from visd.core.models import RegistryModel
from visd.core.submission import SubmissionKeyed, keyed_history


class FacilityPhase(models.TextChoices):
    """What a facility does for a technology or prototype (VISD 4.4, lines 1024-1025: "van het testen en
    evalueren tot het verifiëren, valideren en certificeren")."""

    TEST = "test", _("Test")
    EVALUATE = "evaluate", _("Evaluate")
    VERIFY = "verify", _("Verify")
    VALIDATE = "validate", _("Validate")
    CERTIFY = "certify", _("Certify")


class Origin(models.TextChoices):
    """Where a facility record came from; its ``data_source`` says exactly which file or document."""

    INVENTORY = "inventory", _("Facility inventory (CSV import)")
    MERIL = "meril", _("MERIL list of European research infrastructures")
    PROVIDER = "provider", _("Registered by its provider")


class ValidationStatus(models.TextChoices):
    UNVALIDATED = "unvalidated", _("Not confirmed by its provider")
    VALIDATED = "validated", _("Confirmed by its provider and validated by the programme office")


class OperatorMatch(models.TextChoices):
    """How the operator was linked: the imports link only what they can identify without doubt."""

    NONE = "", _("No operator identified")
    INVENTORY = "inventory", _("Named in the inventory (enterprise number or exact name)")
    EXACT_NAME = "exact_name", _("Same name as one registry organisation")
    NORMALISED_NAME = "normalised_name", _("Same name as one registry organisation, ignoring case, accents, "
                                           "punctuation and legal form")
    PROVIDER = "provider", _("Claimed by the operator's representative, approved by the programme office")


TRL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(9)]


class Infrastructure(Versioned, RegistryModel):
    name = models.CharField(_("name"), max_length=300)
    # Empty when an imported facility's operator could not be identified without doubt (a MERIL
    # facility); a provider's claim sets it.
    operator = models.ForeignKey("actors.Actor", on_delete=models.PROTECT, related_name="infrastructures",
                                 verbose_name=_("operator"), null=True, blank=True)
    operator_match = models.CharField(_("how the operator was identified"), max_length=20,
                                      choices=OperatorMatch.choices, blank=True, default=OperatorMatch.NONE)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, default=Origin.INVENTORY)
    source_key = models.CharField(
        _("key in the source"), max_length=320, blank=True,
        help_text=_("The record's key in the file it was imported from (MERIL: its name), so a new import "
                    "finds it again."))
    validation = models.CharField(_("validation"), max_length=16, choices=ValidationStatus.choices,
                                  default=ValidationStatus.UNVALIDATED, db_index=True)
    acronym = models.CharField(_("acronym"), max_length=60, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    country = models.CharField(
        _("country"), max_length=2, blank=True,
        help_text=_("ISO 3166 code. For MERIL facilities derived from the location: the country of the nearest "
                    "GeoNames place of 5,000 inhabitants or more."))
    testable = models.TextField(_("what can be tested"), blank=True, max_length=4000)
    trl_min = models.PositiveSmallIntegerField(_("TRL from"), null=True, blank=True, validators=TRL_VALIDATORS)
    trl_max = models.PositiveSmallIntegerField(_("TRL up to"), null=True, blank=True, validators=TRL_VALIDATORS)
    lead_time = models.CharField(_("lead time"), max_length=200, blank=True,
                                 help_text=_("How long before a test can start, e.g. 'two to four weeks'."))
    training_details = models.TextField(_("training needed"), blank=True, max_length=2000)
    # A person as contact only with their consent to be shown (GDPR art. 6(1)(a)); the person stays in
    # the stakeholder register, so erasing the contact there removes it here too.
    contact_person = models.ForeignKey("stakeholders.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("contact person"))
    contact_person_consent = models.TextField(
        _("contact person's consent"), blank=True,
        help_text=_("The statement the contact person agreed to, with the date: without it no person is shown."))
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    domains = models.ManyToManyField("taxonomy.Concept", blank=True, related_name="infrastructures",
                                     verbose_name=_("focus domains"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    access_conditions = models.TextField(_("access conditions"), blank=True)
    phases = models.JSONField(_("phases served"), default=list, blank=True,
                              help_text=_("Codes: test, evaluate, verify, validate, certify."))
    market_terms = models.BooleanField(
        _("open on market terms"), default=True,
        help_text=_("VISD 4.4 (line 1053): the inventoried facilities are open to external actors on market terms."))
    training_required = models.BooleanField(
        _("training required for access"), default=False,
        help_text=_("VISD 4.4 (line 1057): some facilities require training before access."))
    provider_decides = models.BooleanField(
        _("the provider decides on access"), default=True,
        help_text=_("VISD 4.4 (lines 1058-1065): the provider decides autonomously whether to grant access."))
    contact_name = models.CharField(_("contact (service or office)"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True,
                                      help_text=_("A service address (e.g. info@...), never a person's own address."))
    contact_url = models.URLField(_("contact page"), max_length=500, blank=True)
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "name"], name="unique_facility_per_operator"),
            models.UniqueConstraint(fields=["origin", "source_key"], condition=~Q(source_key=""),
                                    name="unique_facility_source_key"),
            models.CheckConstraint(condition=Q(trl_min__isnull=True) | Q(trl_max__isnull=True)
                                   | Q(trl_min__lte=models.F("trl_max")), name="facility_trl_range"),
        ]
        verbose_name = _("infrastructure")
        verbose_name_plural = _("infrastructure")

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        from django.utils import translation

        if translation.get_language() == "en":
            return self.description_en or self.description_nl
        return self.description_nl or self.description_en

    @property
    def is_validated(self) -> bool:
        return self.validation == ValidationStatus.VALIDATED

    @property
    def shown_contact_person(self):
        """The contact person, only while their consent to be shown is recorded."""
        return self.contact_person if self.contact_person_id and self.contact_person_consent else None

    def get_phases_display(self) -> list[str]:
        labels = dict(FacilityPhase.choices)
        return [str(labels.get(code, code)) for code in self.phases]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("facilities:detail", args=[self.pk])


class ChangeKind(models.TextChoices):
    CLAIM = "claim", _("Claim of an imported facility")
    NEW = "new", _("New facility")
    UPDATE = "update", _("Update")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for validation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class FacilityChange(SubmissionKeyed, RegistryModel):
    """A provider's proposal: claim an imported facility, add one, or change one of its own. Nothing
    reaches the finder until a programme manager or coordinator approves it (``actions.approve_change``);
    ``values`` holds the proposed fields (``actions.PROVIDER_FIELDS``) as the form sent them. The
    proposal form carries a one-time key (``visd.core.submission``), so a form sent twice proposes once."""

    kind = models.CharField(_("kind"), max_length=16, choices=ChangeKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ChangeStatus.choices,
                              default=ChangeStatus.PENDING, db_index=True)
    facility = models.ForeignKey(Infrastructure, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="changes", verbose_name=_("facility"))
    actor = models.ForeignKey("actors.Actor", on_delete=models.CASCADE, related_name="facility_changes",
                              verbose_name=_("organisation"))
    values = models.JSONField(_("proposed values"), default=dict)
    # The facility's lost-update counter (``visd.core.locking``) as the provider's form showed it:
    # approval may not silently overwrite what someone changed on the facility after the proposal.
    facility_version = models.PositiveIntegerField(_("facility version proposed against"), null=True,
                                                   blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("submitted by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    history = keyed_history()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("facility change")
        verbose_name_plural = _("facility changes")
        constraints = [
            # One open proposal per facility: a second one would be decided against stale values.
            models.UniqueConstraint(fields=["facility"], condition=Q(status="pending"),
                                    name="one_pending_change_per_facility"),
        ]

    def __str__(self) -> str:
        name = self.values.get("name") or (self.facility.name if self.facility_id else "")
        return f"{self.get_kind_display()}: {name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("facilities:change", args=[self.pk])
