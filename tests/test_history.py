"""Record history pages: who changed what, when, for registry records the user may see; 404 for
records they may not see, records that do not exist, and models without a history."""

import pytest
from django.urls import reverse
from programme_world import *  # noqa: F403 (fixtures)
from stakeholder_world import *  # noqa: F403 (fixtures)

from visd.core import history
from visd.stakeholders import actions


def history_url(record):
    return reverse("history:record", args=[record._meta.app_label, record._meta.model_name, record.pk])


def edit_actor(actor, user, **changes):
    for name, value in changes.items():
        setattr(actor, name, value)
    actor._history_user = user
    actor.save()


def test_actor_history_shows_each_change_field_by_field(client, world, users):
    actor = world.actor_a
    edit_actor(actor, users["pm_of_a"], city="Brugge", kind="research")
    client.force_login(users["director"])
    response = client.get(history_url(actor), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    newest, oldest = response.context["versions"]
    assert newest.kind == "~" and newest.user == users["pm_of_a"]
    assert {(c.label, c.old, c.new) for c in newest.changes} == {
        ("city", "Zeebrugge", "Brugge"),
        ("kind", "Company", "Other research organisation"),  # choice labels, not codes
    }
    created_with = {c.label: c.new for c in oldest.changes}
    assert oldest.kind == "+" and created_with["name"] == "Zeebrugge Marine Systems"
    assert "ID" not in created_with and "street" not in created_with  # no id, no empty fields
    html = response.content.decode()
    assert "Zeebrugge" in html and "Brugge" in html and "pm-maritiem" in html


def test_the_public_sees_public_history_but_not_who_made_the_changes(client, world, users):
    edit_actor(world.actor_a, users["pm_of_a"], city="Brugge")
    response = client.get(history_url(world.actor_a))
    assert response.status_code == 200
    assert "Brugge" in response.content.decode()
    assert "pm-maritiem" not in response.content.decode()


@pytest.mark.parametrize("role, status", [
    ("anonymous", 404), ("no_role", 404), ("actor_user_a", 200), ("pm_other", 200), ("coordinator", 200),
])
def test_contact_history_is_only_shown_to_those_who_may_see_the_contact(client, world, users, role, status):
    actions.update_contact(world.contact_a, {"job_title": "CEO"}, acting_user=users["pm_of_a"])
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(history_url(world.contact_a))
    assert response.status_code == status
    if status == 404:
        assert "Vandeputtezee" not in response.content.decode()
    else:
        assert "CEO" in response.content.decode()


def test_actor_user_gets_404_for_a_contact_of_another_organisation(client, world, users):
    client.force_login(users["actor_user_a"])
    assert client.get(history_url(world.contact_b)).status_code == 404


def test_interaction_history_names_the_contacts_added(client, world, users):
    pm = users["pm_of_a"]
    extra, _ = actions.create_contact(world.actor_a, {"first_name": "Bert", "last_name": "Claes",
                                                      "legal_basis": "public_task"}, acting_user=pm)
    actions.update_interaction(world.interaction_a, {}, contacts=[world.contact_a, extra], staff=[],
                               acting_user=pm)
    client.force_login(pm)
    response = client.get(history_url(world.interaction_a), HTTP_ACCEPT_LANGUAGE="en")
    newest = response.context["versions"][0]
    [change] = newest.changes
    assert change.label == "contacts who took part"
    assert change.old == "Griet Vandeputtezee"
    assert change.new == "Bert Claes, Griet Vandeputtezee"
    assert newest.user == pm
    client.force_login(users["actor_user_a"])
    assert client.get(history_url(world.interaction_a)).status_code == 404


@pytest.mark.parametrize("path", [
    "/history/nosuchapp/actor/1/",
    "/history/actors/nosuchmodel/1/",
    "/history/taxonomy/portfolio/1/",  # reference data: no history kept
    "/history/core/userprofile/1/",  # has history, but is not a registry record
    "/history/auth/user/1/",
])
def test_models_without_a_history_page_answer_404(client, world, users, path):
    client.force_login(users["administrator"])
    assert client.get(path).status_code == 404


def test_a_record_that_does_not_exist_answers_404(client, world, users):
    client.force_login(users["administrator"])
    assert client.get(reverse("history:record", args=["actors", "actor", 999999])).status_code == 404


def test_long_histories_are_paged_and_diffed_across_the_page_boundary(client, world, users):
    actor = world.actor_a
    for number in range(1, 56):  # 55 changes + the creation = 56 versions
        edit_actor(actor, users["director"], city=f"Stad {number}")
    first_page = client.get(history_url(actor))
    assert len(first_page.context["versions"]) == 50
    assert first_page.context["page"].paginator.num_pages == 2
    second_page = client.get(history_url(actor) + "?page=2")
    versions = second_page.context["versions"]
    assert len(versions) == 6
    # The first version on page 2 is diffed against the one after it, not shown as a creation.
    assert [(c.old, c.new) for c in versions[0].changes] == [("Stad 4", "Stad 5")]
    assert versions[-1].kind == "+"


def test_display_value_formats_what_a_reader_expects():
    from django.utils import translation

    from visd.actors.models import Actor

    with translation.override("en"):
        assert history.display_value(Actor._meta.get_field("city"), "") == "–"
        assert history.display_value(Actor._meta.get_field("city"), None) == "–"
        assert history.display_value(Actor._meta.get_field("kind"), "company") == "Company"
        assert history.display_value(Actor._meta.get_field("kind"), "retired-code") == "retired-code"
        assert history.display_value(Actor._meta.get_field("other_pics"), ["123456789"]) == "['123456789']"


def test_decisions_recorded_by_the_actions_are_in_the_history_and_lock_counters_are_not(client, programme, world,
                                                                                         users):
    """A lifecycle step, a publication: fields no form edits, set by the actions, are exactly what an
    audit trail is for; the page and the API both show them. The lost-update counters, raised on
    every save, are left out."""
    import datetime

    from rest_framework.test import APIClient

    from visd.projects import actions as project_actions
    from visd.roadmaps import actions as roadmap_actions

    director = users["director"]
    project = programme.flagship  # approved on 2025-03-01
    project_actions.change_status(project, "running", on=datetime.date(2025, 4, 1), acting_user=director,
                                  expected_version=None)
    client.force_login(director)
    newest = client.get(history_url(project), HTTP_ACCEPT_LANGUAGE="en").context["versions"][0]
    assert {(c.label, c.old, c.new) for c in newest.changes} == {("status", "Approved", "Running"),
                                                                  ("start date", "–", "April 1, 2025")}
    assert newest.user == director
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(director)
    entries = api.get(f"/api/visd-projects/{project.pk}/history/").json()["results"]
    assert sorted(entries[0]["changes"], key=lambda c: c["field"]) == [
        {"field": "start_date", "old": None, "new": "2025-04-01"},
        {"field": "status", "old": "approved", "new": "running"}]
    assert not any(c["field"] == "version" for entry in entries for c in entry["changes"])
    assert any(c["field"] == "decided_on" and c["new"] == "2025-03-01" for entry in entries for c in entry["changes"])

    draft = programme.draft
    draft.introduction = "Visie"
    draft.save()
    roadmap_actions.add_item(draft, {"kind": "project", "title": "Demonstrator", "start_year": 2026,
                                     "end_year": 2027}, acting_user=director)
    roadmap_actions.publish(draft, acting_user=director)
    newest = client.get(history_url(draft), HTTP_ACCEPT_LANGUAGE="en").context["versions"][0]
    assert {c.label for c in newest.changes} == {"status", "published on"}
    assert [c.new for c in newest.changes if c.label == "status"] == ["Published"]
    entries = api.get(f"/api/roadmaps/{draft.pk}/history/").json()["results"]
    assert {c["field"] for c in entries[0]["changes"]} == {"status", "published_on"}
    assert not any(c["field"] == "revision" for entry in entries for c in entry["changes"])
