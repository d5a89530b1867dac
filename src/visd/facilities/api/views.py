from visd.core.api.views import HistoryMixin, RegistryViewSet

from ..filtersets import InfrastructureFilterSet
from ..models import Infrastructure
from .serializers import InfrastructureSerializer


class InfrastructureViewSet(HistoryMixin, RegistryViewSet):
    """Dual-use test and research infrastructure. Public; management maintains it."""

    queryset = Infrastructure.objects.select_related("operator").prefetch_related("domains")
    serializer_class = InfrastructureSerializer
    filterset_class = InfrastructureFilterSet
    ordering_fields = ["name", "city", "operator__name"]
