"""In a real browser, on the real demo data (issue 13): a programme manager opens the EDF counter-drone
call, filters its matches to Flanders, and finds drone-related evidence for the first actors: their
own matching words, the counter-UAV concept, and past projects that show theirs."""

import io

import pytest
from browser_support import BROWSER_MARKS, chromium
from django.core.management import call_command

from visd.matchmaking import service

COUNTER_DRONE_CALL = "EDF-EDIP-P-2026-FNLC-CPA-CDS"
# what a programme manager reads as drone-related, in the call's words or the taxonomy's (Dutch page)
DRONE_EVIDENCE = ("drone", "unmanned", "uav", "uas", "effectors", "dronebestrijding", "counter-uav")
FIRST_ACTORS = 3

pytestmark = [*BROWSER_MARKS, pytest.mark.slow]


@pytest.fixture
def page(live_server):
    with chromium("nl-BE", 20_000) as context:
        yield context.new_page()


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    service.forget()
    call_command("load_reference", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    service.build()  # what `visd tag` does after an import: pages only read the persisted index
    yield
    service.forget()


def test_the_counter_drone_call_shows_drone_evidence_for_the_first_flemish_actors(page, live_server, demo):
    page.goto(f"{live_server.url}/matching/call/{COUNTER_DRONE_CALL}/?region=flanders")
    assert "Counter-drone systems" in page.get_by_role("heading", level=1).inner_text()
    matches = page.locator("#matches > li")
    assert matches.count() >= FIRST_ACTORS
    for i in range(FIRST_ACTORS):
        reasons = matches.nth(i).locator(".reasons").inner_text().casefold()
        assert any(word in reasons for word in DRONE_EVIDENCE), reasons
        # the past projects shown say what they share with the call
        evidence = matches.nth(i).locator(".reasons ul li").all_inner_texts()
        assert evidence and all(":" in line for line in evidence), evidence
