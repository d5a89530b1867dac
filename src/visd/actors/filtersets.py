"""Filters for the actor list, shared by the web pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from visd.taxonomy.models import Concept, Scheme

from .models import Actor, ActorKind, DefenceProfile, Region, SizeClass


class ActorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", label=_("Country"))
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("Region"))
    kind = django_filters.ChoiceFilter(choices=ActorKind.choices, label=_("Kind"))
    size_class = django_filters.ChoiceFilter(choices=SizeClass.choices, label=_("Size class"))
    defence_profile = django_filters.ChoiceFilter(choices=DefenceProfile.choices, label=_("Profile"))
    domain = django_filters.ModelChoiceFilter(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN), field_name="tags__concept",
        label=_("Focus domain"), distinct=True,
    )
    pic = django_filters.CharFilter(field_name="pic", label="PIC")

    class Meta:
        model = Actor
        fields = ["q", "country", "region", "kind", "size_class", "defence_profile", "domain", "pic"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        digits = "".join(ch for ch in value if ch.isdigit())
        condition = (
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(city__icontains=value)
            | Q(description_nl__icontains=value) | Q(description_en__icontains=value)
        )
        if len(digits) >= 9:
            condition |= Q(pic=digits) | Q(kbo__endswith=digits[-9:]) | Q(vat__icontains=digits)
        return queryset.filter(condition)
