"""Read-only matching endpoints: ranked actors for a call, a need, a text or a draft project (partner
search), calls and needs for an actor, the strength map, and the concept tags of projects, calls and
needs. Everything here is derived from public registry records, so anyone may read it
(``visd.core.permissions.can_view``); nothing can be written.

The endpoints answer from the last persisted matching index (``lifecycle.read_index``) and never
build or update it. Without an index they answer 503 with a message saying how to build one; when
the index is behind the database, the response carries ``X-Matching-Index-Synced-At`` (when the index
last saw the database) and ``X-Matching-Index-Changed-Records`` (about how many records changed since).
While the index waits for the embeddings of the configured dense encoder (``visd embed``), it answers
lexically and says so: ``X-Matching-Semantic: lexical; 1234/5406 texts embedded``."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from visd.actors.models import Actor
from visd.capabilities.models import CapabilityNeed
from visd.funding.models import Call

from .. import lifecycle, matches, page_cache
from .. import views as pages
from ..matches import MatchError
from ..models import ConceptTag
from .serializers import (ActorMatchSerializer, ActorOpportunitiesSerializer, ConceptTagSerializer,
                          StrengthMapSerializer)

FILTER_PARAMS = [
    OpenApiParameter("country", str, description="Two-letter country code, e.g. BE."),
    OpenApiParameter("region", str, enum=["flanders", "brussels", "wallonia"]),
    OpenApiParameter("kind", str, description="company, university, research, public, other, or a registry actor kind."),
    OpenApiParameter("top", int, description="Number of results, 1-100 (default 10)."),
]


class MatchingUnavailable(APIException):
    status_code = 503
    default_code = "matching_unavailable"


def _index(request):
    """The index this request answers from, read once per request (read-only; see the module docstring)."""
    if not hasattr(request, "_matching_status"):
        request._matching_status = lifecycle.read_index()
    status = request._matching_status
    if not status.available:
        raise MatchingUnavailable(matches.unavailable_message(status))
    return status.index


def _responses(ok):
    """The endpoint's answer, and the 503 it gives before the matching index was ever built."""
    return {200: ok, 503: OpenApiResponse(description="No matching index yet: run `visd tag` on the server.")}


def _args(request):
    try:
        top = int(request.query_params.get("top", 10))
    except ValueError:
        raise ValidationError({"top": "Give a whole number."}) from None
    if not 1 <= top <= 100:
        raise ValidationError({"top": "Give a number from 1 to 100."})
    try:
        filters = matches.filters_for(request.query_params.get("country"), request.query_params.get("region"),
                                      request.query_params.get("kind"))
    except MatchError as exc:
        raise ValidationError({"filters": str(exc)}) from None
    return filters, top


