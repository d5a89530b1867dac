"""The matching index: search both ways with explanations, filters, partner search, incremental
updates, persistence, the strength map, cross-language matching and a small quality check on real
consortia. Plain pytest functions: no database."""

import numpy as np
import pytest

from visd.matching.datasets import (CORDIS_SECURITY, load_calls, load_capability_needs, load_cordis,
                                    load_reference_concepts)
from visd.matching.index import MatchingIndex, MatchParams
from visd.matching.strength import strength_map

CONCEPTS = [
    {"id": "focus:counter-uav", "scheme": "focus_domain",
     "labels": {"nl": "Counter-UAV", "en": "Counter-UAV", "fr": "Lutte anti-drones"},
     "synonyms": {"nl": ["dronedetectie", "antidrone"], "en": ["counter-drone", "drone detection"],
                  "fr": ["détection de drones"]}},
    {"id": "focus:maritime", "scheme": "focus_domain", "labels": {"nl": "Maritiem", "en": "Maritime", "fr": "Maritime"},
     "synonyms": {"nl": ["haven", "schip"], "en": ["port", "naval", "ship"], "fr": ["port", "navire"]}},
    {"id": "focus:space", "scheme": "focus_domain", "labels": {"nl": "Ruimtevaart", "en": "Space", "fr": "Spatial"},
     "synonyms": {"nl": ["satelliet"], "en": ["satellite"], "fr": ["satellite"]}},
]
ACTORS = [
    {"id": "radar", "name": "RadarCo", "country": "BE", "post_code": "9000", "kind": "PRC", "size": "small",
     "description": "Wij ontwikkelen radars voor dronedetectie rond havens en luchthavens."},
    {"id": "ship", "name": "ShipCo", "country": "BE", "post_code": "8400", "kind": "PRC", "size": "large",
     "description": "Shipyard building naval patrol ships and port security vessels."},
    {"id": "sat", "name": "SatLab", "country": "BE", "post_code": "1348", "kind": "HES",
     "description": "Université: conception de petits satellites pour l'observation de la Terre."},
    {"id": "uni", "name": "Uni Gent", "country": "BE", "post_code": "9000", "kind": "HES", "description": ""},
    {"id": "fr1", "name": "Drones SA", "country": "FR", "kind": "PRC",
     "description": "Systèmes de détection de drones et de brouillage."},
]
PROJECTS = [
    {"id": "p1", "title": "Counter-drone protection of ports", "year": 2019,
     "text": "Detection and tracking of small drones near harbours with radar and cameras.",
     "participants": [("uni", "coordinator"), ("radar", "participant"), ("fr1", "participant")]},
    {"id": "p2", "title": "Earth observation for maritime surveillance", "year": 2015, "programme": "EDF",
     "defence": True, "text": "Satellite images detect ships at sea.",
     "participants": [("sat", "coordinator"), ("ship", "participant")]},
]
CALLS = [
    {"id": "c-open", "kind": "call", "title": "Counter-UAS for critical infrastructure", "status": "open",
     "deadline": "2099-01-01", "text": "Drone detection and neutralisation near ports and airports."},
    {"id": "c-closed", "kind": "call", "title": "Drone detection at airports", "status": "closed",
     "deadline": "2001-01-01", "text": "Detection of drones with radar near airports."},
    {"id": "n1", "kind": "need", "title": "Patrol vessels", "text": "Naval patrol ships", "budget": 1e8},
]


@pytest.fixture
def idx():
    return MatchingIndex(CONCEPTS).fit(ACTORS, PROJECTS, CALLS)


def test_search_actors_ranks_and_explains(idx):
    res = idx.search_actors("radar voor dronedetectie in de haven", top_k=3)
    assert res[0].id == "radar"
    e = res[0].explanation
    assert {"focus:counter-uav", "focus:maritime"} <= {c["concept_id"] for c in e["shared_concepts"]}
    assert e["matched_terms"] and "radar" in e["matched_terms"]
    assert e["evidence_projects"][0]["project_id"] == "p1"
    assert set(e["components"]) >= {"text", "own_description", "best_past_project", "prior", "defence"}
    assert all(m.score >= n.score for m, n in zip(res, res[1:]))


def test_filters(idx):
    q = "drone detection radar"
    assert {m.id for m in idx.search_actors(q, filters={"country": "FR"})} == {"fr1"}
    assert "fr1" not in {m.id for m in idx.search_actors(q, filters={"country": "BE"})}
    assert {m.id for m in idx.search_actors("satellite ships", filters={"region": "WAL"})} == {"sat"}
    vlg = {m.id for m in idx.search_actors(q, filters={"region": "VLG", "kind": "company"})}
    assert vlg and vlg <= {"radar", "ship"}
    assert {m.id for m in idx.search_actors("ships", filters={"size": ["large"]})} == {"ship"}
    assert {m.id for m in idx.search_actors("satellite ships", filters={"defence": True})} == {"sat", "ship"}
    with pytest.raises(ValueError):
        idx.search_actors(q, filters={"colour": "red"})


