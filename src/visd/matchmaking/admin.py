from django.contrib import admin

from visd.core.admin import VisdModelAdmin
from visd.core.locking import VersionedAdminMixin

from .models import ConceptTag


@admin.register(ConceptTag)
class ConceptTagAdmin(VersionedAdminMixin, VisdModelAdmin):
    """Curated tags on projects, calls and needs are set here; derived tags are written by
    ``visd tag`` and the incremental hooks (their origin says so) and are replaced on re-tagging."""

    list_display = ("target_type", "object_id", "concept", "origin", "rejected", "confidence")
    list_filter = ("target_type", "origin", "rejected", "concept__scheme")
    search_fields = ("evidence", "concept__code", "concept__label_nl", "concept__label_en")
    raw_id_fields = ("concept",)
