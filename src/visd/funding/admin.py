from django.contrib import admin

from visd.core.admin import VisdModelAdmin, VisdStackedInline, VisdTabularInline
from visd.core.locking import VersionedAdminMixin, VersionedInlineMixin

from .models import AidRate, Call, Instrument, InstrumentGuidance


@admin.register(Call)
class CallAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["topic_id", "title", "programme", "deadline", "status"]
    list_filter = ["programme", "status", "action_type"]
    search_fields = ["topic_id", "title", "call_identifier"]
    date_hierarchy = "deadline"


class InstrumentGuidanceInline(VersionedInlineMixin, VisdStackedInline):
    model = InstrumentGuidance
    can_delete = False


class AidRateInline(VersionedInlineMixin, VisdTabularInline):
    model = AidRate
    fields = ["project_kind", "size", "component", "max_percent", "regime_nl", "source"]


@admin.register(Instrument)
class InstrumentAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["code", "name_nl", "level", "kind", "owner"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name_nl", "name_en", "owner"]
    autocomplete_fields = ["owner_actor"]
    inlines = [InstrumentGuidanceInline, AidRateInline]
