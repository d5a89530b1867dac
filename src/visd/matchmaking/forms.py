"""The form of the tag curation page (``/matching/tags/<type>/<pk>/``): one action on one concept of
one record. It parses and checks the input only; ``curation.curate_tag`` / ``reject_tag`` /
``uncurate_tag`` write."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from visd.taxonomy.models import Concept, Scheme

# The taxonomies the tagger gives records and programme managers curate. Capability dimensions
# structure the capability portfolio itself (a need's parents), they are not curated as tags.
CURATABLE_SCHEMES = (Scheme.FOCUS_DOMAIN, Scheme.CAPTECH)


class CurationAction(models.TextChoices):
    CURATE = "curate", _("Confirm or add as curated")
    REJECT = "reject", _("Reject")
    REMOVE = "remove", _("Remove the curated tag")


def concept_choices() -> list:
    """The curatable concepts for a select, grouped by scheme (label in the active language)."""
    groups: dict[str, list] = {scheme: [] for scheme in CURATABLE_SCHEMES}
    for concept in Concept.objects.filter(scheme__in=CURATABLE_SCHEMES).order_by("scheme", "order", "code"):
        groups[concept.scheme].append((str(concept.pk), concept.label))
    return [("", _("Choose a concept"))] + [(Scheme(scheme).label, items) for scheme, items in groups.items() if items]


class ConceptField(forms.ChoiceField):
    """A concept chosen by id. Any id passes the choice check, so that ``clean`` can say precisely
    what is wrong with it (unknown concept, or a scheme that is not curated here)."""

    def valid_value(self, value) -> bool:
        return True

    def clean(self, value):
        value = super().clean(value)
        try:
            pk = int(str(value).strip())
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Unknown concept: choose one from the list."), code="unknown") from None
        concept = Concept.objects.filter(pk=pk).first()
        if concept is None:
            raise forms.ValidationError(_("Unknown concept: choose one from the list."), code="unknown")
        if concept.scheme not in CURATABLE_SCHEMES:
            raise forms.ValidationError(
                _("%(concept)s is a %(scheme)s; only focus domains and EDA CapTechs are curated here.")
                % {"concept": concept.label, "scheme": concept.get_scheme_display().lower()}, code="scheme")
        return concept


class TagCurationForm(forms.Form):
    action = forms.ChoiceField(choices=CurationAction.choices, widget=forms.HiddenInput,
                               error_messages={"required": _("Unknown action."),
                                               "invalid_choice": _("Unknown action.")})
    concept = ConceptField(label=_("Concept"), error_messages={"required": _("Choose a concept.")})

    def __init__(self, *args, target_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_type = target_type
        self.fields["concept"].choices = concept_choices()

    def clean(self):
        cleaned = super().clean()
        if self.target_type == "actor" and cleaned.get("action") == CurationAction.REJECT:
            raise forms.ValidationError(
                _("An actor's tag cannot be rejected: reject the concept on the project it comes from."),
                code="actor_reject")
        return cleaned

    def messages_for_page(self) -> list[str]:
        """Every error of a bound, invalid form, as messages for the page."""
        return [str(message) for errors in self.errors.values() for message in errors]
