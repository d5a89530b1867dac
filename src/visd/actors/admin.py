from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from visd.core import permissions
from visd.core.admin import VisdLogAdmin, VisdModelAdmin, VisdTabularInline
from visd.core.locking import VersionedAdminMixin, VersionedInlineMixin
from visd.core.models import Role

from . import identifiers
from .models import Actor, ActorMerge, ActorTag, Region, RegionSource, TagOrigin


class ActorAdminForm(forms.ModelForm):
    """The region follows the postcode; only a Belgian actor without a postcode region may have its
    region set by a person (it is then kept: the municipality inference never overwrites it)."""

    class Meta:
        model = Actor
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if "region" not in self.changed_data or "region" not in cleaned:
            return cleaned
        region, country = cleaned.get("region") or "", (cleaned.get("country") or "").strip().upper()
        from_postcode = identifiers.region_for(country, cleaned.get("postcode"))
        if region and region != from_postcode and from_postcode in identifiers.BELGIAN_REGIONS:
            self.add_error("region", _("The postcode lies in %(region)s: the region follows the postcode.")
                           % {"region": Region(from_postcode).label})
        elif region and (country != "BE" or region not in identifiers.BELGIAN_REGIONS):
            self.add_error("region", _("Only a Belgian actor's region can be set: choose Flanders, "
                                       "Brussels-Capital or Wallonia, with country BE."))
        return cleaned


class ActorTagFormSet(BaseInlineFormSet):
    """A programme manager edits an actor because it carries a domain of their portfolio; the tags
    they save must keep one, or the actor (and a new one at once) would slip out of their reach."""

    user = None  # set per request by ActorTagInline.get_formset

    def clean(self):
        super().clean()
        if not permissions.is_programme_manager(self.user):
            return
        domains = permissions.portfolio_domain_ids(self.user)
        kept = [form.cleaned_data.get("concept") for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if not any(concept is not None and concept.pk in domains for concept in kept):
            raise ValidationError(
                _("Keep at least one focus domain of your portfolio among the tags; without it you could "
                  "no longer edit this actor.")
            )


class ActorTagInline(VersionedInlineMixin, VisdTabularInline):
    model = ActorTag
    formset = ActorTagFormSet
    fields = ["concept", "origin", "confidence", "evidence"]
    # The origin records who attached the tag, so nobody types it (see ActorAdmin.save_formset).
    readonly_fields = ["origin", "confidence", "evidence"]
    verbose_name = _("tag")
    verbose_name_plural = _("focus domains and other tags")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("concept")

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)  # a new class on every call
        formset_class.user = request.user
        return formset_class


@admin.register(Actor)
class ActorAdmin(VersionedAdminMixin, VisdModelAdmin):
    """Programme managers see and edit the actors of their portfolio domains, actor users their own
    organisation, management everything (``permissions.editable_actors``). The change form carries
    the actor's version: a second editor's stale form is refused (``visd.core.locking``)."""

    form = ActorAdminForm
    list_display = ["name", "display_name", "kind", "city", "country", "region", "size_class", "verification_status", "pic", "kbo"]
    list_filter = ["region", "region_source", "kind", "size_class", "defence_profile", "verification_status", "country"]
    search_fields = ["name", "preferred_name", "short_name", "pic", "kbo", "vat", "city"]
    filter_horizontal = ["clusters"]
    inlines = [ActorTagInline]
    fieldsets = [
        (None, {"fields": ["name", "preferred_name", "short_name", "kind", "size_class", "website"]}),
        (_("Identifiers"), {"fields": ["pic", "other_pics", "kbo", "vat"]}),
        (_("Address"), {"fields": ["street", "postcode", "city", "country", "region", "region_source"]}),
        (_("Profile"), {"fields": ["description_nl", "description_en", "value_chain_position", "defence_profile",
                                   "clusters"]}),
        (_("Verification"), {"fields": ["verification_status", "data_source", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("display name"))
    def display_name(self, obj):
        return str(obj)

    def may_change_any(self, user) -> bool:
        return permissions.can_create_actor(user) or permissions.own_actor_id(user) is not None

    def may_add(self, user) -> bool:
        return permissions.can_create_actor(user)

    def get_queryset(self, request):
        return permissions.editable_actors(request.user, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        readonly = ["region_source", "created_at", "updated_at"]
        if not permissions.can_create_actor(request.user):
            # An organisation edits its own profile, but VISD decides whether it is verified.
            readonly += ["verification_status", "data_source"]
        return readonly

    def save_model(self, request, obj, form, change):
        if "region" in form.changed_data:
            # Chosen by a person: kept until a postcode gives the region. Emptied: derived again.
            obj.region_source = RegionSource.CURATED if obj.region else RegionSource.UNKNOWN
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is ActorTag:
            by_the_actor_itself = permissions.role_of(request.user) == Role.ACTOR_USER
            origin = TagOrigin.SELF_DECLARED if by_the_actor_itself else TagOrigin.CURATED
            for tag_form in formset.forms:
                if tag_form.has_changed() and tag_form not in formset.deleted_forms:
                    tag_form.instance.origin = origin
                    tag_form.instance.confidence = None
                    tag_form.instance.evidence = ""
        super().save_formset(request, form, formset, change)


@admin.register(ActorMerge)
class ActorMergeAdmin(VisdLogAdmin):
    """The merge log (``visd.actors.merge``): written by the merge only; management reads it."""

    list_display = ["performed_at", "merged_id", "merged_name", "survivor", "performed_by"]
    list_select_related = ["survivor", "performed_by"]
    search_fields = ["merged_name"]