def test_actor_to_calls_open_first_with_deadlines(idx):
    res = idx.search_opportunities("radar", kinds=("call",), today="2026-01-01")
    assert [m.id for m in res] == ["c-open", "c-closed"]
    assert res[0].explanation["open"] and res[0].explanation["deadline"] == "2099-01-01"
    assert not res[1].explanation["open"]
    assert res[0].explanation["matched_terms"]
    needs = idx.search_opportunities("ship", kinds=("need",))
    assert needs[0].id == "n1" and needs[0].explanation["shared_concepts"]


def test_partner_search_complements_members(idx):
    res = idx.search_partners("Drone detection radar for ports, with satellite data.", members=["radar"],
                              filters={"country": "BE"})
    ids = [m.id for m in res]
    assert "radar" not in ids
    sat = next(m for m in res if m.id == "sat")
    assert any(c["concept_id"] == "focus:space" for c in sat.explanation["adds_concepts"])
    uni = next(m for m in res if m.id == "uni")
    assert uni.explanation["past_projects_with_members"][0]["project_id"] == "p1"


def test_incremental_update_touches_only_that_record(idx):
    before_rows = {k: (idx._row_terms[r].copy(), idx._row_tf[r].copy()) for k, r in idx._key_row.items()}
    before_tags = {k: list(v) for k, v in idx._derived.items()}
    n = idx.retag_count
    idx.upsert_actor(dict(ACTORS[1], description="Wij bouwen satellieten."))
    assert idx.retag_count == n + 1  # one record analysed and tagged, nothing else
    for k, (terms, tf) in before_rows.items():
        r = idx._key_row[k]
        if k == "a:ship":
            assert not np.array_equal(idx._row_terms[r], terms)
        else:
            assert np.array_equal(idx._row_terms[r], terms) and np.array_equal(idx._row_tf[r], tf)
    assert {k for k in idx._derived if idx._derived[k] != before_tags.get(k)} == {"a:ship"}
    assert idx.stats()["delta_rows"] == 1  # appended to the delta segment, no rebuild
    assert idx.search_actors("satellieten", top_k=1)[0].id in {"ship", "sat"}
    assert "ship" in {m.id for m in idx.search_actors("satellites")}
    assert "ship" not in {m.id for m in idx.search_actors("naval patrol shipyard", filters={"kind": "company"})
                          if m.explanation["components"]["own_description"] > 0}
    assert idx.remove("actor", "radar") and "radar" not in {m.id for m in idx.search_actors("radar drones")}


def test_persistence_round_trip_and_journal(idx, tmp_path):
    idx.set_curated_tag("actor", "uni", "focus:space", note="PM")
    idx.save(tmp_path)
    loaded = MatchingIndex.load(tmp_path)
    for q in ("dronedetectie haven", "satellite ships", "naval"):
        a = [(m.id, round(m.score, 6)) for m in idx.search_actors(q)]
        b = [(m.id, round(m.score, 6)) for m in loaded.search_actors(q)]
        assert a == b
    assert [t.to_dict() for t in loaded.tags("actor", "uni")] == [t.to_dict() for t in idx.tags("actor", "uni")]
    # incremental persistence: only the change goes to the journal, replayed on load
    loaded.upsert_actor({"id": "new", "name": "New", "country": "BE", "description": "Counter-drone lasers."})
    loaded.remove("actor", "fr1")
    assert loaded.flush() == 2
    assert len((tmp_path / "journal.jsonl").read_text().splitlines()) == 2
    again = MatchingIndex.load(tmp_path)
    assert "new" in again.actors and "fr1" not in again.actors
    assert again.search_actors("counter-drone lasers", top_k=1)[0].id == "new"


def test_strength_map_counts_and_numbers(idx):
    sm = strength_map(idx, actor_filter={"country": "BE"}, today="2026-01-01", domain_threshold=0.4)
    rows = {r.key: r for r in sm.rows}
    assert {"focus:counter-uav", "focus:maritime", "focus:space", "n1", "c-open"} <= set(rows)
    assert "c-closed" not in rows  # only open calls
    cuav = rows["focus:counter-uav"]
    assert cuav.critical_mass["able_actors"] >= 1 and cuav.top_actors[0]["id"] in {"radar", "uni"}
    assert cuav.opportunity["open_calls"] == 1
    assert rows["n1"].opportunity["budget_eur"] == 1e8
    assert rows["n1"].top_actors[0]["id"] == "ship"
    assert rows["focus:space"].leadership["able_with_defence_experience"] >= 1
    assert sm.table()[0]["key"] == sm.rows[0].key


