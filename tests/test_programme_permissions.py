"""Permission rows of the programme records (VISD projects, roadmaps, events): who sees and who
changes what, through visd.core.permissions and through the screens."""

import uuid

import pytest
from django.urls import reverse
from programme_world import *  # noqa: F401,F403
from stakeholder_world import *  # noqa: F401,F403

from visd.core import permissions

ROLES = ["anonymous", "no_role", "actor_user_a", "pm_of_a", "pm_other", "coordinator", "director", "administrator"]
MANAGEMENT = {"coordinator", "director", "administrator"}


@pytest.mark.parametrize("role", ROLES)
def test_change_rights_follow_the_portfolio(programme, users, role):
    user = users[role]
    maritime_records = [programme.idea, programme.draft, programme.event, programme.flagship.partners.get()]
    cyber_records = [programme.cyber_project, programme.cyber_event]
    may_change_maritime = role in MANAGEMENT or role == "pm_of_a"
    may_change_cyber = role in MANAGEMENT or role == "pm_other"
    assert all(permissions.can_change(user, r) == may_change_maritime for r in maritime_records)
    assert all(permissions.can_change(user, r) == may_change_cyber for r in cyber_records)
    assert permissions.can_create_programme_records(user) == (role in MANAGEMENT or role.startswith("pm"))


@pytest.mark.parametrize("role", ROLES)
def test_what_is_public(programme, users, world, role):
    from visd.projects import actions

    user = users[role]
    staff = role in MANAGEMENT or role.startswith("pm")
    # An idea with actor A as partner: seen by staff and by A's own users only.
    actions.add_partner(programme.idea, world.actor_a, "partner", acting_user=users["coordinator"])
    assert permissions.can_view(user, programme.idea) == (staff or role == "actor_user_a")
    assert permissions.can_view(user, programme.cyber_project) == staff
    assert permissions.can_view(user, programme.flagship) is True  # approved flagship
    assert permissions.can_view(user, programme.draft) == staff  # unpublished roadmap
    assert permissions.can_view(user, programme.draft.items.model(roadmap=programme.draft)) == staff
    assert permissions.can_view(user, programme.event) is True
    registration = programme.event.registrations.model(event=programme.event, name="X")
    assert permissions.can_view(user, registration) == staff
    visible = set(permissions.visible_visd_projects(user).values_list("title", flat=True))
    expected = {"Maritiem vlaggenschip"}
    if staff:
        expected |= {"Onderwaterdrone-zwerm", "Cyber range"}
    elif role == "actor_user_a":
        expected |= {"Onderwaterdrone-zwerm"}
    assert visible == expected


@pytest.mark.parametrize("role, status", [
    ("anonymous", 404), ("no_role", 404), ("actor_user_a", 404), ("pm_other", 403), ("pm_of_a", 302),
    ("coordinator", 302),
])
def test_status_change_screen(client, programme, users, role, status):
    if role != "anonymous":
        client.force_login(users[role])
    project = programme.idea
    response = client.post(reverse("projects:visd_status", args=[project.pk]),
                           {"status": "proposal", "version": project.version})
    # The idea is not public: who may not see it gets a 404, as if it did not exist.
    assert response.status_code == status
    project.refresh_from_db()
    assert (project.status == "proposal") == (status == 302)


@pytest.mark.parametrize("role, allowed", [("no_role", False), ("actor_user_a", False), ("pm_other", False),
                                           ("pm_of_a", True), ("director", True)])
def test_event_and_roadmap_screens(client, programme, users, world, role, allowed):
    client.force_login(users[role])
    event = programme.event
    response = client.post(reverse("events:survey_add", args=[event.pk]), {"score": 5, "number": 1,
                                                                             "submission_key": str(uuid.uuid4())})
    assert (response.status_code == 302) == allowed
    assert event.survey_responses.count() == (1 if allowed else 0)
    response = client.post(reverse("roadmaps:item_add", args=[programme.draft.pk]),
                           {"kind": "project", "title": "X", "start_year": 2026, "end_year": 2027, "order": 0})
    assert programme.draft.items.count() == (1 if allowed else 0)
    # A programme manager files events under their own portfolio's domains only (cyber: pm_other).
    response = client.post(reverse("events:create"), {"title": "Cyber", "kind": "info_day", "date": "2025-01-01",
                                                      "domain": world.cyber.pk})
    assert event.__class__.objects.filter(title="Cyber").exists() == (role in {"director", "pm_other"})


def test_history_pages_follow_the_same_rules(client, programme, users):
    idea_history = reverse("history:record", args=["projects", "visdproject", programme.idea.pk])
    draft_history = reverse("history:record", args=["roadmaps", "roadmap", programme.draft.pk])
    flagship_history = reverse("history:record", args=["projects", "visdproject", programme.flagship.pk])
    assert client.get(idea_history).status_code == 404
    assert client.get(draft_history).status_code == 404
    assert client.get(flagship_history).status_code == 200
    client.force_login(users["pm_other"])
    assert client.get(idea_history).status_code == 200
    assert client.get(draft_history).status_code == 200
