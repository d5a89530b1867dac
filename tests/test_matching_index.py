"""The matching index: search both ways with explanations, filters, partner search, incremental
updates, persistence, the strength map, cross-language matching and a small quality check on real
consortia. Plain pytest functions: no database."""

import numpy as np
import pytest
import scipy.sparse as sp

from visd.matching.datasets import (CORDIS_SECURITY, load_calls, load_capability_needs, load_cordis,
                                    load_reference_concepts)
from visd.matching.actor_table import unit_profile_vector
from visd.matching.analysis import Analyzer
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
    assert all(m.score >= n.score for m, n in zip(res, res[1:], strict=False))


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


def _top10(index, text, params=None):
    return {m.id for m in index.search_actors(text, filters={"country": "BE"}, top_k=10, explain=False,
                                              params=params)}


@pytest.mark.parametrize("channel", ["default", "text", "profile"])
def test_dutch_and_english_find_largely_the_same_actors(real_index, channel):
    """With the default score, and with each language-carrying channel alone (so the agreement does
    not come from the language-independent activity prior)."""
    params = {"default": None, "text": MatchParams(w_text=1.0, w_profile=0.0, w_prior=0.0),
              "profile": MatchParams(w_text=0.0, w_profile=1.0, w_prior=0.0)}[channel]
    overlaps = [len(_top10(real_index, nl, params) & _top10(real_index, en, params)) / 10 for nl, en in NL_EN]
    assert min(overlaps) >= 0.5, overlaps
    assert np.mean(overlaps) >= 0.7, overlaps
    # and the query matters: the domains do not all find the same actors
    tops = [_top10(real_index, nl, params) for nl, _ in NL_EN]
    assert np.mean([len(tops[i] & tops[j]) / 10 for i in range(5) for j in range(i + 1, 5)]) < 0.5


def test_without_the_bridge_dutch_and_english_agree_less(real_index):
    """The agreement comes from the multilingual handling: without the term bridge (and without the
    taxonomy's concept tokens) the same texts find far fewer common actors (text channel alone)."""
    text_only = MatchParams(w_text=1.0, w_profile=0.0, w_prior=0.0)
    with_bridge = np.mean([len(_top10(real_index, nl, text_only) & _top10(real_index, en, text_only)) / 10
                           for nl, en in NL_EN])
    plain = MatchingIndex([], analyzer=Analyzer(bridge=False))
    actors, projects = load_cordis(CORDIS_SECURITY)
    plain.fit(actors.values(), projects)
    without = np.mean([len(_top10(plain, nl, text_only) & _top10(plain, en, text_only)) / 10 for nl, en in NL_EN])
    assert without < with_bridge - 0.2, (without, with_bridge)


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


# --------------------------------------------------------------------------- incremental actor arrays
# The per-actor arrays (actor_table.py) are maintained incrementally. After any sequence of changes
# they, and every score built on them, must equal those of an index built from scratch.
SENTENCES = [
    "Wij ontwikkelen radars voor dronedetectie rond havens en luchthavens.",
    "Shipyard building naval patrol ships and port security vessels.",
    "Conception de petits satellites pour l'observation de la Terre.",
    "Detection and tracking of small drones near harbours with radar and cameras.",
    "Satellite images detect ships at sea for maritime surveillance.",
    "Cyber security of industrial control systems and secure communication networks.",
    "Systèmes de détection de drones et de brouillage des communications.",
    "Counter-drone lasers protect critical infrastructure and airports.",
    "Wij bouwen satellieten en grondstations voor ruimtevaart.",
    "Autonomous underwater vehicles map mines in the port of Antwerp.",
    "Optical sensors and thermal cameras for border surveillance.",
    "Onderzoek naar batterijen en energieopslag voor defensievoertuigen.",
]
QUERIES = ["radar voor dronedetectie in de haven", "satellite earth observation of ships",
           "détection de drones", "cyber security of port networks", "underwater mines sensors"]
