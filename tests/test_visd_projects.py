"""The central project database: lifecycle, FRIS deadline, partners, results, conflicts, screens."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from programme_world import *  # noqa: F401,F403
from stakeholder_world import *  # noqa: F401,F403

from visd.projects import actions, fris
from visd.projects.models import Participation, Project, VisdProject


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert fris.add_months(datetime.date(2025, 3, 1), 4) == datetime.date(2025, 7, 1)
    assert fris.add_months(datetime.date(2025, 10, 31), 4) == datetime.date(2026, 2, 28)
    assert fris.add_months(datetime.date(2027, 10, 31), 4) == datetime.date(2028, 2, 29)
    assert fris.add_months(datetime.date(2025, 11, 15), 4) == datetime.date(2026, 3, 15)


def test_idea_to_approved_sets_the_fris_deadline(world, users):
    pm = users["pm_of_a"]
    project = actions.create_project({"title": "Sonar", "kind": "research_fund", "domain": world.maritime},
                                     acting_user=pm)
    assert project.status == "idea" and project.fris_deadline is None
    actions.add_partner(project, world.actor_a, "lead", Decimal("1000"), acting_user=pm)
    actions.change_status(project, "proposal", acting_user=pm, expected_version=project.version)
    actions.change_status(project, "submitted", on=datetime.date(2025, 5, 2), acting_user=pm,
                          expected_version=project.version)
    actions.change_status(project, "approved", on=datetime.date(2025, 6, 30), acting_user=pm,
                          expected_version=project.version)
    assert project.status == "approved"
    assert project.fris_deadline == datetime.date(2025, 10, 30)
    assert project.fris_state(today=datetime.date(2025, 10, 1)) == "due_soon"
    assert project.fris_state(today=datetime.date(2025, 8, 1)) == "open"
    assert project.fris_state(today=datetime.date(2025, 10, 31)) == "overdue"
    assert project.history.first().history_user == pm
    project.fris_registered_on = datetime.date(2025, 9, 1)
    project.save()
    assert project.fris_state(today=datetime.date(2026, 1, 1)) == "registered"


@pytest.mark.parametrize("steps, target, on, message", [
    ([], "approved", datetime.date(2025, 1, 1), "cannot go from"),
    ([("proposal", None)], "submitted", None, "Give the date"),
    ([("proposal", None)], "submitted", datetime.date(2999, 1, 1), "in the future"),
    ([("proposal", None), ("submitted", datetime.date(2025, 5, 1))], "approved", datetime.date(2025, 4, 1),
     "cannot precede the submission"),
    ([("proposal", None)], "bogus", None, "Unknown status"),
])
def test_impossible_steps_are_refused_and_nothing_changes(world, users, steps, target, on, message):
    pm = users["pm_of_a"]
    project = actions.create_project({"title": "X", "kind": "edf", "domain": world.maritime}, acting_user=pm)
    actions.add_partner(project, world.actor_a, "partner", acting_user=pm)
    for status, day in steps:
        actions.change_status(project, status, on=day, acting_user=pm, expected_version=None)
    before = (project.status, project.version)
    with pytest.raises(ValidationError, match=message):
        actions.change_status(project, target, on=on, acting_user=pm, expected_version=None)
    project.refresh_from_db()
    assert (project.status, project.version) == before


def test_a_project_is_not_approved_twice(programme, users):
    project = programme.flagship
    with pytest.raises(ValidationError, match="already approved"):
        actions.change_status(project, "approved", on=datetime.date(2025, 4, 1), acting_user=users["coordinator"],
                              expected_version=None)
    project.refresh_from_db()
    assert project.decided_on == datetime.date(2025, 3, 1)


def test_approval_needs_a_partner(world, users):
    pm = users["pm_of_a"]
    project = actions.create_project({"title": "X", "kind": "edf", "domain": world.maritime}, acting_user=pm)
    actions.change_status(project, "proposal", acting_user=pm, expected_version=None)
    actions.change_status(project, "submitted", on=datetime.date(2025, 1, 1), acting_user=pm, expected_version=None)
    with pytest.raises(ValidationError, match="at least one partner"):
        actions.change_status(project, "approved", on=datetime.date(2025, 2, 1), acting_user=pm,
                              expected_version=None)


def test_two_editors_no_silent_lost_update(programme, users):
    project = programme.idea
    first = VisdProject.objects.get(pk=project.pk)
    second = VisdProject.objects.get(pk=project.pk)
    actions.update_project(first, {"summary": "Eerste"}, acting_user=users["pm_of_a"], expected_version=first.version)
    with pytest.raises(actions.EditConflict, match="Someone else changed"):
        actions.update_project(second, {"summary": "Tweede"}, acting_user=users["coordinator"],
                               expected_version=second.version)
    project.refresh_from_db()
    assert project.summary == "Eerste" and project.version == 2
    with pytest.raises(actions.EditConflict):
        actions.change_status(second, "proposal", acting_user=users["coordinator"], expected_version=1)


def test_edit_conflict_in_the_browser_form_is_a_409_with_the_current_version(client, programme, users, world):
    project = programme.idea
    client.force_login(users["pm_of_a"])
    data = {"title": "Nieuw", "kind": "research_fund", "domain": world.maritime.pk, "version": project.version}
    assert client.post(reverse("projects:visd_edit", args=[project.pk]), data).status_code == 302
    stale = client.post(reverse("projects:visd_edit", args=[project.pk]), {**data, "title": "Oud formulier"})
    assert stale.status_code == 409
    assert "Someone else changed" in stale.content.decode() or "iemand anders" in stale.content.decode().lower()
    project.refresh_from_db()
    assert project.title == "Nieuw"


def test_partners_deleted_or_duplicate(programme, users, world):
    pm = users["pm_of_a"]
    project = programme.idea
    partner = actions.add_partner(project, world.actor_a, "lead", acting_user=pm)
    with pytest.raises(ValidationError, match="already a partner"):
        actions.add_partner(project, world.actor_a, "partner", acting_user=pm)
    with pytest.raises(ValidationError, match="already has a lead"):
        actions.add_partner(project, world.actor_b, "lead", acting_user=pm)
    actions.remove_partner(project, partner.pk, acting_user=pm)
    with pytest.raises(ValidationError, match="no longer part"):
        actions.remove_partner(project, partner.pk, acting_user=pm)
    # The only partner of an approved project stays, and its organisation cannot be deleted.
    flagship_partner = programme.flagship.partners.get()
    with pytest.raises(ValidationError, match="at least one partner"):
        actions.remove_partner(programme.flagship, flagship_partner.pk, acting_user=pm)
    from django.db.models import ProtectedError
    with pytest.raises(ProtectedError):
        world.actor_a.delete()


def test_bad_amounts_and_dates_are_refused(world, users):
    with pytest.raises(ValidationError) as error:
        actions.create_project({"title": "X", "kind": "edf", "domain": world.maritime,
                                "start_date": datetime.date(2026, 1, 1), "end_date": datetime.date(2025, 1, 1),
                                "total_budget_eur": Decimal("10"), "funding_granted_eur": Decimal("20")},
                               acting_user=users["pm_of_a"])
    assert set(error.value.message_dict) == {"end_date", "funding_granted_eur"}
    assert not VisdProject.objects.exists()


def test_results_only_for_approved_projects(programme, users):
    with pytest.raises(ValidationError, match="approved projects only"):
        actions.add_result(programme.idea, {"kind": "patent", "title": "P"}, acting_user=users["coordinator"])
    result = actions.add_result(programme.flagship, {"kind": "follow_up_funding", "title": "EDF",
                                                     "amount_eur": Decimal("500000")},
                                acting_user=users["coordinator"])
    assert result.project == programme.flagship


def test_fris_record_is_cerif_shaped(programme, users, client):
    record = fris.cerif_record(programme.flagship)
    assert record["cfProj"]["cfTitle"][0]["value"] == "Maritiem vlaggenschip"
    assert record["cfProj_OrgUnit"][0]["cfClassId"] == "lead"
    assert record["registration"]["deadline"] == "2025-07-01"
    client.force_login(users["pm_of_a"])
    response = client.get(reverse("projects:visd_fris", args=[programme.flagship.pk]))
    assert response.status_code == 200
    assert json.loads(response.content)["cfProj_Class"][0]["cfClassId"] == "maritime"
    assert client.get(reverse("projects:visd_fris", args=[programme.idea.pk])).status_code == 404


def test_cordis_projects_are_untouched_and_linkable(programme, users, world):
    eu = Project.objects.create(source="cordis", external_id="101000001", acronym="SEAEU", title="Sea EU")
    Participation.objects.create(project=eu, actor=world.actor_a, role="coordinator")
    actions.update_project(programme.idea, {}, acting_user=users["coordinator"], expected_version=None,
                           eu_projects=[eu])
    assert list(programme.idea.eu_projects.all()) == [eu]
    assert Project.objects.count() == 1  # a VISD project is not a CORDIS Project row


def test_screens_walk_a_project_from_idea_to_approved(client, world, users):
    client.force_login(users["pm_of_a"])
    key = client.get(reverse("projects:visd_create")).context["form"].initial["submission_key"]  # the form's one-time key
    response = client.post(reverse("projects:visd_create"), {"title": "Drone-dok", "kind": "research_fund",
                                                              "domain": world.maritime.pk, "submission_key": key})
    project = VisdProject.objects.get(title="Drone-dok")
    assert response.url == project.get_absolute_url()
    url = reverse("projects:visd_status", args=[project.pk])
    client.post(reverse("projects:visd_partner_add", args=[project.pk]), {"actor": world.actor_a.pk, "role": "lead"})
    for step in ({"status": "proposal"}, {"status": "submitted", "date": "2025-02-01"},
                 {"status": "approved", "date": "2025-03-15"}):
        project.refresh_from_db()
        client.post(url, {**step, "version": project.version})
    project.refresh_from_db()
    assert project.status == "approved"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "2025-07-15" in page
    # Approving twice from a stale page is refused with a message, not applied.
    response = client.post(url, {"status": "approved", "date": "2025-04-01", "version": project.version}, follow=True)
    assert "already approved" in response.content.decode() or "al goedgekeurd" in response.content.decode()
    fris_page = client.get(reverse("projects:visd_fris_due"))
    assert fris_page.status_code == 200


def test_flagship_list_and_public_view(client, programme):
    page = client.get(reverse("projects:visd_flagships")).content.decode()
    assert "Maritiem vlaggenschip" in page and "Onderwaterdrone" not in page
    assert client.get(programme.idea.get_absolute_url()).status_code == 404
    assert client.get(programme.flagship.get_absolute_url()).status_code == 200


def test_api_lists_what_each_role_may_see(client, programme, users):
    anonymous = client.get("/api/visd-projects/").json()
    assert [p["title"] for p in anonymous["results"]] == ["Maritiem vlaggenschip"]
    assert anonymous["results"][0]["fris_deadline"] == "2025-07-01"
    assert client.get(f"/api/visd-projects/{programme.idea.pk}/").status_code == 404
    assert client.post("/api/visd-projects/", {"title": "x"}).status_code in (401, 403, 405)
    client.force_login(users["pm_other"])
    assert client.get("/api/visd-projects/").json()["count"] == 3
    assert client.get("/api/roadmaps/").json()["count"] == 1  # the draft, for staff
    client.logout()
    assert client.get("/api/roadmaps/").json()["count"] == 0
    events = client.get("/api/events/").json()["results"]
    assert {e["title"] for e in events} == {"DIF-Day 2025", "Cyber deep dive"}
    assert "registrations" not in events[0]


def test_running_and_closing_dates(programme, users):
    user = users["coordinator"]
    project = programme.flagship  # approved on 2025-03-01
    with pytest.raises(ValidationError, match="cannot start before its approval"):
        actions.change_status(project, "running", on=datetime.date(2025, 2, 1), acting_user=user,
                              expected_version=None)
    actions.change_status(project, "running", on=datetime.date(2025, 4, 1), acting_user=user, expected_version=None)
    assert project.start_date == datetime.date(2025, 4, 1)
    with pytest.raises(ValidationError, match="closing date cannot precede"):
        actions.change_status(project, "closed", on=datetime.date(2025, 3, 15), acting_user=user,
                              expected_version=None)
    actions.change_status(project, "closed", on=datetime.date(2025, 12, 1), acting_user=user, expected_version=None)
    assert project.status == "closed" and actions.allowed_transitions(project) == ()
    assert permissions_view_public(project)


def permissions_view_public(project):
    from django.contrib.auth.models import AnonymousUser

    from visd.core import permissions

    return permissions.can_view(AnonymousUser(), project)  # a closed flagship stays public
