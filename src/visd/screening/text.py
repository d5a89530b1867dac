"""Text analysis shared by the screening engines: normalisation, tokens, stopwords, Snowball stems for
Dutch and English, and a rough language guess. Pure Python (PyStemmer), no database, no network.

>>> from visd.screening.text import tokens, guess_language, stem
>>> tokens("Torpedo's en onderzeeërs van 12,7 mm")
['torpedo', 's', 'en', 'onderzeeers', 'van', '12.7', 'mm']
>>> guess_language("Munitie voor de krijgsmacht")
'nl'
>>> stem("armoured", "en"), stem("granaten", "nl")
('armour', 'granaat')
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a about above after all also an and any are as at be been being both but by can could did do
        does each either for from further had has have having he her here his how i if in into is it its
        itself may more most must no nor not of on once only or other our out over own per same she
        should so some such than that the their them then there these they this those through to too
        under until up upon very via was we were what when where whether which while who whom why will
        with within without would you your e g i e etc like including include includes""".split()
    ),
    "nl": frozenset(
        """aan al alle als andere bij binnen daar dan dat de der deze die dit door dus een en er geen haar
        had heb hebben heeft hem het hier hij hoe hun ik in is je kan kunnen maar me met mij mijn na naar
        niet nog nu of om omdat ons onze ook op over te tegen toe tot u uit van veel voor waar wat we
        wel werd wie wij wordt worden zal ze zelf zich zij zijn zo zoals zodat zonder ertegen daartegen
        ervoor erop hen iets enkele nergens anders ander""".split()
    ),
}

_STEMMERS = {"en": Stemmer.Stemmer("english"), "nl": Stemmer.Stemmer("dutch")}


def normalise(text: str) -> str:
    """Lower case without diacritics ("onderzeeër" -> "onderzeeer"), so typed and printed forms meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Words and numbers of ``text``, normalised; a decimal comma becomes a point (12,7 -> 12.7)."""
    return [t.replace(",", ".") for t in _TOKEN.findall(normalise(text))]


@lru_cache(maxsize=50_000)
def stem(word: str, language: str) -> str:
    return _STEMMERS[language].stemWord(word)


def guess_language(text: str) -> str | None:
    """'nl' or 'en' by counting stopwords, None when the text gives no sign (a single term)."""
    words = tokens(text)
    nl = sum(w in STOPWORDS["nl"] for w in words)
    en = sum(w in STOPWORDS["en"] for w in words)
    if nl == en:
        return None
    return "nl" if nl > en else "en"
