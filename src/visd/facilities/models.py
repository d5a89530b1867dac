"""Dual-use test and research infrastructure (VISD 4.4, the Flemish Dual Use Infrastructure Network)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.models import RegistryModel


class FacilityPhase(models.TextChoices):
    """What a facility does for a technology or prototype (VISD 4.4, lines 1024-1025: "van het testen en
    evalueren tot het verifiëren, valideren en certificeren")."""

    TEST = "test", _("Test")
    EVALUATE = "evaluate", _("Evaluate")
    VERIFY = "verify", _("Verify")
    VALIDATE = "validate", _("Validate")
    CERTIFY = "certify", _("Certify")


class Infrastructure(RegistryModel):
    name = models.CharField(_("name"), max_length=300)
    operator = models.ForeignKey("actors.Actor", on_delete=models.PROTECT, related_name="infrastructures",
                                 verbose_name=_("operator"))
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
        constraints = [models.UniqueConstraint(fields=["operator", "name"], name="unique_facility_per_operator")]
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

    def get_phases_display(self) -> list[str]:
        labels = dict(FacilityPhase.choices)
        return [str(labels.get(code, code)) for code in self.phases]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("facilities:detail", args=[self.pk])
