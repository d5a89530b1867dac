"""Questionnaires of the screening pages. A form checks the shape of the answers; the engine
(``esac.screen``, ``export_control.screen``) checks their meaning (missing, unknown, contradictory)
and its messages are shown on the questions they concern."""

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from visd.projects.models import Project

from . import esac, export_control
from .countries import country_choices

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _shorten(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + " …"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ScreeningForm(forms.Form):
    """Common part: what is screened, the optional project, the date whose rules apply. Every field
    is optional here so that the engine's own messages say what is missing."""

    subject = forms.CharField(label=_("Subject"), max_length=300,
                              help_text=_("The project, goods or dossier you screen, in a few words."))
    project = forms.ModelChoiceField(queryset=Project.objects.all(), required=False, widget=forms.HiddenInput)
    reference_date = forms.DateField(label=_("Dossier date"), required=False, widget=DateInput,
                                     help_text=_("The rules in force on this date apply."))

    engine_errors_field_map: dict[str, str] = {}

    def __init__(self, *args, restrictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.restrictions = restrictions
        self.result = None
        if not self.is_bound:
            self.initial.setdefault("reference_date", timezone.localdate())

    def run(self, answers: dict) -> dict:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        answers = {name: cleaned.get(name) for name in self.fields if name not in {"subject", "project"}}
        try:
            self.result = self.run(answers)
        except esac.AnswerError as error:
            for field, messages in error.problems.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, str(message))
        return cleaned


class EsacForm(ScreeningForm):
    nature = forms.ChoiceField(
        label=_("Main nature of the project"), required=False, widget=forms.RadioSelect,
        choices=[("civil", _("Civil")),
                 ("dual_use_civil", _("Dual use, business case mainly civil")),
                 ("dual_use_military", _("Dual use, business case mainly military")),
                 ("military", _("Military"))])
    ml_category = forms.ChoiceField(
        label=_("Category of the EU Common Military List"), required=False,
        help_text=_("Leave empty if the project concerns no item of the list. Use the export-control screening "
                    "to find candidate categories from a description."))
    under_ethical_review = forms.ChoiceField(
        label=_("Is the project already under the ethical review of an EU, federal or international "
                "(military) programme?"), required=False, widget=forms.RadioSelect, choices=YES_NO)
    review_programme = forms.CharField(label=_("Which programme?"), required=False, max_length=200,
                                       help_text=_("E.g. European Defence Fund, DEFRA."))
    contrary_to_international_law = forms.ChoiceField(
        label=_("Does the project concern weapon systems contrary to international law?"), required=False,
        widget=forms.RadioSelect, choices=YES_NO)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        texts = esac.ml_texts()
        self.fields["ml_category"].choices = [("", _("none"))] + [
            (code, f"{code} – {_shorten(texts.get(code, ''))}") for code in esac.ml_choices()]

    def run(self, answers):
        return esac.screen(answers)


class ExportForm(ScreeningForm):
    description = forms.CharField(
        label=_("Description of the goods, technology or knowledge"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In Dutch or English, e.g. 'pantserplaten voor voertuigen' or 'thermal imaging camera'."))
    goods_kind = forms.ChoiceField(
        label=_("Kind of goods"), required=False, widget=forms.RadioSelect,
        choices=[("military", _("Military (designed or modified for military use)")),
                 ("dual_use", _("Dual use (civil and military end use)")),
                 ("dual_use_annex_iv", _("Dual use listed in Annex IV of Regulation (EU) 2021/821")),
                 ("civil", _("Civil")),
                 ("unknown", _("I do not know yet"))])
    destination = forms.ChoiceField(label=_("Country of destination"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference_date"].label = _("Date of the planned export")
        self.fields["destination"].choices = [("", "—")] + country_choices((get_language() or "nl")[:2])
        if not self.is_bound:
            self.initial.setdefault("goods_kind", "unknown")

    def run(self, answers):
        return export_control.screen(answers, restrictions=self.restrictions)
