from rest_framework import permissions as drf

from visd.core import permissions


class RolePermission(drf.BasePermission):
    """API access follows ``visd.core.permissions``; this class only maps HTTP methods onto it.

    A viewset says who may use it with optional attributes, each a function from
    ``visd.core.permissions`` (or a composition of them):

    - ``read_permission(user)``: who may read the resource at all. Unset for public records; set
      for personal data (contacts, interactions, dossiers) and management-only records (imports).
      The viewset's ``get_queryset`` narrows further where a role sees only part (an actor user
      sees only their own organisation's contacts).
    - ``create_permission(user)``: who may create records at all (default: management only). This
      runs before the request body is read; ``visd.core.api.views.RegistryViewSet`` then checks
      ``can_change`` on the record as it would be saved, so e.g. a programme manager may only add
      contacts to actors in their portfolio.
    - ``change_permission(user, obj)``: who may change a record (default: ``can_change``), checked on
      the record before and after the change;
    - ``delete_permission(user, obj)``: who may delete a record (default: the change permission).

    Object-level reads follow ``can_view``."""

    def has_permission(self, request, view):
        reader = getattr(view, "read_permission", None)
        if reader is not None and not reader(request.user):
            return False
        if request.method in drf.SAFE_METHODS:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method == "POST":
            creator = getattr(view, "create_permission", None) or permissions.can_manage_reference_data
            return creator(request.user)
        return True  # the object-level check follows

    def has_object_permission(self, request, view, obj):
        if request.method in drf.SAFE_METHODS:
            return permissions.can_view(request.user, obj)
        checker = getattr(view, "delete_permission", None) if request.method == "DELETE" else None
        checker = checker or getattr(view, "change_permission", None) or permissions.can_change
        return checker(request.user, obj)
