"""A small registry made with the ORM, shared by the stakeholder, GDPR, history and permission
tests: two portfolios with one focus domain each, actor A in the maritime domain and actor B in
cyber, a contact at each, an interaction with A, and a user of every role.

Import the fixtures into a test module with ``from stakeholder_world import *``."""

import datetime

import pytest

__all__ = ["world", "users", "PERSON_A", "PERSON_B"]

PERSON_A = {"first_name": "Griet", "last_name": "Vandeputtezee", "email": "griet.vandeputtezee@example.be"}
PERSON_B = {"first_name": "Jonas", "last_name": "Cyberoens", "email": "jonas.cyberoens@example.be"}


class World:
    """Attribute bag of the records the tests use."""


@pytest.fixture
def world(db):
    from visd.actors.models import Actor, ActorTag, TagOrigin
    from visd.stakeholders.models import Contact, Interaction, LegalBasis
    from visd.taxonomy.models import Concept, Portfolio, Scheme

    w = World()
    w.maritime_portfolio = Portfolio.objects.create(code="maritiem", name_nl="Maritiem", name_en="Maritime",
                                                    source="test")
    w.cyber_portfolio = Portfolio.objects.create(code="cyber", name_nl="Cyber", name_en="Cyber", source="test")
    w.maritime = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="maritime", label_nl="Maritiem",
                                        label_en="Maritime", label_fr="Maritime",
                                        portfolio=w.maritime_portfolio, source="test")
    w.cyber = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="cyber", label_nl="Cyber",
                                     label_en="Cyber", label_fr="Cyber", portfolio=w.cyber_portfolio,
                                     source="test")
    w.actor_a = Actor.objects.create(name="Zeebrugge Marine Systems", kind="company", country="BE",
                                     postcode="8380", city="Zeebrugge")
    w.actor_b = Actor.objects.create(name="Gent Cyber Labs", kind="company", country="BE", postcode="9000",
                                     city="Gent")
    ActorTag.objects.create(actor=w.actor_a, concept=w.maritime, origin=TagOrigin.CURATED)
    ActorTag.objects.create(actor=w.actor_b, concept=w.cyber, origin=TagOrigin.CURATED)
    w.contact_a = Contact.objects.create(actor=w.actor_a, job_title="CTO", phone="+32 50 00 00 00",
                                         legal_basis=LegalBasis.PUBLIC_TASK, **PERSON_A)
    w.contact_b = Contact.objects.create(actor=w.actor_b, legal_basis=LegalBasis.PUBLIC_TASK, **PERSON_B)
    w.interaction_a = Interaction.objects.create(
        actor=w.actor_a, date=datetime.date(2025, 3, 14), kind=Interaction.Kind.MEETING,
        subject="Kennismaking onderwaterdrones", notes="Interesse in DEFRA-oproep.",
        follow_up="Oproepfiche sturen", follow_up_due=datetime.date(2025, 3, 28),
    )
    w.interaction_a.contacts.add(w.contact_a)
    return w


@pytest.fixture
def users(world, make_user):
    """One user per role of the permission matrix, keyed by a short name. They have no password
    (tests log in with ``force_login``): hashing eight passwords per test would make the suite slow."""
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser(),
        "no_role": make_user("none", username="no-role", password=None),
        "actor_user_a": make_user("actor_user", username="actor-a", password=None, actor=world.actor_a),
        "pm_of_a": make_user("programme_manager", username="pm-maritiem", password=None, portfolios=["maritiem"]),
        "pm_other": make_user("programme_manager", username="pm-cyber", password=None, portfolios=["cyber"]),
        "coordinator": make_user("coordinator", username="coordinator", password=None),
        "director": make_user("director", username="director", password=None),
        "administrator": make_user("administrator", username="administrator", password=None),
    }
