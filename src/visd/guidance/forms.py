"""The navigator's questions: a GET form, so an answer is a link that can be shared and printed."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from visd.actors.models import Actor, ActorKind, Region

from . import navigator, services

GOAL_CHOICES = [
    ("research", _("Do research")),
    ("develop", _("Develop a product or prototype")),
    ("test", _("Test, evaluate or validate")),
    ("finance", _("Find finance (loans, guarantees, capital)")),
    ("export", _("Export or sell abroad")),
    ("partners", _("Find partners")),
]
SIZE_CHOICES = [
    ("", _("Unknown or not applicable")),
    ("micro", _("Micro (< 10 staff, <= EUR 2 M)")),
    ("small", _("Small (< 50 staff, <= EUR 10 M)")),
    ("medium", _("Medium (< 250 staff, turnover <= EUR 50 M or balance sheet <= EUR 43 M)")),
    ("large", _("Large")),
]
DESTINATION_CHOICES = [("", _("Not applicable")), ("eu", _("Inside the EU")), ("non_eu", _("Outside the EU"))]
TRL_CHOICES = [("", _("Unknown"))] + [(str(n), str(n)) for n in range(1, 10)]
KIND_CHOICES = [("", _("Unknown"))] + [c for c in ActorKind.choices if c[0] != ActorKind.OTHER] + [
    (ActorKind.OTHER, ActorKind.OTHER.label)]
REGION_CHOICES = [("", _("Unknown"))] + [c for c in Region.choices if c[0]]


class NavigatorForm(forms.Form):
    goal = forms.ChoiceField(label=_("What do you want to do next?"), choices=GOAL_CHOICES, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Kind of organisation"), required=False, choices=KIND_CHOICES)
    size = forms.ChoiceField(label=_("Size (EU SME definition)"), required=False, choices=SIZE_CHOICES)
    startup = forms.BooleanField(label=_("A start-up or young company"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False, choices=REGION_CHOICES)
    domain = forms.ModelChoiceField(label=_("Focus domain"), required=False, to_field_name="code",
                                    queryset=services.focus_domains(),
                                    empty_label=_("Any or unknown"))
    trl = forms.TypedChoiceField(label=_("Technology readiness level (TRL)"), required=False, choices=TRL_CHOICES,
                                 coerce=int, empty_value=None,
                                 help_text=_("1 basic principles observed … 4 validated in the lab … 7 prototype "
                                             "demonstrated in an operational environment … 9 proven in operation."))
    destination = forms.ChoiceField(label=_("Export destination"), required=False, choices=DESTINATION_CHOICES)
    project_cost = forms.DecimalField(label=_("Eligible project cost (EUR)"), required=False, min_value=Decimal(0),
                                      max_value=Decimal(10) ** 12, decimal_places=0, max_digits=13,
                                      help_text=_("To calculate the maximum aid where the rates are known."))
    collaboration = forms.BooleanField(label=_("In collaboration with other companies"), required=False)
    actor = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    @classmethod
    def initial_for_actor(cls, actor: Actor) -> dict:
        """The answers the registry already knows about an actor."""
        return {**services.actor_answers(actor), "actor": actor.pk}

    def profile(self) -> navigator.Profile:
        return services.profile_from_answers(self.cleaned_data)
