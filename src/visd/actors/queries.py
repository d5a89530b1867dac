"""Read-only questions about actors that more than one screen asks."""

from django.db.models import Count, QuerySet

from .models import Actor


def partners_of(actor: Actor) -> QuerySet:
    """Other actors that took part in at least one of ``actor``'s projects, each annotated with
    ``shared_projects``, most shared first. One query, whatever the number of projects.

    The filter and the count go through the same participation join, so the count is the number of
    projects shared with ``actor``, not all projects of the partner."""
    return (
        Actor.objects.filter(participations__project__participations__actor=actor)
        .exclude(pk=actor.pk)
        .annotate(shared_projects=Count("participations__project", distinct=True))
        .order_by("-shared_projects", "name")
    )