SCORE_PARAMS = MatchParams(w_profile=0.3, w_prior=0.2, w_coord=0.5, w_defence=0.05)


class _World:
    """A seeded random sequence of changes, applied to an index and mirrored as plain records."""

    def __init__(self, seed, idx):
        self.rng = np.random.default_rng(seed)
        self.idx = idx
        self.actors, self.projects, self.opps = {}, {}, {}
        self.curation = []   # (op, kind, id, concept, confidence, rejected), in order
        self.n = 0

    def text(self, k=2):
        return " ".join(SENTENCES[i] for i in self.rng.choice(len(SENTENCES), size=k, replace=False))

    def new_actor(self, aid=None):
        self.n += 1
        aid = aid or f"a{self.n}"
        country = ["BE", "BE", "BE", "FR", "NL"][self.rng.integers(5)]
        rec = {"id": aid, "name": aid, "country": country,
               "post_code": ["9000", "2000", "1348", "1050", ""][self.rng.integers(5)] if country == "BE" else "",
               "kind": ["PRC", "HES", "REC", "PUB", ""][self.rng.integers(5)],
               "size": ["small", "large", ""][self.rng.integers(3)], "defence": bool(self.rng.random() < 0.2),
               "description": self.text(int(self.rng.integers(0, 3)))}
        self.actors[aid] = rec
        self.idx.upsert_actor(rec)

    def new_project(self, pid=None):
        self.n += 1
        pid = pid or f"p{self.n}"
        pool = list(self.actors) + ["ghost1", "ghost2"] + [f"a{self.n + 1}"]  # also not (yet) existing ids
        k = int(self.rng.integers(1, 5))
        members = [pool[i] for i in self.rng.integers(len(pool), size=k)]  # duplicates allowed
        rec = {"id": pid, "title": self.text(1)[:60], "text": self.text(2),
               "year": [None, 2012, 2016, 2019, 2023][self.rng.integers(5)],
               "participants": [(m, "coordinator" if j == 0 else "participant") for j, m in enumerate(members)],
               "defence": bool(self.rng.random() < 0.2), "programme": "EDF"}
        self.projects[pid] = rec
        self.idx.upsert_project(rec)

    def new_opp(self, oid=None):
        self.n += 1
        oid = oid or f"o{self.n}"
        rec = {"id": oid, "kind": ["call", "need"][self.rng.integers(2)], "title": self.text(1)[:50],
               "text": self.text(1), "status": "open", "budget": 1e6}
        self.opps[oid] = rec
        self.idx.upsert_opportunity(rec)

    def step(self):
        r = self.rng.random()
        pick = lambda d: list(d)[self.rng.integers(len(d))]  # noqa: E731
        if r < 0.15 or not self.actors:
            self.new_actor()
        elif r < 0.27:
            self.new_actor(pick(self.actors))                                 # update
        elif r < 0.33:
            aid = pick(self.actors)
            del self.actors[aid]
            assert self.idx.remove("actor", aid)
        elif r < 0.48 or not self.projects:
            self.new_project(f"a{self.n + 1}" if self.rng.random() < 0.05 else None)
        elif r < 0.60:
            self.new_project(pick(self.projects))                             # update
        elif r < 0.66:
            pid = pick(self.projects)
            del self.projects[pid]
            assert self.idx.remove("project", pid)
        elif r < 0.72:
            self.new_opp(pick(self.opps) if self.opps and self.rng.random() < 0.5 else None)
        elif r < 0.75 and self.opps:
            oid = pick(self.opps)
            del self.opps[oid]
            assert self.idx.remove("opportunity", oid)
        elif r < 0.93:
            kind, store = [("actor", self.actors), ("project", self.projects), ("opportunity", self.opps)][
                self.rng.integers(3)]
            if not store:
                return
            rid, cid = pick(store), CONCEPTS[self.rng.integers(len(CONCEPTS))]["id"]
            if self.rng.random() < 0.25:
                self.curation.append(("clear", kind, rid, cid, 0.0, False))
                self.idx.clear_curated_tag(kind, rid, cid)
            else:
                conf, rej = float(self.rng.choice([0.6, 1.0])), bool(self.rng.random() < 0.3)
                self.curation.append(("set", kind, rid, cid, conf, rej))
                self.idx.set_curated_tag(kind, rid, cid, conf, rej)
        elif r < 0.96:
            self.idx.compact()
        else:  # a missing record: nothing happens
            assert not self.idx.remove("actor", "never-there")

    def replace_step(self):
        """A change that replaces a record (the number of rows stays the same)."""
        r, pick = self.rng.random(), (lambda d: list(d)[self.rng.integers(len(d))])
        if r < 0.4:
            self.new_actor(pick(self.actors))
        elif r < 0.7:
            self.new_project(pick(self.projects))
        else:
            rid, cid = pick(self.actors), CONCEPTS[self.rng.integers(len(CONCEPTS))]["id"]
            self.curation.append(("set", "actor", rid, cid, 0.9, False))
            self.idx.set_curated_tag("actor", rid, cid, 0.9)

    def rebuilt(self):
        fresh = MatchingIndex(CONCEPTS).fit(self.actors.values(), self.projects.values(), self.opps.values())
        for op, kind, rid, cid, conf, rej in self.curation:
            if op == "set":
                fresh.set_curated_tag(kind, rid, cid, conf, rej)
            else:
                fresh.clear_curated_tag(kind, rid, cid)
        return fresh


