from django.apps import apps
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils.translation import ngettext

from visd.actors.models import Actor
from visd.capabilities.models import CapabilityNeed
from visd.funding.models import Call, Instrument
from visd.projects.models import Project

from . import history, permissions, throttle

HISTORY_PAGE_SIZE = 50


def registry_counts() -> dict[str, int]:
    """The registry's figures, shown on the registry home and on the public home (visd.site)."""
    return {
        "actors": Actor.objects.count(),
        "flemish_actors": Actor.objects.filter(region="flanders").count(),
        "projects": Project.objects.count(),
        "calls": Call.objects.count(),
        "open_calls": Call.objects.filter(Q(status__iexact="open") | Q(status__iexact="forthcoming")).count(),
        "needs": CapabilityNeed.objects.filter(level="item").count(),
        "instruments": Instrument.objects.count(),
    }


def home(request):
    return render(request, "core/home.html", {"counts": registry_counts()})


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing attempts beyond the login limit (``visd.core.throttle.allow_login``)
    per client address and per user name before it checks the password."""

    def clean(self):
        if not throttle.allow_login(self.request, self.cleaned_data.get("username")):
            seconds = throttle.seconds_left(settings.VISD_LOGIN_RATE_WINDOW)
            raise ValidationError(
                ngettext("Too many login attempts. Try again in %(seconds)d second.",
                         "Too many login attempts. Try again in %(seconds)d seconds.", seconds),
                code="throttled", params={"seconds": seconds})
        return super().clean()


class LoginView(auth_views.LoginView):
    """Django's login page with the login limit: a refused attempt answers 429 with the form's message."""

    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", code="throttled"):
            response.status_code = 429
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also clears the one-time-password flag."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        profile = getattr(self.request.user, "profile", None)
        if profile is not None and profile.must_change_password:
            profile.must_change_password = False
            profile.save(update_fields=["must_change_password"])
        return response


def record_history(request, app_label, model_name, pk):
    """Every change of one registry record: who, when, which field from what to what. A record the
    user may not see answers 404, like one that does not exist, so personal records do not leak.
    Who made a change is shown to VISD staff only."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    if not history.has_history(model):
        raise Http404
    record = get_object_or_404(model, pk=pk)
    if not permissions.can_view_history(request.user, record):
        raise Http404
    page = Paginator(record.history.all(), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/record_history.html", {
        "record": record,
        "model_name": model._meta.verbose_name,
        "page": page,
        "versions": history.versions_of(record, offset=page.start_index() - 1 if page.paginator.count else 0,
                                        limit=HISTORY_PAGE_SIZE),
        "show_users": permissions.is_visd_staff(request.user),
    })
