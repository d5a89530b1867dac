from visd.core.api.views import HistoryMixin, RegistryViewSet

from ..models import Concept, Portfolio
from .serializers import ConceptSerializer, PortfolioSerializer


class PortfolioViewSet(HistoryMixin, RegistryViewSet):
    """The programme managers' portfolios. Public; management maintains them."""

    queryset = Portfolio.objects.all()
    serializer_class = PortfolioSerializer
    search_fields = ["code", "name_nl", "name_en", "name_fr"]
    ordering_fields = ["order", "code"]


class ConceptViewSet(HistoryMixin, RegistryViewSet):
    """Concepts of every taxonomy (VISD focus domains, EDA CapTechs, ...). Public; management
    maintains them."""

    queryset = Concept.objects.all()
    serializer_class = ConceptSerializer
    filterset_fields = ["scheme", "domain_kind", "portfolio", "code"]
    search_fields = ["code", "label_nl", "label_en", "label_fr"]
    ordering_fields = ["scheme", "order", "code"]
