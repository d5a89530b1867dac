"""Projects and who took part: EU projects imported from CORDIS and the EDF results, and later
VISD's own projects (central project database, VISD annex 3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import OptimisticLock, Versioned
from visd.core.models import RegistryModel
from visd.core.submission import SubmissionKeyed, keyed_history


class ProjectSource(models.TextChoices):
    CORDIS = "cordis", _("EU CORDIS")
    EDF = "edf", _("European Defence Fund results")
    VISD = "visd", _("VISD")


class Project(Versioned, RegistryModel):
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


class Participation(Versioned, RegistryModel):
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


# --- VISD's own projects: the central project database (VISD annex 3) ---------------------------
# Kept apart from ``Project`` (the EU projects the importers write): a VISD project has a lifecycle,
# partners with VISD roles, results and a FRIS registration; it links to the imported EU projects.


class VisdProjectKind(models.TextChoices):
    RESEARCH_FUND = "research_fund", _("Research-fund project")
    INNOVATION_SUPPORT = "innovation_support", _("Innovation support")
    INDUSTRY_SUPPORT = "industry_support", _("Industry support")
    EDF = "edf", _("EDF participation")
    DEFRA = "defra", _("DEFRA participation")
    OTHER_PROGRAMME = "other_programme", _("Participation in another programme")


class VisdProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROPOSAL = "proposal", _("Proposal")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


#: Statuses after a positive funding decision: the project exists and is public if a flagship.
DECIDED_STATUSES = (VisdProjectStatus.APPROVED, VisdProjectStatus.RUNNING, VisdProjectStatus.CLOSED)


class VisdProject(SubmissionKeyed, OptimisticLock, RegistryModel):
    """One project of the central project database. The status changes only through
    ``visd.projects.actions.change_status``; ``version`` guards against lost updates
    (``visd.core.locking``); the create form and API carry a one-time key (``visd.core.submission``),
    so a project sent twice is recorded once."""

    acronym = models.CharField(_("acronym"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=400)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=VisdProjectKind.choices)
    flagship = models.BooleanField(_("flagship"), default=False,
                                   help_text=_("A VISD flagship project (VISD 4.2.2)."))
    domain = models.ForeignKey("taxonomy.Concept", on_delete=models.PROTECT, related_name="visd_projects",
                               verbose_name=_("focus domain"), limit_choices_to={"scheme": "focus_domain"})
    instrument = models.ForeignKey("funding.Instrument", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="visd_projects", verbose_name=_("instrument"))
    programme = models.CharField(_("programme or call"), max_length=300, blank=True,
                                 help_text=_("For participations: the programme and call, e.g. 'EDF 2025 call'."))
    status = models.CharField(_("status"), max_length=16, choices=VisdProjectStatus.choices,
                              default=VisdProjectStatus.IDEA, editable=False)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True, editable=False)
    decided_on = models.DateField(_("decision date"), null=True, blank=True, editable=False,
                                  help_text=_("Date of approval or rejection."))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    total_budget_eur = models.DecimalField(_("total budget (EUR)"), max_digits=14, decimal_places=2,
                                           null=True, blank=True)
    funding_requested_eur = models.DecimalField(_("funding requested (EUR)"), max_digits=14, decimal_places=2,
                                                null=True, blank=True)
    funding_granted_eur = models.DecimalField(_("funding granted (EUR)"), max_digits=14, decimal_places=2,
                                              null=True, blank=True)
    fris_registered_on = models.DateField(_("registered in FRIS on"), null=True, blank=True)
    fris_id = models.CharField(_("FRIS identifier"), max_length=100, blank=True)
    eu_projects = models.ManyToManyField(Project, blank=True, related_name="visd_projects",
                                         verbose_name=_("linked EU projects"),
                                         help_text=_("Projects imported from CORDIS or the EDF results."))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = keyed_history(m2m_fields=[eu_projects])

    class Meta:
        ordering = ["-created_at", "title"]
        verbose_name = _("VISD project")
        verbose_name_plural = _("VISD projects")

    def __str__(self) -> str:
        return self.acronym or self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:visd_detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        for name in ("total_budget_eur", "funding_requested_eur", "funding_granted_eur"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = _("An amount cannot be negative.")
        if (self.funding_granted_eur is not None and self.total_budget_eur is not None
                and self.funding_granted_eur > self.total_budget_eur):
            errors["funding_granted_eur"] = _("The funding granted cannot exceed the total budget.")
        if self.fris_registered_on and self.status not in DECIDED_STATUSES:
            errors["fris_registered_on"] = _("Only an approved project is registered in FRIS.")
        if self.fris_registered_on and self.decided_on and self.fris_registered_on < self.decided_on:
            errors["fris_registered_on"] = _("The FRIS registration cannot precede the approval.")
        if errors:
            raise ValidationError(errors)

    @property
    def approved_on(self):
        return self.decided_on if self.status in DECIDED_STATUSES else None

    @property
    def fris_deadline(self):
        """FRIS registration is due within four months of approval (VISD annex 3)."""
        from .fris import add_months

        approved = self.approved_on
        return add_months(approved, 4) if approved else None

    def fris_state(self, today=None):
        """'registered', 'overdue', 'due_soon' (within 30 days), 'open' or '' (not applicable)."""
        from .fris import fris_state

        return fris_state(self, today)


class VisdPartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead partner / coordinator")
    PARTNER = "partner", _("Partner")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor")
    END_USER = "end_user", _("End user")
    ADVISOR = "advisor", _("Advisory board / supporter")


class VisdProjectPartner(RegistryModel):
    """An actor taking part in a VISD project. The actor is protected: an organisation cannot be
    deleted while it is a partner of a VISD project."""

    project = models.ForeignKey(VisdProject, on_delete=models.CASCADE, related_name="partners")
    actor = models.ForeignKey("actors.Actor", on_delete=models.PROTECT, related_name="visd_partnerships",
                              verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=16, choices=VisdPartnerRole.choices,
                            default=VisdPartnerRole.PARTNER)
    budget_eur = models.DecimalField(_("budget share (EUR)"), max_digits=14, decimal_places=2,
                                     null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "role", "actor__name"]
        constraints = [models.UniqueConstraint(fields=["project", "actor"], name="one_visd_partner_per_actor")]
        verbose_name = _("VISD project partner")
        verbose_name_plural = _("VISD project partners")

    def __str__(self) -> str:
        return f"{self.actor} – {self.get_role_display()}"


class VisdResultKind(models.TextChoices):
    PUBLICATION = "publication", _("Publication")
    PATENT = "patent", _("Patent")
    PROTOTYPE = "prototype", _("Prototype")
    FOLLOW_UP_FUNDING = "follow_up_funding", _("Follow-up funding")
    OTHER = "other", _("Other result")


class VisdProjectResult(RegistryModel):
    project = models.ForeignKey(VisdProject, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("kind"), max_length=32, choices=VisdResultKind.choices)
    title = models.CharField(_("title"), max_length=400)
    date = models.DateField(_("date"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=300, blank=True,
                                 help_text=_("DOI, patent number, link or funder."))
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True,
                                     help_text=_("For follow-up funding."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "kind", "date"]
        verbose_name = _("VISD project result")
        verbose_name_plural = _("VISD project results")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.amount_eur is not None and self.amount_eur < 0:
            raise ValidationError({"amount_eur": _("An amount cannot be negative.")})
