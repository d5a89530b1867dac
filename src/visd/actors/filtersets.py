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
    trl = django_filters.ChoiceFilter(  # a ChoiceFilter: its empty first choice leaves the facet off
        choices=[(str(n), str(n)) for n in range(1, 10)], method="offers_at_trl", label=_("TRL at least"),
        help_text=_("Actors whose capability profile offers something at this technology readiness level or "
                    "higher (the offers you may see)."))
    pic = django_filters.CharFilter(field_name="pic", label="PIC")

    class Meta:
        model = Actor
        fields = ["q", "country", "region", "kind", "size_class", "defence_profile", "domain", "captech", "trl",
                  "pic"]

    def offers_at_trl(self, queryset, name, value):
        """Only offers the viewer may see count (published ones, in their tier; VISD staff and the
        organisation itself: also those waiting for validation)."""
        from django.contrib.auth.models import AnonymousUser
        from django.db.models import Q

        from visd.core import permissions
        from visd.profiles.models import Offer

        value = int(value)
        user = getattr(self.request, "user", None) or AnonymousUser()
        if permissions.is_visd_staff(user):
            offers = Offer.objects.filter(trl__gte=value)
        else:
            # others see the published version: its TRL, in the tier it was published with
            offers = Offer.objects.filter(published_visibility__in=permissions.profile_tiers(user),
                                          published_values__values__trl__gte=value)
            own = permissions.own_actor_id(user)
            if own is not None:
                offers = Offer.objects.filter(Q(pk__in=offers.values("pk")) | Q(profile_id=own, trl__gte=value))
        return queryset.filter(pk__in=offers.values("profile_id"))

    def search(self, queryset, name, value):
        """Nothing is filtered here: ``ActorSearch`` ranks what the text finds (see the module docstring)."""
        return queryset
