from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from visd.core import permissions
from visd.core.listing import PAGE_SIZE
from visd.taxonomy.models import Scheme

from . import merge
from .filtersets import ActorFilterSet
from .models import Actor, ActorTag
from .queries import partners_of
from .search import ActorSearch

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
    # As visd.core.listing.filtered_page, but a search text ranks the actors it finds (within the
    # facets) by relevance, each with why it was found (visd.actors.search).
    filterset = ActorFilterSet(request.GET, queryset=actors, request=request)
    search = None
    if not filterset.is_valid():
        rows = actors.none()
    else:
        rows = filterset.qs
        text = filterset.form.cleaned_data.get("q") or ""
        if text.strip():
            rows = search = ActorSearch(rows, text)
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "actors/actor_list.html", {"filter": filterset, "page_obj": page_obj, "search": search})


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
        "can_merge": permissions.can_merge_actors(request.user, actor),
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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def actor_merge(request, pk):
    """Merge a duplicate record of the same organisation into this one (``visd.actors.merge``):
    choose the other record, see what will move, confirm. Management, or a programme manager for
    actors in their scope (``permissions.can_merge_actors``)."""
    keep = get_object_or_404(Actor, pk=pk)
    if not permissions.can_merge_actors(request.user, keep):
        raise PermissionDenied
    other = (request.POST.get("merge") if request.method == "POST" else request.GET.get("merge")) or ""
    context = {"actor": keep, "other": other.strip(), "plan": None, "error": "", "before": None}
    if context["other"]:
        try:
            the_plan = merge.plan(keep.pk, context["other"])
            if not permissions.can_merge_actors(request.user, the_plan.keep, the_plan.merge):
                raise merge.MergeError(_("You may not merge actor %(id)s: it is outside your portfolio.")
                                       % {"id": the_plan.merge.pk})
            if request.method == "POST" and request.POST.get("confirm"):
                audit = merge.merge_actors(keep.pk, the_plan.merge.pk, user=request.user)
                messages.success(request, _("Actor %(id)s (%(name)s) was merged into this record: %(rows)s rows moved.")
                                 % {"id": audit.merged_id, "name": audit.merged_name,
                                    "rows": sum(audit.moved.values())})
                return redirect(keep.get_absolute_url())
            context["plan"] = the_plan
        except merge.MergeError as error:
            context["error"] = str(error)
    status = 400 if context["error"] and request.method == "POST" else 200
    return render(request, "actors/actor_merge.html", context, status=status)
