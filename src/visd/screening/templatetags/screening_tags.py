"""Template helpers of the screening app.

- ``{{ texts|lang }}``: the current language's text of a ``{"nl": ..., "en": ...}`` dict.
- ``{{ record|local:"title" }}``: ``record.title_nl`` or ``record.title_en`` by the current language.
- ``{% country_notes_panel country_code %}``: the knowledge-security notes in force on a country,
  with flags, sources and review dates (for the partner search and other pages).
- ``{% actor_country_flags actor %}``: the same, compact, for an actor page (the actor's country).

Both inclusion tags render nothing for users without a VISD role (``permissions.can_use_screening``)."""

from django import template
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from visd.core import permissions

from ..countries import country_name
from ..queries import country_notes, export_restrictions

register = template.Library()


def _language() -> str:
    return (get_language() or "nl")[:2]


@register.filter
def lang(texts):
    if not isinstance(texts, dict):
        return texts
    return texts.get(_language()) or texts.get("en") or ""


@register.filter
def local(record, field):
    return getattr(record, f"{field}_{_language()}", "") or getattr(record, f"{field}_en", "")


@register.filter
def restriction_kind(code):
    """An export restriction's kind ("arms_embargo") in words."""
    from ..models import RestrictionKind

    return dict(RestrictionKind.choices).get(code, code)


@register.filter
def restriction_regime(code):
    """Who imposed a restriction ("eu") in words."""
    from ..models import Regime

    return dict(Regime.choices).get(code, code)


@register.filter
def restriction_scope(code):
    """Whom a restriction reaches ("non_government") in words."""
    from ..models import RestrictionScope

    return dict(RestrictionScope.choices).get(code, code)


EXPORT_OUTCOMES = {
    "restricted": _("Embargo or ban flagged"),
    "licence_required": _("Licence needed"),
    "no_licence_named": _("No licence duty named in the documents"),
}


NATURES = {
    "civil": _("Civil"),
    "dual_use_civil": _("Dual use, business case mainly civil"),
    "dual_use_military": _("Dual use, business case mainly military"),
    "military": _("Military"),
}


@register.filter
def nature_label(code):
    return NATURES.get(code, code)


@register.filter
def outcome_label(screening):
    """A stored screening's outcome in words: the ESAC rule's label, or the export path's verdict."""
    if screening.kind == "esac":
        return lang(screening.result.get("label", {})) or screening.outcome
    return EXPORT_OUTCOMES.get(screening.outcome, screening.outcome)


def _user(context):
    request = context.get("request")
    return request.user if request is not None else context.get("user")


@register.inclusion_tag("screening/_country_notes_panel.html", takes_context=True)
def country_notes_panel(context, country_code, on_date=None):
    allowed = permissions.can_use_screening(_user(context))
    on_date = on_date or timezone.localdate()
    code = (country_code or "").upper()
    return {
        "allowed": allowed,
        "code": code,
        "name": country_name(code, _language()) if code else "",
        "notes": country_notes(code, on_date) if allowed and code else [],
        "restrictions": export_restrictions(code, on_date) if allowed and code else [],
        "today": timezone.localdate(),
    }


@register.inclusion_tag("screening/_actor_country_flags.html", takes_context=True)
def actor_country_flags(context, actor):
    code = (getattr(actor, "country", "") or "").upper()
    allowed = permissions.can_use_screening(_user(context)) and bool(code)
    return {
        "allowed": allowed,
        "code": code,
        "name": country_name(code, _language()) if code else "",
        "notes": country_notes(code) if allowed else [],
        "restrictions": export_restrictions(code) if allowed else [],
    }
