"""Forms of the public application and of the claim queue. They parse input; ``visd.onboarding.actions``
validates again and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from visd.actors.models import ActorKind
from visd.core.submission import SubmissionKeyFormMixin

from .models import Claim

HONEYPOT = "homepage"


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Enterprise or VAT number, PIC or name"), max_length=200, required=False)


class ApplicationForm(SubmissionKeyFormMixin, forms.Form):
    """The applicant's part of both forms: who they are, their consent, the one-time key
    (``visd.core.submission``) and a honeypot (a field people do not see and leave empty; simple
    bots fill every field)."""

    first_name = forms.CharField(label=_("First name"), max_length=Claim._meta.get_field("first_name").max_length)
    last_name = forms.CharField(label=_("Last name"), max_length=Claim._meta.get_field("last_name").max_length)
    job_title = forms.CharField(label=_("Job title"), required=False,
                                max_length=Claim._meta.get_field("job_title").max_length)
    email = forms.EmailField(label=_("E-mail address"), max_length=Claim._meta.get_field("email").max_length,
                             help_text=_("We send a link to this address to confirm it."))
    consent = forms.BooleanField(label=_("I agree to the processing of my contact data described above."),
                                 error_messages={"required": _("Without your consent we cannot handle the "
                                                               "application.")})
    homepage = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200,
                               widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    applicant_fields = ("first_name", "last_name", "job_title", "email")

    def clean_homepage(self):
        if self.cleaned_data.get(HONEYPOT):
            raise forms.ValidationError(_("This field must stay empty."), code="honeypot")
        return ""

    @property
    def caught_by_honeypot(self) -> bool:
        return any(e.code == "honeypot" for e in self.errors.as_data().get(HONEYPOT, []))

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.applicant_fields}

    def applicant_visible_fields(self):
        return [self[name] for name in self.applicant_fields]


class NewOrganisationForm(ApplicationForm):
    org_name = forms.CharField(label=_("Name of the organisation"),
                               max_length=Claim._meta.get_field("org_name").max_length)
    org_kbo = forms.CharField(label=_("Enterprise number (KBO)"), max_length=20,
                              help_text=_("e.g. 0417.497.106; the check digits are verified."))
    org_postcode = forms.CharField(label=_("Postcode of the registered office"), max_length=10,
                                   help_text=_("The region follows from the postcode."))
    org_city = forms.CharField(label=_("Municipality"), max_length=Claim._meta.get_field("org_city").max_length)
    org_kind = forms.ChoiceField(label=_("Kind of organisation"), choices=[("", "---------"), *ActorKind.choices])

    organisation_fields = ("org_name", "org_kbo", "org_postcode", "org_city", "org_kind")

    def values(self) -> dict:
        values = super().values()
        values.update({name: self.cleaned_data[name] for name in self.organisation_fields})
        return values

    def organisation_visible_fields(self):
        return [self[name] for name in self.organisation_fields]


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the applicant; required to reject)"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    confirm_contested = forms.BooleanField(
        label=_("I have checked with the existing representative: approve this contested claim anyway."),
        required=False)
