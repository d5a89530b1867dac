"""Actors: the organisations of the ecosystem (companies, knowledge institutions, clusters, public
bodies, financiers, defence customers and primes), with identifiers, region and tags."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import Versioned
from visd.core.models import RegistryModel

from . import identifiers, names


class ActorKind(models.TextChoices):
    COMPANY = "company", _("Company")
    UNIVERSITY = "university", _("University")
    UNIVERSITY_COLLEGE = "university_college", _("University college")
    STRATEGIC_RESEARCH_CENTRE = "src", _("Strategic research centre")
    RESEARCH_ORGANISATION = "research", _("Other research organisation")
    CLUSTER = "cluster", _("Cluster or network")
    PUBLIC_BODY = "public_body", _("Public body")
    FINANCIER = "financier", _("Financier")
    DEFENCE = "defence", _("Defence customer or prime")
    OTHER = "other", _("Other")


class SizeClass(models.TextChoices):
    """EU SME definition, Commission Recommendation 2003/361/EC."""

    MICRO = "micro", _("Micro (< 10 staff, <= EUR 2 M)")
    SMALL = "small", _("Small (< 50 staff, <= EUR 10 M)")
    MEDIUM = "medium", _("Medium (< 250 staff, turnover <= EUR 50 M or balance sheet <= EUR 43 M)")
    LARGE = "large", _("Large")
    UNKNOWN = "", _("Unknown")


class Region(models.TextChoices):
    FLANDERS = identifiers.FLANDERS, _("Flanders")
    BRUSSELS = identifiers.BRUSSELS, _("Brussels-Capital")
    WALLONIA = identifiers.WALLONIA, _("Wallonia")
    ABROAD = identifiers.ABROAD, _("Abroad")
    UNKNOWN = identifiers.UNKNOWN, _("Unknown")


class RegionSource(models.TextChoices):
    """How an actor's region was obtained. The postcode (the official source) always wins; a region
    set by a person is kept as long as there is no postcode; the municipality name (GeoNames) only
    fills a region that is otherwise unknown."""

    POSTCODE = "postcode", _("Postcode")
    COUNTRY = "country", _("Country (outside Belgium)")
    CITY = "city", _("Municipality (GeoNames)")
    CURATED = "curated", _("Set by a person")
    UNKNOWN = "", _("Unknown")


class ValueChainPosition(models.TextChoices):
    """Value-chain tiers as VARIO advice 38 uses them."""

    PRIME = "prime", _("OEM / prime")
    TIER1 = "tier1", _("Tier 1")
    TIER2 = "tier2", _("Tier 2")
    SUPPLIER = "supplier", _("Technology or subsystem supplier")
    UNKNOWN = "", _("Unknown")


class DefenceProfile(models.TextChoices):
    CIVIL = "civil", _("Civil")
    DUAL_USE = "dual_use", _("Dual-use")
    DEFENCE = "defence", _("Defence")
    UNKNOWN = "", _("Unknown")


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified (imported or self-declared)")
    VERIFIED = "verified", _("Verified by VISD")
    REJECTED = "rejected", _("Rejected")


class TagOrigin(models.TextChoices):
    SELF_DECLARED = "self_declared", _("Self-declared")
    CURATED = "curated", _("Curated by a programme manager")
    DERIVED = "derived", _("Derived from text")


class Actor(Versioned, RegistryModel):
    name = models.CharField(_("name"), max_length=300, db_index=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    preferred_name = models.CharField(
        _("preferred display name"), max_length=300, blank=True, default="",
        help_text=_("How people write the name, e.g. 'KU Leuven'. Shown instead of the name derived from the "
                    "official name (which stays as imported). Leave empty to derive it."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ActorKind.choices, default=ActorKind.OTHER)
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices, blank=True, default="")
    pic = models.CharField(
        _("PIC"), max_length=9, null=True, blank=True, unique=True,
        validators=[identifiers.validate_pic],
        help_text=_("EU Participant Identification Code, 9 digits."),
    )
    kbo = models.CharField(
        _("enterprise number (KBO)"), max_length=10, null=True, blank=True, unique=True,
        validators=[identifiers.validate_kbo],
        help_text=_("Belgian enterprise number, 10 digits with valid check digits."),
    )
    other_pics = models.JSONField(
        _("other PICs"), default=list, blank=True,
        help_text=_("Further PICs under which the same organisation (same VAT or KBO number) took part."),
    )
    vat = models.CharField(_("VAT number"), max_length=20, null=True, blank=True, unique=True)
    website = models.CharField(_("website"), max_length=300, blank=True, validators=[URLValidator()])
    street = models.CharField(_("street"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, db_index=True,
                               help_text=_("ISO 3166-1 alpha-2 code (EL for Greece, as the EU writes it)."))
    region = models.CharField(
        _("region"), max_length=16, choices=Region.choices, blank=True, db_index=True,
        help_text=_("Follows the postcode. Without a postcode it is taken from the municipality (GeoNames), "
                    "unless a person sets it here."),
    )
    region_source = models.CharField(
        _("region source"), max_length=16, choices=RegionSource.choices, blank=True, default="", editable=False,
        help_text=_("How the region was obtained: postcode, country, municipality (GeoNames) or set by a person."),
    )
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    value_chain_position = models.CharField(
        _("value-chain position"), max_length=16, choices=ValueChainPosition.choices, blank=True, default=""
    )
    defence_profile = models.CharField(
        _("civil / dual-use / defence"), max_length=16, choices=DefenceProfile.choices, blank=True, default=""
    )
    clusters = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="members",
        limit_choices_to={"kind": ActorKind.CLUSTER}, verbose_name=_("cluster memberships"),
    )
    concepts = models.ManyToManyField(
        "taxonomy.Concept", through="ActorTag", blank=True, related_name="actors", verbose_name=_("tags")
    )
    verification_status = models.CharField(
        _("verification status"), max_length=16, choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED,
    )
    data_source = models.CharField(_("data source"), max_length=200, blank=True,
                                   help_text=_("Where the record came from, e.g. 'CORDIS H2020 organisations'."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        indexes = [models.Index(fields=["country", "region", "kind"])]

    def __str__(self) -> str:
        return names.full_display_name(self.name, self.preferred_name)

    @property
    def display_name(self) -> str:
        """The name as people write it, without the legal form (``visd.actors.names``): the preferred
        name when a person set one, else the official name in its usual case."""
        return names.display_parts(self.name, self.preferred_name)[0]

    @property
    def legal_form(self) -> str:
        """The legal form at the end of the official name ("NV", "GmbH"), or ''."""
        return names.display_parts(self.name, self.preferred_name)[1]

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self) -> None:
        """Normalise identifiers and derive the region. Called by save(), and by the importers
        before a bulk insert, which bypasses save()."""
        self.region, self.region_source = self.derived_region()
        self.vat = identifiers.normalise_vat(self.vat) or None
        self.kbo = identifiers.normalise_kbo(self.kbo) or identifiers.kbo_from_vat(self.vat) or None
        self.pic = (self.pic or "").strip() or None

    def derived_region(self) -> tuple[str, str]:
        """(region, region source) this actor should have: from the postcode (or the country, outside
        Belgium), which always wins; else the region a person set (kept); else from the municipality
        name in GeoNames (``identifiers.region_from_city``); else unknown."""
        region = identifiers.region_for(self.country, self.postcode)
        if region == identifiers.ABROAD:
            return region, RegionSource.COUNTRY
        if region:
            return region, RegionSource.POSTCODE
        if (self.country or "").strip().upper() != "BE":
            return identifiers.UNKNOWN, RegionSource.UNKNOWN
        if self.region_source == RegionSource.CURATED and self.region in identifiers.BELGIAN_REGIONS:
            return self.region, RegionSource.CURATED
        region, _evidence = identifiers.region_from_city(self.city)
        if region:
            return region, RegionSource.CITY
        return identifiers.UNKNOWN, RegionSource.UNKNOWN

    @property
    def region_origin(self) -> str:
        """How the region was obtained, in words, for the actor page."""
        if self.region_source == RegionSource.CITY:
            return _("derived from the municipality %(city)s, GeoNames") % {"city": self.city}
        if self.region_source == RegionSource.POSTCODE:
            return _("from the postcode %(postcode)s") % {"postcode": self.postcode}
        if self.region_source == RegionSource.CURATED:
            return _("set by a person")
        return ""

    @property
    def description(self) -> str:
        if translation.get_language() == "en":
            return self.description_en or self.description_nl
        return self.description_nl or self.description_en

    @property
    def kbo_display(self) -> str:
        return identifiers.format_kbo(self.kbo)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("actors:detail", args=[self.pk])


class ActorTag(Versioned, RegistryModel):
    """A concept attached to an actor, with its origin. Curated tags win over derived ones: the
    tagging engine never overwrites or removes a curated or self-declared tag. Under the lost-update
    lock (``visd.core.locking``): curators change a tag through the API and the admin, the tagging
    engine rewrites derived ones."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="tags")
    concept = models.ForeignKey("taxonomy.Concept", on_delete=models.CASCADE, related_name="actor_tags")
    origin = models.CharField(_("origin"), max_length=16, choices=TagOrigin.choices)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("Which words matched, for derived tags."))
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "concept"], name="one_tag_per_actor_concept")]
        verbose_name = _("actor tag")
        verbose_name_plural = _("actor tags")

    def __str__(self) -> str:
        return f"{self.actor} – {self.concept} ({self.get_origin_display()})"


class ActorMerge(models.Model):
    """Audit entry of a merge of two records of one organisation (``visd.actors.merge``): who merged
    which record into which, when, and what moved. The merged record itself is deleted; its id, name
    and identifiers stay here."""

    survivor = models.ForeignKey(Actor, null=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("kept record"))
    merged_id = models.BigIntegerField(_("merged record id"))
    merged_name = models.CharField(_("merged record name"), max_length=300)
    merged_identifiers = models.JSONField(_("merged record identifiers"), default=dict, blank=True)
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("performed by"))
    performed_at = models.DateTimeField(_("performed at"), auto_now_add=True)
    moved = models.JSONField(_("moved"), default=dict, blank=True,
                             help_text=_("Rows moved to the kept record, per relation."))
    notes = models.JSONField(_("notes"), default=list, blank=True,
                             help_text=_("Clashes resolved (e.g. the same project twice: one participation kept)."))

    class Meta:
        ordering = ["-performed_at"]
        verbose_name = _("actor merge")
        verbose_name_plural = _("actor merges")

    def __str__(self) -> str:
        return f"#{self.merged_id} {self.merged_name} -> #{self.survivor_id}"
