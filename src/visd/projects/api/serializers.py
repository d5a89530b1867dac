from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from visd.core.api.serializers import RegistrySerializer

from ..models import Participation, Project


class ParticipationSummarySerializer(serializers.ModelSerializer):
    """A partner as the project shows it: who, from where, in which role, for how much."""

    actor_name = serializers.CharField(source="actor.name", read_only=True)
    country = serializers.CharField(source="actor.country", read_only=True)
    region = serializers.CharField(source="actor.region", read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "actor", "actor_name", "country", "region", "role", "ec_contribution"]
        read_only_fields = fields


class ProjectSerializer(RegistrySerializer):
    """A project with its partners. Partners are added and changed through /api/participations/."""

    participations = ParticipationSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "source", "external_id", "acronym", "title", "objective", "status", "framework_programme",
            "programme", "topics", "call", "funding_scheme", "keywords", "start_date", "end_date", "total_cost",
            "ec_max_contribution", "url", "data_source", "participations", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        project = self.candidate(attrs)
        if project.start_date and project.end_date and project.end_date < project.start_date:
            raise serializers.ValidationError({"end_date": _("The project cannot end before it starts.")})
        return attrs


class ParticipationSerializer(RegistrySerializer):
    actor_name = serializers.CharField(source="actor.name", read_only=True)
    project_acronym = serializers.CharField(source="project.acronym", read_only=True)

    class Meta:
        model = Participation
        fields = [
            "id", "project", "project_acronym", "actor", "actor_name", "role", "ec_contribution", "name_in_source",
            "end_of_participation", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
