"""Acceptance test of B2B matchmaking (issue 16), end to end in Debian's Chromium: the organiser opens
matchmaking on today's event; two organisations' representatives join (registering for the event as
their organisation); one requests a meeting, the other accepts; the organiser computes and publishes
the schedule; both download their agenda as PDF and .ics; the organiser checks the meeting in and
records its outcome, which appears in the stakeholder register of both organisations."""

import datetime
import re

import pytest
from browser_support import BROWSER_MARKS, chromium

PASSWORD = "a-Long-test-passw0rd"

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser_context(live_server):
    with chromium("en-GB", 20_000, accept_downloads=True) as context:
        yield context


class World:
    pass


@pytest.fixture
def world(transactional_db, make_user):
    from django.utils import timezone

    from visd.actors.models import Actor
    from visd.events.models import Event

    w = World()
    w.organiser = make_user("coordinator", username="organiser", password=PASSWORD)
    w.actor_a = Actor.objects.create(name="Scheldt Drone Systems", kind="company", country="BE", postcode="9000")
    w.actor_b = Actor.objects.create(name="Kempen Cyber", kind="company", country="BE", postcode="2440")
    make_user("actor_user", username="rep-a", actor=w.actor_a, password=PASSWORD)
    make_user("actor_user", username="rep-b", actor=w.actor_b, password=PASSWORD)
    w.event = Event.objects.create(title="Defence Innovation Flanders Day", kind="dif_day", date=timezone.localdate())
    return w


def log_in(page, base_url, username):
    page.goto(base_url + "/")
    if page.locator("html").get_attribute("lang") != "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_function("document.documentElement.lang === 'en'")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").wait_for()


def join(page, base, event_id, username, name, offer, seek):
    log_in(page, base, username)
    page.goto(f"{base}/meetings/events/{event_id}/")
    page.get_by_label("Name of the person who comes").fill(name)
    page.get_by_role("button", name="Take part as my organisation").click()
    page.wait_for_url(re.compile(r"/meetings/participants/\d+/profile/$"))
    page.get_by_label("We offer").fill(offer)
    page.get_by_label("We seek").fill(seek)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/meetings/participants/\d+/$"))


def download(page, link_name, tmp_path):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_two_organisations_meet_and_the_outcome_reaches_the_stakeholder_register(browser_context, live_server,
                                                                                   world, tmp_path):
    from icalendar import Calendar
    from playwright.sync_api import expect
    from pypdf import PdfReader

    from visd.meetings.models import Meeting
    from visd.stakeholders.models import Interaction

    base = live_server.url
    page = browser_context.new_page()
    tomorrow = (datetime.datetime.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    # the organiser opens matchmaking from the event's page
    log_in(page, base, "organiser")
    page.goto(f"{base}/events/{world.event.pk}/")
    page.get_by_role("link", name="Open B2B matchmaking").click()
    page.get_by_label("Number of tables").fill("10")
    page.get_by_label("Registration deadline").fill(tomorrow)
    page.get_by_label("Request deadline").fill(tomorrow)
    page.get_by_label("Meeting slots").fill("00:00-00:20\n00:20-00:40\n\n01:00-01:20")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("B2B matchmaking: Defence Innovation Flanders Day")
    log_out(page)

    # two organisations register and publish their profile
    join(page, base, world.event.pk, "rep-a", "Griet Schelde", "Passive radar for drone detection", "Cyber security")
    log_out(page)
    join(page, base, world.event.pk, "rep-b", "Jonas Kempen", "Network security monitoring", "Sensor partners")
    assert world.event.registrations.count() == 2

    # b requests a meeting with a
    page.goto(f"{base}/meetings/events/{world.event.pk}/")
    page.get_by_role("table").get_by_role("link", name=re.compile("Scheldt Drone Systems")).click()
    page.get_by_label("Priority").select_option(label="very high")
    page.get_by_label("Message").fill("Radar and cyber for harbour protection?")
    page.get_by_role("button", name="Request a meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting requested")
    log_out(page)

    # a accepts
    log_in(page, base, "rep-a")
    page.goto(f"{base}/meetings/events/{world.event.pk}/")
    page.get_by_role("link", name="Your requests and recommendations").click()
    received = page.locator("#received")
    expect(received).to_contain_text("Radar and cyber for harbour protection?")
    received.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_contain_text("Request accepted.")
    log_out(page)

    # the organiser computes and publishes the schedule
    log_in(page, base, "organiser")
    page.goto(f"{base}/meetings/events/{world.event.pk}/")
    page.get_by_role("button", name="Compute the schedule").click()
    expect(page.get_by_role("status")).to_contain_text("Schedule computed: 1 meetings, weight 3 of at most 3.")
    page.get_by_role("button", name="Publish the schedule").click()
    expect(page.locator("#schedule-state")).to_contain_text("published")
    meeting = Meeting.objects.get()
    log_out(page)

    # both download their agenda, as PDF and as .ics
    for username, other in (("rep-a", "Kempen Cyber"), ("rep-b", "Scheldt Drone Systems")):
        log_in(page, base, username)
        page.goto(f"{base}/meetings/events/{world.event.pk}/")
        page.get_by_role("link", name="Your agenda").click()
        expect(page.locator("#agenda")).to_contain_text(other)
        pdf = PdfReader(download(page, "Download as PDF", tmp_path))
        assert other in pdf.pages[0].extract_text()
        calendar = Calendar.from_ical(download(page, "Add to your calendar (.ics)", tmp_path).read_bytes())
        [entry] = list(calendar.walk("VEVENT"))
        assert other in str(entry["summary"]) and entry.decoded("dtstart") == meeting.slot.starts_at
        log_out(page)

    # on the day: check-in and the outcome
    log_in(page, base, "organiser")
    page.goto(f"{base}/meetings/events/{world.event.pk}/")
    page.get_by_role("link", name="Check-in and outcomes").click()
    row = page.locator(f"#meeting-{meeting.pk}")
    row.get_by_label("Check-in").select_option("held")
    row.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status")).to_contain_text("Checked in.")
    row = page.locator(f"#meeting-{meeting.pk}")
    row.get_by_label("Outcome").select_option(label="interest in a call")
    row.get_by_label("Notes").fill("Joint EDF proposal on counter-drone")
    row.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("status")).to_contain_text("Outcome recorded in the stakeholder register.")

    # the outcome is in the stakeholder register of both organisations
    page.goto(f"{base}/stakeholders/actors/{world.actor_a.pk}/interactions/")
    expect(page.get_by_role("main")).to_contain_text("B2B meeting with Kempen Cyber")
    assert Interaction.objects.filter(actor=world.actor_b, subject__contains="Scheldt Drone Systems").exists()
