"""Projects and who took part: EU projects imported from CORDIS and the EDF results, and later
VISD's own projects (central project database, VISD annex 3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.models import RegistryModel


class ProjectSource(models.TextChoices):
    CORDIS = "cordis", _("EU CORDIS")
    EDF = "edf", _("European Defence Fund results")
    VISD = "visd", _("VISD")


class Project(RegistryModel):
    source = models.CharField(_("source"), max_length=16, choices=ProjectSource.choices)
    external_id = models.CharField(_("project id"), max_length=40, help_text=_("CORDIS project id."))
    acronym = models.CharField(_("acronym"), max_length=100, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=600)
    objective = models.TextField(_("objective"), blank=True)
    status = models.CharField(_("status"), max_length=40, blank=True)
    framework_programme = models.CharField(_("framework programme"), max_length=40, blank=True, db_index=True)
    programme = models.CharField(_("programme"), max_length=300, blank=True)
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    call = models.CharField(_("call"), max_length=200, blank=True)
    funding_scheme = models.CharField(_("funding scheme"), max_length=100, blank=True)
    keywords = models.TextField(_("keywords"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True, db_index=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    total_cost = models.DecimalField(_("total cost (EUR)"), max_digits=16, decimal_places=2, null=True, blank=True)
    ec_max_contribution = models.DecimalField(_("EU contribution (EUR)"), max_digits=16, decimal_places=2,
                                              null=True, blank=True)
    url = models.CharField(_("website"), max_length=500, blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    partners = models.ManyToManyField("actors.Actor", through="Participation", related_name="projects")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "acronym"]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="unique_project_per_source")]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.acronym or self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:detail", args=[self.pk])


class ParticipationRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PARTICIPANT = "participant", _("Participant")
    PARTNER = "partner", _("Partner")
    THIRD_PARTY = "thirdParty", _("Third party")
    ASSOCIATED_PARTNER = "associatedPartner", _("Associated partner")
    INTERNATIONAL_PARTNER = "internationalPartner", _("International partner")
    OTHER = "other", _("Other")


class Participation(RegistryModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey("actors.Actor", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=32, choices=ParticipationRole.choices)
    ec_contribution = models.DecimalField(_("EU contribution (EUR)"), max_digits=16, decimal_places=2,
                                          null=True, blank=True)
    name_in_source = models.CharField(_("name as given"), max_length=300, blank=True)
    end_of_participation = models.BooleanField(_("ended early"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "role", "actor__name"]
        constraints = [models.UniqueConstraint(fields=["project", "actor"], name="one_participation_per_actor")]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.actor} in {self.project} ({self.get_role_display()})"
