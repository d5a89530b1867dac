"""Roadmaps change only through ``visd.roadmaps.actions`` (versions, publishing, revision check):
the admin shows them, with their items and history, read-only."""

from django.contrib import admin

from visd.core.admin import VisdReadOnlyAdmin, VisdTabularInline

from .models import Roadmap, RoadmapItem


class RoadmapItemInline(VisdTabularInline):
    model = RoadmapItem
    fields = ["kind", "title", "title_en", "start_year", "end_year", "order"]


@admin.register(Roadmap)
class RoadmapAdmin(VisdReadOnlyAdmin):
    list_display = ["domain", "version", "status", "published_on"]
    list_filter = ["status", "domain"]
    list_select_related = ["domain"]
    inlines = [RoadmapItemInline]
