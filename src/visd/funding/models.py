"""Funding: calls (EU Funding & Tenders topics) and the catalogue of funding and support instruments."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import Versioned
from visd.core.models import RegistryModel, Sourced


class Call(Versioned, RegistryModel):
    """A funding topic, as the EU Funding & Tenders portal publishes it."""

    topic_id = models.CharField(_("topic id"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=500)
    programme = models.CharField(_("programme"), max_length=200, blank=True, db_index=True)
    call_identifier = models.CharField(_("call"), max_length=120, blank=True)
    call_title = models.CharField(_("call title"), max_length=500, blank=True)
    action_type = models.CharField(_("action type"), max_length=120, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=40, blank=True, db_index=True)
    description = models.TextField(_("text"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    budget_min = models.BigIntegerField(_("minimum budget per project (EUR)"), null=True, blank=True)
    budget_max = models.BigIntegerField(_("maximum budget per project (EUR)"), null=True, blank=True)
    expected_grants = models.PositiveIntegerField(_("expected grants"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "topic_id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("funding:call_detail", args=[self.topic_id])


class InstrumentLevel(models.TextChoices):
    FLEMISH = "flemish", _("Flemish")
    FEDERAL = "federal", _("Federal")
    EU = "eu", _("European")
    NATO = "nato", _("NATO")


class InstrumentKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    LOAN = "loan", _("Loan")
    GUARANTEE = "guarantee", _("Guarantee")
    EQUITY = "equity", _("Equity")
    MANDATE = "mandate", _("Research mandate")
    SERVICE = "service", _("Service")
    NETWORK = "network", _("Network")
    PROCUREMENT = "procurement", _("Procurement")
    MIXED = "mixed", _("Several kinds")


class Instrument(Versioned, RegistryModel, Sourced):
    """A funding or support instrument with its owner and the source that describes it."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    level = models.CharField(_("level"), max_length=16, choices=InstrumentLevel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=InstrumentKind.choices)
    owner = models.CharField(_("owner"), max_length=300, help_text=_("The body that runs the instrument."))
    owner_actor = models.ForeignKey("actors.Actor", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="instruments", verbose_name=_("owner in the registry"))
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_nl

    @property
    def description(self) -> str:
        if translation.get_language() == "en":
            return self.description_en or self.description_nl
        return self.description_nl or self.description_en


class Phase(models.TextChoices):
    """The phases of the product development cycle (VISD 4.3.1.1 and fig. 7, lines 861-911; annex 2
    'Internationalisering - FIT', line 1956)."""

    NEEDS = "needs", _("Needs identification")
    RESEARCH = "research", _("Research, concept and prototyping")
    TEST = "test", _("Test, evaluation, validation and verification")
    PRODUCTION = "production", _("Production and launch")
    INTERNATIONALISATION = "internationalisation", _("Internationalisation")


class ProjectKind(models.TextChoices):
    """The kinds of project an aid rate applies to (Flemish Defence Plan 2.1, lines 286-291)."""

    RESEARCH = "research", _("Research project")
    DEVELOPMENT = "development", _("Development project")
    ANY = "any", _("Any project")


class RateComponent(models.TextChoices):
    BASE = "base", _("Aid rate")
    COLLABORATION_BONUS = "collaboration_bonus", _("Bonus for collaboration with companies")


class RateSize(models.TextChoices):
    """Enterprise size under the EU SME definition (Commission Recommendation 2003/361/EC)."""

    MICRO = "micro", _("Micro enterprise")
    SMALL = "small", _("Small enterprise")
    MEDIUM = "medium", _("Medium-sized enterprise")
    LARGE = "large", _("Large enterprise")
    ANY = "any", _("Any size")


