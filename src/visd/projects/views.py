from collections import Counter

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, render

from visd.actors.models import Region
from visd.core.listing import filtered_page

from .filtersets import ProjectFilterSet
from .models import ParticipationRole, Project


def project_list(request):
    # Counted before the filters join participations again, with distinct, so a partner-country
    # filter does not change the partner counts shown. Aggregating queries ignore Meta.ordering.
    projects = Project.objects.annotate(
        partner_count=Count("participations", distinct=True),
        flemish_partner_count=Count(
            "participations", filter=Q(participations__actor__region=Region.FLANDERS), distinct=True
        ),
    ).order_by(F("start_date").desc(nulls_last=True), "acronym", "pk")
    return render(request, "projects/project_list.html", filtered_page(request, ProjectFilterSet, projects))


def project_detail(request, pk):
    project = get_object_or_404(Project, pk=pk)
    participations = list(
        project.participations.select_related("actor").order_by(
            Case(When(role=ParticipationRole.COORDINATOR, then=Value(0)), default=Value(1),
                 output_field=IntegerField()),
            F("ec_contribution").desc(nulls_last=True),
            "actor__name",
        )
    )
    per_country = Counter(p.actor.country for p in participations if p.actor.country)
    countries = sorted(per_country.items(), key=lambda item: (-item[1], item[0]))
    return render(request, "projects/project_detail.html", {
        "project": project,
        "participations": participations,
        "countries": countries,
    })
