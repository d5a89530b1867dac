"""Users' roles in VISD Hub, and the abstract base every registry record shares."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """The roles of VISD governance (VISD chapter 5) plus the ecosystem's own users."""

    ADMINISTRATOR = "administrator", _("Administrator")
    DIRECTOR = "director", _("Programme director")
    COORDINATOR = "coordinator", _("Programme coordinator")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    ACTOR_USER = "actor_user", _("Actor user")
    # Defence users (DGMR, KHID, DIRS) looking for Flemish capability: they read the restricted items
    # of capability profiles (visd.profiles), and nothing else beyond what an ecosystem member sees.
    DEFENCE = "defence", _("Defence")
    # A logged-in user with no role sees what the public sees.
    NONE = "none", _("No role")


class UserProfile(models.Model):
    """What a user may do: the role, the portfolios of a programme manager, the organisation of
    an actor user. Permission checks live in ``visd.core.permissions``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.NONE)
    portfolios = models.ManyToManyField(
        "taxonomy.Portfolio", blank=True, related_name="managers", verbose_name=_("portfolios")
    )
    actor = models.ForeignKey(
        "actors.Actor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        verbose_name=_("organisation"),
        help_text=_("For actor users: the organisation whose profile they may edit."),
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class RegistryModel(models.Model):
    """Base of every registry record: timestamps. Each concrete model adds
    ``history = HistoricalRecords()`` so every change is kept (who, when, what)."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Sourced(models.Model):
    """Reference data carries where each fact comes from: document and section or line."""

    source = models.CharField(
        _("source"),
        max_length=500,
        help_text=_("Document and section or line the fact comes from, e.g. 'VISD (003) fig. 12, line 1430'."),
    )

    class Meta:
        abstract = True