class InstrumentGuidance(Versioned, RegistryModel):
    """What the navigator needs to know about an instrument, each group of facts with its own source:
    the phases it serves, who may apply, the TRL range and what it pays. An empty list or an empty
    value means the sources do not say; the page then says so instead of guessing."""

    instrument = models.OneToOneField(Instrument, on_delete=models.CASCADE, related_name="guidance",
                                      verbose_name=_("instrument"))
    phases = models.JSONField(_("phases served"), default=list, blank=True,
                              help_text=_("Codes: needs, research, test, production, internationalisation."))
    phases_source = models.CharField(_("source of the phases"), max_length=500, blank=True)
    offer_kinds = models.JSONField(
        _("what it gives"), default=list, blank=True,
        help_text=_("Kinds of support it gives (grant, loan, guarantee, equity, mandate, service, network, "
                    "procurement); for an instrument of several kinds, each of them."))
    partner_search = models.BooleanField(_("helps find partners"), default=False)
    applicant_kinds = models.JSONField(_("who may apply: kinds of actor"), default=list, blank=True,
                                       help_text=_("Actor kinds; empty: the sources do not say."))
    applicant_sizes = models.JSONField(_("who may apply: enterprise sizes"), default=list, blank=True,
                                       help_text=_("micro, small, medium, large; empty: the sources do not say."))
    applicant_regions = models.JSONField(_("who may apply: regions"), default=list, blank=True,
                                         help_text=_("Region codes; empty: the sources do not say."))
    startups_only = models.BooleanField(_("for start-ups only"), default=False)
    applicants_note_nl = models.TextField(_("note on who may apply (Dutch)"), blank=True)
    applicants_note_en = models.TextField(_("note on who may apply (English)"), blank=True)
    applicants_source = models.CharField(_("source of who may apply"), max_length=500, blank=True)
    trl_min = models.PositiveSmallIntegerField(_("lowest TRL"), null=True, blank=True)
    trl_max = models.PositiveSmallIntegerField(_("highest TRL"), null=True, blank=True)
    trl_source = models.CharField(_("source of the TRL range"), max_length=500, blank=True)
    offers_nl = models.TextField(_("what it pays or offers (Dutch)"), blank=True)
    offers_en = models.TextField(_("what it pays or offers (English)"), blank=True)
    amount_max_eur = models.BigIntegerField(_("highest amount (EUR)"), null=True, blank=True)
    offers_source = models.CharField(_("source of what it pays or offers"), max_length=500, blank=True)
    domains = models.JSONField(_("focus domains it names"), default=list, blank=True,
                               help_text=_("Focus-domain codes the source names as its focus; empty: no focus named."))
    domains_source = models.CharField(_("source of the focus domains"), max_length=500, blank=True)
    call_programmes = models.JSONField(
        _("programmes of its calls"), default=list, blank=True,
        help_text=_("Programme names as the calls carry them (e.g. 'European Defence Fund'), to show open calls."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instrument guidance")
        verbose_name_plural = _("instrument guidance")

    def __str__(self) -> str:
        return str(self.instrument)

    @property
    def offers(self) -> str:
        if translation.get_language() == "en":
            return self.offers_en or self.offers_nl
        return self.offers_nl or self.offers_en

    @property
    def applicants_note(self) -> str:
        if translation.get_language() == "en":
            return self.applicants_note_en or self.applicants_note_nl
        return self.applicants_note_nl or self.applicants_note_en

    def clean(self):
        from django.core.exceptions import ValidationError

        from visd.actors.models import ActorKind, Region

        errors = {}
        checks = {
            "phases": Phase.values, "offer_kinds": [k for k in InstrumentKind.values if k != InstrumentKind.MIXED],
            "applicant_kinds": ActorKind.values, "applicant_sizes": [s for s in RateSize.values if s != "any"],
            "applicant_regions": [r for r in Region.values if r],
        }
        for name, allowed in checks.items():
            value = getattr(self, name)
            if not isinstance(value, list) or any(item not in allowed for item in value):
                errors[name] = _("Give a list of these codes: %(codes)s.") % {"codes": ", ".join(allowed)}
        sourced = {"phases": "phases_source", "applicant_kinds": "applicants_source",
                   "applicant_sizes": "applicants_source", "applicant_regions": "applicants_source",
                   "trl_min": "trl_source", "trl_max": "trl_source", "amount_max_eur": "offers_source",
                   "offers_nl": "offers_source", "domains": "domains_source"}
        for name, source in sourced.items():
            value = getattr(self, name)
            if value not in (None, "", []) and not getattr(self, source).strip():
                errors[source] = _("Every fact needs its source: document and line.")
        for bound in ("trl_min", "trl_max"):
            value = getattr(self, bound)
            if value is not None and not 1 <= value <= 9:
                errors[bound] = _("A TRL is between 1 and 9.")
        if self.trl_min and self.trl_max and self.trl_min > self.trl_max:
            errors["trl_max"] = _("The highest TRL is below the lowest.")
        if errors:
            raise ValidationError(errors)


class AidRate(Versioned, RegistryModel, Sourced):
    """A maximum aid intensity of an instrument, for a kind of project and an enterprise size.
    ``max_percent`` empty means the source names the case but gives no rate (for example medium-sized
    firms in the 2025 VLAIO defence call): the product says so, and an administrator fills it in."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="aid_rates",
                                   verbose_name=_("instrument"))
    project_kind = models.CharField(_("kind of project"), max_length=16, choices=ProjectKind.choices)
    size = models.CharField(_("enterprise size"), max_length=8, choices=RateSize.choices)
    component = models.CharField(_("component"), max_length=24, choices=RateComponent.choices,
                                 default=RateComponent.BASE)
    max_percent = models.DecimalField(_("maximum (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                      help_text=_("Empty: the source gives no rate for this case."))
    regime_nl = models.CharField(_("regime (Dutch)"), max_length=300, blank=True)
    regime_en = models.CharField(_("regime (English)"), max_length=300, blank=True)
    note_nl = models.TextField(_("note (Dutch)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument", "component", "project_kind", "size"]
        constraints = [models.UniqueConstraint(fields=["instrument", "project_kind", "size", "component"],
                                               name="one_rate_per_case")]
        verbose_name = _("aid rate")
        verbose_name_plural = _("aid rates")

    def __str__(self) -> str:
        rate = f"{self.max_percent}%" if self.max_percent is not None else _("unknown")
        return f"{self.instrument.code} {self.project_kind} {self.size} {self.component}: {rate}"

    @property
    def note(self) -> str:
        if translation.get_language() == "en":
            return self.note_en or self.note_nl
        return self.note_nl or self.note_en

    @property
    def regime(self) -> str:
        if translation.get_language() == "en":
            return self.regime_en or self.regime_nl
        return self.regime_nl or self.regime_en

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.max_percent is not None and not 0 <= self.max_percent <= 100:
            raise ValidationError({"max_percent": _("A rate is between 0 and 100%.")})
