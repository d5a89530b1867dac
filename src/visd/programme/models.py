"""Programme reference data: the VISD multi-year budget 2025-2029 (VISD fig. 12) and the
illustrative KPIs with their KPAs (VISD fig. 13). Programme management (issue 5) builds on these."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from visd.core.models import Sourced


class BudgetLine(Sourced):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    category = models.CharField(_("category"), max_length=120, blank=True,
                                help_text=_("e.g. staff and operating costs, project costs"))
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_nl


class BudgetAmount(Sourced):
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="amounts")
    year = models.PositiveSmallIntegerField(_("year"))
    amount_eur = models.BigIntegerField(_("amount (EUR)"), null=True, blank=True,
                                        help_text=_("Empty when the source gives no figure for that year."))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["line__order", "year"]
        constraints = [models.UniqueConstraint(fields=["line", "year"], name="unique_budget_amount")]
        verbose_name = _("budget amount")
        verbose_name_plural = _("budget amounts")

    def __str__(self) -> str:
        return f"{self.line} {self.year}"


class KPI(Sourced):
    class Kind(models.TextChoices):
        OUTPUT = "output", _("Output")
        OUTCOME = "outcome", _("Outcome")
        IMPACT = "impact", _("Impact")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kpa = models.CharField(_("key performance area"), max_length=300)
    name_nl = models.CharField(_("name (Dutch)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, blank=True)
    computation = models.TextField(_("how it is computed"), blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_nl
