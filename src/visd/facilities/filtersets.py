"""Filters for the infrastructure list, shared by the web pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from visd.actors.models import Actor
from visd.core.filters import FilterSet
from visd.taxonomy.models import Concept, Scheme

from .models import FacilityPhase, Infrastructure, Origin, ValidationStatus


class InfrastructureFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    operator = django_filters.ModelChoiceFilter(queryset=Actor.objects.all(), label=_("Operator"))
    domain = django_filters.ModelChoiceFilter(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN), field_name="domains",
        label=_("Focus domain"), distinct=True,
    )
    city = django_filters.CharFilter(lookup_expr="iexact", label=_("City"))
    phase = django_filters.ChoiceFilter(choices=FacilityPhase.choices, method="filter_phase", label=_("Phase"))
    country = django_filters.CharFilter(lookup_expr="iexact", label=_("Country (ISO code, e.g. BE)"), max_length=2)
    origin = django_filters.ChoiceFilter(choices=Origin.choices, label=_("Origin"))
    validation = django_filters.ChoiceFilter(choices=ValidationStatus.choices, label=_("Validation"))

    class Meta:
        model = Infrastructure
        fields = ["q", "domain", "phase", "operator", "city", "country", "origin", "validation"]

    def filter_phase(self, queryset, name, value):
        # A JSON list of codes: match the quoted code, which works on SQLite and PostgreSQL alike.
        return queryset.filter(phases__icontains=f'"{value}"') if value else queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(description_nl__icontains=value) | Q(description_en__icontains=value)
            | Q(city__icontains=value) | Q(operator__name__icontains=value) | Q(acronym__icontains=value)
            | Q(testable__icontains=value)
        )


class FacilityFinderFilterSet(InfrastructureFilterSet):
    """The web finder: the same filters, with the focus domain by its code so links stay readable
    (/facilities/?domain=luchtvaart-uav&phase=test)."""

    domain = django_filters.ModelChoiceFilter(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).order_by("order"), field_name="domains",
        to_field_name="code", label=_("Focus domain"), distinct=True,
    )
    # A text field, not a list of every registry organisation (thousands of options, issue 17 item 5):
    # part of the operator's name or short name; an id (a link from an actor's page) selects that one.
    operator = django_filters.CharFilter(method="filter_operator", label=_("Operator (part of the name)"),
                                         max_length=200)

    def filter_operator(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit() and len(value) <= 18:
            return queryset.filter(operator_id=int(value))
        return queryset.filter(Q(operator__name__icontains=value) | Q(operator__short_name__icontains=value)
                               | Q(operator__preferred_name__icontains=value))


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
