from django import forms
from django.utils.translation import gettext_lazy as _

from visd.core.locking import VersionedFormMixin
from visd.core.submission import SubmissionKeyFormMixin
from visd.stakeholders.models import Contact, LegalBasis
from visd.taxonomy.models import Concept, Scheme

from .models import FacilityPhase, Infrastructure


class FacilityUploadForm(forms.Form):
    file = forms.FileField(label=_("Inventory (CSV, UTF-8)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))


# Plain fields the provider maintains, copied as they are between the form, FacilityChange.values and
# Infrastructure; ``domains`` (focus-domain codes) and ``contact_person`` (a Contact id) are the others.
PROVIDER_TEXT_FIELDS = [
    "name", "description_nl", "description_en", "city", "website", "testable", "phases", "trl_min", "trl_max",
    "access_conditions", "lead_time", "market_terms", "training_required", "training_details",
    "contact_name", "contact_email", "contact_url",
]


class FacilityProposalForm(SubmissionKeyFormMixin, VersionedFormMixin, forms.ModelForm):
    """What a provider states about a facility. It never saves: ``actions.propose_change`` stores the
    cleaned values as a proposal that a programme manager or coordinator decides. Bind it to a fresh
    ``Infrastructure()`` (the form writes its values onto its instance while cleaning); the model's
    checks run, the (operator, name) uniqueness is checked by the action, which knows the operator.
    For a stored facility the view calls ``carry_version(facility)``: the proposal records the
    version of the facility it was made against (``FacilityChange.facility_version``). Every
    proposal (new facility, claim, change) creates a ``FacilityChange``, so the form always carries
    a one-time key (``visd.core.submission``): sent twice, it proposes once."""

    domains = forms.ModelMultipleChoiceField(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).order_by("order"), to_field_name="code",
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Focus domains"))
    phases = forms.MultipleChoiceField(choices=FacilityPhase.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple, label=_("Phases served"))
    contact_person = forms.ModelChoiceField(
        queryset=Contact.objects.none(), required=False, label=_("Contact person (optional)"),
        help_text=_("One of your organisation's contacts who gave consent. Leave empty to give only a service "
                    "address."))
    contact_person_consents = forms.BooleanField(
        required=False, label=_("This person agreed to be shown as the facility's contact on the public "
                                "facility page (name, job title and e-mail address)."))

    class Meta:
        model = Infrastructure
        fields = ["name", "description_nl", "description_en", "city", "website", "testable", "domains", "phases",
                  "trl_min", "trl_max", "access_conditions", "lead_time", "market_terms", "training_required",
                  "training_details", "contact_name", "contact_email", "contact_url"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in
                   ("description_nl", "description_en", "testable", "access_conditions", "training_details")}

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the organisation's own contacts whose legal basis is consent may be named.
        self.fields["contact_person"].queryset = Contact.objects.filter(
            actor=actor, legal_basis=LegalBasis.CONSENT).order_by("last_name", "first_name")
        for name in ("trl_min", "trl_max"):
            self.fields[name].widget.attrs.update({"min": 1, "max": 9})

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("trl_min"), cleaned.get("trl_max")
        if low is not None and high is not None and low > high:
            self.add_error("trl_max", _("The TRL range ends below where it starts."))
        if cleaned.get("contact_person") and not cleaned.get("contact_person_consents"):
            self.add_error("contact_person_consents", _(
                "A person is shown only with their consent: tick the box, or leave the contact person empty."))
        return cleaned

    def values(self) -> dict:
        """The cleaned values as JSON-ready data (FacilityChange.values)."""
        data = {name: self.cleaned_data.get(name) for name in PROVIDER_TEXT_FIELDS}
        data["domains"] = [concept.code for concept in self.cleaned_data.get("domains") or []]
        person = self.cleaned_data.get("contact_person")
        data["contact_person"] = person.pk if person else None
        return data

    @classmethod
    def initial_for(cls, facility: Infrastructure) -> dict:
        initial = {name: getattr(facility, name) for name in PROVIDER_TEXT_FIELDS}
        initial["domains"] = [d.code for d in facility.domains.all()]
        initial["contact_person"] = facility.contact_person_id
        initial["contact_person_consents"] = bool(facility.contact_person_consent)
        return initial


class ClaimSearchForm(forms.Form):
    q = forms.CharField(label=_("Facility name"), max_length=200, required=False)


class FacilityDecisionForm(VersionedFormMixin, forms.Form):
    """Approve or reject a proposal. For a stored facility the view calls ``carry_version(facility)``:
    the decider approves against the facility as the page showed it (``actions.approve_change``).
    Without it (a reject needs none), approval checks the version the proposal was made against."""

    def carry_version(self, record) -> None:
        super().carry_version(record)
        self.fields[record.lock_field].required = False

    reason = forms.CharField(label=_("Reason (required to reject; shown to the provider)"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
