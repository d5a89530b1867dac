"""VISD Hub's admin site: who may enter is decided by the VISD role, not by Django's ``is_staff``.

``visd.core.apps.VisdAdminConfig`` makes this the default site, so ``admin.site`` and every
``@admin.register`` use it."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can_enter_admin


class VisdAdminSite(admin.AdminSite):
    site_header = _("VISD Hub management")
    site_title = _("VISD Hub")
    index_title = _("Edit the registry")
    site_url = "/"

    def has_permission(self, request):
        """Every VISD role but the defence role may enter (``permissions.can_enter_admin``); each model
        admin then decides what the role may see or change."""
        return can_enter_admin(request.user)

    def login(self, request, extra_context=None):
        """One login page for the whole product (the site's own, which also knows the one-time
        password flow). A logged-in user without a role is refused plainly instead of being shown
        a second login form."""
        index = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return redirect(index)
        if request.user.is_authenticated:
            raise PermissionDenied(_("Your account has no VISD role, so it cannot edit the registry."))
        # The site's LoginView checks that 'next' stays on this host.
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or index)
