"""API of the central project database (VISD's own projects).

Reads follow ``permissions.visible_visd_projects``. Writes (create, partial update, status steps,
partners) call the same functions as the screens, ``visd.projects.actions``, with the same lifecycle
rules and the same permission checks (``visd.core.permissions``).

Lost updates: a PATCH and a status step carry the ``version`` the client read (the field every
response shows), exactly as the web form carries it in a hidden field; it is passed to the actions as
``expected_version``. A stale version is a 409 with the current record and the client's input, and
nothing is written."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from rest_framework import viewsets

from visd.core import permissions
from visd.core.api.schema import RoleAwareAutoSchema
from visd.core.api.submission import DESCRIBE as SUBMISSION_DESCRIPTION
from visd.core.api.submission import SubmissionKeyField, create_responses, created_status
from visd.core.api.views import HistoryMixin, LimitOffsetPagination, StaleVersion, action_errors
from visd.taxonomy.models import Concept, Scheme

from .. import actions
from ..models import (VisdPartnerRole, VisdProject, VisdProjectPartner, VisdProjectResult, VisdProjectStatus,
                      VisdResultKind)


class VisdPartnerSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.name", read_only=True)

    class Meta:
        model = VisdProjectPartner
        fields = ["id", "actor", "actor_name", "role", "budget_eur"]
        read_only_fields = fields


class VisdResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisdProjectResult
        fields = ["id", "kind", "title", "date", "reference", "amount_eur"]
        read_only_fields = fields


class VisdProjectSerializer(serializers.ModelSerializer):
    partners = VisdPartnerSerializer(many=True, read_only=True)
    results = VisdResultSerializer(many=True, read_only=True)
    fris_deadline = serializers.SerializerMethodField()
    fris_state = serializers.SerializerMethodField()

    class Meta:
        model = VisdProject
        fields = ["id", "acronym", "title", "summary", "kind", "flagship", "domain", "instrument", "programme",
                  "status", "submitted_on", "decided_on", "start_date", "end_date", "closed_on", "total_budget_eur",
                  "funding_requested_eur", "funding_granted_eur", "fris_deadline", "fris_state",
                  "fris_registered_on", "fris_id", "eu_projects", "partners", "results", "version", "created_at",
                  "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_fris_deadline(self, project):
        return project.fris_deadline

    @extend_schema_field(serializers.CharField())
    def get_fris_state(self, project) -> str:
        return project.fris_state()


class VisdProjectWriteSerializer(serializers.ModelSerializer):
    """The editable fields of a VISD project, as the web form has them. ``version`` is required
    when changing a project (PATCH): the version the client read."""

    domain = serializers.PrimaryKeyRelatedField(queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN),
                                                help_text=_("Id of a focus domain."))
    eu_projects = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=actions.linkable_eu_projects(),
        help_text=_("Ids of projects imported from CORDIS or the EDF results."))
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, write_only=True,
        help_text=_("The version of the project the change is based on (required when changing a project)."))
    submission_key = SubmissionKeyField()  # when creating; a change ignores it

    class Meta:
        model = VisdProject
        fields = sorted(actions.PROJECT_FIELDS) + ["eu_projects", "version", "submission_key"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": [_("Give the version of the project you changed.")]})
        return attrs


class VisdTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=VisdProjectStatus.choices, help_text=_("The new status."))
    date = serializers.DateField(required=False, allow_null=True,
                                 help_text=_("Date of this step (not needed for proposal and idea)."))
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1,
                                       help_text=_("The version of the project the step is based on."))


class VisdPartnerWriteSerializer(serializers.Serializer):
    actor = serializers.PrimaryKeyRelatedField(
        queryset=actions.eligible_partner_actors(), help_text=_("Flemish and Brussels organisations of the registry."),
        error_messages={"does_not_exist": _("No such organisation in the registry (it may have been deleted).")})
    role = serializers.ChoiceField(choices=VisdPartnerRole.choices)
    budget_eur = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


class VisdResultWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VisdResultKind.choices)
    title = serializers.CharField(max_length=400)
    date = serializers.DateField(required=False, allow_null=True)
    reference = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                      help_text=_("DOI, patent number, link or funder."))
    amount_eur = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                         help_text=_("For follow-up funding."))


class VisdConflictSerializer(serializers.Serializer):
    """A 409: someone else saved the project after the client read it."""

    detail = serializers.CharField()
    your_version = serializers.IntegerField(help_text=_("The version the request was based on."))
    current_version = serializers.IntegerField(help_text=_("The version now stored."))
    current = VisdProjectSerializer(help_text=_("The project as it is now stored."))
    yours = serializers.JSONField(help_text=_("The request as sent, not saved."))


ERRORS = {
    400: OpenApiResponse(description="Invalid input or a step the lifecycle does not allow; a message per field."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="The user may not change this project or file it under this focus domain."),
    404: OpenApiResponse(description="No such project, or not visible to the user."),
}
CONFLICT = {409: OpenApiResponse(VisdConflictSerializer, description="The version is stale: someone else "
                                 "changed the project. Nothing was written.")}


class VisdProjectViewSet(HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """VISD's own projects. Public: approved flagships; actor users also see their organisation's
    projects; the programme office sees all. VISD staff create projects; management and the
    programme manager of the project's focus domain change them, as on the screens."""

    serializer_class = VisdProjectSerializer
    filterset_fields = ["status", "kind", "flagship", "domain"]
    ordering_fields = ["title", "decided_on", "start_date"]
    pagination_class = LimitOffsetPagination
    schema = RoleAwareAutoSchema()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    create_permission = staticmethod(permissions.can_create_programme_records)

    def get_queryset(self):
        return permissions.visible_visd_projects(self.request.user).prefetch_related(
            "partners__actor", "results", "eu_projects").order_by("pk")

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return VisdProjectWriteSerializer
        return super().get_serializer_class()

    def _check_domain(self, domain):
        if not permissions.can_edit_programme_domain(self.request.user, domain):
            raise exceptions.PermissionDenied(_("You may not file a project under this focus domain."))

    def _stale(self, conflict, your_version, submitted) -> StaleVersion:
        current = VisdProjectSerializer(conflict.record, context=self.get_serializer_context()).data \
            if conflict.record else None
        return StaleVersion.of(conflict, your_version, current, submitted)

    def _output(self, project, status_code=status.HTTP_200_OK):
        project = self.get_queryset().get(pk=project.pk) if permissions.can_view_visd_project(
            self.request.user, project) else project
        return Response(VisdProjectSerializer(project, context=self.get_serializer_context()).data,
                        status=status_code)

    @extend_schema(request=VisdProjectWriteSerializer,
                   responses={**create_responses(VisdProjectSerializer),
                              **{k: v for k, v in ERRORS.items() if k != 404}},
                   summary="Create a VISD project",
                   description="A new project starts as an idea (as on the screens). VISD staff only; a "
                   "programme manager only in the focus domains of their portfolios. " + SUBMISSION_DESCRIPTION)
    def create(self, request, *args, **kwargs):
        serializer = VisdProjectWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        eu_projects = values.pop("eu_projects", [])
        values.pop("version", None)
        key = values.pop("submission_key", None)
        self._check_domain(values["domain"])
        with action_errors():
            project, created = actions.create_project_once(values, acting_user=request.user,
                                                           eu_projects=eu_projects, submission_key=key)
        response = self._output(project, created_status(created))
        response["Location"] = self.reverse_action("detail", args=[project.pk])
        return response

    @extend_schema(request=VisdProjectWriteSerializer, responses={200: VisdProjectSerializer, **ERRORS, **CONFLICT},
                   summary="Change a VISD project",
                   description="Send the fields to change and the `version` of the project you read. A stale "
                   "version is answered 409 with the current project; nothing is written. The status "
                   "changes through `transition/`.")
    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = VisdProjectWriteSerializer(project, data=request.data, partial=True,
                                                context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("submission_key", None)  # a key names a new project; a change has its version
        version = values.pop("version")
        eu_projects = values.pop("eu_projects", None)
        if "domain" in values:
            self._check_domain(values["domain"])
        project = VisdProject.objects.get(pk=project.pk)
        with action_errors(actions.EditConflict, lambda conflict: self._stale(conflict, version, request.data)):
            actions.update_project(project, values, acting_user=request.user, expected_version=version,
                                   eu_projects=eu_projects)
        return self._output(project)

    @extend_schema(request=VisdTransitionSerializer, responses={200: VisdProjectSerializer, **ERRORS, **CONFLICT},
                   summary="Move a VISD project to another status",
                   description="The lifecycle of the screens: idea → proposal → submitted → approved or "
                   "rejected; approved → running → closed; rejected → proposal or closed; idea and proposal "
                   "may be dropped (→ closed). Submitted, approved, rejected, running and closed need their "
                   "`date`. Send the `version` of the project you read.")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def transition(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = VisdTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with action_errors(actions.EditConflict, lambda conflict: self._stale(conflict, data["version"], request.data)):
            actions.change_status(project, data["status"], on=data.get("date"), acting_user=request.user,
                                  expected_version=data["version"])
        return self._output(project)

    @extend_schema(request=VisdPartnerWriteSerializer,
                   responses={201: VisdPartnerSerializer, **ERRORS},
                   summary="Add a partner to a VISD project",
                   description="One row per organisation, one lead partner (as on the screens).")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def partners(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = VisdPartnerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with action_errors():
            partner = actions.add_partner(project, data["actor"], data["role"], data.get("budget_eur"),
                                          acting_user=request.user)
        return Response(VisdPartnerSerializer(partner).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VisdResultWriteSerializer,
                   responses={201: VisdResultSerializer, **ERRORS},
                   summary="Record a result of a VISD project",
                   description="A publication, patent, prototype, follow-up funding or other result, for an "
                   "approved, running or closed project (as on the screens). The same result (kind, title "
                   "and date) recorded twice is a 400; nothing is written.")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def results(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = VisdResultWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with action_errors():
            result = actions.add_result(project, dict(serializer.validated_data), acting_user=request.user)
        return Response(VisdResultSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None, **ERRORS},
                   parameters=[OpenApiParameter("partner_id", int, OpenApiParameter.PATH)],
                   summary="Remove a partner from a VISD project",
                   description="A partner someone else already removed is a 400 saying so; an approved or "
                   "running project keeps one partner.")
    @action(detail=True, methods=["delete"], url_path=r"partners/(?P<partner_id>[0-9]{1,9})", filter_backends=[],
            pagination_class=None)
    def remove_partner(self, request, partner_id, *args, **kwargs):
        project = self.get_object()
        with action_errors():
            actions.remove_partner(project, int(partner_id), acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
