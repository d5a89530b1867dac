"""Events, registrations and survey answers change only through ``visd.events.actions``: the admin
shows them, with their history, read-only. A registration is linked to a contact (and erased) on
its own page, ``/events/registrations/<id>/``, where the link is validated."""

from django.contrib import admin

from visd.core.admin import VisdReadOnlyAdmin, VisdTabularInline

from .models import Event, Registration


class RegistrationInline(VisdTabularInline):
    model = Registration
    fields = ["name", "organisation", "organisation_name", "contact", "attended"]


@admin.register(Event)
class EventAdmin(VisdReadOnlyAdmin):
    list_display = ["title", "kind", "date", "domain"]
    list_filter = ["kind", "domain"]
    search_fields = ["title", "location"]
    date_hierarchy = "date"
    list_select_related = ["domain"]
    inlines = [RegistrationInline]
