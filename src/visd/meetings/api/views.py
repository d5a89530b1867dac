"""API of B2B matchmaking (docs/meetings.md): the matchmaking of an event with its figures, computing
its schedule (the organiser), meeting requests (list, create, answer) and a participant's agenda.

Writes call ``visd.meetings.actions``, as the pages do, with the same checks from
``visd.core.permissions``: the organiser is whoever may change the event; a participant acts through
its organisation's representatives. Lists show only what the user may see."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from visd.core import permissions
from visd.core.api.views import LimitOffsetPagination, action_errors

from .. import actions, agendas, kpis
from ..models import Matchmaking, MeetingRequest, Participant


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


class MatchmakingSerializer(serializers.ModelSerializer):
    slots = serializers.SerializerMethodField()

    class Meta:
        model = Matchmaking
        fields = ["id", "event", "tables", "max_meetings", "registration_deadline", "request_deadline",
                  "response_days", "scheduled_at", "published_at", "slots"]
        read_only_fields = fields

    def get_slots(self, matchmaking) -> list[dict]:
        return [{"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at} for s in matchmaking.slots.all()]


class ScheduleRunSerializer(serializers.Serializer):
    time_limit = serializers.FloatField(min_value=1, max_value=600, default=30,
                                        help_text=_("The solver's time limit in seconds."))
    allow_moves = serializers.BooleanField(default=False, help_text=_("Published meetings may move to another slot."))


class MeetingRequestSerializer(serializers.ModelSerializer):
    effective_status = serializers.SerializerMethodField()

    class Meta:
        model = MeetingRequest
        fields = ["id", "matchmaking", "requester", "recipient", "priority", "message", "status", "effective_status",
                  "expires_at", "answered_at", "by_organiser", "forced", "created_at"]
        read_only_fields = fields

    def get_effective_status(self, request) -> str:
        return actions.effective_status(request)


class MeetingRequestWriteSerializer(serializers.Serializer):
    recipient = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.all(),
                                                   help_text=_("Id of the participant asked for a meeting."))
    priority = serializers.IntegerField(min_value=1, max_value=3, default=1)
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text=_("true: accept; false: decline."))


class MatchmakingViewSet(viewsets.ReadOnlyModelViewSet):
    """B2B matchmaking of events: for organisers and participants (and VISD staff)."""

    serializer_class = MatchmakingSerializer
    pagination_class = LimitOffsetPagination
    lookup_value_regex = "[0-9]{1,18}"  # longer numbers overflow the database's integers: 404
    read_permission = staticmethod(_signed_in)
    # the schedule action (a POST) decides itself: the organiser only
    create_permission = staticmethod(_signed_in)
    change_permission = staticmethod(permissions.can_view)

    def get_queryset(self):
        queryset = Matchmaking.objects.select_related("event").order_by("pk")
        user = self.request.user
        if permissions.is_visd_staff(user):
            return queryset
        own = permissions.own_actor_id(user)
        if own is None:
            return queryset.none()
        return queryset.filter(participants__registration__organisation_id=own).distinct()

    @extend_schema(request=None, responses={200: OpenApiResponse(description="The event's B2B figures.")},
                   summary="Figures of an event's matchmaking")
    @action(detail=True, methods=["get"])
    def figures(self, request, pk=None):
        return Response(kpis.event_figures(self.get_object()))

    @extend_schema(request=ScheduleRunSerializer,
                   responses={200: OpenApiResponse(description="The schedule, as `visd meetings schedule --json` "
                                                   "prints it (meetings with the solver's participant and slot "
                                                   "keys), written to the database."),
                              400: OpenApiResponse(description="No schedule is possible; nothing was written."),
                              403: OpenApiResponse(description="Not the organiser.")},
                   summary="Compute and write the schedule")
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        matchmaking = self.get_object()
        if not permissions.can_organise_matchmaking(request.user, matchmaking.event):
            raise exceptions.PermissionDenied(_("Only the organiser computes the schedule."))
        serializer = ScheduleRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = actions.compute_schedule(matchmaking, acting_user=request.user, **serializer.validated_data)
        except actions.ScheduleRefused as error:
            raise exceptions.ValidationError({"schedule": [str(error)]}) from None
        return Response({**result.schedule.as_contract(), "created": result.created, "moved": result.moved,
                         "kept": result.kept, "removed": result.removed})



class MeetingRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Meeting requests the user sent or received for their organisation, or, for the organiser, all
    of the events they organise."""

    serializer_class = MeetingRequestSerializer
    pagination_class = LimitOffsetPagination
    lookup_value_regex = "[0-9]{1,18}"
    read_permission = staticmethod(_signed_in)
    create_permission = staticmethod(_signed_in)  # the action decides: a participant's representative
    change_permission = staticmethod(permissions.can_view)  # answer decides: the participant asked

    def get_queryset(self):
        queryset = MeetingRequest.objects.select_related("matchmaking__event").order_by("pk")
        user = self.request.user
        if permissions.is_management(user):
            return queryset
        own = permissions.own_actor_id(user)
        mine = Q(pk__in=[])
        if own is not None:
            mine = (Q(requester__registration__organisation_id=own) | Q(recipient__registration__organisation_id=own))
        organised = [m.pk for m in Matchmaking.objects.select_related("event")
                     if permissions.can_organise_matchmaking(user, m.event)] if permissions.is_visd_staff(user) else []
        return queryset.filter(mine | Q(matchmaking_id__in=organised))

    @extend_schema(request=MeetingRequestWriteSerializer, responses={201: MeetingRequestSerializer},
                   summary="Request a meeting as your organisation's participant")
    def create(self, request, *args, **kwargs):
        serializer = MeetingRequestWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recipient = serializer.validated_data["recipient"]
        own = permissions.own_actor_id(request.user)
        requester = recipient.matchmaking.participants.filter(registration__organisation_id=own).first()
        if requester is None:
            raise exceptions.PermissionDenied(_("Your organisation does not take part in this matchmaking."))
        with action_errors():
            meeting_request = actions.request_meeting(requester, recipient, priority=serializer.validated_data["priority"],
                                                      message=serializer.validated_data["message"],
                                                      acting_user=request.user,
                                                      build_url=request.build_absolute_uri)
        return Response(MeetingRequestSerializer(meeting_request).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses={200: MeetingRequestSerializer},
                   summary="Accept or decline a request you received")
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        meeting_request = self.get_object()
        if not permissions.can_act_for_participant(request.user, meeting_request.recipient):
            raise exceptions.PermissionDenied(_("Only the participant asked answers a request."))
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with action_errors():
            meeting_request = actions.answer_request(meeting_request, accept=serializer.validated_data["accept"],
                                                     acting_user=request.user,
                                                     build_url=request.build_absolute_uri)
        return Response(MeetingRequestSerializer(meeting_request).data)


class AgendaViewSet(viewsets.GenericViewSet):
    """A participant's agenda (published meetings; the organiser sees unpublished ones too)."""

    queryset = Participant.objects.select_related("matchmaking__event", "registration")
    lookup_value_regex = "[0-9]{1,18}"
    read_permission = staticmethod(_signed_in)

    @extend_schema(responses={200: OpenApiResponse(description="The meetings: slot times, table, the other participant.")},
                   summary="A participant's agenda")
    def retrieve(self, request, pk=None):
        participant = self.get_object()
        if not permissions.can_act_for_participant(request.user, participant):
            raise exceptions.PermissionDenied
        organiser = permissions.can_organise_matchmaking(request.user, participant.matchmaking.event)
        rows = agendas.agenda(participant, include_unpublished=organiser)
        return Response([{"meeting": row.meeting.pk, "starts_at": row.meeting.slot.starts_at,
                          "ends_at": row.meeting.slot.ends_at, "table": row.table_name,
                          "with": {"participant": row.other.pk, "name": str(row.other)},
                          "status": row.meeting.status, "published": row.meeting.published} for row in rows])
