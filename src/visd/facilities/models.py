"""Dual-use test and research infrastructure (VISD 4.4, the Flemish Dual Use Infrastructure Network)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.models import RegistryModel


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
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["operator", "name"], name="unique_facility_per_operator")]
        verbose_name = _("infrastructure")
        verbose_name_plural = _("infrastructure")

    def __str__(self) -> str:
        return self.name
