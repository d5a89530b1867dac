"""Screening over the API: the maintained lists (export restrictions, country notes; read by every
VISD role, changed by management) and stored screenings (read as on the web; POST runs the rules
and stores the result, exactly like the questionnaires)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from visd.core import permissions
from visd.core.api.views import HistoryMixin, LimitOffsetPagination, RegistryViewSet
from visd.core.api.schema import RoleAwareAutoSchema

from .. import actions, esac, export_control
from ..models import CountryNote, ExportRestriction, ScreeningKind
from .serializers import (CountryNoteSerializer, ExportRestrictionSerializer, ScreeningRequestSerializer,
                          ScreeningSerializer)


class ExportRestrictionViewSet(HistoryMixin, RegistryViewSet):
    """Embargoes and bans on exports to a country, with source, effective dates and review date."""

    queryset = ExportRestriction.objects.all()
    serializer_class = ExportRestrictionSerializer
    filterset_fields = ["country", "kind", "goods"]
    search_fields = ["code", "title_nl", "title_en", "source"]
    ordering_fields = ["country", "effective_from", "review_date"]
    read_permission = staticmethod(permissions.can_use_screening)


class CountryNoteViewSet(HistoryMixin, RegistryViewSet):
    """Knowledge-security notes on countries (Flemish Defence Plan 3.3), with their sources."""

    queryset = CountryNote.objects.all()
    serializer_class = CountryNoteSerializer
    filterset_fields = ["country", "flag"]
    search_fields = ["code", "title_nl", "title_en", "text_nl", "text_en", "source"]
    ordering_fields = ["country", "effective_from", "review_date"]
    read_permission = staticmethod(permissions.can_use_screening)


class ScreeningViewSet(HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Stored screenings you may see (your own; management all; programme managers those of a project).
    POST runs a screening and stores it; a stored screening is never changed over the API."""

    serializer_class = ScreeningSerializer
    pagination_class = LimitOffsetPagination
    schema = RoleAwareAutoSchema()
    filterset_fields = ["kind", "outcome", "rule_version", "project"]
    ordering_fields = ["created_at", "reference_date"]
    read_permission = staticmethod(permissions.can_use_screening)
    create_permission = staticmethod(permissions.can_use_screening)

    def get_queryset(self):
        return permissions.visible_screenings(self.request.user).select_related("created_by")

    @extend_schema(request=ScreeningRequestSerializer, responses={201: ScreeningSerializer})
    def create(self, request, *args, **kwargs):
        given = ScreeningRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            if data["kind"] == ScreeningKind.ESAC:
                result = esac.screen(data["answers"])
            else:
                restrictions = [export_control.restriction_as_dict(r) for r in ExportRestriction.objects.all()]
                result = export_control.screen(data["answers"], restrictions=restrictions)
        except esac.AnswerError as error:
            raise serializers.ValidationError(
                {"answers": {field: [str(m) for m in messages] for field, messages in error.problems.items()}}
            ) from error
        screening = actions.record_screening(data["kind"], data["subject"], result, acting_user=request.user,
                                             project=data.get("project"))
        return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED,
                        headers={"Location": self.reverse_action("detail", args=[screening.pk])})
