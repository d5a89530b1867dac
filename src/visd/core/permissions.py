"""Who may see and change what: the one place where VISD Hub's permission matrix is decided.

Views, the API and templates ask these functions; nothing else checks roles. The matrix
(docs/architecture.md, tests/test_permissions.py):

| role                         | public records | contacts, interactions     | edit actors / contacts / interactions | reference data, imports |
|------------------------------|----------------|----------------------------|----------------------------------------|-------------------------|
| anonymous, no role           | read           | never                      | no                                     | no                      |
| actor user                   | read           | contacts of own org (read) | own organisation's profile only         | no                      |
| programme manager            | read           | read all                   | actors in their portfolio's domains, or in no domain yet (contacts: portfolio only) | no |
| director, coordinator, admin | read           | read all                   | all                                    | yes                     |

GDPR export and erasure of a contact follow the right to edit that actor's stakeholder records;
the erasure of an event registration not linked to a contact follows the right to change the event.
Curating the concept tags of actors, projects, calls and needs (``can_curate_tags``) follows the
actor rule: management everything, a programme manager their portfolio's domains or no domain yet.
Merging two records of one organisation (``can_merge_actors``) follows it too, for both records;
actor users never merge.
Record history pages follow ``can_view``; who made a change is shown to VISD staff only.

Claims to represent an organisation (``visd.onboarding``, docs/onboarding.md) are decided by
management, or by a programme manager for an organisation in their scope (``actor_in_manager_scope``:
their portfolio's domains, or no domain yet; any programme manager for a new organisation). Only they
see the queue of claims; the applicant is anonymous until the claim is approved and then becomes an
actor user of that one organisation.

Facility providers (``visd.facilities.actions``, docs/onboarding.md) propose, a person decides: an actor
user claims an unvalidated imported facility of their organisation (or of no identified operator),
adds one or changes one of their own (``can_propose_facility_change``); the proposal is decided as a
claim is (``can_decide_facility_change``) and seen by its deciders and its organisation only.

Capability profiles (``visd.profiles``, docs/onboarding.md): each item (a profile field, an offer,
something sought) has a tier, decided by ``can_view_profile_item``:

| tier       | anonymous, no role | actor user, other org | own representative | programme manager, management | defence |
|------------|--------------------|-----------------------|--------------------|-------------------------------|---------|
| public     | read               | read                  | read               | read                          | read    |
| members    | no                 | read                  | read               | read                          | read    |
| restricted | no                 | no                    | read               | read                          | read    |

Only the organisation's own representative (actor user) writes its profile (``can_edit_profile``).
The defence role (DGMR, KHID, DIRS) reads restricted profile items and has nothing else beyond a
member's rights: no admin site, no screening.
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


def actor_without_focus_domain(actor: Actor) -> bool:
    """True when no focus domain is tagged on the actor yet (new or freshly imported)."""
    from visd.taxonomy.models import Scheme

    return actor.pk is None or not actor.tags.filter(concept__scheme=Scheme.FOCUS_DOMAIN).exists()


def actor_in_manager_scope(user, actor: Actor) -> bool:
    """A programme manager looks after the actors of their portfolio's domains, and may take up an
    actor that no domain claims yet (by tagging one of their domains): otherwise the thousands of
    imported, untagged organisations could be curated by the director alone."""
    if not is_programme_manager(user):
        return False
    return actor_in_portfolio(user, actor) or actor_without_focus_domain(actor)


def can_edit_actor(user, actor: Actor) -> bool:
    if is_management(user):
        return True
    if is_programme_manager(user):
        return actor_in_manager_scope(user, actor)
    own = own_actor_id(user)
    return own is not None and actor.pk == own


def can_merge_actors(user, *actors: Actor) -> bool:
    """Merging duplicate records of one organisation (``visd.actors.merge``): management, or a
    programme manager for actors in their scope (as ``can_edit_actor``: every record involved);
    never an actor user, not even for their own organisation."""
    if is_management(user):
        return True
    return is_programme_manager(user) and all(actor_in_manager_scope(user, actor) for actor in actors)


def can_curate_tags(user, obj) -> bool:
    """Curating the concept tags of an actor, a (CORDIS/EDF) project, a call or a capability need
    (the page ``/matching/tags/<type>/<pk>/``): confirming, adding, rejecting or un-curating a concept.

    Management (administrator, director, coordinator): every record. A programme manager: the
    records in their portfolio's focus domains, by the rule ``actor_in_manager_scope`` applies to
    actors. Projects, calls and needs have no domain field: their domains are their focus-domain
    ``ConceptTag``s that are not rejected (derived or curated), as they are an actor's tags. A record
    that carries no focus domain yet (the tagger found none, or all were rejected) may be taken up by
    any programme manager, exactly like an actor no domain claims yet; otherwise the many imported,
    untagged records could be curated by the director alone. Nobody else: an actor user declares their
    own organisation's tags on its profile (self-declared tags), never here."""
    if is_management(user):
        return True
    if not is_programme_manager(user) or obj is None or obj.pk is None:
        return False
    from visd.actors.models import Actor

    if isinstance(obj, Actor):
        return actor_in_manager_scope(user, obj)
    from visd.matchmaking.models import ConceptTag
    from visd.matchmaking.records import target_models
    from visd.taxonomy.models import Scheme

    target_type = next((t for t, model in target_models().items() if isinstance(obj, model)), None)
    if target_type is None:
        return False
    domains = set(ConceptTag.objects.filter(
        target_type=target_type, object_id=obj.pk, rejected=False, concept__scheme=Scheme.FOCUS_DOMAIN,
    ).values_list("concept_id", flat=True))
    return not domains or bool(domains & portfolio_domain_ids(user))


