"""The capability pull: needs from the federal Strategic Vision 2025 portfolio (dimensions,
capabilities, line items) and, later, from EDF topics, NATO and EDA; plus the Strategic Vision's
defence budget trajectory 2025-2034."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import Versioned
from visd.core.models import RegistryModel, Sourced


class NeedSource(models.TextChoices):
    STRATEGIC_VISION_2025 = "sv2025", _("Belgian Defence Strategic Vision 2025")
    EDF = "edf", _("European Defence Fund")
    EDA = "eda", _("European Defence Agency")
    NATO = "nato", _("NATO")
    OTHER = "other", _("Other")


class NeedLevel(models.TextChoices):
    DIMENSION = "dimension", _("Dimension")
    CAPABILITY = "capability", _("Capability")
    ITEM = "item", _("Line item")


class CapabilityNeed(Versioned, RegistryModel, Sourced):
    """One node of a capability portfolio. Amounts are whole euro; for the Strategic Vision they
    are constant 2026 euro (EUR Cst26), committed ('vastlegging') and paid ('vereffening') 2026-2034."""

    source_kind = models.CharField(_("source kind"), max_length=16, choices=NeedSource.choices)
    code = models.SlugField(_("code"), max_length=120)
    level = models.CharField(_("level"), max_length=16, choices=NeedLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children", verbose_name=_("parent"))
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    first_commitment_year = models.PositiveSmallIntegerField(_("first commitment year"), null=True, blank=True)
    committed_eur = models.BigIntegerField(_("committed (EUR)"), null=True, blank=True)
    paid_eur = models.BigIntegerField(_("paid (EUR)"), null=True, blank=True)
    consolidated_development = models.BooleanField(
        _("consolidated development"), default=False,
        help_text=_("An envelope for the consolidated development of a capability rather than one acquisition."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["source_kind", "order"]
        constraints = [models.UniqueConstraint(fields=["source_kind", "code"], name="unique_need_code")]
        verbose_name = _("capability need")
        verbose_name_plural = _("capability needs")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("capabilities:detail", args=[self.pk])


class BudgetTrajectoryPoint(Versioned, Sourced):
    """One figure of the Strategic Vision 2025 budget trajectory 2025-2034 (one series, one year)."""

    series = models.CharField(_("series"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("e.g. 'EUR million' or '% GDP'"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "year"]
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="unique_trajectory_point")]
        verbose_name = _("budget trajectory point")
        verbose_name_plural = _("budget trajectory")

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.value} {self.unit}"
