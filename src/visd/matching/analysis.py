"""Text analysis for Dutch, English and French: language detection, stopwords, Snowball stemming and
a term bridge that maps Dutch and French words onto English stems.

The output of :meth:`Analyzer.analyze` is a sequence of *terms* (language-independent where the
bridge knows the word, the word's own stem otherwise) together with the surface words they came
from, which the tagger uses as evidence.

Example
-------
>>> from visd.matching.analysis import Analyzer
>>> a = Analyzer()
>>> a.detect_language("Wij ontwikkelen sensoren voor de detectie van drones.")
'nl'
>>> a.terms("Wij ontwikkelen sensoren voor de detectie van drones.")
['develop', 'sensor', 'detect', 'drone']
>>> a.terms("We develop sensors for the detection of drones.")
['develop', 'sensor', 'detect', 'drone']
>>> a.terms("Le développement de capteurs pour la détection de drones.")
['develop', 'sensor', 'detect', 'drone']
>>> a.terms("dronedetectie")  # a Dutch compound, split on glossary words
['drone', 'detect']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .glossary import GLOSSARY

LANGUAGES = ("nl", "en", "fr")

# Snowball stopword lists (abridged), plus a few very common function words of project texts.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a about above after again against all also am an and any are aren't as at be because been
        before being below between both but by can cannot could did do does doing down during each
        either etc few for from further had has have having he her here hers herself him himself his
        how however i if in into is it its itself just may me might more most must my myself no nor
        not of off on once only or other others our ours ourselves out over own per same shall she
        should since so some such than that the their theirs them themselves then there these they
        this those through thus to too under until up upon us very via was we were what when where
        whether which while who whom whose why will with within without would yet you your yours
        yourself yourselves""".split()
    ),
    "nl": frozenset(
        """aan al alle alles als altijd andere ben bij binnen daar dan dat de der deze die dit doch
        doen door dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe
        hun iemand iets ik in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar
        niet niets nog nu of om omdat onder ons onze ook op over reeds te tegen toch toen tot tussen
        u uit uw van veel via voor want waarbij waren was wat we wel welke werd wezen wie wij wil
        worden wordt zal ze zelf zich zij zijn zo zoals zonder zou""".split()
    ),
    "fr": frozenset(
        """à afin ai aie ainsi as au aux avec avez avons avoir c ce cela ces cet cette comme d dans de
        des du elle elles en entre est et été être eu eux il ils j je l la le les leur leurs lui m ma
        mais me même mes moi mon n ne nos notre nous on ont ou où par pas plus pour qu que qui s sa
        sans se ses son sont sur t ta te tes toi ton tous tout toute toutes tu un une vos votre vous
        y""".split()
    ),
}

_SNOWBALL_NAMES = {"nl": "dutch", "en": "english", "fr": "french"}
_WORD_RE = re.compile(r"[^\W_]+")
_LINKING = ("s", "e", "en", "")  # Dutch linking morphemes between compound parts ("veiligheid-s-onderzoek")
# A compound is split only into glossary words, so a part is never longer than the longest one; and no
# word longer than this is split at all (the longest compounds of the domain have about 30 letters).
# Both bounds keep the analysis linear in the text: without them a 1,000-letter "word" took a minute.
MAX_COMPOUND_LETTERS = 48
COMPOUND_CACHE_SIZE = 50_000  # distinct words whose split is remembered (the cache is emptied when full)


def _make_stemmer(lang: str):
    """A callable word -> stem for ``lang``; PyStemmer (C) if installed, else snowballstemmer."""
    try:
        import Stemmer  # PyStemmer

        return Stemmer.Stemmer(_SNOWBALL_NAMES[lang]).stemWord
    except ImportError:  # pragma: no cover - fallback
        import snowballstemmer

        return snowballstemmer.stemmer(_SNOWBALL_NAMES[lang]).stemWord


def strip_accents(text: str) -> str:
    """``'sécurité'`` -> ``'securite'``."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Casefolded word tokens (letters and digits; hyphens, apostrophes and punctuation split)."""
    return _WORD_RE.findall(text.casefold())


@dataclass(frozen=True)
class Analysis:
    """The result of analysing one text: its language, its terms and, per term, the surface words."""

    lang: str
    terms: list[str]
    surfaces: list[str]


