"""The write API of the central project database (/api/visd-projects/): create, partial update,
status steps and partners go through visd.projects.actions with the rules and permissions of the
screens; a stale version is a 409 and nothing changes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from programme_world import *  # noqa: F401,F403
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from stakeholder_world import *  # noqa: F401,F403

from visd.projects.models import Project, VisdProject

COMPARED_FIELDS = ["acronym", "title", "summary", "kind", "flagship", "domain_id", "instrument_id", "programme",
                   "status", "submitted_on", "decided_on", "start_date", "end_date", "closed_on",
                   "total_budget_eur", "funding_requested_eur", "funding_granted_eur", "fris_registered_on",
                   "fris_id", "version"]


def api_as(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user.is_authenticated:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def fields_of(project: VisdProject) -> dict:
    project.refresh_from_db()
    values = {name: getattr(project, name) for name in COMPARED_FIELDS}
    values["eu_projects"] = sorted(project.eu_projects.values_list("pk", flat=True))
    values["partners"] = sorted(project.partners.values_list("actor_id", "role"))
    values["fris_deadline"] = project.fris_deadline
    return values


def test_create_and_walk_to_approved_via_api_equals_the_screens(client, world, users):
    pm = users["pm_of_a"]
    eu = Project.objects.create(source="cordis", external_id="101000001", acronym="SEAEU", title="Sea EU")
    common = {"acronym": "DOK", "summary": "<b>Drone</b> dock", "kind": "research_fund", "flagship": True,
              "start_date": "2025-09-01", "end_date": "2027-08-31", "total_budget_eur": "250000.00",
              "funding_requested_eur": "200000.00"}
    # The page.
    client.force_login(pm)
    key = client.get(reverse("projects:visd_create")).context["form"].initial["submission_key"]  # the form's one-time key
    page = client.post(reverse("projects:visd_create"), {**common, "title": "Via page", "domain": world.maritime.pk,
                                                         "eu_projects": "101000001", "submission_key": key})
    assert page.status_code == 302
    by_page = VisdProject.objects.get(title="Via page")
    client.post(reverse("projects:visd_partner_add", args=[by_page.pk]), {"actor": world.actor_a.pk, "role": "lead"})
    steps = [("proposal", None), ("submitted", "2025-05-02"), ("approved", "2025-10-31")]
    for status, day in steps:
        by_page.refresh_from_db()
        client.post(reverse("projects:visd_status", args=[by_page.pk]),
                    {"status": status, "date": day or "", "version": by_page.version})
    # The API.
    api = api_as(pm)
    response = api.post("/api/visd-projects/", {**common, "title": "Via API", "domain": world.maritime.pk,
                                                "eu_projects": [eu.pk]}, format="json")
    assert response.status_code == 201, response.json()
    assert response["Location"].endswith(f"/api/visd-projects/{response.json()['id']}/")
    assert response.json()["status"] == "idea" and response.json()["version"] == 1
    by_api = VisdProject.objects.get(pk=response.json()["id"])
    created = api.post(f"/api/visd-projects/{by_api.pk}/partners/", {"actor": world.actor_a.pk, "role": "lead"},
                       format="json")
    assert created.status_code == 201 and created.json()["actor_name"] == "Zeebrugge Marine Systems"
    for status, day in steps:
        version = api.get(f"/api/visd-projects/{by_api.pk}/").json()["version"]
        answer = api.post(f"/api/visd-projects/{by_api.pk}/transition/",
                          {"status": status, "date": day, "version": version}, format="json")
        assert answer.status_code == 200, answer.json()
    final = answer.json()
    assert final["status"] == "approved" and final["fris_deadline"] == "2026-02-28"
    page_fields, api_fields = fields_of(by_page), fields_of(by_api)
    assert (page_fields.pop("title"), api_fields.pop("title")) == ("Via page", "Via API")
    assert page_fields == api_fields
    assert api_fields["fris_deadline"] == datetime.date(2026, 2, 28)
    assert by_api.summary == "<b>Drone</b> dock"  # stored as given; escaped where shown


def test_lifecycle_refusals_are_those_of_the_screens(programme, users, world):
    api = api_as(users["pm_of_a"])
    project = programme.idea
    url = f"/api/visd-projects/{project.pk}/transition/"

    def step(status, day=None):
        project.refresh_from_db()
        return api.post(url, {"status": status, "date": day, "version": project.version}, format="json")

    assert step("approved", "2025-01-01").json()["status"][0].startswith("A project cannot go from")
    assert step("proposal").status_code == 200
    assert step("submitted").json() == {"date": ["Give the date of this step."]}
    assert "in the future" in step("submitted", "2999-01-01").json()["date"][0]
    assert step("submitted", "2025-05-01").status_code == 200
    assert "cannot precede the submission" in step("approved", "2025-04-01").json()["date"][0]
    assert "at least one partner" in step("approved", "2025-06-01").json()["status"][0]
    assert step("bogus", "2025-06-01").status_code == 400
    project.refresh_from_db()
    assert (project.status, project.decided_on) == ("submitted", None)
    api.post(f"/api/visd-projects/{project.pk}/partners/", {"actor": world.actor_a.pk, "role": "lead"},
             format="json")
    assert step("approved", "2025-06-01").status_code == 200
    twice = step("approved", "2025-07-01")
    assert twice.status_code == 400 and "already approved" in twice.json()["status"][0]
    project.refresh_from_db()
    assert project.decided_on == datetime.date(2025, 6, 1)
    # The only partner of an approved project stays.
    partner = project.partners.get()
    removal = api.delete(f"/api/visd-projects/{project.pk}/partners/{partner.pk}/")
    assert removal.status_code == 400 and "at least one partner" in removal.json()["partner"][0]


def test_stale_version_is_a_409_with_both_versions_and_nothing_changes(programme, users):
    project = programme.idea
    first, second = api_as(users["pm_of_a"]), api_as(users["coordinator"])
    url = f"/api/visd-projects/{project.pk}/"
    assert first.patch(url, {"summary": "Eerste", "version": 1}, format="json").json()["version"] == 2
    stale = second.patch(url, {"summary": "Tweede", "title": "Ander", "version": 1}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert "Someone else changed" in body["detail"]
    assert (body["your_version"], body["current_version"]) == (1, 2)
    assert body["current"]["summary"] == "Eerste" and body["yours"]["summary"] == "Tweede"
    transition = second.post(f"{url}transition/", {"status": "proposal", "version": 1}, format="json")
    assert transition.status_code == 409 and transition.json()["current_version"] == 2
    project.refresh_from_db()
    assert (project.summary, project.title, project.status, project.version) == (
        "Eerste", "Onderwaterdrone-zwerm", "idea", 2)
    assert project.history.count() == 2  # created, and the one change
    missing = second.patch(url, {"summary": "Zonder versie"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()


@pytest.mark.parametrize("payload, field", [
    ({"start_date": "2026-01-01", "end_date": "2025-01-01"}, "end_date"),
    ({"total_budget_eur": "10", "funding_granted_eur": "20"}, "funding_granted_eur"),
    ({"total_budget_eur": "-1"}, "total_budget_eur"),
    ({"domain": 999999}, "domain"),
    ({"domain": "maritime"}, "domain"),
    ({"title": "Null\x00byte"}, "title"),
    ({"title": "x" * 401}, "title"),
    ({"kind": "<script>alert(1)</script>"}, "kind"),
    ({"fris_registered_on": "2025-01-01"}, "fris_registered_on"),
    ({"eu_projects": [999999]}, "eu_projects"),
])
def test_bad_input_is_a_400_per_field_and_nothing_is_written(programme, users, world, payload, field):
    api = api_as(users["coordinator"])
    before = VisdProject.objects.count()
    data = {"title": "X", "kind": "edf", "domain": world.maritime.pk, **payload}
    response = api.post("/api/visd-projects/", data, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert VisdProject.objects.count() == before
    # The same on a change: nothing written, the version unchanged.
    project = programme.idea
    if field != "fris_registered_on":
        change = api.patch(f"/api/visd-projects/{project.pk}/", {**payload, "version": project.version},
                           format="json")
        assert change.status_code == 400 and field in change.json(), change.json()
    project.refresh_from_db()
    assert (project.version, project.title) == (1, "Onderwaterdrone-zwerm")


def test_unknown_partner_actor_and_duplicates_are_400(programme, users, world):
    api = api_as(users["pm_of_a"])
    url = f"/api/visd-projects/{programme.idea.pk}/partners/"
    unknown = api.post(url, {"actor": 999999, "role": "lead"}, format="json")
    assert unknown.status_code == 400 and "No such organisation" in unknown.json()["actor"][0]
    assert api.post(url, {"actor": world.actor_a.pk, "role": "lead"}, format="json").status_code == 201
    duplicate = api.post(url, {"actor": world.actor_a.pk, "role": "partner"}, format="json")
    assert duplicate.status_code == 400 and "already a partner" in duplicate.json()["actor"][0]
    assert programme.idea.partners.count() == 1


ROLES_EXPECTED = {
    # role: (create in maritime, patch the maritime idea, step the maritime idea)
    "director": (201, 200, 200),
    "coordinator": (201, 200, 200),
    "pm_of_a": (201, 200, 200),
    "pm_other": (403, 403, 403),
    "actor_user_a": (403, 403, 403),  # sees the idea (their organisation is a partner), may not change it
    "no_role": (403, 404, 403),
    "anonymous": (401, 401, 401),
}


@pytest.mark.parametrize("role", sorted(ROLES_EXPECTED))
def test_permissions_follow_the_screens(programme, users, world, role):
    from visd.projects import actions

    project = programme.idea
    actions.add_partner(project, world.actor_a, "partner", acting_user=users["coordinator"])
    api = api_as(users[role])
    created = api.post("/api/visd-projects/", {"title": "Nieuw", "kind": "edf", "domain": world.maritime.pk},
                       format="json")
    patched = api.patch(f"/api/visd-projects/{project.pk}/", {"summary": "Gewijzigd", "version": 1}, format="json")
    stepped = api.post(f"/api/visd-projects/{project.pk}/transition/",
                       {"status": "proposal", "version": 2 if patched.status_code == 200 else 1}, format="json")
    assert (created.status_code, patched.status_code, stepped.status_code) == ROLES_EXPECTED[role]
    project.refresh_from_db()
    allowed = ROLES_EXPECTED[role][1] == 200
    assert (project.summary == "Gewijzigd") == allowed and (project.status == "proposal") == allowed
    assert VisdProject.objects.filter(title="Nieuw").exists() == allowed


def test_programme_manager_stays_in_their_domains(programme, users, world):
    api = api_as(users["pm_of_a"])
    create = api.post("/api/visd-projects/", {"title": "Cyber", "kind": "edf", "domain": world.cyber.pk},
                      format="json")
    assert create.status_code == 403
    move = api.patch(f"/api/visd-projects/{programme.idea.pk}/", {"domain": world.cyber.pk, "version": 1},
                     format="json")
    assert move.status_code == 403
    other = api.patch(f"/api/visd-projects/{programme.cyber_project.pk}/", {"summary": "x", "version": 1},
                      format="json")
    assert other.status_code == 403
    programme.idea.refresh_from_db()
    assert programme.idea.domain == world.maritime and programme.idea.version == 1
    assert not VisdProject.objects.filter(title="Cyber").exists()
    assert api.put(f"/api/visd-projects/{programme.idea.pk}/", {}, format="json").status_code == 405
    assert api.delete(f"/api/visd-projects/{programme.idea.pk}/").status_code == 405


def test_history_rows_name_the_api_user(world, users):
    pm = users["pm_of_a"]
    api = api_as(pm)
    project_id = api.post("/api/visd-projects/", {"title": "Historie", "kind": "edf", "domain": world.maritime.pk},
                          format="json").json()["id"]
    api.patch(f"/api/visd-projects/{project_id}/", {"summary": "Nieuw", "version": 1}, format="json")
    api.post(f"/api/visd-projects/{project_id}/transition/", {"status": "proposal", "version": 2}, format="json")
    api.post(f"/api/visd-projects/{project_id}/partners/", {"actor": world.actor_a.pk, "role": "lead",
                                                            "budget_eur": "1000.50"}, format="json")
    project = VisdProject.objects.get(pk=project_id)
    assert project.history.count() == 3
    assert {row.history_user for row in project.history.all()} == {pm}
    assert project.partners.get().history.get().history_user == pm
    assert project.partners.get().budget_eur == Decimal("1000.50")
    entries = api.get(f"/api/visd-projects/{project_id}/history/").json()["results"]
    assert [entry["user"] for entry in entries] == ["pm-maritiem"] * 3


def test_page_and_api_refuse_the_same_eu_project_links(client, world, users):
    """The rule (only imported CORDIS/EDF projects) lives in actions; the page and the API share it."""
    own = Project.objects.create(source="visd", external_id="V-1", title="Not an EU project")
    client.force_login(users["pm_of_a"])
    key = client.get(reverse("projects:visd_create")).context["form"].initial["submission_key"]
    page = client.post(reverse("projects:visd_create"), {"title": "P", "kind": "edf", "domain": world.maritime.pk,
                                                         "eu_projects": "V-1, 123", "submission_key": key})
    assert page.status_code == 200 and "No imported EU project with id 123, V-1." in page.content.decode()
    api = api_as(users["pm_of_a"])
    response = api.post("/api/visd-projects/", {"title": "P", "kind": "edf", "domain": world.maritime.pk,
                                                "eu_projects": [own.pk]}, format="json")
    assert response.status_code == 400 and "eu_projects" in response.json()
    assert not VisdProject.objects.exists()


# --- results ---------------------------------------------------------------------------------

def test_results_are_recorded_through_the_api_as_on_the_screens(client, programme, users):
    project = programme.flagship  # approved
    api = api_as(users["pm_of_a"])
    url = f"/api/visd-projects/{project.pk}/results/"
    payload = {"kind": "publication", "title": "Swarm docking at sea", "date": "2025-11-03",
               "reference": "doi:10.1000/xyz"}
    created = api.post(url, payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["title"] == "Swarm docking at sea"
    result = project.results.get()
    assert result.history.get().history_user == users["pm_of_a"]
    assert api.get(f"/api/visd-projects/{project.pk}/").json()["results"][0]["reference"] == "doi:10.1000/xyz"
    # sent again (a retry): refused, nothing written; the same from the page says so too
    again = api.post(url, {**payload, "title": "swarm docking at sea "}, format="json")
    assert again.status_code == 400 and "already recorded" in again.json()["title"][0]
    client.force_login(users["pm_of_a"])
    page = client.post(reverse("projects:visd_result_add", args=[project.pk]),
                       {"kind": "publication", "title": "Swarm docking at sea", "date": "2025-11-03"}, follow=True)
    assert "already recorded" in page.content.decode()
    assert project.results.count() == 1
    # another date is another result
    assert api.post(url, {**payload, "date": "2026-01-15"}, format="json").status_code == 201


@pytest.mark.parametrize("payload, field, message", [
    ({"kind": "trophy", "title": "X"}, "kind", "not a valid choice"),
    ({"kind": "patent"}, "title", "required"),
    ({"kind": "follow_up_funding", "title": "X", "amount_eur": "-5"}, "amount_eur", "cannot be negative"),
    ({"kind": "patent", "title": "X", "date": "2025-02-30"}, "date", "wrong format"),
])
def test_bad_results_are_400_with_a_message_and_change_nothing(programme, users, payload, field, message):
    api = api_as(users["pm_of_a"])
    response = api.post(f"/api/visd-projects/{programme.flagship.pk}/results/", payload, format="json")
    assert response.status_code == 400 and message in response.json()[field][0], response.json()
    assert not programme.flagship.results.exists()


def test_results_need_an_approved_project_and_the_right_to_change_it(programme, users):
    payload = {"kind": "prototype", "title": "Dock prototype"}
    idea = api_as(users["pm_of_a"]).post(f"/api/visd-projects/{programme.idea.pk}/results/", payload, format="json")
    assert idea.status_code == 400 and "approved projects only" in idea.json()["kind"][0]
    url = f"/api/visd-projects/{programme.flagship.pk}/results/"
    assert api_as(users["pm_other"]).post(url, payload, format="json").status_code == 403
    assert api_as(users["anonymous"]).post(url, payload, format="json").status_code in (401, 403)
    assert not programme.flagship.results.exists() and not programme.idea.results.exists()
