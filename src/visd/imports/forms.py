"""The administrators' upload form: which kind of file and the files themselves."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        uploads = data if isinstance(data, (list, tuple)) else [data]
        return [clean_one(upload, initial) for upload in uploads if upload]


class ImportForm(forms.Form):
    KIND_CORDIS = "cordis"
    KIND_TOPICS = "topics"

    kind = forms.ChoiceField(
        label=_("What to import"),
        choices=[
            (KIND_CORDIS, _("CORDIS or EDF results: projects and/or organisations (CSV)")),
            (KIND_TOPICS, _("Funding & Tenders topics (JSON Lines)")),
        ],
        widget=forms.RadioSelect,
        initial=KIND_CORDIS,
    )
    projects = forms.FileField(label=_("Projects file (CSV)"), required=False,
                               help_text=_("CORDIS project columns: id, acronym, title, frameworkProgramme, "
                                           "startDate, endDate, totalCost, ecMaxContribution, ..."))
    organisations = forms.FileField(label=_("Organisations file (CSV)"), required=False,
                                    help_text=_("CORDIS organisation columns: projectID, role, id (PIC), name, "
                                                "country, ..."))
    topics = MultipleFileField(label=_("Topics files (JSON Lines)"), required=False,
                               help_text=_("One topic per line: topicId, title, deadline, ..."))
    source_label = forms.CharField(label=_("Data source"), max_length=200, required=False,
                                   help_text=_("Recorded on the imported records, e.g. 'CORDIS Horizon Europe "
                                               "cluster 3, export of 2025-06'. Default: the file name."))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == self.KIND_CORDIS and not (cleaned.get("projects") or cleaned.get("organisations")):
            raise forms.ValidationError(_("Choose a projects file, an organisations file or both."))
        if kind == self.KIND_TOPICS and not cleaned.get("topics"):
            raise forms.ValidationError(_("Choose at least one topics file."))
        return cleaned
