"""Filters for the actor list, shared by the web pages and the API. The search text ``q`` is validated
here, but it does not filter: the page and the API rank the actors it finds with
:class:`visd.actors.search.ActorSearch` (by what they do; names and identifiers by whole words),
within the facets filtered here."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from visd.core.filters import FilterSet
from visd.taxonomy.models import Concept, Scheme

from .models import Actor, ActorKind, DefenceProfile, Region, SizeClass
from .search import MAX_QUERY_LENGTH


def validate_search_text(value: str) -> None:
    if value.strip() and not any(ch.isalnum() for ch in value):
        raise ValidationError(_("Type at least one word or number to search for."), code="no_words")


class ActorFilterSet(FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Search"), max_length=MAX_QUERY_LENGTH, validators=[validate_search_text],
        help_text=_("What the actor does (e.g. sensoren, cyberbeveiliging, drone, radar), in Dutch, English or "
                    "French; or its name, PIC, KBO or VAT number. Results are ranked by relevance."),
        error_messages={"max_length": _("The search text is too long: at most %(limit_value)d characters "
                                        "(it has %(show_value)d).")},
    )
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", label=_("Country"))
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("Region"))
    kind = django_filters.ChoiceFilter(choices=ActorKind.choices, label=_("Kind"))
    size_class = django_filters.ChoiceFilter(choices=SizeClass.choices, label=_("Size class"))
    defence_profile = django_filters.ChoiceFilter(choices=DefenceProfile.choices, label=_("Profile"))
    domain = django_filters.ModelChoiceFilter(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN), field_name="tags__concept",
        label=_("Focus domain"), distinct=True,
    )
    captech = django_filters.ModelChoiceFilter(
        queryset=Concept.objects.filter(scheme=Scheme.CAPTECH), field_name="tags__concept",
        label=_("EDA CapTech"), distinct=True,
    )
    pic = django_filters.CharFilter(field_name="pic", label="PIC")

    class Meta:
        model = Actor
        fields = ["q", "country", "region", "kind", "size_class", "defence_profile", "domain", "captech", "pic"]

    def search(self, queryset, name, value):
        """Nothing is filtered here: ``ActorSearch`` ranks what the text finds (see the module docstring)."""
        return queryset
