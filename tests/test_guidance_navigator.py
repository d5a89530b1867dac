"""The navigator: the pure engine on plain facts, and four real situations answered from the loaded
catalogue, as the navigator page shows them."""

import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from visd.facilities.importer import EXAMPLE_FILE, import_facilities
from visd.guidance import navigator
from visd.guidance.examples import EXAMPLES
from visd.guidance.navigator import (ContactFacts, FacilityFacts, InstrumentFacts, ObligationFacts, Profile,
                                     RateFacts, recommend)
from visd.reference.loader import load_reference

# --- the engine, without a database -----------------------------------------------------------------

GRANT = InstrumentFacts(
    code="grant", level="flemish", phases=("research", "test"), offer_kinds=("grant",),
    applicant_kinds=("company",), applicant_regions=("flanders",),
    rates=(RateFacts("development", "small", "base", Decimal(60), "plan, line 1"),
           RateFacts("development", "medium", "base", None, "plan, line 1 (silent)"),
           RateFacts("any", "any", "collaboration_bonus", Decimal(15), "plan, line 2")),
    sources={"phases": "doc, line 5", "applicants": "doc, line 6", "record": "doc, line 4"})
MANDATE = InstrumentFacts(code="mandate", level="flemish", phases=("research",), offer_kinds=("mandate",),
                          applicant_kinds=("university",), sources={"phases": "doc, line 7", "applicants": "doc, 8"})
LOAN = InstrumentFacts(code="loan", level="flemish", phases=("production",), offer_kinds=("loan",),
                       sources={"record": "doc, line 9"})
STARTER = InstrumentFacts(code="starter", level="flemish", offer_kinds=("equity",), startups_only=True,
                          applicant_kinds=("company",), sources={"applicants": "doc, line 10"})
TRL_LIMITED = InstrumentFacts(code="trl", level="eu", phases=("test",), offer_kinds=("grant",), trl_min=5, trl_max=7,
                              sources={"trl": "doc, line 11"})
ALL = [GRANT, MANDATE, LOAN, STARTER, TRL_LIMITED]


def test_goal_selects_phases_and_kinds_of_support():
    assert recommend(Profile(goal="develop"), ALL).codes == ["grant", "trl"]
    assert set(recommend(Profile(goal="research"), ALL).codes) == {"grant", "mandate"}
    assert set(recommend(Profile(goal="finance", startup=True), ALL).codes) == {"loan", "starter"}


def test_eligibility_excludes_with_the_reason_and_its_source():
    result = recommend(Profile(goal="research", kind="university", region="wallonia"), ALL)
    assert result.codes == ["mandate"]
    (exclusion,) = result.excluded
    assert exclusion.code == "grant"
    assert {r.code for r in exclusion.reasons} == {"kind-excluded", "region-excluded"}
    assert all(r.source == "doc, line 6" for r in exclusion.reasons)


def test_unanswered_or_unknown_eligibility_stays_in_with_a_caveat():
    match = recommend(Profile(goal="develop"), ALL).matches[0]
    assert {c.code for c in match.caveats} == {"kind-unanswered", "region-unanswered"}
    loan = recommend(Profile(goal="finance"), ALL).matches[0]
    assert loan.code == "loan" and [c.code for c in loan.caveats] == ["applicants-unknown"]


def test_start_up_only_instruments():
    assert "starter" not in recommend(Profile(goal="finance"), ALL).codes
    starter = next(m for m in recommend(Profile(goal="finance", startup=True, kind="company"), ALL).matches
                   if m.code == "starter")
    assert "startup" in {r.code for r in starter.reasons}


def test_trl_places_in_a_phase_and_a_recorded_range_excludes():
    assert navigator.trl_phase(4) == "research" and navigator.trl_phase(5) == "test"
    assert navigator.trl_phase(9) == "production" and navigator.trl_phase(None) == ""
    in_range = recommend(Profile(goal="test", trl=6), ALL)
    assert in_range.codes == ["trl", "grant"]  # the TRL range and the TRL phase both count
    assert {r.code for r in in_range.matches[0].reasons} >= {"trl-range", "trl-phase"}
    assert recommend(Profile(goal="test", trl=3), ALL).excluded[0].code == "trl"
    with pytest.raises(ValueError):
        Profile(goal="test", trl=10)
    with pytest.raises(ValueError):
        Profile(goal="sell")


