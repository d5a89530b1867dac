"""Concept tagging in Dutch, English and French, with evidence and confidence.

Concepts come from the taxonomies (VISD focus domains, EDA CapTechs, capability dimensions, ...) as
plain dicts; every label and synonym, in every language, is analysed by the same
:class:`~visd.matching.analysis.Analyzer` as the texts, so a Dutch synonym matches a Dutch text, an
English synonym matches an English text *and* a Dutch text whose words the term bridge maps onto it.

Curated tags (set by a programme manager) are kept apart from derived ones and win when the two are
merged: a curated tag overrides the derived tag of the same concept, a curated *rejection* removes
it; re-tagging a record only replaces its derived tags.

Example
-------
>>> from visd.matching.tagging import ConceptTagger
>>> tagger = ConceptTagger([
...     {"id": "focus:counter-uav", "scheme": "focus_domain",
...      "labels": {"nl": "Counter-UAV", "en": "Counter-UAV", "fr": "Lutte anti-drones"},
...      "synonyms": {"nl": ["dronedetectie", "antidrone"], "en": ["counter-drone", "drone detection"],
...                   "fr": ["détection de drones"]}},
... ])
>>> [(t.concept_id, t.evidence) for t in tagger.tag("Wij bouwen systemen voor dronedetectie.")]
[('focus:counter-uav', ('dronedetectie',))]
>>> [(t.concept_id, t.evidence) for t in tagger.tag("Un radar pour la détection de drones.")]
[('focus:counter-uav', ('détection drones',))]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from .analysis import LANGUAGES, Analysis, Analyzer, default_analyzer

CONCEPT_TOKEN_PREFIX = "~"  # concept tokens never collide with word terms (which are \w+ only)


@dataclass(frozen=True)
class Concept:
    """One taxonomy concept with labels and synonyms per language ('nl', 'en', 'fr')."""

    id: str
    scheme: str
    labels: Mapping[str, str] = field(default_factory=dict)
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.labels.get("en") or self.labels.get("nl") or self.id

    @classmethod
    def from_dict(cls, d: Mapping) -> "Concept":
        """Accepts ``{id, scheme, labels: {nl,en,fr}, synonyms: {nl:[..],..}}`` or the flat registry
        form ``{code, scheme, label_nl, label_en, label_fr, synonyms_nl, ...}`` (synonym lists may
        also be ``|``- or ``;``-separated strings)."""
        if isinstance(d, Concept):
            return d
        scheme = str(d.get("scheme") or "")
        cid = d.get("id") or d.get("code")
        if cid is None:
            raise ValueError(f"concept without id or code: {d!r}")
        cid = str(cid)
        if "id" not in d and scheme and ":" not in cid:
            cid = f"{scheme}:{cid}"
        labels, synonyms = {}, {}
        for lang in LANGUAGES:
            label_map = d.get("labels") or (d.get("label") if isinstance(d.get("label"), Mapping) else {})
            label = label_map.get(lang) or d.get(f"label_{lang}") or ""
            syn = (d.get("synonyms") or {}).get(lang) if isinstance(d.get("synonyms"), Mapping) else None
            if syn is None:
                syn = d.get(f"synonyms_{lang}") or []
            if isinstance(syn, str):
                syn = [s for s in syn.replace(";", "|").split("|")]
            if label:
                labels[lang] = str(label)
            synonyms[lang] = tuple(s.strip() for s in syn if s and str(s).strip())
        return cls(cid, scheme, labels, synonyms)


@dataclass(frozen=True)
class Tag:
    """A concept attached to a record.

    ``origin`` is ``'derived'`` (from the record's text) or ``'curated'`` (set by a person);
    ``rejected`` curated tags remove a derived tag of the same concept. ``evidence`` holds the words
    of the text that matched (derived) or a note (curated)."""

    concept_id: str
    scheme: str
    confidence: float
    evidence: tuple[str, ...] = ()
    origin: str = "derived"
    rejected: bool = False

    def to_dict(self) -> dict:
        return {"concept_id": self.concept_id, "scheme": self.scheme,
                "confidence": round(float(self.confidence), 4), "evidence": list(self.evidence),
                "origin": self.origin, "rejected": self.rejected}

    @classmethod
    def from_dict(cls, d: Mapping) -> "Tag":
        return cls(d["concept_id"], d.get("scheme", ""), float(d.get("confidence", 1.0)),
                   tuple(d.get("evidence", ())), d.get("origin", "derived"), bool(d.get("rejected", False)))


def merge_tags(derived: Iterable[Tag], curated: Iterable[Tag]) -> list[Tag]:
    """The effective tags of a record: curated tags win over derived ones.

    >>> d = [Tag("a", "s", 0.4, ("x",)), Tag("b", "s", 0.9, ("y",))]
    >>> c = [Tag("a", "s", 1.0, ("PM",), origin="curated"), Tag("b", "s", 1.0, origin="curated", rejected=True)]
    >>> [(t.concept_id, t.origin, t.confidence) for t in merge_tags(d, c)]
    [('a', 'curated', 1.0)]
    """
    out = {t.concept_id: t for t in derived}
    for t in curated:
        if t.rejected:
            out.pop(t.concept_id, None)
        else:
            prev = out.get(t.concept_id)
            evidence = t.evidence + tuple(e for e in (prev.evidence if prev else ()) if e not in t.evidence)
            out[t.concept_id] = replace(t, evidence=evidence)
    return sorted(out.values(), key=lambda t: (-t.confidence, t.concept_id))


def concept_token(concept_id: str) -> str:
    """The index term that stands for a concept."""
    return CONCEPT_TOKEN_PREFIX + concept_id


class ConceptTagger:
    """Tags texts with concepts, with evidence and a confidence in [0, 1].

    Parameters
    ----------
    concepts : iterable of dict or :class:`Concept`
    analyzer : Analyzer, optional
    min_confidence : float
        Derived tags below this confidence are dropped.
    label_weight, synonym_weight : float
        Weight of one matched label / synonym occurrence.
    scale : float
        Confidence = 1 - exp(-score / scale), where score sums the weights of the distinct matched
        terms (repeats add with diminishing returns, matches in a title count ``title_weight``).
    """

    def __init__(self, concepts: Iterable, analyzer: Analyzer | None = None, min_confidence: float = 0.3,
                 label_weight: float = 1.0, synonym_weight: float = 0.8, title_weight: float = 1.5,
                 scale: float = 1.5):
        self.analyzer = analyzer or default_analyzer()
        self.concepts: dict[str, Concept] = {}
        self.min_confidence = min_confidence
        self.title_weight = title_weight
        self.scale = scale
        # phrase (tuple of terms) -> list of (concept id, weight)
        self._phrases: dict[tuple[str, ...], dict[str, float]] = {}
        self._maxlen = 1
        for c in concepts:
            c = Concept.from_dict(c)
            self.concepts[c.id] = c
            for lang in LANGUAGES:
                terms = [(c.labels.get(lang), label_weight)] + [(s, synonym_weight) for s in c.synonyms.get(lang, ())]
                for text, w in terms:
                    if not text:
                        continue
                    # analyse the term as its own language and as the other two (loanwords)
                    for as_lang in (lang,) + tuple(x for x in LANGUAGES if x != lang):
                        key = tuple(self.analyzer.analyze(text, as_lang).terms)
                        if not key:
                            continue
                        w_key = w if as_lang == lang else w * 0.9
                        slot = self._phrases.setdefault(key, {})
                        slot[c.id] = max(slot.get(c.id, 0.0), w_key)
                        self._maxlen = max(self._maxlen, len(key))

        # first term of a phrase -> the phrase lengths starting with it, longest first
        starts: dict[str, set[int]] = {}
        for key in self._phrases:
            starts.setdefault(key[0], set()).add(len(key))
        self._starts = {t: sorted(v, reverse=True) for t, v in starts.items()}

    def __len__(self) -> int:
        return len(self.concepts)

    def match(self, analysis: Analysis) -> list[tuple[str, float, str]]:
        """All (concept id, weight, evidence words) matches in an analysed text, longest phrase
        first, not overlapping."""
        terms, surf = analysis.terms, analysis.surfaces
        out = []
        starts = self._starts
        i, n = 0, len(terms)
        while i < n:
            lens = starts.get(terms[i])
            if lens is None:
                i += 1
                continue
            for k in lens:
                if k > n - i:
                    continue
                hit = self._phrases.get(tuple(terms[i:i + k]))
                if hit:
                    words = []
                    for s in surf[i:i + k]:
                        if not words or words[-1] != s:
                            words.append(s)
                    evidence = " ".join(words)
                    for cid, w in hit.items():
                        out.append((cid, w, evidence))
                    i += k
                    break
            else:
                i += 1
        return out

    def tag_analyses(self, fields: Iterable[tuple[Analysis, float]]) -> list[Tag]:
        """Tags from already analysed fields, each with a weight (e.g. title 1.5, body 1.0)."""
        per_concept: dict[str, dict[str, float]] = {}
        counts: dict[tuple[str, str], int] = {}
        for analysis, fw in fields:
            for cid, w, ev in self.match(analysis):
                counts[(cid, ev)] = counts.get((cid, ev), 0) + 1
                slot = per_concept.setdefault(cid, {})
                slot[ev] = max(slot.get(ev, 0.0), w * fw)
        tags = []
        for cid, evs in per_concept.items():
            score = sum(w * (1.0 + 0.5 * math.log(counts[(cid, ev)])) for ev, w in evs.items())
            conf = 1.0 - math.exp(-score / self.scale)
            if conf < self.min_confidence:
                continue
            evidence = tuple(sorted(evs, key=lambda e: (-evs[e], -counts[(cid, e)], e)))
            tags.append(Tag(cid, self.concepts[cid].scheme, round(conf, 4), evidence))
        return sorted(tags, key=lambda t: (-t.confidence, t.concept_id))

    def tag(self, text: str = "", title: str = "", lang: str | None = None) -> list[Tag]:
        """Tag a text (and optionally its title, which weighs more). Language detected if None."""
        if lang is None:
            lang = self.analyzer.detect_language(f"{title} {text}")
        fields = []
        if title:
            fields.append((self.analyzer.analyze(title, lang), self.title_weight))
        if text:
            fields.append((self.analyzer.analyze(text, lang), 1.0))
        return self.tag_analyses(fields)
