"""Programme reference data and programme management. KPI values and targets, budget entries and the
action agenda change only through ``visd.programme.actions`` (their own screens), so the admin shows
them read-only; report templates and deadlines are edited here by management."""

from django.contrib import admin

from visd.core.admin import VisdLogAdmin, VisdModelAdmin, VisdReadOnlyAdmin, VisdTabularInline
from visd.core.locking import VersionedAdminMixin, VersionedInlineMixin

from .models import (
    KPI,
    ActionItem,
    BudgetAmount,
    BudgetEntry,
    BudgetLine,
    Deadline,
    KPITarget,
    KPIValue,
    ReminderSent,
    ReportTemplate,
)


class BudgetAmountInline(VersionedInlineMixin, VisdTabularInline):
    model = BudgetAmount
    fields = ["year", "amount_eur", "note", "source"]


@admin.register(BudgetLine)
class BudgetLineAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["code", "name_nl", "category", "base_amount_eur", "order"]
    list_filter = ["category"]
    search_fields = ["code", "name_nl", "name_en"]
    inlines = [BudgetAmountInline]


@admin.register(KPI)
class KPIAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["code", "name_nl", "group_nl", "kpa", "kind", "unit"]
    list_filter = ["kind", "group_nl"]
    search_fields = ["code", "name_nl", "name_en", "kpa", "kpa_en"]


@admin.register(KPITarget)
class KPITargetAdmin(VisdReadOnlyAdmin):
    list_display = ["kpi", "year", "domain", "target", "entered_by"]
    list_filter = ["year", "domain"]
    list_select_related = ["kpi", "domain", "entered_by"]


@admin.register(KPIValue)
class KPIValueAdmin(VisdReadOnlyAdmin):
    list_display = ["kpi", "year", "domain", "value", "entered_by"]
    list_filter = ["year", "domain"]
    list_select_related = ["kpi", "domain", "entered_by"]


@admin.register(BudgetEntry)
class BudgetEntryAdmin(VisdReadOnlyAdmin):
    list_display = ["date", "line", "year", "kind", "amount_eur", "description", "reference"]
    list_filter = ["year", "kind", "line"]
    search_fields = ["description", "reference"]
    list_select_related = ["line"]
    date_hierarchy = "date"


@admin.register(ActionItem)
class ActionItemAdmin(VisdReadOnlyAdmin):
    list_display = ["year", "title", "domain", "budget_line"]
    list_filter = ["year", "domain"]
    search_fields = ["title", "description"]
    list_select_related = ["domain", "budget_line"]


@admin.register(ReportTemplate)
class ReportTemplateAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["name", "title_nl", "is_active"]


@admin.register(Deadline)
class DeadlineAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["due", "title", "kind", "domain", "done"]
    list_filter = ["kind", "done", "domain"]
    search_fields = ["title"]
    list_select_related = ["domain"]


@admin.register(ReminderSent)
class ReminderSentAdmin(VisdLogAdmin):
    list_display = ["sent_at", "key", "user"]
    search_fields = ["key"]
    list_select_related = ["user"]

