"""Events, registrations and survey answers change only through ``visd.events.actions``: the admin
shows them, with their history, read-only."""

from django.contrib import admin

from visd.core.admin import VisdReadOnlyAdmin, VisdTabularInline

from .models import Event, Registration


class RegistrationInline(VisdTabularInline):
    model = Registration
    fields = ["name", "organisation", "organisation_name", "attended"]


@admin.register(Event)
class EventAdmin(VisdReadOnlyAdmin):
    list_display = ["title", "kind", "date", "domain"]
    list_filter = ["kind", "domain"]
    search_fields = ["title", "location"]
    date_hierarchy = "date"
    list_select_related = ["domain"]
    inlines = [RegistrationInline]
