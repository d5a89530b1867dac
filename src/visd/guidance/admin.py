from django.contrib import admin

from visd.core.admin import VisdModelAdmin
from visd.core.locking import VersionedAdminMixin

from .models import ContactPoint, Obligation


@admin.register(ContactPoint)
class ContactPointAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["code", "name_nl", "organisation", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name_nl", "name_en", "organisation"]
    filter_horizontal = ["instruments"]


@admin.register(Obligation)
class ObligationAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["code", "title_nl", "lead_time_nl", "order"]
    search_fields = ["code", "title_nl", "title_en", "text_nl"]
    filter_horizontal = ["instruments"]
