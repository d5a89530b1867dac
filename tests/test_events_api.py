"""The write API of events (/api/events/): create, partial update with the version read, and
registrations go through visd.events.actions with the permissions of the screens; bad input is a 400
and a stale version a 409, and nothing is written."""

import pytest
from programme_world import *  # noqa: F401,F403
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from stakeholder_world import *  # noqa: F401,F403

from visd.events.models import Event, Registration


def api_as(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user.is_authenticated:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_an_event_is_created_changed_and_filled_through_the_api(world, users):
    pm = users["pm_of_a"]
    api = api_as(pm)
    created = api.post("/api/events/", {"title": "Maritieme deep dive", "kind": "deep_dive", "date": "2026-03-12",
                                        "domain": world.maritime.pk, "capacity": 2}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert created["Location"].endswith(f"/api/events/{body['id']}/") and body["version"] == 1
    event = Event.objects.get(pk=body["id"])
    assert event.history.get().history_user == pm
    changed = api.patch(f"/api/events/{event.pk}/", {"location": "Oostende", "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["location"] == "Oostende"
    assert changed.json()["version"] == 2
    # a stale version: 409 with both versions, nothing written
    stale = api.patch(f"/api/events/{event.pk}/", {"location": "Brugge", "version": 1}, format="json")
    assert stale.status_code == 409
    assert (stale.json()["current_version"], stale.json()["current"]["location"]) == (2, "Oostende")
    assert stale.json()["yours"]["location"] == "Brugge"
    event.refresh_from_db()
    assert (event.location, event.version) == ("Oostende", 2)
    # a PATCH without version is a 400
    assert api.patch(f"/api/events/{event.pk}/", {"location": "Gent"}, format="json").status_code == 400
    # registrations, linked to a contact of their organisation
    url = f"/api/events/{event.pk}/registrations/"
    first = api.post(url, {"name": "Griet Vandeputtezee", "organisation": world.actor_a.pk,
                           "contact": world.contact_a.pk}, format="json")
    assert first.status_code == 201, first.json()
    registration = Registration.objects.get(pk=first.json()["id"])
    assert (registration.contact, registration.organisation_name) == (world.contact_a, "Zeebrugge Marine Systems")
    assert registration in world.contact_a.event_registrations.all()
    assert api.post(url, {"name": "Walter", "organisation_name": "Eenmanszaak"}, format="json").status_code == 201
    full = api.post(url, {"name": "Derde"}, format="json")
    assert full.status_code == 400 and "full" in full.json()["name"][0]
    assert api.get(f"/api/events/{event.pk}/").json()["registration_count"] == 2


@pytest.mark.parametrize("payload, field, message", [
    ({"title": "X", "kind": "party", "date": "2026-03-12"}, "kind", "not a valid choice"),
    ({"title": "X", "kind": "info_day", "date": "2026-02-30"}, "date", "wrong format"),
    ({"title": "X", "kind": "info_day", "date": "2026-05-02", "end_date": "2026-05-01"}, "end_date", ""),
    ({"kind": "info_day", "date": "2026-05-02"}, "title", "required"),
    ({"title": "X", "kind": "info_day", "date": "2026-05-02", "domain": 999999}, "domain", "does not exist"),
])
def test_bad_event_input_is_400_and_changes_nothing(world, users, payload, field, message):
    before = Event.objects.count()
    response = api_as(users["director"]).post("/api/events/", payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert message in response.json()[field][0]
    assert Event.objects.count() == before


def test_bad_registrations_are_400_and_change_nothing(programme, world, users):
    api = api_as(users["pm_of_a"])
    url = f"/api/events/{programme.event.pk}/registrations/"
    cases = [
        ({"name": "  "}, "name"),
        ({"name": "X", "organisation": 999999}, "organisation"),
        ({"name": "X", "contact": 999999}, "contact"),
        # a contact of another organisation than the one given
        ({"name": "Jonas", "organisation": world.actor_a.pk, "contact": world.contact_b.pk}, "contact"),
    ]
    for payload, field in cases:
        response = api.post(url, payload, format="json")
        assert response.status_code == 400 and field in response.json(), (payload, response.json())
    assert not programme.event.registrations.exists()


def test_event_writes_follow_the_roles_of_the_screens(programme, world, users):
    maritime = {"title": "Maritiem", "kind": "info_day", "date": "2026-04-01", "domain": world.maritime.pk}
    assert api_as(users["pm_other"]).post("/api/events/", maritime, format="json").status_code == 403
    assert api_as(users["actor_user_a"]).post("/api/events/", maritime, format="json").status_code == 403
    assert api_as(users["anonymous"]).post("/api/events/", maritime, format="json").status_code in (401, 403)
    event = programme.event  # maritime
    before = (event.location, event.domain, event.version)
    patch = {"location": "Elders", "version": event.version}
    assert api_as(users["pm_other"]).patch(f"/api/events/{event.pk}/", patch, format="json").status_code == 403
    registration = {"name": "Iemand"}
    assert api_as(users["pm_other"]).post(f"/api/events/{event.pk}/registrations/", registration,
                                          format="json").status_code == 403
    # moving an event to a domain outside the portfolio is refused too
    moved = api_as(users["pm_of_a"]).patch(f"/api/events/{event.pk}/", {"domain": world.cyber.pk,
                                                                       "version": event.version}, format="json")
    assert moved.status_code == 403
    event.refresh_from_db()
    assert (event.location, event.domain, event.version) == before
    assert not event.registrations.exists()
    # deleting and replacing are not offered
    assert api_as(users["director"]).delete(f"/api/events/{event.pk}/").status_code == 405
    assert api_as(users["director"]).put(f"/api/events/{event.pk}/", maritime, format="json").status_code == 405
