from visd.core import permissions
from visd.core.api.views import ReadOnlyRegistryViewSet

from ..models import ImportRun
from .serializers import ImportRunSerializer


class ImportRunViewSet(ReadOnlyRegistryViewSet):
    """The record of every import run, read-only (imports run through the import page or the
    ``visd`` commands): management only."""

    queryset = ImportRun.objects.select_related("started_by")
    serializer_class = ImportRunSerializer
    filterset_fields = ["kind", "status"]
    ordering_fields = ["started_at", "kind", "status"]
    read_permission = staticmethod(permissions.can_manage_reference_data)
