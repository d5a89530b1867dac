from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from visd.core import permissions
from visd.core.api.submission import SubmissionKeyField
from visd.taxonomy.models import Concept, Scheme

from .. import review
from ..models import ITEM_FIELDS, CapabilityProfile, Language, Offer, ProfileItem, Seek, Tier


class StatedFields(serializers.Serializer):
    visibility = serializers.ChoiceField(choices=Tier.choices, required=False, help_text=_(
        "public, members (logged-in users with a VISD role) or restricted (VISD staff and Defence). Left out "
        "when creating: restricted for a defence offer or customers sought, else public."))
    provenance = serializers.CharField(read_only=True, help_text=_("imported, self_declared or validated."))
    stated_by = serializers.SerializerMethodField(help_text=_("Username of who stated it; VISD staff only."))
    stated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    version = serializers.IntegerField(required=False, help_text=_(
        "The version you read; required to change. A stale one is a 409 and nothing is written."))
    review = serializers.SerializerMethodField(help_text=_(
        "pending, published, trusted or rejected: for the organisation's representatives and VISD staff; "
        "null for everyone else, who see the published version."))
    review_reason = serializers.SerializerMethodField(help_text=_("Why a change was rejected (same readers)."))
    submission_key = SubmissionKeyField()  # when adding; a change ignores it

    def _sees_review(self, obj) -> bool:
        request = self.context.get("request")
        return request is not None and permissions.sees_unpublished_profile(request.user, obj.profile_id)

    def get_review(self, obj) -> str | None:
        return obj.review if self._sees_review(obj) else None

    def get_review_reason(self, obj) -> str | None:
        return obj.review_reason if self._sees_review(obj) else None

    def get_stated_by(self, obj) -> str | None:
        request = self.context.get("request")
        if request is None or not permissions.is_visd_staff(request.user) or obj.stated_by is None:
            return None
        return obj.stated_by.get_username()


class OfferSerializer(StatedFields, serializers.ModelSerializer):
    domains = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN))
    captechs = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Concept.objects.filter(scheme=Scheme.CAPTECH))

    class Meta:
        model = Offer
        fields = ["id", "actor", "text", "domains", "captechs", "trl", "use", "ml_category",
                  "visibility", "provenance", "stated_by", "stated_at", "version", "review", "review_reason",
                  "submission_key"]

    actor = serializers.IntegerField(source="profile_id", read_only=True, help_text=_("The actor's id."))


class SeekSerializer(StatedFields, serializers.ModelSerializer):
    actor = serializers.IntegerField(source="profile_id", read_only=True, help_text=_("The actor's id."))

    class Meta:
        model = Seek
        fields = ["id", "actor", "kind", "text", "visibility", "provenance", "stated_by", "stated_at", "version",
                  "review", "review_reason", "submission_key"]


class ProfileItemSerializer(serializers.Serializer):
    """One single-valued item of the profile: its values, tier and statement."""

    item = serializers.ChoiceField(choices=ProfileItem.choices)
    values = serializers.DictField(help_text=_("The item's fields and their values."))
    visibility = serializers.ChoiceField(choices=Tier.choices)
    provenance = serializers.CharField()
    stated_by = serializers.CharField(allow_null=True, help_text=_("VISD staff only; null for everyone else."))
    stated_at = serializers.DateTimeField(allow_null=True)
    review = serializers.CharField(allow_null=True, help_text=_(
        "Where the item stands in validation; for the representatives and VISD staff only."))


class CapabilityProfileSerializer(serializers.Serializer):
    """The profile as the reader's tier allows: the items, offers and seeks they may see."""

    actor = serializers.IntegerField()
    version = serializers.IntegerField()
    size_class = serializers.CharField(allow_blank=True, allow_null=True, help_text=_(
        "EU SME class derived from the figures; null unless the size item is visible to you."))
    items = ProfileItemSerializer(many=True)
    offers = OfferSerializer(many=True)
    seeks = SeekSerializer(many=True)


def profile_data(profile: CapabilityProfile, request) -> dict:
    user = request.user
    staff = permissions.is_visd_staff(user)
    items, size_class = [], None
    statements = [s for s in profile.statements.all() if permissions.can_view_profile_item(user, s)]
    sees_review = permissions.sees_unpublished_profile(user, profile.actor_id)
    for statement in sorted(review.shown(user, statements), key=lambda s: list(ProfileItem.values).index(s.item)):
        shown_profile = statement.profile_view
        if statement.item == ProfileItem.SIZE:
            size_class = shown_profile.size_class
        items.append({
            "item": statement.item,
            "values": {name: getattr(shown_profile, name) for name in ITEM_FIELDS[statement.item]},
            "visibility": statement.visibility, "provenance": statement.provenance,
            "stated_by": statement.stated_by.get_username() if staff and statement.stated_by else None,
            "stated_at": statement.stated_at,
            "review": statement.review if sees_review else None,
        })
    context = {"request": request}
    offers = review.shown(user, permissions.visible_profile_items(
        user, profile.offers.prefetch_related("domains", "captechs")))
    seeks = review.shown(user, permissions.visible_profile_items(user, profile.seeks.all()))
    return {"actor": profile.actor_id, "version": profile.version, "size_class": size_class, "items": items,
            "offers": OfferSerializer(offers, many=True, context=context).data,
            "seeks": SeekSerializer(seeks, many=True, context=context).data}


class CapabilityProfileWriteSerializer(serializers.ModelSerializer):
    """Fields to change, ``tiers`` (item -> tier) and the ``version`` read (required once the
    profile exists)."""

    languages = serializers.ListField(child=serializers.ChoiceField(choices=Language.choices), required=False)
    tiers = serializers.DictField(child=serializers.ChoiceField(choices=Tier.choices), required=False,
                                  help_text=_("Item (description, size, value_chain, certifications, "
                                              "security_clearance, website, contact, languages) -> tier."))
    version = serializers.IntegerField(required=False)

    class Meta:
        model = CapabilityProfile
        fields = [*(name for names in ITEM_FIELDS.values() for name in names), "tiers", "version"]

    def validate_tiers(self, value):
        unknown = set(value) - set(ProfileItem.values)
        if unknown:
            raise serializers.ValidationError(_("Unknown items: %(items)s") % {"items": ", ".join(sorted(unknown))})
        return value