def can_decide_claim(user, claim) -> bool:
    """Approving or rejecting a claim to represent an organisation: management every claim; a programme
    manager a claim on an actor in their scope (``actor_in_manager_scope``), or on a new organisation,
    which no domain claims yet."""
    if is_management(user):
        return True
    if not is_programme_manager(user):
        return False
    return claim.actor_id is None or actor_in_manager_scope(user, claim.actor)


def can_view_claim_queue(user) -> bool:
    return is_management(user) or is_programme_manager(user)


def decidable_claims(user, queryset=None):
    """The claims ``can_decide_claim`` allows, as a queryset."""
    from django.db.models import Q

    from visd.onboarding.models import Claim

    queryset = Claim.objects.all() if queryset is None else queryset
    if is_management(user):
        return queryset
    if not is_programme_manager(user):
        return queryset.none()
    return queryset.filter(Q(actor__isnull=True) | in_manager_scope_condition(user, "actor"))


def in_manager_scope_condition(user, actor_field: str):
    """``actor_in_manager_scope`` as a query condition on the records whose ``actor_field`` is the
    actor: the actor carries one of the programme manager's portfolio domains, or no focus domain yet."""
    from django.db.models import Exists, OuterRef

    from visd.actors.models import ActorTag
    from visd.taxonomy.models import Scheme

    claimed = ActorTag.objects.filter(actor=OuterRef(actor_field), concept__scheme=Scheme.FOCUS_DOMAIN)
    in_portfolio = ActorTag.objects.filter(actor=OuterRef(actor_field), concept_id__in=portfolio_domain_ids(user))
    return Exists(in_portfolio) | ~Exists(claimed)


def can_propose_facility_change(user, facility=None) -> bool:
    """A facility provider's proposal (``visd.facilities.actions``): an organisation's representative
    (actor user) may add a facility (``facility`` None), change one their organisation operates, or claim
    an unvalidated imported one that their organisation operates or whose operator no import identified.
    A person decides every proposal (``can_decide_facility_change``)."""
    own = own_actor_id(user)
    if own is None:
        return False
    if facility is None or facility.operator_id == own:
        return True
    return facility.operator_id is None and not facility.is_validated


def can_decide_facility_change(user, change) -> bool:
    """Approving or rejecting a provider's facility proposal: as a claim to represent its organisation
    (``can_decide_claim``): management every one, a programme manager those of organisations in scope."""
    if is_management(user):
        return True
    return is_programme_manager(user) and actor_in_manager_scope(user, change.actor)


def can_view_facility_change(user, change) -> bool:
    """Those who may decide it, and the proposing organisation's representatives."""
    own = own_actor_id(user)
    return can_decide_facility_change(user, change) or (own is not None and change.actor_id == own)


def decidable_facility_changes(user, queryset=None):
    """The facility proposals ``can_decide_facility_change`` allows, as a queryset."""
    from visd.facilities.models import FacilityChange

    queryset = FacilityChange.objects.all() if queryset is None else queryset
    if is_management(user):
        return queryset
    if not is_programme_manager(user):
        return queryset.none()
    return queryset.filter(in_manager_scope_condition(user, "actor"))


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


