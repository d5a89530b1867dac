from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Consortium, ConsortiumMember, ControlRelation


@admin.register(ControlRelation)
class ControlRelationAdmin(SimpleHistoryAdmin):
    list_display = ("controlled", "controller", "controller_name", "controller_country", "as_of", "source")
    search_fields = ("controlled__name", "controller__name", "controller_name")
    raw_id_fields = ("controlled", "controller")


class MemberInline(admin.TabularInline):
    model = ConsortiumMember
    fk_name = "consortium"
    extra = 0
    raw_id_fields = ("actor", "controlled_by_member")


@admin.register(Consortium)
class ConsortiumAdmin(SimpleHistoryAdmin):
    list_display = ("title", "call", "action", "status", "updated_at")
    list_filter = ("status", "action")
    raw_id_fields = ("call", "project")
    inlines = [MemberInline]
