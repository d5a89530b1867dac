"""Consortia over the API: the workspaces and control relations (read, for the programme office) and
the check itself: GET /api/consortia/<id>/check/ for a workspace, POST /api/consortia/check/ with the
command contract's JSON (docs/consortia.md); both answer exactly what `visd consortium check --json` prints."""

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from visd.core import permissions
from visd.core.api.views import HistoryMixin, LimitOffsetPagination
from visd.core.api.schema import RoleAwareAutoSchema

from .. import actions, engine
from ..models import Consortium, ControlRelation
from .serializers import CheckResultSerializer, ConsortiumSerializer, ControlRelationSerializer


class ConsortiumViewSet(HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Consortium workspaces with their members; the check of one, or of any consortium given as JSON."""

    queryset = Consortium.objects.prefetch_related("members")
    serializer_class = ConsortiumSerializer
    pagination_class = LimitOffsetPagination
    schema = RoleAwareAutoSchema()
    filterset_fields = ["status", "action", "call"]
    ordering_fields = ["updated_at", "title"]
    read_permission = staticmethod(permissions.can_use_consortia)
    create_permission = staticmethod(permissions.can_use_consortia)

    @extend_schema(responses={200: CheckResultSerializer})
    @action(detail=True, methods=["get"], url_path="check")
    def check_workspace(self, request, pk=None):
        consortium = self.get_object()
        result = engine.check(actions.engine_input(consortium), language=actions.language())
        return Response(engine.contract_output(result))

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: CheckResultSerializer})
    @action(detail=False, methods=["post"], url_path="check")
    def check(self, request):
        try:
            result = engine.check(request.data, language=actions.language())
        except engine.ConsortiumInputError as error:
            raise ValidationError({"consortium": error.problems}) from error
        return Response(engine.contract_output(result))


class ControlRelationViewSet(HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Who controls an actor (Regulation (EU) 2021/697, Article 9), with source and date."""

    queryset = ControlRelation.objects.all()
    serializer_class = ControlRelationSerializer
    pagination_class = LimitOffsetPagination
    schema = RoleAwareAutoSchema()
    filterset_fields = ["controlled", "controller", "controller_country"]
    read_permission = staticmethod(permissions.can_keep_control_relations)