def can_erase_event_registration(user, registration) -> bool:
    """Erasing one event registration of a person who is not a contact (GDPR art. 17; a contact's
    registrations are erased with the contact, ``can_process_gdpr_request``): those who may change
    the event, i.e. management or the programme manager of its domain (any programme manager for an
    event without a domain)."""
    return can_edit_programme_domain(user, registration.event.domain_id)


def can_create_dossier(user, actor: Actor | None) -> bool:
    """A dossier about an actor follows its stakeholder records; one about no actor (a theme, an
    event) may be opened by any programme manager."""
    if actor is not None:
        return can_edit_stakeholder_records(user, actor)
    return is_management(user) or is_programme_manager(user)


def can_manage_reference_data(user) -> bool:
    """Reference data, calls, projects, instruments, imports: management only."""
    return is_management(user)


def can_edit_site_pages(user) -> bool:
    """The public site's content pages (visd.site): the programme office writes what VISD publishes."""
    return is_visd_staff(user)


def can_use_screening(user) -> bool:
    """Screening (ethics, export control, country information) is guidance for the programme and
    its ecosystem: every logged-in user with a VISD role may run it and read the country pages
    (not the defence role, which reads capability profiles only)."""
    return role_of(user) not in {Role.NONE, Role.DEFENCE}


def can_enter_admin(user) -> bool:
    """The admin site: every VISD role except the defence role (each model admin then decides)."""
    return role_of(user) not in {Role.NONE, Role.DEFENCE}


def can_view_screening(user, screening) -> bool:
    """A stored screening: its creator and management; one about a project also programme managers."""
    if not can_use_screening(user):
        return False
    if is_management(user) or screening.created_by_id == user.pk:
        return True
    return screening.project_id is not None and is_programme_manager(user)


def visible_screenings(user, queryset=None):
    """The stored screenings ``can_view_screening`` allows, as a queryset."""
    from django.db.models import Q

    from visd.screening.models import Screening

    queryset = Screening.objects.all() if queryset is None else queryset
    if not can_use_screening(user):
        return queryset.none()
    if is_management(user):
        return queryset
    if is_programme_manager(user):
        return queryset.filter(Q(created_by=user) | Q(project__isnull=False))
    return queryset.filter(created_by=user)


def editable_actors(user, queryset=None):
    from visd.actors.models import Actor

    queryset = Actor.objects.all() if queryset is None else queryset
    if is_management(user):
        return queryset
    if is_programme_manager(user):
        from django.db.models import Exists, OuterRef, Q

        from visd.actors.models import ActorTag
        from visd.taxonomy.models import Scheme

        claimed = ActorTag.objects.filter(actor=OuterRef("pk"), concept__scheme=Scheme.FOCUS_DOMAIN)
        return queryset.filter(
            Q(tags__concept_id__in=portfolio_domain_ids(user)) | ~Exists(claimed)
        ).distinct()
    own = own_actor_id(user)
    if own is not None:
        return queryset.filter(pk=own)
    return queryset.none()


def can_change(user, obj) -> bool:
    """Object-level write permission for any registry record (used by the API and the history pages)."""
    from visd.actors.models import Actor, ActorTag
    from visd.programme.models import ActionItem, BudgetEntry, KPIValue
    from visd.stakeholders.models import Contact, Dossier, Interaction

    if isinstance(obj, (KPIValue, BudgetEntry, ActionItem)):
        return can_edit_programme_record(user, obj.domain)
    if isinstance(obj, Actor):
        return can_edit_actor(user, obj)
    if isinstance(obj, ActorTag):
        return can_edit_actor(user, obj.actor)
    if isinstance(obj, (Contact, Interaction)):
        return can_edit_stakeholder_records(user, obj.actor)
    if isinstance(obj, Dossier):
        return can_create_dossier(user, obj.actor)
    from visd.onboarding.models import Claim

    if isinstance(obj, Claim):
        return False  # claims change only through visd.onboarding.actions (approve, reject)
    from visd.facilities.models import FacilityChange

    if isinstance(obj, FacilityChange):
        return False  # proposals change only through visd.facilities.actions (approve, reject)
    if type(obj)._meta.app_label == "meetings":  # B2B matchmaking: its organiser (the pages act for participants)
        return can_organise_matchmaking(user, _matchmaking_of(obj).event)
    if type(obj)._meta.app_label == "profiles":
        return can_edit_profile(user, obj.owner_actor_id)
    programme = _programme_record_domain(obj)
    if programme is not None:
        return can_edit_programme_domain(user, programme[1])
    return can_manage_reference_data(user)


