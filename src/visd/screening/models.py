"""Screening records: stored screenings (ESAC ethics, export control) with their answers, outcome,
rule version and author; and the lists administrators maintain with sources, effective dates and a
review date (export restrictions, knowledge-security country notes).

The rules themselves are versioned data files (``visd/screening/data/``) read by the pure engines
``esac``, ``export_control`` and ``knowledge_security``; see docs/guidance.md, "Screening"."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import Versioned
from visd.core.models import RegistryModel, Sourced

from .countries import COUNTRY_CODES, country_name


def _validate_country(code: str) -> None:
    if code not in COUNTRY_CODES:
        raise ValidationError(_("%(code)s is not an ISO 3166-1 country code."), params={"code": code})


class InForceQuerySet(models.QuerySet):
    def in_force(self, on_date: datetime.date | None = None):
        """Records in force on ``on_date`` (today by default)."""
        on_date = on_date or timezone.localdate()
        return self.filter(effective_from__lte=on_date).filter(
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=on_date)
        )


class DatedSourcedRecord(Versioned, Sourced, RegistryModel):
    """A maintained fact about a country: where it comes from, when it applies, when to re-check it."""

    code = models.SlugField(_("code"), max_length=80, unique=True,
                            help_text=_("Stable identifier, e.g. 'israel-arms-export-ban'."))
    country = models.CharField(_("country"), max_length=2, db_index=True, validators=[_validate_country],
                               help_text=_("ISO 3166-1 alpha-2 code, e.g. IL."))
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True,
                                    help_text=_("Empty: still in force."))
    review_date = models.DateField(_("review by"),
                                   help_text=_("When an administrator checks this record against its source again."))

    objects = InForceQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if not (self.source or "").strip():
            raise ValidationError({"source": _("Every record needs its source: document and section or line.")})
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The end date lies before the start date.")})

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def review_overdue(self, today: datetime.date | None = None) -> bool:
        return self.review_date < (today or timezone.localdate())


class RestrictionKind(models.TextChoices):
    ARMS_EMBARGO = "arms_embargo", _("Arms embargo")
    EXPORT_BAN = "export_ban", _("Export ban")
    SANCTIONS = "sanctions", _("Sanctions")
    OTHER = "other", _("Other restriction")


class Regime(models.TextChoices):
    """Who imposed a restriction: criterion 1 of Common Position 2008/944/CFSP names the EU's, the
    UN Security Council's and the OSCE's arms embargoes; national and Flemish bans come on top."""

    EU = "eu", _("European Union")
    UN = "un", _("United Nations Security Council")
    OSCE = "osce", _("OSCE")
    FLANDERS = "flanders", _("Flemish Government")
    BELGIUM = "belgium", _("Belgium")


class GoodsScope(models.TextChoices):
    MILITARY = "military", _("Military goods")
    DUAL_USE = "dual_use", _("Dual-use goods")
    ALL = "all", _("All goods")


class RestrictionScope(models.TextChoices):
    """Whom a restriction reaches in the destination country: many UN and EU embargoes no longer
    cover the whole country but only armed groups, listed persons or one region, so an export to
    the government may be allowed where one to an armed group is not."""

    COUNTRY = "country", _("Entire country")
    NON_GOVERNMENT = "non_government", _("Non-government forces and armed groups")
    DESIGNATED = "designated", _("Designated persons and entities")
    REGION = "region", _("A specific region")


class ExportRestriction(DatedSourcedRecord):
    """An embargo or ban on exports to a country, as an administrator records it from its source."""

    kind = models.CharField(_("kind"), max_length=20, choices=RestrictionKind.choices)
    regime = models.CharField(_("imposed by"), max_length=12, choices=Regime.choices, default=Regime.EU)
    legal_act_url = models.URLField(_("address of the legal act"), max_length=300, blank=True,
                                    help_text=_("Where the act is published (EUR-Lex, UN documents), if known."))
    goods = models.CharField(_("goods"), max_length=12, choices=GoodsScope.choices, default=GoodsScope.MILITARY)
    scope = models.CharField(_("applies to"), max_length=20, choices=RestrictionScope.choices,
                             default=RestrictionScope.COUNTRY,
                             help_text=_("Whom the restriction reaches in the country, as its legal act says."))
    title_nl = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    note_nl = models.TextField(_("note (Dutch)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "-effective_from", "code"]
        verbose_name = _("export restriction")
        verbose_name_plural = _("export restrictions")

    def __str__(self) -> str:
        return f"{self.country}: {self.title_en}"

    def applies_to(self, goods_kind: str) -> bool:
        """Whether this restriction concerns goods of ``goods_kind`` (military, dual_use, ...)."""
        if self.goods == GoodsScope.ALL:
            return True
        if self.goods == GoodsScope.DUAL_USE:
            return goods_kind.startswith("dual_use")
        return goods_kind == self.goods


class CountryFlag(models.TextChoices):
    THREAT_ASSESSMENT = "threat_assessment", _("Threat assessment")
    ESPIONAGE_INTERFERENCE = "espionage_interference", _("Espionage and interference")
    EXPORT_RESTRICTION = "export_restriction", _("Export restriction")
    SANCTIONS = "sanctions", _("Sanctions")
    OTHER = "other", _("Other")


class CountryNote(DatedSourcedRecord):
    """Knowledge-security information about a country for researchers (Flemish Defence Plan 3.3)."""

    flag = models.CharField(_("flag"), max_length=32, choices=CountryFlag.choices)
    title_nl = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    text_nl = models.TextField(_("text (Dutch)"))
    text_en = models.TextField(_("text (English)"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "flag", "code"]
        verbose_name = _("country note")
        verbose_name_plural = _("country notes")

    def __str__(self) -> str:
        return f"{self.country}: {self.title_en}"


class ScreeningKind(models.TextChoices):
    ESAC = "esac", _("Ethics (ESAC)")
    EXPORT = "export", _("Export control")


class Screening(Versioned, RegistryModel):
    """One screening as it was made: the answers, the outcome with its reasons and sources, the
    version of the rules that gave it, and who made it. Guidance, never a legal decision.

    A screening is not edited afterwards: a new answer is a new screening (the history keeps any
    correction an administrator makes in the admin)."""

    kind = models.CharField(_("kind"), max_length=12, choices=ScreeningKind.choices)
    subject = models.CharField(_("subject"), max_length=300,
                               help_text=_("What was screened, e.g. the project or the goods."))
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="screenings", verbose_name=_("project"))
    reference_date = models.DateField(_("dossier date"),
                                      help_text=_("The date whose rules apply (the dossier's date)."))
    answers = models.JSONField(_("answers"), default=dict)
    outcome = models.CharField(_("outcome"), max_length=40)
    result = models.JSONField(_("result"), default=dict,
                              help_text=_("The outcome with its reasons, criteria, notes and their sources."))
    rule_version = models.CharField(_("rule version"), max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="screenings", verbose_name=_("made by"), editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("screening:detail", args=[self.pk])
