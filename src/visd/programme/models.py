"""Programme reference data: the VISD multi-year budget 2025-2029 (VISD fig. 12) and the
illustrative KPIs with their KPAs (VISD fig. 13). Programme management (issue 5) builds on these."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import Versioned
from visd.core.models import RegistryModel, Sourced


class BudgetCategory(models.TextChoices):
    """The two blocks of VISD fig. 12."""

    STAFF_AND_OPERATING = "staff_operating", _("Staff and operating costs")
    PROJECTS = "projects", _("Project costs")


class BudgetLine(Versioned, Sourced):
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


class BudgetAmount(Versioned, Sourced):
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


class KPI(Versioned, Sourced):
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


# --- programme management (issues 5, 6, 7): KPI targets and values, budget execution, yearly report ---


def _domain_field(**extra):
    return models.ForeignKey(
        "taxonomy.Concept", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"scheme": "focus_domain"}, verbose_name=_("focus domain"),
        help_text=_("Empty for the programme as a whole."), **extra,
    )


class KPITarget(Versioned, RegistryModel):
    """The yearly target of a KPI for the programme (no domain) or for one focus domain. VISD leaves
    the final KPIs and their targets to 2026 (lines 1506-1507): the programme direction enters them."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="targets", verbose_name=_("KPI"))
    year = models.PositiveSmallIntegerField(_("year"))
    domain = _domain_field()
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False, verbose_name=_("entered by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi__order", "year", "domain__order"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year", "domain"], name="unique_kpi_target_per_domain"),
            models.UniqueConstraint(fields=["kpi", "year"], condition=models.Q(domain__isnull=True),
                                    name="unique_kpi_target_programme"),
        ]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")

    def __str__(self) -> str:
        return f"{self.kpi} {self.year}: {self.target}"


class KPIValue(Versioned, RegistryModel):
    """A KPI value entered by hand, with its evidence, for a KPI the data cannot compute (e.g. the
    contribution to domain targets). The newest value for a KPI, year and scope is the one that counts."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="values", verbose_name=_("KPI"))
    year = models.PositiveSmallIntegerField(_("year"))
    domain = _domain_field()
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    evidence = models.TextField(_("evidence"), help_text=_("What the value is based on: documents, records, sources."))
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False, verbose_name=_("entered by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi__order", "year", "-created_at", "-pk"]
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")

    def __str__(self) -> str:
        return f"{self.kpi} {self.year}: {self.value}"


class BudgetEntry(Versioned, RegistryModel):
    """A commitment or a payment against a line of the multi-year budget, from a project or entered."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", _("Commitment")
        PAYMENT = "payment", _("Payment")

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="entries",
                             verbose_name=_("budget line"))
    year = models.PositiveSmallIntegerField(_("budget year"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="budget_entries", verbose_name=_("project"))
    domain = _domain_field()
    reference = models.CharField(_("reference"), max_length=120, blank=True,
                                 help_text=_("Decision, contract or invoice number."))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False, verbose_name=_("entered by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "line__order", "date", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_eur__gt=0), name="budget_entry_positive")]
        verbose_name = _("budget entry")
        verbose_name_plural = _("budget entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.line.code} {self.year}: {self.amount_eur}"


class ActionItem(Versioned, RegistryModel):
    """One item of a year's action agenda, for the programme or a focus domain (the yearly report
    shows next year's agenda)."""

    year = models.PositiveSmallIntegerField(_("year"))
    domain = _domain_field()
    title = models.CharField(_("action"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    budget_line = models.ForeignKey(BudgetLine, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("budget line"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False, verbose_name=_("entered by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("action agenda item")
        verbose_name_plural = _("action agenda items")

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"


class ReportSection(models.TextChoices):
    ACTIVITIES = "activities", _("Activities")
    EVENTS = "events", _("Events")
    PROJECTS = "projects", _("Projects and their results")
    KPIS = "kpis", _("KPIs against targets")
    BUDGET = "budget", _("Budget use")
    AGENDA = "agenda", _("Next year's action agenda")


class ReportTemplate(Versioned, RegistryModel):
    """The yearly report's template, edited by the programme direction (VISD line 1502: 'Daartoe zal
    een sjabloon voorzien worden'): the title, the introduction, and which sections appear in which
    order. The active template is the one the report uses."""

    name = models.CharField(_("name"), max_length=200)
    title_nl = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    introduction_nl = models.TextField(_("introduction (Dutch)"), blank=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    sections = models.JSONField(_("sections"), default=list,
                                help_text=_("The section codes in the order they appear."))
    is_active = models.BooleanField(_("active"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "name"]
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True),
                                               name="one_active_report_template")]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        return self.title_en if translation.get_language() == "en" else self.title_nl

    @property
    def introduction(self) -> str:
        return self.introduction_en if translation.get_language() == "en" else self.introduction_nl

    def clean(self):
        from django.core.exceptions import ValidationError

        valid = set(ReportSection.values)
        if not isinstance(self.sections, list) or any(s not in valid for s in self.sections):
            raise ValidationError({"sections": _("Choose sections from the list.")})
        if len(set(self.sections)) != len(self.sections):
            raise ValidationError({"sections": _("A section appears only once.")})


class Deadline(Versioned, RegistryModel):
    """A programme deadline to be reminded of, such as a FRIS reporting deadline or the yearly report."""

    class Kind(models.TextChoices):
        FRIS = "fris", _("FRIS deadline")
        REPORT = "report", _("Reporting deadline")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    due = models.DateField(_("due"))
    domain = _domain_field()
    done = models.BooleanField(_("done"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.due} {self.title}"


class ReminderSent(models.Model):
    """That a reminder was sent, so ``visd send-reminders`` run daily does not repeat it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("reminder"), max_length=120)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_reminder_per_user")]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