def test_aid_intensity_uses_known_rates_only():
    aid = recommend(Profile(goal="develop", size="small", project_cost=Decimal(200_000), collaboration=True),
                    ALL).matches[0].aid
    assert (aid.base_percent, aid.bonus_percent, aid.total_percent) == (60, 15, 75)
    assert aid.total_amount == 150_000 and aid.base_amount == 120_000
    assert aid.sources == ("plan, line 1", "plan, line 2")
    medium = recommend(Profile(goal="develop", size="medium", project_cost=Decimal(200_000)), ALL).matches[0].aid
    assert medium.problem == "rate-unknown" and medium.total_amount is None
    assert recommend(Profile(goal="develop"), ALL).matches[0].aid.problem == "size-unknown"
    assert recommend(Profile(goal="develop", size="large"), ALL).matches[0].aid.problem == "no-rate-for-case"


def test_contacts_obligations_and_facilities_follow_the_answer():
    contacts = [ContactFacts("advisers", goals=("develop",), source="c1"),
                ContactFacts("fund", instruments=("loan",), source="c2"),
                ContactFacts("buyer", phases=("production",), source="c3")]
    obligations = [ObligationFacts("licence", goals=("export",), destinations=("non_eu",), source="o1"),
                   ObligationFacts("ethics", instruments=("grant",), source="o2")]
    facilities = [FacilityFacts(1, phases=("test",), domains=("drones",)), FacilityFacts(2, phases=("test",), domains=("space",)),
                  FacilityFacts(3, phases=(), domains=("drones",)), FacilityFacts(4, phases=("certify",))]
    result = recommend(Profile(goal="develop", domains=("drones",)), ALL, contacts, obligations, facilities)
    assert [c.code for c in result.contacts] == ["advisers"]
    assert result.obligations == ["ethics"] and result.facilities == [1, 4]
    export = recommend(Profile(goal="export", destination="non_eu", trl=9), ALL, contacts, obligations, facilities)
    assert [c.code for c in export.contacts] == ["buyer"] and export.obligations == ["licence"]
    assert export.facilities == []
    assert recommend(Profile(goal="export", destination="eu"), ALL, contacts, obligations).obligations == []


# --- four real situations, from the loaded catalogue ------------------------------------------------

@pytest.fixture
def catalogue(db):
    load_reference()
    import_facilities(EXAMPLE_FILE.read_text(encoding="utf-8"), file_name=EXAMPLE_FILE.name)