def _canonical_arrays(idx):
    """The actor arrays keyed by record ids and row keys (slot and row numbers differ)."""
    c = idx._actor_arrays()
    live = [a for a in c["ids"] if a is not None]
    assert live == list(idx.actors) and set(c["index"]) == set(live)
    assert len(c["m_actor"]) == len(c["m_row"]) == len(c["m_coord"]) == len(c["m_proj"]) == len(c["m_year"])
    assert np.all(np.diff(c["m_actor"]) >= 0)
    wm = idx._membership_weights(SCORE_PARAMS)
    out = {}
    for aid in live:
        i = c["index"][aid]
        lo = c["starts"][i]
        hi = c["starts"][i + 1] if i + 1 < len(c["starts"]) else len(c["m_actor"])
        assert np.all(c["m_actor"][lo:hi] == i) and c["alive"][i]
        members = [(c["proj_ids"][c["m_proj"][j]], idx._row_key[c["m_row"][j]], bool(c["m_coord"][j]),
                    float(c["m_year"][j]), round(float(wm[j]), 10)) for j in range(lo, hi)]
        assert all(idx._row_key[c["m_row"][j]] == "p:" + c["proj_ids"][c["m_proj"][j]] for j in range(lo, hi))
        desc = idx._row_key[c["desc_row"][i]] if c["desc_row"][i] >= 0 else None
        out[aid] = {"desc": desc, "members": members, "nproj": float(c["nproj"][i]),
                    "ncoord": float(c["ncoord"][i]), "defence": bool(c["defence"][i]),
                    "attrs": tuple(c["attrs"][k][i] for k in ("country", "region", "kind", "size")),
                    "concepts": np.asarray(c["concepts"][i].todense()).ravel().round(10).tolist()}
    dead = ~c["alive"]
    assert not c["defence"][dead].any() and not c["nproj"][dead].any() and (c["desc_row"][dead] < 0).all()
    assert c["concepts"][np.flatnonzero(dead)].nnz == 0
    return out


def _components(idx, text, s_by_key=None):
    """Actor score components by actor id for a query; unit scores optionally given by row key."""
    q = idx.query_vector(text)
    s = idx.unit_scores(q)
    if s_by_key is not None:
        s = np.zeros(len(idx._row_key))
        for key, r in idx._key_row.items():
            s[r] = s_by_key[key]
    comp = idx.actor_components(s, SCORE_PARAMS, q)
    c = idx._actor_arrays()
    return {a: np.array([comp[k][i] for k in ("text", "own", "track", "profile", "prior", "defence", "total")])
            for a, i in c["index"].items()}


