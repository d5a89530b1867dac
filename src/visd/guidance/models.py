"""Guidance: the contact points and the obligations the navigator shows next to the instruments.

Both are reference data (``src/visd/reference/data/contact_points.yaml`` and ``obligations.yaml``),
loaded by ``visd load-reference``; every record carries its source. The instrument facts the navigator
uses live on ``funding.InstrumentGuidance`` and ``funding.AidRate``.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import Versioned
from visd.core.models import RegistryModel, Sourced
from visd.funding.models import InstrumentLevel


def _localised(obj, field: str) -> str:
    nl, en = getattr(obj, f"{field}_nl"), getattr(obj, f"{field}_en")
    return (en or nl) if translation.get_language() == "en" else (nl or en)


class ContactPoint(Versioned, RegistryModel, Sourced):
    """A service or office the documents name as the place to go (VLAIO business advisers, NCP
    Flanders, FIT, PMV; on the federal side the National Armaments Director, DGMR, the Royal Higher
    Institute for Defence and DIRS). An organisation's service, never a person."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    organisation = models.CharField(_("organisation"), max_length=300)
    level = models.CharField(_("level"), max_length=16, choices=InstrumentLevel.choices)
    role_nl = models.TextField(_("what they do for you (Dutch)"))
    role_en = models.TextField(_("what they do for you (English)"))
    url = models.URLField(_("website"), max_length=500, blank=True)
    goals = models.JSONField(_("questions they help with"), default=list, blank=True,
                             help_text=_("Navigator goals: research, develop, test, finance, export, partners."))
    phases = models.JSONField(_("phases they help with"), default=list, blank=True,
                              help_text=_("Phases of the product development cycle, e.g. production."))
    instruments = models.ManyToManyField("funding.Instrument", blank=True, related_name="contact_points",
                                         verbose_name=_("instruments"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def role(self) -> str:
        return _localised(self, "role")


class Obligation(Versioned, RegistryModel, Sourced):
    """A rule or lead time an applicant must reckon with (export licences, prior authorisation, the
    ethics committee's binding advice, the EDF consortium rule, FRIS registration). ``goals`` and
    ``destinations`` say when the navigator shows it; ``lead_time`` is the minimum or indicative
    duration the source gives, in its own words, if any."""

    class Destination(models.TextChoices):
        ANY = "any", _("Any destination")
        EU = "eu", _("Inside the EU")
        NON_EU = "non_eu", _("Outside the EU")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    text_nl = models.TextField(_("text (Dutch)"))
    text_en = models.TextField(_("text (English)"))
    goals = models.JSONField(_("shown for the goals"), default=list, blank=True)
    instruments = models.ManyToManyField("funding.Instrument", blank=True, related_name="obligations",
                                         verbose_name=_("shown with the instruments"))
    destinations = models.JSONField(_("shown for export destinations"), default=list, blank=True)
    lead_time_nl = models.CharField(_("lead time (Dutch)"), max_length=300, blank=True)
    lead_time_en = models.CharField(_("lead time (English)"), max_length=300, blank=True)
    link = models.CharField(_("link in VISD Hub"), max_length=200, blank=True,
                            validators=[RegexValidator(r"^/[-a-z0-9_/]*$", _("A path in VISD Hub, such as /screening/export/."))],
                            help_text=_("A path in this product, e.g. /screening/export/."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def text(self) -> str:
        return _localised(self, "text")

    @property
    def lead_time(self) -> str:
        return _localised(self, "lead_time")
