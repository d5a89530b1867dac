from rest_framework import serializers

from visd.core.api.serializers import RegistrySerializer

from ..models import KPI, BudgetAmount, BudgetLine


class BudgetAmountSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetAmount
        fields = ["year", "amount_eur", "note", "source"]
        read_only_fields = fields


class BudgetLineSerializer(RegistrySerializer):
    """A line of the VISD multi-year budget with its yearly amounts (read-only here)."""

    amounts = BudgetAmountSerializer(many=True, read_only=True)

    class Meta:
        model = BudgetLine
        fields = ["id", "code", "name_nl", "name_en", "category", "base_amount_eur", "notes", "order", "source",
                  "amounts"]


class KPISerializer(RegistrySerializer):
    class Meta:
        model = KPI
        fields = ["id", "code", "group_nl", "group_en", "kpa", "kpa_en", "name_nl", "name_en", "kind",
                  "computation", "unit", "order", "source"]