def reference_profile_matrix(index, c):
    """The whole-profile matrix built from scratch, the plain way (the oracle for ActorTable's
    incrementally maintained one): per actor, the sum of its units' L2-normalised ``log(1 + tf)``
    vectors, idf-weighted, rows L2-normalised."""
    n, n_rows, n_cols = len(c["ids"]), len(index._row_key), len(index._terms)
    if n == 0 or n_rows == 0:
        return sp.csc_matrix((n, n_cols), dtype=np.float32)
    lens = np.fromiter((len(t) for t in index._row_terms), dtype=np.int64, count=n_rows)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(lens, out=indptr[1:])
    tf = sp.csr_matrix((np.concatenate([unit_profile_vector(v) for v in index._row_tf]),
                        np.concatenate(index._row_terms), indptr), shape=(n_rows, n_cols), dtype=np.float32)
    desc_row, m_actor, m_row = c["desc_row"], c["m_actor"], c["m_row"]
    has = desc_row >= 0
    a_idx = np.concatenate([np.flatnonzero(has), m_actor])
    r_idx = np.concatenate([desc_row[has], m_row])
    member = sp.csr_matrix((np.ones(len(a_idx), dtype=np.float32), (a_idx, r_idx)), shape=(n, n_rows))
    prof = (member @ tf).tocsr()
    prof = prof.multiply(index._idf(np.arange(n_cols)).astype(np.float32)[None, :]).tocsr()
    norms = np.sqrt(np.asarray(prof.multiply(prof).sum(axis=1)).ravel())
    return (sp.diags(1.0 / np.maximum(norms, 1e-12)).astype(np.float32) @ prof).tocsc()


def _assert_same_scores(inc, fresh, exact_bm25):
    assert _canonical_arrays(inc) == _canonical_arrays(fresh)
    for text in QUERIES:
        sf = fresh.unit_scores(fresh.query_vector(text))
        by_key = {k: sf[r] for k, r in fresh._key_row.items()}
        a, b = _components(inc, text, by_key), _components(fresh, text)
        assert a.keys() == b.keys()
        for aid in a:
            assert np.allclose(a[aid], b[aid], rtol=1e-4, atol=1e-6), (text, aid, a[aid], b[aid])
        # the explicit profile matrix equals the reference built from scratch from the same rows
        c = inc._actor_arrays()
        pi = inc._actor_arrays()["profile"]
        pf = reference_profile_matrix(inc, c)
        assert abs(pi - pf).max() < 1e-5 if pi.nnz or pf.nnz else True
        if not exact_bm25:
            continue
        for flt in (None, {"country": "BE"}, {"region": "VLG", "kind": "company"}, {"defence": True}):
            ra = inc.search_actors(text, filters=flt, top_k=50, params=SCORE_PARAMS)
            rb = fresh.search_actors(text, filters=flt, top_k=50, params=SCORE_PARAMS)
            assert [m.id for m in ra] == [m.id for m in rb], (text, flt)
            assert np.allclose([m.score for m in ra], [m.score for m in rb], rtol=1e-4)
            for x, y in zip(ra, rb, strict=False):
                cx, cy = dict(x.explanation["components"]), dict(y.explanation["components"])
                assert cx.pop("weights") == cy.pop("weights")
                assert cx == pytest.approx(cy, rel=1e-3, abs=2e-4)
                assert x.explanation["track_record"] == y.explanation["track_record"]
                assert ([e["project_id"] for e in x.explanation["evidence_projects"]]
                        == [e["project_id"] for e in y.explanation["evidence_projects"]])
                assert ([(s["concept_id"], s["actor_confidence"]) for s in x.explanation["shared_concepts"]]
                        == [(s["concept_id"], s["actor_confidence"]) for s in y.explanation["shared_concepts"]])
        members = list(inc.actors)[:2]
        pa = inc.search_partners(text, members=members, top_k=20)
        pb = fresh.search_partners(text, members=members, top_k=20)
        assert [(m.id, round(m.score, 5)) for m in pa] == [(m.id, round(m.score, 5)) for m in pb]
    if exact_bm25:
        for aid in list(inc.actors)[:4]:
            oa = inc.search_opportunities(aid, today="2026-01-01")
            ob = fresh.search_opportunities(aid, today="2026-01-01")
            assert [(m.id, round(m.score, 5)) for m in oa] == [(m.id, round(m.score, 5)) for m in ob]
        for flt in ({"country": "BE"}, {}):
            sa = strength_map(inc, actor_filter=flt, today="2026-01-01", domain_threshold=0.3, text_threshold=0.3)
            sb = strength_map(fresh, actor_filter=flt, today="2026-01-01", domain_threshold=0.3, text_threshold=0.3)
            assert sa.n_actors == sb.n_actors and sa.to_dicts() == sb.to_dicts()