def can_view_history(user, obj) -> bool:
    """A record's history (every saved version): whoever may see the record, except for capability
    profiles, whose history holds changes not yet validated: the organisation's own representatives and
    VISD staff only (``sees_unpublished_profile``)."""
    if type(obj)._meta.app_label == "profiles":
        return sees_unpublished_profile(user, obj.owner_actor_id)
    return can_view(user, obj)


def can_view(user, obj) -> bool:
    """Object-level read permission: personal records need the right role, the rest is public."""
    from visd.programme.models import ActionItem, BudgetEntry, KPITarget, KPIValue, ReportTemplate
    from visd.stakeholders.models import Contact, Dossier, Interaction

    if isinstance(obj, (KPIValue, KPITarget, BudgetEntry, ActionItem, ReportTemplate)):
        return can_view_programme_dashboards(user)
    if isinstance(obj, Contact):
        return can_view_personal_data(user, obj.actor)
    if isinstance(obj, (Interaction, Dossier)):
        return can_view_interactions(user)
    from visd.screening.models import Screening

    if isinstance(obj, Screening):
        return can_view_screening(user, obj)
    from visd.onboarding.models import Claim

    if isinstance(obj, Claim):
        return can_decide_claim(user, obj)
    from visd.facilities.models import FacilityChange

    if isinstance(obj, FacilityChange):
        return can_view_facility_change(user, obj)
    if type(obj)._meta.app_label == "consortia":
        # consortium workspaces and control relations are the programme office's working material
        return can_use_consortia(user)
    if type(obj)._meta.app_label == "meetings":
        return can_view_meetings_record(user, obj)
    if type(obj)._meta.app_label == "profiles":
        if hasattr(obj, "visibility"):
            return can_view_profile_item(user, obj)
        # The profile record as a whole (its history holds every field): those who see every tier.
        return can_view_full_profile(user, obj.owner_actor_id)
    return can_view_programme_record(user, obj)


# --- programme records: VISD projects, roadmaps, events (docs/programme.md) --------------------
#
# | role               | VISD projects                            | roadmaps            | events            |
# |--------------------|------------------------------------------|---------------------|-------------------|
# | anonymous, no role | approved flagships                       | published versions  | events (no lists) |
# | actor user         | approved flagships + own organisation's  | published versions  | events (no lists) |
# | programme manager  | all; change in own portfolio domains     | all; change own     | all; change own  |
# | management         | all; change all                          | all; change all     | all; change all   |
#
# Registrations and individual survey answers of an event are VISD staff only.


def can_edit_programme_domain(user, domain) -> bool:
    """Projects, roadmaps and events of a focus domain: management, or the programme manager whose
    portfolio holds the domain. A record without a domain (a cross-domain DIF-Day) may be changed by
    any programme manager."""
    if is_management(user):
        return True
    if not is_programme_manager(user):
        return False
    domain_id = getattr(domain, "pk", domain)
    return domain_id is None or domain_id in portfolio_domain_ids(user)


def can_create_programme_records(user) -> bool:
    return is_visd_staff(user)


def can_view_visd_project(user, project) -> bool:
    """Ideas and proposals are the programme office's own work; approved flagships are public, and
    an actor user also sees the projects their organisation is a partner of."""
    from visd.projects.models import DECIDED_STATUSES

    if is_visd_staff(user):
        return True
    if project.flagship and project.status in DECIDED_STATUSES:
        return True
    own = own_actor_id(user)
    return own is not None and project.partners.filter(actor_id=own).exists()


def visible_visd_projects(user, queryset=None):
    from django.db.models import Q

    from visd.projects.models import DECIDED_STATUSES, VisdProject

    queryset = VisdProject.objects.all() if queryset is None else queryset
    if is_visd_staff(user):
        return queryset
    public = Q(flagship=True, status__in=DECIDED_STATUSES)
    own = own_actor_id(user)
    if own is not None:
        public |= Q(partners__actor_id=own)
    return queryset.filter(public).distinct()


