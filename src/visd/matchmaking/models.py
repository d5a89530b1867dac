"""Concept tags on projects, calls and capability needs (actors have their own ``actors.ActorTag``).

A derived tag comes from the record's own text (the matching engine's tagger), with the words that
matched as evidence and a confidence. A curated tag is set by a programme manager: it wins over the
derived tag of the same concept and survives re-tagging; a curated *rejection* removes a derived tag.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import Versioned
from visd.core.models import RegistryModel


class TargetType(models.TextChoices):
    PROJECT = "project", _("Project")
    CALL = "call", _("Call")
    NEED = "need", _("Capability need")


class ConceptTagOrigin(models.TextChoices):
    CURATED = "curated", _("Curated by a programme manager")
    DERIVED = "derived", _("Derived from text")


class ConceptTag(Versioned, RegistryModel):
    target_type = models.CharField(_("record type"), max_length=16, choices=TargetType.choices)
    object_id = models.PositiveBigIntegerField(_("record id"))
    concept = models.ForeignKey("taxonomy.Concept", on_delete=models.CASCADE, related_name="record_tags",
                                verbose_name=_("concept"))
    origin = models.CharField(_("origin"), max_length=16, choices=ConceptTagOrigin.choices)
    rejected = models.BooleanField(
        _("rejected"), default=False,
        help_text=_("Curated only: the concept does not apply, even if the text suggests it."))
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("Which words matched, for derived tags."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["target_type", "object_id", "-confidence"]
        constraints = [models.UniqueConstraint(fields=["target_type", "object_id", "concept"],
                                               name="one_concept_tag_per_record")]
        indexes = [models.Index(fields=["target_type", "object_id"])]
        verbose_name = _("concept tag")
        verbose_name_plural = _("concept tags")

    def __str__(self) -> str:
        return f"{self.get_target_type_display()} {self.object_id} – {self.concept} ({self.get_origin_display()})"

    @property
    def target(self):
        """The tagged record, or None when it no longer exists."""
        from .records import target_models

        return target_models()[self.target_type].objects.filter(pk=self.object_id).first()