class MatchingViewSet(viewsets.ViewSet):
    """Matches with reasons (see docs/matching.md)."""

    serializer_class = ActorMatchSerializer

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        status = getattr(request, "_matching_status", None)
        if status is not None and status.available and status.stale:
            if status.synced_at:
                response["X-Matching-Index-Synced-At"] = status.synced_at.isoformat()
            response["X-Matching-Index-Changed-Records"] = str(status.changes)
        if status is not None and status.available and status.dense_progress is not None:
            response["X-Matching-Semantic"] = "lexical; %d/%d texts embedded" % status.dense_progress
        return response

    @extend_schema(parameters=[OpenApiParameter("topic_id", str, OpenApiParameter.PATH), *FILTER_PARAMS],
                   responses=_responses(ActorMatchSerializer(many=True)))
    @action(detail=False, url_path=r"call/(?P<topic_id>[^/]+)")
    def call(self, request, topic_id=None):
        """Actors ranked for a call (by topic id)."""
        call = get_object_or_404(Call, topic_id=topic_id)
        filters, top = _args(request)
        index = _index(request)
        return Response(page_cache.cached("call", request._matching_status, (call.pk, sorted(filters.items()), top),
                                          lambda: matches.actors_for_call(call, filters, top, index=index)))

    @extend_schema(parameters=[OpenApiParameter("need_id", int, OpenApiParameter.PATH), *FILTER_PARAMS],
                   responses=_responses(ActorMatchSerializer(many=True)))
    @action(detail=False, url_path=r"need/(?P<need_id>[0-9]+)")
    def need(self, request, need_id=None):
        """Actors ranked for a capability need."""
        need = get_object_or_404(CapabilityNeed, pk=need_id)
        filters, top = _args(request)
        index = _index(request)
        return Response(page_cache.cached("need", request._matching_status, (need.pk, sorted(filters.items()), top),
                                          lambda: matches.actors_for_need(need, filters, top, index=index)))

    @extend_schema(parameters=[OpenApiParameter("text", str, required=True), *FILTER_PARAMS],
                   responses=_responses(ActorMatchSerializer(many=True)))
    @action(detail=False, url_path="text")
    def text(self, request):
        """Actors ranked for a free text (Dutch, English or French)."""
        filters, top = _args(request)
        try:
            return Response(matches.actors_for_text(request.query_params.get("text", ""), filters, top,
                                                    index=_index(request)))
        except MatchError as exc:
            raise ValidationError({"text": str(exc)}) from None

    @extend_schema(parameters=[OpenApiParameter("actor_id", int, OpenApiParameter.PATH),
                               OpenApiParameter("top", int, description="Results per list, 1-100 (default 10).")],
                   responses=_responses(ActorOpportunitiesSerializer))
    @action(detail=False, url_path=r"actor/(?P<actor_id>[0-9]+)")
    def actor(self, request, actor_id=None):
        """Calls (open first) and capability needs ranked for an actor."""
        actor = get_object_or_404(Actor, pk=actor_id)
        _, top = _args(request)
        index = _index(request)
        return Response(page_cache.cached("actor", request._matching_status, (actor.pk, top),
                                          lambda: pages.opportunities(actor, top, index)))

    @extend_schema(parameters=[OpenApiParameter("text", str, required=True, description="The draft project's text."),
                               OpenApiParameter("members", str, description="Current members: actor ids, comma-separated."),
                               *FILTER_PARAMS],
                   responses=_responses(ActorMatchSerializer(many=True)))
    @action(detail=False, url_path="partners")
    def partners(self, request):
        """Complementary partners for a draft project, EU-wide; members are excluded."""
        filters, top = _args(request)
        members = [m.strip() for m in request.query_params.get("members", "").split(",") if m.strip()]
        if any(not m.isdigit() for m in members):
            raise ValidationError({"members": "Give actor ids, comma-separated."})
        known = set(Actor.objects.filter(pk__in=[int(m) for m in members]).values_list("pk", flat=True))
        unknown = [m for m in members if int(m) not in known]
        if unknown:
            raise ValidationError({"members": f"Unknown actors: {', '.join(unknown)}"})
        try:
            return Response(matches.partners_for_draft(request.query_params.get("text", ""), members, filters, top,
                                                       index=_index(request)))
        except MatchError as exc:
            raise ValidationError({"text": str(exc)}) from None

    @extend_schema(parameters=[OpenApiParameter("region", str, enum=["flanders", "brussels", "wallonia"],
                                                description="Default flanders.")],
                   responses=_responses(StrengthMapSerializer))
    @action(detail=False, url_path="strength-map")
    def strength_map(self, request):
        """The strength map: focus domains, capability items and open calls against the region's actors."""
        region = request.query_params.get("region", "flanders")
        _index(request)
        status = request._matching_status

        def compute():
            smap = matches.strength(region, status)
            return {"region": region, "actors": smap.n_actors, "threshold": smap.threshold, "rows": smap.to_dicts()}

        try:   # an unknown region is refused by matches.strength before anything is cached
            return Response(page_cache.cached("strength-api", status, (region,), compute))
        except MatchError as exc:
            raise ValidationError({"region": str(exc)}) from None


class ConceptTagViewSet(viewsets.ReadOnlyModelViewSet):
    """Concept tags of projects, calls and capability needs (derived from their text, or curated).
    Filter with ``target_type`` and ``object_id``."""

    queryset = ConceptTag.objects.select_related("concept").order_by("target_type", "object_id", "pk")
    serializer_class = ConceptTagSerializer
    filterset_fields = ["target_type", "object_id", "origin"]
    ordering_fields = ["confidence", "object_id"]
