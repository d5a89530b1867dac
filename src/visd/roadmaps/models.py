"""Orientation roadmaps (VISD 4.1): one per focus domain, versioned, with the structure the strategy
prescribes: (1) introduction and vision, (2) the Flemish mapping (live from the registry, not stored
here), (3) the visual roadmap and its text (``RoadmapItem`` rows on a timeline), (4) conclusion.

The texts a reader sees are Dutch (the fields without suffix, the strategy's language) with an English
text beside each (``*_en``, may be empty). ``in_language`` picks what a page in the active language
shows: the English text on an English page where there is one, else the Dutch text marked as Dutch
(the ``localized`` template filter, ``visd.roadmaps.templatetags.roadmap_text``, shows the marker).

>>> item = RoadmapItem(title="Autonome vaartuigen", title_en="")
>>> from django.utils import translation
>>> with translation.override("en"):
...     shown = item.in_language("title")
>>> (shown.text, shown.language, shown.is_fallback)
('Autonome vaartuigen', 'nl', True)
>>> item.title_en = "Autonomous vessels"
>>> with translation.override("en"):
...     shown = item.in_language("title")
>>> (shown.text, shown.language, shown.is_fallback)
('Autonomous vessels', 'en', False)
>>> with translation.override("nl"):
...     item.in_language("title").text
'Autonome vaartuigen'
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import OptimisticLock
from visd.core.models import RegistryModel

#: Years a roadmap item may span: VISD plans to 2035 and beyond; anything outside is a typo.
FIRST_YEAR, LAST_YEAR = 2020, 2050


@dataclass(frozen=True)
class ShownText:
    """A text as a page shows it: ``language`` is the language it is written in; ``is_fallback`` says
    it stands in for a missing English text (the page marks it as Dutch)."""

    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


class Bilingual:
    """Models whose reader-facing texts are ``<name>`` (Dutch) and ``<name>_en`` (English)."""

    BILINGUAL_FIELDS: tuple[str, ...] = ()

    def in_language(self, name: str, language: str | None = None) -> ShownText:
        if name not in self.BILINGUAL_FIELDS:
            raise ValueError(f"{type(self).__name__} has no bilingual text {name!r}")
        dutch = getattr(self, name) or ""
        if (language or translation.get_language() or "nl").split("-")[0] != "en":
            return ShownText(dutch, "nl", False)
        english = getattr(self, f"{name}_en") or ""
        if english.strip():
            return ShownText(english, "en", False)
        return ShownText(dutch, "nl", bool(dutch.strip()))


class RoadmapStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class Roadmap(Bilingual, OptimisticLock, RegistryModel):
    BILINGUAL_FIELDS = ("introduction", "mapping_text", "roadmap_text", "conclusion")
    lock_field = "revision"  # ``version`` is the roadmap's version number 1, 2, ... (visd.core.locking)

    domain = models.ForeignKey("taxonomy.Concept", on_delete=models.PROTECT, related_name="roadmaps",
                               verbose_name=_("focus domain"), limit_choices_to={"scheme": "focus_domain"})
    version = models.PositiveIntegerField(_("version"), editable=False)
    status = models.CharField(_("status"), max_length=16, choices=RoadmapStatus.choices,
                              default=RoadmapStatus.DRAFT, editable=False)
    published_on = models.DateField(_("published on"), null=True, blank=True, editable=False)
    introduction = models.TextField(_("introduction and vision (Dutch)"), blank=True)
    introduction_en = models.TextField(_("introduction and vision (English)"), blank=True)
    mapping_text = models.TextField(_("comment on the Flemish mapping (Dutch)"), blank=True)
    mapping_text_en = models.TextField(_("comment on the Flemish mapping (English)"), blank=True)
    roadmap_text = models.TextField(_("roadmap text (Dutch)"), blank=True)
    roadmap_text_en = models.TextField(_("roadmap text (English)"), blank=True)
    conclusion = models.TextField(_("conclusion (Dutch)"), blank=True)
    conclusion_en = models.TextField(_("conclusion (English)"), blank=True)
    calls = models.ManyToManyField("funding.Call", blank=True, related_name="roadmaps",
                                   verbose_name=_("linked calls"))
    needs = models.ManyToManyField("capabilities.CapabilityNeed", blank=True, related_name="roadmaps",
                                   verbose_name=_("linked capability needs"))
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False,
                                           help_text=_("Raised on every save; guards against lost updates."))
    history = HistoricalRecords(m2m_fields=[calls, needs])

    class Meta:
        ordering = ["domain__order", "-version"]
        constraints = [models.UniqueConstraint(fields=["domain", "version"], name="one_roadmap_version_per_domain")]
        verbose_name = _("orientation roadmap")
        verbose_name_plural = _("orientation roadmaps")

    def __str__(self) -> str:
        return f"{self.domain} v{self.version}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("roadmaps:detail", args=[self.pk])


class ItemKind(models.TextChoices):
    TECHNOLOGY = "technology", _("Technology line")
    CAPABILITY = "capability", _("Capability line")
    PROJECT = "project", _("Project line")


class RoadmapItem(Bilingual, RegistryModel):
    """One line of the visual roadmap, from ``start_year`` to ``end_year``. ``related_domains`` are
    the other focus domains it draws on or serves: the cross-domain links of VISD figure 6."""

    BILINGUAL_FIELDS = ("title", "description")

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    title = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("from (year)"))
    end_year = models.PositiveSmallIntegerField(_("to (year)"))
    related_domains = models.ManyToManyField("taxonomy.Concept", blank=True, related_name="roadmap_items",
                                             verbose_name=_("related focus domains"),
                                             limit_choices_to={"scheme": "focus_domain"})
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords(m2m_fields=[related_domains])

    class Meta:
        ordering = ["roadmap", "order", "start_year", "title"]
        verbose_name = _("roadmap item")
        verbose_name_plural = _("roadmap items")

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}–{self.end_year})"

    def clean(self):
        errors = {}
        for name in ("start_year", "end_year"):
            year = getattr(self, name)
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                errors[name] = _("Give a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR,
                                                                                   "last": LAST_YEAR}
        if not errors and self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The end year cannot be before the start year.")
        if errors:
            raise ValidationError(errors)

    @property
    def horizon(self) -> str:
        """Short (ends within 3 years of the roadmap), medium (within 6) or long term."""
        from django.utils import timezone

        span = self.end_year - timezone.localdate().year
        if span <= 3:
            return _("short term")
        if span <= 6:
            return _("medium term")
        return _("long term")
