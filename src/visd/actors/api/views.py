from django.db import transaction
from django.db.models import Prefetch

from visd.core import permissions
from visd.core.api.views import HistoryMixin, RegistryViewSet

from ..filtersets import ActorFilterSet
from ..models import Actor, ActorTag, TagOrigin
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
