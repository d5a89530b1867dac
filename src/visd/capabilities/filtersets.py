import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from visd.core.filters import FilterSet

from .models import CapabilityNeed, NeedLevel, NeedSource


class CapabilityNeedFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    source_kind = django_filters.ChoiceFilter(choices=NeedSource.choices, label=_("Source"))
    level = django_filters.ChoiceFilter(choices=NeedLevel.choices, label=_("Level"))
    # A model choice, not a number: an id that exists nowhere is a clear 400, never a database overflow.
    parent = django_filters.ModelChoiceFilter(queryset=CapabilityNeed.objects.all(), label=_("Parent"))
    first_commitment_year = django_filters.NumberFilter(label=_("First commitment year"))
    consolidated_development = django_filters.BooleanFilter(label=_("Consolidated development"))

    class Meta:
        model = CapabilityNeed
        fields = ["q", "source_kind", "level", "parent", "first_commitment_year", "consolidated_development"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value) | Q(code__icontains=value))
