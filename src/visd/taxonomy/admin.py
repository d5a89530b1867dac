from django.contrib import admin

from visd.core.admin import VisdModelAdmin
from visd.core.locking import VersionedAdminMixin

from .models import Concept, Portfolio


@admin.register(Portfolio)
class PortfolioAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["code", "name_nl", "name_en", "order"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(Concept)
class ConceptAdmin(VersionedAdminMixin, VisdModelAdmin):
    list_display = ["code", "label_nl", "label_en", "scheme", "domain_kind", "portfolio", "order"]
    list_filter = ["scheme", "domain_kind", "portfolio"]
    search_fields = ["code", "label_nl", "label_en", "label_fr"]
    list_select_related = ["portfolio"]
