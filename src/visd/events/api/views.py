"""Read-only API of events with their attendance and survey summary (no names: registrations
are VISD staff only, on the screens). Writes go through ``visd.events.actions``."""

from django.db.models import Avg, Count, Q
from rest_framework import serializers

from visd.core.api.views import HistoryMixin, ReadOnlyRegistryViewSet

from ..models import Event


class EventSerializer(serializers.ModelSerializer):
    registration_count = serializers.IntegerField(read_only=True)
    attended_count = serializers.IntegerField(read_only=True)
    survey_response_count = serializers.IntegerField(read_only=True)
    survey_average = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = ["id", "title", "kind", "date", "end_date", "domain", "location", "description", "capacity",
                  "registration_count", "attended_count", "survey_response_count", "survey_average", "created_at",
                  "updated_at"]
        read_only_fields = fields


class EventViewSet(HistoryMixin, ReadOnlyRegistryViewSet):
    """DIF-Days, deep dives, matchmaking events and info days. Public."""

    serializer_class = EventSerializer
    filterset_fields = ["kind", "domain"]
    ordering_fields = ["date", "title"]

    def get_queryset(self):
        return Event.objects.annotate(
            registration_count=Count("registrations", distinct=True),
            attended_count=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
            survey_response_count=Count("survey_responses", distinct=True),
            survey_average=Avg("survey_responses__score"),
        ).order_by("pk")
