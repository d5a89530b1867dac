"""Capability search of the actor list (page and API): actors found by what they do, ranked.

A search text finds, in this order:

1. an actor whose PIC, KBO enterprise number or VAT number the text gives (any notation);
2. an actor whose name or short name holds every word of the text as a whole word ("radar" finds
   "Nordic Radar Solutions", never "... GRADARIJEKE"): the matching engine's word tokens, casefolded
   and without accents, compared word by word, never a substring;
3. the actors whose description or past projects are about the text, ranked by the matching
   engine (:meth:`visd.matching.index.MatchingIndex.search_actors`: Dutch, French and English
   stemming, Dutch compounds, the nl/fr->en term bridge, concepts). An actor counts when at least one
   of its texts holds a specific word of the search (one that is not commonplace in project and
   call texts: the engine's ``term_genericity``) or is evidence on its own (its similarity reaches
   the engine's ``evidence_min``) or carries, with at least the engine's ``evidence_concept_min``
   confidence, a concept that the search names clearly ("drone": the UAV focus domain).

Name and identifier hits come first (among them, the engine's score decides); then the engine's
ranking. Each actor handed out carries ``actor.search``: why it was found (the query's words that
matched, the concepts shared, and the past projects that are evidence, with their own words).

The index is read with :func:`visd.matchmaking.lifecycle.read_index`: a search never builds or
updates it and never writes to the database. Without an index, only names and identifiers are
searched, and :attr:`ActorSearch.notice` says so; with an index that is behind the database, the
notice says how old it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _

from visd.matching.analysis import STOPWORDS, strip_accents, words
from visd.matching.tagging import concept_token

MAX_QUERY_LENGTH = 500       # characters of a search text (a longer one is refused with a message)
MAX_RESULTS = 1000           # engine hits kept, best first
MAX_NAME_WORDS = 8           # a longer text is not looked for in names
EVIDENCE_PROJECTS = 3        # past projects shown per actor
_STOPWORDS = frozenset().union(*STOPWORDS.values())


def name_tokens(text: str) -> list[str]:
    """The words of a name or a search text as names are compared: the engine's word tokens,
    casefolded and without accents.

    >>> name_tokens("Javna Vatrogasna Postrojba GRADARIJEKE")
    ['javna', 'vatrogasna', 'postrojba', 'gradarijeke']
    >>> name_tokens("Liège-Radar")
    ['liege', 'radar']
    """
    return [strip_accents(w) for w in words(text or "")]


def name_matches(text: str, name: str, short_name: str = "") -> list[str]:
    """The words of ``text`` when every one of them (stopwords aside) is a whole word of the name or
    short name; else []. A word inside another word is no match.

    >>> name_matches("radar", "NORDIC RADAR SOLUTIONS APS")
    ['radar']
    >>> name_matches("radar", "JAVNA VATROGASNA POSTROJBA GRADARIJEKE")
    []
    >>> name_matches("KU Leuven", "KATHOLIEKE UNIVERSITEIT LEUVEN", "KU Leuven")
    ['ku', 'leuven']
    """
    wanted = _name_words(text)
    if not wanted:
        return []
    have = set(name_tokens(name)) | set(name_tokens(short_name))
    return wanted if all(w in have for w in wanted) else []


def _name_words(text: str) -> list[str]:
    tokens = list(dict.fromkeys(name_tokens(text)))
    if len(tokens) > MAX_NAME_WORDS:
        return []
    return [t for t in tokens if t not in _STOPWORDS]


def identifier_digits(text: str) -> str:
    """The digits of a text that may be a PIC, KBO or VAT number (at least 9), else ""."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits if len(digits) >= 9 else ""


@dataclass
class Hit:
    actor_id: int
    matched_by: list[str] = field(default_factory=list)   # "identifier", "name", "capability"
    score: float | None = None
    identifier: str = ""        # PIC, KBO or VAT
    name_words: list[str] = field(default_factory=list)


