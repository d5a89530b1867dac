import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from visd.actors.models import Region
from visd.core.filters import FilterSet

from .models import Project, ProjectSource


class ProjectFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    source = django_filters.ChoiceFilter(choices=ProjectSource.choices, label=_("Source"))
    framework_programme = django_filters.CharFilter(lookup_expr="iexact", label=_("Framework programme"))
    country = django_filters.CharFilter(field_name="participations__actor__country", lookup_expr="iexact",
                                        label=_("Partner country"), distinct=True)
    region = django_filters.ChoiceFilter(field_name="participations__actor__region", choices=Region.choices,
                                         label=_("Partner region"), distinct=True)
    started_after = django_filters.DateFilter(field_name="start_date", lookup_expr="gte", label=_("Started on or after"))
    started_before = django_filters.DateFilter(field_name="start_date", lookup_expr="lte", label=_("Started on or before"))

    class Meta:
        model = Project
        fields = ["q", "source", "framework_programme", "country", "region", "started_after", "started_before"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(acronym__icontains=value) | Q(title__icontains=value) | Q(objective__icontains=value)
            | Q(external_id=value) | Q(topics__icontains=value)
        )
