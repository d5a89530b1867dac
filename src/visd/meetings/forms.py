from django import forms
from django.utils.translation import gettext_lazy as _

from visd.core.locking import VersionedFormMixin

from .models import PRIORITY_CHOICES, Matchmaking, Outcome, Participant


class MatchmakingForm(forms.ModelForm):
    slots = forms.CharField(label=_("Meeting slots"), widget=forms.Textarea(attrs={"rows": 10}), help_text=_(
        "One slot per line, in time order: 09:00-09:30 on the event's first day, or 2026-05-12 09:00-09:30 on "
        "another day of the event. A break is a time without a slot."))

    class Meta:
        model = Matchmaking
        fields = ["tables", "table_names", "max_meetings", "registration_deadline", "request_deadline", "response_days"]
        widgets = {"registration_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "request_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "table_names": forms.Textarea(attrs={"rows": 4})}

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProfileForm(VersionedFormMixin, forms.ModelForm):
    unavailable = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("Not available in"),
                                                 widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Participant
        fields = ["offer", "seek", "max_meetings"]
        widgets = {"offer": forms.Textarea(attrs={"rows": 4}), "seek": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unavailable"].queryset = self.instance.matchmaking.slots.all()
        if self.instance.pk and not self.is_bound:
            self.initial["unavailable"] = list(self.instance.unavailable.values_list("pk", flat=True))


class RequestForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES, coerce=int, initial=1)
    message = forms.CharField(label=_("Message"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class OrganiserMeetingForm(forms.Form):
    first = forms.ModelChoiceField(queryset=None, label=_("Participant"))
    second = forms.ModelChoiceField(queryset=None, label=_("Meets"))
    priority = forms.TypedChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES, coerce=int, initial=3)
    forced = forms.BooleanField(label=_("Must be scheduled"), required=False)

    def __init__(self, *args, matchmaking, **kwargs):
        super().__init__(*args, **kwargs)
        participants = matchmaking.participants.select_related("registration")
        self.fields["first"].queryset = participants
        self.fields["second"].queryset = participants


class ScheduleForm(forms.Form):
    allow_moves = forms.BooleanField(label=_("Published meetings may move to another slot"), required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
