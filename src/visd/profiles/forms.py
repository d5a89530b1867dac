from django import forms
from django.utils.translation import gettext_lazy as _

from visd.core.locking import VersionedFormMixin
from visd.core.submission import SubmissionKeyFormMixin
from visd.taxonomy.models import Concept, Scheme

from .models import ITEM_FIELDS, CapabilityProfile, Language, Offer, ProfileItem, Seek, Tier, default_item_tier

DEFAULT_TIER_CHOICE = [("", _("Default (restricted for sensitive items)"))]


def tier_field_name(item: str) -> str:
    return f"tier_{item}"


class ProfileForm(VersionedFormMixin, forms.ModelForm):
    """The profile's fields, and after each item a choice of who may see it; an edit carries the
    profile's version (``visd.core.locking``)."""

    languages = forms.MultipleChoiceField(label=_("languages"), choices=Language.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = CapabilityProfile
        fields = [name for names in ITEM_FIELDS.values() for name in names]
        widgets = {"description_nl": forms.Textarea(attrs={"rows": 5}),
                   "description_en": forms.Textarea(attrs={"rows": 5}),
                   "certifications": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, statements=None, **kwargs):
        super().__init__(*args, **kwargs)
        statements = statements or {}
        ordered = {}
        for item, names in ITEM_FIELDS.items():
            for name in names:
                ordered[name] = self.fields[name]
            current = statements.get(item)
            ordered[tier_field_name(item)] = forms.ChoiceField(
                label=_("%(item)s visible to") % {"item": ProfileItem(item).label}, choices=Tier.choices,
                initial=current.visibility if current else default_item_tier(item))
        self.fields = ordered
        self.carry_version(self.instance)  # the reordering above dropped it

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for names in ITEM_FIELDS.values() for name in names}

    def tiers(self) -> dict:
        return {item: self.cleaned_data[tier_field_name(item)] for item in ITEM_FIELDS}


class EntryFormMixin(SubmissionKeyFormMixin, VersionedFormMixin):
    """A new offer or wish carries a one-time key (``visd.core.submission``), so a form sent twice
    adds it once; a change carries the version it was opened with (``visd.core.locking``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.drop_submission_key()


class OfferForm(EntryFormMixin, forms.ModelForm):
    visibility = forms.ChoiceField(label=_("visible to"), required=False,
                                   choices=[("", _("Default (restricted for a defence offer)")), *Tier.choices])

    class Meta:
        model = Offer
        fields = ["text", "domains", "captechs", "trl", "use", "ml_category", "visibility"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}),
                   "domains": forms.CheckboxSelectMultiple, "captechs": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).order_by("order", "code")
        self.fields["captechs"].queryset = Concept.objects.filter(scheme=Scheme.CAPTECH).order_by("order", "code")

    def clean_ml_category(self):
        return (self.cleaned_data.get("ml_category") or "").strip().upper()

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SeekForm(EntryFormMixin, forms.ModelForm):
    visibility = forms.ChoiceField(label=_("visible to"), required=False,
                                   choices=[("", _("Default (restricted for customers sought)")), *Tier.choices])

    class Meta:
        model = Seek
        fields = ["kind", "text", "visibility"]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
