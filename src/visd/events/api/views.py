"""API of events with their attendance and survey summary (no names in the event itself:
registrations are personal data).

Writes (create, partial update, registrations, attendance, survey answers) call the same functions
as the screens, ``visd.events.actions``, with the same permission checks (``visd.core.permissions``):
VISD staff create events, a programme manager only in the focus domains of their portfolios; whoever
may change an event may register people for it, mark attendance and record survey answers. VISD
staff see the registrations (``GET <id>/registrations/``, the ids that attendance needs), as on the
event's page. A PATCH carries the
``version`` the client read, as the web form does; a stale one is a 409 and nothing is written."""

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from visd.actors.models import Actor
from visd.core import permissions
from visd.core.api.schema import RoleAwareAutoSchema
from visd.core.api.submission import DESCRIBE as SUBMISSION_DESCRIPTION
from visd.core.api.submission import SubmissionKeyField, create_responses, created_status
from visd.core.api.views import HistoryMixin, LimitOffsetPagination, StaleVersion, action_errors
from visd.stakeholders.models import Contact
from visd.taxonomy.models import Concept, Scheme

from .. import actions
from ..models import Event, Registration


class EventSerializer(serializers.ModelSerializer):
    registration_count = serializers.IntegerField(read_only=True)
    attended_count = serializers.IntegerField(read_only=True)
    survey_response_count = serializers.IntegerField(read_only=True)
    survey_average = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = ["id", "title", "kind", "date", "end_date", "domain", "location", "description", "capacity",
                  "registration_count", "attended_count", "survey_response_count", "survey_average", "version",
                  "created_at", "updated_at"]
        read_only_fields = fields


class EventWriteSerializer(serializers.ModelSerializer):
    """The editable fields of an event, as the web form has them. ``version`` is required when
    changing an event (PATCH): the version the client read."""

    domain = serializers.PrimaryKeyRelatedField(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN), required=False, allow_null=True,
        help_text=_("Id of a focus domain."))
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, write_only=True,
        help_text=_("The version of the event the change is based on (required when changing an event)."))

    class Meta:
        model = Event
        fields = sorted(actions.EVENT_FIELDS) + ["version"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": [_("Give the version of the event you changed.")]})
        return attrs


class RegistrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Registration
        fields = ["id", "event", "name", "organisation", "organisation_name", "contact", "attended"]
        read_only_fields = fields


class RegistrationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.filter(region__in=["flanders", "brussels"]), required=False, allow_null=True,
        help_text=_("Id of a Flemish or Brussels organisation of the registry."),
        error_messages={"does_not_exist": _("No such organisation in the registry (it may have been deleted).")})
    organisation_name = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                              help_text=_("The organisation as given, if not in the registry."))
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True,
        help_text=_("Id of the participant's contact record, a contact of the organisation given."),
        error_messages={"does_not_exist": _("No such contact (it may have been erased).")})
    submission_key = SubmissionKeyField()


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), allow_empty=True,
        help_text=_("Ids of the event's registrations whose participant attended; every other registration "
                    "of the event is marked absent. An empty list marks everyone absent."))


class SurveyResponsesSerializer(serializers.Serializer):
    score = serializers.IntegerField(
        min_value=1, max_value=5, help_text=_("Satisfaction from 1 (very dissatisfied) to 5 (very satisfied)."),
        error_messages={"min_value": _("A score is between 1 and 5."), "max_value": _("A score is between 1 and 5.")})
    number = serializers.IntegerField(
        min_value=1, max_value=actions.MAX_RESPONSES_AT_ONCE, default=1,
        help_text=_("How many answers gave this score (a tally of paper forms)."))
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text=_("A comment, stored with the first of these answers."))
    submission_key = SubmissionKeyField()


class EventConflictSerializer(serializers.Serializer):
    """A 409: someone else saved the event after the client read it."""

    detail = serializers.CharField()
    your_version = serializers.IntegerField()
    current_version = serializers.IntegerField()
    current = EventSerializer()
    yours = serializers.JSONField()


ERRORS = {
    400: OpenApiResponse(description="Invalid input; a message per field. Nothing is written."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="The user may not change this event or file it under this focus domain."),
}
NOT_FOUND = {404: OpenApiResponse(description="No such event.")}


