"""Pages change through the editor (``/visd/pages/``: preview, publish, history); announcements and
provenance notes through ``visd load-programme-demo``. The admin shows them read-only, with history."""

from django.contrib import admin

from visd.core.admin import VisdReadOnlyAdmin

from .models import Announcement, Page, Provenance


@admin.register(Page)
class PageAdmin(VisdReadOnlyAdmin):
    list_display = ["slug", "kind", "title_nl", "published", "updated_at"]
    list_filter = ["kind", "published"]


@admin.register(Announcement)
class AnnouncementAdmin(VisdReadOnlyAdmin):
    list_display = ["code", "kind", "title_nl", "event"]


@admin.register(Provenance)
class ProvenanceAdmin(VisdReadOnlyAdmin):
    list_display = ["content_type", "object_id", "source", "loaded_by"]
    list_filter = ["content_type", "loaded_by"]
