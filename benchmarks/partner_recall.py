"""Partner-recall benchmark on the real consortia of CORDIS FP7 Security and H2020 Secure Societies.

Time split: projects that started before SPLIT_YEAR are the track record (the index); projects that
started in or after it, and that have at least one Belgian partner known from the track record, are
the queries. For every query, all Belgian organisations known from the track record are ranked by
the query project's title and objective; we report recall@10 and the mean reciprocal rank (MRR) of
its true Belgian partners, for the engine and for a scikit-learn TF-IDF cosine baseline computed on
the same split, plus ablations of the engine's components.

No leakage: the query projects (texts and participations) are not in the index or in the baseline's
vocabulary; organisations seen only in query projects are not candidates.

Run:  .venv/bin/python benchmarks/partner_recall.py [--split 2016] [--tune]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from visd.matching.analysis import Analyzer  # noqa: E402
from visd.matching.datasets import CORDIS_SECURITY, load_cordis, load_reference_concepts  # noqa: E402
from visd.matching.index import MatchingIndex, MatchParams  # noqa: E402

DEFAULT_SPLIT = 2016
# tuning splits: index < 2013 or < 2014, queries up to 2015 (all inside the main split's track record)
VALIDATION_SPLITS = ((2013, 2016), (2014, 2016))


def make_split(actors, projects, split_year, query_until=None):
    index_projects = [p for p in projects if p.year and p.year < split_year]
    index_actor_ids = {a for p in index_projects for a, _ in p.participants}
    be_known = sorted(a for a in index_actor_ids if actors[a].country == "BE")
    be_set = set(be_known)
    queries = []
    for p in projects:
        if not p.year or p.year < split_year or (query_until and p.year >= query_until):
            continue
        targets = {a for a, _ in p.participants if a in be_set}
        if targets:
            queries.append((p, targets))
    n_unreachable = sum(len({a for a, _ in p.participants if actors[a].country == "BE"} - be_set)
                        for p in projects if p.year and p.year >= split_year and (not query_until or p.year < query_until))
    index_actors = [actors[a] for a in sorted(index_actor_ids)]
    return index_projects, index_actors, be_known, queries, n_unreachable


def metrics(rankings, queries, k=10):
    recalls, rrs = [], []
    for ranking, (_, targets) in zip(rankings, queries):
        top = ranking[:k]
        recalls.append(len(targets & set(top)) / len(targets))
        rr = 0.0
        for r, a in enumerate(ranking, 1):
            if a in targets:
                rr = 1.0 / r
                break
        rrs.append(rr)
    return float(np.mean(recalls)), float(np.mean(rrs))


def rank(scores, ids):
    order = np.lexsort((np.arange(len(ids)), -np.asarray(scores)))
    return [ids[i] for i in order]


class EngineRun:
    """Builds the index once; ranks every query under several parameter sets cheaply."""

    def __init__(self, index_actors, index_projects, be_known, concepts, analyzer=None):
        t = time.perf_counter()
        self.idx = MatchingIndex(concepts, analyzer=analyzer).fit(index_actors, index_projects)
        self.build_s = time.perf_counter() - t
        c = self.idx._actor_arrays()
        self.be_pos = np.array([c["index"][a] for a in be_known])
        self.be_ids = be_known
        self.cache = {}

    def rankings(self, queries, params: MatchParams):
        out = []
        base = self.idx.params
        for p, _ in queries:
            key = (p.id, params.concept_weight, params.k1, params.b)
            if key not in self.cache:
                self.idx.params = replace(base, concept_weight=params.concept_weight, k1=params.k1, b=params.b)
                if (params.k1, params.b) != (base.k1, base.b):
                    self.idx.compact()
                q = self.idx.query_vector(p.text, p.title)
                self.cache[key] = (self.idx.unit_scores(q), q)
                self.idx.params = base
                if (params.k1, params.b) != (base.k1, base.b):
                    self.idx.compact()
            comp = self.idx.actor_components(*self.cache[key][:1], params, self.cache[key][1])
            out.append(rank(comp["total"][self.be_pos], self.be_ids))
        return out


def tfidf_rankings(index_projects, be_known, queries, prior=None, w_prior=0.0):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    docs = {a: [] for a in be_known}
    for p in index_projects:
        for a, _ in p.participants:
            if a in docs:
                docs[a].append(f"{p.title}\n{p.text}")
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    X = vec.fit_transform(["\n".join(docs[a]) for a in be_known])
    Q = vec.transform([f"{p.title}\n{p.text}" for p, _ in queries])
    S = linear_kernel(Q, X)
    out = []
    for s in S:
        if prior is not None:
            s = s / (s.max() or 1.0) + w_prior * prior
        out.append(rank(s, be_known))
    return out


def tune(actors, projects, concepts):
    """Grid-search the engine's weights on validation splits that lie entirely inside the main
    split's track-record period (no query project of the main split is seen)."""
    runs = []
    for lo, hi in VALIDATION_SPLITS:
        idx_p, idx_a, be, queries, _ = make_split(actors, projects, lo, hi)
        runs.append((lo, EngineRun(idx_a, idx_p, be, concepts), queries))
        print(f"Tuning split: index < {lo} ({len(idx_p)} projects), queries {lo}-{hi - 1} ({len(queries)}), "
              f"{len(be)} Belgian candidates")
    best = None
    grid = itertools.product([0.0, 0.5, 1.0], [6.0, 10.0, 15.0], [None, 2.0, 4.0], [0.0, 1.0],
                             [0.0, 0.25, 0.5], [0.0, 0.5, 1.0])
    for cw, beta, tau, wc, wp, wprof in grid:
        params = replace(MatchParams(), concept_weight=cw, beta=beta, recency_years=tau, w_coord=wc,
                         w_prior=wp, w_profile=wprof)
        scores = [metrics(run.rankings(queries, replace(params, now_year=lo)), queries) for lo, run, queries in runs]
        objective = float(np.mean([r10 + mrr for r10, mrr in scores]))
        if best is None or objective > best[0]:
            best = (objective, params, scores)
    _, params, scores = best
    print(f"  best: concept_weight={params.concept_weight} beta={params.beta} recency_years={params.recency_years} "
          f"w_coord={params.w_coord} w_prior={params.w_prior} w_profile={params.w_profile}  "
          + "; ".join(f"R@10={r:.3f} MRR={m:.3f}" for r, m in scores))
    return params


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", type=int, default=DEFAULT_SPLIT)
    ap.add_argument("--tune", action="store_true", help="grid-search weights on the validation split first")
    ap.add_argument("--no-sensitivity", action="store_true")
    args = ap.parse_args(argv)

    actors, projects = load_cordis(CORDIS_SECURITY)
    concepts = load_reference_concepts()
    print(f"Data: {len(projects)} CORDIS security projects, {len(actors)} organisations; "
          f"{len(concepts)} taxonomy concepts ({'reference data' if concepts else 'none found'})")
    params = tune(actors, projects, concepts) if args.tune else MatchParams()
    params = replace(params, now_year=args.split)  # recency is measured from the split year

    idx_p, idx_a, be, queries, unreachable = make_split(actors, projects, args.split)
    n_targets = sum(len(t) for _, t in queries)
    print(f"\nSplit {args.split}: index = {len(idx_p)} projects started before {args.split} "
          f"({len(idx_a)} organisations EU-wide); queries = {len(queries)} projects from {args.split} on "
          f"with Belgian partners known from the track record; {len(be)} Belgian organisations ranked; "
          f"{n_targets} true (query, partner) pairs; {unreachable} Belgian participations of newcomers "
          f"not reachable by any method (not counted)")
    run = EngineRun(idx_a, idx_p, be, concepts)
    assert not ({p.id for p, _ in queries} & set(run.idx.projects)), "leakage: query project in the index"
    print(f"Engine index built in {run.build_s:.2f} s ({run.idx.stats()['terms']} terms)")

    t = time.perf_counter()
    eng = run.rankings(queries, params)
    q_ms = (time.perf_counter() - t) / len(queries) * 1000
    e_r10, e_mrr = metrics(eng, queries)
    t = time.perf_counter()
    base = tfidf_rankings(idx_p, be, queries)
    b_r10, b_mrr = metrics(base, queries)
    b_s = time.perf_counter() - t

    print(f"\n{'method':58s} {'recall@10':>9s} {'MRR':>7s}")
    print(f"{'ENGINE (default MatchParams)':58s} {e_r10:9.3f} {e_mrr:7.3f}")
    print(f"{'TF-IDF cosine baseline (scikit-learn, org = its projects)':58s} {b_r10:9.3f} {b_mrr:7.3f}")
    print(f"{'ratio engine / baseline':58s} {e_r10 / b_r10:9.2f} {e_mrr / b_mrr:7.2f}")
    ok = e_mrr >= 1.2 * b_mrr and e_r10 >= b_r10
    print(f"acceptance (MRR >= 1.2 x baseline and recall@10 >= baseline): {'PASS' if ok else 'FAIL'}")
    print(f"(engine {q_ms:.1f} ms per query incl. scoring all actors; baseline {b_s:.2f} s for all queries)")

    print("\nAblations (same split, same queries):")
    ablations = [
        ("engine, text only (no recency/role weights, no prior)",
         replace(params, w_prior=0.0, recency_years=None, w_coord=0.0)),
        ("engine, text with recency/role weights, no prior", replace(params, w_prior=0.0)),
        ("engine, hard max over units (beta=100)", replace(params, beta=100.0)),
        ("engine + whole-profile channel (w_profile=1)", replace(params, w_profile=1.0)),
        ("engine + activity prior (w_prior=0.25)", replace(params, w_prior=0.25)),
        ("engine + both, coordinator weight 1", replace(params, w_profile=1.0, w_prior=0.25, w_coord=1.0)),
        ("whole-profile channel only (w_text=0, w_profile=1)", replace(params, w_text=0.0, w_profile=1.0)),
        ("engine, no concept tokens in the query", replace(params, concept_weight=0.0)),
        ("track-record prior only (activity, no text)", replace(params, w_text=0.0, w_prior=1.0)),
    ]
    for name, p in ablations:
        r10, mrr = metrics(run.rankings(queries, p), queries)
        print(f"  {name:56s} {r10:9.3f} {mrr:7.3f}")
    prior_be = run.idx.actor_components(np.zeros(len(run.idx._row_key)), replace(params, w_prior=1.0))["prior"][run.be_pos]
    r10, mrr = metrics(tfidf_rankings(idx_p, be, queries, prior_be, 0.25), queries)
    print(f"  {'TF-IDF baseline + the activity prior (w=0.25)':56s} {r10:9.3f} {mrr:7.3f}")
    plain = EngineRun(idx_a, idx_p, be, concepts, Analyzer(stem=False, bridge=False, decompound=False))
    r10, mrr = metrics(plain.rankings(queries, params), queries)
    print(f"  {'engine without stemming and term bridge':56s} {r10:9.3f} {mrr:7.3f}")
    rng = np.random.default_rng(0)
    rand = [list(rng.permutation(be)) for _ in queries]
    r10, mrr = metrics(rand, queries)
    print(f"  {'random ranking':56s} {r10:9.3f} {mrr:7.3f}")

    if not args.no_sensitivity:
        print("\nOther split years (engine vs baseline):")
        for y in (2014, 2015, 2017, 2018):
            ip, ia, b2, qs, _ = make_split(actors, projects, y)
            r = EngineRun(ia, ip, b2, concepts)
            er, em = metrics(r.rankings(qs, replace(params, now_year=y)), qs)
            br, bm = metrics(tfidf_rankings(ip, b2, qs), qs)
            print(f"  split {y}: {len(ip):4d} index projects, {len(qs):3d} queries, {len(b2):3d} candidates | "
                  f"engine R@10 {er:.3f} MRR {em:.3f} | baseline R@10 {br:.3f} MRR {bm:.3f} | "
                  f"MRR ratio {em / bm:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
