"""Match pages and API endpoints: a call, a need and an actor show their matches with reasons; the
strength map as an HTML heat map and a CSV file; partner search; the OpenAPI schema."""

import csv
import io

import pytest
from django.urls import reverse

from matchmaking_world import build_world
from visd.matchmaking import service

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    service.forget()
    w = build_world()
    service.build()  # what `visd tag` does: pages only read the persisted index
    yield w
    service.forget()


def names_in_order(html: str, names: list[str]) -> list[str]:
    found = [(html.find(n), n) for n in names if n in html]
    return [n for _, n in sorted(found)]


def test_call_detail_links_to_its_matches(client, world):
    html = client.get(reverse("funding:call_detail", args=[world.call.topic_id])).content.decode()
    assert reverse("matchmaking:call", args=[world.call.topic_id]) in html


def test_call_page_ranks_actors_with_reasons(client, world):
    response = client.get(reverse("matchmaking:call", args=[world.call.topic_id]))
    assert response.status_code == 200
    html = response.content.decode()
    # drone actors are found, the cyber company is not
    assert "Scheldt Drone Systems" in html and "Radars de Provence" in html and "Leuven Radar Lab" in html
    assert "Kempen Cyber" not in html
    # reasons: the shared concept (in Dutch), the matched terms, the past project as evidence
    assert "Dronebestrijding" in html
    assert "HARBOURSHIELD" in html and reverse("projects:detail", args=[world.project.pk]) in html
    assert 'class="score"' in html
    # how the score is made: the channels with their weights, and the track record behind activity
    assert "Hoe de score tot stand komt" in html
    assert "best passende teksten" in html and "volledige staat van dienst" in html and "recente activiteit" in html
    assert "eerder project" in html or "eerdere projecten" in html


def test_call_page_filters(client, world):
    url = reverse("matchmaking:call", args=[world.call.topic_id])
    html = client.get(url, {"country": "FR"}).content.decode()
    assert "Radars de Provence" in html and "Scheldt Drone Systems" not in html
    html = client.get(url, {"region": "flanders", "kind": "university"}).content.decode()
    assert "Leuven Radar Lab" in html and "Scheldt Drone Systems" not in html and "Radars de Provence" not in html
    bad = client.get(url, {"region": "mars"})
    assert bad.status_code == 200 and "mars" in bad.content.decode() and 'role="alert"' in bad.content.decode()
    assert 'id="matches"' not in bad.content.decode()
    assert client.get(reverse("matchmaking:call", args=["NO-SUCH"])).status_code == 404


def test_need_page(client, world):
    html = client.get(reverse("matchmaking:need", args=[world.need.pk])).content.decode()
    assert names_in_order(html, ["Scheldt Drone Systems", "Kempen Cyber"])[0] == "Kempen Cyber"
    assert "Cyberveiligheid" in html
    need_page = client.get(reverse("capabilities:detail", args=[world.need.pk])).content.decode()
    assert reverse("matchmaking:need", args=[world.need.pk]) in need_page


def test_actor_page_lists_calls_and_needs(client, world):
    html = client.get(reverse("matchmaking:actor", args=[world.sonar.pk])).content.decode()
    assert world.call.title in html and world.call.topic_id in html
    cyber = client.get(reverse("matchmaking:actor", args=[world.cyberco.pk])).content.decode()
    assert world.need.name in cyber
    actor_page = client.get(reverse("actors:detail", args=[world.sonar.pk])).content.decode()
    assert reverse("matchmaking:actor", args=[world.sonar.pk]) in actor_page


