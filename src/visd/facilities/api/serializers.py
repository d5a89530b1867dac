from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from visd.core.api.serializers import RegistrySerializer
from visd.taxonomy.models import Concept, Scheme

from ..models import FacilityPhase, Infrastructure


class InfrastructureSerializer(RegistrySerializer):
    operator_name = serializers.SerializerMethodField(help_text=_("Empty when no operator is identified."))
    domains = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN),
        help_text=_("Ids of VISD focus-domain concepts."),
    )

    phases = serializers.ListField(child=serializers.ChoiceField(choices=FacilityPhase.choices), required=False,
                                   help_text=_("Codes: test, evaluate, verify, validate, certify."))

    class Meta:
        model = Infrastructure
        fields = [
            "id", "name", "operator", "operator_name", "description_nl", "description_en", "domains", "city",
            "website", "access_conditions", "phases", "market_terms", "training_required", "provider_decides",
            "contact_name", "contact_email", "contact_url", "data_source", "origin", "validation",
            "operator_match", "acronym", "latitude", "longitude", "country", "testable", "trl_min", "trl_max",
            "lead_time", "training_details", "created_at", "updated_at",
        ]
        # Validation and the operator's match change only through a provider's approved proposal.
        read_only_fields = ["created_at", "updated_at", "origin", "validation", "operator_match"]

    def get_operator_name(self, facility) -> str:
        return facility.operator.name if facility.operator_id else ""
