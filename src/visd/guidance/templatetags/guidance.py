"""Sentences for the navigator's reason codes, and labels for the codes in the guidance data."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from visd.actors.models import ActorKind, Region
from visd.funding.models import InstrumentKind, Phase, ProjectKind, RateSize

from ..forms import GOAL_CHOICES

register = template.Library()

SIZES = dict(RateSize.choices)
LABELS = {
    "phase": dict(Phase.choices), "kind": dict(ActorKind.choices), "size": SIZES,
    "region": dict(Region.choices), "offer": dict(InstrumentKind.choices), "goal": dict(GOAL_CHOICES),
    "project": dict(ProjectKind.choices),
}


def _label(group: str, code) -> str:
    return str(LABELS[group].get(code, code))


def _list(group: str, codes) -> str:
    return ", ".join(_label(group, c) for c in codes or ())


@register.filter
def label(code, group):
    """``{{ code|label:'phase' }}``: the display label of a code of the guidance data."""
    return _label(group, code)


@register.filter
def labels(codes, group):
    return _list(group, codes)


@register.filter
def reason_text(reason) -> str:
    """The sentence for a navigator ``Reason``."""
    v = reason.value
    sentences = {
        "phase": lambda: _("Serves the phase %(phases)s of the product development cycle.")
        % {"phases": _list("phase", v("phases"))},
        "finance": lambda: _("Gives %(kinds)s.") % {"kinds": _list("offer", v("kinds"))},
        "partner-search": lambda: _("Helps you find partners."),
        "kind": lambda: _("Open to: %(kind)s.") % {"kind": _label("kind", v("kind"))},
        "size": lambda: _("Open to your size: %(size)s.") % {"size": _label("size", v("size"))},
        "region": lambda: _("Open to your region: %(region)s.") % {"region": _label("region", v("region"))},
        "startup": lambda: _("Aimed at start-ups."),
        "trl-phase": lambda: _("Your TRL %(trl)s belongs to the phase %(phase)s, which this instrument serves.")
        % {"trl": v("trl"), "phase": _label("phase", v("phase"))},
        "trl-range": lambda: _("Your TRL lies within its range, TRL %(low)s-%(high)s.") % {"low": v("low"), "high": v("high")},
        "domain": lambda: _("The source names your domain as a focus: %(domains)s.") % {"domains": ", ".join(v("domains"))},
        "kind-unanswered": lambda: _("Open only to: %(kinds)s. Give your kind of organisation to check.")
        % {"kinds": _list("kind", v("kinds"))},
        "size-unanswered": lambda: _("Open only to these sizes: %(sizes)s. Give your size to check.")
        % {"sizes": _list("size", v("sizes"))},
        "region-unanswered": lambda: _("Open only to: %(regions)s. Give your region to check.")
        % {"regions": _list("region", v("regions"))},
        "applicants-unknown": lambda: _("The sources do not say who may apply; ask the contact point."),
        "kind-excluded": lambda: _("Open only to: %(kinds)s.") % {"kinds": _list("kind", v("kinds"))},
        "size-excluded": lambda: _("Open only to these sizes: %(sizes)s.") % {"sizes": _list("size", v("sizes"))},
        "region-excluded": lambda: _("Open only to: %(regions)s.") % {"regions": _list("region", v("regions"))},
        "startups-only": lambda: _("For start-ups only."),
        "trl-excluded": lambda: _("Only for TRL %(low)s-%(high)s.") % {"low": v("low"), "high": v("high")},
        "contact-goal": lambda: _("The documents name them for: %(goal)s.") % {"goal": _label("goal", v("goal"))},
        "contact-phase": lambda: _("They help in the phase %(phases)s.") % {"phases": _list("phase", v("phases"))},
        "contact-instruments": lambda: _("They run or advise on %(count)s of the instruments above.")
        % {"count": len(v("instruments"))},
    }
    make = sentences.get(reason.code)
    return make() if make else reason.code


@register.filter
def percent(value) -> str:
    if value is None:
        return ""
    return f"{number_format(value.normalize() if value == value.to_integral() else value)}%"


@register.filter
def euros(value) -> str:
    if value is None:
        return ""
    return f"€ {number_format(value, decimal_pos=0, force_grouping=True)}"


AID_PROBLEMS = {
    "size-unknown": gettext_lazy("Give your size to calculate the aid: the rates depend on it."),
    "no-rate-for-case": gettext_lazy("The sources give no rate for your size."),
    "rate-unknown": gettext_lazy("The source gives no rate for your size; the catalogue records this as unknown "
                                 "until an administrator fills it in."),
}


@register.filter
def aid_problem(code) -> str:
    return str(AID_PROBLEMS.get(code, code))
