"""In a real browser (Debian's Chromium via Playwright): open a call, follow the link to its matches
and read the ranked actors with their reasons; filter them to Flanders."""


import pytest
from browser_support import BROWSER_MARKS, chromium

from matchmaking_world import build_world
from visd.matchmaking import service


pytestmark = BROWSER_MARKS


@pytest.fixture
def page(live_server):
    with chromium("nl-BE", 15_000) as context:
        yield context.new_page()


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    service.forget()
    w = build_world()
    service.build()  # what `visd tag` does: pages only read the persisted index
    yield w
    service.forget()


def test_a_call_shows_ranked_actors_with_reasons(page, live_server, world):
    page.goto(f"{live_server.url}/calls/{world.call.topic_id}/")
    page.get_by_role("link", name="Passende actoren").click()
    page.wait_for_url(f"**/matching/call/{world.call.topic_id}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Passende actoren")
    matches = page.locator("#matches > li")
    names = [matches.nth(i).get_by_role("heading", level=3).get_by_role("link").inner_text()
             for i in range(matches.count())]
    assert set(names) >= {"Leuven Radar Lab", "Scheldt Drone Systems", "Radars de Provence"}
    assert "Kempen Cyber" not in names
    scores = [float(s.replace(",", ".")) for s in page.locator("#matches .score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    lab = matches.filter(has_text="Leuven Radar Lab")
    assert "HARBOURSHIELD" in lab.inner_text() and "Dronebestrijding" in lab.inner_text()

    page.get_by_label("Regio").select_option("flanders")
    page.get_by_role("button", name="Toepassen").click()
    page.wait_for_url("**region=flanders**")
    flemish = page.locator("#matches > li h3 a").all_inner_texts()
    assert "Radars de Provence" not in flemish and "Leuven Radar Lab" in flemish

    page.get_by_role("link", name="HARBOURSHIELD", exact=False).first.click()
    page.wait_for_url(f"**/projects/{world.project.pk}/")
