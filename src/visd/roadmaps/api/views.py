"""API of the orientation roadmaps.

Reads follow ``visible_roadmaps``: the public sees published versions, the programme office drafts
and superseded versions too; a roadmap the user may not see is a 404. Writes (start a version,
partial update, publish, add and remove items) call the same functions as the screens,
``visd.roadmaps.actions``, with the same permission checks (``visd.core.permissions``): VISD staff
start versions, a programme manager only for the focus domains of their portfolios; whoever may
change the roadmap edits, publishes and fills it.

Lost updates: a PATCH and a publish carry the ``revision`` the client read (``version`` is the
roadmap's version number 1, 2, ...), as the web form carries it in a hidden field. A stale revision
is a 409 with the roadmap as stored and the request as sent, and nothing is written."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from visd.capabilities.models import CapabilityNeed
from visd.core import permissions
from visd.core.api.schema import RoleAwareAutoSchema
from visd.core.api.views import HistoryMixin, LimitOffsetPagination, StaleVersion, action_errors
from visd.funding.models import Call
from visd.taxonomy.models import Concept, Scheme

from .. import actions
from ..mapping import visible_roadmaps
from ..models import Roadmap, RoadmapItem

NO_FOCUS_DOMAIN = _("No focus domain with id {pk_value}.")
REVISION_HELP = _("The revision of the roadmap the change is based on (every response shows it).")


class RoadmapItemSerializer(serializers.ModelSerializer):
    """Texts in both languages: ``title`` and ``description`` Dutch, ``*_en`` English ("" where none
    is written); a reader in English shows the English text where there is one."""

    class Meta:
        model = RoadmapItem
        fields = ["id", "kind", "title", "title_en", "description", "description_en", "start_year", "end_year",
                  "related_domains", "order"]
        read_only_fields = fields


class RoadmapSerializer(serializers.ModelSerializer):
    """Each text in Dutch (no suffix) and English (``*_en``, "" where none is written)."""

    items = RoadmapItemSerializer(many=True, read_only=True)

    class Meta:
        model = Roadmap
        fields = ["id", "domain", "version", "status", "published_on", "introduction", "introduction_en",
                  "mapping_text", "mapping_text_en", "roadmap_text", "roadmap_text_en", "conclusion", "conclusion_en",
                  "calls", "needs", "items", "revision", "created_at", "updated_at"]
        read_only_fields = fields


class KnownFieldsOnly:
    """A field the request may not set is a 400 naming it, rather than silently ignored (a client
    sending ``status`` or ``version`` would otherwise believe it changed)."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        sent = self.initial_data if hasattr(self.initial_data, "keys") else {}
        unknown = sorted(set(sent.keys()) - set(self.fields))
        if unknown:
            message = _("This field cannot be sent here; the fields accepted are: %(fields)s.") % {
                "fields": ", ".join(self.fields)}
            raise serializers.ValidationError({name: [message] for name in unknown})
        return attrs


class RoadmapStartSerializer(KnownFieldsOnly, serializers.Serializer):
    domain = serializers.PrimaryKeyRelatedField(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN), help_text=_("Id of a focus domain."),
        error_messages={"does_not_exist": NO_FOCUS_DOMAIN})


class RoadmapWriteSerializer(KnownFieldsOnly, serializers.ModelSerializer):
    """The editable texts and links of a draft roadmap, as the web form has them, and the
    ``revision`` the change is based on (required)."""

    calls = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Call.objects.all(),
        help_text=_("Ids of the linked calls (the `id` of /api/calls/); the list replaces the current one."),
        error_messages={"does_not_exist": _("No call with id {pk_value}.")})
    needs = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=CapabilityNeed.objects.all(),
        help_text=_("Ids of the linked capability needs (the `id` of /api/capability-needs/); the list replaces "
                    "the current one."),
        error_messages={"does_not_exist": _("No capability need with id {pk_value}.")})
    revision = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text=REVISION_HELP,
        error_messages={"required": _("Give the revision of the roadmap you changed.")})

    class Meta:
        model = Roadmap
        fields = sorted(actions.TEXT_FIELDS) + ["calls", "needs", "revision"]


