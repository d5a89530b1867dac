"""The public site as an anonymous visitor, in Dutch and in English (issue 17, acceptance): home → a
focus domain → its roadmap → a facility → the instruments → an instrument and its partner page → the
events calendar → an event's registration form → the "join" entry. On every page axe-core (shipped
inside the ``axe-playwright-python`` package, nothing downloaded) must report no serious or critical
violation of WCAG 2.1 A/AA.

Screenshots of the main pages at desktop and phone width go to ``VISD_SCREENSHOTS`` (a directory,
``docs/screenshots`` to refresh the committed ones) or else to the test's temporary directory."""

import datetime
import io
import os
from pathlib import Path

import pytest
from browser_support import BROWSER_MARKS, chromium
from django.core.management import call_command
from django.utils import timezone

pytestmark = BROWSER_MARKS

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# the element that sticks out furthest on the right (to name it in the report of a page that is not ours)
WIDEST = """[...document.querySelectorAll('main *')].map(e => [e.getBoundingClientRect().right, e.tagName + '.' +
  e.className + ' ' + (e.textContent || '').slice(0, 40)]).sort((a, b) => b[0] - a[0])[0]"""


@pytest.fixture
def public_site(transactional_db):
    from test_site import load_domains_and_instruments

    from visd.events.models import Event
    from visd.facilities.models import Infrastructure
    from visd.roadmaps import actions
    from visd.roadmaps.models import Roadmap
    from visd.taxonomy.models import Concept

    load_domains_and_instruments()
    call_command("load_site_content", stdout=io.StringIO())
    call_command("load_programme_demo", stdout=io.StringIO())
    maritime = Concept.objects.get(scheme="focus_domain", code="maritiem")
    roadmap = Roadmap.objects.get(domain=maritime)
    # a line written in Dutch only: the English walk meets the "(in Dutch)" marker, and axe checks it
    actions.add_item(roadmap, {"kind": "project", "title": "Testlijn zonder vertaling", "start_year": 2026,
                               "end_year": 2028, "order": 99}, acting_user=None)
    actions.publish(roadmap, acting_user=None)
    facility = Infrastructure.objects.create(name="Sleeptank voor scheepsmodellen (test)", city="Oostende",
                                             country="BE", description_nl="Testinfrastructuur voor de browsertest.")
    facility.domains.add(maritime)
    # The strategy gives no date for the DIF-Days; the test schedules one as the programme office would.
    call_command("load_programme_demo", "--schedule",
                 f"dif-days-first-edition={timezone.localdate() + datetime.timedelta(days=60):%Y-%m-%d}",
                 "--location", "Brussel", stdout=io.StringIO())
    return Event.objects.get()


