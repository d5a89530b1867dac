"""End to end in a real browser: Debian's Chromium driven by Playwright against the live test server.
No browser is downloaded; VISD_CHROMIUM may point at another Chromium binary."""


import pytest
from browser_support import BROWSER_MARKS, chromium

PASSWORD = "a-Long-test-passw0rd"

pytestmark = BROWSER_MARKS


@pytest.fixture
def page(live_server):
    with chromium("nl-BE", 15_000) as context:
        yield context.new_page()


@pytest.fixture
def sonar_company(transactional_db):
    from visd.actors.models import Actor

    return Actor.objects.create(name="Scheldt Sonar Systems", kind="company", country="BE", postcode="9000",
                                city="Gent", pic="999123456", vat="BE0417497106")


def test_log_in_search_an_actor_and_read_its_identifiers(page, live_server, sonar_company, make_user):
    make_user("programme_manager", username="pm", password=PASSWORD)

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Aanmelden").click()
    page.get_by_label("Gebruikersnaam").fill("pm")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    assert page.get_by_role("button", name="Afmelden").is_visible()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Actoren").click()
    page.get_by_role("textbox", name="Zoeken").fill("sonar")
    page.get_by_role("button", name="Zoeken").click()
    assert "q=sonar" in page.url
    page.get_by_role("link", name="Scheldt Sonar Systems").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Scheldt Sonar Systems"
    facts = page.locator("dl.facts").inner_text()
    assert "999123456" in facts  # PIC
    assert "0417.497.106" in facts  # enterprise number derived from the VAT number, formatted
    assert "BE0417497106" in facts
    assert "Vlaanderen" in facts

    # The same page in English, through the language switch.
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Flanders" in page.locator("dl.facts").inner_text()
