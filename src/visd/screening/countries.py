"""ISO 3166-1 countries with English and Dutch names (``data/countries.tsv``), and EU membership
(``data/export_control.yaml``). Plain data, no database.

>>> from visd.screening.countries import country_name, is_eu_member
>>> country_name("IL", "nl"), is_eu_member("BE"), is_eu_member("NO")
('Israël', True, False)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def countries() -> dict[str, dict[str, str]]:
    """{code: {"en": name, "nl": name}} in code order."""
    table = {}
    for line in (DATA_DIR / "countries.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, en, nl = line.split("\t")
        table[code] = {"en": en, "nl": nl}
    return table


COUNTRY_CODES = frozenset(countries())


def country_name(code: str, language: str = "nl") -> str:
    names = countries().get((code or "").upper())
    if names is None:
        return code
    return names.get(language[:2], names["en"]) if language else names["en"]


@lru_cache(maxsize=1)
def eu_member_states() -> tuple[frozenset[str], str]:
    data = yaml.safe_load((DATA_DIR / "export_control.yaml").read_text(encoding="utf-8"))
    return frozenset(data["eu_member_states"]["codes"]), data["eu_member_states"]["source"]


def is_eu_member(code: str) -> bool:
    return (code or "").upper() in eu_member_states()[0]


def country_choices(language: str = "nl") -> list[tuple[str, str]]:
    """(code, name) pairs sorted by the name in ``language``, for forms."""
    return sorted(((code, country_name(code, language)) for code in countries()), key=lambda pair: pair[1])
