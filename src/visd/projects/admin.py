"""EU projects imported from CORDIS and the EDF are reference data that management may correct here.
VISD's own projects change only through ``visd.projects.actions`` (status steps, version check), so
the admin shows them, with their partners, results and history, read-only."""

from django.contrib import admin

from visd.core.admin import VisdModelAdmin, VisdReadOnlyAdmin, VisdTabularInline
from visd.core.locking import VersionedAdminMixin, VersionedInlineMixin

from .models import Participation, Project, VisdProject, VisdProjectPartner, VisdProjectResult


class ParticipationInline(VersionedInlineMixin, VisdTabularInline):
    model = Participation
    fields = ["actor", "role", "ec_contribution", "name_in_source", "end_of_participation"]
    autocomplete_fields = ["actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Project)
class ProjectAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["acronym", "title", "source", "framework_programme", "start_date", "ec_max_contribution"]
    list_filter = ["source", "framework_programme", "funding_scheme"]
    search_fields = ["acronym", "title", "external_id"]
    date_hierarchy = "start_date"
    inlines = [ParticipationInline]


class VisdProjectPartnerInline(VisdTabularInline):
    model = VisdProjectPartner
    fields = ["actor", "role", "budget_eur"]


class VisdProjectResultInline(VisdTabularInline):
    model = VisdProjectResult
    fields = ["kind", "title", "date", "reference", "amount_eur"]


@admin.register(VisdProject)
class VisdProjectAdmin(VisdReadOnlyAdmin):
    list_display = ["acronym", "title", "kind", "status", "domain", "flagship", "start_date"]
    list_filter = ["status", "kind", "flagship", "domain"]
    search_fields = ["acronym", "title", "fris_id"]
    list_select_related = ["domain"]
    inlines = [VisdProjectPartnerInline, VisdProjectResultInline]
