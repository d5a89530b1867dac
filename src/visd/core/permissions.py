"""Who may see and change what: the one place where VISD Hub's permission matrix is decided.

Views, the API and templates ask these functions; nothing else checks roles. The matrix
(docs/architecture.md, tests/test_permissions.py):

| role                         | public records | contacts, interactions     | edit actors / contacts / interactions | reference data, imports |
|------------------------------|----------------|----------------------------|----------------------------------------|-------------------------|
| anonymous, no role           | read           | never                      | no                                     | no                      |
| actor user                   | read           | contacts of own org (read) | own organisation's profile only         | no                      |
| programme manager            | read           | read all                   | actors in their portfolio's domains    | no                      |
| director, coordinator, admin | read           | read all                   | all                                    | yes                     |

GDPR export and erasure of a contact follow the right to edit that actor's stakeholder records.
Record history pages follow ``can_view``; who made a change is shown to VISD staff only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Role

if TYPE_CHECKING:
    from visd.actors.models import Actor

MANAGEMENT_ROLES = {Role.ADMINISTRATOR, Role.DIRECTOR, Role.COORDINATOR}


def role_of(user) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return Role.NONE
    if user.is_superuser:
        return Role.ADMINISTRATOR
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else Role.NONE


def is_management(user) -> bool:
    """Administrator, programme director or coordinator: may see and change everything."""
    return role_of(user) in MANAGEMENT_ROLES


def is_programme_manager(user) -> bool:
    return role_of(user) == Role.PROGRAMME_MANAGER


def is_visd_staff(user) -> bool:
    """Management and programme managers: the programme office. Only they may take part in an
    interaction as staff and see who changed a record."""
    return is_management(user) or is_programme_manager(user)


def visd_staff_users():
    """The users ``is_visd_staff`` holds true for, as a queryset (e.g. to choose interaction staff)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    staff_roles = [*MANAGEMENT_ROLES, Role.PROGRAMME_MANAGER]
    return get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(profile__role__in=staff_roles)
    )


def own_actor_id(user) -> int | None:
    if role_of(user) != Role.ACTOR_USER:
        return None
    return user.profile.actor_id


def portfolio_domain_ids(user) -> set[int]:
    """Ids of the focus-domain concepts in a programme manager's portfolios."""
    if not is_programme_manager(user):
        return set()
    cached = getattr(user, "_visd_domain_ids", None)
    if cached is None:
        from visd.taxonomy.models import Concept

        cached = set(
            Concept.objects.filter(portfolio__in=user.profile.portfolios.all()).values_list("id", flat=True)
        )
        user._visd_domain_ids = cached
    return cached


def can_view_personal_data(user, actor: Actor | None = None) -> bool:
    """Contacts: management and programme managers see all; an actor user sees the contacts of
    their own organisation only; everyone else sees none."""
    if is_management(user) or is_programme_manager(user):
        return True
    own = own_actor_id(user)
    return own is not None and actor is not None and actor.pk == own


def can_view_interactions(user) -> bool:
    """Interaction history is the programme office's own notes: management and programme managers."""
    return is_visd_staff(user)


def actor_in_portfolio(user, actor: Actor) -> bool:
    domains = portfolio_domain_ids(user)
    if not domains or actor.pk is None:
        return False
    return actor.tags.filter(concept_id__in=domains).exists()


def can_edit_actor(user, actor: Actor) -> bool:
    if is_management(user):
        return True
    if is_programme_manager(user):
        return actor_in_portfolio(user, actor)
    own = own_actor_id(user)
    return own is not None and actor.pk == own


def can_create_actor(user) -> bool:
    return is_management(user) or is_programme_manager(user)


def can_edit_stakeholder_records(user, actor: Actor) -> bool:
    """Contacts and interactions of an actor: management, or the programme manager of its domains."""
    if is_management(user):
        return True
    return is_programme_manager(user) and actor_in_portfolio(user, actor)


def can_process_gdpr_request(user, actor: Actor) -> bool:
    """Exporting or erasing everything held about one contact (GDPR art. 15, 17, 20): those who may
    edit the actor's stakeholder records, i.e. management or the programme manager of its domains."""
    return can_edit_stakeholder_records(user, actor)


def can_create_dossier(user, actor: Actor | None) -> bool:
    """A dossier about an actor follows its stakeholder records; one about no actor (a theme, an
    event) may be opened by any programme manager."""
    if actor is not None:
        return can_edit_stakeholder_records(user, actor)
    return is_management(user) or is_programme_manager(user)


def can_manage_reference_data(user) -> bool:
    """Reference data, calls, projects, instruments, imports: management only."""
    return is_management(user)


def editable_actors(user, queryset=None):
    from visd.actors.models import Actor

    queryset = Actor.objects.all() if queryset is None else queryset
    if is_management(user):
        return queryset
    if is_programme_manager(user):
        return queryset.filter(tags__concept_id__in=portfolio_domain_ids(user)).distinct()
    own = own_actor_id(user)
    if own is not None:
        return queryset.filter(pk=own)
    return queryset.none()


def can_change(user, obj) -> bool:
    """Object-level write permission for any registry record (used by the API and the history pages)."""
    from visd.actors.models import Actor, ActorTag
    from visd.stakeholders.models import Contact, Dossier, Interaction

    if isinstance(obj, Actor):
        return can_edit_actor(user, obj)
    if isinstance(obj, ActorTag):
        return can_edit_actor(user, obj.actor)
    if isinstance(obj, (Contact, Interaction)):
        return can_edit_stakeholder_records(user, obj.actor)
    if isinstance(obj, Dossier):
        return can_create_dossier(user, obj.actor)
    return can_manage_reference_data(user)


def can_view(user, obj) -> bool:
    """Object-level read permission: personal records need the right role, the rest is public."""
    from visd.stakeholders.models import Contact, Dossier, Interaction

    if isinstance(obj, Contact):
        return can_view_personal_data(user, obj.actor)
    if isinstance(obj, (Interaction, Dossier)):
        return can_view_interactions(user)
    return True
