from visd.core.api.views import HistoryMixin, RegistryViewSet

from ..filtersets import InfrastructureApiFilterSet
from ..models import Infrastructure
from .serializers import InfrastructureSerializer


class InfrastructureViewSet(HistoryMixin, RegistryViewSet):
    """Dual-use test and research infrastructure: the test-facility finder's list (/facilities/) with
    its filters. Public; management maintains it."""

    queryset = Infrastructure.objects.select_related("operator").prefetch_related("domains")
    serializer_class = InfrastructureSerializer
    filterset_class = InfrastructureApiFilterSet
    ordering_fields = ["name", "city", "operator__name"]