def answer(client, params):
    response = client.get("/guidance/navigator/?" + urlencode(params), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    return response, html, re.findall(r'data-code="([^"]+)"', html)


def example(code):
    return next(params for key, _, params in EXAMPLES if key == code)


def test_drone_sensor_sme_at_trl4_wanting_a_prototype(client, catalogue):
    response, html, codes = answer(client, example("drone-sensor-sme"))
    assert codes[0] == "vlaio-defence-rd-call"
    assert {"vlaio-development-project", "vlaio-feasibility-study", "visd-innovation-industry-support",
            "vlaio-business-advisors"} <= set(codes)
    assert not {"fwo-predoctoral-mandates", "fsdb", "pmv-equity"} & set(codes)  # not for companies / not this goal
    # Aid: a small enterprise, a development project of EUR 500,000 at 60% (Flemish Defence Plan 2.1).
    assert "at most € 300,000 on an eligible cost of € 500,000" in html
    assert ">Flemish Defence Plan, 2.1</a>" in html and "?passage=286-288#r286" in html   # cited (visd.sources)
    contacts = re.findall(r'data-contact="([^"]+)"', html)
    assert "vlaio-business-advisers" in contacts
    assert "DronePort" in html  # the test-facility finder
    assert "esac-binding-advice" in re.findall(r'data-obligation="([^"]+)"', html)
    assert "TRL 4 lies in the phase “Research, concept and prototyping”" in html


def test_university_group_looking_for_defence_research_funding(client, catalogue):
    _, html, codes = answer(client, example("university-research"))
    assert codes[0] == "fsdb"
    assert {"fwo-sbo", "fwo-fundamental-research-projects", "defra", "edf", "horizon-europe"} <= set(codes)
    assert not {"vlaio-development-project", "vlaio-research-project", "vlaio-defence-rd-call"} & set(codes)
    contacts = re.findall(r'data-contact="([^"]+)"', html)
    assert {"fwo", "ncp-flanders", "rhid"} <= set(contacts)
    assert "fris-registration" in re.findall(r'data-obligation="([^"]+)"', html)
    assert ">VISD strategy, 4.3.2.3</a>" in html and "?passage=998-1001#r998" in html


def test_start_up_looking_for_capital(client, catalogue):
    _, html, codes = answer(client, example("startup-capital"))
    assert codes[0] == "nato-innovation-fund"
    assert {"flemish-defence-fund", "pmv-equity", "pmv-subordinated-loans", "pmv-gigarant",
            "lrm-venture-capital"} <= set(codes)
    assert not {"fsdb", "vlaio-defence-rd-call", "safe"} & set(codes)  # grants and loans to states are not capital
    assert {"pmv", "vlaio-financial-advisers"} <= set(re.findall(r'data-contact="([^"]+)"', html))
    assert "Business finance in Limburg" in html  # LRM's regional note


def test_company_exporting_a_component_outside_the_eu(client, catalogue):
    _, html, codes = answer(client, example("export-outside-eu"))
    assert set(codes) == {"fit-defence-internationalisation", "strategic-goods-control", "enterprise-europe-network"}
    obligations = re.findall(r'data-obligation="([^"]+)"', html)
    assert {"export-licence-dual-use", "export-prior-authorisation", "export-licence-lead-time"} <= set(obligations)
    assert 'href="/screening/export/"' in html
    assert "at least 6 months" in html and "indicatively at most 42 or 84 days" in html
    assert ">VARIO advice 38, 4.3.7</a>" in html and "?passage=1804-1813#r1804" in html
    assert {"fit", "strategic-goods-control", "nad"} <= set(re.findall(r'data-contact="([^"]+)"', html))


def test_every_example_is_linked_on_the_page(client, catalogue):
    html = client.get("/guidance/navigator/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for code, title, _params in EXAMPLES:
        assert f'data-example="{code}"' in html and str(title) in html
    assert 'id="answer"' not in html  # no answer before a question
    assert "guidance/guidance.css" in html


def test_answer_is_a_shareable_get_link_and_bad_answers_are_errors_not_crashes(client, catalogue):
    params = example("drone-sensor-sme")
    _, html, _ = answer(client, params)
    assert 'id="share-link"' in html and "goal=develop" in html
    response, html, codes = answer(client, {**params, "trl": "12", "kind": "<script>"})
    assert codes == [] and 'id="answer"' not in html
    assert "<script>" not in html.split("<main", 1)[1]
    response, html, codes = answer(client, {**params, "project_cost": "-5"})
    assert codes == []


def test_navigator_prefills_from_a_registry_actor(client, catalogue):
    from visd.actors.models import Actor

    actor = Actor.objects.create(name="Kempen Optics", kind="company", size_class="small", country="BE", postcode="2440")
    html = client.get(f"/guidance/navigator/?actor={actor.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kempen Optics" in html
    assert re.search(r'<option value="small" selected>', html)
    assert re.search(r'<option value="flanders" selected>', html)
    _, html, codes = answer(client, {"actor": actor.pk, "goal": "develop", "kind": "company", "size": "small",
                                     "region": "flanders"})
    assert codes[0] == "vlaio-defence-rd-call"


def test_the_page_prints_cleanly():
    from pathlib import Path

    css = (Path(navigator.__file__).parent / "static" / "guidance" / "guidance.css").read_text()
    assert "@media print" in css and ".navigator-form" in css
