"""The write API of orientation roadmaps (/api/roadmaps/): starting a version, partial update with the
revision read, publishing, and adding and removing items go through visd.roadmaps.actions with the
permissions of the screens; bad input is a 400 and a stale revision a 409, and nothing is written."""

import pytest
from programme_world import *  # noqa: F401,F403
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from stakeholder_world import *  # noqa: F401,F403

from visd.capabilities.models import CapabilityNeed
from visd.funding.models import Call
from visd.roadmaps import actions
from visd.roadmaps.models import Roadmap, RoadmapItem
from visd.taxonomy.models import Concept, Scheme


def api_as(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user.is_authenticated:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def snapshot():
    """Everything the roadmap API could write, to show a refused request changed nothing."""
    roadmaps = [(r.pk, r.domain_id, r.version, r.status, r.revision, r.introduction, r.mapping_text, r.roadmap_text,
                 r.conclusion, sorted(r.calls.values_list("pk", flat=True)),
                 sorted(r.needs.values_list("pk", flat=True))) for r in Roadmap.objects.order_by("pk")]
    items = [(i.pk, i.roadmap_id, i.kind, i.title, i.start_year, i.end_year, i.order,
              sorted(i.related_domains.values_list("pk", flat=True))) for i in RoadmapItem.objects.order_by("pk")]
    return roadmaps, items, Roadmap.history.count(), RoadmapItem.history.count()


@pytest.fixture
def links(db):
    call = Call.objects.create(topic_id="EDF-2026-TEST-NAVAL", title="Naval drones")
    need = CapabilityNeed.objects.create(source_kind="sv2025", code="naval-drones", level="item",
                                         name="Naval drones", source="test")
    return call, need


@pytest.fixture
def captech(db):
    return Concept.objects.create(scheme=Scheme.CAPTECH, code="sensors", label_nl="Sensoren", label_en="Sensors",
                                  label_fr="Capteurs", source="test")


def fill(roadmap, user):
    """An introduction and one item: what publishing needs."""
    actions.update_roadmap(roadmap, {"introduction": "Visie maritiem"}, acting_user=user, expected_revision=None)
    actions.add_item(roadmap, {"kind": "technology", "title": "Autonome vaartuigen", "start_year": 2026,
                               "end_year": 2030}, acting_user=user)
    roadmap.refresh_from_db()
    return roadmap


def test_a_roadmap_is_started_edited_filled_and_published_through_the_api(world, users, links):
    call, need = links
    pm = users["pm_of_a"]
    api = api_as(pm)
    started = api.post("/api/roadmaps/", {"domain": world.maritime.pk}, format="json")
    assert started.status_code == 201, started.json()
    body = started.json()
    assert started["Location"].endswith(f"/api/roadmaps/{body['id']}/")
    assert (body["domain"], body["version"], body["status"], body["revision"]) == (world.maritime.pk, 1, "draft", 1)
    roadmap = Roadmap.objects.get(pk=body["id"])
    assert roadmap.history.get().history_user == pm
    url = f"/api/roadmaps/{roadmap.pk}/"

    changed = api.patch(url, {"introduction": "Visie maritiem", "conclusion": "Samen sterker",
                              "calls": [call.pk], "needs": [need.pk], "revision": 1}, format="json")
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert (body["introduction"], body["conclusion"], body["calls"], body["needs"], body["revision"]) == (
        "Visie maritiem", "Samen sterker", [call.pk], [need.pk], 2)
    # fields not sent stay as they are; an empty list unlinks
    unlinked = api.patch(url, {"needs": [], "revision": 2}, format="json")
    assert unlinked.status_code == 200
    assert (unlinked.json()["introduction"], unlinked.json()["calls"], unlinked.json()["needs"]) == (
        "Visie maritiem", [call.pk], [])

    added = api.post(f"{url}items/", {"kind": "technology", "title": "Autonome vaartuigen", "start_year": 2026,
                                      "end_year": 2030, "related_domains": [world.cyber.pk]}, format="json")
    assert added.status_code == 201, added.json()
    item = RoadmapItem.objects.get(pk=added.json()["id"])
    assert (item.roadmap, item.title, list(item.related_domains.all())) == (roadmap, "Autonome vaartuigen",
                                                                          [world.cyber])
    assert {entry.history_user for entry in item.history.all()} == {pm}

    published = api.post(f"{url}publish/", {"revision": 3}, format="json")
    assert published.status_code == 200, published.json()
    assert (published.json()["status"], published.json()["revision"]) == ("published", 4)
    assert published.json()["published_on"] is not None
    roadmap.refresh_from_db()
    assert roadmap.status == "published"
    latest = roadmap.history.order_by("-history_id").first()
    assert (latest.status, latest.history_user) == ("published", pm)
    entries = api.get(f"{url}history/").json()["results"]
    assert entries[0]["user"] == pm.get_username()
    assert entries[0]["type"] == "changed"
    # now public
    assert api_as(users["anonymous"]).get(url).json()["status"] == "published"

    # a published roadmap is not changed: start a new version (a copy), change that, remove its item
    assert api.patch(url, {"conclusion": "Anders", "revision": 4}, format="json").status_code == 400
    second = api.post("/api/roadmaps/", {"domain": world.maritime.pk}, format="json")
    assert second.status_code == 201, second.json()
    copy = second.json()
    assert (copy["version"], copy["introduction"], copy["calls"]) == (2, "Visie maritiem", [call.pk])
    assert [i["title"] for i in copy["items"]] == ["Autonome vaartuigen"]
    removed = api.delete(f"/api/roadmaps/{copy['id']}/items/{copy['items'][0]['id']}/")
    assert removed.status_code == 204
    assert not RoadmapItem.objects.filter(pk=copy["items"][0]["id"]).exists()
    assert RoadmapItem.objects.filter(pk=item.pk).exists(), "the published version keeps its item"
    assert RoadmapItem.history.filter(id=copy["items"][0]["id"], history_type="-").get().history_user == pm


def test_a_stale_revision_is_409_and_writes_nothing(programme, users):
    draft = programme.draft
    api = api_as(users["pm_of_a"])
    url = f"/api/roadmaps/{draft.pk}/"
    assert api.get(url).json()["revision"] == 1
    assert api.patch(url, {"conclusion": "A", "revision": 1}, format="json").status_code == 200
    before = snapshot()
    stale = api.patch(url, {"conclusion": "B", "revision": 1}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert "Someone else changed this orientation roadmap" in body["detail"]
    assert (body["your_revision"], body["current_revision"]) == (1, 2)
    assert (body["current"]["conclusion"], body["current"]["revision"]) == ("A", 2)
    assert body["yours"] == {"conclusion": "B", "revision": 1}
    assert "your_version" not in body, "version is the roadmap's version number, not its lock"
    assert snapshot() == before
    # publishing on a stale revision: the same
    draft.refresh_from_db()
    fill(draft, users["pm_of_a"])
    before = snapshot()
    stale = api.post(f"{url}publish/", {"revision": draft.revision - 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["status"] == "draft"
    assert snapshot() == before


@pytest.mark.parametrize("payload, field, message", [
    ({"domain": 999999}, "domain", "No focus domain with id 999999."),
    ({"domain": "captech"}, "domain", "No focus domain with id"),
    ({"domain": "maritiem"}, "domain", "Incorrect type"),
    ({"domain": [1]}, "domain", "Incorrect type"),
    ({}, "domain", "required"),
    ({"domain": None}, "domain", "may not be null"),
    ({"domain": "cyber", "status": "published"}, "status", "cannot be sent here"),
    ({"domain": "maritime"}, "status", "already has a draft roadmap"),  # the programme fixture's draft
])
def test_bad_start_input_is_400_and_changes_nothing(programme, world, users, captech, payload, field, message):
    ids = {"captech": captech.pk, "cyber": world.cyber.pk, "maritime": world.maritime.pk}
    payload = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in payload.items()}
    before = snapshot()
    response = api_as(users["director"]).post("/api/roadmaps/", payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert message in response.json()[field][0]
    assert snapshot() == before


@pytest.mark.parametrize("payload, field, message", [
    ({"conclusion": "X"}, "revision", "Give the revision of the roadmap you changed."),
    ({"conclusion": "X", "revision": "twee"}, "revision", "valid integer"),
    ({"conclusion": "X", "revision": 0}, "revision", "greater than or equal to 1"),
    ({"calls": [999999], "revision": 1}, "calls", "No call with id 999999."),
    ({"calls": "EDF-2026-TEST-NAVAL", "revision": 1}, "calls", "Expected a list"),
    ({"calls": ["EDF-2026-TEST-NAVAL"], "revision": 1}, "calls", "Incorrect type"),
    ({"needs": [999999], "revision": 1}, "needs", "No capability need with id 999999."),
    ({"introduction": {"nl": "Visie"}, "revision": 1}, "introduction", "Not a valid string."),
    ({"introduction": "Visie\x00", "revision": 1}, "introduction", "Null characters"),
    ({"conclusion": "X", "version": 2, "revision": 1}, "version", "cannot be sent here"),
    ({"status": "published", "revision": 1}, "status", "cannot be sent here"),
])
def test_bad_changes_are_400_and_change_nothing(programme, users, links, payload, field, message):
    url = f"/api/roadmaps/{programme.draft.pk}/"
    before = snapshot()
    response = api_as(users["pm_of_a"]).patch(url, payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert message in response.json()[field][0]
    assert snapshot() == before


def test_a_published_roadmap_is_not_changed_through_the_api(programme, users):
    roadmap = fill(programme.draft, users["pm_of_a"])
    actions.publish(roadmap, acting_user=users["pm_of_a"])
    roadmap.refresh_from_db()
    api = api_as(users["pm_of_a"])
    url = f"/api/roadmaps/{roadmap.pk}/"
    item = roadmap.items.get()
    before = snapshot()
    for response in (
        api.patch(url, {"conclusion": "X", "revision": roadmap.revision}, format="json"),
        api.post(f"{url}publish/", {"revision": roadmap.revision}, format="json"),
        api.post(f"{url}items/", {"kind": "project", "title": "X", "start_year": 2027, "end_year": 2028},
                 format="json"),
        api.delete(f"{url}items/{item.pk}/"),
    ):
        assert response.status_code == 400, response.json()
        assert response.json()["status"] == ["A published roadmap is not changed; start a new version."]
    assert snapshot() == before


def test_publishing_needs_an_introduction_and_an_item(programme, users):
    url = f"/api/roadmaps/{programme.draft.pk}/publish/"
    before = snapshot()
    api = api_as(users["pm_of_a"])
    refused = api.post(url, {"revision": 1}, format="json")
    assert refused.status_code == 400 and "at least an introduction" in refused.json()["status"][0]
    missing = api.post(url, {}, format="json")
    assert missing.json() == {"revision": ["Give the revision of the roadmap you publish."]}
    assert snapshot() == before


@pytest.mark.parametrize("payload, field, message", [
    ({"start_year": 2030, "end_year": 2026}, "end_year", "The end year cannot be before the start year."),
    ({"start_year": 1990}, "start_year", "Give a year between 2020 and 2050."),
    ({"end_year": 2999}, "end_year", "Give a year between 2020 and 2050."),
    ({"start_year": "twintig"}, "start_year", "valid integer"),
    ({"start_year": None}, "start_year", "may not be null"),
    ({"kind": "party"}, "kind", "not a valid choice"),
    ({"title": ""}, "title", "may not be blank"),
    ({"title": "x" * 301}, "title", "no more than 300 characters"),
    ({"order": -1}, "order", "greater than or equal to 0"),
    ({"related_domains": [999999]}, "related_domains", "No focus domain with id 999999."),
    ({"related_domains": "captech"}, "related_domains", "No focus domain with id"),
    ({"roadmap": 1}, "roadmap", "cannot be sent here"),
])
def test_bad_items_are_400_and_change_nothing(programme, users, captech, payload, field, message):
    item = {"kind": "capability", "title": "Mijnenbestrijding", "start_year": 2026, "end_year": 2032, **payload}
    if item.get("related_domains") == "captech":
        item["related_domains"] = [captech.pk]
    before = snapshot()
    response = api_as(users["pm_of_a"]).post(f"/api/roadmaps/{programme.draft.pk}/items/", item, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert message in response.json()[field][0]
    assert snapshot() == before


def test_removing_an_unknown_item_is_400_and_changes_nothing(programme, world, users):
    pm = users["pm_of_a"]
    maritime = fill(programme.draft, pm)
    cyber = fill(actions.start_version(world.cyber, acting_user=users["director"]), users["director"])
    other = cyber.items.get()
    before = snapshot()
    api = api_as(users["director"])
    for item_id in (999999, other.pk):  # no such item; an item of another roadmap
        response = api.delete(f"/api/roadmaps/{maritime.pk}/items/{item_id}/")
        assert response.status_code == 400
        assert response.json() == {"item": ["This item was already removed."]}
    assert api.delete(f"/api/roadmaps/{maritime.pk}/items/x/").status_code == 404
    assert snapshot() == before


def test_roadmap_writes_follow_the_roles_of_the_screens(programme, world, users):
    draft = fill(programme.draft, users["pm_of_a"])  # maritime: pm_of_a's portfolio
    url = f"/api/roadmaps/{draft.pk}/"
    item = draft.items.get()
    writes = [
        ("patch", url, {"conclusion": "Elders", "revision": draft.revision}),
        ("post", f"{url}items/", {"kind": "project", "title": "X", "start_year": 2027, "end_year": 2028}),
        ("delete", f"{url}items/{item.pk}/", None),
        ("post", f"{url}publish/", {"revision": draft.revision}),
    ]

    def statuses(user):
        api = api_as(user)
        return [getattr(api, method)(path, data, format="json").status_code for method, path, data in writes]

    def start(user, domain):
        return api_as(user).post("/api/roadmaps/", {"domain": domain.pk}, format="json").status_code

    before = snapshot()
    # a programme manager of another portfolio: neither start nor change maritime's roadmaps
    assert start(users["pm_other"], world.maritime) == 403
    assert statuses(users["pm_other"]) == [403, 403, 403, 403]
    # a draft is invisible to those who may not see it: 404, as on the pages; starting one is refused
    for name in ("actor_user_a", "no_role"):
        assert start(users[name], world.cyber) == 403
        assert statuses(users[name]) == [404, 404, 404, 404]
        assert api_as(users[name]).get(url).status_code == 404
    assert start(users["anonymous"], world.cyber) == 401
    assert statuses(users["anonymous"]) == [401, 401, 401, 401]
    assert snapshot() == before
    # ... while pm_other starts the roadmap of their own domain
    assert start(users["pm_other"], world.cyber) == 201
    # management may do everything
    director = api_as(users["director"])
    Roadmap.objects.filter(domain=world.cyber).delete()
    assert start(users["director"], world.cyber) == 201
    assert director.patch(url, {"conclusion": "Directie", "revision": draft.revision}, format="json").status_code == 200
    added = director.post(f"{url}items/", {"kind": "project", "title": "X", "start_year": 2027, "end_year": 2028},
                          format="json")
    assert added.status_code == 201
    assert director.delete(f"{url}items/{added.json()['id']}/").status_code == 204
    assert director.post(f"{url}publish/", {"revision": draft.revision + 1}, format="json").status_code == 200
    # a published roadmap is visible to an actor user, still not theirs to change: 403
    assert api_as(users["actor_user_a"]).get(url).status_code == 200
    before = snapshot()
    assert statuses(users["actor_user_a"]) == [403, 403, 403, 403]
    assert snapshot() == before


def test_replacing_or_deleting_a_roadmap_is_not_offered(programme, world, users):
    api = api_as(users["director"])
    url = f"/api/roadmaps/{programme.draft.pk}/"
    before = snapshot()
    assert api.put(url, {"domain": world.maritime.pk, "revision": 1}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    assert snapshot() == before


def test_the_schema_documents_the_roadmap_writes(client, db):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"get", "post"} <= set(paths["/api/roadmaps/"])
    assert set(paths["/api/roadmaps/{id}/"]) == {"get", "patch"}
    assert {"400", "401", "403", "404", "409"} <= set(paths["/api/roadmaps/{id}/"]["patch"]["responses"])
    assert "409" in paths["/api/roadmaps/{id}/publish/"]["post"]["responses"]
    assert set(paths["/api/roadmaps/{id}/items/{item_id}/"]) == {"delete"}
