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


class RequestBodyLimitMiddleware:
    """Refuses a request whose body is larger than its endpoint accepts, with a 413 and a message that
    says the limit, before any of it is read. Every endpoint accepts ``VISD_REQUEST_BODY_LIMIT`` bytes;
    ``VISD_REQUEST_BODY_LIMITS`` names the endpoints (URL names, such as the upload pages) that accept
    more. The size is the declared Content-Length: Django reads no more than that (a body sent without
    one is read as empty), and ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bounds what it parses into memory."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.VISD_REQUEST_BODY_LIMIT:
            limit = settings.VISD_REQUEST_BODY_LIMITS.get(_url_name(request.path_info),
                                                         settings.VISD_REQUEST_BODY_LIMIT)
            if length > limit:
                return _too_large(request, limit)
        return self.get_response(request)


def _url_name(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _too_large(request, limit: int):
    from django.http import HttpResponse, JsonResponse
    from django.template.defaultfilters import filesizeformat
    from django.utils.translation import gettext as _

    message = _("The request is too large: this address accepts at most %(limit)s. Nothing was saved.") % {
        "limit": filesizeformat(limit)}
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=413)
    else:
        response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    # the unread body stays on the connection: close it rather than read megabytes to keep it alive
    response["Connection"] = "close"
    return response
