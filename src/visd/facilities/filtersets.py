"""Filters for the infrastructure list, shared by the web pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from visd.actors.models import Actor
from visd.core.filters import FilterSet
from visd.taxonomy.models import Concept, Scheme

from .models import FacilityPhase, Infrastructure


class InfrastructureFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    operator = django_filters.ModelChoiceFilter(queryset=Actor.objects.all(), label=_("Operator"))
    domain = django_filters.ModelChoiceFilter(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN), field_name="domains",
        label=_("Focus domain"), distinct=True,
    )
    city = django_filters.CharFilter(lookup_expr="iexact", label=_("City"))
    phase = django_filters.ChoiceFilter(choices=FacilityPhase.choices, method="filter_phase", label=_("Phase"))

    class Meta:
        model = Infrastructure
        fields = ["q", "domain", "phase", "operator", "city"]

    def filter_phase(self, queryset, name, value):
        # A JSON list of codes: match the quoted code, which works on SQLite and PostgreSQL alike.
        return queryset.filter(phases__icontains=f'"{value}"') if value else queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(description_nl__icontains=value) | Q(description_en__icontains=value)
            | Q(city__icontains=value) | Q(operator__name__icontains=value)
        )


class FacilityFinderFilterSet(InfrastructureFilterSet):
    """The web finder: the same filters, with the focus domain by its code so links stay readable
    (/facilities/?domain=luchtvaart-uav&phase=test)."""

    domain = django_filters.ModelChoiceFilter(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).order_by("order"), field_name="domains",
        to_field_name="code", label=_("Focus domain"), distinct=True,
    )


class InfrastructureApiFilterSet(InfrastructureFilterSet):
    """The API (/api/infrastructure/): the finder's filters, with the focus domain by id (``domain``)
    or by code (``domain_code``, as in the finder's links: ?domain_code=luchtvaart-uav&phase=test).
    An unknown value is a 400 with the parameter's message, never an unfiltered list."""

    domain_code = django_filters.ModelChoiceFilter(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN), field_name="domains", to_field_name="code",
        label=_("Focus domain (code)"), distinct=True,
    )

    class Meta(InfrastructureFilterSet.Meta):
        fields = [*InfrastructureFilterSet.Meta.fields, "domain_code"]
