"""Claims in the admin: read-only (they change only through ``visd.onboarding.actions``), with their
history, for those who may decide them (``permissions.decidable_claims``)."""

from django.contrib import admin

from visd.core import permissions
from visd.core.admin import VisdReadOnlyAdmin

from .models import Claim


@admin.register(Claim)
class ClaimAdmin(VisdReadOnlyAdmin):
    list_display = ["__str__", "status", "contested", "created_at", "decided_at"]
    list_filter = ["status", "contested"]

    def may_view_any(self, user) -> bool:
        return permissions.can_view_claim_queue(user)

    def get_queryset(self, request):
        return permissions.decidable_claims(request.user, super().get_queryset(request))
