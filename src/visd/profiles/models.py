"""The capability profile an organisation maintains itself (issue 14 items 2 and 3, docs/onboarding.md).

One ``CapabilityProfile`` per actor holds the single-valued items (description, size and its figures,
value-chain position, certifications, facility security clearance, website, contact point, languages);
``ProfileStatement`` records for each of those items who stated it, when, its provenance and its
visibility tier. Offers and what the organisation seeks are rows of their own, each with the same four
facts. Who may see an item is decided by ``visd.core.permissions.can_view_profile_item``; every write
goes through ``visd.profiles.actions``."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.actors.models import SizeClass, ValueChainPosition
from visd.core.locking import OptimisticLock
from visd.core.models import RegistryModel
from visd.core.submission import SubmissionKeyed, keyed_history

MAX_DESCRIPTION = 5000
MAX_SHORT_TEXT = 500
MAX_CERTIFICATIONS = 2000


class Tier(models.TextChoices):
    """Who may see a profile item (``permissions.can_view_profile_item``)."""

    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members of the ecosystem (logged in)")
    RESTRICTED = "restricted", _("VISD staff and Defence only")


class Provenance(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    SELF_DECLARED = "self_declared", _("Self-declared")
    VALIDATED = "validated", _("Validated by a programme manager")


class Review(models.TextChoices):
    """Where an item stands in validation (issue 14 item 4): what the organisation wrote shows at once to
    itself and to VISD staff; everyone else sees the version last published."""

    PENDING = "pending", _("Awaiting validation")
    PUBLISHED = "published", _("Validated and published")
    TRUSTED = "trusted", _("Published at once (trusted organisation)")
    REJECTED = "rejected", _("Not published")


class Use(models.TextChoices):
    CIVIL = "civil", _("Civil")
    DUAL_USE = "dual_use", _("Dual-use")
    DEFENCE = "defence", _("Defence")


class SeekKind(models.TextChoices):
    PARTNERS = "partners", _("Partners")
    TEST_FACILITIES = "test_facilities", _("Test facilities")
    FUNDING = "funding", _("Funding")
    CUSTOMERS = "customers", _("Customers")
    TALENT = "talent", _("Talent")


class SecurityClearance(models.TextChoices):
    """Facility security clearance (Belgian National Security Authority levels)."""

    NONE = "none", _("None")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")
    TOP_SECRET = "top_secret", _("Top secret")
    UNKNOWN = "", _("Not stated")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    GERMAN = "de", _("German")


ML_CATEGORY = re.compile(r"^ML([1-9]|1[0-9]|2[0-2])$")


def validate_ml_category(value: str) -> None:
    """A category of the EU Common Military List: ML1 to ML22.

    >>> validate_ml_category("ML22")
    >>> try:
    ...     validate_ml_category("ML99")
    ... except ValidationError as exc:
    ...     print(exc.code)   # the message follows the active language
    ml_category
    """
    if value and not ML_CATEGORY.match(value):
        raise ValidationError(_("Give a Military List category ML1 to ML22, e.g. ML5."), code="ml_category")


def validate_languages(value) -> None:
    if not isinstance(value, list) or any(code not in Language.values for code in value):
        raise ValidationError(_("Choose languages from the list."), code="languages")


# Commission Recommendation 2003/361/EC of 6 May 2003 concerning the definition of micro, small and
# medium-sized enterprises (OJ L 124, 20.5.2003, p. 36), Annex, article 2: a staff headcount ceiling,
# and an annual turnover OR an annual balance sheet total ceiling (either one suffices).
SME_CEILINGS = (
    # (class, staff fewer than, turnover at most, balance sheet total at most), in euro
    (SizeClass.MICRO, 10, 2_000_000, 2_000_000),
    (SizeClass.SMALL, 50, 10_000_000, 10_000_000),
    (SizeClass.MEDIUM, 250, 50_000_000, 43_000_000),
)


def size_class_for(staff: int | None, turnover: int | None, balance_sheet: int | None) -> str:
    """The EU SME class from the figures (Recommendation 2003/361/EC, Annex, art. 2); '' (unknown)
    without a headcount or without both financial figures.

    >>> size_class_for(9, 2_000_000, None)
    'micro'
    >>> size_class_for(9, 3_000_000, 1_500_000)
    'micro'
    >>> size_class_for(10, 1_000_000, 1_000_000)
    'small'
    >>> size_class_for(249, 60_000_000, 43_000_000)
    'medium'
    >>> size_class_for(249, 60_000_000, 44_000_000)
    'large'
    >>> size_class_for(None, 1, 1)
    ''
    """
    if staff is None or (turnover is None and balance_sheet is None):
        return SizeClass.UNKNOWN.value
    for size, staff_below, turnover_max, balance_max in SME_CEILINGS:
        if staff < staff_below and (
            (turnover is not None and turnover <= turnover_max)
            or (balance_sheet is not None and balance_sheet <= balance_max)
        ):
            return size.value
    return SizeClass.LARGE.value


class Stated(models.Model):
    """Who stated a profile item, when, where it comes from, and who may see it."""

    visibility = models.CharField(_("visible to"), max_length=16, choices=Tier.choices, default=Tier.PUBLIC)
    provenance = models.CharField(_("provenance"), max_length=16, choices=Provenance.choices,
                                  default=Provenance.SELF_DECLARED)
    stated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("stated by"))
    stated_at = models.DateTimeField(_("stated at"), null=True, blank=True)
    # Validation (issue 14 item 4, ``visd.profiles.review``). ``published_values`` and
    # ``published_visibility`` are the version others see; '' / None while nothing has been published.
    review = models.CharField(_("validation"), max_length=16, choices=Review.choices, default=Review.PENDING)
    published_values = models.JSONField(_("published values"), null=True, blank=True, editable=False)
    published_visibility = models.CharField(_("published visible to"), max_length=16, blank=True, default="",
                                            choices=Tier.choices, editable=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True, max_length=MAX_SHORT_TEXT)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return bool(self.published_visibility)

    @property
    def has_unpublished_change(self) -> bool:
        return self.review in (Review.PENDING, Review.REJECTED)


class ProfileItem(models.TextChoices):
    """The single-valued items of a profile, each with its own tier and statement."""

    DESCRIPTION = "description", _("Description")
    SIZE = "size", _("Size")
    VALUE_CHAIN = "value_chain", _("Value-chain position")
    CERTIFICATIONS = "certifications", _("Certifications")
    SECURITY_CLEARANCE = "security_clearance", _("Facility security clearance")
    WEBSITE = "website", _("Website")
    CONTACT = "contact", _("Contact point")
    LANGUAGES = "languages", _("Languages")


# Which fields of CapabilityProfile make up each item.
ITEM_FIELDS = {
    ProfileItem.DESCRIPTION: ("description_nl", "description_en"),
    ProfileItem.SIZE: ("staff_headcount", "annual_turnover", "balance_sheet_total"),
    ProfileItem.VALUE_CHAIN: ("value_chain_position",),
    ProfileItem.CERTIFICATIONS: ("certifications",),
    ProfileItem.SECURITY_CLEARANCE: ("security_clearance",),
    ProfileItem.WEBSITE: ("website",),
    ProfileItem.CONTACT: ("contact_email",),
    ProfileItem.LANGUAGES: ("languages",),
}
# Sensitive items start in the narrowest tier; the rest are public until the organisation says otherwise.
DEFAULT_ITEM_TIER = {ProfileItem.SECURITY_CLEARANCE: Tier.RESTRICTED}


def default_item_tier(item: str) -> str:
    return DEFAULT_ITEM_TIER.get(item, Tier.PUBLIC)


class CapabilityProfile(OptimisticLock, RegistryModel):
    """An actor's own profile. Its primary key is the actor's."""

    actor = models.OneToOneField("actors.Actor", primary_key=True, on_delete=models.CASCADE,
                                 related_name="capability_profile", verbose_name=_("organisation"))
    description_nl = models.TextField(_("description (Dutch)"), blank=True, max_length=MAX_DESCRIPTION)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=MAX_DESCRIPTION)
    staff_headcount = models.PositiveIntegerField(_("staff headcount (annual work units)"), null=True, blank=True)
    annual_turnover = models.PositiveBigIntegerField(_("annual turnover (EUR)"), null=True, blank=True)
    balance_sheet_total = models.PositiveBigIntegerField(_("annual balance sheet total (EUR)"), null=True, blank=True)
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices, blank=True, default="",
                                  editable=False, help_text=_("Derived from the figures by the EU SME definition."))
    value_chain_position = models.CharField(_("value-chain position"), max_length=16,
                                            choices=ValueChainPosition.choices, blank=True, default="")
    certifications = models.TextField(_("declared certifications"), blank=True, max_length=MAX_CERTIFICATIONS,
                                      help_text=_("One per line, e.g. ISO 9001, AQAP 2110, EN 9100."))
    security_clearance = models.CharField(_("facility security clearance"), max_length=16,
                                          choices=SecurityClearance.choices, blank=True, default="")
    website = models.CharField(_("website"), max_length=300, blank=True, validators=[URLValidator()])
    contact_email = models.EmailField(_("contact point"), blank=True,
                                      help_text=_("A role address such as info@ or sales@, not a person's own."))
    languages = models.JSONField(_("languages"), default=list, blank=True, validators=[validate_languages])
    trusted = models.BooleanField(_("trusted organisation"), default=False, editable=False, help_text=_(
        "Marked by the coordinator: the organisation's changes are published at once, without validation."))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()
    history_hidden_fields = ("version",)  # the lost-update counter, raised on every save

    class Meta:
        verbose_name = _("capability profile")
        verbose_name_plural = _("capability profiles")

    def __str__(self) -> str:
        return str(self.actor)

    @property
    def owner_actor_id(self) -> int:
        return self.actor_id

    @property
    def description(self) -> str:
        if translation.get_language() == "en":
            return self.description_en or self.description_nl
        return self.description_nl or self.description_en

    def save(self, *args, **kwargs):
        self.size_class = size_class_for(self.staff_headcount, self.annual_turnover, self.balance_sheet_total)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.actor.get_absolute_url()


class ProfileStatement(RegistryModel, Stated):
    """Who stated one single-valued item of a profile, when, its provenance and its tier."""

    profile = models.ForeignKey(CapabilityProfile, on_delete=models.CASCADE, related_name="statements")
    item = models.CharField(_("item"), max_length=32, choices=ProfileItem.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "item"], name="one_statement_per_profile_item")]
        verbose_name = _("profile statement")
        verbose_name_plural = _("profile statements")

    def __str__(self) -> str:
        return f"{self.profile} – {self.get_item_display()}"

    @property
    def owner_actor_id(self) -> int:
        return self.profile_id


class Offer(SubmissionKeyed, OptimisticLock, RegistryModel, Stated):
    """A capability, product or service the organisation offers."""

    profile = models.ForeignKey(CapabilityProfile, on_delete=models.CASCADE, related_name="offers")
    text = models.CharField(_("offer"), max_length=MAX_SHORT_TEXT,
                            help_text=_("A capability, product or service, in a sentence or two."))
    domains = models.ManyToManyField("taxonomy.Concept", blank=True, related_name="+",
                                     limit_choices_to={"scheme": "focus_domain"}, verbose_name=_("focus domains"))
    captechs = models.ManyToManyField("taxonomy.Concept", blank=True, related_name="+",
                                      limit_choices_to={"scheme": "captech"}, verbose_name=_("EDA CapTechs"))
    trl = models.PositiveSmallIntegerField(_("TRL"), null=True, blank=True,
                                           validators=[MinValueValidator(1), MaxValueValidator(9)],
                                           help_text=_("Technology readiness level, 1 to 9."))
    use = models.CharField(_("civil / dual-use / defence"), max_length=16, choices=Use.choices, default=Use.CIVIL)
    ml_category = models.CharField(_("Military List category"), max_length=4, blank=True,
                                   validators=[validate_ml_category],
                                   help_text=_("Optional: ML1 to ML22 of the EU Common Military List."))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = keyed_history(m2m_fields=[domains, captechs])
    history_hidden_fields = ("version",)

    class Meta:
        ordering = ["profile", "pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def owner_actor_id(self) -> int:
        return self.profile_id

    def default_tier(self) -> str:
        """Defence offers start restricted."""
        return Tier.RESTRICTED if self.use == Use.DEFENCE else Tier.PUBLIC

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("actors:detail", args=[self.profile_id]) + f"#offer-{self.pk}"


class Seek(SubmissionKeyed, OptimisticLock, RegistryModel, Stated):
    """Something the organisation seeks."""

    profile = models.ForeignKey(CapabilityProfile, on_delete=models.CASCADE, related_name="seeks")
    kind = models.CharField(_("seeks"), max_length=16, choices=SeekKind.choices)
    text = models.CharField(_("what exactly"), max_length=MAX_SHORT_TEXT, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = keyed_history()
    history_hidden_fields = ("version",)

    class Meta:
        ordering = ["profile", "kind", "pk"]
        verbose_name = _("sought")
        verbose_name_plural = _("sought")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def owner_actor_id(self) -> int:
        return self.profile_id

    def default_tier(self) -> str:
        """Customers sought start restricted."""
        return Tier.RESTRICTED if self.kind == SeekKind.CUSTOMERS else Tier.PUBLIC

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("actors:detail", args=[self.profile_id]) + f"#seek-{self.pk}"
