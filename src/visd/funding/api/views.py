from visd.core.api.views import HistoryMixin, RegistryViewSet

from ..filtersets import CallFilterSet, InstrumentFilterSet
from ..models import Call, Instrument
from .serializers import TOPIC_ID_CHARACTERS, CallSerializer, InstrumentSerializer


class CallViewSet(HistoryMixin, RegistryViewSet):
    """Funding topics, addressed by their EU topic id (which may contain dots). Public; management
    maintains them."""

    queryset = Call.objects.all()
    serializer_class = CallSerializer
    filterset_class = CallFilterSet
    lookup_field = "topic_id"
    lookup_value_regex = TOPIC_ID_CHARACTERS
    ordering_fields = ["deadline", "topic_id", "programme", "status", "budget_max"]


class InstrumentViewSet(HistoryMixin, RegistryViewSet):
    """Funding and support instruments. Public; management maintains them."""

    queryset = Instrument.objects.select_related("owner_actor")
    serializer_class = InstrumentSerializer
    filterset_class = InstrumentFilterSet
    ordering_fields = ["level", "code", "kind", "name_nl", "name_en"]