def test_strength_map_page_and_csv(client, world):
    html = client.get(reverse("matchmaking:strength")).content.decode()
    assert "<table" in html and "Dronebestrijding" in html and "Cyberveiligheid" in html
    assert world.need.name in html and world.call.title in html
    assert 'style="background:' in html and 'scope="row"' in html
    response = client.get(reverse("matchmaking:strength_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_key = {r["key"]: r for r in rows}
    domain = by_key["focus_domain:counter-uav"]
    # Flemish actors able in counter-UAV: the drone company (own text) and the lab (coordinated project)
    assert int(domain["able_actors"]) == 2 and int(domain["industry"]) == 1 and int(domain["knowledge"]) == 1
    assert int(domain["coordinators"]) == 1 and int(domain["open_calls"]) == 1
    assert "Scheldt Drone Systems" in domain["top_actors"]
    assert "Radars de Provence" not in response.content.decode(), "only Flemish actors by default"
    assert by_key[f"need:{world.need.pk}"]["kind"] == "need"
    assert by_key[f"call:{world.call.pk}"]["kind"] == "call"


def test_strength_maps_are_cached_per_region_until_the_index_changes(world):
    from visd.matchmaking import matches

    flanders = matches.strength("flanders")
    brussels = matches.strength("brussels")
    assert flanders is not brussels
    # asking for one region does not evict the other
    assert matches.strength("flanders") is flanders and matches.strength("brussels") is brussels
    # a change to the index (here: one actor's description, brought in by an update) drops every region's map
    world.sonar.description_en += " Also sonar buoys."
    world.sonar.save()
    service.update()
    fresh = matches.strength("flanders")
    assert fresh is not flanders and matches.strength("brussels") is not brussels
    assert [r.key for r in fresh.rows] == [r.key for r in flanders.rows]


def test_partner_search_proposes_complementary_partners(client, world):
    url = reverse("matchmaking:partners")
    assert client.get(url).status_code == 200
    html = client.get(url, {"text": "Drone detection radar for ports, protected against cyber attack",
                            "members": str(world.sonar.pk)}).content.decode()
    listed = html.split('id="matches"')[1]
    assert "Scheldt Drone Systems" not in listed, "members are not proposed"
    assert "Kempen Cyber" in listed, "the cyber company adds what the members lack"
    assert "Cyberveiligheid" in listed
    errors = client.get(url, {"text": "drones", "members": "nobody"}).content.decode()
    assert "nobody" in errors and 'role="alert"' in errors


def test_api_matches_with_reasons(client, world):
    results = client.get(f"/api/matching/call/{world.call.topic_id}/", {"top": 3}).json()
    assert len(results) == 3
    assert {"id", "name", "pic", "vat", "kbo", "country", "region", "score", "explanation"} <= set(results[0])
    assert results[0]["explanation"]["shared_concepts"][0]["concept_id"] == "focus_domain:counter-uav"
    need = client.get(f"/api/matching/need/{world.need.pk}/").json()
    assert need[0]["name"] == "Kempen Cyber"
    text = client.get("/api/matching/text/", {"text": "détection de drones", "country": "BE"}).json()
    assert text and all(r["country"] == "BE" for r in text)
    actor = client.get(f"/api/matching/actor/{world.sonar.pk}/").json()
    assert actor["calls"][0]["topic_id"] == world.call.topic_id and actor["calls"][0]["explanation"]["open"]
    partners = client.get("/api/matching/partners/", {"text": "drone detection and cyber attack",
                                                      "members": str(world.sonar.pk)}).json()
    assert world.sonar.pk not in [p["id"] for p in partners]
    smap = client.get("/api/matching/strength-map/").json()
    assert smap["region"] == "flanders" and any(r["key"] == "focus_domain:cyber" for r in smap["rows"])
    tags = client.get("/api/concept-tags/", {"target_type": "call", "object_id": world.call.pk}).json()
    assert [t["concept"] for t in tags["results"]] == ["counter-uav"]


def test_api_bad_arguments(client, world):
    assert client.get("/api/matching/call/NO-SUCH/").status_code == 404
    assert client.get("/api/matching/need/999999/").status_code == 404
    assert client.get("/api/matching/text/", {"text": ""}).status_code == 400
    assert client.get("/api/matching/text/", {"text": "drones", "region": "mars"}).status_code == 400
    assert client.get("/api/matching/text/", {"text": "drones", "top": "0"}).status_code == 400
    assert client.get("/api/matching/partners/", {"text": "drones", "members": "x"}).status_code == 400
    assert client.get("/api/matching/strength-map/", {"region": "mars"}).status_code == 400


def test_an_oversized_query_text_is_refused_with_its_length(client, world):
    from visd.matchmaking.matches import MAX_QUERY_CHARACTERS

    text = ("drone " * (MAX_QUERY_CHARACTERS // 6 + 1)).strip()  # 20,003 characters
    for url in ("/api/matching/text/", "/api/matching/partners/"):
        response = client.get(url, {"text": text}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "too long: at most 20,000 characters, this one has 20,003" in str(response.json())
    page = client.get("/matching/partners/", {"text": text}, HTTP_ACCEPT_LANGUAGE="nl")
    assert "De tekst is te lang: ten hoogste 20.000 tekens, deze telt er 20.003." in page.content.decode()
    assert client.get("/api/matching/text/", {"text": "drone " * 1000}).status_code == 200  # long, not too long


def test_api_is_read_only(client, world, make_user):
    client.force_login(make_user("administrator"))
    assert client.post("/api/concept-tags/", {}).status_code == 405
    assert client.post(f"/api/matching/call/{world.call.topic_id}/", {}).status_code == 405


def test_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/matching/call/{topic_id}/", "/api/matching/need/{need_id}/", "/api/matching/actor/{actor_id}/",
                 "/api/matching/partners/", "/api/matching/strength-map/", "/api/concept-tags/"):
        assert path in schema


def test_partner_search_shows_knowledge_security_country_information_to_visd_users(client, world, make_user):
    url = reverse("matchmaking:partners")
    query = {"text": "Radar systems for drone detection at sea", "members": str(world.sonar.pk)}
    france = reverse("screening:country", args=["FR"])
    assert france not in client.get(url, query).content.decode(), "not for anonymous visitors"
    client.force_login(make_user("programme_manager"))
    html = client.get(url, query).content.decode()
    assert "Radars de Provence" in html and france in html
