from django.contrib import admin

from visd.core.admin import VisdModelAdmin
from visd.core.locking import VersionedAdminMixin

from .models import BudgetTrajectoryPoint, CapabilityNeed


@admin.register(CapabilityNeed)
class CapabilityNeedAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["name", "level", "parent", "source_kind", "first_commitment_year", "committed_eur", "paid_eur"]
    list_filter = ["source_kind", "level", "consolidated_development"]
    search_fields = ["name", "code", "description"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(BudgetTrajectoryPoint)
class BudgetTrajectoryPointAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["series", "year", "value", "unit"]
    list_filter = ["series", "unit"]
