"""Capability search of the actor list and the actors API (issue 14, item 6) on the real registry:
`visd load-reference` and `visd load-demo` (CORDIS and EDF projects with their participants), then the
matching index built into a temporary directory; loaded once for the module inside a transaction that
is rolled back afterwards, as in test_matchmaking_command.py.

"sensoren", "cyberbeveiliging", "drone" and "radar" find actors whose past projects are about it, and
never an actor whose name merely holds the letters inside a word (the Croatian fire brigade "JAVNA
VATROGASNA POSTROJBA GRADARIJEKE" of the SIXTHSENSE project, which the old substring search returned
for "radar")."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from visd.actors.models import Actor, Region
from visd.actors.search import MAX_QUERY_LENGTH, ActorSearch
from visd.matchmaking import lifecycle, service
from visd.projects.models import Project
from visd.taxonomy.models import Concept, Scheme

pytestmark = pytest.mark.django_db

NL = {"HTTP_ACCEPT_LANGUAGE": "nl"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
FIRE_BRIGADE = "JAVNA VATROGASNA POSTROJBA GRADARIJEKE"
# what a project about the search is about: a word of its title or objective
ABOUT = {
    "sensoren": r"sensor",
    "cyberbeveiliging": r"cyber",
    "drone": r"drone|uav|unmanned aerial|uas\b",
    "radar": r"radar",
}


@pytest.fixture(scope="module")
def demo_index(django_db_setup, django_db_blocker, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("matching")
    with django_db_blocker.unblock(), override_settings(VISD_MATCHING_DIR=index_dir):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_reference", stdout=io.StringIO())
            call_command("load_demo", stdout=io.StringIO())
            service.forget()
            lifecycle.build(index_dir)
            service.forget()  # as a web process: read from disk
            yield index_dir
        finally:
            service.forget()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def project_text(project_id) -> str:
    p = Project.objects.get(pk=project_id)
    return f"{p.acronym} {p.title} {p.objective}".casefold()


@pytest.mark.parametrize("text", list(ABOUT))
def test_the_example_searches_find_actors_whose_projects_are_about_it(demo_index, text):
    search = ActorSearch(Actor.objects.all(), text)
    assert search.capability_search and search.notice == ""
    top = [a for a in search[0:40] if "capability" in a.search["matched_by"]][:10]
    assert len(top) == 10, f"{text!r} finds fewer than ten actors by their projects"
    for actor in top:
        projects = actor.search["evidence_projects"]
        assert projects, f"{actor.name} is shown without a past project as evidence"
        assert text in actor.search["matched_terms"]  # the query's own word is what matched
        for p in projects:
            assert re.search(ABOUT[text], project_text(p["project_id"])), (
                f"{text!r}: {actor.name}'s evidence {p['title']!r} is not about it")
    # after the whole-word name hits, the engine's ranking
    scores = [a.search["score"] for a in top if a.search["matched_by"] == ["capability"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("text", list(ABOUT))
def test_a_word_inside_another_word_is_never_a_hit(demo_index, text):
    search = ActorSearch(Actor.objects.all(), text)
    for actor in search[0:len(search)]:
        m = actor.search
        if m["matched_by"] == ["name"]:
            words = re.findall(r"\w+", f"{actor.name} {actor.short_name}".casefold())
            assert text in words, f"{text!r} found {actor.name} by a part of a word"
        else:
            assert "capability" in m["matched_by"] and m["evidence_projects"] or m["concepts"] or m["matched_terms"]


def test_radar_does_not_find_the_fire_brigade_but_a_radar_company_by_its_name(demo_index):
    fire_brigade = Actor.objects.get(name=FIRE_BRIGADE)
    # the old substring search found it: the letters are in its name, its project is not about radar
    assert Actor.objects.filter(name__icontains="radar", pk=fire_brigade.pk).exists()
    assert not any(re.search("radar", project_text(p.project_id))
                   for p in fire_brigade.participations.all())
    search = ActorSearch(Actor.objects.all(), "radar")
    found = [a.pk for a in search[0:len(search)]]
    assert fire_brigade.pk not in found
    first = search[0]
    assert first.name == "NORDIC RADAR SOLUTIONS APS"  # a whole-word name match ranks first
    assert first.search["name_words"] == ["radar"]


def test_identifiers_and_whole_names_still_find_an_actor(demo_index):
    actor = Actor.objects.get(name=FIRE_BRIGADE)
    assert [a.pk for a in ActorSearch(Actor.objects.all(), actor.pic)[0:1]] == [actor.pk]
    by_name = ActorSearch(Actor.objects.all(), "vatrogasna postrojba")
    assert by_name[0].pk == actor.pk and by_name[0].search["matched_by"][0] == "name"
    assert ActorSearch(Actor.objects.all(), "vatrogasna postroj").count() == 0 or \
        actor.pk not in [a.pk for a in ActorSearch(Actor.objects.all(), "vatrogasna postroj")[0:50]]


def test_dutch_page_ranks_flemish_actors_and_shows_the_matching_words(client, demo_index):
    response = client.get(reverse("actors:list"), {"q": "sensoren", "region": "flanders"}, **NL)
    assert response.status_code == 200
    text = response.content.decode()
    actors = list(response.context["page_obj"])
    assert actors and all(a.region == Region.FLANDERS for a in actors)
    assert "Waarom gevonden" in text and "Overeenkomende woorden:" in text and "<mark>sensoren</mark>" in text
    assert "In de projecten:" in text
    first = actors[0].search["evidence_projects"][0]
    assert reverse("projects:detail", args=[first["project_id"]]) in text
    scores = [a.search["score"] for a in actors if a.search["score"] is not None]
    assert scores == sorted(scores, reverse=True)


def test_english_page_and_other_facets_with_the_search(client, demo_index):
    captech = Concept.objects.get(scheme=Scheme.CAPTECH, code="cyber")
    response = client.get(reverse("actors:list"), {"q": "cyberbeveiliging", "country": "BE",
                                                   "captech": captech.pk, "kind": "company"}, **EN)
    text = response.content.decode()
    actors = list(response.context["page_obj"])
    assert actors
    for a in actors:
        assert a.country == "BE" and a.kind == "company" and a.tags.filter(concept=captech).exists()
    assert "Why it was found" in text and "Matching words:" in text and "<mark>cyberbeveiliging</mark>" in text


def test_bad_search_text_gives_a_message_not_an_error(client, demo_index):
    response = client.get(reverse("actors:list"), {"q": "x" * (MAX_QUERY_LENGTH + 1)}, **EN)
    assert response.status_code == 200 and list(response.context["page_obj"]) == []
    assert "at most 500 characters" in response.content.decode()
    response = client.get(reverse("actors:list"), {"q": "?!"}, **NL)
    assert response.status_code == 200 and "Typ minstens één woord of getal" in response.content.decode()
    assert client.get(reverse("actors:list"), {"q": "   "}).context["page_obj"].paginator.count == Actor.objects.count()
    assert client.get(reverse("actors:list"), {"q": "a\x00b"}).status_code == 200


def test_a_search_reads_the_index_and_writes_nothing(client, demo_index):
    lifecycle.forget()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("actors:list"), {"q": "drone"}).status_code == 200
        assert client.get("/api/actors/", {"q": "drone"}).status_code == 200
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_a_new_actor_is_found_by_name_and_the_page_says_the_index_is_behind(client, demo_index):
    Actor.objects.create(name="Radar Vision Flanders", country="BE", postcode="9000",
                         description_en="Radar systems for harbour surveillance.")
    response = client.get(reverse("actors:list"), {"q": "radar", "region": "flanders"}, **EN)
    text = response.content.decode()
    assert 'id="search-notice"' in text and "visd tag" in text
    first = response.context["page_obj"][0]
    assert first.name == "Radar Vision Flanders" and first.search["matched_by"] == ["name"]


def test_without_an_index_names_are_searched_and_the_page_says_so(client, demo_index, settings, tmp_path):
    settings.VISD_MATCHING_DIR = tmp_path / "none"
    response = client.get(reverse("actors:list"), {"q": "radar"}, **NL)
    names = [a.name for a in response.context["page_obj"]]
    assert names == ["NORDIC RADAR SOLUTIONS APS"]
    assert "matchingindex" in response.content.decode()
    assert not (tmp_path / "none").exists()  # a request never builds the index


def test_api_search_ranks_explains_and_checks_its_input(client, demo_index):
    response = client.get("/api/actors/", {"q": "radar", "limit": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["search"] == {"text": "radar", "capability_search": True, "notice": ""}
    results = body["results"]
    assert results[0]["name"] == "NORDIC RADAR SOLUTIONS APS" and results[0]["search"]["matched_by"] == ["name"]
    assert FIRE_BRIGADE not in {r["name"] for r in client.get("/api/actors/", {"q": "radar", "limit": 500}).json()["results"]}
    capability = [r for r in results if "capability" in r["search"]["matched_by"]]
    assert capability and all(r["search"]["evidence_projects"] and "radar" in r["search"]["matched_terms"]
                              for r in capability)
    flemish = client.get("/api/actors/", {"q": "drone", "region": "flanders", "ordering": "name"}).json()
    names = [r["name"] for r in flemish["results"]]
    assert names and names == sorted(names) and all(r["region"] == "flanders" for r in flemish["results"])
    assert client.get("/api/actors/").json()["search"] is None
    too_long = client.get("/api/actors/", {"q": "x" * (MAX_QUERY_LENGTH + 1)}, **EN)
    assert too_long.status_code == 400 and "at most 500 characters" in too_long.json()["q"][0]
    assert client.get("/api/actors/", {"q": "!!"}).status_code == 400
    detail = client.get(f"/api/actors/{results[0]['id']}/", {"q": "radar"})
    assert detail.status_code == 200 and detail.json()["search"] is None
