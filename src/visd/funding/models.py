"""Funding: calls (EU Funding & Tenders topics) and the catalogue of funding and support instruments."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.models import RegistryModel, Sourced


class Call(RegistryModel):
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


class Instrument(RegistryModel, Sourced):
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
