"""Forms of the central project database: they parse input; ``visd.projects.actions`` validates
again and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from visd.actors.models import Actor
from visd.core import permissions
from visd.core.locking import VersionedFormMixin, version_form_field
from visd.core.submission import SubmissionKeyFormMixin
from visd.taxonomy.models import Concept, Scheme

from .models import VisdPartnerRole, VisdProject, VisdProjectResult, VisdProjectStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def focus_domains_for(user):
    """The focus domains a user may file a programme record under."""
    domains = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN)
    if permissions.is_management(user):
        return domains
    return domains.filter(pk__in=permissions.portfolio_domain_ids(user))


class VisdProjectForm(SubmissionKeyFormMixin, VersionedFormMixin, forms.ModelForm):
    """A new project carries a one-time key (``visd.core.submission``), so a form sent twice records
    one project; an edit carries the project's version instead (``visd.core.locking``)."""

    class Meta:
        model = VisdProject
        fields = ["acronym", "title", "summary", "kind", "flagship", "domain", "instrument", "programme",
                  "start_date", "end_date", "total_budget_eur", "funding_requested_eur", "funding_granted_eur",
                  "fris_registered_on", "fris_id", "eu_projects"]
        widgets = {"start_date": DateInput, "end_date": DateInput, "fris_registered_on": DateInput,
                   "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.drop_submission_key()
        self.fields["domain"].queryset = focus_domains_for(user)
        # Linked EU projects are chosen by CORDIS id, not from a list of thousands.
        self.fields["eu_projects"] = forms.CharField(
            label=_("Linked EU projects"), required=False,
            help_text=_("CORDIS or EDF project ids, separated by commas."),
        )
        if self.instance.pk and not self.is_bound:
            self.initial["eu_projects"] = ", ".join(self.instance.eu_projects.values_list("external_id", flat=True))

    def clean_eu_projects(self):
        from django.core.exceptions import ValidationError

        from . import actions

        try:
            return actions.resolve_eu_projects(self.cleaned_data["eu_projects"].split(","))
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["eu_projects"]) from error

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields
                if name in self.fields and name != "eu_projects"}


class StatusForm(forms.Form):
    version = version_form_field()  # the version of the project the step is based on
    status = forms.ChoiceField(label=_("New status"), choices=VisdProjectStatus.choices)
    date = forms.DateField(label=_("Date of this step"), required=False, widget=DateInput)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        if allowed:
            self.fields["status"].choices = [(v, VisdProjectStatus(v).label) for v in allowed]


class PartnerForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Organisation"),
                                   queryset=Actor.objects.none(),
                                   help_text=_("Flemish and Brussels organisations of the registry."))
    role = forms.ChoiceField(label=_("Role"), choices=VisdPartnerRole.choices)
    budget_eur = forms.DecimalField(label=_("Budget share (EUR)"), required=False, max_digits=14, decimal_places=2)

    def __init__(self, *args, **kwargs):
        from . import actions

        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actions.eligible_partner_actors().order_by("name")
        self.fields["actor"].error_messages["invalid_choice"] = _(
            "No such organisation in the registry (it may have been deleted).")


class ResultForm(forms.ModelForm):
    class Meta:
        model = VisdProjectResult
        fields = ["kind", "title", "date", "reference", "amount_eur"]
        widgets = {"date": DateInput}
