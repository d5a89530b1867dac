from django import forms
from django.utils.translation import gettext_lazy as _

from visd.capabilities.models import CapabilityNeed
from visd.core.locking import VersionedFormMixin
from visd.funding.models import Call
from visd.taxonomy.models import Concept, Scheme

from .models import Roadmap, RoadmapItem


class BilingualPairs:
    """Dutch and English side by side, as the site's page editor has them: ``pairs()`` gives the
    (Dutch, English) bound fields of each text for the template, the other fields stay single."""

    PAIRS: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.PAIRS:  # the input's language, for spelling checkers and screen readers
            self.fields[name].widget.attrs["lang"] = "nl"
            self.fields[f"{name}_en"].widget.attrs["lang"] = "en"

    def pairs(self):
        return [(self[name], self[f"{name}_en"]) for name in self.PAIRS]

    def single_fields(self):
        paired = {name + suffix for name in self.PAIRS for suffix in ("", "_en")}
        return [field for field in self.visible_fields() if field.name not in paired]


def _paired(names, *, rows):
    return [name + suffix for name in names for suffix in ("", "_en")], {
        name + suffix: forms.Textarea(attrs={"rows": rows}) for name in names for suffix in ("", "_en")}


ROADMAP_TEXTS, ROADMAP_WIDGETS = _paired(Roadmap.BILINGUAL_FIELDS, rows=6)


class RoadmapForm(BilingualPairs, VersionedFormMixin, forms.ModelForm):
    """An edit carries the draft's ``revision`` (``visd.core.locking``). Each text in Dutch and English."""

    PAIRS = Roadmap.BILINGUAL_FIELDS

    calls = forms.CharField(label=_("Linked calls"), required=False,
                            help_text=_("Topic ids of calls, separated by commas."))
    needs = forms.CharField(label=_("Linked capability needs"), required=False,
                            help_text=_("Codes of capability needs, separated by commas."))

    class Meta:
        model = Roadmap
        fields = ROADMAP_TEXTS
        widgets = ROADMAP_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["calls"] = ", ".join(self.instance.calls.values_list("topic_id", flat=True))
            self.initial["needs"] = ", ".join(self.instance.needs.values_list("code", flat=True))

    @staticmethod
    def _codes(text):
        return [part.strip() for part in text.split(",") if part.strip()]

    def clean_calls(self):
        codes = self._codes(self.cleaned_data["calls"])
        found = list(Call.objects.filter(topic_id__in=codes))
        missing = sorted(set(codes) - {c.topic_id for c in found})
        if missing:
            raise forms.ValidationError(_("No call with topic id %(ids)s.") % {"ids": ", ".join(missing)})
        return found

    def clean_needs(self):
        codes = self._codes(self.cleaned_data["needs"])
        found = list(CapabilityNeed.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {n.code for n in found})
        if missing:
            raise forms.ValidationError(_("No capability need with code %(ids)s.") % {"ids": ", ".join(missing)})
        return found


class ItemForm(BilingualPairs, forms.ModelForm):
    PAIRS = RoadmapItem.BILINGUAL_FIELDS

    class Meta:
        model = RoadmapItem
        fields = ["kind", "title", "title_en", "description", "description_en", "start_year", "end_year",
                  "related_domains", "order"]
        widgets = {"related_domains": forms.CheckboxSelectMultiple,
                   "description": forms.Textarea(attrs={"rows": 2}),
                   "description_en": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related_domains"].queryset = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN)

    def values(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields if name != "related_domains"}


class NewVersionForm(forms.Form):
    domain = forms.ModelChoiceField(label=_("Focus domain"), queryset=Concept.objects.none())

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = domains
