"""Admin of the screening lists: export restrictions and country notes are maintained here by
management (each with its source, effective dates and review date); stored screenings are read
here by those who may see them and corrected only by management (the history keeps every change)."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from visd.core import permissions
from visd.core.admin import VisdModelAdmin
from visd.core.locking import VersionedAdminMixin

from .models import CountryNote, ExportRestriction, Screening


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", _("overdue")), ("in_force", _("in force today"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(review_date__lt=timezone.localdate())
        if self.value() == "in_force":
            return queryset.in_force()
        return queryset


class DatedSourcedAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_filter = ["country", ReviewDueFilter]
    search_fields = ["code", "country", "title_nl", "title_en", "source"]
    date_hierarchy = "effective_from"

    def may_view_any(self, user) -> bool:
        return permissions.can_use_screening(user)


@admin.register(ExportRestriction)
class ExportRestrictionAdmin(DatedSourcedAdmin):
    list_display = ["code", "country", "kind", "regime", "goods", "scope", "effective_from", "effective_to", "review_date", "source"]
    list_filter = ["kind", "regime", "goods", "scope", *DatedSourcedAdmin.list_filter]


@admin.register(CountryNote)
class CountryNoteAdmin(DatedSourcedAdmin):
    list_display = ["code", "country", "flag", "title_en", "effective_from", "effective_to", "review_date", "source"]
    list_filter = ["flag", *DatedSourcedAdmin.list_filter]
    search_fields = [*DatedSourcedAdmin.search_fields, "text_nl", "text_en"]


@admin.register(Screening)
class ScreeningAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["subject", "kind", "outcome", "rule_version", "reference_date", "created_by", "created_at"]
    list_filter = ["kind", "outcome", "rule_version"]
    search_fields = ["subject"]
    list_select_related = ["created_by", "project"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    raw_id_fields = ["project"]

    def may_view_any(self, user) -> bool:
        return permissions.can_use_screening(user)

    def may_add(self, user) -> bool:
        return False  # screenings are made with the questionnaires, which run the rules

    def get_queryset(self, request):
        return permissions.visible_screenings(request.user, super().get_queryset(request))
