"""The one filterset base of the registry's filters (pages and API). Every number filter, declared
or generated from a model's integer field, refuses a value outside the 64-bit range the databases
store (``?object_id=99999999999999999999``, a year filter): a 400 naming the field with the form's
message, never a server error from the database."""

import django_filters
from django_filters import rest_framework

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class BoundedNumbers:
    """Number filters bounded to 64-bit integers (mixed into a django-filter ``FilterSet``)."""

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for filter_ in filters.values():
            if isinstance(filter_, django_filters.NumberFilter):
                low, high = filter_.extra.get("min_value"), filter_.extra.get("max_value")
                filter_.extra["min_value"] = INT64_MIN if low is None else max(low, INT64_MIN)
                filter_.extra["max_value"] = INT64_MAX if high is None else min(high, INT64_MAX)
                filter_.__dict__.pop("_field", None)  # built again with the bounds
        return filters


class FilterSet(BoundedNumbers, django_filters.FilterSet):
    """The base of the apps' filtersets (``visd.<app>.filtersets``)."""


class ApiFilterSet(BoundedNumbers, rest_framework.FilterSet):
    """The base of the filtersets the API builds from a viewset's ``filterset_fields``."""


class FilterBackend(rest_framework.DjangoFilterBackend):
    """The API's filter backend: filtersets generated from ``filterset_fields`` are built on
    ``ApiFilterSet``; a viewset's own ``filterset_class`` must derive from ``FilterSet``."""

    filterset_base = ApiFilterSet

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        assert filterset_class is None or issubclass(filterset_class, BoundedNumbers), (
            f"{filterset_class.__name__} must derive from visd.core.filters.FilterSet")
        return filterset_class
