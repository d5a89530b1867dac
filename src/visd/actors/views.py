from django.db.models import Count, F, Prefetch
from django.shortcuts import get_object_or_404, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from visd.core import permissions
from visd.core.listing import filtered_page
from visd.taxonomy.models import Scheme

from .filtersets import ActorFilterSet
from .models import Actor, ActorTag
from .queries import partners_of

PARTNERS_SHOWN = 25
STAKEHOLDER_PANEL = "stakeholders/_actor_stakeholders.html"


def actor_list(request):
    # Annotate before filtering, with distinct counts, so a filter on tags or projects does not
    # change the counts shown. Aggregating queries ignore Meta.ordering, hence the explicit order.
    actors = Actor.objects.annotate(project_count=Count("participations", distinct=True)).order_by("name", "pk")
    actors = actors.prefetch_related(
        Prefetch(
            "tags",
            queryset=ActorTag.objects.filter(concept__scheme=Scheme.FOCUS_DOMAIN).select_related("concept"),
            to_attr="domain_tags",
        )
    )
    return render(request, "actors/actor_list.html", filtered_page(request, ActorFilterSet, actors))


def actor_detail(request, pk):
    actor = get_object_or_404(
        Actor.objects.prefetch_related(
            "clusters",
            Prefetch("tags", queryset=ActorTag.objects.select_related("concept").order_by(
                "concept__scheme", "concept__order", "concept__code")),
            "infrastructures",
        ),
        pk=pk,
    )
    participations = actor.participations.select_related("project").order_by(
        F("project__start_date").desc(nulls_last=True), "project__acronym"
    )
    partners = partners_of(actor)
    context = {
        "actor": actor,
        "participations": participations,
        "partners": partners[:PARTNERS_SHOWN],
        "partner_count": partners.count(),
        "can_edit": permissions.can_edit_actor(request.user, actor),
        "stakeholder_panel": _stakeholder_panel(request, actor),
    }
    return render(request, "actors/actor_detail.html", context)


def _stakeholder_panel(request, actor) -> str:
    """Contacts and interactions, rendered by the stakeholders app's partial, which checks what the
    user may see. Users who may see neither never get the partial at all; and the page works
    before that app provides it."""
    user = request.user
    if not (permissions.can_view_personal_data(user, actor) or permissions.can_view_interactions(user)):
        return ""
    try:
        template = get_template(STAKEHOLDER_PANEL)
    except TemplateDoesNotExist:
        return ""
    return template.render({"actor": actor}, request)