# --------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real_index():
    actors, projects = load_cordis()
    concepts = load_reference_concepts() or CONCEPTS
    return MatchingIndex(concepts).fit(actors.values(), projects, load_calls() + load_capability_needs())


# VISD focus-domain definitions (VISD strategy 3.4, Dutch) and their English translations.
NL_EN = [
    ("Technologieën en systemen die gericht zijn op het detecteren, neutraliseren of beveiligen tegen "
     "vijandige of ongewenste drones.",
     "Technologies and systems that detect, neutralise or protect against hostile or unwanted drones."),
    ("Bescherming van digitale systemen, netwerken en data tegen cyberaanvallen en andere digitale dreigingen.",
     "Protection of digital systems, networks and data against cyberattacks and other digital threats."),
    ("Heeft betrekking op zeevaart, scheepvaart, havens, kritieke maritieme infrastructuur, maritieme "
     "technologie en toepassingen op en rond het water.",
     "Seafaring, shipping, ports, critical maritime infrastructure, maritime technology and applications on "
     "and around the water."),
    ("Omvat technologie en toepassingen voor het gebruik van de ruimte, zoals satellieten, lanceersystemen "
     "en aardobservatie.",
     "Technology and applications for the use of space, such as satellites, launch systems and earth observation."),
    ("Domein dat zich richt op energieproductie, -opslag, -distributie en -beheer, met aandacht voor "
     "innovatieve en duurzame oplossingen voor defensie.",
     "Energy generation, storage, distribution and management, with attention to innovative and sustainable "
     "solutions for defence."),
]


def test_dutch_and_english_find_largely_the_same_actors(real_index):
    overlaps = []
    for nl, en in NL_EN:
        a = {m.id for m in real_index.search_actors(nl, filters={"country": "BE"}, top_k=10, explain=False)}
        b = {m.id for m in real_index.search_actors(en, filters={"country": "BE"}, top_k=10, explain=False)}
        overlaps.append(len(a & b) / 10)
    assert min(overlaps) >= 0.5, overlaps
    assert np.mean(overlaps) >= 0.7, overlaps
    # without the multilingual handling the Dutch texts would not find the same actors
    plain = MatchingIndex([], analyzer=__import__("visd.matching.analysis", fromlist=["Analyzer"]).Analyzer(
        bridge=False))
    actors, projects = load_cordis(CORDIS_SECURITY)
    plain.fit(actors.values(), projects)
    nl, en = NL_EN[1]
    a = {m.id for m in plain.search_actors(nl, filters={"country": "BE"}, top_k=10, explain=False)}
    b = {m.id for m in plain.search_actors(en, filters={"country": "BE"}, top_k=10, explain=False)}
    assert len(a & b) / 10 < min(overlaps)


def test_real_call_finds_actors_with_evidence(real_index):
    call = next(o for o in load_calls() if "drone" in (o.title + o.text).lower())
    res = real_index.search_actors(call, filters={"country": "BE"}, top_k=5)
    assert res and all(m.record.country == "BE" for m in res)
    assert all(m.explanation["evidence_projects"] or m.explanation["components"]["own_description"] > 0 for m in res)


def test_small_scale_partner_recall_beats_random():
    """Sanity check of quality on real consortia: index H2020 projects before 2017, query with the
    2017+ ones, rank the Belgian organisations known from the index."""
    actors, projects = load_cordis(CORDIS_SECURITY)
    old = [p for p in projects if p.year and p.year < 2017]
    new = [p for p in projects if p.year and p.year >= 2017]
    known = {a for p in old for a, _ in p.participants}
    be = sorted(a for a in known if actors[a].country == "BE")
    idx = MatchingIndex(load_reference_concepts()).fit([actors[a] for a in known], old)
    assert not set(idx.projects) & {p.id for p in new}
    rr = []
    for p in new:
        targets = {a for a, _ in p.participants if a in set(be)}
        if not targets:
            continue
        ranked = [m.id for m in idx.search_actors({"title": p.title, "text": p.text}, filters={"country": "BE"},
                                                  top_k=len(be), explain=False)]
        ranks = [ranked.index(t) + 1 for t in targets if t in ranked]
        rr.append(1.0 / min(ranks) if ranks else 0.0)
    assert len(rr) > 30
    random_mrr = np.mean([1.0 / r for r in range(1, len(be) + 1)])  # expected MRR of a random ranking, 1 target
    assert np.mean(rr) > 3 * random_mrr


def test_params_change_scores(idx):
    q = idx.query_vector("drone detection radar")
    s = idx.unit_scores(q)
    a = idx.actor_components(s, MatchParams(w_prior=0.0), q)["total"]
    b = idx.actor_components(s, MatchParams(w_prior=1.0), q)["total"]
    assert not np.allclose(a, b)