@pytest.mark.parametrize("seed,small_thresholds", [(0, False), (1, True), (2, False), (3, True)])
def test_incremental_actor_arrays_equal_a_rebuild(seed, small_thresholds, tmp_path):
    params = MatchParams(min_compact_rows=8, compact_ratio=0.2) if small_thresholds else None
    idx = MatchingIndex(CONCEPTS, params)
    if not small_thresholds:  # the small world would otherwise often take the full-rebuild path
        idx._table.full_rebuild_ratio = 10.0
    else:  # exercise the table's own compaction paths too
        idx._table.min_tombstones = 2
        idx._table.tombstone_ratio = 0.05
        idx._table.min_profile_override = 3
        idx._table.profile_override_ratio = 0.05
    w = _World(seed, idx)
    for _ in range(6):
        w.new_actor()
    for _ in range(4):
        w.new_project()
    w.new_opp()
    idx.search_actors("radar", params=SCORE_PARAMS)   # built once; everything after is incremental
    assert idx._table.full_builds == 1
    for step in range(160):
        w.step()
        if w.rng.random() < 0.8:  # most changes are followed by a query (small incremental syncs)
            idx.search_actors(QUERIES[step % len(QUERIES)], params=SCORE_PARAMS, top_k=3)
        if step % 40 == 39:
            _assert_same_scores(idx, w.rebuilt(), exact_bm25=False)
        if step == 80:
            idx.save(tmp_path)
    for step in range(12):  # replacements only: the profile norms are updated column by column
        w.replace_step()
        idx.search_actors(QUERIES[step % len(QUERIES)], params=SCORE_PARAMS, top_k=3)
    assert idx._table.incremental_syncs > 50
    if not small_thresholds:
        assert idx._table.full_builds == 1 and idx._table.profile_builds == 1  # never rebuilt from scratch
        assert not idx._table.alive[:len(idx._table.ids)].all()  # removals left tombstones (no rebuild)
    else:
        assert idx._table.full_builds > 1 and idx._table.profile_builds > 1  # compactions happened
    fresh = w.rebuilt()
    _assert_same_scores(idx, fresh, exact_bm25=False)
    # after compaction the BM25 length normalisation is the same too: every search result matches
    idx.compact()
    _assert_same_scores(idx, fresh, exact_bm25=True)
    # persistence: snapshot at step 80 + journal of the rest, and a fresh snapshot
    idx.flush()
    loaded = MatchingIndex.load(tmp_path)
    _assert_same_scores(loaded, fresh, exact_bm25=False)
    loaded.compact()
    _assert_same_scores(loaded, fresh, exact_bm25=True)
    idx.save(tmp_path / "again")
    _assert_same_scores(MatchingIndex.load(tmp_path / "again"), fresh, exact_bm25=True)


