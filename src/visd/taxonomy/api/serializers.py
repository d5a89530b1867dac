from rest_framework import serializers

from visd.core.api.serializers import RegistrySerializer

from ..models import Concept, Portfolio


class PortfolioSerializer(RegistrySerializer):
    class Meta:
        model = Portfolio
        fields = ["id", "code", "name_nl", "name_en", "name_fr", "order", "source"]


class ConceptSerializer(RegistrySerializer):
    class Meta:
        model = Concept
        fields = [
            "id", "scheme", "code", "domain_kind", "portfolio", "label_nl", "label_en", "label_fr",
            "synonyms_nl", "synonyms_en", "synonyms_fr", "description_nl", "description_en", "order", "source",
        ]

    synonyms_nl = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    synonyms_en = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    synonyms_fr = serializers.ListField(child=serializers.CharField(max_length=200), required=False)


class ConceptBriefSerializer(serializers.ModelSerializer):
    """A concept as other records show it: enough to read it without a second request."""

    class Meta:
        model = Concept
        fields = ["id", "scheme", "code", "label_nl", "label_en", "label_fr"]
        read_only_fields = fields
