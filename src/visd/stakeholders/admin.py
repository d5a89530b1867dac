"""Contacts, interactions and dossiers are personal data: only management and programme managers
see them in the admin, and a programme manager changes only those of actors in their portfolio.
Deleting a contact is a GDPR erasure (``actions.erase_personal_data``), which also purges its
history, so no copy of the person is left behind."""

from django.contrib import admin

from visd.core import permissions
from visd.core.admin import VisdLogAdmin, VisdModelAdmin
from visd.core.locking import VersionedAdminMixin

from . import actions
from .models import Contact, Dossier, GdprAuditEntry, Interaction


class PersonalDataAdmin(VersionedAdminMixin, VisdModelAdmin):
    """The change forms carry the record's version: a stale one is refused (``visd.core.locking``)."""

    def may_view_any(self, user) -> bool:
        return permissions.can_view_interactions(user)

    def may_change_any(self, user) -> bool:
        return permissions.can_view_interactions(user)

    def may_add(self, user) -> bool:
        return permissions.can_view_interactions(user)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return self.may_change_any(request.user)
        return permissions.can_change(request.user, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A programme manager may only attach records to actors they may edit.
        if "actor" in form.base_fields:
            form.base_fields["actor"].queryset = permissions.editable_actors(request.user)
        return form


@admin.register(Contact)
class ContactAdmin(PersonalDataAdmin):
    list_display = ["last_name", "first_name", "actor", "job_title", "email", "legal_basis"]
    list_filter = ["legal_basis"]
    search_fields = ["last_name", "first_name", "email", "actor__name"]
    list_select_related = ["actor"]
    autocomplete_fields = ["actor"]

    def delete_model(self, request, obj):
        actions.erase_personal_data(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for contact in queryset.select_related("actor"):
            actions.erase_personal_data(contact, acting_user=request.user)


@admin.register(Dossier)
class DossierAdmin(PersonalDataAdmin):
    list_display = ["title", "actor", "domain", "status", "owner", "updated_at"]
    list_filter = ["status", "domain"]
    search_fields = ["title", "actor__name", "description"]
    list_select_related = ["actor", "domain", "owner"]
    autocomplete_fields = ["actor"]


@admin.register(Interaction)
class InteractionAdmin(PersonalDataAdmin):
    list_display = ["date", "kind", "subject", "actor", "follow_up_due", "follow_up_done"]
    list_filter = ["kind", "follow_up_done", "date"]
    search_fields = ["subject", "notes", "actor__name"]
    list_select_related = ["actor"]
    date_hierarchy = "date"
    autocomplete_fields = ["actor", "contacts", "dossier"]
    filter_horizontal = ["staff"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "staff":
            kwargs["queryset"] = permissions.visd_staff_users()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(GdprAuditEntry)
class GdprAuditEntryAdmin(VisdLogAdmin):
    list_display = ["performed_at", "action", "contact_id", "registration_id", "actor", "performed_by"]
    list_filter = ["action"]
    list_select_related = ["actor", "performed_by"]
