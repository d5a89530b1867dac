"""Forms of the programme screens. The domain choice is limited to what the user may edit: every
focus domain (and the programme as a whole) for management, their portfolios' domains for a
programme manager."""

from django import forms
from django.utils.translation import gettext_lazy as _

from visd.core import permissions
from visd.core.locking import MAX_VERSION, VersionedFormMixin
from visd.projects.models import Project
from visd.taxonomy.models import Concept, Scheme

from . import kpis
from .actions import target_exists
from .models import KPI, ActionItem, BudgetEntry, KPITarget, KPIValue, ReportSection, ReportTemplate

YEAR_FIELD = {"min_value": 2020, "max_value": 2040}


def _limit_domains(form, user):
    domains = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).order_by("order", "code")
    field = form.fields["domain"]
    if permissions.is_management(user):
        field.queryset = domains
        field.required = False
        field.empty_label = _("Programme as a whole")
    else:
        field.queryset = domains.filter(pk__in=permissions.portfolio_domain_ids(user))
        field.required = True


class KPIValueForm(forms.ModelForm):
    year = forms.IntegerField(label=_("year"), **YEAR_FIELD)
    evidence_url = forms.URLField(label=_("evidence link"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = KPIValue
        fields = ["kpi", "year", "domain", "value", "evidence", "evidence_url"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_domains(self, user)
        self.fields["kpi"].queryset = KPI.objects.exclude(code__in=list(kpis.REGISTRY))


class KPITargetForm(forms.Form):
    """Not a ModelForm: setting the target of a KPI, year and scope again changes the existing one
    (``actions.set_kpi_target``) rather than failing on the uniqueness constraint."""

    kpi = forms.ModelChoiceField(KPI.objects.all(), label=_("KPI"))
    year = forms.IntegerField(label=_("year"), **YEAR_FIELD)
    domain = forms.ModelChoiceField(Concept.objects.none(), label=_("focus domain"))
    target = forms.DecimalField(label=_("target"), max_digits=16, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("note"), widget=forms.Textarea, required=False)
    # the version of the target this form replaces; empty while none is set (actions.set_kpi_target)
    replaces_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1,
                                          max_value=MAX_VERSION)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_domains(self, user)

    def clean(self):
        """A target already set for this KPI, year and scope, that the form did not show: say so, and
        carry its version so that saving again replaces it."""
        cleaned = super().clean()
        if self.errors or cleaned.get("kpi") is None:
            return cleaned
        current = KPITarget.objects.filter(kpi=cleaned["kpi"], year=cleaned["year"], domain=cleaned.get("domain")).first()
        if current is not None and cleaned.get("replaces_version") != current.version:
            self.carry_replaced(current.version)
            raise target_exists(current)
        return cleaned

    def carry_replaced(self, version: int) -> None:
        self.data = self.data.copy()
        self.data["replaces_version"] = version

    def refused(self, error) -> None:
        """The action found a target set meanwhile (two managers at once): carry its version too."""
        if getattr(error, "code", None) == "target_exists":
            self.carry_replaced(error.params["version"])


class BudgetEntryForm(forms.ModelForm):
    year = forms.IntegerField(label=_("budget year"), **YEAR_FIELD)
    project = forms.ModelChoiceField(
        Project.objects.all(), required=False, widget=forms.NumberInput, label=_("project (number)"),
        help_text=_("The project's number in VISD Hub (as in its address), when the entry is for a project."),
    )

    class Meta:
        model = BudgetEntry
        fields = ["line", "year", "kind", "amount_eur", "date", "description", "reference", "project", "domain"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_domains(self, user)


class ActionItemForm(forms.ModelForm):
    year = forms.IntegerField(label=_("year"), **YEAR_FIELD)

    class Meta:
        model = ActionItem
        fields = ["year", "domain", "title", "description", "budget_line"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_domains(self, user)


class ReportTemplateForm(VersionedFormMixin, forms.ModelForm):
    sections = forms.MultipleChoiceField(
        label=_("sections"), choices=ReportSection.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("Sections appear in this order; leave out those the report should not have."),
    )

    class Meta:
        model = ReportTemplate
        fields = ["name", "title_nl", "title_en", "introduction_nl", "introduction_en", "sections", "is_active"]

    def clean_sections(self):
        """Sections already in the template keep their order (set in the admin); new ones follow in
        the standard order."""
        chosen = self.cleaned_data["sections"]
        kept = [code for code in (self.instance.sections or []) if code in chosen]
        return kept + [code for code in ReportSection.values if code in chosen and code not in kept]

    def _get_validation_exclusions(self):
        # Activating this template deactivates the active one (the view does it in one transaction),
        # so the 'one active template' constraint is not checked against the template it replaces.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("is_active")
        return exclusions
