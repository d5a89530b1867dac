"""Forms of the stakeholder register. They parse and check input; the actions in
``visd.stakeholders.actions`` validate again and write, so the API and commands get the same rules."""

from django import forms
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from visd.core import permissions
from visd.core.locking import VersionedFormMixin
from visd.core.submission import SubmissionKeyFormMixin
from visd.taxonomy.models import Concept, Scheme

from .models import Contact, Dossier, Interaction


class DateInput(forms.DateInput):
    """The browser's own date picker: accessible and no JavaScript of ours."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RegisterForm(SubmissionKeyFormMixin, VersionedFormMixin, forms.ModelForm):
    """A create form carries a one-time ``submission_key`` (``visd.core.submission``) so that
    sending it twice creates one record; an edit form carries none, but the ``version`` of the
    record it was opened with (``visd.core.locking``).

    Edit forms are built from the record's values (``for_record``), not bound to the record itself:
    the form must not change the record in memory before the action compares and saves it."""

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            self.drop_submission_key()

    @classmethod
    def for_record(cls, record, data=None, **kwargs):
        form = cls(data, initial=model_to_dict(record, fields=cls._meta.fields), creating=False, **kwargs)
        form.carry_version(record)
        return form

    def values(self) -> dict:
        """The cleaned values of the model's own (non many-to-many) fields, as the actions take them."""
        many_to_many = {field.name for field in self._meta.model._meta.many_to_many}
        return {name: self.cleaned_data[name] for name in self._meta.fields
                if name in self.fields and name not in many_to_many}


class ContactForm(RegisterForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "job_title", "email", "phone", "languages", "notes",
                  "legal_basis", "legal_basis_note", "consent_date"]
        widgets = {"consent_date": DateInput, "notes": forms.Textarea(attrs={"rows": 3}),
                   "legal_basis_note": forms.Textarea(attrs={"rows": 3})}


class InteractionForm(RegisterForm):
    """Contacts, staff and dossier are offered from the organisation's own lists; a value from
    elsewhere (a tampered form) is refused with a message that says why."""

    class Meta:
        model = Interaction
        fields = ["date", "kind", "subject", "contacts", "staff", "notes", "follow_up", "follow_up_due",
                  "follow_up_done", "dossier"]
        widgets = {
            "date": DateInput, "follow_up_due": DateInput,
            "contacts": forms.CheckboxSelectMultiple, "staff": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 5}), "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        contacts = self.fields["contacts"]
        contacts.queryset = Contact.objects.filter(actor=actor)
        contacts.error_messages["invalid_choice"] = _(
            "Only contacts of %(actor)s can be linked; %%(value)s is not one of them."
        ) % {"actor": actor}
        staff = self.fields["staff"]
        staff.queryset = permissions.visd_staff_users().order_by("username")
        staff.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        staff.error_messages["invalid_choice"] = _("Only VISD staff can be listed; %(value)s is not.")
        dossier = self.fields["dossier"]
        # Open dossiers of this organisation or of none; an edit keeps the (perhaps closed) current one.
        dossier.queryset = Dossier.objects.filter(Q(actor=actor) | Q(actor__isnull=True)).filter(
            Q(status=Dossier.Status.OPEN) | Q(pk=self.initial.get("dossier"))
        )
        dossier.error_messages["invalid_choice"] = _(
            "Only dossiers about %(actor)s or about no single organisation can be chosen."
        ) % {"actor": actor}
        if self.carries_submission_key:
            # A new interaction's follow-up cannot already be done.
            del self.fields["follow_up_done"]


class DossierForm(RegisterForm):
    class Meta:
        model = Dossier
        fields = ["title", "domain", "status", "owner", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN)
        owner = self.fields["owner"]
        owner.queryset = permissions.visd_staff_users().order_by("username")
        owner.label_from_instance = lambda user: user.get_full_name() or user.get_username()


class ConfirmErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that this person's data is to be erased for good."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
