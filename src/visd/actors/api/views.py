from django.db.models import Prefetch

from visd.core import permissions
from visd.core.api.views import HistoryMixin, RegistryViewSet

from ..filtersets import ActorFilterSet
from ..models import Actor, ActorTag
from .serializers import ActorSerializer, ActorTagSerializer


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

    def perform_create(self, serializer):
        # Creating an actor is decided by can_create_actor alone (checked before the body is read):
        # a new actor has no tags yet, so the portfolio rule of can_edit_actor cannot apply to it.
        serializer.save()


class ActorTagViewSet(HistoryMixin, RegistryViewSet):
    """Concepts attached to actors, with their origin. Public; changed by whoever may edit the actor."""

    queryset = ActorTag.objects.select_related("actor", "concept")
    serializer_class = ActorTagSerializer
    filterset_fields = ["actor", "concept", "origin", "concept__scheme"]
    ordering_fields = ["actor__name", "concept__code", "origin", "confidence"]
    create_permission = staticmethod(
        lambda user: permissions.can_create_actor(user) or permissions.own_actor_id(user) is not None
    )
