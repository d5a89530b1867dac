from rest_framework import permissions as drf

from visd.core import permissions


class RolePermission(drf.BasePermission):
    """API access follows ``visd.core.permissions``: public records are readable by anyone, personal
    records only by the roles that may see them, and writes need object-level rights.

    A viewset marks personal data with ``personal_data = True``; creation is checked by
    ``can_create(user, validated_data)`` on the viewset (default: management only)."""

    def has_permission(self, request, view):
        if getattr(view, "personal_data", False):
            if not (permissions.can_view_interactions(request.user) or permissions.role_of(request.user) == "actor_user"):
                return False
        if request.method in drf.SAFE_METHODS:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method == "POST":
            checker = getattr(view, "can_create", None)
            return checker(request.user) if checker else permissions.can_manage_reference_data(request.user)
        return True  # object-level check follows

    def has_object_permission(self, request, view, obj):
        if request.method in drf.SAFE_METHODS:
            return permissions.can_view(request.user, obj)
        return permissions.can_change(request.user, obj)
