"""Issue 14 item 5 in a real browser, in Dutch: a representative finds the MERIL facility its organisation
operates, claims it and completes it; the programme manager of its domain approves; an anonymous visitor
finds it by operator name in the finder (a text field, not a list of every organisation) and sees it
validated, with the MERIL credit."""

import json

import pytest
from browser_support import BROWSER_MARKS, chromium

from visd.facilities.meril import MERIL_CREDIT, import_meril

PASSWORD = "a-Long-test-passw0rd"

pytestmark = BROWSER_MARKS


@pytest.fixture
def world(transactional_db, make_user):
    from visd.actors.models import Actor, ActorTag
    from visd.taxonomy.models import Concept, Portfolio, Scheme

    portfolio = Portfolio.objects.create(code="air", name_nl="Lucht", name_en="Air", source="test")
    air = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="luchtvaart-uav", label_nl="Luchtvaart en UAV",
                                 label_en="Aviation and UAV", order=1, source="test", portfolio=portfolio)
    vki = Actor.objects.create(name="VON KARMAN INSTITUTE FOR FLUID DYNAMICS", kind="research", country="BE")
    ActorTag.objects.create(actor=vki, concept=air, origin="curated")
    make_user("actor_user", "rep", actor=vki)
    make_user("programme_manager", "pm", portfolios=["air"])
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [4.3464, 50.745]},
                 "properties": {"name": "Von Karman Institute for Fluid Dynamics (VKI)"}},
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [4.3333, 50.9333]},
                 "properties": {"name": "Botanic Garden Meise (BGM)"}}]
    import_meril(json.dumps({"type": "FeatureCollection", "features": features}).encode())


def _log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.get_by_role("button", name="Afmelden").wait_for()


def test_a_provider_claims_its_meril_facility_and_the_programme_manager_validates_it(live_server, world):
    base = live_server.url
    with chromium("nl-BE", 30_000) as context:
        page = context.new_page()
        _log_in(page, base, "rep")
        page.goto(base + "/facilities/")
        page.get_by_role("link", name="Faciliteiten van uw organisatie").click()
        page.get_by_label("Naam van de faciliteit").fill("Karman")
        page.get_by_role("main").get_by_role("button", name="Zoeken").click()
        page.get_by_role("link", name="Deze faciliteit claimen voor uw organisatie").first.click()
        page.get_by_label("Wat getest kan worden").fill("Windtunnels tot Mach 14")
        page.get_by_label("TRL vanaf").fill("3")
        page.get_by_label("TRL tot").fill("7")
        page.get_by_label("Luchtvaart en UAV").check()
        page.get_by_label("Doorlooptijd").fill("vier weken")
        page.get_by_role("button", name="Ter validatie versturen").click()
        assert "Wacht op validatie" in page.content()
        page.get_by_role("button", name="Afmelden").click()

        _log_in(page, base, "pm")
        page.get_by_role("navigation").get_by_role("link", name="Voorstellen van aanbieders").click()
        page.get_by_role("link", name="Von Karman Institute").first.click()
        assert "Windtunnels tot Mach 14" in page.content()
        page.get_by_role("button", name="Goedkeuren").click()
        page.wait_for_url("**/facilities/changes/")
        page.get_by_role("button", name="Afmelden").click()

        page.goto(base + "/facilities/")
        assert page.locator("select[name=operator]").count() == 0
        page.get_by_label("Uitbater (deel van de naam)").fill("karman")
        page.get_by_role("main").get_by_role("button", name="Zoeken").click()
        assert page.get_by_role("link", name="Botanic Garden Meise (BGM)").count() == 0
        page.get_by_role("link", name="Von Karman Institute for Fluid Dynamics (VKI)").click()
        text = page.get_by_role("main").inner_text()
        assert "Bevestigd door de aanbieder en gevalideerd door het programmabureau" in text
        assert "Windtunnels tot Mach 14" in text and "TRL 3 tot 7" in text and MERIL_CREDIT in text
