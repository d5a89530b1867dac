from django.contrib import admin

from visd.core import permissions
from visd.core.admin import VisdModelAdmin, VisdReadOnlyAdmin
from visd.core.locking import VersionedAdminMixin

from .models import Consortium, ConsortiumMember, ControlRelation


@admin.register(ControlRelation)
class ControlRelationAdmin(VersionedAdminMixin, VisdModelAdmin):
    """Who controls an actor, with source and date: kept by the programme office (issue 15)."""

    list_display = ("controlled", "controller", "controller_name", "controller_country", "as_of", "source")
    search_fields = ("controlled__name", "controller__name", "controller_name")
    raw_id_fields = ("controlled", "controller")

    def may_view_any(self, user) -> bool:
        return permissions.can_keep_control_relations(user)

    def may_change_any(self, user) -> bool:
        return permissions.can_keep_control_relations(user)

    def may_add(self, user) -> bool:
        return permissions.can_keep_control_relations(user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_keep_control_relations(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_keep_control_relations(request.user)


class MemberInline(admin.TabularInline):
    model = ConsortiumMember
    fk_name = "consortium"
    extra = 0
    can_delete = False
    raw_id_fields = ("actor", "controlled_by_member")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Consortium)
class ConsortiumAdmin(VisdReadOnlyAdmin):
    """Workspaces change on their own pages (visd.consortia.actions); the admin shows them and their history."""

    list_display = ("title", "call", "action", "status", "updated_at")
    list_filter = ("status", "action")
    inlines = [MemberInline]
