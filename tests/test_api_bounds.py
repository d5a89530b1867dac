"""Bounded work per API request (issue 18, item 6): page sizes are capped for every list endpoint
in one place (visd.core.api.pagination), and a limit, offset or filter value the databases cannot
hold, or a JSON body nested too deep, is a 400 naming the problem, never a server error."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from visd.actors.models import Actor, ActorKind
from visd.matchmaking.models import ConceptTag
from visd.taxonomy.models import Concept, Scheme

HUGE = "99999999999999999999"  # beyond 2**63 - 1


@pytest.fixture
def client():
    return APIClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def concept_tags(db):
    concepts = [Concept.objects.create(scheme=Scheme.CAPTECH, code=f"c{i}", label_nl=f"Concept {i}", label_en=f"Concept {i}", source="test") for i in range(3)]
    return [ConceptTag.objects.create(target_type="project", object_id=object_id, concept=concept, origin="derived")
            for object_id in range(1, 5) for concept in concepts]


@pytest.fixture
def actors(db):
    return [Actor.objects.create(name=f"Actor {i}", kind=ActorKind.COMPANY, country="BE", postcode="9000")
            for i in range(4)]


@pytest.mark.parametrize("endpoint", ["concept-tags", "actors"])
def test_a_page_holds_at_most_the_configured_maximum(client, concept_tags, actors, endpoint):
    with override_settings(VISD_API_MAX_PAGE_SIZE=3):
        response = client.get(f"/api/{endpoint}/?limit=100000")
        assert response.status_code == 200
        body = response.json()
        assert len(body["results"]) == 3
        assert "limit=3" in body["next"]
        assert len(client.get(f"/api/{endpoint}/?limit=9223372036854775807").json()["results"]) == 3
        assert len(client.get(f"/api/{endpoint}/?limit=2").json()["results"]) == 2


def test_the_default_ceiling_is_500(settings):
    assert settings.VISD_API_MAX_PAGE_SIZE == 500


@pytest.mark.parametrize("endpoint", ["concept-tags", "actors"])
@pytest.mark.parametrize("query, parameter", [
    ("limit=abc", "limit"), ("limit=0", "limit"), ("limit=-5", "limit"), ("limit=1.5", "limit"),
    ("limit=1e30", "limit"), (f"limit={HUGE}", "limit"), ("offset=xyz", "offset"), ("offset=-1", "offset"), (f"offset={HUGE}", "offset"),
    ("offset=9223372036854775808", "offset"), (f"limit=10&offset=-{HUGE}", "offset"),
])
def test_a_limit_or_offset_that_is_no_page_is_a_400(client, concept_tags, actors, endpoint, query, parameter):
    response = client.get(f"/api/{endpoint}/?{query}")
    assert response.status_code == 400, response.content
    assert parameter in response.json()


def test_the_largest_offset_is_an_empty_page(client, concept_tags):
    response = client.get("/api/concept-tags/?offset=9223372036854775807")
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("url, field", [
    (f"/api/concept-tags/?object_id={HUGE}", "object_id"),  # generated from filterset_fields
    (f"/api/concept-tags/?object_id=-{HUGE}", "object_id"),
    (f"/api/capability-needs/?first_commitment_year={HUGE}", "first_commitment_year"),  # declared
    ("/api/capability-needs/?first_commitment_year=9223372036854775808", "first_commitment_year"),
    (f"/api/actor-offers/?profile={HUGE}", "profile"),
])
def test_an_integer_filter_beyond_64_bits_is_a_400(client, concept_tags, url, field):
    response = client.get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_an_integer_filter_within_64_bits_filters(client, concept_tags):
    assert client.get("/api/concept-tags/?object_id=9223372036854775807").json()["count"] == 0
    assert client.get("/api/concept-tags/?object_id=2").json()["count"] == 3


def test_every_api_filterset_bounds_its_numbers():
    from visd.api_urls import router
    from visd.core.filters import BoundedNumbers, FilterBackend

    for _prefix, viewset, _basename in router.registry:
        if getattr(viewset, "queryset", None) is None:
            continue
        view = viewset()
        view.request, view.action, view.format_kwarg, view.kwargs = None, "list", None, {}
        filterset_class = FilterBackend().get_filterset_class(view, viewset.queryset)
        assert filterset_class is None or issubclass(filterset_class, BoundedNumbers), viewset


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
@pytest.mark.parametrize("url", ["/api/auth/token/", "/api/actors/"])
def test_json_nested_too_deep_is_a_400(client, make_user, url, depth):
    client.force_authenticate(make_user("administrator"))
    body = '{"name": ' + "[" * depth + "]" * depth + "}"
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "nested deeper than 32 levels" in response.json()["detail"]


def test_json_nested_within_the_limit_is_parsed(client, db):
    body = '{"username": "x", "password": "y", "extra": ' + "[" * 30 + "]" * 30 + "}"
    response = client.post("/api/auth/token/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" not in response.json()  # the serializer's own answer: wrong credentials
