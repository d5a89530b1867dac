"""Issue 14's acceptance walk, in a real browser, in Dutch: a new organisation registers and confirms its
e-mail address, a programme manager approves the claim; the new representative sets a password, fills
in the profile with a public and a restricted offer; the programme manager validates them; an anonymous
visitor sees the public offer and not the restricted one; searching "sensoren" finds the organisation;
a sensor call lists it among its matches with its offer as evidence."""

import io
import re

import pytest
from browser_support import BROWSER_MARKS, chromium
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command

from visd.matchmaking import service

PASSWORD = "a-Long-test-passw0rd"
NEW_PASSWORD = "Zeer-lang-w8woord-2026"
LINK = re.compile(r"https?://\S+")
PUBLIC_OFFER = ("Radarsensoren en elektro-optische sensoren die kleine drones detecteren en volgen rond "
                "kritieke infrastructuur.")
RESTRICTED_OFFER = "Geheim-XQ: geïntegreerd wapensysteem voor de marine"
SENSOR_CALL = "EDF-2099-TEST-SENS"

pytestmark = [*BROWSER_MARKS, pytest.mark.slow]


@pytest.fixture
def world(transactional_db, settings, tmp_path, make_user):
    from visd.actors.models import Actor
    from visd.funding.models import Call

    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    cache.clear()
    service.forget()
    call_command("load_reference", stdout=io.StringIO())
    Actor.objects.create(name="Maritime Hulls", kind="company", country="BE", postcode="8400", city="Oostende",
                         description_en="Shipyard building hulls of patrol vessels.")
    Actor.objects.create(name="Data Office", kind="company", country="BE", postcode="2000", city="Antwerpen",
                         description_en="Accounting software for small offices.")
    Call.objects.create(topic_id=SENSOR_CALL, title="Sensors to detect and track small drones",
                        programme="EDF", status="open",
                        description="Radar and electro-optical sensors that detect, track and classify small "
                                    "drones near critical infrastructure, with sensor fusion.")
    service.build()  # what `visd tag` does: the pages read the persisted index, the hooks update it
    from visd.taxonomy.models import Portfolio

    # a programme manager of every portfolio: once the validated description tags the new organisation
    # with a focus domain, only the managers of that domain decide its changes
    make_user("programme_manager", username="pm", password=PASSWORD,
              portfolios=list(Portfolio.objects.values_list("code", flat=True)))
    yield
    service.forget()
    cache.clear()


def _link(message) -> str:
    return LINK.search(message.body).group(0)


def _log_in(page, base, username, password):
    page.goto(base + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    assert page.get_by_role("button", name="Afmelden").is_visible()


def _log_out(page):
    page.get_by_role("button", name="Afmelden").click()


def test_an_organisation_joins_publishes_a_validated_profile_and_is_found_and_matched(live_server, world):
    from visd.actors.models import Actor

    base = live_server.url
    with chromium("nl-BE", 30_000) as context:
        page = context.new_page()
        # 1. registers in Dutch
        page.goto(base + "/join/new/")
        assert "Nieuwe organisatie registreren" in page.get_by_role("heading", level=1).inner_text()
        for name, value in (("org_name", "Sensolab Gent"), ("org_kbo", "0417.497.106"), ("org_postcode", "9000"),
                            ("org_city", "Gent"), ("first_name", "Sofie"), ("last_name", "Claeys"),
                            ("email", "sofie@sensolab.example.be")):
            page.locator(f"input[name={name}]").fill(value)
        page.locator("select[name=org_kind]").select_option("company")
        page.locator("input[name=consent]").check()
        page.get_by_role("button", name="Aanvraag versturen").click()
        page.wait_for_url("**/join/sent/")
        # 2. confirms the e-mail address
        page.goto(_link(mail.outbox[-1]))
        page.get_by_role("button", name="Mijn e-mailadres bevestigen").click()
        assert "wacht" in page.content()

        # 3. a programme manager approves the claim
        _log_in(page, base, "pm", PASSWORD)
        page.goto(base + "/join/claims/")
        page.get_by_role("link", name="Sensolab Gent").click()
        page.get_by_role("button", name="Goedkeuren", exact=True).click()
        page.wait_for_url("**/join/claims/")
        actor = Actor.objects.get(kbo="0417497106")
        _log_out(page)

        # 4. the new representative chooses a password and fills in the profile
        page.goto(_link(mail.outbox[-1]))
        page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
        page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
        page.locator("form:has(input[name=new_password1]) button[type=submit]").click()
        page.wait_for_load_state()
        _log_in(page, base, "sofie@sensolab.example.be", NEW_PASSWORD)
        page.goto(f"{base}/actors/{actor.pk}/")
        page.get_by_role("link", name="Profiel bewerken").click()
        page.locator("textarea[name=description_nl]").fill("Wij bouwen sensoren voor detectie van drones.")
        page.get_by_role("button", name="Bewaren").click()
        for text, use, tier in ((PUBLIC_OFFER, "dual_use", "public"), (RESTRICTED_OFFER, "defence", "")):
            page.get_by_role("link", name="Aanbod toevoegen").click()
            page.locator("textarea[name=text]").fill(text)
            page.locator("select[name=use]").select_option(use)
            page.locator("select[name=visibility]").select_option(tier)
            page.get_by_role("button", name="Bewaren").click()
        body = page.content()
        assert PUBLIC_OFFER in body and RESTRICTED_OFFER in body and "Wacht op validatie" in body
        _log_out(page)

        # not published yet: an anonymous visitor sees neither offer
        page.goto(f"{base}/actors/{actor.pk}/")
        assert PUBLIC_OFFER not in page.content() and RESTRICTED_OFFER not in page.content()

        # 5. the programme manager validates every change in the queue
        _log_in(page, base, "pm", PASSWORD)
        page.goto(base + "/profile/review/")
        while page.get_by_role("button", name="Goedkeuren en publiceren").count():
            page.get_by_role("button", name="Goedkeuren en publiceren").first.click()
            page.wait_for_load_state()
        assert "Geen profielwijzigingen hier." in page.content()
        _log_out(page)

        # 6. an anonymous visitor sees the public offer and not the restricted one
        page.goto(f"{base}/actors/{actor.pk}/")
        assert PUBLIC_OFFER in page.content() and RESTRICTED_OFFER not in page.content()

        # 7. searching "sensoren" finds the organisation (by what it does, not its name)
        page.goto(base + "/actors/")
        page.get_by_role("textbox", name="Zoeken").fill("sensoren")
        page.get_by_role("button", name="Zoeken").click()
        assert page.get_by_role("link", name="Sensolab Gent").count() >= 1

        # 8. the sensor call lists it among its matches, with its offer as evidence
        _log_in(page, base, "pm", PASSWORD)
        page.goto(f"{base}/matching/call/{SENSOR_CALL}/")
        match = page.locator("#matches > li").filter(has_text="Sensolab Gent")
        assert match.count() == 1
        reasons = match.locator(".reasons").inner_text()
        assert "In eigen woorden" in reasons and PUBLIC_OFFER[:40] in reasons, reasons
        assert RESTRICTED_OFFER not in page.content()
