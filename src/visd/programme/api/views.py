from visd.core.api.views import HistoryMixin, RegistryViewSet

from ..models import KPI, BudgetLine
from .serializers import BudgetLineSerializer, KPISerializer


class BudgetLineViewSet(HistoryMixin, RegistryViewSet):
    """The VISD multi-year budget 2025-2029 (VISD fig. 12). Public; management maintains it."""

    queryset = BudgetLine.objects.prefetch_related("amounts")
    serializer_class = BudgetLineSerializer
    filterset_fields = ["category", "code"]
    search_fields = ["code", "name_nl", "name_en", "notes"]
    ordering_fields = ["order", "code"]


class KPIViewSet(HistoryMixin, RegistryViewSet):
    """The illustrative KPIs of VISD fig. 13. Public; management maintains them."""

    queryset = KPI.objects.all()
    serializer_class = KPISerializer
    filterset_fields = ["kind", "code"]
    search_fields = ["code", "kpa", "kpa_en", "name_nl", "name_en", "group_nl", "group_en"]
    ordering_fields = ["order", "code", "kind"]