class Analyzer:
    """Language detection, stopword removal, Snowball stemming and the nl/fr -> en term bridge.

    Parameters
    ----------
    glossary : str
        Bridge entries in the format of :data:`visd.matching.glossary.GLOSSARY`; ``""`` disables it.
    stem : bool
        Apply Snowball stemming (off only for ablation).
    bridge : bool
        Map Dutch and French words to English stems through the glossary (off only for ablation).
    decompound : bool
        Split Dutch compounds whose parts are glossary words ("dronedetectie" -> drone + detectie).
    """

    def __init__(self, glossary: str = GLOSSARY, stem: bool = True, bridge: bool = True,
                 decompound: bool = True):
        self.stem = stem
        self.bridge = bridge
        self.decompound = decompound
        self._stemmers = {lang: _make_stemmer(lang) for lang in LANGUAGES}
        self._stem_cache: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        self._plain_cache: dict[str, dict[str, str | None]] = {lang: {} for lang in LANGUAGES}
        # phrase tables: lang -> {tuple of stems: tuple of English stems}
        self._bridge: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {"en": {}, "nl": {}, "fr": {}}
        self._bridge_maxlen = 1
        self._lang_words: dict[str, set[str]] = {lang: set(STOPWORDS[lang]) for lang in LANGUAGES}
        self._compound_cache: dict[str, tuple[str, ...] | None] = {}
        if glossary:
            self._load_glossary(glossary)
        self._bridge_starts = {lang: {k[0] for k in table} for lang, table in self._bridge.items()}
        # the longest Dutch glossary word: no part of a compound can be longer (bounds _split_compound)
        self._longest_nl_word = max((len(w) for w in self._lang_words["nl"]), default=0)
        # words that identify one language only, for language detection
        common = set()
        for i, a in enumerate(LANGUAGES):
            for b in LANGUAGES[i + 1:]:
                common |= self._lang_words[a] & self._lang_words[b]
        self._markers = {lang: frozenset(self._lang_words[lang] - common) for lang in LANGUAGES}
        self._marker_lang = {w: lang for lang in LANGUAGES for w in self._markers[lang]}

    # -- building blocks -------------------------------------------------------------------------
    def stem_word(self, word: str, lang: str) -> str:
        """The accent-stripped Snowball stem of one casefolded word."""
        cache = self._stem_cache[lang]
        s = cache.get(word)
        if s is None:
            s = strip_accents(self._stemmers[lang](word) if self.stem else word)
            if len(cache) < 500_000 and len(word) <= MAX_COMPOUND_LETTERS:
                cache[word] = s
        return s

    def _plain(self, text: str, lang: str, ws: list[str] | None = None) -> tuple[list[str], list[str]]:
        """(stems, surface words) after stopword removal, without the bridge."""
        cache = self._plain_cache[lang]
        stems, surf = [], []
        for w in (words(text) if ws is None else ws):
            s = cache.get(w, False)
            if s is False:
                if w in STOPWORDS[lang] or len(w) < 2 or w.isdigit():
                    s = None
                else:
                    s = self.stem_word(w, lang)
                if len(cache) < 500_000 and len(w) <= MAX_COMPOUND_LETTERS:
                    cache[w] = s
            if s is not None:
                stems.append(s)
                surf.append(w)
        return stems, surf

    def _load_glossary(self, glossary: str) -> None:
        for line in glossary.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) != 3:
                raise ValueError(f"glossary line needs 'en ; nl ; fr': {line!r}")
            en_variants = [v.strip() for v in parts[0].split("|") if v.strip()]
            if not en_variants:
                continue
            en_stems = tuple(self._plain(en_variants[0], "en")[0])
            if not en_stems:
                continue
            self._lang_words["en"].update(words(en_variants[0]))
            for lang, side in (("en", "|".join(en_variants[1:])), ("nl", parts[1]), ("fr", parts[2])):
                for variant in filter(None, (v.strip() for v in side.split("|"))):
                    key = tuple(self._plain(variant, lang)[0])
                    if not key or (lang == "en" and key == en_stems):
                        continue
                    self._lang_words[lang].update(w for w in words(variant) if len(w) > 3)
                    self._bridge[lang].setdefault(key, en_stems)  # first entry wins
                    self._bridge_maxlen = max(self._bridge_maxlen, len(key))

    def _split_compound(self, word: str, depth: int = 0) -> tuple[str, ...] | None:
        """English stems of a Dutch compound made of glossary words, or None."""
        if depth == 0 and word in self._compound_cache:
            return self._compound_cache[word]
        if len(word) > MAX_COMPOUND_LETTERS:
            return None
        table = self._bridge["nl"]
        longest = self._longest_nl_word
        result = None
        n = len(word)
        for i in range(n - 3, 2, -1):  # longest head first
            head, tail = word[:i], word[i:]
            if i > longest + 6 or (len(tail) > longest + 6 and depth >= 2):
                continue  # longer than any glossary word with a linking "en" and an inflection: no match
            tail_terms = table.get((self.stem_word(tail, "nl"),))
            if tail_terms is None and depth < 2 and len(tail) >= 6:
                tail_terms = self._split_compound(tail, depth + 1)
            if tail_terms is None:
                continue
            for link in _LINKING:
                if link and not head.endswith(link):
                    continue
                h = head[: len(head) - len(link)] if link else head
                if len(h) < 3:
                    continue
                head_terms = table.get((self.stem_word(h, "nl"),))
                if head_terms is not None:
                    result = head_terms + tail_terms
                    break
            if result is not None:
                break
        if depth == 0:
            if len(self._compound_cache) >= COMPOUND_CACHE_SIZE:
                self._compound_cache.clear()
            self._compound_cache[word] = result
        return result

    # -- public API ------------------------------------------------------------------------------
    def detect_language(self, text: str, default: str = "en") -> str:
        """'nl', 'en' or 'fr', by counting words that belong to one language only (stopwords and
        glossary words). Returns ``default`` when no marker word is found."""
        return self._detect_words(words(text[:3000]), default)

    def _detect_words(self, ws: list[str], default: str = "en") -> str:
        counts = dict.fromkeys(LANGUAGES, 0)
        marker = self._marker_lang
        text = " ".join(ws[:60])
        for w in ws[:500]:
            lang = marker.get(w)
            if lang is not None:
                counts[lang] += 1
        if not any(counts.values()) and self.bridge:
            # short texts without marker words: count words the nl/fr bridge translates
            for w in words(text[:500]):
                en = (self.stem_word(w, "en"),)
                for lang in ("nl", "fr"):
                    mapped = self._bridge[lang].get((self.stem_word(w, lang),))
                    if mapped is None and lang == "nl" and self.decompound and len(w) >= 7:
                        mapped = self._split_compound(w)
                    if mapped is not None and mapped != en:
                        counts[lang] += 1
        best = max(LANGUAGES, key=lambda lang: (counts[lang], lang == default))
        return best if counts[best] > 0 else default

    def analyze(self, text: str, lang: str | None = None, ws: list[str] | None = None) -> Analysis:
        """Analyse ``text`` (language detected when ``lang`` is None) into terms and surface words.
        ``ws``: the text's :func:`words`, if already computed."""
        if ws is None:
            ws = words(text or "")
        if lang not in LANGUAGES:
            lang = self._detect_words(ws)
        stems, surf = self._plain("", lang, ws)
        if not self.bridge or not self._bridge[lang]:
            return Analysis(lang, stems, surf)
        table = self._bridge[lang]
        starts = self._bridge_starts[lang]
        maxlen = self._bridge_maxlen
        compounds = lang == "nl" and self.decompound
        terms: list[str] = []
        surfaces: list[str] = []
        i, n = 0, len(stems)
        while i < n:
            if stems[i] not in starts and not (compounds and len(surf[i]) >= 7):
                terms.append(stems[i])
                surfaces.append(surf[i])
                i += 1
                continue
            for k in range(min(maxlen, n - i), 0, -1):
                mapped = table.get(tuple(stems[i:i + k]))
                if mapped is not None:
                    s = " ".join(surf[i:i + k])
                    terms.extend(mapped)
                    surfaces.extend([s] * len(mapped))
                    i += k
                    break
            else:
                mapped = None
                if compounds and len(surf[i]) >= 7:
                    mapped = self._split_compound(surf[i])
                if mapped:
                    terms.extend(mapped)
                    surfaces.extend([surf[i]] * len(mapped))
                else:
                    terms.append(stems[i])
                    surfaces.append(surf[i])
                i += 1
        return Analysis(lang, terms, surfaces)

    def terms(self, text: str, lang: str | None = None) -> list[str]:
        """Only the terms of :meth:`analyze`."""
        return self.analyze(text, lang).terms


# Bump when the analysis of a text changes in code (tokens, stemming, stopwords, decompounding); the
# glossary's own text is part of the signature, so editing it needs no bump.
ANALYSIS_VERSION = 2  # 2: compound splitting bounded (MAX_COMPOUND_LETTERS)


@lru_cache(maxsize=1)
def analysis_signature() -> str:
    """A signature of how texts are analysed: an index built under another one holds other terms and
    must be rebuilt (the product compares it in its ``state.json``)."""
    import hashlib

    from .glossary import GLOSSARY

    return hashlib.sha256(f"{ANALYSIS_VERSION}\n{GLOSSARY}".encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    """A shared :class:`Analyzer` with the built-in glossary."""
    return Analyzer()
