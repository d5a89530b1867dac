"""End to end in Debian's Chromium (see test_browser.py): a programme manager takes a project from
idea to approved and reads its FRIS deadline, then records an event with its survey results."""

import datetime

import pytest
from browser_support import BROWSER_MARKS, chromium

PASSWORD = "a-Long-test-passw0rd"

pytestmark = BROWSER_MARKS


@pytest.fixture
def page(live_server):
    with chromium("nl-BE", 15_000) as context:
        yield context.new_page()


@pytest.fixture
def maritime_world(transactional_db, make_user):
    from visd.actors.models import Actor, ActorTag, TagOrigin
    from visd.taxonomy.models import Concept, Portfolio, Scheme

    portfolio = Portfolio.objects.create(code="maritiem", name_nl="Maritiem", name_en="Maritime", source="test")
    domain = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="maritime", label_nl="Maritiem",
                                    label_en="Maritime", label_fr="Maritime", portfolio=portfolio,
                                    domain_kind="TOP", source="test")
    actor = Actor.objects.create(name="Zeebrugge Marine Systems", kind="company", country="BE", postcode="8380")
    ActorTag.objects.create(actor=actor, concept=domain, origin=TagOrigin.CURATED)
    make_user("programme_manager", username="pm", password=PASSWORD, portfolios=["maritiem"])
    return domain, actor


def test_pm_moves_a_project_to_approved_and_records_an_event(page, live_server, maritime_world):
    from visd.events.models import Event
    from visd.projects.models import VisdProject

    domain, actor = maritime_world
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "pm")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")

    # Idea
    page.goto(live_server.url + "/projects/visd/new/")
    page.fill("#id_title", "Autonome onderwaterdrone")
    page.fill("#id_acronym", "AUV-VL")
    page.select_option("#id_kind", "research_fund")
    page.select_option("#id_domain", str(domain.pk))
    page.locator("main form button[type=submit]").click()
    assert page.get_by_role("heading", level=1).inner_text() == "AUV-VL: Autonome onderwaterdrone"
    project = VisdProject.objects.get(acronym="AUV-VL")
    assert project.status == "idea"

    # A partner, then proposal, submitted, approved.
    page.select_option("#id_actor", str(actor.pk))
    page.select_option("#id_role", "lead")
    page.locator("form[action$='/partners/'] button").click()
    assert "Zeebrugge Marine Systems" in page.locator("main table").first.inner_text()
    status_button = page.locator("form[action$='/status/'] button")
    page.select_option("#id_status", "proposal")
    status_button.click()
    page.select_option("#id_status", "submitted")
    page.fill("#id_date", "2025-05-02")
    status_button.click()
    page.select_option("#id_status", "approved")
    page.fill("#id_date", "2025-06-30")
    status_button.click()
    project.refresh_from_db()
    assert project.status == "approved"
    assert page.locator("#fris-deadline").inner_text().startswith("2025-10-30")

    # An event that took place, with a registration, attendance and survey answers.
    page.goto(live_server.url + "/events/new/")
    page.fill("#id_title", "DIF-Day maritiem")
    page.select_option("#id_kind", "dif_day")
    page.fill("#id_date", (datetime.date.today() - datetime.timedelta(days=2)).isoformat())
    page.select_option("#id_domain", str(domain.pk))
    page.locator("main form button[type=submit]").click()
    assert page.get_by_role("heading", level=1).inner_text() == "DIF-Day maritiem"
    page.fill("#id_name", "Griet Vandeputte")
    page.locator("form[action$='/registrations/'] button").click()
    page.locator("input[name=attended]").check()
    page.locator("form[action$='/attendance/'] button").click()
    assert page.locator("#attended-count").inner_text() == "1"
    page.select_option("#id_score", "5")
    page.fill("#id_number", "3")
    page.locator("form[action$='/survey/'] button").click()
    page.select_option("#id_score", "3")
    page.fill("#id_number", "1")
    page.locator("form[action$='/survey/'] button").click()
    assert page.locator("#survey-average").inner_text() in ("4.5", "4,5")
    event = Event.objects.get(title="DIF-Day maritiem")
    assert event.survey_responses.count() == 4
