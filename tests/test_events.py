"""Events: registrations, attendance, survey, KPI figures, screens."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from programme_world import *  # noqa: F401,F403
from stakeholder_world import *  # noqa: F401,F403

from visd.events import actions, kpis
from visd.events.models import Event, SurveyResponse


def test_register_attend_and_survey_feed_the_kpis(programme, world, users):
    pm = users["pm_of_a"]
    event = programme.event
    a = actions.register(event, "Griet", organisation=world.actor_a, acting_user=pm)
    b = actions.register(event, "Piet", organisation_name="Elders bv", acting_user=pm)
    assert a.organisation_name == "Zeebrugge Marine Systems"
    assert actions.set_attendance(event, [a.pk], acting_user=pm) == 1
    actions.record_survey_responses(event, 5, 3, "Top", acting_user=pm)
    actions.record_survey_responses(event, 2, acting_user=pm)
    summary = kpis.survey_summary(event.survey_responses.all())
    assert summary.responses == 4
    assert str(summary.average) == "4.3"  # (15 + 2) / 4 = 4.25, rounded half up
    assert str(summary.satisfied_share) == "75.0"
    assert summary.per_score == {1: 0, 2: 1, 3: 0, 4: 0, 5: 3}
    assert SurveyResponse.objects.exclude(comment="").count() == 1
    figures = kpis.year_figures(2025)
    assert figures["events"] == 2 and figures["registrations"] == 2 and figures["attended"] == 1
    assert figures["per_kind"] == {"dif_day": 1, "deep_dive": 1}
    b.refresh_from_db()
    assert not b.attended


def test_bad_event_input_is_refused(programme, users, world):
    pm = users["pm_of_a"]
    with pytest.raises(ValidationError) as error:
        actions.create_event({"title": "X", "kind": "info_day", "date": datetime.date(2026, 5, 2),
                              "end_date": datetime.date(2026, 5, 1)}, acting_user=pm)
    assert "end_date" in error.value.message_dict
    future = actions.create_event({"title": "Later", "kind": "info_day", "date": datetime.date(2099, 1, 1),
                                   "capacity": 1}, acting_user=pm)
    with pytest.raises(ValidationError, match="not taken place"):
        actions.record_survey_responses(future, 4, acting_user=pm)
    with pytest.raises(ValidationError, match="between 1 and 5"):
        actions.record_survey_responses(programme.event, 6, acting_user=pm)
    with pytest.raises(ValidationError, match="number of answers"):
        actions.record_survey_responses(programme.event, 4, 0, acting_user=pm)
    actions.register(future, "Eén", acting_user=pm)
    with pytest.raises(ValidationError, match="full"):
        actions.register(future, "Twee", acting_user=pm)
    other = actions.register(programme.cyber_event, "Ander", acting_user=pm)
    with pytest.raises(ValidationError, match="not .or no longer. part"):
        actions.set_attendance(programme.event, [other.pk], acting_user=pm)


def test_event_edit_conflict(programme, users):
    first = Event.objects.get(pk=programme.event.pk)
    second = Event.objects.get(pk=programme.event.pk)
    actions.update_event(first, {"location": "Gent"}, acting_user=users["pm_of_a"], expected_version=first.version)
    with pytest.raises(actions.EditConflict):
        actions.update_event(second, {"location": "Brugge"}, acting_user=users["director"],
                             expected_version=second.version)


def test_screens_record_an_event_with_its_survey(client, world, users):
    client.force_login(users["pm_of_a"])
    response = client.post(reverse("events:create"), {"title": "Deep dive maritiem", "kind": "deep_dive",
                                                      "date": "2025-10-01", "domain": world.maritime.pk})
    event = Event.objects.get(title="Deep dive maritiem")
    assert response.url == event.get_absolute_url()
    # the registration form as the page gives it, with its one-time key: sent twice, it registers once
    key = re.search(r'<form[^>]*/registrations/".*?name="submission_key" value="([0-9a-f-]{36})"',
                    client.get(event.get_absolute_url()).content.decode(), re.S)[1]
    added = {"name": "Griet", "organisation": world.actor_a.pk, "submission_key": key}
    client.post(reverse("events:registration_add", args=[event.pk]), added)
    again = client.post(reverse("events:registration_add", args=[event.pk]), added, follow=True,
                        HTTP_ACCEPT_LANGUAGE="en")
    assert "already been sent" in again.content.decode()
    registration = event.registrations.get()
    client.post(reverse("events:attendance", args=[event.pk]), {"attended": [registration.pk]})
    # the survey form as the page gives it, with its one-time key
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', client.get(event.get_absolute_url())
                    .content.decode())[1]
    tally = {"score": 4, "number": 10, "comment": "", "submission_key": key}
    client.post(reverse("events:survey_add", args=[event.pk]), tally)
    # the same form sent twice (a double click, a browser resend) records the ten answers once
    again = client.post(reverse("events:survey_add", args=[event.pk]), tally, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "already been sent" in again.content.decode() and event.survey_responses.count() == 10
    # a form without its key (an old page, a hand-made request) is refused and records nothing
    incomplete = client.post(reverse("events:survey_add", args=[event.pk]), {"score": 1, "number": 1}, follow=True,
                             HTTP_ACCEPT_LANGUAGE="en")
    assert "reload the page" in incomplete.content.decode() and event.survey_responses.count() == 10
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'id="survey-average">4.0<' in page
    assert 'id="attended-count">1<' in page
    # The public sees the event and its satisfaction, not who registered.
    client.logout()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Deep dive maritiem" in page and "Griet" not in page


def test_api_gives_counts_and_survey_average_without_names(client, programme, users):
    pm = users["pm_of_a"]
    for name in ("A", "B", "C"):
        actions.register(programme.event, name, acting_user=pm)
    actions.record_survey_responses(programme.event, 5, acting_user=pm)
    actions.record_survey_responses(programme.event, 2, acting_user=pm)
    data = client.get(f"/api/events/{programme.event.pk}/").json()
    assert data["registration_count"] == 3 and data["survey_response_count"] == 2
    assert data["survey_average"] == 3.5
    assert "A" not in str(data.values())


def test_two_attendance_saves_at_the_same_moment_apply_one_after_the_other(transactional_db, programme, users):
    """The second save reads the registrations only after the first one has committed (the event's
    row lock; IMMEDIATE transactions on SQLite), so the result is the second list, whole, and never
    a mix of both. Runs in the PostgreSQL pass of ``make test``: the SQLite test database lives in
    memory with a shared cache, where a second writer is refused at once instead of waiting."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("needs a database where a second writer waits for the first (PostgreSQL, or a SQLite file)")

    from visd.events import actions
    from visd.events.models import Registration

    event, director = programme.event, users["director"]
    first, second, third = (Registration.objects.create(event=event, name=name) for name in ("An", "Bo", "Cas"))
    in_first_save, go_on, errors = threading.Event(), threading.Event(), []
    real_save = Registration.save

    def pausing_save(self, *args, **kwargs):
        if threading.current_thread().name == "first" and not in_first_save.is_set():
            in_first_save.set()  # the first save has read the registrations and holds its transaction
            go_on.wait(10)
        return real_save(self, *args, **kwargs)

    def save_attendance(ids):
        try:
            actions.set_attendance(event, ids, acting_user=director)
        except Exception as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            connection.close()

    Registration.save = pausing_save
    try:
        one = threading.Thread(target=save_attendance, args=([first.pk, second.pk],), name="first")
        two = threading.Thread(target=save_attendance, args=([second.pk, third.pk],), name="second")
        one.start()
        assert in_first_save.wait(10)
        two.start()
        two.join(0.5)  # the second save waits for the first one's lock (it cannot finish before)
        go_on.set()
        one.join(20)
        two.join(20)
    finally:
        Registration.save = real_save
    assert not errors, errors
    assert set(event.registrations.filter(attended=True).values_list("name", flat=True)) == {"Bo", "Cas"}
