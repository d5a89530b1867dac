"""End to end in Debian's Chromium (see test_browser.py): a programme manager builds a consortium for an EDF
2026 topic from two Flemish actors, sees the failing rule and its fix, adds a suggested partner, gets an
eligible verdict, downloads the eligibility note and turns the consortium into a VISD project."""

import datetime
import json

import pytest
from browser_support import BROWSER_MARKS, chromium

PASSWORD = "a-Long-test-passw0rd"
TOPIC = "EDF-2026-LS-DIS-NT"

pytestmark = BROWSER_MARKS


@pytest.fixture
def page(live_server):
    with chromium("nl-BE", 20_000) as context:
        yield context.new_page()


@pytest.fixture
def world(transactional_db, make_user, public_data):
    from visd.actors.models import Actor
    from visd.funding.models import Call
    from visd.taxonomy.models import Concept, Scheme

    # the real EDF 2026 topic on disruptive technologies, as the Funding & Tenders portal publishes it
    with open(public_data / "calls" / "edf_2026_topics.jsonl", encoding="utf-8") as handle:
        topic = next(row for row in map(json.loads, handle) if row["topicId"] == TOPIC)
    call = Call.objects.create(topic_id=TOPIC, title=topic["title"], programme="EDF",
                               call_identifier=topic["callIdentifier"], description=topic["description"],
                               deadline=datetime.date.fromisoformat(topic["deadline"][:10]))
    domain = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="sensors", label_nl="Sensoren",
                                    label_en="Sensors", label_fr="Capteurs", domain_kind="TOP", source="test")
    Actor.objects.create(name="Scheldt Sonar Systems", kind="company", country="BE", postcode="9000", city="Gent",
                         pic="999123456", size_class="small")
    Actor.objects.create(name="Kempen Radar Works", kind="company", country="BE", postcode="2440", city="Geel",
                         pic="999123457", size_class="large")
    Actor.objects.create(name="Lyon Optique", kind="company", country="FR", pic="999123458")
    make_user("programme_manager", username="pm", password=PASSWORD)
    return call, domain


def _state_member(page, name, country):
    """A what-if edit: where the member's executive management sits and that nobody controls it."""
    page.get_by_role("link", name=f"{name} bewerken").click()
    page.fill("#id_management_country", country)
    page.select_option("#id_control", "none")
    page.locator("main form button[type=submit]").click()


def _status(page, rule):
    return page.locator(f"#rules tr[data-rule='{rule}']").get_attribute("data-status")


def test_pm_builds_an_eligible_consortium_and_turns_it_into_a_visd_project(page, live_server, world, tmp_path):
    from visd.consortia.models import Consortium
    from visd.projects.models import VisdProject

    call, domain = world
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "pm")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")

    # a consortium for the EDF 2026 topic, an action under the disruptive-technologies derogation
    page.goto(live_server.url + "/consortia/")
    page.get_by_role("link", name="Nieuw consortium").click()
    page.fill("#id_title", "Kwantumsonar")
    page.select_option("#id_call", str(call.pk))
    page.select_option("#id_action", "research")
    page.select_option("#id_derogation", "disruptive_technologies")
    page.fill("#id_description", "Quantum-enhanced sonar and radar sensing for naval and air defence.")
    page.locator("main form button[type=submit]").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kwantumsonar"

    # two Flemish actors from the registry
    for query, name, role in (("Scheldt", "Scheldt Sonar Systems", "coordinator"), ("Kempen", "Kempen Radar Works", "beneficiary")):
        page.get_by_label("Naam of PIC").fill(query)
        page.get_by_role("button", name="Zoeken").click()
        page.locator("#found li", has_text=name).locator("select").select_option(role)
        page.locator("#found").get_by_role("button", name=f"{name} toevoegen").click()
        _state_member(page, name, "BE")

    # the failing rule and its fix
    assert page.locator("#verdict").inner_text() == "Niet subsidiabel"
    assert _status(page, "art10_consortium") == "fail"
    row = page.locator("#rules tr[data-rule='art10_consortium']")
    assert "in 1 landen (België (BE))" in row.inner_text()
    fix = page.locator("#suggestions > li").first
    assert "Voeg 1 subsidiabele entiteit toe, gevestigd in een andere lidstaat of geassocieerd land dan België (BE)" in fix.inner_text()

    # a suggested partner, its data stated: eligible
    fix.get_by_role("button", name="Lyon Optique toevoegen").click()
    _state_member(page, "Lyon Optique", "FR")
    assert page.locator("#verdict").inner_text() == "Subsidiabel"
    for rule in ("art9_establishment", "art9_management", "art9_control", "art10_consortium", "art10_independence"):
        assert _status(page, rule) == "pass", rule

    # the eligibility note
    with page.expect_download() as download:
        page.get_by_role("link", name="Subsidiabiliteitsnota (PDF)").click()
    path = tmp_path / "note.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    with page.expect_download() as download:
        page.get_by_role("link", name="Subsidiabiliteitsnota (XLSX)").click()
    assert download.value.suggested_filename == "eligibility-kwantumsonar.xlsx"

    # approved, then a VISD project with the Flemish members as partners
    page.get_by_role("button", name="Het consortium goedkeuren").click()
    page.select_option("#domain", str(domain.pk))
    page.get_by_role("button", name="Omzetten in een VISD-project").click()
    project = VisdProject.objects.get(title="Kwantumsonar")
    page.wait_for_url(live_server.url + project.get_absolute_url())
    assert project.kind == "edf" and project.programme == TOPIC
    assert sorted(p.actor.name for p in project.partners.all()) == ["Kempen Radar Works", "Scheldt Sonar Systems"]
    assert Consortium.objects.get(title="Kwantumsonar").project == project
    assert "Scheldt Sonar Systems" in page.locator("main").inner_text()
