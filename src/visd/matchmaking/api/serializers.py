from rest_framework import serializers

from ..models import ConceptTag


class ActorMatchSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Actor id in the registry.")
    name = serializers.CharField()
    pic = serializers.CharField(allow_null=True)
    vat = serializers.CharField(allow_null=True)
    kbo = serializers.CharField(allow_null=True)
    country = serializers.CharField()
    region = serializers.CharField()
    region_label = serializers.CharField(help_text="The region's name in the active language.")
    kind = serializers.CharField()
    score = serializers.FloatField()
    explanation = serializers.JSONField(
        help_text="Why: shared_concepts, matched_terms, evidence_projects (past projects), score components; "
                  "partner search adds adds_concepts and past_projects_with_members.")


class OpportunityMatchSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="call or need")
    id = serializers.IntegerField(help_text="Call or capability need id in the registry.")
    title = serializers.CharField()
    score = serializers.FloatField()
    topic_id = serializers.CharField(required=False, help_text="Calls only.")
    deadline = serializers.DateField(required=False, allow_null=True, help_text="Calls only.")
    status = serializers.CharField(required=False, help_text="Calls only.")
    programme = serializers.CharField(required=False, help_text="Calls only.")
    code = serializers.CharField(required=False, help_text="Needs only.")
    level = serializers.CharField(required=False, help_text="Needs only.")
    committed_eur = serializers.IntegerField(required=False, allow_null=True, help_text="Needs only.")
    explanation = serializers.JSONField(help_text="open, deadline, shared_concepts, matched_terms, evidence_projects.")


class ActorOpportunitiesSerializer(serializers.Serializer):
    calls = OpportunityMatchSerializer(many=True)
    needs = OpportunityMatchSerializer(many=True)


class StrengthRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField(help_text="domain, need or call")
    label = serializers.CharField()
    critical_mass = serializers.JSONField()
    opportunity = serializers.JSONField()
    leadership = serializers.JSONField()
    top_actors = serializers.JSONField()


class StrengthMapSerializer(serializers.Serializer):
    region = serializers.CharField()
    actors = serializers.IntegerField(help_text="Actors of the region in the index.")
    threshold = serializers.JSONField()
    rows = StrengthRowSerializer(many=True)


class ConceptTagSerializer(serializers.ModelSerializer):
    concept = serializers.SlugRelatedField(slug_field="code", read_only=True)
    scheme = serializers.CharField(source="concept.scheme", read_only=True)
    origin = serializers.CharField(read_only=True, help_text="'derived' (from the record's text) or 'curated'.")

    class Meta:
        model = ConceptTag
        fields = ["id", "target_type", "object_id", "concept", "scheme", "origin", "rejected", "confidence",
                  "evidence"]
