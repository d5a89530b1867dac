"""Taxonomies: the 11 VISD focus domains (TOP / TED), the 8 programme-manager portfolios, the 15 EDA
CapTechs, and any later scheme. Every concept has labels and synonyms in Dutch, English and French,
which the matching engine uses to meet texts in different languages in one concept space."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import Versioned
from visd.core.models import Sourced


class Portfolio(Versioned, Sourced):
    """A programme manager's portfolio (VISD chapter 5: eight temporary programme managers)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_nl


class Scheme(models.TextChoices):
    FOCUS_DOMAIN = "focus_domain", _("VISD focus domain")
    CAPTECH = "captech", _("EDA CapTech")
    CAPABILITY_DIMENSION = "capability_dimension", _("Capability dimension")


class DomainKind(models.TextChoices):
    APPLICATION = "TOP", _("Application domain (TOP)")
    TECHNOLOGY = "TED", _("Technology domain (TED)")


class Concept(Versioned, Sourced):
    """One concept of one scheme, with multilingual labels and synonyms."""

    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices)
    code = models.SlugField(_("code"), max_length=64)
    domain_kind = models.CharField(
        _("domain kind"), max_length=3, choices=DomainKind.choices, blank=True,
        help_text=_("For VISD focus domains: application (TOP) or technology (TED) domain."),
    )
    portfolio = models.ForeignKey(
        Portfolio, null=True, blank=True, on_delete=models.PROTECT, related_name="domains",
        verbose_name=_("portfolio"),
    )
    label_nl = models.CharField(_("label (Dutch)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    synonyms_nl = models.JSONField(_("synonyms (Dutch)"), default=list, blank=True)
    synonyms_en = models.JSONField(_("synonyms (English)"), default=list, blank=True)
    synonyms_fr = models.JSONField(_("synonyms (French)"), default=list, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unique_concept_per_scheme")]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if translation.get_language() == "en" else self.label_nl

    def all_terms(self) -> dict[str, list[str]]:
        """Labels and synonyms per language, as the tagging engine wants them."""
        return {
            "nl": [self.label_nl, *self.synonyms_nl],
            "en": [self.label_en, *self.synonyms_en],
            "fr": [self.label_fr, *self.synonyms_fr],
        }
