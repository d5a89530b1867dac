from django.contrib import admin

from visd.core import permissions
from visd.core.admin import VisdModelAdmin, VisdReadOnlyAdmin
from visd.core.locking import VersionedAdminMixin

from .models import FacilityChange, Infrastructure


@admin.register(Infrastructure)
class InfrastructureAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["name", "operator", "city", "country", "origin", "validation"]
    list_filter = ["origin", "validation", "operator_match", "market_terms", "training_required", "provider_decides",
                   "domains"]
    search_fields = ["name", "acronym", "operator__name", "city"]
    # Validation changes only through a provider's proposal that a person approves.
    readonly_fields = ["validation", "operator_match", "origin", "source_key", "contact_person"]
    list_select_related = ["operator"]
    autocomplete_fields = ["operator"]
    filter_horizontal = ["domains"]


@admin.register(FacilityChange)
class FacilityChangeAdmin(VisdReadOnlyAdmin):
    """Read-only: proposals are decided on the proposal page (visd.facilities.actions)."""

    list_display = ["__str__", "actor", "status", "created_at", "decided_at"]
    list_filter = ["status", "kind"]

    def may_view_any(self, user) -> bool:
        return permissions.can_view_claim_queue(user)

    def get_queryset(self, request):
        return permissions.decidable_facility_changes(request.user, super().get_queryset(request))
