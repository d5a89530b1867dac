from visd.core.api.views import HistoryMixin, RegistryViewSet

from ..filtersets import CapabilityNeedFilterSet
from ..models import CapabilityNeed
from .serializers import CapabilityNeedSerializer


class CapabilityNeedViewSet(HistoryMixin, RegistryViewSet):
    """Capability needs (Strategic Vision 2025 portfolio and later sources). Public; management
    maintains them."""

    queryset = CapabilityNeed.objects.all()
    serializer_class = CapabilityNeedSerializer
    filterset_class = CapabilityNeedFilterSet
    ordering_fields = ["source_kind", "order", "code", "name", "committed_eur", "first_commitment_year"]
