from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from visd.core import permissions
from visd.core.api.views import HistoryMixin, LimitOffsetPagination, RegistryViewSet

from ..filtersets import ActorFilterSet
from ..models import Actor, ActorTag, TagOrigin
from ..search import ActorSearch
from .serializers import ActorSerializer, ActorTagSerializer

SEARCH_SCHEMA = {
    "type": "object", "nullable": True,
    "description": "With q: the search text, whether actors were searched by what they do (false while the "
                   "matching index has not been built: then names and identifiers only), and a notice when "
                   "the index is missing or behind the registry. Null without q.",
    "properties": {"text": {"type": "string"}, "capability_search": {"type": "boolean"},
                   "notice": {"type": "string"}},
    "required": ["text", "capability_search", "notice"],
}


class ActorPagination(LimitOffsetPagination):
    """The actor list's pages, with the ``search`` the page answers (see SEARCH_SCHEMA)."""

    search: ActorSearch | None = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        search = self.search
        response.data["search"] = None if search is None else {
            "text": search.text, "capability_search": search.capability_search, "notice": search.notice}
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["search"] = SEARCH_SCHEMA
        return schema


@extend_schema_view(list=extend_schema(description=(
    "Organisations of the ecosystem, with facets. **q** searches actors by what they do: their description "
    "and the texts of their past projects, in Dutch, English or French (stemming, Dutch compounds, the "
    "nl/fr-en term bridge of the matching engine), and by whole words of their name or their PIC, KBO or VAT "
    "number; never by a part of a word. With q the results are ordered by relevance (identifier and name "
    "hits first) unless `ordering` is given, each with `search`: why it was found (matching words, shared "
    "concepts, past projects as evidence). q is at most 500 characters.")))
class ActorViewSet(HistoryMixin, RegistryViewSet):
    """Organisations of the ecosystem. Public; edited by management, by the programme manager of
    the actor's domains and by the actor's own users; deleted by management only."""

    queryset = Actor.objects.prefetch_related(
        Prefetch("tags", queryset=ActorTag.objects.select_related("concept").order_by("concept__scheme", "concept__order")),
        "clusters",
    )
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    ordering_fields = ["name", "country", "region", "kind", "created_at", "updated_at"]
    create_permission = staticmethod(permissions.can_create_actor)
    delete_permission = staticmethod(lambda user, actor: permissions.is_management(user))
    pagination_class = ActorPagination

    def filter_queryset(self, queryset):
        """The facets (and ``ordering``) filter; a search text ``q`` in the list ranks what it finds
        (``visd.actors.search``). The filterset has validated ``q`` by then (a 400 otherwise)."""
        queryset = super().filter_queryset(queryset)
        text = self.request.query_params.get("q", "").strip()
        if self.action != "list" or not text:
            return queryset
        search = ActorSearch(queryset, text, keep_order=bool(self.request.query_params.get("ordering")))
        self.paginator.search = search
        return search

    def perform_create(self, serializer):
        # Creating an actor is decided by can_create_actor alone (checked before the body is read):
        # a new actor has no tags yet, so the portfolio rule of can_edit_actor cannot apply to it.
        with transaction.atomic():
            serializer.save()


def may_change_tag(user, tag) -> bool:
    """Whoever may edit the actor; an actor user only the tags their organisation declared itself,
    never the programme office's curated ones."""
    return permissions.can_change(user, tag) and (
        permissions.is_visd_staff(user) or tag.origin == TagOrigin.SELF_DECLARED
    )


class ActorTagViewSet(HistoryMixin, RegistryViewSet):
    """Concepts attached to actors, with their origin. Public; changed by whoever may edit the actor
    (an actor user: self-declared tags only)."""

    queryset = ActorTag.objects.select_related("actor", "concept")
    serializer_class = ActorTagSerializer
    filterset_fields = ["actor", "concept", "origin", "concept__scheme"]
    ordering_fields = ["actor__name", "concept__code", "origin", "confidence"]
    create_permission = staticmethod(
        lambda user: permissions.can_create_actor(user) or permissions.own_actor_id(user) is not None
    )
    change_permission = staticmethod(may_change_tag)
