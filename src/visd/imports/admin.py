from django.contrib import admin

from visd.core.admin import VisdLogAdmin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(VisdLogAdmin):
    list_display = ["started_at", "kind", "status", "started_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["started_by"]
