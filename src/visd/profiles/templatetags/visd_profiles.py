"""``{% profile_panel actor %}``: the actor's capability profile, item by item as the viewer's tier
allows (``permissions.can_view_profile_item``); the representative sees every item and the edit links."""

from django import template
from django.utils.translation import gettext as _

from visd.core import permissions

from .. import review
from ..models import CapabilityProfile, Language, ProfileItem

register = template.Library()


def _rows(profile: CapabilityProfile, item: str) -> list[tuple[str, object]]:
    euro = "{:,} EUR".format
    if item == ProfileItem.DESCRIPTION:
        return [("", profile.description)] if profile.description else []
    if item == ProfileItem.SIZE:
        rows = [(_("Size class"), profile.get_size_class_display())] if profile.size_class else []
        if profile.staff_headcount is not None:
            rows.append((_("Staff headcount"), profile.staff_headcount))
        if profile.annual_turnover is not None:
            rows.append((_("Annual turnover"), euro(profile.annual_turnover)))
        if profile.balance_sheet_total is not None:
            rows.append((_("Balance sheet total"), euro(profile.balance_sheet_total)))
        return rows
    if item == ProfileItem.VALUE_CHAIN:
        return [("", profile.get_value_chain_position_display())] if profile.value_chain_position else []
    if item == ProfileItem.CERTIFICATIONS:
        return [("", line.strip()) for line in profile.certifications.splitlines() if line.strip()]
    if item == ProfileItem.SECURITY_CLEARANCE:
        return [("", profile.get_security_clearance_display())] if profile.security_clearance else []
    if item == ProfileItem.WEBSITE:
        return [("", profile.website)] if profile.website else []
    if item == ProfileItem.CONTACT:
        return [("", profile.contact_email)] if profile.contact_email else []
    if item == ProfileItem.LANGUAGES:
        labels = dict(Language.choices)
        return [("", ", ".join(str(labels.get(code, code)) for code in profile.languages))] if profile.languages else []
    return []


@register.inclusion_tag("profiles/_panel.html", takes_context=True)
def profile_panel(context, actor):
    request = context["request"]
    user = request.user
    can_edit = permissions.can_edit_profile(user, actor)
    try:
        profile = actor.capability_profile
    except CapabilityProfile.DoesNotExist:
        return {"can_edit": can_edit, "actor": actor, "items": [], "offers": [], "seeks": [], "request": request}
    items = []
    statements = [s for s in profile.statements.all() if permissions.can_view_profile_item(user, s)]
    for statement in review.shown(user, statements):
        rows = _rows(statement.profile_view, statement.item)
        if rows:
            items.append({"label": statement.get_item_display(), "item": statement.item, "rows": rows,
                          "statement": statement})
    order = list(ProfileItem.values)
    items.sort(key=lambda entry: order.index(entry["item"]))
    offers = review.shown(user, permissions.visible_profile_items(
        user, profile.offers.prefetch_related("domains", "captechs")))
    seeks = review.shown(user, permissions.visible_profile_items(user, profile.seeks.all()))
    return {"can_edit": can_edit, "actor": actor, "items": items, "offers": offers, "seeks": seeks,
            "show_tiers": permissions.can_view_full_profile(user, actor.pk),
            "show_review": permissions.sees_unpublished_profile(user, actor.pk),
            "can_mark_trusted": permissions.can_mark_trusted(user), "trusted": profile.trusted,
            "request": request}
