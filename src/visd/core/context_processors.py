from . import permissions


def roles(request):
    user = request.user
    return {
        "visd_role": permissions.role_of(user),
        "visd_is_management": permissions.is_management(user),
        "visd_can_view_interactions": permissions.can_view_interactions(user),
    }
