from django.contrib import admin

from visd.core.admin import VisdModelAdmin, VisdTabularInline

from .models import Participation, Project


class ParticipationInline(VisdTabularInline):
    model = Participation
    fields = ["actor", "role", "ec_contribution", "name_in_source", "end_of_participation"]
    autocomplete_fields = ["actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Project)
class ProjectAdmin(VisdModelAdmin):
    list_display = ["acronym", "title", "source", "framework_programme", "start_date", "ec_max_contribution"]
    list_filter = ["source", "framework_programme", "funding_scheme"]
    search_fields = ["acronym", "title", "external_id"]
    date_hierarchy = "start_date"
    inlines = [ParticipationInline]
