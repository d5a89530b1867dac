"""Programme reference data: the VISD multi-year budget 2025-2029 (VISD fig. 12) and the
illustrative KPIs with their KPAs (VISD fig. 13). Programme management (issue 5) builds on these."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.models import Sourced


class BudgetCategory(models.TextChoices):
    """The two blocks of VISD fig. 12."""

    STAFF_AND_OPERATING = "staff_operating", _("Staff and operating costs")
    PROJECTS = "projects", _("Project costs")


class BudgetLine(Sourced):
    """One line of the VISD multi-year budget (fig. 12); its yearly figures are ``BudgetAmount`` rows."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    category = models.CharField(_("category"), max_length=32, choices=BudgetCategory.choices)
    base_amount_eur = models.BigIntegerField(
        _("base amount (EUR)"), null=True, blank=True,
        help_text=_("The figure's 'Basisbedrag': the yearly unit amount per programme manager or per domain."),
    )
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

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
    """One year of a budget line. No amount but a note where the figure says 'Zie **' (see footnote)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="amounts")
    year = models.PositiveSmallIntegerField(_("year"))
    amount_eur = models.BigIntegerField(_("amount (EUR)"), null=True, blank=True,
                                        help_text=_("Empty when the source gives no figure for that year."))
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["line__order", "year"]
        constraints = [models.UniqueConstraint(fields=["line", "year"], name="unique_budget_amount")]
        verbose_name = _("budget amount")
        verbose_name_plural = _("budget amounts")

    def __str__(self) -> str:
        return f"{self.line} {self.year}"


class KPI(Sourced):
    """An illustrative KPI of VISD fig. 13 with its key performance area (KPA) and its group
    (VISD management, Flemish instruments, federal and EU participation)."""

    class Kind(models.TextChoices):
        OUTPUT = "output", _("Output")
        OUTCOME = "outcome", _("Outcome")
        IMPACT = "impact", _("Impact")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    group_nl = models.CharField(_("group (Dutch)"), max_length=200, blank=True)
    group_en = models.CharField(_("group (English)"), max_length=200, blank=True)
    # ``kpa`` is the Dutch text as the figure prints it; ``kpa_en`` its translation.
    kpa = models.CharField(_("key performance area"), max_length=300)
    kpa_en = models.CharField(_("key performance area (English)"), max_length=300, blank=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, blank=True,
        help_text=_("Empty where the source does not say whether the KPI measures output or outcome."),
    )
    computation = models.TextField(_("how it is computed"), blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_nl

    @property
    def key_performance_area(self) -> str:
        return self.kpa_en if translation.get_language() == "en" else self.kpa

    @property
    def group(self) -> str:
        return self.group_en if translation.get_language() == "en" else self.group_nl
