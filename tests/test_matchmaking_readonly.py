"""Requests only read the matching index (docs/matching.md, "In the product"): a GET of a matching
page or API endpoint never builds or updates the index and never writes to the database, also when
the database moved on since the index last saw it; the page then says how old the index is, and
without any index it says how to build one. The index is brought up to date by `visd tag`, the
post-save hook and an applied import. Result lists do not query per row."""

import datetime

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matchmaking_world import build_world
from visd.funding.models import Call
from visd.imports.models import ImportRun
from visd.matching.index import MatchingIndex
from visd.matchmaking import lifecycle, page_cache, service

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
NL = {"HTTP_ACCEPT_LANGUAGE": "nl"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world(settings, tmp_path):
    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    service.forget()
    w = build_world()
    yield w
    service.forget()


@pytest.fixture
def indexed(world):
    call_command("tag")
    service.forget()  # a new process: pages find the index on disk
    return world


def pages(w) -> list[str]:
    return [reverse("matchmaking:call", args=[w.call.topic_id]),
            reverse("matchmaking:call", args=[w.call.topic_id]) + "?region=flanders&kind=company",
            reverse("matchmaking:need", args=[w.need.pk]),
            reverse("matchmaking:actor", args=[w.sonar.pk]),
            reverse("matchmaking:strength") + "?region=flanders",
            reverse("matchmaking:partners") + f"?text=drone+detection&members={w.sonar.pk}",
            reverse("matchmaking:tags", args=["call", w.call.pk])]


def api_endpoints(w) -> list[str]:
    return [f"/api/matching/call/{w.call.topic_id}/", f"/api/matching/need/{w.need.pk}/",
            "/api/matching/text/?text=drone+detection&country=BE", f"/api/matching/actor/{w.sonar.pk}/",
            f"/api/matching/partners/?text=drone+detection&members={w.sonar.pk}",
            "/api/matching/strength-map/?region=flanders", f"/api/concept-tags/?target_type=call&object_id={w.call.pk}"]


@pytest.fixture
def no_index_writes(monkeypatch):
    """Fail the test if anything builds, updates or fits an index."""
    def refuse(*args, **kwargs):
        raise AssertionError("a request built or updated the matching index")

    monkeypatch.setattr(MatchingIndex, "fit", refuse)
    monkeypatch.setattr(lifecycle, "_build", refuse)
    monkeypatch.setattr(lifecycle, "_update", refuse)


def get_without_writes(client, url, **extra):
    with CaptureQueriesContext(connection) as queries, TestCase.captureOnCommitCallbacks() as callbacks:
        response = client.get(url, **extra)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == [], f"{url} wrote: {writes[:3]}"
    assert callbacks == [], f"{url} scheduled work after a commit"
    return response


def change_call_without_hooks(call, text=" Radar and acoustic sensors against hostile drones."):
    """A change the hooks do not see (as a bulk import or a raw SQL update): the index falls behind."""
    Call.objects.filter(pk=call.pk).update(description=call.description + text, updated_at=timezone.now())


def test_requests_on_a_current_index_read_only(client, indexed, no_index_writes):
    for url in pages(indexed):
        response = get_without_writes(client, url)
        assert response.status_code == 200, url
        assert 'id="index-notice"' not in response.content.decode(), url
    assert get_without_writes(client, reverse("matchmaking:strength_csv")).status_code == 200
    for url in api_endpoints(indexed):
        response = get_without_writes(client, url)
        assert response.status_code == 200, url
        assert "X-Matching-Index-Changed-Records" not in response, url


def test_requests_on_an_index_behind_the_database_answer_from_it_say_so_and_write_nothing(
        client, indexed, no_index_writes):
    text_query = "/api/matching/text/?text=drone+detection&country=BE"
    before = client.get(text_query).json()
    change_call_without_hooks(indexed.call)
    for url in pages(indexed)[:-1]:  # (the tag page shows the database's tags, not the index)
        html = get_without_writes(client, url, **EN).content.decode()
        assert 'id="index-notice"' in html, url
        assert "1 record changed since" in html and "visd tag" in html, url
    dutch = get_without_writes(client, pages(indexed)[0], **NL).content.decode()
    assert "sindsdien 1 record gewijzigd" in dutch and "visd tag" in dutch
    for url in api_endpoints(indexed)[:-1]:
        response = get_without_writes(client, url)
        assert response.status_code == 200, url
        assert response["X-Matching-Index-Changed-Records"] == "1", url
        synced = datetime.datetime.fromisoformat(response["X-Matching-Index-Synced-At"])
        assert timezone.now() - synced < datetime.timedelta(minutes=5)
    # the answer is the last good index's
    assert client.get(text_query).json() == before


def test_visd_tag_brings_the_index_up_to_date_and_the_notice_goes(client, indexed):
    change_call_without_hooks(indexed.call)
    url = reverse("matchmaking:call", args=[indexed.call.topic_id])
    assert 'id="index-notice"' in client.get(url).content.decode()
    call_command("tag")
    assert 'id="index-notice"' not in client.get(url).content.decode()
    assert "X-Matching-Index-Changed-Records" not in client.get(f"/api/matching/call/{indexed.call.topic_id}/")


def test_a_saved_record_updates_the_index_after_its_commit(client, indexed):
    url = "/api/matching/text/?text=hydrophone+arrays"
    assert client.get(url).json() == []
    indexed.cyberco.description_en += " Hydrophone arrays for harbour protection."
    with TestCase.captureOnCommitCallbacks(execute=True):
        indexed.cyberco.save()
    response = client.get(url)
    assert [r["name"] for r in response.json()] == ["Kempen Cyber"]
    assert "X-Matching-Index-Changed-Records" not in response


def test_an_applied_import_updates_the_index_after_its_commit(client, indexed):
    change_call_without_hooks(indexed.call)
    assert lifecycle.read_index().stale
    with TestCase.captureOnCommitCallbacks(execute=True):
        ImportRun.objects.create(kind="topics", files=["topics.jsonl"], status=ImportRun.Status.APPLIED)
    assert not lifecycle.read_index().stale
    # a rejected import wrote no record: nothing to update
    change_call_without_hooks(indexed.call, " Again.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        ImportRun.objects.create(kind="topics", files=["topics.jsonl"], status=ImportRun.Status.REJECTED)
    assert lifecycle.read_index().stale


def test_the_hooks_do_not_build_a_missing_index(world):
    world.sonar.description_en += " More."
    with TestCase.captureOnCommitCallbacks(execute=True):
        world.sonar.save()
        ImportRun.objects.create(kind="topics", files=["topics.jsonl"], status=ImportRun.Status.APPLIED)
    assert not lifecycle.exists()


def test_without_an_index_pages_say_how_to_build_it(client, world, no_index_writes):
    for url in pages(world)[:-1]:
        response = get_without_writes(client, url, **EN)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'id="index-notice"' in html and "not available yet" in html and "visd tag" in html, url
        assert 'id="matches"' not in html and "No matching actors" not in html, url
    dutch = get_without_writes(client, pages(world)[0], **NL).content.decode()
    assert "nog niet beschikbaar" in dutch
    csv = get_without_writes(client, reverse("matchmaking:strength_csv"), **EN)
    assert csv.status_code == 503 and b"visd tag" in csv.content
    for url in api_endpoints(world)[:-1]:
        response = get_without_writes(client, url, **EN)
        assert response.status_code == 503, url
        assert "visd tag" in response.json()["detail"], url
    assert not lifecycle.exists()


def test_an_unreadable_index_is_reported_not_a_server_error(client, indexed, settings):
    (settings.VISD_MATCHING_DIR / "index.json").write_text("{not json", encoding="utf-8")
    service.forget()
    response = client.get(pages(indexed)[0], **EN)
    assert response.status_code == 200 and "not available yet" in response.content.decode()


def test_the_reader_reloads_only_when_the_files_change(indexed, monkeypatch):
    first = lifecycle.read_index(check_current=False).index
    assert lifecycle.read_index(check_current=False).index is first   # same files: not loaded again
    indexed.sonar.description_en += " Sonar buoys."
    indexed.sonar.save()
    lifecycle.update()   # another process (a command) appends to the journal
    again = lifecycle.read_index(check_current=False).index
    assert again is not first and "buoy" in again.actors[str(indexed.sonar.pk)].description


def test_visd_match_reads_the_persisted_index_and_says_when_it_is_behind(indexed, no_index_writes, capsys):
    import io

    change_call_without_hooks(indexed.call)
    out, err = io.StringIO(), io.StringIO()
    call_command("match", "actors", "--text", "drone detection", "--json", stdout=out, stderr=err)
    assert out.getvalue().startswith("[") and "1 record changed since" in err.getvalue()


def test_visd_match_builds_a_missing_index_once_and_says_so(world):
    import io

    err = io.StringIO()
    call_command("match", "actors", "--text", "drone detection", stdout=io.StringIO(), stderr=err)
    assert "building it" in err.getvalue() and lifecycle.exists()
    err = io.StringIO()
    call_command("match", "actors", "--text", "drone detection", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


def count_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    return len(queries.captured_queries), len(body if isinstance(body, list) else body["calls"] + body["needs"])


def test_result_lists_do_not_query_per_row(client, indexed):
    base = f"/api/matching/call/{indexed.call.topic_id}/"
    one, n1 = count_queries(client, base + "?top=1")
    many, n2 = count_queries(client, base + "?top=10")
    assert n1 == 1 and n2 >= 4 and many == one
    one, _ = count_queries(client, "/api/matching/text/?text=drone+radar+cyber&top=1")
    many, n = count_queries(client, "/api/matching/text/?text=drone+radar+cyber&top=10")
    assert n >= 4 and many == one
    # the page: the concept labels of every result come from one query (computed, not read from the
    # page cache, which holds the API's answer for the same call and top already)
    caches[page_cache.CACHE_ALIAS].clear()
    page = reverse("matchmaking:call", args=[indexed.call.topic_id])
    with CaptureQueriesContext(connection) as queries:
        client.get(page)
    label_queries = [q for q in queries.captured_queries if 'FROM "taxonomy_concept"' in q["sql"]]
    assert len(label_queries) == 1
