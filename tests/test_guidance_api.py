"""The navigator API (/api/guidance/navigator/) answers like the navigator page, checks its
parameters, and the facility finder's filters work on /api/infrastructure/; both are in the schema."""

import re
from html import unescape
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from visd.actors.models import Actor
from visd.facilities.importer import EXAMPLE_FILE, import_facilities
from visd.facilities.models import Infrastructure
from visd.guidance.examples import EXAMPLES
from visd.reference.loader import load_reference

NAVIGATOR = "/api/guidance/navigator/"


@pytest.fixture
def catalogue(db):
    load_reference()
    import_facilities(EXAMPLE_FILE.read_text(encoding="utf-8"), file_name=EXAMPLE_FILE.name)


def page(client, params) -> str:
    response = client.get("/guidance/navigator/?" + urlencode(params), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def api(client, params, status=200) -> dict:
    response = client.get(NAVIGATOR + "?" + urlencode(params), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, response.content
    return response.json()


@pytest.mark.parametrize("code", [code for code, _title, _params in EXAMPLES])
def test_the_four_situations_give_the_same_answer_as_the_page(client, catalogue, code):
    params = next(params for key, _title, params in EXAMPLES if key == code)
    html = page(client, params)
    text = unescape(html)
    data = api(client, params)
    assert [i["code"] for i in data["instruments"]] == re.findall(r'data-code="([^"]+)"', html)
    assert [c["code"] for c in data["contact_points"]] == re.findall(r'data-contact="([^"]+)"', html)
    assert [o["code"] for o in data["obligations"]] == re.findall(r'data-obligation="([^"]+)"', html)
    assert [a["code"] for a in data["instruments"] if a["aid"]] == re.findall(r'data-aid="([^"]+)"', html)
    assert data["instruments"], "every reference situation has fitting instruments"
    for instrument in data["instruments"]:
        assert instrument["reasons"], instrument["code"]
        for reason in instrument["reasons"] + instrument["caveats"]:
            assert reason["text"] and reason["text"] in text, reason  # the page's own sentence
        assert instrument["url"] == f"/guidance/instruments/{instrument['code']}/"
    assert data["rules_version"] and data["rules"]
    assert data["page_url"].startswith("http://testserver/guidance/navigator/?")


def test_the_drone_sensor_answer_carries_reasons_sources_and_the_aid_figures(client, catalogue):
    params = next(params for key, _title, params in EXAMPLES if key == "drone-sensor-sme")
    data = api(client, params)
    first = data["instruments"][0]
    assert first["code"] == "vlaio-defence-rd-call"
    reasons = {r["code"]: r for r in first["reasons"]}
    assert reasons["trl-phase"]["values"] == {"trl": 4, "phase": "research"}
    assert all(r["source"] for r in first["reasons"])
    aid = first["aid"]
    assert aid["project_kind"] == "development" and aid["size"] == "small"
    assert Decimal(str(aid["base_percent"])) == 60 and Decimal(str(aid["total_amount"])) == 300_000
    assert Decimal(str(aid["project_cost"])) == 500_000 and aid["problem"] == ""
    assert any("2.1, lines 286-288" in source for source in aid["sources"])
    assert data["profile"] == {"goal": "develop", "kind": "company", "size": "small", "region": "flanders",
                               "startup": False, "domains": ["luchtvaart-uav"], "trl": 4, "destination": "",
                               "project_cost": 500000, "collaboration": False}
    assert data["trl_phase"] == "research"
    assert any("DronePort" in f["name"] for f in data["facilities"])
    collaborating = api(client, {**params, "collaboration": "on"})["instruments"][0]["aid"]
    assert Decimal(str(collaborating["bonus_percent"])) == 15 and Decimal(str(collaborating["total_amount"])) == 375_000


def test_an_unknown_rate_is_reported_not_guessed(client, catalogue):
    data = api(client, {"goal": "develop", "kind": "company", "size": "medium", "region": "flanders",
                        "project_cost": "100000"})
    aid = next(i["aid"] for i in data["instruments"] if i["code"] == "vlaio-defence-rd-call")
    assert aid["problem"] == "rate-unknown" and aid["total_amount"] is None and aid["problem_text"]


@pytest.mark.parametrize(("params", "field", "message"), [
    ({}, "goal", "This field is required."),
    ({"goal": "sell"}, "goal", '"sell" is not a valid choice; give one of: research, develop, test, finance, export, partners.'),
    ({"goal": "develop", "kind": "<script>"}, "kind", '"<script>" is not a valid choice; give one of: company,'),
    ({"goal": "develop", "size": "huge"}, "size", '"huge" is not a valid choice; give one of: micro, small, medium, large.'),
    ({"goal": "develop", "region": "mars"}, "region", '"mars" is not a valid choice'),
    ({"goal": "export", "destination": "moon"}, "destination", '"moon" is not a valid choice; give one of: eu, non_eu.'),
    ({"goal": "develop", "domain": "underwater-basket-weaving"}, "domain",
     'Unknown focus domain "underwater-basket-weaving".'),
    ({"goal": "develop", "domain": "ai\x00"}, "domain", "Null characters are not allowed."),
    ({"goal": "develop", "trl": "12"}, "trl", "Ensure this value is less than or equal to 9."),
    ({"goal": "develop", "trl": "four"}, "trl", "A valid integer is required."),
    ({"goal": "develop", "project_cost": "-5"}, "project_cost", "Ensure this value is greater than or equal to 0."),
    ({"goal": "develop", "project_cost": "1.5"}, "project_cost", "Ensure that there are no more than 0 decimal places."),
    ({"goal": "develop", "startup": "maybe"}, "startup", "Must be a valid boolean."),
    ({"goal": "develop", "actor": "999999"}, "actor", "There is no actor with id 999999."),
])
def test_bad_parameters_are_a_400_with_a_message_per_parameter(client, catalogue, params, field, message):
    errors = api(client, params, status=400)
    assert set(errors) == {field}
    assert errors[field][0].startswith(message)


def test_several_bad_parameters_are_all_reported(client, catalogue):
    errors = api(client, {"goal": "sell", "trl": "0", "size": "huge"}, status=400)
    assert set(errors) == {"goal", "trl", "size"}


def test_empty_values_mean_not_given_as_on_the_page(client, catalogue):
    params = {"goal": "research", "kind": "", "size": "", "region": "", "domain": "", "trl": "", "destination": "",
              "project_cost": ""}
    data = api(client, params)
    assert [i["code"] for i in data["instruments"]] == re.findall(r'data-code="([^"]+)"', page(client, params))
    assert data["profile"]["kind"] == "" and data["profile"]["trl"] is None


def test_an_actor_fills_in_the_answers_not_given(client, catalogue):
    actor = Actor.objects.create(name="Kempen Optics", kind="company", size_class="small", country="BE",
                                 postcode="2440")
    data = api(client, {"goal": "develop", "actor": actor.pk})
    assert (data["profile"]["kind"], data["profile"]["size"], data["profile"]["region"]) == ("company", "small",
                                                                                              "flanders")
    explicit = api(client, {"goal": "develop", "actor": actor.pk, "kind": "university", "size": ""})
    assert (explicit["profile"]["kind"], explicit["profile"]["size"]) == ("university", "")


def test_the_navigator_api_is_public_and_read_only(client, catalogue, make_user):
    assert client.get(NAVIGATOR + "?goal=test").status_code == 200
    assert client.post(NAVIGATOR + "?goal=test").status_code in (401, 403)
    client.force_login(make_user("administrator"))
    assert client.post(NAVIGATOR + "?goal=test").status_code == 405


# --- the facility finder's filters on /api/infrastructure/ ------------------------------------------

def test_the_finder_filters_work_on_the_api_like_on_the_page(client, catalogue):
    assert Infrastructure.objects.exists()
    for query in ({"domain": "luchtvaart-uav", "phase": "test"}, {"phase": "certify"}, {"q": "DronePort"}):
        html = client.get("/facilities/?" + urlencode(query), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        api_query = {("domain_code" if k == "domain" else k): v for k, v in query.items()}
        rows = client.get("/api/infrastructure/?" + urlencode(api_query)).json()["results"]
        on_page = {f.pk for f in Infrastructure.objects.all() if f'href="/facilities/{f.pk}/"' in html}
        assert {row["id"] for row in rows} == on_page, query
    drone_port = client.get("/api/infrastructure/?domain_code=luchtvaart-uav").json()["results"]
    assert drone_port and all(row["domains"] for row in drone_port)


@pytest.mark.parametrize(("query", "field"), [
    ({"phase": "launch"}, "phase"), ({"domain_code": "nope"}, "domain_code"), ({"domain": "999999"}, "domain"),
    ({"operator": "abc"}, "operator"),
])
def test_unknown_finder_values_are_a_400_with_the_parameter(client, catalogue, query, field):
    response = client.get("/api/infrastructure/?" + urlencode(query))
    assert response.status_code == 400
    assert list(response.json()) == [field] and response.json()[field]


def test_the_schema_lists_the_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    navigator = schema["paths"]["/api/guidance/navigator/"]["get"]
    parameters = {p["name"]: p for p in navigator["parameters"]}
    assert set(parameters) == {"goal", "kind", "size", "startup", "region", "domain", "trl", "destination",
                               "project_cost", "collaboration", "actor"}
    assert parameters["goal"]["required"] is True
    assert parameters["goal"]["schema"]["enum"] == ["research", "develop", "test", "finance", "export", "partners"]
    assert {} in navigator["security"], "public, like the page"
    assert {"200", "400"} <= set(navigator["responses"])
    answer = navigator["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"instruments", "excluded", "contact_points", "obligations", "facilities"} <= set(
        schema["components"]["schemas"][answer]["properties"])
    finder = {p["name"] for p in schema["paths"]["/api/infrastructure/"]["get"]["parameters"]}
    assert {"q", "domain", "domain_code", "phase", "operator", "city"} <= finder
