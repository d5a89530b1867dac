from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from visd.core import permissions
from visd.core.api.serializers import RegistrySerializer
from visd.taxonomy.api.serializers import ConceptBriefSerializer

from .. import identifiers
from ..models import Actor, ActorTag, TagOrigin

COUNTRY_CODE_MESSAGE = _("Use the two-letter ISO 3166-1 country code, e.g. BE (EL for Greece).")


class ActorTagNestedSerializer(serializers.ModelSerializer):
    """A tag as the actor shows it: the concept and where the tag came from."""

    concept = ConceptBriefSerializer(read_only=True)

    class Meta:
        model = ActorTag
        fields = ["id", "concept", "origin", "confidence"]
        read_only_fields = fields


class SearchEvidenceProjectSerializer(serializers.Serializer):
    project_id = serializers.IntegerField(allow_null=True, help_text=_("The project's id (/api/projects/{id}/)."))
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    matched_terms = serializers.ListField(child=serializers.CharField(),
                                          help_text=_("The search's words that this project matched."))


class ActorSearchMatchSerializer(serializers.Serializer):
    """Why a search (``q``) found the actor."""

    matched_by = serializers.ListField(
        child=serializers.ChoiceField(choices=["identifier", "name", "capability"]),
        help_text=_("identifier: its PIC, KBO or VAT number; name: every word of the search is a whole word of "
                    "its name; capability: its description or past projects are about the search."))
    score = serializers.FloatField(allow_null=True, help_text=_("The matching engine's relevance score "
                                                                "(null for a name or identifier hit alone)."))
    identifier = serializers.CharField(help_text=_("PIC, KBO or VAT when found by that number, else empty."))
    name_words = serializers.ListField(child=serializers.CharField(), help_text=_("Words found in its name."))
    matched_terms = serializers.ListField(child=serializers.CharField(),
                                          help_text=_("The search's words found in its description and projects."))
    matched_words = serializers.ListField(child=serializers.CharField(),
                                          help_text=_("All the search's words that matched (name and texts)."))
    concepts = serializers.ListField(child=serializers.CharField(),
                                     help_text=_("Focus domains and CapTechs the search and the actor share."))
    evidence_projects = SearchEvidenceProjectSerializer(many=True, help_text=_(
        "Up to three past projects that are about the search, closest first."))


class ActorSerializer(RegistrySerializer):
    """An organisation. Identifiers are checked and normalised as ``Actor.save`` stores them
    (KBO with check digits, PIC of 9 digits, VAT without punctuation), and their uniqueness is
    checked on that stored form, so '0417.497.106' and '0417497106' are the same number. The region
    is derived from country and postcode; tags are edited through /api/actor-tags/."""

    pic = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=9, validators=[identifiers.validate_pic],
        help_text=_("EU Participant Identification Code, 9 digits."),
    )
    kbo = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=20, validators=[identifiers.validate_kbo],
        help_text=_("Belgian enterprise number, e.g. 0417.497.106; stored as 10 digits."),
    )
    vat = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=30,
        help_text=_("VAT number, e.g. BE0417497106; stored without spaces or dots."),
    )
    other_pics = serializers.ListField(
        child=serializers.CharField(max_length=9, validators=[identifiers.validate_pic]), required=False,
        help_text=_("Further PICs of the same organisation."),
    )
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, allow_blank=True, error_messages={"invalid": COUNTRY_CODE_MESSAGE},
        help_text=COUNTRY_CODE_MESSAGE,
    )
    kbo_display = serializers.CharField(read_only=True, help_text=_("Enterprise number as 0417.497.106."))
    display_name = serializers.CharField(read_only=True, help_text=_(
        "The name as people read it: preferred_name when set, else the official name (name, as imported) in its "
        "usual case, without the legal form (docs/data.md, Display names)."))
    legal_form = serializers.CharField(read_only=True, help_text=_(
        "The legal form at the end of the official name (NV, BV, SA, GmbH...), or empty."))
    tags = ActorTagNestedSerializer(many=True, read_only=True)
    search = ActorSearchMatchSerializer(
        read_only=True, allow_null=True,
        help_text=_("In a list searched with q: why the search found this actor; otherwise null."))

    class Meta:
        model = Actor
        fields = [
            "id", "name", "display_name", "legal_form", "preferred_name", "short_name", "kind", "size_class", "pic", "kbo", "kbo_display", "other_pics", "vat",
            "website", "street", "postcode", "city", "country", "region", "region_source", "description_nl",
            "description_en",
            "value_chain_position", "defence_profile", "clusters", "tags", "verification_status", "data_source",
            "created_at", "updated_at", "search",
        ]
        read_only_fields = ["region", "region_source", "created_at", "updated_at"]

    # Fields that only the programme office sets: an actor user editing their own profile may not
    # declare it verified or rewrite where it came from.
    CURATED_FIELDS = ("verification_status", "data_source")

    def validate_country(self, value):
        return value.upper()

    def validate_kbo(self, value):
        return identifiers.normalise_kbo(value) or None

    def validate_vat(self, value):
        vat = identifiers.normalise_vat(value)
        if vat.startswith("BE") and not identifiers.kbo_from_vat(vat):
            raise serializers.ValidationError(
                _("%(value)s is not a valid Belgian VAT number: BE followed by a valid enterprise number.")
                % {"value": value}
            )
        return vat or None

    def validate_pic(self, value):
        return value or None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = {}
        user = self.context["request"].user
        if not permissions.is_visd_staff(user):
            for name in self.CURATED_FIELDS:
                if name in attrs and attrs[name] != getattr(self.instance or Actor(), name):
                    errors[name] = _("Only the VISD programme office can change this field.")
        record = self.candidate(attrs)
        kbo = record.kbo or identifiers.kbo_from_vat(record.vat) or None
        if record.kbo and record.vat and identifiers.kbo_from_vat(record.vat) not in ("", record.kbo):
            errors["vat"] = _("The VAT number does not contain the enterprise number given.")
        for name, value in (("pic", record.pic), ("kbo", kbo), ("vat", record.vat)):
            if value:
                other = Actor.objects.exclude(pk=record.pk).filter(**{name: value}).first()
                if other is not None:
                    errors.setdefault(name, _("Actor %(id)s (%(name)s) already has this number.")
                                      % {"id": other.pk, "name": other.name})
        if record.pk is not None and record.pk in {cluster.pk for cluster in attrs.get("clusters", ())}:
            errors["clusters"] = _("An organisation cannot be a member of itself.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ActorTagSerializer(RegistrySerializer):
    """A concept attached to an actor. An actor user tags their own organisation, and such tags are
    self-declared; programme managers and management curate."""

    concept_detail = ConceptBriefSerializer(source="concept", read_only=True)
    actor_name = serializers.CharField(source="actor.name", read_only=True)

    class Meta:
        model = ActorTag
        fields = ["id", "actor", "actor_name", "concept", "concept_detail", "origin", "confidence", "evidence",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"confidence": {"min_value": 0.0, "max_value": 1.0}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = self.context["request"].user
        origin = attrs.get("origin", getattr(self.instance, "origin", None))
        if not permissions.is_visd_staff(user) and origin != TagOrigin.SELF_DECLARED:
            raise serializers.ValidationError(
                {"origin": _("Tags added by an organisation itself are self-declared.")}
            )
        return attrs