class RoadmapPublishSerializer(KnownFieldsOnly, serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text=REVISION_HELP,
        error_messages={"required": _("Give the revision of the roadmap you publish.")})


class RoadmapItemWriteSerializer(KnownFieldsOnly, serializers.ModelSerializer):
    """One line of the visual roadmap, as the web form has it. The years are checked by the
    model (2020-2050, the end not before the start)."""

    related_domains = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN),
        help_text=_("Ids of the other focus domains the item draws on or serves."),
        error_messages={"does_not_exist": NO_FOCUS_DOMAIN})

    class Meta:
        model = RoadmapItem
        fields = sorted(actions.ITEM_FIELDS) + ["related_domains"]


class RoadmapConflictSerializer(serializers.Serializer):
    """A 409: someone else saved the roadmap after the client read it."""

    detail = serializers.CharField()
    your_revision = serializers.IntegerField(help_text=_("The revision the request was based on."))
    current_revision = serializers.IntegerField(help_text=_("The revision now stored."))
    current = RoadmapSerializer(help_text=_("The roadmap as it is now stored."))
    yours = serializers.JSONField(help_text=_("The request as sent, not saved."))


ERRORS = {
    400: OpenApiResponse(description="Invalid input, or a change the roadmap's status does not allow (a "
                         "published roadmap is not changed); a message per field. Nothing is written."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="The user may not change the roadmaps of this focus domain."),
    404: OpenApiResponse(description="No such roadmap, or a draft the user may not see."),
}
CONFLICT = {409: OpenApiResponse(RoadmapConflictSerializer, description="The revision is stale: someone else "
                                 "changed the roadmap. Nothing was written.")}


def _checked_in_the_view(user) -> bool:
    """``RolePermission`` asks ``create_permission`` before every POST, those on one roadmap
    (publish, items) included and before the roadmap is looked up: a refusal there would answer 403
    for a draft the user may not see. The view checks instead, as the screens do: ``create`` asks
    ``can_create_programme_records``; the others find the roadmap among those the user may see (else
    404), then ask ``can_change`` (else 403). ``RolePermission`` has already required a signed-in user."""
    return True


