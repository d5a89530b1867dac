import django_filters
from django import forms

from visd.core.filters import FilterSet

from .models import Offer, Seek

MAX_ID = 2**63 - 1  # the largest id the databases store; beyond it is a 400, not a server error


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class _EntryFilterSet(FilterSet):
    profile = IdFilter(field_name="profile_id", min_value=1, max_value=MAX_ID, label="The actor's id.")


class OfferFilterSet(_EntryFilterSet):
    class Meta:
        model = Offer
        fields = ["profile", "use", "visibility"]


class SeekFilterSet(_EntryFilterSet):
    class Meta:
        model = Seek
        fields = ["profile", "kind", "visibility"]