def can_view_roadmap(user, roadmap) -> bool:
    from visd.roadmaps.models import RoadmapStatus

    return is_visd_staff(user) or roadmap.status == RoadmapStatus.PUBLISHED


def can_view_event_registrations(user) -> bool:
    return is_visd_staff(user)


def _programme_record_domain(obj):
    """(kind, domain) of a programme record or one of its parts; None for other records."""
    model = type(obj)
    app_label = model._meta.app_label
    if app_label not in {"projects", "roadmaps", "events"}:
        return None
    for attribute in ("project", "roadmap", "event"):
        parent = getattr(obj, attribute, None) if attribute in {f.name for f in model._meta.fields} else None
        if parent is not None:
            return _programme_record_domain(parent)
    if model.__name__ in {"VisdProject", "Roadmap", "Event"}:
        return model.__name__, obj.domain_id
    return None


def can_view_programme_record(user, obj) -> bool:
    record = _programme_record_domain(obj)
    if record is None:
        return True
    model = type(obj).__name__
    root = obj
    for attribute in ("project", "roadmap", "event"):
        if attribute in {f.name for f in type(root)._meta.fields}:
            root = getattr(root, attribute)
    if record[0] == "VisdProject":
        return can_view_visd_project(user, root)
    if record[0] == "Roadmap":
        return can_view_roadmap(user, root)
    if model in {"Registration", "SurveyResponse"}:
        return can_view_event_registrations(user)
    return True


# --- programme management: KPIs, budget, yearly report (visd.programme) ---------------------------


def can_view_programme_dashboards(user) -> bool:
    """KPI dashboards, budget execution and yearly reports: management and programme managers
    (every domain, so each sees the programme as a whole)."""
    return is_visd_staff(user)


def can_edit_programme_record(user, domain=None) -> bool:
    """KPI values, budget entries and action agenda items: management for any scope; a programme
    manager for the focus domains of their portfolios only (never for the programme as a whole)."""
    if is_management(user):
        return True
    return domain is not None and domain.pk in portfolio_domain_ids(user)


def can_enter_programme_records(user) -> bool:
    """Whether the user may enter at least some KPI values, budget entries or agenda items."""
    return is_management(user) or bool(portfolio_domain_ids(user))


def can_manage_programme_settings(user) -> bool:
    """KPI targets and the yearly report template: the programme direction (management)."""
    return is_management(user)


# --- capability profiles (visd.profiles, docs/onboarding.md) ----------------------------------------


def is_defence(user) -> bool:
    return role_of(user) == Role.DEFENCE


def is_ecosystem_member(user) -> bool:
    """A logged-in user with a VISD role (a user without a role sees what the public sees)."""
    return role_of(user) != Role.NONE


def profile_tiers(user, actor_id: int | None = None) -> set[str]:
    """The tiers of ``actor_id``'s profile items that ``user`` may see."""
    from visd.profiles.models import Tier

    if is_visd_staff(user) or is_defence(user) or (actor_id is not None and own_actor_id(user) == actor_id):
        return {Tier.PUBLIC, Tier.MEMBERS, Tier.RESTRICTED}
    if is_ecosystem_member(user):
        return {Tier.PUBLIC, Tier.MEMBERS}
    return {Tier.PUBLIC}


def can_view_full_profile(user, actor_id: int) -> bool:
    from visd.profiles.models import Tier

    return Tier.RESTRICTED in profile_tiers(user, actor_id)


def sees_unpublished_profile(user, actor_id: int | None) -> bool:
    """The organisation's own representatives and VISD staff see a profile's changes at once; everyone
    else (members, Defence, the public) sees the version a programme manager validated
    (``visd.profiles.review``)."""
    return is_visd_staff(user) or (actor_id is not None and own_actor_id(user) == actor_id)


def can_view_profile_item(user, item) -> bool:
    """A profile item (a ``ProfileStatement``, an ``Offer``, a ``Seek``): public to everyone; members
    to logged-in users with a VISD role; restricted to VISD staff, the defence role and the
    organisation's own representatives. Those who do not see unpublished changes
    (``sees_unpublished_profile``) see an item only once it is published, in the tier it was published
    with. The profile record itself is visible to all; its fields are shown item by item."""
    tiers = profile_tiers(user, item.owner_actor_id)
    if sees_unpublished_profile(user, item.owner_actor_id):
        return item.visibility in tiers
    return item.published_visibility in tiers


