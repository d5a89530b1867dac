"""Admin base classes whose every permission answer comes from ``visd.core.permissions``, and the
user administration (management roles only).

Django's own model permissions (``user.has_perm``) are not used: VISD decides by role, portfolio and
organisation, so a programme manager edits only actors of their portfolio domains and an actor user
only their own organisation. The admin site itself lets in every VISD role (``admin_site.py``).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import permissions
from .models import UserProfile


class VisdPermissionsMixin:
    """Permission answers for a model admin.

    By default a model is public reference data: anyone in the admin may view it (needed e.g. for
    autocomplete widgets), management changes it. Subclasses with other rules override
    ``may_view_any`` / ``may_change_any`` / ``may_add``; object-level answers always come from
    ``permissions.can_view`` and ``permissions.can_change``.
    """

    list_per_page = 50
    # Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def may_view_any(self, user) -> bool:
        return True

    def may_change_any(self, user) -> bool:
        return permissions.can_manage_reference_data(user)

    def may_add(self, user) -> bool:
        return permissions.can_manage_reference_data(user)

    def has_module_permission(self, request):
        # The index lists what the user may work on, not every read-only table.
        return self.may_change_any(request.user)

    def has_view_permission(self, request, obj=None):
        if not self.may_view_any(request.user):
            return False
        return obj is None or permissions.can_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.may_change_any(request.user)
        return permissions.can_change(request.user, obj)

    def has_add_permission(self, request):
        return self.may_add(request.user)

    def has_delete_permission(self, request, obj=None):
        # Deleting loses the record from every list; only management does it.
        return permissions.is_management(request.user) and (obj is None or permissions.can_change(request.user, obj))


class VisdModelAdmin(VisdPermissionsMixin, SimpleHistoryAdmin):
    """Admin of a model with ``HistoricalRecords``: the history button shows who changed what, when."""


class ReadOnlyMixin:
    """Records that change only through their app's ``actions`` (which check the rules, number the
    versions and write the audit trail) or only by code: the admin shows them, and their history,
    but never edits them, so no rule is bypassed."""

    def may_view_any(self, user) -> bool:
        return permissions.is_visd_staff(user)

    def has_module_permission(self, request):
        return self.may_view_any(request.user)

    def may_change_any(self, user) -> bool:
        return False

    def may_add(self, user) -> bool:
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VisdReadOnlyAdmin(ReadOnlyMixin, VisdModelAdmin):
    """A record with history that its own screens change (see ``ReadOnlyMixin``)."""


class VisdLogAdmin(ReadOnlyMixin, VisdPermissionsMixin, admin.ModelAdmin):
    """A log written only by code (import runs, GDPR audit entries, reminders sent), without history
    of its own: management reads it."""

    def may_view_any(self, user) -> bool:
        return permissions.is_management(user)


class VisdInlineMixin:
    """Inline rows may be edited exactly when their parent record may be edited."""

    def _parent_admin(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        parent_admin = self._parent_admin()
        if obj is None:
            return parent_admin.has_add_permission(request) or parent_admin.has_change_permission(request)
        return parent_admin.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class VisdTabularInline(VisdInlineMixin, admin.TabularInline):
    extra = 0


class VisdStackedInline(VisdInlineMixin, admin.StackedInline):
    extra = 0


# ---------------------------------------------------------------------------------------------
# Users: only management roles manage accounts and hand out roles.


class UserProfileInline(VisdStackedInline):
    model = UserProfile
    can_delete = False
    verbose_name_plural = _("VISD role")
    filter_horizontal = ["portfolios"]
    autocomplete_fields = ["actor"]
    fields = ["role", "portfolios", "actor", "must_change_password"]


User = get_user_model()
admin.site.unregister(User)
# Roles live on the user profile; Django's groups and model permissions are not used by VISD.
admin.site.unregister(Group)


@admin.register(User)
class VisdUserAdmin(UserAdmin):
    inlines = [UserProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["profile__role", "is_active", "is_superuser"]
    list_select_related = ["profile"]

    def get_inlines(self, request, obj):
        # A new user gets its profile from the post_save signal; the role is set on the next page.
        return self.inlines if obj is not None else []

    @admin.display(description=_("role"), ordering="profile__role")
    def role(self, user):
        return user.profile.get_role_display() if hasattr(user, "profile") else ""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # A director or coordinator may not make anyone (or themselves) a superuser.
            readonly += ["is_superuser", "is_staff", "user_permissions", "groups"]
        return readonly

    def has_module_permission(self, request):
        return permissions.is_management(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_management(request.user)

    def has_add_permission(self, request):
        return permissions.is_management(request.user)

    def has_change_permission(self, request, obj=None):
        if not permissions.is_management(request.user):
            return False
        # Only a superuser may touch a superuser's account (e.g. reset its password).
        return obj is None or not obj.is_superuser or request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)
