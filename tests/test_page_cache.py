"""The matching pages, their API and the strength map are computed once per persisted index, registry
version and language, then read from the cache (visd.matchmaking.page_cache): a repeated request
computes nothing, a new index or a renamed actor gives a new answer, and `visd tag` computes the
strength maps ahead."""

import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from matchmaking_world import build_world
from visd.actors.models import Actor
from visd.matchmaking import matches, page_cache, service

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(settings, tmp_path):
    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    caches[page_cache.CACHE_ALIAS].clear()
    service.forget()
    w = build_world()
    call_command("tag")
    service.forget()  # a new process: pages find the index on disk
    yield w
    service.forget()


@pytest.fixture
def computations(monkeypatch):
    """How often the engine was asked, per function."""
    calls = {"strength": 0, "actors_for_call": 0, "actors_for_need": 0, "partners_for_draft": 0,
             "opportunities_for_actor": 0}
    for name in calls:
        original = getattr(matches, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(matches, name, counted)
    return calls


def without_csrf_token(content: bytes) -> bytes:
    """A page's CSRF token is masked anew in every response."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def urls(w) -> list[str]:
    return [reverse("matchmaking:strength") + "?region=flanders", reverse("matchmaking:strength_csv"),
            reverse("matchmaking:call", args=[w.call.topic_id]),
            reverse("matchmaking:call", args=[w.call.topic_id]) + "?region=flanders&kind=company",
            reverse("matchmaking:need", args=[w.need.pk]), reverse("matchmaking:actor", args=[w.sonar.pk]),
            reverse("matchmaking:partners") + "?text=drone+detection",
            f"/api/matching/call/{w.call.topic_id}/", f"/api/matching/need/{w.need.pk}/",
            f"/api/matching/actor/{w.lab.pk}/", "/api/matching/strength-map/?region=brussels"]


def test_a_repeated_request_is_read_not_computed(client, indexed, computations):
    first = {url: client.get(url) for url in urls(indexed)}
    assert all(r.status_code == 200 for r in first.values()), {u: r.status_code for u, r in first.items()}
    after_first = dict(computations)
    # `visd tag` computed the strength map pages ahead; the CSV and the API's map were computed once each
    assert after_first["strength"] == 2
    assert after_first["actors_for_call"] == 2 and after_first["partners_for_draft"] == 1
    for url, response in first.items():
        assert without_csrf_token(client.get(url).content) == without_csrf_token(response.content), url
    assert computations == after_first, "a repeated request asked the engine again"


def test_each_language_has_its_own_answer(client, indexed):
    url = reverse("matchmaking:strength") + "?region=flanders"
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Dronebestrijding" in dutch and "Counter-UAV" not in dutch
    assert "Counter-UAV" in english


def test_a_new_index_gives_a_new_answer(client, indexed, computations, django_capture_on_commit_callbacks):
    url = reverse("matchmaking:call", args=[indexed.call.topic_id])
    assert "Scheldt Drone Systems" in client.get(url).content.decode()
    # a new actor doing what the call asks: the hook updates the index after the commit
    with django_capture_on_commit_callbacks(execute=True):
        Actor.objects.create(name="Ostend Counter Drone Works", kind="company", country="BE", postcode="8400",
                             city="Oostende", description_en="Counter-drone radar to detect hostile drones at ports.")
    service.forget()
    calls_before = computations["actors_for_call"]
    assert "Ostend Counter Drone Works" in client.get(url).content.decode()
    assert computations["actors_for_call"] == calls_before + 1


def test_a_renamed_actor_shows_its_new_name_although_the_index_did_not_change(client, indexed):
    url = f"/api/matching/call/{indexed.call.topic_id}/"
    names = {row["name"] for row in client.get(url).json()}
    assert "Scheldt Drone Systems" in names
    # a change the hooks do not see (a bulk update): the index stays as it was, the registry moved on
    Actor.objects.filter(pk=indexed.sonar.pk).update(name="Scheldt Radar Systems", updated_at=timezone.now())
    names = {row["name"] for row in client.get(url).json()}
    assert "Scheldt Radar Systems" in names and "Scheldt Drone Systems" not in names


def test_warm_computes_every_region_and_language_once(indexed, computations):
    caches[page_cache.CACHE_ALIAS].clear()
    assert page_cache.warm() == 6  # three regions, Dutch and English
    assert page_cache.warm() == 0  # all there
    assert computations["strength"] == 6


def test_warm_without_an_index_does_nothing(settings, tmp_path, db):
    settings.VISD_MATCHING_DIR = tmp_path / "no-index"
    service.forget()
    assert page_cache.warm() == 0


def test_an_unknown_region_is_refused_and_not_cached(client, indexed):
    response = client.get("/api/matching/strength-map/?region=atlantis")
    assert response.status_code == 400 and "region" in response.json()


def test_the_dense_weight_is_part_of_the_key(client, indexed, computations, settings):
    url = f"/api/matching/call/{indexed.call.topic_id}/"
    client.get(url)
    settings.VISD_MATCHING_DENSE_WEIGHT = 0.0   # an operator's change, then a restart: answers computed anew
    client.get(url)
    assert computations["actors_for_call"] == 2


def test_clear_empties_the_cache(client, indexed, computations):
    page_cache.clear()
    client.get(reverse("matchmaking:strength"))
    assert computations["strength"] == 1