def visible_profile_items(user, queryset):
    """The items of ``queryset`` (statements, offers or seeks: each has ``profile_id``, the actor's
    id) that ``can_view_profile_item`` allows."""
    from django.db.models import Q

    if is_visd_staff(user):
        return queryset
    condition = Q(published_visibility__in=profile_tiers(user))
    own = own_actor_id(user)
    if own is not None:
        condition |= Q(profile_id=own)
    return queryset.filter(condition)


def can_review_profile(user, actor_id: int) -> bool:
    """Approving or rejecting a profile change (issue 14 item 4): management for every organisation;
    a programme manager for the organisations in their scope (``actor_in_manager_scope``)."""
    if is_management(user):
        return True
    if not is_programme_manager(user):
        return False
    from visd.actors.models import Actor

    actor = Actor.objects.filter(pk=actor_id).first()
    return actor is not None and actor_in_manager_scope(user, actor)


def can_view_review_queue(user) -> bool:
    """The profile changes' queue: the same people as the claims' queue (``can_view_claim_queue``)."""
    return can_view_claim_queue(user)


def reviewable_profile_items(user, queryset):
    """The items of ``queryset`` whose changes ``user`` may decide (``can_review_profile``), as a queryset."""
    if is_management(user):
        return queryset
    if not is_programme_manager(user):
        return queryset.none()
    return queryset.filter(in_manager_scope_condition(user, "profile_id"))


def can_mark_trusted(user) -> bool:
    """Marking an organisation as trusted (its profile changes publish at once): the coordinator and the
    rest of management."""
    return is_management(user)


def can_edit_profile(user, actor) -> bool:
    """The organisation's own representative (actor user) only; programme managers validate what it
    publishes (``can_review_profile``)."""
    own = own_actor_id(user)
    return own is not None and getattr(actor, "pk", actor) == own


# --- consortium workspaces (visd.consortia, docs/consortia.md) ------------------------------------
# The programme office builds consortia around Flemish strengths: programme managers and management
# create, edit, export and approve them; turning an approved consortium into a VISD project follows
# the right to create programme records. Control relations between actors are kept by the same people.


def can_use_consortia(user) -> bool:
    return is_visd_staff(user)


def can_keep_control_relations(user) -> bool:
    return is_visd_staff(user)


# --- B2B matchmaking at events (visd.meetings, docs/meetings.md) ------------------------------------
# The organiser is whoever may change the event (``can_change``): they open matchmaking, add or force
# meetings, compute and publish the schedule, check in and record outcomes. An organisation's
# representative (actor user) joins as their organisation and acts for its participant (profile,
# requests, answers, agenda). Participants and VISD staff see the participant list; nobody else.


def can_organise_matchmaking(user, event) -> bool:
    return can_change(user, event)


def can_join_matchmaking(user) -> bool:
    return own_actor_id(user) is not None


def can_act_for_participant(user, participant) -> bool:
    """The participant's own organisation (its representatives, or the account that joined) or the organiser."""
    if can_organise_matchmaking(user, participant.matchmaking.event):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    own = own_actor_id(user)
    return participant.user_id == user.pk or (own is not None and participant.registration.organisation_id == own)


def can_view_matchmaking_participants(user, matchmaking) -> bool:
    if is_visd_staff(user) or can_organise_matchmaking(user, matchmaking.event):
        return True
    own = own_actor_id(user)
    return own is not None and matchmaking.participants.filter(registration__organisation_id=own).exists()


def _matchmaking_of(obj):
    return obj if type(obj).__name__ == "Matchmaking" else obj.matchmaking


def can_view_meetings_record(user, obj) -> bool:
    """A record of B2B matchmaking (and its history): the organiser; a participant's own record, request
    or meeting: also the participant; the matchmaking and its slots: also every participant."""
    matchmaking = _matchmaking_of(obj)
    if can_organise_matchmaking(user, matchmaking.event) or is_visd_staff(user):
        return True
    kind = type(obj).__name__
    if kind == "Participant":
        return can_act_for_participant(user, obj)
    if kind == "MeetingRequest":
        return can_act_for_participant(user, obj.requester) or can_act_for_participant(user, obj.recipient)
    if kind == "Meeting":
        return (can_act_for_participant(user, obj.request.requester)
                or can_act_for_participant(user, obj.request.recipient))
    return can_view_matchmaking_participants(user, matchmaking)
