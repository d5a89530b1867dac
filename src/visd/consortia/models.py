"""Consortium workspaces and the control relation between actors (registry data with source and date)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import Versioned
from visd.core.models import RegistryModel
from visd.core.submission import SubmissionKeyed, keyed_history


class ControlRelation(Versioned, RegistryModel):
    """Who controls an actor, directly or indirectly (Regulation (EU) 2021/697, Article 9(3)): another
    actor of the registry or an entity named outside it, with that entity's country, the source of the
    statement and its date. Kept by programme managers; a workspace reads it when a member is added."""

    controlled = models.ForeignKey("actors.Actor", on_delete=models.CASCADE, related_name="controllers",
                                   verbose_name=_("controlled organisation"))
    controller = models.ForeignKey("actors.Actor", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="controlled_entities", verbose_name=_("controlling organisation"))
    controller_name = models.CharField(_("controlling entity (outside the registry)"), max_length=300, blank=True)
    controller_country = models.CharField(_("country of the ultimate controlling entity"), max_length=2)
    source = models.CharField(_("source"), max_length=500,
                              help_text=_("Where the control is stated: annual report, register, declaration."))
    as_of = models.DateField(_("date of the statement"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["controlled", "-as_of"]
        verbose_name = _("control relation")
        verbose_name_plural = _("control relations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(controller__isnull=False) | ~models.Q(controller_name=""),
                name="control_names_a_controller"),
            models.CheckConstraint(condition=~models.Q(controller=models.F("controlled")),
                                   name="control_not_by_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.controlled} <- {self.controller_label}"

    @property
    def controller_label(self) -> str:
        return self.controller.display_name if self.controller_id else self.controller_name


class Action(models.TextChoices):
    RESEARCH = "research", _("Research action")
    DEVELOPMENT = "development", _("Development action")


class ConsortiumStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    CONVERTED = "converted", _("Turned into a VISD project")


class Consortium(SubmissionKeyed, Versioned, RegistryModel):
    """A consortium workspace. Its create form carries a one-time key (``visd.core.submission``), so
    a form sent twice makes one workspace."""

    call = models.ForeignKey("funding.Call", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="consortia", verbose_name=_("call topic"))
    title = models.CharField(_("title"), max_length=300)
    programme = models.CharField(_("programme"), max_length=20, default="EDF")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices, default=Action.RESEARCH)
    derogation = models.CharField(_("derogation"), max_length=40, blank=True,
                                  help_text=_("A derogation of the regulation the call applies, such as disruptive technologies."))
    description = models.TextField(_("draft text"), blank=True,
                                   help_text=_("What the consortium wants to do; partner suggestions complement it."))
    funding_base = models.CharField(_("kind of activities (funding rate)"), max_length=20, default="research")
    pesco = models.BooleanField(_("developed in a PESCO project"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=ConsortiumStatus.choices, default=ConsortiumStatus.DRAFT)
    project = models.OneToOneField("projects.VisdProject", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="consortium", verbose_name=_("VISD project"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    history = keyed_history()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consortia:detail", args=[self.pk])


class MemberRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    BENEFICIARY = "beneficiary", _("Beneficiary")
    AFFILIATED = "affiliated_entity", _("Affiliated entity")
    ASSOCIATED_PARTNER = "associated_partner", _("Associated partner")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor")


class ConsortiumMember(SubmissionKeyed, Versioned, RegistryModel):
    """A member of a workspace. Each add form carries a one-time key (``visd.core.submission``): a
    member added by name has nothing else that tells a second copy of the form from a second member."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    actor = models.ForeignKey("actors.Actor", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="consortium_memberships", verbose_name=_("organisation in the registry"))
    name = models.CharField(_("name"), max_length=300)
    pic = models.CharField(_("PIC"), max_length=9, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.BENEFICIARY)
    country = models.CharField(_("country of establishment"), max_length=2, blank=True)
    management_country = models.CharField(_("country of the executive management structures"), max_length=2, blank=True)
    sme = models.BooleanField(_("SME"), null=True, blank=True)
    mid_cap = models.BooleanField(_("mid-cap"), null=True, blank=True)
    # control: not stated (unknown), nobody, another member, or an entity outside the consortium
    control_stated = models.BooleanField(_("control stated"), default=False)
    controlled_by_member = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                             related_name="controls", verbose_name=_("controlled by member"))
    controlled_by_name = models.CharField(_("controlled by (outside entity)"), max_length=300, blank=True)
    controller_country = models.CharField(_("country of the ultimate controlling entity"), max_length=2, blank=True)
    guarantees = models.BooleanField(_("guarantees approved by the country of establishment"), default=False)
    control_source = models.CharField(_("source of the control data"), max_length=500, blank=True)
    budget_eur = models.DecimalField(_("eligible costs (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True)
    history = keyed_history()

    class Meta:
        ordering = ["consortium", "pk"]
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def engine_id(self) -> str:
        return f"m{self.pk}"
