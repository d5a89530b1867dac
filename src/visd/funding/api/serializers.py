from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from visd.core.api.serializers import RegistrySerializer

from ..models import Call, Instrument


# The topic id is the call's address in the API (/api/calls/<topic id>/), so it keeps to characters
# that need no escaping in a URL path; the EU's own topic ids use letters, digits and dashes.
TOPIC_ID_CHARACTERS = r"[A-Za-z0-9][A-Za-z0-9._-]*"
TOPIC_ID_MESSAGE = _("A topic id consists of letters, digits, dashes, dots and underscores, e.g. EDF-2026-DA-NAVAL-EMSAS.")


class CallSerializer(RegistrySerializer):
    topic_id = serializers.RegexField(
        rf"^{TOPIC_ID_CHARACTERS}$", max_length=120, error_messages={"invalid": TOPIC_ID_MESSAGE},
        validators=[UniqueValidator(queryset=Call.objects.all())], help_text=TOPIC_ID_MESSAGE,
    )

    class Meta:
        model = Call
        fields = [
            "id", "topic_id", "title", "programme", "call_identifier", "call_title", "action_type", "deadline",
            "status", "description", "conditions", "budget_min", "budget_max", "expected_grants", "url",
            "data_source", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        call = self.candidate(attrs)
        if call.budget_min is not None and call.budget_max is not None and call.budget_min > call.budget_max:
            raise serializers.ValidationError({"budget_max": _("The maximum budget is below the minimum budget.")})
        return attrs


class InstrumentSerializer(RegistrySerializer):
    owner_actor_name = serializers.CharField(source="owner_actor.name", read_only=True, allow_null=True)

    class Meta:
        model = Instrument
        fields = [
            "id", "code", "name_nl", "name_en", "level", "kind", "owner", "owner_actor", "owner_actor_name",
            "description_nl", "description_en", "url", "source", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
