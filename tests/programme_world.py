"""Records shared by the programme tests (VISD projects, roadmaps, events), on top of the
stakeholder world: maritime (portfolio of pm_of_a, application domain) and cyber (technology)."""

import pytest

__all__ = ["programme", "english"]


class Programme:
    pass


@pytest.fixture
def programme(world, users):
    import datetime

    from visd.events.models import Event
    from visd.projects import actions
    from visd.roadmaps import actions as roadmap_actions

    world.maritime.domain_kind = "TOP"
    world.maritime.save()
    world.cyber.domain_kind = "TED"
    world.cyber.save()
    p = Programme()
    manager = users["coordinator"]
    p.idea = actions.create_project({"title": "Onderwaterdrone-zwerm", "acronym": "SWARM", "kind": "research_fund",
                                     "domain": world.maritime}, acting_user=manager)
    p.flagship = actions.create_project({"title": "Maritiem vlaggenschip", "kind": "industry_support",
                                         "flagship": True, "domain": world.maritime}, acting_user=manager)
    actions.add_partner(p.flagship, world.actor_a, "lead", acting_user=manager)
    actions.change_status(p.flagship, "proposal", acting_user=manager, expected_version=None)
    actions.change_status(p.flagship, "submitted", on=datetime.date(2025, 1, 10), acting_user=manager,
                          expected_version=None)
    actions.change_status(p.flagship, "approved", on=datetime.date(2025, 3, 1), acting_user=manager,
                          expected_version=None)
    p.cyber_project = actions.create_project({"title": "Cyber range", "kind": "innovation_support",
                                              "domain": world.cyber}, acting_user=manager)
    p.draft = roadmap_actions.start_version(world.maritime, acting_user=manager)
    p.event = Event.objects.create(title="DIF-Day 2025", kind="dif_day", date=datetime.date(2025, 6, 5),
                                   domain=world.maritime)
    p.cyber_event = Event.objects.create(title="Cyber deep dive", kind="deep_dive", date=datetime.date(2025, 9, 5),
                                         domain=world.cyber)
    return p


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English, the language of the code; the Dutch catalogue is tested
    elsewhere."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
