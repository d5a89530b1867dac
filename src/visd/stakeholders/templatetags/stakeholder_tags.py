"""``{% actor_stakeholders actor %}``: the stakeholder part of an actor page. Templates cannot ask
``visd.core.permissions`` questions with arguments, so this tag asks them and renders only what the
viewing user may see: contacts for those who may see this actor's personal data, interactions for
VISD staff, add links for those who may edit the actor's stakeholder records."""

from django import template

from visd.core import permissions

register = template.Library()

#: How many interactions the actor page shows before linking to the full list.
RECENT_INTERACTIONS = 10


@register.inclusion_tag("stakeholders/_actor_stakeholders_panel.html", takes_context=True)
def actor_stakeholders(context, actor):
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    show_contacts = permissions.can_view_personal_data(user, actor)
    show_interactions = permissions.can_view_interactions(user)
    panel = {
        "actor": actor,
        "show_contacts": show_contacts,
        "show_interactions": show_interactions,
        "can_edit": permissions.can_edit_stakeholder_records(user, actor),
    }
    if show_contacts:
        panel["contacts"] = list(actor.contacts.all())
    if show_interactions:
        interactions = actor.interactions.prefetch_related("contacts")
        panel["interaction_count"] = interactions.count()
        panel["interactions"] = interactions[:RECENT_INTERACTIONS]
        panel["more_interactions"] = panel["interaction_count"] > RECENT_INTERACTIONS
    return panel
