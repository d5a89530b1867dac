from django import forms
from django.utils.translation import gettext_lazy as _

from visd.actors.models import Actor
from visd.core.locking import VersionedFormMixin
from visd.core.submission import SubmissionKeyFormMixin
from visd.projects.forms import DateInput, focus_domains_for
from visd.stakeholders.models import Contact

from .models import Event


class EventForm(VersionedFormMixin, forms.ModelForm):
    """An edit carries the event's version (``visd.core.locking``)."""

    class Meta:
        model = Event
        fields = ["title", "kind", "date", "end_date", "domain", "location", "description", "capacity"]
        widgets = {"date": DateInput, "end_date": DateInput, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = focus_domains_for(user)

    def values(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}  # not the version


def all_contacts():
    return Contact.objects.select_related("actor").order_by("actor__name", "last_name", "first_name", "pk")


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, contact):
        return f"{contact} ({contact.actor.name})"


class RegistrationForm(SubmissionKeyFormMixin, forms.Form):
    """A registration by VISD staff; its one-time key (``visd.core.submission``) makes a form sent
    twice register the participant once."""

    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Organisation in the registry"), required=False,
        queryset=Actor.objects.filter(region__in=["flanders", "brussels"]).order_by("name"))
    organisation_name = forms.CharField(label=_("Organisation (if not in the registry)"), max_length=300,
                                        required=False)
    contact = ContactChoiceField(
        label=_("Link to contact"), required=False, queryset=Contact.objects.none(),
        help_text=_("Only if the participant is a contact of the organisation chosen above; "
                    "their GDPR export and erasure then cover this registration."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = all_contacts()


class LinkContactForm(forms.Form):
    """Link a registration to a contact. Only the contacts of the registration's organisation are
    offered; the action refuses any other, with a message that says why."""

    contact = ContactChoiceField(label=_("Link to contact"), required=False, queryset=Contact.objects.none(),
                                 empty_label=_("— not a contact —"))

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        field.queryset = all_contacts()  # any contact is accepted here; ``link_contact`` validates it
        offered = field.queryset
        if registration.organisation_id is not None:
            offered = offered.filter(actor_id=registration.organisation_id)
        field.widget.choices = [("", field.empty_label)] + [
            (contact.pk, field.label_from_instance(contact)) for contact in offered]


class SurveyForm(SubmissionKeyFormMixin, forms.Form):
    """A tally of answers. It carries a one-time ``submission_key`` (``visd.core.submission``), so
    that sending it twice records the answers once."""

    score = forms.TypedChoiceField(label=_("Satisfaction"), coerce=int, choices=[
        (5, _("5 – very satisfied")), (4, _("4 – satisfied")), (3, _("3 – neutral")),
        (2, _("2 – dissatisfied")), (1, _("1 – very dissatisfied"))])
    number = forms.IntegerField(label=_("Number of answers with this score"), min_value=1, max_value=1000,
                                initial=1)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

