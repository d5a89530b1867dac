from django import forms
from django.utils.translation import gettext_lazy as _

from visd.actors.models import Actor
from visd.projects.forms import DateInput, focus_domains_for

from .models import Event


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["title", "kind", "date", "end_date", "domain", "location", "description", "capacity"]
        widgets = {"date": DateInput, "end_date": DateInput, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = focus_domains_for(user)

    def values(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Organisation in the registry"), required=False,
        queryset=Actor.objects.filter(region__in=["flanders", "brussels"]).order_by("name"))
    organisation_name = forms.CharField(label=_("Organisation (if not in the registry)"), max_length=300,
                                        required=False)


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Satisfaction"), coerce=int, choices=[
        (5, _("5 – very satisfied")), (4, _("4 – satisfied")), (3, _("3 – neutral")),
        (2, _("2 – dissatisfied")), (1, _("1 – very dissatisfied"))])
    number = forms.IntegerField(label=_("Number of answers with this score"), min_value=1, max_value=1000,
                                initial=1)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
