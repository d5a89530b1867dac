"""The one way list pages search, filter and paginate: the app's FilterSet reads the GET
parameters, Django's Paginator cuts the result into pages of ``PAGE_SIZE``."""

from django.core.paginator import Paginator

PAGE_SIZE = 25


def filtered_page(request, filterset_class, queryset, page_size: int = PAGE_SIZE) -> dict:
    """Context for a list template: ``filter`` (the bound FilterSet, whose form shows the criteria
    and their errors) and ``page_obj``. Invalid criteria (a date that is no date, an unknown choice)
    give an empty page and the form's error messages, never a silently unfiltered list."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    page_obj = Paginator(rows, page_size).get_page(request.GET.get("page"))
    return {"filter": filterset, "page_obj": page_obj}
