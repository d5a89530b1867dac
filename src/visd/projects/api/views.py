from django.db.models import Prefetch

from visd.core.api.views import HistoryMixin, RegistryViewSet

from ..filtersets import ProjectFilterSet
from ..models import Participation, Project
from .serializers import ParticipationSerializer, ProjectSerializer


class ProjectViewSet(HistoryMixin, RegistryViewSet):
    """EU and VISD projects with their partners. Public; management maintains them."""

    queryset = Project.objects.prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("actor").order_by("role", "actor__name"))
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    ordering_fields = ["start_date", "end_date", "acronym", "ec_max_contribution", "total_cost"]


class ParticipationViewSet(HistoryMixin, RegistryViewSet):
    """Who took part in which project, in which role. Public; management maintains them."""

    queryset = Participation.objects.select_related("project", "actor")
    serializer_class = ParticipationSerializer
    filterset_fields = ["project", "actor", "role", "actor__country", "actor__region"]
    ordering_fields = ["project__start_date", "actor__name", "role", "ec_contribution"]