def test_incremental_update_costs_the_change_only(idx):
    """An opportunity change leaves the actor arrays alone; an actor or project change syncs only
    its slots (no full rebuild) and the results reflect it."""
    idx.search_actors("radar")
    table = idx._table
    builds = table.full_builds
    before = idx._actor_arrays()
    idx.upsert_opportunity({"id": "c-new", "kind": "call", "title": "Drones", "text": "Drone radar."})
    after = idx._actor_arrays()
    assert after is not before and after["m_actor"] is before["m_actor"] and after["concepts"] is before["concepts"]
    idx.upsert_project({"id": "p3", "title": "Satellite radar", "year": 2022, "text": "Satellite radar imaging.",
                        "participants": [("radar", "coordinator"), ("newco", "participant")]})
    idx.upsert_actor({"id": "newco", "name": "NewCo", "country": "BE", "post_code": "2000",
                      "description": "Satellietradar."})
    res = idx.search_actors("satellite radar imaging", top_k=10)
    assert table.full_builds == builds
    assert {"radar", "newco"} <= {m.id for m in res}
    c = idx._actor_arrays()
    assert c["nproj"][c["index"]["newco"]] == 1 and c["ncoord"][c["index"]["radar"]] == 1
    idx.remove("actor", "newco")
    c = idx._actor_arrays()
    assert "newco" not in c["index"] and c["ids"].count(None) == 1
    assert "newco" not in {m.id for m in idx.search_actors("satellite radar imaging")}
    assert strength_map(idx, actor_filter={}).n_actors == len(idx.actors)
    assert table.full_builds == builds


def _plain_able_coordinators(index, row, threshold, country="BE"):
    """The leadership count of a domain row, computed the plain way from the effective tags."""
    c = index._actor_arrays()
    j = c["concept_index"][row.key]
    count = 0
    for aid, i in c["index"].items():
        if index.actors[aid].country != country or c["concepts"][i, j] < threshold:
            continue
        count += any((aid, "coordinator") in index.projects[pid].participants
                     and any(t.concept_id == row.key for t in index.tags("project", pid))
                     for pid in index._actor_projects.get(aid, ()))
    return count


def test_strength_map_coordinators_follow_the_effective_project_tags(real_index, idx):
    sm = strength_map(real_index, actor_filter={"country": "BE"}, today="2026-11-22", domain_threshold=0.3)
    domains = [r for r in sm.rows if r.kind == "domain"]
    assert domains and sum(r.leadership["able_coordinators"] for r in domains) > 0
    for row in domains:
        assert row.leadership["able_coordinators"] == _plain_able_coordinators(real_index, row, 0.3), row.key
    # a curated tag on a coordinated project counts (sat coordinates p2)
    idx.set_curated_tag("project", "p2", "focus:counter-uav", 1.0)
    row = next(r for r in strength_map(idx, actor_filter={"country": "BE"}).rows if r.key == "focus:counter-uav")
    assert row.leadership["able_coordinators"] == _plain_able_coordinators(idx, row, 0.5) >= 1


def test_the_analysis_of_a_long_word_is_bounded():
    """A hostile "word" of any length costs a bounded number of stemming calls (Dutch compound
    splitting was cubic in the word's length: 1,000 letters took a minute), and real compounds still
    split."""
    from visd.matching.analysis import MAX_COMPOUND_LETTERS, Analyzer

    calls = []

    class Counting(Analyzer):
        def stem_word(self, word, lang):
            calls.append(len(word))
            return super().stem_word(word, lang)

    analyzer = Counting()
    assert analyzer.terms("dronedetectie", "nl") == ["drone", "detect"]
    costs = {}
    for n in (MAX_COMPOUND_LETTERS, 1_000, 100_000):
        calls.clear()
        analyzer.terms("het " + "ab" * (n // 2) + " veiligheidsonderzoek", "nl")
        costs[n] = len(calls)
    assert costs[1_000] <= costs[MAX_COMPOUND_LETTERS] and costs[100_000] <= costs[MAX_COMPOUND_LETTERS], costs
    assert costs[MAX_COMPOUND_LETTERS] < 20_000, costs  # a few milliseconds, whatever the text holds
