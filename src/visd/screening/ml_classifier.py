"""Candidate Common Military List categories for a description of goods, technology or knowledge.

A pure-Python engine over the text of the Munitions List (the EU Common Military List has the same
ML1-ML22 structure): the list is read from ``data/public/export_control/wassenaar_munitions_list_2018.tsv``
(code TAB text), each category's heading and items (notes excluded) are analysed with English Snowball
stems, and a description, in Dutch or English, is brought onto the list's words through a curated
vocabulary (``data/ml_vocabulary.yaml``: Dutch words and compounds, English synonyms). Categories are
ranked by the weight of the shared terms: a term counts more when it is in the heading, and when few
categories use it (inverse document frequency over the 22 categories).

The answer is guidance for a conversation with the competent service, never a classification: each
candidate carries the list text that matched and the words of the description that matched it.

>>> from visd.screening.ml_classifier import default_classifier
>>> [c.category for c in default_classifier().classify("munitie voor machinegeweren", top=2)]
['ML3', 'ML1']
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .text import STOPWORDS, guess_language, normalise, stem, tokens

REPO = Path(__file__).resolve().parents[3]
LIST_PATH = REPO / "data" / "public" / "export_control" / "wassenaar_munitions_list_2018.tsv"
VOCABULARY_PATH = Path(__file__).resolve().parent / "data" / "ml_vocabulary.yaml"
LIST_SOURCE = ("Wassenaar Arrangement Munitions List, 6 December 2018 "
               "(data/public/export_control/wassenaar_munitions_list_2018.tsv); same ML1-ML22 structure as "
               "the EU Common Military List")

# Words of the list's own drafting that say nothing about the goods.
LIST_STOPWORDS = frozenset(
    """specially designed modified follows following specified therefor thereof related munitions list
    items item not elsewhere used since having all any ml see also other than use""".split()
)
HEADING_WEIGHT = 2.0
# Below this score a category shares only a generic word with the description: not shown.
MIN_SCORE = 2.0
MAX_PHRASE = 4


@dataclass(frozen=True)
class ListEntry:
    code: str
    text: str


@dataclass(frozen=True)
class MatchedText:
    """A heading or item of the list that shares terms with the description."""

    code: str
    text: str
    words: tuple[str, ...]  # the description's words that matched


@dataclass(frozen=True)
class Candidate:
    category: str  # "ML1" .. "ML22"
    heading: str
    score: float
    matched: tuple[MatchedText, ...]
    source: str = LIST_SOURCE


@dataclass
class _Category:
    code: str
    heading: ListEntry
    items: list[ListEntry] = field(default_factory=list)
    heading_stems: set[str] = field(default_factory=set)
    item_stems: list[set[str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def category_of(code: str) -> str:
    """'ML7.a.1.' -> 'ML7'."""
    return code.split(".", 1)[0]


def read_list(path: Path = LIST_PATH) -> list[ListEntry]:
    """Headings and items of the list, in order; notes, N.B.s and technical notes left out."""
    entries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            code, _, text = line.rstrip("\n").partition("\t")
            code, text = code.strip(), text.strip()
            if not code.startswith("ML") or not text or "Note" in code or "N.B." in code:
                continue
            if text.startswith("Not used since"):
                continue
            entries.append(ListEntry(code, text))
    return entries


def _list_stems(text: str) -> list[str]:
    return [stem(w, "en") for w in tokens(text)
            if w not in STOPWORDS["en"] and w not in LIST_STOPWORDS and (len(w) > 1 or w.isdigit())]


class MunitionsListClassifier:
    """Ranks ML categories for a description. Build once (a few milliseconds), call ``classify``."""

    def __init__(self, list_path: Path = LIST_PATH, vocabulary_path: Path = VOCABULARY_PATH):
        self.categories: dict[str, _Category] = {}
        for entry in read_list(list_path):
            code = category_of(entry.code)
            if entry.code.rstrip(".") == code:
                self.categories[code] = _Category(code, entry, heading_stems=set(_list_stems(entry.text)))
            elif code in self.categories:
                category = self.categories[code]
                category.items.append(entry)
                category.item_stems.append(set(_list_stems(entry.text)))
        document_frequency: dict[str, int] = defaultdict(int)
        for category in self.categories.values():
            counts: dict[str, int] = defaultdict(int)
            for stems in category.item_stems:
                for s in stems:
                    counts[s] += 1
            category.counts = dict(counts)
            for s in category.heading_stems | set(counts):
                document_frequency[s] += 1
        total = len(self.categories)
        self.idf = {s: math.log(1 + total / df) for s, df in document_frequency.items()}
        self._load_vocabulary(vocabulary_path)

    # --- vocabulary ----------------------------------------------------------------------------
    def _load_vocabulary(self, path: Path) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.vocabulary_source = data["source"]
        # phrase (tuple of stems, stopwords removed) -> list stems it stands for
        self.phrases: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {"en": {}, "nl": {}}
        self.dutch_words: set[str] = set()  # single Dutch words, for splitting compounds
        for entry in data["entries"]:
            targets = tuple(dict.fromkeys(_list_stems(entry["list"])))
            for language in ("en", "nl"):
                for term in entry.get(language) or ():
                    key = self._key(str(term), language)
                    if not key:
                        continue
                    own = key if language == "en" else ()
                    merged = tuple(dict.fromkeys(self.phrases[language].get(key, ()) + targets + own))
                    self.phrases[language][key] = merged
                    if language == "nl" and len(key) == 1:
                        self.dutch_words.add(normalise(str(term)))

    @staticmethod
    def _key(term: str, language: str) -> tuple[str, ...]:
        return tuple(stem(w, language) for w in tokens(term) if w not in STOPWORDS[language] and len(w) > 1)

    # --- analysis of a description ------------------------------------------------------------
    def _split_compound(self, word: str, depth: int = 0) -> list[str] | None:
        """Dutch compounds on known words: 'pantserwagens' -> ['pantser', 'wagens']."""
        if depth > 3:
            return None
        for cut in range(len(word) - 3, 2, -1):
            head, rest = word[:cut], word[cut:]
            if head not in self.dutch_words:
                continue
            for linker in ("", "s", "en", "e", "-"):
                if not rest.startswith(linker):
                    continue
                tail = rest[len(linker):]
                if len(tail) < 3:
                    continue
                if (stem(tail, "nl"),) in self.phrases["nl"] or tail in self.dutch_words:
                    return [head, tail]
                deeper = self._split_compound(tail, depth + 1)
                if deeper:
                    return [head, *deeper]
        # A known first part with an unknown rest still says something ("vliegtuig|vleugels").
        for cut in range(len(word) - 4, 3, -1):
            if word[:cut] in self.dutch_words:
                return [word[:cut]]
        return None

    def analyse(self, text: str, language: str | None = None) -> list[tuple[str, float, str]]:
        """The description as (list stem, weight, surface word) triples."""
        language = language or guess_language(text)
        languages = [language] if language else ["en", "nl"]
        words = [w for w in tokens(text)
                 if not any(w in STOPWORDS[lang] for lang in languages) and (len(w) > 1 or w.isdigit())]
        terms: list[tuple[str, float, str]] = []
        i = 0
        while i < len(words):
            found = None
            for lang in languages:
                stems = [stem(w, lang) for w in words[i:i + MAX_PHRASE]]
                for length in range(len(stems), 0, -1):
                    targets = self.phrases[lang].get(tuple(stems[:length]))
                    if targets:
                        found = (length, targets)
                        break
                if found:
                    break
            if found:
                length, targets = found
                surface = " ".join(words[i:i + length])
                weight = 1 / math.sqrt(len(targets))
                terms.extend((t, weight, surface) for t in targets)
                i += length
                continue
            word = words[i]
            parts = self._split_compound(word) if "nl" in languages else None
            if parts:
                for part in parts:
                    targets = self.phrases["nl"].get((stem(part, "nl"),), ())
                    weight = 1 / math.sqrt(len(targets)) if targets else 0
                    terms.extend((t, weight, word) for t in targets)
            else:
                own = stem(word, "en")
                if own in self.idf and (language != "nl" or word not in LIST_STOPWORDS):
                    terms.append((own, 1.0, word))
            i += 1
        return terms

    # --- ranking ------------------------------------------------------------------------------
    def classify(self, text: str, top: int = 3, language: str | None = None) -> list[Candidate]:
        """The ``top`` best categories for ``text`` with the list text that matched; [] when nothing
        in the description is on the list."""
        query: dict[str, tuple[float, set[str]]] = {}
        for term, weight, surface in self.analyse(text, language):
            best, surfaces = query.get(term, (0.0, set()))
            surfaces.add(surface)
            query[term] = (max(best, weight), surfaces)
        scored = []
        for category in self.categories.values():
            score = 0.0
            for term, (weight, _) in query.items():
                presence = HEADING_WEIGHT * (term in category.heading_stems) + math.log2(
                    1 + category.counts.get(term, 0))
                score += weight * self.idf.get(term, 0.0) * presence
            if score >= MIN_SCORE:
                scored.append((score, category))
        scored.sort(key=lambda pair: (-pair[0], int(pair[1].code[2:])))
        return [Candidate(category.code, category.heading.text, round(score, 3),
                          self._evidence(category, query)) for score, category in scored[:top]]

    def _evidence(self, category: _Category, query: dict) -> tuple[MatchedText, ...]:
        """The heading and up to two items that share the most (weighted) terms with the description."""
        rows = [(category.heading, category.heading_stems)] + list(zip(category.items, category.item_stems, strict=True))
        ranked = []
        for order, (entry, stems) in enumerate(rows):
            shared = [t for t in query if t in stems]
            if shared:
                weight = sum(self.idf.get(t, 0) * query[t][0] for t in shared)
                words = sorted({w for t in shared for w in query[t][1]})
                ranked.append((-weight, order, MatchedText(entry.code, entry.text, tuple(words))))
        ranked.sort(key=lambda row: (row[0], row[1]))
        return tuple(row[2] for row in ranked[:3])


@lru_cache(maxsize=1)
def default_classifier() -> MunitionsListClassifier:
    return MunitionsListClassifier()