class EventViewSet(HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """DIF-Days, deep dives, matchmaking events and info days. Public to read; VISD staff write."""

    serializer_class = EventSerializer
    filterset_fields = ["kind", "domain"]
    ordering_fields = ["date", "title"]
    pagination_class = LimitOffsetPagination
    schema = RoleAwareAutoSchema()
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_permission = staticmethod(permissions.can_create_programme_records)

    def get_queryset(self):
        return Event.objects.annotate(
            registration_count=Count("registrations", distinct=True),
            attended_count=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
            survey_response_count=Count("survey_responses", distinct=True),
            survey_average=Avg("survey_responses__score"),
        ).order_by("pk")

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return EventWriteSerializer
        return super().get_serializer_class()

    def _check_domain(self, domain):
        if not permissions.can_edit_programme_domain(self.request.user, domain):
            raise exceptions.PermissionDenied(_("You may not file an event under this focus domain."))

    def _stale(self, conflict, your_version, submitted) -> StaleVersion:
        current = EventSerializer(self.get_queryset().get(pk=conflict.record.pk)).data if conflict.record else None
        return StaleVersion.of(conflict, your_version, current, submitted)

    def _output(self, event, status_code=status.HTTP_200_OK):
        return Response(EventSerializer(self.get_queryset().get(pk=event.pk)).data, status=status_code)

    @extend_schema(request=EventWriteSerializer, responses={201: EventSerializer, **ERRORS},
                   summary="Record an event",
                   description="VISD staff; a programme manager only in the focus domains of their portfolios "
                   "(an event without a domain: any programme manager), as on the screens.")
    def create(self, request, *args, **kwargs):
        serializer = EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("version", None)
        self._check_domain(values.get("domain"))
        with action_errors():
            event = actions.create_event(values, acting_user=request.user)
        response = self._output(event, status.HTTP_201_CREATED)
        response["Location"] = self.reverse_action("detail", args=[event.pk])
        return response

    @extend_schema(request=EventWriteSerializer,
                   responses={200: EventSerializer, **ERRORS, 404: OpenApiResponse(description="No such event."),
                              409: OpenApiResponse(EventConflictSerializer, description="The version is stale: "
                                                   "someone else changed the event. Nothing was written.")},
                   summary="Change an event",
                   description="Send the fields to change and the `version` of the event you read.")
    def partial_update(self, request, *args, **kwargs):
        event = self.get_object()
        serializer = EventWriteSerializer(event, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        version = values.pop("version")
        if "domain" in values:
            self._check_domain(values["domain"])
        event = Event.objects.get(pk=event.pk)
        with action_errors(actions.EditConflict, lambda conflict: self._stale(conflict, version, request.data)):
            actions.update_event(event, values, acting_user=request.user, expected_version=version)
        return self._output(event)

    @extend_schema(methods=["GET"], request=None, auth=[{"tokenAuth": []}, {"cookieAuth": []}],  # never anonymous
                   responses={200: RegistrationSerializer(many=True),
                              401: ERRORS[401], 403: OpenApiResponse(description="The user is not VISD staff, so "
                                                                     "may not see who registered."),
                              **NOT_FOUND},
                   summary="Registrations of an event",
                   description="Personal data: VISD staff only, as on the event's page. All registrations "
                   "of the event, erased ones too (their name is \"[erased]\"), by name; their ids "
                   "are what `attendance/` takes.")
    @extend_schema(methods=["POST"], request=RegistrationWriteSerializer,
                   responses={**create_responses(RegistrationSerializer), **ERRORS, **NOT_FOUND},
                   summary="Register a participant for an event",
                   description="Personal data: whoever may change the event (as on the screens). `contact` "
                   "links the registration to the participant's contact record, so that their GDPR export "
                   "and erasure cover it; it must be a contact of `organisation`. A full event is a 400. "
                   + SUBMISSION_DESCRIPTION)
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def registrations(self, request, *args, **kwargs):
        event = self.get_object()
        if request.method == "GET":
            if not permissions.can_view_event_registrations(request.user):  # the event page's rule
                self.permission_denied(request, message=_("Only VISD staff see who registered for an event."))
            registrations = event.registrations.order_by("name", "pk")
            return Response(RegistrationSerializer(registrations, many=True).data)
        serializer = RegistrationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with action_errors():
            registration, created = actions.register_once(
                event, data["name"], organisation=data.get("organisation"),
                organisation_name=data.get("organisation_name", ""), contact=data.get("contact"),
                acting_user=request.user, submission_key=data["submission_key"])
        return Response(RegistrationSerializer(registration).data, status=created_status(created))

    @extend_schema(request=AttendanceSerializer, responses={200: EventSerializer, **ERRORS, **NOT_FOUND},
                   summary="Record who attended an event",
                   description="Whoever may change the event (as on the screens), once it has taken place. "
                   "`attended` lists the ids of the registrations whose participant came (see `GET "
                   "registrations/`); all other registrations of the event are marked absent, so sending the "
                   "list again with changes corrects it. The answer is the event as `GET /api/events/<id>/` "
                   "gives it, with the new `attended_count`. An event still to come, or an id that is not a "
                   "registration of this event, is a 400 and nothing is written.")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def attendance(self, request, *args, **kwargs):
        event = self.get_object()
        serializer = AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with action_errors():
            actions.set_attendance(event, serializer.validated_data["attended"], acting_user=request.user)
        return self._output(event)

    @extend_schema(request=SurveyResponsesSerializer,
                   responses={**create_responses(EventSerializer), **ERRORS, **NOT_FOUND},
                   summary="Record satisfaction survey answers",
                   description="Whoever may change the event (as on the screens), once it has taken place: "
                   "`number` answers with `score` (default one; a tally of paper forms), anonymous. The "
                   "answer is the event as `GET /api/events/<id>/` gives it, with the new "
                   "`survey_response_count` and `survey_average`. A score outside 1-5, a number outside "
                   f"1-{actions.MAX_RESPONSES_AT_ONCE} or an event still to come is a 400 and nothing is "
                   "written. " + SUBMISSION_DESCRIPTION)
    @action(detail=True, methods=["post"], url_path="survey-responses", filter_backends=[],
            pagination_class=None)
    def survey_responses(self, request, *args, **kwargs):
        event = self.get_object()
        serializer = SurveyResponsesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with action_errors():
            _responses, created = actions.record_survey_responses(
                event, data["score"], data["number"], data["comment"], acting_user=request.user,
                submission_key=data["submission_key"])
        return self._output(event, created_status(created))
