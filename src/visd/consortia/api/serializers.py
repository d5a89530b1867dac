from rest_framework import serializers

from ..models import Consortium, ConsortiumMember, ControlRelation


class ConsortiumMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsortiumMember
        fields = ["id", "actor", "name", "pic", "role", "country", "management_country", "sme", "mid_cap",
                  "control_stated", "controlled_by_member", "controlled_by_name", "controller_country", "guarantees",
                  "control_source", "budget_eur"]


class ConsortiumSerializer(serializers.ModelSerializer):
    members = ConsortiumMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Consortium
        fields = ["id", "title", "call", "programme", "action", "derogation", "description", "funding_base", "pesco",
                  "status", "project", "members", "created_at", "updated_at"]


class ControlRelationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ControlRelation
        fields = ["id", "controlled", "controller", "controller_name", "controller_country", "source", "as_of"]


class CheckRuleSerializer(serializers.Serializer):
    rule = serializers.CharField()
    status = serializers.ChoiceField(choices=["pass", "fail", "unknown"])
    members = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField()
    source = serializers.CharField()


class CheckResultSerializer(serializers.Serializer):
    """The command contract's output (visd consortium check --json)."""

    eligible = serializers.BooleanField(allow_null=True)
    rules = CheckRuleSerializer(many=True)
    suggestions = serializers.ListField(child=serializers.DictField())
