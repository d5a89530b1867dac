import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from visd.core.filters import FilterSet

from .models import Call, Instrument, InstrumentKind, InstrumentLevel


class CallFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    programme = django_filters.CharFilter(lookup_expr="icontains", label=_("Programme"))
    status = django_filters.CharFilter(lookup_expr="iexact", label=_("Status"))
    deadline_after = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label=_("Deadline on or after"),
                                               help_text=_("A date as YYYY-MM-DD."))
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label=_("Deadline on or before"),
                                                help_text=_("A date as YYYY-MM-DD."))

    class Meta:
        model = Call
        fields = ["q", "programme", "status", "deadline_after", "deadline_before"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(topic_id__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value)
            | Q(call_identifier__icontains=value)
        )


class InstrumentFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    level = django_filters.ChoiceFilter(choices=InstrumentLevel.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=InstrumentKind.choices, label=_("Kind"))

    class Meta:
        model = Instrument
        fields = ["q", "level", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(name_nl__icontains=value) | Q(name_en__icontains=value)
            | Q(owner__icontains=value) | Q(description_nl__icontains=value) | Q(description_en__icontains=value)
        )
