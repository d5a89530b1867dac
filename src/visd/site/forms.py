from django import forms
from django.utils.translation import gettext_lazy as _

from visd.core.locking import VersionedFormMixin
from visd.core.submission import SubmissionKeyFormMixin

from .models import Page


class PageForm(VersionedFormMixin, forms.ModelForm):
    """The editor's form: Dutch and English side by side (the template pairs the fields)."""

    PAIRS = ("title", "summary", "body")

    class Meta:
        model = Page
        fields = ["title_nl", "title_en", "summary_nl", "summary_en", "body_nl", "body_en", "external_url",
                  "instrument_codes", "source", "order"]
        widgets = {"body_nl": forms.Textarea(attrs={"rows": 14}), "body_en": forms.Textarea(attrs={"rows": 14})}

    def clean_instrument_codes(self):
        from visd.funding.models import Instrument

        codes = [code.strip() for code in self.cleaned_data["instrument_codes"].split(",") if code.strip()]
        unknown = sorted(set(codes) - set(Instrument.objects.filter(code__in=codes).values_list("code", flat=True)))
        if unknown:
            raise forms.ValidationError(_("No instrument with the code %(codes)s in the catalogue.")
                                        % {"codes": ", ".join(unknown)})
        return ", ".join(codes)

    def pairs(self):
        return [(self[f"{name}_nl"], self[f"{name}_en"]) for name in self.PAIRS]


class PublicRegistrationForm(SubmissionKeyFormMixin, forms.Form):
    """Registration for an event by a visitor: name and organisation only (what the events app keeps).
    Its one-time key (``visd.core.submission``) makes a form sent twice register the visitor once."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    organisation_name = forms.CharField(label=_("Your organisation"), max_length=300, required=False)
    consent = forms.BooleanField(
        label=_("I agree that VISD keeps my name and organisation to organise this event."),
        error_messages={"required": _("Registration needs your agreement to keep your name.")})
