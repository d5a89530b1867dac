from django.contrib.auth import views as auth_views
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse_lazy

from visd.actors.models import Actor
from visd.capabilities.models import CapabilityNeed
from visd.funding.models import Call, Instrument
from visd.projects.models import Project


def home(request):
    counts = {
        "actors": Actor.objects.count(),
        "flemish_actors": Actor.objects.filter(region="flanders").count(),
        "projects": Project.objects.count(),
        "calls": Call.objects.count(),
        "open_calls": Call.objects.filter(Q(status__iexact="open") | Q(status__iexact="forthcoming")).count(),
        "needs": CapabilityNeed.objects.filter(level="item").count(),
        "instruments": Instrument.objects.count(),
    }
    return render(request, "core/home.html", {"counts": counts})


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
