from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from visd.core.locking import VersionedFormMixin
from visd.core.submission import SubmissionKeyFormMixin
from visd.funding.models import Call

from .models import Action, Consortium, ConsortiumMember, MemberRole
from .rules import load_rules

TRISTATE = [("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))]
CONTROL_CHOICES = [("unknown", _("Not known")), ("none", _("Nobody: independent")),
                   ("member", _("Another member")), ("outside", _("An entity outside the consortium"))]


def _tristate(value):
    return {"yes": True, "no": False}.get(value)


class ConsortiumForm(SubmissionKeyFormMixin, VersionedFormMixin, forms.ModelForm):
    """A new workspace carries a one-time key (``visd.core.submission``), so a form sent twice makes
    one workspace; an edit carries the workspace's version instead (``visd.core.locking``)."""

    class Meta:
        model = Consortium
        fields = ["title", "call", "action", "derogation", "description", "funding_base", "pesco"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.drop_submission_key()
        rules = load_rules("EDF")
        language = (get_language() or "nl")[:2]
        language = language if language in ("nl", "en") else "en"
        self.fields["call"].queryset = Call.objects.filter(topic_id__startswith="EDF").order_by("-deadline", "topic_id")
        self.fields["call"].label_from_instance = lambda call: f"{call.topic_id}: {call.title}"[:160]
        self.fields["derogation"] = forms.ChoiceField(
            label=_("Derogation"), required=False,
            choices=[("", _("None"))] + [(code, d["title"][language]) for code, d in rules.derogations.items()])
        self.fields["funding_base"] = forms.ChoiceField(
            label=_("Kind of activities (funding rate)"),
            choices=[(b["code"], f"{b['title'][language]}: {b['rate']} %") for b in rules.funding["base"]])
        self.fields["action"].choices = Action.choices

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MemberAddForm(SubmissionKeyFormMixin, forms.Form):
    """The one-time key (``visd.core.submission``) of an add form of the workspace page: a registry
    organisation found, a suggested candidate, or a member by name. The page has one such form per
    organisation, each with its own key; what else they send (``actor``, ``role``, ``name``, ``pic``,
    ``country``) the view reads as it always did. Made with ``auto_id=False``: many on one page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)


class MemberForm(VersionedFormMixin, forms.Form):
    """One member's data for what-if edits: everything the rules read."""

    name = forms.CharField(label=_("Name"), max_length=300)
    pic = forms.CharField(label=_("PIC"), max_length=9, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
    country = forms.CharField(label=_("Country of establishment (code)"), max_length=2, required=False)
    management_country = forms.CharField(label=_("Country of the executive management structures (code)"),
                                         max_length=2, required=False)
    sme = forms.ChoiceField(label=_("SME"), choices=TRISTATE, required=False)
    mid_cap = forms.ChoiceField(label=_("Mid-cap"), choices=TRISTATE, required=False)
    control = forms.ChoiceField(label=_("Controlled by"), choices=CONTROL_CHOICES)
    controlled_by_member = forms.ModelChoiceField(label=_("Controlling member"), queryset=ConsortiumMember.objects.none(),
                                                  required=False)
    controlled_by_name = forms.CharField(label=_("Controlling entity outside the consortium"), max_length=300, required=False)
    controller_country = forms.CharField(label=_("Country of the ultimate controlling entity (code)"), max_length=2,
                                         required=False)
    guarantees = forms.BooleanField(label=_("Guarantees approved by the country of establishment"), required=False)
    control_source = forms.CharField(label=_("Source of the control data"), max_length=500, required=False)
    budget_eur = forms.DecimalField(label=_("Eligible costs (EUR)"), required=False, min_value=0, max_digits=14,
                                    decimal_places=2)

    def __init__(self, *args, consortium, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        others = consortium.members.all()
        if member is not None:
            others = others.exclude(pk=member.pk)
            self.carry_version(member)
        self.fields["controlled_by_member"].queryset = others

    @classmethod
    def initial_for(cls, member: ConsortiumMember) -> dict:
        control = ("unknown" if not member.control_stated else "member" if member.controlled_by_member_id
                   else "outside" if member.controlled_by_name else "none")
        tristate = {True: "yes", False: "no", None: ""}
        return {"name": member.name, "pic": member.pic, "role": member.role, "country": member.country,
                "management_country": member.management_country, "sme": tristate[member.sme],
                "mid_cap": tristate[member.mid_cap], "control": control,
                "controlled_by_member": member.controlled_by_member_id, "controlled_by_name": member.controlled_by_name,
                "controller_country": member.controller_country, "guarantees": member.guarantees,
                "control_source": member.control_source, "budget_eur": member.budget_eur}

    def values(self) -> dict:
        data = self.cleaned_data
        control = data["control"]
        if control == "member" and not data.get("controlled_by_member"):
            self.add_error("controlled_by_member", _("Choose the controlling member."))
        if control == "outside" and not data.get("controlled_by_name"):
            self.add_error("controlled_by_name", _("Name the controlling entity."))
        return {
            "name": data["name"], "pic": data.get("pic") or "", "role": data["role"],
            "country": data.get("country") or "", "management_country": data.get("management_country") or "",
            "sme": _tristate(data.get("sme")), "mid_cap": _tristate(data.get("mid_cap")),
            "control_stated": control != "unknown",
            "controlled_by_member": data.get("controlled_by_member") if control == "member" else None,
            "controlled_by_name": (data.get("controlled_by_name") or "") if control == "outside" else "",
            "controller_country": (data.get("controller_country") or "") if control in ("member", "outside") else "",
            "guarantees": bool(data.get("guarantees")), "control_source": data.get("control_source") or "",
            "budget_eur": data.get("budget_eur"),
        }
