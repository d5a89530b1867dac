"""Reading a long call text for what it asks.

EDF and Horizon Europe topic texts mix what is specific to the topic (its objective, scope and
expected outcomes) with sentences that every topic of a call, or every topic of a programme, repeats:
the management mode, the indicative budget and number of grants, the types of activities, the
expected duration, the "social sciences and humanities" paragraph, the TRL annex reference. Matched
as they are, those sentences make every actor with EU experience look relevant to every call, and
their words ("associated", "framework", "actions", "cooperation") end up shown as evidence.

What is repeated is learned from the calls themselves, not from a hand-made list: a sentence is
*boilerplate* when the same sentence (casefolded, digits and punctuation removed, so "EUR 27 000 000"
and "EUR 3 000 000" are the same sentence) occurs in at least ``min_calls`` call texts of the corpus.
The engine keeps each call's sentence signatures (:func:`sentence_signatures`) and counts them over all
its calls; :func:`specific_text` keeps the sentences that are not boilerplate.

>>> calls = ["Scope: detect hostile drones near ports. Indicative budget: EUR 3 000 000.",
...          "Scope: secure satellite links. Indicative budget: EUR 5 000 000.",
...          "Scope: protect soldiers against chemical agents. Indicative budget: EUR 9 000 000."]
>>> counts = signature_counts(sentence_signatures(t) for t in calls)
>>> specific_text(calls[0], counts, min_calls=3)
'Scope: detect hostile drones near ports.'
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping

# A sentence ends at . ; ! ? or : followed by an upper-case letter or a digit (the portal's texts often
# lose the space after a full stop: "funded. Range of" and "Scope:Proposals" both occur).
_SENTENCE_END = re.compile(r"(?<=[.;!?:])\s*(?=[A-ZÀ-Ý0-9\[])|\n+")
_LETTERS = re.compile(r"[^a-zà-ÿ]+")
MIN_SENTENCE_LETTERS = 12   # shorter pieces ("Scope:", "[1]") are neither signal nor boilerplate
# call and topic identifiers quoted in the text ("EDF-EDIP-P-2026-FNLC-CPA-CDS"): codes, not what is asked
_IDENTIFIER = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+){2,}\b")


def sentences(text: str) -> list[str]:
    """The text split into sentences (whitespace kept as found inside each)."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def _signature(sentence: str) -> int | None:
    letters = _LETTERS.sub(" ", sentence.casefold()).split()
    key = " ".join(letters)
    if len(key) < MIN_SENTENCE_LETTERS:
        return None
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def sentence_signatures(text: str) -> list[int]:
    """The distinct signatures of a text's sentences (64-bit ints, kept with the call record)."""
    out, seen = [], set()
    for s in sentences(text):
        sig = _signature(s)
        if sig is not None and sig not in seen:
            seen.add(sig)
            out.append(sig)
    return out


def signature_counts(signature_lists: Iterable[Iterable[int]]) -> Counter:
    """In how many texts each sentence signature occurs."""
    counts: Counter = Counter()
    for sigs in signature_lists:
        counts.update(set(sigs))
    return counts


def specific_text(text: str, counts: Mapping[int, int], min_calls: int) -> str:
    """``text`` without its boilerplate sentences (those in at least ``min_calls`` texts of
    ``counts``), and without the call identifiers it quotes. When every sentence is boilerplate, the text is returned unchanged: a call made only
    of standard sentences is still better read as it is than not at all."""
    kept = []
    for s in sentences(_IDENTIFIER.sub(" ", text or "")):
        sig = _signature(s)
        if sig is not None and counts.get(sig, 0) < min_calls:
            kept.append(s)
    out = " ".join(kept).strip()
    return out if _LETTERS.sub("", out.casefold()) else (text or "")
