"""The write API of events (/api/events/): create, partial update with the version read,
registrations (and their list, for those who may change the event), attendance and survey answers go
through visd.events.actions with the permissions of the screens; bad input is a 400 and a stale
version a 409, and nothing is written."""

import datetime

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


# --- attendance and survey answers (POST <id>/attendance/, <id>/survey-responses/) ----------------

def _state(event):
    """Everything attendance and survey writes touch: the attended flags, the survey answers, and the
    history rows of both."""
    from visd.events.models import SurveyResponse

    return (sorted(event.registrations.values_list("pk", "attended")),
            sorted(event.survey_responses.values_list("pk", "score", "comment")),
            Registration.history.filter(event_id=event.pk).count(),
            SurveyResponse.history.filter(event_id=event.pk).count())


def _register(event, *names, by):
    from visd.events import actions

    return [actions.register(event, name, acting_user=by) for name in names]


def test_attendance_is_set_and_changed_again_through_the_api(programme, users):
    pm = users["pm_of_a"]
    api = api_as(pm)
    event = programme.event
    griet, piet, an = _register(event, "Griet", "Piet", "An", by=users["coordinator"])
    # the registrations, with the ids attendance takes
    listed = api.get(f"/api/events/{event.pk}/registrations/")
    assert listed.status_code == 200, listed.json()
    assert [(r["id"], r["name"], r["attended"]) for r in listed.json()] == [
        (an.pk, "An", False), (griet.pk, "Griet", False), (piet.pk, "Piet", False)]
    url = f"/api/events/{event.pk}/attendance/"
    first = api.post(url, {"attended": [griet.pk, piet.pk]}, format="json")
    assert first.status_code == 200, first.json()
    assert (first.json()["id"], first.json()["registration_count"], first.json()["attended_count"]) == (event.pk, 3, 2)
    assert api.get(f"/api/events/{event.pk}/").json()["attended_count"] == 2
    # sent again with changes: Piet did not come after all, An did; the others are marked absent
    second = api.post(url, {"attended": [griet.pk, an.pk]}, format="json")
    assert second.status_code == 200 and second.json()["attended_count"] == 2
    assert dict(event.registrations.values_list("name", "attended")) == {"Griet": True, "Piet": False, "An": True}
    assert {r["name"]: r["attended"] for r in api.get(f"/api/events/{event.pk}/registrations/").json()} == {
        "Griet": True, "Piet": False, "An": True}
    # nobody came
    assert api.post(url, {"attended": []}, format="json").json()["attended_count"] == 0
    assert not event.registrations.filter(attended=True).exists()
    assert api.get(f"/api/events/{event.pk}/").json()["attended_count"] == 0
    # the history says who changed the attendance
    piet_history = piet.history.order_by("history_date", "history_id")
    assert [(row.attended, row.history_user) for row in piet_history] == [
        (False, users["coordinator"]), (True, pm), (False, pm)]
    # the registrations POST still works next to the GET
    added = api.post(f"/api/events/{event.pk}/registrations/", {"name": "Laatkomer"}, format="json")
    assert added.status_code == 201 and added.json()["attended"] is False
    assert len(api.get(f"/api/events/{event.pk}/registrations/").json()) == 4


def test_survey_answers_are_recorded_and_averaged_through_the_api(programme, users):
    pm = users["pm_of_a"]
    api = api_as(pm)
    event = programme.event
    url = f"/api/events/{event.pk}/survey-responses/"
    tally = api.post(url, {"score": 5, "number": 3, "comment": "  Top  "}, format="json")
    assert tally.status_code == 201, tally.json()
    assert (tally.json()["survey_response_count"], tally.json()["survey_average"]) == (3, 5.0)
    one = api.post(url, {"score": 2}, format="json")  # number defaults to one, comment to none
    assert one.status_code == 201, one.json()
    assert (one.json()["survey_response_count"], one.json()["survey_average"]) == (4, 4.25)
    shown = api.get(f"/api/events/{event.pk}/").json()
    assert (shown["survey_response_count"], shown["survey_average"]) == (4, 4.25)
    answers = list(event.survey_responses.order_by("pk"))
    assert [(a.score, a.comment) for a in answers] == [(5, "Top"), (5, ""), (5, ""), (2, "")]
    assert {a.history.get().history_user for a in answers} == {pm}


def test_a_survey_request_sent_twice_with_its_key_is_recorded_once(programme, users):
    api = api_as(users["pm_of_a"])
    event = programme.event
    url = f"/api/events/{event.pk}/survey-responses/"
    request = {"score": 3, "number": 5, "submission_key": "0b7f1c2e-8a51-4a5e-9a43-2f1f3c0d9e10"}
    first = api.post(url, request, format="json")
    assert first.status_code == 201 and first.json()["survey_response_count"] == 5
    again = api.post(url, request, format="json")  # a retry after a lost answer, say
    assert again.status_code == 200 and again.json()["survey_response_count"] == 5
    assert event.survey_responses.count() == 5
    # another key is another tally; a malformed key is a 400 and records nothing
    assert api.post(url, {**request, "submission_key": "5d0c0f9e-52a7-4c39-8f0e-6d2e8e1c7b21"},
                    format="json").status_code == 201
    bad = api.post(url, {**request, "submission_key": "not-a-uuid"}, format="json")
    assert bad.status_code == 400 and "submission_key" in bad.json()
    assert event.survey_responses.count() == 10


