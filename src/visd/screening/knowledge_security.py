"""Knowledge security (Flemish Defence Plan 3.3): country information for researchers, like the
travel advice of the FPS Foreign Affairs. Pure functions over plain records (dicts or objects with
the fields of ``screening.models.CountryNote``); ``visd.screening.queries.country_notes`` feeds them
from the database.

>>> import datetime
>>> from visd.screening.knowledge_security import in_force, search
>>> notes = [{"country": "CN", "flag": "espionage_interference", "title_en": "Espionage", "title_nl": "Spionage",
...           "text_en": "", "text_nl": "", "effective_from": datetime.date(2025, 4, 11), "effective_to": None}]
>>> len(in_force(notes, "CN", datetime.date(2025, 5, 1))), len(in_force(notes, "CN", datetime.date(2025, 1, 1)))
(1, 0)
>>> [n["country"] for n in search(notes, "spionage")]
['CN']
"""

from __future__ import annotations

import datetime
from typing import Any, Iterable

from .countries import countries
from .text import normalise


def _get(record: Any, name: str):
    return record[name] if isinstance(record, dict) else getattr(record, name)


def in_force(records: Iterable[Any], country: str | None, on_date: datetime.date) -> list[Any]:
    """Records of ``country`` (all countries when None) in force on ``on_date``."""
    found = []
    for record in records:
        if country and _get(record, "country") != country.upper():
            continue
        start, end = _get(record, "effective_from"), _get(record, "effective_to")
        if start <= on_date and (end is None or on_date <= end):
            found.append(record)
    return found


def matching_countries(query: str) -> list[str]:
    """Country codes whose code or Dutch or English name contains ``query``."""
    needle = normalise(query.strip())
    if not needle:
        return []
    return [code for code, names in countries().items()
            if needle == code.lower() or needle in normalise(names["nl"]) or needle in normalise(names["en"])]


def search(records: Iterable[Any], query: str) -> list[Any]:
    """Records whose country (code or name), title or text contains ``query`` (case and accents ignored)."""
    needle = normalise(query.strip())
    if not needle:
        return list(records)
    by_name = set(matching_countries(query))
    found = []
    for record in records:
        haystack = " ".join(str(_get(record, f) or "") for f in ("title_nl", "title_en", "text_nl", "text_en"))
        if _get(record, "country") in by_name or needle in normalise(haystack):
            found.append(record)
    return found