class RoadmapViewSet(HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Orientation roadmaps per focus domain. Public: published versions; the programme office
    also sees drafts and superseded versions. VISD staff start versions; management and the
    programme manager of the roadmap's focus domain edit, fill and publish drafts, as on the screens."""

    serializer_class = RoadmapSerializer
    filterset_fields = ["domain", "status"]
    pagination_class = LimitOffsetPagination
    schema = RoleAwareAutoSchema()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    create_permission = staticmethod(_checked_in_the_view)

    def get_queryset(self):
        return visible_roadmaps(self.request.user).prefetch_related(
            "items__related_domains", "calls", "needs").order_by("pk")

    def get_serializer_class(self):
        if self.action == "create":
            return RoadmapStartSerializer
        if self.action == "partial_update":
            return RoadmapWriteSerializer
        return super().get_serializer_class()

    def _fresh(self, roadmap) -> Roadmap:
        """The roadmap as stored, without the prefetched relations, for an action to change."""
        return Roadmap.objects.select_related("domain").get(pk=roadmap.pk)

    def _output(self, roadmap, status_code=status.HTTP_200_OK):
        return Response(RoadmapSerializer(self.get_queryset().get(pk=roadmap.pk)).data, status=status_code)

    def _stale(self, conflict, your_revision, submitted) -> StaleVersion:
        current = RoadmapSerializer(self.get_queryset().get(pk=conflict.record.pk)).data if conflict.record else None
        return StaleVersion.of(conflict, your_revision, current, submitted)

    @extend_schema(request=RoadmapStartSerializer,
                   responses={201: RoadmapSerializer, **{k: v for k, v in ERRORS.items() if k != 404}},
                   summary="Start a new roadmap version",
                   description="A new draft for the focus domain: version 1, or a copy of the latest version "
                   "(texts, items, linked calls and needs). A domain that already has a draft is a 400. VISD "
                   "staff; a programme manager only for the focus domains of their portfolios.")
    def create(self, request, *args, **kwargs):
        if not permissions.can_create_programme_records(request.user):
            raise exceptions.PermissionDenied(_("You may not start orientation roadmaps."))
        serializer = RoadmapStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        domain = serializer.validated_data["domain"]
        if not permissions.can_edit_programme_domain(request.user, domain):
            raise exceptions.PermissionDenied(_("You may not start a roadmap for this focus domain."))
        with action_errors():
            roadmap = actions.start_version(domain, acting_user=request.user)
        response = self._output(roadmap, status.HTTP_201_CREATED)
        response["Location"] = self.reverse_action("detail", args=[roadmap.pk])
        return response

    @extend_schema(request=RoadmapWriteSerializer, responses={200: RoadmapSerializer, **ERRORS, **CONFLICT},
                   summary="Change a draft roadmap",
                   description="Send the texts and links to change and the `revision` of the roadmap you read. "
                   "`calls` and `needs` replace the linked calls and needs. A stale revision is answered 409 "
                   "with the current roadmap; nothing is written. A published roadmap is not changed (400): "
                   "start a new version.")
    def partial_update(self, request, *args, **kwargs):
        roadmap = self.get_object()
        serializer = RoadmapWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        revision = values.pop("revision")
        calls, needs = values.pop("calls", None), values.pop("needs", None)
        roadmap = self._fresh(roadmap)
        with action_errors(actions.EditConflict, lambda conflict: self._stale(conflict, revision, request.data)):
            actions.update_roadmap(roadmap, values, acting_user=request.user, expected_revision=revision,
                                   calls=calls, needs=needs)
        return self._output(roadmap)

    @extend_schema(request=RoadmapPublishSerializer, responses={200: RoadmapSerializer, **ERRORS, **CONFLICT},
                   summary="Publish a draft roadmap",
                   description="The draft becomes the domain's public roadmap; the previously published version "
                   "is superseded. It needs an introduction and at least one item (else 400). Send the "
                   "`revision` of the roadmap you read.")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def publish(self, request, *args, **kwargs):
        roadmap = self.get_object()
        serializer = RoadmapPublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        revision = serializer.validated_data["revision"]
        roadmap = self._fresh(roadmap)
        with action_errors(actions.EditConflict, lambda conflict: self._stale(conflict, revision, request.data)):
            actions.publish(roadmap, acting_user=request.user, expected_revision=revision)
        return self._output(roadmap)

    @extend_schema(request=RoadmapItemWriteSerializer, responses={201: RoadmapItemSerializer, **ERRORS},
                   summary="Add an item to a draft roadmap",
                   description="A technology, capability or project line from `start_year` to `end_year` "
                   "(2020-2050, the end not before the start), with the other focus domains it relates to.")
    @action(detail=True, methods=["post"], url_path="items", filter_backends=[], pagination_class=None)
    def add_item(self, request, *args, **kwargs):
        roadmap = self.get_object()
        serializer = RoadmapItemWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        related = values.pop("related_domains", [])
        with action_errors():
            item = actions.add_item(self._fresh(roadmap), values, acting_user=request.user, related_domains=related)
        return Response(RoadmapItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None, **ERRORS},
                   parameters=[OpenApiParameter("item_id", int, OpenApiParameter.PATH)],
                   summary="Remove an item from a draft roadmap",
                   description="An item that is not (or no longer) on this roadmap is a 400 saying so.")
    @action(detail=True, methods=["delete"], url_path=r"items/(?P<item_id>[0-9]{1,9})", filter_backends=[],
            pagination_class=None)
    def remove_item(self, request, item_id, *args, **kwargs):
        roadmap = self.get_object()
        with action_errors():
            actions.remove_item(self._fresh(roadmap), int(item_id), acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
