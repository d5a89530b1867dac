from django.contrib import admin

from visd.core.admin import VisdModelAdmin

from .models import Infrastructure


@admin.register(Infrastructure)
class InfrastructureAdmin(VisdModelAdmin):
    list_display = ["name", "operator", "city"]
    list_filter = ["market_terms", "training_required", "provider_decides", "domains"]
    search_fields = ["name", "operator__name", "city"]
    list_select_related = ["operator"]
    autocomplete_fields = ["operator"]
    filter_horizontal = ["domains"]
