from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from visd.core.api.serializers import RegistrySerializer

from ..models import CapabilityNeed


class CapabilityNeedSerializer(RegistrySerializer):
    class Meta:
        model = CapabilityNeed
        fields = [
            "id", "source_kind", "code", "level", "parent", "name", "description", "first_commitment_year",
            "committed_eur", "paid_eur", "consolidated_development", "order", "source", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        need = self.candidate(attrs)
        parent = need.parent
        if parent is not None:
            if parent.source_kind != need.source_kind:
                raise serializers.ValidationError({"parent": _("The parent must come from the same source.")})
            # Walk up from the new parent: meeting this need on the way would make a cycle.
            ancestor = parent
            while ancestor is not None:
                if need.pk is not None and ancestor.pk == need.pk:
                    raise serializers.ValidationError({"parent": _("A need cannot be placed under itself.")})
                ancestor = ancestor.parent
        return attrs
