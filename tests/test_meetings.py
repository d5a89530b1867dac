"""B2B matchmaking at an event (issue 16): joining, requests, the schedule written all or nothing,
re-planning that keeps published meetings, agendas (.ics, PDF), check-in, outcomes in the stakeholder
register, permissions and the ``visd meetings schedule --event`` command."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from visd.actors.models import Actor
from visd.events.models import Event
from visd.meetings import actions, agendas
from visd.meetings.models import Meeting, MeetingRequest, MeetingStatus, RequestStatus
from visd.stakeholders.models import Contact, Interaction, LegalBasis


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked in English (the site's default language is Dutch)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def b2b(db, make_user):
    class World:
        pass

    w = World()
    w.organiser = make_user("coordinator", "organiser")
    w.actor_a = Actor.objects.create(name="Scheldt Drone Systems", kind="company", country="BE", postcode="9000")
    w.actor_b = Actor.objects.create(name="Kempen Cyber", kind="company", country="BE", postcode="2440")
    w.actor_c = Actor.objects.create(name="Leuven Radar Lab", kind="university", country="BE", postcode="3000")
    w.user_a = make_user("actor_user", "rep-a", actor=w.actor_a)
    w.user_a.email = "griet@scheldt.example"
    w.user_a.save()
    w.contact_a = Contact.objects.create(actor=w.actor_a, first_name="Griet", last_name="Schelde",
                                         email="griet@scheldt.example", legal_basis=LegalBasis.PUBLIC_TASK)
    w.user_b = make_user("actor_user", "rep-b", actor=w.actor_b)
    w.user_c = make_user("actor_user", "rep-c", actor=w.actor_c)
    today = timezone.localdate()
    w.event = Event.objects.create(title="DIF-Day", kind="dif_day", date=today)
    w.matchmaking = actions.open_matchmaking(w.event, {
        "tables": 2, "table_names": "Booth A\nBooth B", "max_meetings": None,
        "registration_deadline": timezone.now() + datetime.timedelta(hours=1),
        "request_deadline": timezone.now() + datetime.timedelta(hours=2), "response_days": None,
    }, "09:00-09:30\n09:30-10:00\n\n10:30-11:00", acting_user=w.organiser)
    w.a = actions.join(w.matchmaking, w.user_a, name="Griet Schelde", acting_user=w.user_a)
    w.b = actions.join(w.matchmaking, w.user_b, name="Jonas", acting_user=w.user_b)
    w.c = actions.join(w.matchmaking, w.user_c, name="Lies", acting_user=w.user_c)
    return w


def test_slots_are_parsed_with_breaks_and_bad_lines_named(b2b):
    slots = list(b2b.matchmaking.slots.all())
    assert [str(s)[-11:] for s in slots] == ["09:00-09:30", "09:30-10:00", "10:30-11:00"]
    with pytest.raises(ValidationError) as error:
        actions.parse_slots("09:00-09:30\n9h-10h\n10:00-09:00\n09:15-09:45", b2b.event)
    messages = error.value.message_dict["slots"]
    assert any("Line 2" in m for m in messages) and any("Line 3" in m and "ends before" in m for m in messages)
    assert any("Line 4" in m and "overlap" in m for m in messages)


def test_join_links_registration_contact_and_refuses_twice(b2b):
    assert b2b.a.registration.organisation == b2b.actor_a and b2b.a.registration.contact == b2b.contact_a
    assert b2b.a.user == b2b.user_a
    with pytest.raises(ValidationError, match="already takes part"):
        actions.join(b2b.matchmaking, b2b.user_a, name="Again", acting_user=b2b.user_a)
    assert b2b.event.registrations.count() == 3


def test_profile_is_prefilled_from_the_capability_profile_without_restricted_items(db, make_user):
    from visd.profiles.models import CapabilityProfile, Offer, Seek, SeekKind, Tier

    actor = Actor.objects.create(name="Profiled", kind="company", country="BE")
    profile = CapabilityProfile.objects.create(actor=actor)
    Offer.objects.create(profile=profile, text="Passive radar for drone detection", visibility=Tier.PUBLIC)
    Offer.objects.create(profile=profile, text="Classified sensor work", visibility=Tier.RESTRICTED)
    Seek.objects.create(profile=profile, kind=SeekKind.values[0], text="a test site", visibility=Tier.MEMBERS)
    offer, seek = actions.prefilled_profile(actor)
    assert offer == "Passive radar for drone detection"
    assert "a test site" in seek and "Classified" not in offer


def test_requests_accept_decline_expire_and_one_per_pair(b2b):
    request = actions.request_meeting(b2b.a, b2b.b, priority=3, message="Radar + cyber?", acting_user=b2b.user_a)
    with pytest.raises(ValidationError, match="already requested"):
        actions.request_meeting(b2b.b, b2b.a, acting_user=b2b.user_b)
    with pytest.raises(ValidationError, match="itself"):
        actions.request_meeting(b2b.a, b2b.a, acting_user=b2b.user_a)
    with pytest.raises(ValidationError, match="priority"):
        actions.request_meeting(b2b.a, b2b.c, priority=5, acting_user=b2b.user_a)
    actions.answer_request(request, accept=True, acting_user=b2b.user_b)
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    with pytest.raises(ValidationError, match="already answered"):
        actions.answer_request(request, accept=False, acting_user=b2b.user_b)
    late = actions.request_meeting(b2b.c, b2b.a, acting_user=b2b.user_c)
    MeetingRequest.objects.filter(pk=late.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    late.refresh_from_db()
    assert actions.effective_status(late) == RequestStatus.EXPIRED
    with pytest.raises(ValidationError, match="expired"):
        actions.answer_request(late, accept=True, acting_user=b2b.user_a)
    late.refresh_from_db()
    assert late.status == RequestStatus.EXPIRED


def _accepted(b2b, first, second, user, priority=1):
    request = actions.request_meeting(first, second, priority=priority, acting_user=user)
    return actions.answer_request(request, accept=True, acting_user=b2b.organiser)


def test_schedule_is_written_and_replanning_keeps_published_meetings(b2b):
    ab = _accepted(b2b, b2b.a, b2b.b, b2b.user_a, priority=2)
    result = actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    assert (result.created, result.schedule.scheduled_weight, result.schedule.upper_bound) == (1, 2, 2)
    meeting = Meeting.objects.get(request=ab)
    assert meeting.table == 1 and meeting.table_name() == "Booth A"
    actions.publish_schedule(b2b.matchmaking, acting_user=b2b.organiser)
    published_slot = Meeting.objects.get(request=ab).slot_id
    # a late request: a third party wants both a and b; a's meeting with b stays where it was published
    _accepted(b2b, b2b.c, b2b.a, b2b.user_c, priority=3)
    _accepted(b2b, b2b.c, b2b.b, b2b.user_c, priority=3)
    result = actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    assert result.kept == 1 and result.created == 2 and result.moved == 0
    assert Meeting.objects.get(request=ab).slot_id == published_slot and Meeting.objects.get(request=ab).published
    # every participant at most one meeting a slot
    for participant in (b2b.a, b2b.b, b2b.c):
        slots = [m.slot_id for m in Meeting.objects.all() if participant.pk in (m.request.requester_id, m.request.recipient_id)]
        assert len(slots) == len(set(slots))
    # a cancellation frees the slot on the next run
    actions.withdraw_request(MeetingRequest.objects.get(requester=b2b.c, recipient=b2b.b), acting_user=b2b.user_b)
    result = actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    assert result.removed == 1 and Meeting.objects.count() == 2


def test_forced_meeting_that_cannot_fit_changes_nothing(b2b):
    actions.update_profile(b2b.b, offer="", seek="", max_meetings=None,
                           unavailable_slot_ids=[s.pk for s in b2b.matchmaking.slots.all()], acting_user=b2b.user_b)
    actions.request_meeting(b2b.a, b2b.b, acting_user=b2b.organiser, by_organiser=True, forced=True)
    _accepted(b2b, b2b.a, b2b.c, b2b.user_a)
    with pytest.raises(actions.ScheduleRefused, match="forced meeting"):
        actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    assert Meeting.objects.count() == 0
    b2b.matchmaking.refresh_from_db()
    assert b2b.matchmaking.scheduled_at is None


def test_agenda_ics_and_pdf(b2b):
    _accepted(b2b, b2b.a, b2b.b, b2b.user_a)
    actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    assert agendas.agenda(b2b.a) == []  # not published yet
    actions.publish_schedule(b2b.matchmaking, acting_user=b2b.organiser)
    rows = agendas.agenda(b2b.a)
    assert len(rows) == 1 and rows[0].other == b2b.b
    from icalendar import Calendar

    calendar = Calendar.from_ical(agendas.agenda_ics(b2b.a, rows, site="test"))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1 and "Kempen Cyber" in str(events[0]["summary"])
    assert events[0].decoded("dtstart") == rows[0].meeting.slot.starts_at
    pdf = agendas.agenda_pdf(b2b.a, rows)
    assert pdf.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert "Kempen Cyber" in text and "Booth A" in text


def test_check_in_and_outcome_land_in_the_stakeholder_register(b2b):
    _accepted(b2b, b2b.a, b2b.b, b2b.user_a)
    actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    meeting = Meeting.objects.get()
    with pytest.raises(ValidationError, match="held"):
        actions.record_outcome(meeting, outcome="follow_up", acting_user=b2b.organiser)
    actions.check_in(meeting, held=True, acting_user=b2b.organiser)
    with pytest.raises(actions.ScheduleRefused, match="checked in"):
        actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    actions.record_outcome(meeting, outcome="call", note="Joint EDF proposal", acting_user=b2b.organiser)
    interactions = Interaction.objects.filter(actor__in=[b2b.actor_a, b2b.actor_b])
    assert interactions.count() == 2
    mine = interactions.get(actor=b2b.actor_a)
    assert "Kempen Cyber" in mine.subject and mine.follow_up == "Joint EDF proposal"
    assert list(mine.contacts.all()) == [b2b.contact_a] and list(mine.staff.all()) == [b2b.organiser]
    with pytest.raises(ValidationError, match="already has an outcome"):
        actions.record_outcome(meeting, outcome="none", acting_user=b2b.organiser)


def test_pages_follow_the_permissions(b2b, client):
    request = actions.request_meeting(b2b.a, b2b.b, acting_user=b2b.user_a)
    client.force_login(b2b.user_c)
    assert client.get(reverse("meetings:participant", args=[b2b.a.pk])).status_code == 200  # another participant
    assert client.get(reverse("meetings:agenda", args=[b2b.a.pk])).status_code == 403
    assert client.post(reverse("meetings:answer", args=[request.pk]), {"answer": "accept"}).status_code == 403
    assert client.post(reverse("meetings:schedule", args=[b2b.event.pk])).status_code == 403
    client.force_login(b2b.user_b)
    response = client.post(reverse("meetings:answer", args=[request.pk]), {"answer": "accept"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    client.logout()
    assert client.get(reverse("meetings:participant", args=[b2b.a.pk])).status_code == 403
    client.force_login(b2b.organiser)
    page = client.get(reverse("meetings:detail", args=[b2b.event.pk]))
    assert page.status_code == 200 and b"organiser-counts" in page.content
    assert client.post(reverse("meetings:schedule", args=[b2b.event.pk])).status_code == 302
    assert Meeting.objects.count() == 1
    for name in ("tables", "day"):
        assert client.get(reverse(f"meetings:{name}", args=[b2b.event.pk])).status_code == 200


def test_command_schedules_an_event_all_or_nothing(b2b, capsys):
    _accepted(b2b, b2b.a, b2b.b, b2b.user_a, priority=3)
    call_command("meetings", "schedule", "--event", str(b2b.event.pk), "--time-limit", "5", "--json")
    output = json.loads(capsys.readouterr().out)
    assert output["scheduled_weight"] == 3 and output["upper_bound"] == 3 and len(output["meetings"]) == 1
    assert Meeting.objects.filter(status=MeetingStatus.SCHEDULED).count() == 1
    with pytest.raises(CommandError, match="no B2B matchmaking"):
        call_command("meetings", "schedule", "--event", "999999")


def test_event_figures_count_requests_meetings_and_follow_ups(b2b):
    from visd.meetings import kpis

    _accepted(b2b, b2b.a, b2b.b, b2b.user_a)
    request = actions.request_meeting(b2b.c, b2b.a, acting_user=b2b.user_c)
    actions.answer_request(request, accept=False, acting_user=b2b.user_a)
    actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    meeting = Meeting.objects.get()
    actions.check_in(meeting, held=True, acting_user=b2b.organiser)
    actions.record_outcome(meeting, outcome="follow_up", acting_user=b2b.organiser)
    figures = kpis.event_figures(b2b.matchmaking)
    assert figures == {"participants": 3, "requested": 2, "accepted": 1, "pending": 0, "declined": 1, "expired": 0,
                       "scheduled": 1, "published": 0, "held": 1, "no_show": 0, "follow_ups": 1}


def test_api_request_answer_schedule_and_agenda(b2b, client):
    client.force_login(b2b.user_a)
    response = client.post("/api/meeting-requests/", {"recipient": b2b.b.pk, "priority": 2, "message": "Hi"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    again = client.post("/api/meeting-requests/", {"recipient": b2b.b.pk}, content_type="application/json")
    assert again.status_code == 400 and "aangevraagd" in again.json()["recipient"][0]  # a request: Dutch by default
    # a cannot answer its own request; c does not even see it
    assert client.post(f"/api/meeting-requests/{request_id}/answer/", {"accept": True},
                       content_type="application/json").status_code == 403
    client.force_login(b2b.user_c)
    assert client.post(f"/api/meeting-requests/{request_id}/answer/", {"accept": True},
                       content_type="application/json").status_code == 404
    assert client.post(f"/api/meetings/{b2b.matchmaking.pk}/schedule/", {}, content_type="application/json").status_code == 403
    client.force_login(b2b.user_b)
    response = client.post(f"/api/meeting-requests/{request_id}/answer/", {"accept": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    client.force_login(b2b.organiser)
    response = client.post(f"/api/meetings/{b2b.matchmaking.pk}/schedule/", {"time_limit": 5},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["scheduled_weight"] == 2 and response.json()["created"] == 1
    assert client.get(f"/api/meetings/{b2b.matchmaking.pk}/figures/").json()["scheduled"] == 1
    client.force_login(b2b.user_a)
    agenda = client.get(f"/api/meeting-agendas/{b2b.a.pk}/").json()
    assert agenda == []  # not published yet
    actions.publish_schedule(b2b.matchmaking, acting_user=b2b.organiser)
    agenda = client.get(f"/api/meeting-agendas/{b2b.a.pk}/").json()
    assert len(agenda) == 1 and agenda[0]["with"]["participant"] == b2b.b.pk and agenda[0]["table"] == "Booth A"
    assert client.get(f"/api/meeting-agendas/{b2b.b.pk}/").status_code in (403, 404)


def test_a_published_meeting_moves_only_when_the_organiser_allows_it(b2b):
    ab = _accepted(b2b, b2b.a, b2b.b, b2b.user_a)
    actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    actions.publish_schedule(b2b.matchmaking, acting_user=b2b.organiser)
    meeting = Meeting.objects.get(request=ab)
    # b can no longer come in that slot
    actions.update_profile(b2b.b, offer="", seek="", max_meetings=None, unavailable_slot_ids=[meeting.slot_id],
                           acting_user=b2b.user_b)
    with pytest.raises(actions.ScheduleRefused, match="not available"):
        actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    assert Meeting.objects.get(request=ab).slot_id == meeting.slot_id  # nothing changed
    result = actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5, allow_moves=True)
    moved = Meeting.objects.get(request=ab)
    assert result.moved == 1 and moved.slot_id != meeting.slot_id and not moved.published


def test_the_overview_names_the_accepted_requests_left_out_and_why(b2b, client):
    # one table, one slot for c: a and b both want c in the same slot, only one fits
    actions.update_profile(b2b.c, offer="", seek="", max_meetings=1, unavailable_slot_ids=[], acting_user=b2b.user_c)
    _accepted(b2b, b2b.a, b2b.c, b2b.user_a, priority=3)
    _accepted(b2b, b2b.b, b2b.c, b2b.user_b, priority=1)
    actions.compute_schedule(b2b.matchmaking, acting_user=b2b.organiser, time_limit=5)
    client.force_login(b2b.organiser)
    html = client.get(reverse("meetings:detail", args=[b2b.event.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="left-out"' in html and "already has its maximum number of meetings" in html