def screenshot_dir(tmp_path) -> Path:
    target = Path(os.environ.get("VISD_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def save_small(png: bytes, path: Path) -> None:
    """A screenshot as a palette PNG (a tenth of the size of a full-colour one) where Pillow exists."""
    try:
        from PIL import Image
    except ImportError:
        path.write_bytes(png)
        return
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64)
    image.save(path, optimize=True)


def check_accessibility(page, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    blocking = [f"{violation['id']} ({violation['impact']}): {violation['help']} — "
                + "; ".join(node["target"][0] for node in violation["nodes"][:3])
                for violation in results.response["violations"] if violation["impact"] in BLOCKING]
    assert not blocking, f"{where}: " + " | ".join(blocking)
    assert results.response["passes"] is not None or True  # axe ran: response has its keys
    assert "testEngine" in results.response


def visit(page, where: str, shots: Path | None, language: str, name: str | None = None):
    page.wait_for_load_state("domcontentloaded")
    assert page.title().endswith("· VISD Hub"), page.title()
    description = page.locator('meta[name="description"]')
    if name is not None:
        assert description.count() == 1 and len(description.get_attribute("content")) > 20, where
    check_accessibility(page, where)
    if name is not None:
        if shots is not None:
            save_small(page.screenshot(), shots / f"{name}-{language}-desktop.png")
        page.set_viewport_size(PHONE)
        # on a phone every page of the walk fits the width: nothing scrolls sideways
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert fits, f"{where}: the page scrolls sideways on a phone: {page.evaluate(WIDEST)}"
        if shots is not None:
            save_small(page.screenshot(), shots / f"{name}-{language}-phone.png")
        page.set_viewport_size(DESKTOP)


WORDS = {
    "nl": {"domain": "Maritiem", "roadmap": "Oriëntatieroadmap Maritiem, versie 1", "facility": "Sleeptank",
           "draft": "STARTVERSIE (demo)", "item": "Ruimtevaarttechnologie ondersteunt communicatietoepassingen",
           "instruments": "Alle instrumenten en partners", "partner": "Enterprise Europe Network Vlaanderen",
           "register": "Inschrijven", "calendar": "Evenementenkalender en inschrijving",
           "join": "Sluit aan bij het ecosysteem", "name": "Uw naam", "consent": "Ik ga ermee akkoord"},
    "en": {"domain": "Maritime", "roadmap": "Orientation roadmap Maritime, version 1", "facility": "Sleeptank",
           "draft": "STARTING VERSION (demo)", "item": "Space technology supports communication applications",
           "instruments": "All instruments and partners", "partner": "Enterprise Europe Network Flanders",
           "register": "Register", "calendar": "Events calendar and registration",
           "join": "Join the ecosystem", "name": "Your name", "consent": "I agree"},
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_visitor_walks_the_public_site_and_axe_finds_no_serious_violation(live_server, public_site, tmp_path,
                                                                             language):
    words = WORDS[language]
    shots = screenshot_dir(tmp_path)
    with chromium("nl-BE" if language == "nl" else "en-GB", viewport=DESKTOP) as context:
        if language == "en":
            context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert page.locator("html").get_attribute("lang") == language
        visit(page, "home", shots, language, "home")

        page.get_by_role("link", name=words["domain"], exact=True).first.click()
        assert page.get_by_role("heading", level=1).inner_text() == words["domain"]
        visit(page, "domain", shots, language, "domain")

        page.get_by_role("link", name=words["roadmap"]).click()
        page.wait_for_url("**/roadmaps/*/")
        main = page.locator("main").inner_text()
        assert words["draft"] in main and words["item"] in main  # the roadmap's texts in the page's language
        untranslated = page.locator('main th[scope=row] span[lang="nl"]', has_text="Testlijn zonder vertaling")
        assert untranslated.count() == (1 if language == "en" else 0)  # marked Dutch on an English page only
        assert ("(in Dutch)" in main) == (language == "en")
        visit(page, "roadmap", shots, language, "roadmap")
        page.go_back()

        page.get_by_role("link", name=words["facility"]).first.click()
        page.wait_for_url("**/facilities/*/")
        visit(page, "facility", shots, language, "facility")

        page.goto(live_server.url + "/")
        page.get_by_role("link", name=words["instruments"]).first.click()
        visit(page, "instruments", shots, language, "instruments")
        page.locator('main a[href="/instruments/ncp-flanders/"]').click()
        page.wait_for_url("**/instruments/ncp-flanders/")
        visit(page, "instrument", shots, language, "instrument")
        page.go_back()
        page.get_by_role("link", name=words["partner"], exact=True).first.click()
        page.wait_for_url("**/visd/enterprise-europe-network/")
        assert page.get_by_role("link", name="https://www.enterpriseeuropevlaanderen.be/").count() == 0
        assert page.locator('a[href="https://www.enterpriseeuropevlaanderen.be/"]').count() == 1
        visit(page, "partner page", shots, language, "partner")

        page.goto(live_server.url + "/")
        page.get_by_role("link", name=words["calendar"]).click()
        visit(page, "events", shots, language, "events")
        page.get_by_role("link", name=words["register"]).first.click()
        page.wait_for_url(f"**/visd/events/{public_site.pk}/register/")
        visit(page, "registration form", shots, language, "register")
        page.get_by_label(words["name"]).fill("An Peeters")
        page.get_by_label(words["consent"]).check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/visd/events/")
        assert public_site.registrations.get().name == "An Peeters"
        visit(page, "events after registration", None, language)

        page.goto(live_server.url + "/")
        page.get_by_role("link", name=words["join"]).first.click()
        page.wait_for_url("**/join/")
        visit(page, "join", shots, language, None)
