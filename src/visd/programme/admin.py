from django.contrib import admin

from visd.core.admin import VisdModelAdmin, VisdTabularInline

from .models import KPI, BudgetAmount, BudgetLine


class BudgetAmountInline(VisdTabularInline):
    model = BudgetAmount
    fields = ["year", "amount_eur", "note", "source"]


@admin.register(BudgetLine)
class BudgetLineAdmin(VisdModelAdmin):
    list_display = ["code", "name_nl", "category", "base_amount_eur", "order"]
    list_filter = ["category"]
    search_fields = ["code", "name_nl", "name_en"]
    inlines = [BudgetAmountInline]


@admin.register(KPI)
class KPIAdmin(VisdModelAdmin):
    list_display = ["code", "name_nl", "group_nl", "kpa", "kind", "unit"]
    list_filter = ["kind", "group_nl"]
    search_fields = ["code", "name_nl", "name_en", "kpa", "kpa_en"]
