"""Read-only API of the orientation roadmaps; writes go through ``visd.roadmaps.actions``."""

from rest_framework import serializers

from visd.core.api.views import HistoryMixin, ReadOnlyRegistryViewSet

from ..mapping import visible_roadmaps
from ..models import Roadmap, RoadmapItem


class RoadmapItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoadmapItem
        fields = ["id", "kind", "title", "description", "start_year", "end_year", "related_domains", "order"]
        read_only_fields = fields


class RoadmapSerializer(serializers.ModelSerializer):
    items = RoadmapItemSerializer(many=True, read_only=True)

    class Meta:
        model = Roadmap
        fields = ["id", "domain", "version", "status", "published_on", "introduction", "mapping_text",
                  "roadmap_text", "conclusion", "calls", "needs", "items", "created_at", "updated_at"]
        read_only_fields = fields


class RoadmapViewSet(HistoryMixin, ReadOnlyRegistryViewSet):
    """Orientation roadmaps per focus domain. Public: published versions; the programme office
    also sees drafts and superseded versions."""

    serializer_class = RoadmapSerializer
    filterset_fields = ["domain", "status"]

    def get_queryset(self):
        return visible_roadmaps(self.request.user).prefetch_related(
            "items__related_domains", "calls", "needs").order_by("pk")