class ActorSearch:
    """The actors of ``queryset`` (already narrowed by the facets) that ``text`` finds, best first.

    A sequence, as Django's Paginator and the API's pagination read it: ``len()``/``count()`` and
    slicing. A slice fetches its actors from ``queryset`` (with its annotations and prefetches) and
    gives each one ``actor.search``. ``keep_order``: keep the queryset's own order (an explicit
    ``ordering`` in the API) instead of the relevance."""

    def __init__(self, queryset, text: str, status=None, keep_order: bool = False):
        from visd.matchmaking import lifecycle

        self.queryset = queryset
        self.text = (text or "").strip()[:MAX_QUERY_LENGTH]
        self.status = lifecycle.read_index() if status is None else status
        self.index = self.status.index
        self._qv = None
        self._word_ids: set[int] = set()
        self._unit_similarity = None
        self._concept_cols: dict[int, str] = {}
        self._holds = None
        self.hits = self._find()
        if keep_order:
            position = {pk: i for i, pk in enumerate(queryset.values_list("pk", flat=True))}
            self.hits.sort(key=lambda h: position.get(h.actor_id, len(position)))
        self._by_id = {h.actor_id: h for h in self.hits}

    # ----------------------------------------------------------------- what the pages show with it
    @property
    def capability_search(self) -> bool:
        """Whether actors were searched by what they do (an index was there to read)."""
        return self.index is not None

    @property
    def notice(self) -> str:
        """"" when the index is current; else why the results may be incomplete or out of date (and,
        while the index waits for its embeddings, that it answers lexically)."""
        from visd.matchmaking import matches

        if self.index is None:
            return _("Searching by what actors do is not available yet: the matching index has not been built "
                     "(\u201cvisd tag\u201d builds it on the server). Only names and identifiers were searched.")
        return " ".join(m for m in (matches.stale_message(self.status), matches.dense_message(self.status)) if m)

    # ----------------------------------------------------------------- sequence
    def count(self) -> int:
        return len(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self):
        return iter(self[0:len(self.hits)])

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key:key + 1][0]
        hits = self.hits[key]
        actors = {a.pk: a for a in self.queryset.filter(pk__in=[h.actor_id for h in hits])}
        explanations = self._explanations([h for h in hits if "capability" in h.matched_by])
        out = []
        for h in hits:
            actor = actors.get(h.actor_id)
            if actor is None:
                continue
            actor.search = self._shown(h, explanations.get(h.actor_id))
            out.append(actor)
        return out

    # ----------------------------------------------------------------- finding
    def _find(self) -> list[Hit]:
        hits: dict[int, Hit] = {}
        for pk, label in self._identifier_hits():
            hits.setdefault(pk, Hit(pk)).matched_by.append("identifier")
            hits[pk].identifier = label
        for pk, found in self._name_hits():
            hit = hits.setdefault(pk, Hit(pk))
            hit.matched_by.append("name")
            hit.name_words = found
        engine = self._capability_hits()
        for pk, score in engine:
            hit = hits.setdefault(pk, Hit(pk))
            hit.matched_by.append("capability")
            hit.score = score
        engine_rank = {pk: rank for rank, (pk, _) in enumerate(engine)}
        first = {"identifier": 0, "name": 1, "capability": 2}
        return sorted(hits.values(), key=lambda h: (min(first[m] for m in h.matched_by),
                                                    engine_rank.get(h.actor_id, len(engine_rank)), h.actor_id))

    def _identifier_hits(self):
        digits = identifier_digits(self.text)
        if not digits:
            return []
        rows = self.queryset.filter(Q(pic=digits) | Q(kbo__endswith=digits[-9:]) | Q(vat__icontains=digits))
        out = []
        for pk, pic, kbo in rows.values_list("pk", "pic", "kbo"):
            label = "PIC" if pic == digits else "KBO" if (kbo or "").endswith(digits[-9:]) else "VAT"
            out.append((pk, label))
        return out

    def _name_hits(self):
        wanted = _name_words(self.text)
        if not wanted:
            return []
        # the database narrows (every word somewhere in the name), whole words are checked here
        raw = [w for w in dict.fromkeys(words(self.text)) if strip_accents(w) in wanted]
        condition = Q()
        for w in raw:
            condition &= Q(name__icontains=w) | Q(short_name__icontains=w)
        rows = self.queryset.filter(condition).values_list("pk", "name", "short_name")
        return [(pk, found) for pk, name, short in rows if (found := name_matches(self.text, name, short))]

    def _query_vector(self):
        if self._qv is None:
            self._qv = self.index.query_vector(self.text)
        return self._qv

    def _capability_hits(self) -> list[tuple[int, float]]:
        """(actor pk, engine score), best first: the actors in the queryset with a text (description
        or past project) that holds a specific word of the search (not one that is commonplace in
        project or call texts) or carries a concept it names clearly, or that is evidence on its own
        (its similarity reaches the engine's ``evidence_min``)."""
        index = self.index
        if index is None:
            return []
        qv = self._query_vector()
        if not len(qv["ids"]):
            return []
        s_units = index.unit_scores(qv)
        comp = index.actor_components(s_units, None, qv)
        self._unit_similarity = comp["unit_norm"]
        arrays = index.actor_arrays()
        ids = arrays["ids"]
        # which units hold a word of the search: a search of those words alone
        concept_ids = {index.vocabulary_id(concept_token(t.concept_id)) for t in qv["tags"]}
        is_word = np.fromiter((i not in concept_ids for i in qv["ids"].tolist()), dtype=bool, count=len(qv["ids"]))
        word_ids = qv["ids"][is_word]
        specific = word_ids[index.term_genericity(word_ids) == 0] if len(word_ids) else word_ids
        self._word_ids = set((specific if len(specific) else word_ids).tolist())
        holds = np.zeros(index.n_rows, dtype=bool)
        if self._word_ids:
            keep = np.isin(qv["ids"], list(self._word_ids))
            holds |= index.unit_scores(dict(qv, ids=qv["ids"][keep], w=qv["w"][keep])) > 0
        # ... or carry a concept the search names clearly (as the engine's evidence concepts), clearly too
        floor = index.params.evidence_concept_min
        strongest = max((t.confidence for t in qv["tags"]), default=0.0)
        columns = index.concept_columns
        self._concept_cols = {columns[t.concept_id]: t.concept_id for t in qv["tags"]
                              if t.confidence >= min(floor, strongest) and t.concept_id in columns}
        if self._concept_cols:
            wanted = np.fromiter(self._concept_cols, dtype=np.int64)
            for row, (cols, conf) in enumerate(index.rows_concepts()):
                if len(cols) and np.any(np.isin(cols, wanted) & (conf >= floor)):
                    holds[row] = True
        holds &= index.unit_kind_mask(("a:", "p:"))
        self._holds = holds
        desc = arrays["desc_row"]
        with_word = (desc >= 0) & holds[np.maximum(desc, 0)]
        if len(arrays["m_row"]):
            with_word |= np.bincount(arrays["m_actor"], weights=holds[arrays["m_row"]], minlength=len(ids)) > 0
        found = np.flatnonzero(with_word | (comp["evidence_n"] > 0))
        if not len(found):
            return []
        allowed = set(self.queryset.values_list("pk", flat=True))
        keep_ids = {ids[i] for i in found.tolist() if str(ids[i]).isdigit() and int(ids[i]) in allowed}
        if not keep_ids:
            return []
        exclude = [a for a in index.actors if a not in keep_ids]
        matches = index.search_actors(qv, top_k=min(len(keep_ids), MAX_RESULTS), exclude=exclude, explain=False)
        return [(int(m.id), round(float(m.score), 4)) for m in matches]

    def _word_evidence(self, actor_id: str) -> tuple[list[str], list[dict]]:
        """The search's words in the actor's description and past projects, and its projects that hold
        them or carry a concept the search names (closest first): what is shown when no text is close
        enough to be the engine's evidence."""
        index, qv = self.index, self._query_vector()
        terms, _ = index.rows_terms()
        surfaces = qv["surfaces"]
        concepts = index.rows_concepts()
        floor = index.params.evidence_concept_min

        def words_of(row):
            return [surfaces[t] for t in terms[row].tolist() if t in self._word_ids and t in surfaces]

        def concepts_of(row):
            cols, conf = concepts[row]
            return [self._concept_cols[c] for c, v in zip(cols.tolist(), conf.tolist(), strict=True)
                    if c in self._concept_cols and v >= floor]

        row = index.row_of("a:" + actor_id)
        found = words_of(row) if row >= 0 else []
        projects = []
        for pid in index.actor_project_ids(actor_id):
            row = index.row_of("p:" + pid)
            if row < 0 or not self._holds[row]:
                continue
            project = index.projects[pid]
            projects.append({"project_id": pid, "title": project.title, "year": project.year,
                             "matched_terms": words_of(row),
                             "concepts": [{"concept_id": c, "label": index.concept_label(c)} for c in concepts_of(row)],
                             "similarity": float(self._unit_similarity[row])})
        projects.sort(key=lambda p: (-p["similarity"], p["project_id"]))
        for p in projects:
            found += p["matched_terms"]
        return list(dict.fromkeys(found)), projects[:EVIDENCE_PROJECTS]

    # ----------------------------------------------------------------- explaining
    def _explanations(self, hits: list[Hit]) -> dict[int, dict]:
        """The engine's explanation of each of these capability hits (one search over just them)."""
        if not hits or self.index is None:
            return {}
        keep = {str(h.actor_id) for h in hits}
        exclude = [a for a in self.index.actors if a not in keep]
        matches = self.index.search_actors(self._query_vector(), top_k=len(keep), exclude=exclude)
        return {int(m.id): m.explanation for m in matches}

    def _shown(self, hit: Hit, explanation: dict | None) -> dict:
        """What a page or the API shows of why an actor was found."""
        from visd.matchmaking.matches import concept_labels

        explanation = dict(explanation or {})
        if explanation and not explanation.get("evidence_projects"):
            terms, projects = self._word_evidence(str(hit.actor_id))
            explanation["matched_terms"] = explanation.get("matched_terms") or terms
            explanation["evidence_projects"] = projects
        if not hasattr(self, "_labels"):
            self._labels = concept_labels()
        labels = getattr(self, "_labels", {})
        terms = list(dict.fromkeys(explanation.get("matched_terms", [])))
        projects = []
        for p in explanation.get("evidence_projects", [])[:EVIDENCE_PROJECTS]:
            pid = p.get("project_id")
            projects.append({"project_id": int(pid) if str(pid).isdigit() else None, "title": p.get("title", ""),
                             "year": p.get("year"), "matched_terms": list(p.get("matched_terms", [])),
                             "concepts": [labels.get(c.get("concept_id"), c.get("label", ""))
                                          for c in p.get("concepts", [])]})
        return {
            "matched_by": list(hit.matched_by),
            "score": hit.score,
            "identifier": hit.identifier,
            "name_words": list(hit.name_words),
            "matched_terms": terms,
            "matched_words": list(dict.fromkeys(hit.name_words + terms)),
            "concepts": [labels.get(c.get("concept_id"), c.get("label", "")) for c in
                         explanation.get("shared_concepts", [])],
            "evidence_projects": projects,
        }
