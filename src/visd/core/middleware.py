from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """A user given a one-time password (e.g. the demo administrator) must choose a new one before
    doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            if profile is not None and profile.must_change_password:
                allowed = {reverse("password_change"), reverse("password_change_done"), reverse("logout")}
                if request.path not in allowed and not request.path.startswith("/static/"):
                    return redirect("password_change")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy and a Permissions-Policy on every response (pages, API, admin,
    files), from ``VISD_CONTENT_SECURITY_POLICY`` and ``VISD_PERMISSIONS_POLICY``. A response that
    sets its own keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        response = self.get_response(request)
        if settings.VISD_CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.VISD_CONTENT_SECURITY_POLICY)
        if settings.VISD_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.VISD_PERMISSIONS_POLICY)
        return response
