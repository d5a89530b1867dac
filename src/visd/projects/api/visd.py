"""Read-only API of the central project database (VISD's own projects). Writes go through the
screens and ``visd.projects.actions`` (lifecycle rules, version check)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from visd.core import permissions
from visd.core.api.views import HistoryMixin, ReadOnlyRegistryViewSet

from ..models import VisdProject, VisdProjectPartner, VisdProjectResult


class VisdPartnerSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.name", read_only=True)

    class Meta:
        model = VisdProjectPartner
        fields = ["id", "actor", "actor_name", "role", "budget_eur"]
        read_only_fields = fields


class VisdResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisdProjectResult
        fields = ["id", "kind", "title", "date", "reference", "amount_eur"]
        read_only_fields = fields


class VisdProjectSerializer(serializers.ModelSerializer):
    partners = VisdPartnerSerializer(many=True, read_only=True)
    results = VisdResultSerializer(many=True, read_only=True)
    fris_deadline = serializers.SerializerMethodField()
    fris_state = serializers.SerializerMethodField()

    class Meta:
        model = VisdProject
        fields = ["id", "acronym", "title", "summary", "kind", "flagship", "domain", "instrument", "programme",
                  "status", "submitted_on", "decided_on", "start_date", "end_date", "closed_on", "total_budget_eur",
                  "funding_requested_eur", "funding_granted_eur", "fris_deadline", "fris_state",
                  "fris_registered_on", "fris_id", "eu_projects", "partners", "results", "version", "created_at",
                  "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_fris_deadline(self, project):
        return project.fris_deadline

    @extend_schema_field(serializers.CharField())
    def get_fris_state(self, project) -> str:
        return project.fris_state()


class VisdProjectViewSet(HistoryMixin, ReadOnlyRegistryViewSet):
    """VISD's own projects. Public: approved flagships; actor users also see their organisation's
    projects; the programme office sees all."""

    serializer_class = VisdProjectSerializer
    filterset_fields = ["status", "kind", "flagship", "domain"]
    ordering_fields = ["title", "decided_on", "start_date"]

    def get_queryset(self):
        return permissions.visible_visd_projects(self.request.user).prefetch_related(
            "partners__actor", "results", "eu_projects").order_by("pk")