def test_bad_attendance_is_400_and_changes_nothing(programme, users):
    from visd.events import actions

    pm = users["pm_of_a"]
    api = api_as(pm)
    event = programme.event
    griet, piet = _register(event, "Griet", "Piet", by=pm)
    actions.set_attendance(event, [griet.pk], acting_user=pm)
    (other,) = _register(programme.cyber_event, "Ander", by=users["director"])
    future = actions.create_event({"title": "Later", "kind": "info_day", "date": datetime.date(2099, 1, 1)},
                                  acting_user=pm)
    (later,) = _register(future, "Vroege vogel", by=pm)
    url = f"/api/events/{event.pk}/attendance/"
    cases = [
        (url, {"attended": [piet.pk, other.pk]}, "not (or no longer) part of this event"),  # another event's
        (url, {"attended": [piet.pk, 999999]}, "not (or no longer) part of this event"),
        (url, {}, "required"),
        (url, {"attended": piet.pk}, "list"),
        (url, {"attended": ["Piet"]}, "valid integer"),
        (url, {"attended": [0]}, "greater than or equal to 1"),
        (url, {"attended": None}, "null"),
        (f"/api/events/{future.pk}/attendance/", {"attended": [later.pk]}, "has not taken place yet"),
    ]
    states = [_state(e) for e in (event, programme.cyber_event, future)]
    for target, payload, message in cases:
        response = api.post(target, payload, format="json")
        assert response.status_code == 400 and "attended" in response.json(), (payload, response.json())
        assert message in str(response.json()["attended"]), (payload, response.json())
    assert [_state(e) for e in (event, programme.cyber_event, future)] == states
    assert dict(event.registrations.values_list("name", "attended")) == {"Griet": True, "Piet": False}


def test_bad_survey_answers_are_400_and_change_nothing(programme, users):
    from visd.events import actions

    pm = users["pm_of_a"]
    api = api_as(pm)
    event = programme.event
    actions.record_survey_responses(event, 4, acting_user=pm)
    future = actions.create_event({"title": "Later", "kind": "info_day", "date": datetime.date(2099, 1, 1)},
                                  acting_user=pm)
    url = f"/api/events/{event.pk}/survey-responses/"
    cases = [
        (url, {"score": 6}, "score", "A score is between 1 and 5."),
        (url, {"score": 0}, "score", "A score is between 1 and 5."),
        (url, {"score": "goed"}, "score", "valid integer"),
        (url, {"number": 2}, "score", "required"),
        (url, {"score": 4, "number": 0}, "number", "greater than or equal to 1"),
        (url, {"score": 4, "number": 1001}, "number", "less than or equal to 1000"),
        (url, {"score": 4, "comment": "nul\x00byte"}, "comment", "Null characters"),
        (f"/api/events/{future.pk}/survey-responses/", {"score": 4}, "score", "The event has not taken place yet."),
    ]
    states = [_state(e) for e in (event, future)]
    for target, payload, field, message in cases:
        response = api.post(target, payload, format="json")
        assert response.status_code == 400 and field in response.json(), (payload, response.json())
        assert message in response.json()[field][0], (payload, response.json())
    assert [_state(e) for e in (event, future)] == states
    assert api.get(f"/api/events/{event.pk}/").json()["survey_response_count"] == 1


@pytest.mark.parametrize("who, allowed", [
    ("pm_of_a", True), ("director", True), ("coordinator", True),
    ("pm_other", False), ("actor_user_a", False), ("no_role", False), ("anonymous", False),
])
def test_attendance_survey_and_registration_list_follow_the_roles_of_the_screens(programme, users, who, allowed):
    """As on the screens: whoever may change the event (management, the programme manager of its
    domain) records attendance and answers; the names of the registrations only VISD staff see."""
    from visd.events import actions

    event = programme.event  # maritime: pm_of_a's portfolio
    (griet,) = _register(event, "Griet", by=users["director"])
    api = api_as(users[who])
    before = _state(event)
    listed = api.get(f"/api/events/{event.pk}/registrations/")
    attendance = api.post(f"/api/events/{event.pk}/attendance/", {"attended": [griet.pk]}, format="json")
    refused = (401,) if who == "anonymous" else (403,)
    if who in ("director", "coordinator", "pm_of_a", "pm_other"):  # VISD staff, as on the event's page
        assert listed.status_code == 200 and [r["name"] for r in listed.json()] == ["Griet"]
    else:
        assert listed.status_code in refused and "Griet" not in listed.content.decode()
    if not allowed:
        assert attendance.status_code in refused
        survey = api.post(f"/api/events/{event.pk}/survey-responses/", {"score": 1}, format="json")
        assert survey.status_code in refused
        assert _state(event) == before
        # the event and its counts stay public
        assert api.get(f"/api/events/{event.pk}/").json()["registration_count"] == 1
        return
    assert attendance.status_code == 200 and attendance.json()["attended_count"] == 1
    survey = api.post(f"/api/events/{event.pk}/survey-responses/", {"score": 1}, format="json")
    assert survey.status_code == 201
    griet.refresh_from_db()
    assert griet.attended and griet.history.latest("history_date").history_user == users[who]
    assert event.survey_responses.get().history.get().history_user == users[who]
    # a domainless event (a DIF-Day for all domains): any programme manager
    if who == "pm_of_a":
        dif_day = actions.create_event({"title": "DIF-Day", "kind": "dif_day", "date": datetime.date(2025, 11, 5)},
                                       acting_user=users["director"])
        other = api_as(users["pm_other"])
        assert other.get(f"/api/events/{dif_day.pk}/registrations/").status_code == 200
        assert other.post(f"/api/events/{dif_day.pk}/survey-responses/", {"score": 3}, format="json").status_code == 201


def test_unknown_events_are_404(programme, users):
    api = api_as(users["director"])
    assert api.get("/api/events/999999/registrations/").status_code == 404
    assert api.post("/api/events/999999/attendance/", {"attended": []}, format="json").status_code == 404
    assert api.post("/api/events/999999/survey-responses/", {"score": 3}, format="json").status_code == 404
