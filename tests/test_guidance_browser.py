"""The navigator in a real browser: fill in the questions, read the answer (Debian's Chromium)."""


import pytest
from browser_support import BROWSER_MARKS, chromium

from visd.facilities.importer import EXAMPLE_FILE, import_facilities


pytestmark = BROWSER_MARKS


@pytest.fixture
def page(live_server):
    with chromium("en-GB", 15_000) as context:
        yield context.new_page()


@pytest.fixture
def catalogue(transactional_db):
    from visd.reference.loader import load_reference

    load_reference()
    import_facilities(EXAMPLE_FILE.read_text(encoding="utf-8"))


def test_fill_the_navigator_and_read_the_answer(page, live_server, catalogue):
    page.goto(live_server.url + "/guidance/navigator/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Develop a product or prototype").check()
    page.get_by_label("Kind of organisation").select_option("company")
    page.get_by_label("Size (EU SME definition)").select_option("small")
    page.get_by_label("Region").select_option("flanders")
    page.get_by_label("Focus domain").select_option("luchtvaart-uav")
    page.get_by_label("Technology readiness level (TRL)").select_option("4")
    page.get_by_label("Eligible project cost (EUR)").fill("500000")
    page.get_by_role("button", name="Show the instruments").click()

    assert "goal=develop" in page.url and "trl=4" in page.url  # shareable by link
    first = page.locator("li.match").first
    assert first.get_attribute("data-code") == "vlaio-defence-rd-call"
    assert "at most € 300,000 on an eligible cost of € 500,000" in first.inner_text()
    assert "Flemish Defence Plan, 2.1" in first.inner_text() and "lines 286" not in first.inner_text()
    assert "VLAIO business advisers" in page.locator("ul.contacts").inner_text()
    assert "DronePort" in page.locator("ul.facilities").inner_text()

    # The export situation links to the export-control screening page.
    page.get_by_role("link", name="A company that wants to export a component to a country outside the EU").click()
    assert page.get_by_role("link", name="Screen your product for export control").first.get_attribute("href") == "/screening/export/"
    assert "at least 6 months" in page.locator("ul.obligations").inner_text()
