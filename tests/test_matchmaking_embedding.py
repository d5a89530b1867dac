"""Semantic matching that fits the machine (issue 13, item 3; docs/matching.md, "Dense embeddings"):
with a dense encoder configured, `visd tag` builds the lexical index at once and it answers; `visd
embed` fills the embedding cache a batch at a time (resumable) and then switches the index to the dense
channels; until then pages, the API and `visd match` answer lexically and say so; later changes embed
only their own text; requests never embed a unit text. All with HashingEncoder (no model)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse

from matchmaking_world import build_world
from visd.matching.dense import EmbeddingCache, EmbeddingMissing, HashingEncoder, StoredEmbeddings
from visd.matching.index import MatchingIndex, MatchParams
from visd.matchmaking import embedding, encoders, lifecycle, service

pytestmark = pytest.mark.django_db

HASHING = "visd.matching.dense.HashingEncoder"
QUERY = "radar systems for drone detection near ports"
NL = {"HTTP_ACCEPT_LANGUAGE": "nl"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world(settings, tmp_path):
    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    settings.VISD_MATCHING_ENCODER = HASHING
    settings.VISD_MATCHING_ENCODER_PATH = None
    settings.VISD_MATCHING_DENSE_WEIGHT = None
    settings.VISD_MATCHING_EMBED_IN_BUILD = 0   # the small world's texts count as "many"
    service.forget()
    yield build_world()
    service.forget()


def _state(settings):
    return json.loads((settings.VISD_MATCHING_DIR / "state.json").read_text())


def _texts():
    return embedding.registry_texts(service.get_encoder())


def _embed(*args):
    out = io.StringIO()
    call_command("embed", *args, stdout=out)
    return out.getvalue()


def test_the_lexical_index_answers_before_the_embeddings_exist_and_pages_say_so(world, settings, client):
    out = io.StringIO()
    call_command("tag", stdout=out)
    total = len(_texts())
    assert total > 5
    assert f"Semantic matching: 0 of {total} texts embedded" in out.getvalue() and "visd embed" in out.getvalue()
    state = _state(settings)
    assert state["encoder"] is None and state["dense_pending"]["class"] == HASHING
    assert service.get_encoder().size() == 0   # nothing embedded by the build

    service.forget()   # a web process
    status = lifecycle.read_index()
    assert status.available and status.index.encoder is None and status.dense_progress == (0, total)
    res = status.index.search_actors(QUERY)
    assert res and "dense" not in res[0].explanation["components"]

    # the pages answer (lexically) and say so, in Dutch first
    url = reverse("matchmaking:call", args=[world.call.topic_id])
    html = client.get(url, **NL).content.decode()
    assert 'id="dense-notice"' in html and 'id="index-notice"' not in html
    assert f"Semantische matching: 0 van {total} teksten verwerkt; tot dan lexicaal." in html
    assert "Scheldt Drone Systems" in html or "Radars de Provence" in html
    assert f"Semantic matching: 0 of {total} texts embedded; lexical until then." in client.get(url, **EN).content.decode()
    for page in (reverse("matchmaking:need", args=[world.need.pk]), reverse("matchmaking:strength"),
                 reverse("matchmaking:partners") + "?text=drone+detection"):
        assert 'id="dense-notice"' in client.get(page, **NL).content.decode()
    # the actor list's capability search and its API, the matching API
    assert "Semantische matching: 0 van" in client.get(reverse("actors:list") + "?q=drone", **NL).content.decode()
    assert "Semantic matching: 0 of" in client.get("/api/actors/?q=drone", **EN).json()["search"]["notice"]
    api = client.get(f"/api/matching/call/{world.call.topic_id}/")
    assert api.status_code == 200 and api.json() and api["X-Matching-Semantic"] == f"lexical; 0/{total} texts embedded"
    # visd match says it on stderr
    err = io.StringIO()
    call_command("match", "actors", "--text", "drone detection", "--json", stdout=io.StringIO(), stderr=err)
    assert f"Semantic matching: 0 of {total} texts embedded" in err.getvalue()

    # a record changed meanwhile: the update stays lexical, embeds nothing and rebuilds nothing
    world.cyberco.description_en += " Hydrophone arrays for harbour protection."
    with TestCase.captureOnCommitCallbacks(execute=True):
        world.cyberco.save()
    assert _state(settings)["dense_pending"] and service.get_encoder().size() == 0
    assert service.update()["rebuilt"] is False


def test_embed_in_two_interrupted_runs_fills_the_cache_then_the_index_has_the_dense_channels(world, settings, client):
    call_command("tag", stdout=io.StringIO())
    total = len(_texts())
    first = 3

    out = _embed("--batch", "2", "--limit", str(first))
    assert "Stopped after 3 texts (--limit)" in out and f"3 / {total} texts embedded" in out
    assert service.get_encoder().size() == first and _state(settings)["encoder"] is None
    service.forget()
    assert lifecycle.read_index().dense_progress == (first, total)
    url = reverse("matchmaking:call", args=[world.call.topic_id])
    assert f"Semantische matching: 3 van {total} teksten verwerkt" in client.get(url, **NL).content.decode()

    service.forget()   # a new process continues where the first stopped
    out = _embed("--batch", "2")
    cache = service.get_encoder()
    assert f"{first} of {total} texts embedded, {total - first} to go" in out
    assert cache.misses == total - first, "each text embedded once, the rebuild embedded nothing"
    assert "The matching index has the dense channels now" in out
    state = _state(settings)
    assert state["encoder"]["signature"] == "hashing:256" and state["dense_pending"] is None
    assert not (settings.VISD_MATCHING_DIR / encoders.PROGRESS_FILE).exists()

    service.forget()   # the web processes pick the new snapshot up
    status = lifecycle.read_index()
    assert status.dense_progress is None and isinstance(status.index.encoder, StoredEmbeddings)
    assert status.index.params == MatchParams.dense_defaults()
    components = status.index.search_actors(QUERY)[0].explanation["components"]
    assert components["dense"] > 0 and components["weights"]["dense"] == MatchParams.dense_defaults().w_dense
    html = client.get(url, **NL).content.decode()
    assert 'id="dense-notice"' not in html and "X-Matching-Semantic" not in client.get(
        f"/api/matching/call/{world.call.topic_id}/")

    # the same as the index a build with the encoder (and every text embedded in it) gives
    dense_scores = [(m.id, round(m.score, 9)) for m in status.index.search_actors(QUERY)]
    settings.VISD_MATCHING_EMBED_IN_BUILD = 1000
    settings.VISD_MATCHING_DIR = settings.VISD_MATCHING_DIR.parent / "direct"
    service.forget()
    direct = service.build()
    assert [(m.id, round(m.score, 9)) for m in direct.search_actors(QUERY)] == dense_scores

    # run again: nothing to do
    settings.VISD_MATCHING_DIR = settings.VISD_MATCHING_DIR.parent / "matching"
    service.forget()
    assert "already has the dense channels" in _embed()
    assert service.get_encoder().misses == 0


def test_after_the_switch_a_changed_record_embeds_one_text_and_requests_embed_none(world, settings, client):
    call_command("tag", stdout=io.StringIO())
    _embed()
    cache = service.get_encoder()
    size, misses = cache.size(), cache.misses
    world.sonar.description_en = "Passive radar networks for drone detection around harbours."
    with TestCase.captureOnCommitCallbacks(execute=True):
        world.sonar.save()   # the hook updates the dense index: that one text is embedded
    assert cache.misses == misses + 1 and cache.size() == size + 1
    assert _state(settings)["encoder"] is not None

    # a request reloads the index (journal replayed from the cache) and embeds no unit text
    calls = []
    real = HashingEncoder.encode
    HashingEncoder.encode = lambda self, texts: calls.append(list(texts)) or real(self, texts)
    try:
        url = reverse("matchmaking:call", args=[world.call.topic_id])
        assert client.get(url, **EN).status_code == 200
        assert client.get("/api/matching/text/?text=hydrophone+arrays").status_code == 200
    finally:
        HashingEncoder.encode = real
    assert [[t.strip() for t in c] for c in calls] == [["hydrophone arrays"]], "only the free-text query was embedded"
    assert cache.size() == size + 1


def test_a_reader_never_embeds_a_unit_text_it_falls_back_to_lexical(world, settings):
    call_command("tag", stdout=io.StringIO())
    _embed()
    world.sonar.description_en = "Passive radar networks for drone detection around harbours."
    with TestCase.captureOnCommitCallbacks(execute=True):
        world.sonar.save()
    service.forget()
    (settings.VISD_MATCHING_DIR / "embeddings.sqlite3").unlink()   # the cache is lost
    for extra in ("-wal", "-shm"):
        (settings.VISD_MATCHING_DIR / f"embeddings.sqlite3{extra}").unlink(missing_ok=True)
    status = lifecycle.read_index()
    assert status.available and status.index.encoder is None   # lexical, rather than embedding in a request
    assert service.get_encoder().size() == 0
    # and `visd tag --rebuild` then waits for `visd embed` again
    call_command("tag", "--rebuild", stdout=io.StringIO())
    assert _state(settings)["dense_pending"] and _state(settings)["encoder"] is None


def test_embed_needs_an_encoder_and_runs_once_at_a_time(world, settings):
    settings.VISD_MATCHING_ENCODER = None
    with pytest.raises(CommandError, match="VISD_MATCHING_ENCODER"):
        _embed()
    settings.VISD_MATCHING_ENCODER = HASHING
    lock = embedding._job_lock(settings.VISD_MATCHING_DIR)
    try:
        with pytest.raises(CommandError, match="another `visd embed` is running"):
            _embed()
    finally:
        lock.close()
    # without an index yet it embeds and builds one with the dense channels
    assert "The matching index has the dense channels now" in _embed()
    assert lifecycle.exists() and _state(settings)["encoder"] is not None


def test_a_build_embeds_a_few_missing_texts_itself(world, settings):
    settings.VISD_MATCHING_EMBED_IN_BUILD = 1000
    index = service.updated_index()
    assert index.encoder is not None and _state(settings)["dense_pending"] is None
    # the encoder turned off while an index waited for its embeddings: rebuilt lexically, no notice
    settings.VISD_MATCHING_EMBED_IN_BUILD = 0
    settings.VISD_MATCHING_DIR = settings.VISD_MATCHING_DIR.parent / "other"
    service.forget()
    service.update()
    assert _state(settings)["dense_pending"]["class"] == HASHING and lifecycle.read_index().dense_progress == (0, len(_texts()))
    settings.VISD_MATCHING_ENCODER = None
    assert service.update()["rebuilt"] is True
    assert _state(settings)["dense_pending"] is None and lifecycle.read_index().dense_progress is None


# ---------------------------------------------------------------------------- the engine's part
def test_unit_texts_and_embed_units_give_the_index_fit_with_the_encoder():
    world_actors = [{"id": "1", "name": "A", "description": "Radar for drone detection in ports."},
                    {"id": "2", "name": "B", "description": ""},
                    {"id": "3", "name": "C", "description": "Wij bouwen radars voor dronedetectie rond havens."}]
    projects = [{"id": "p1", "title": "Harbour shield", "text": "Passive radar against hostile drones.",
                 "participants": [("1", "coordinator"), ("2", "participant")]}]
    calls = [{"id": "call:1", "kind": "call", "title": "Counter-drone", "text": "Detect hostile drones."}]

    class English(HashingEncoder):
        languages = frozenset({"en"})

    enc = English()
    fitted = MatchingIndex([], params=MatchParams(w_dense=2.0), encoder=enc).fit(world_actors, projects, calls)
    lexical = MatchingIndex([], params=MatchParams(w_dense=2.0)).fit(world_actors, projects, calls)
    texts = lexical.unit_texts(world_actors, projects, calls, languages=enc.languages)
    assert set(texts) == {"a:1", "p:p1", "o:call:1"}   # no empty text, no Dutch text for an English model
    # an index that has not seen the records detects the languages itself, alike
    assert MatchingIndex().unit_texts(world_actors, projects, calls, languages=enc.languages) == texts
    assert lexical.embed_units(enc, texts) == 3
    assert lexical.search_actors("drone radar")[0].explanation["components"]["dense"] > 0
    assert [(m.id, m.score) for m in lexical.search_actors("drone radar")] == \
        [(m.id, m.score) for m in fitted.search_actors("drone radar")]


def test_the_cache_says_what_is_missing_and_its_read_only_view_embeds_no_unit_text(tmp_path):
    cache = EmbeddingCache(HashingEncoder(dim=16), tmp_path / "e.sqlite3")
    cache.encode(["a", "b"])
    assert cache.missing(["a", "c", "b", "c", ""]) == ["c", ""]
    view = cache.stored_only()
    assert view.signature == cache.signature and view.encode(["b", "a"]).shape == (2, 16)
    with pytest.raises(EmbeddingMissing):
        view.encode(["c"])
    assert view.encode_query(["a query"]).shape == (1, 16) and cache.size() == 2
