"""Identifiers of organisations and the Belgian region of a postcode: pure functions.

Sources (see docs/data.md): KBO/BCE check digits and Belgian VAT form, region by postcode range, and
PIC as the 9-digit EU Participant Identification Code (../shared/REFERENCE.md, "Facts from outside
the documents").
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FLANDERS = "flanders"
BRUSSELS = "brussels"
WALLONIA = "wallonia"
ABROAD = "abroad"
UNKNOWN = ""

# (first, last, region) ranges of Belgian postcodes.
_BELGIAN_POSTCODE_RANGES = (
    (1000, 1299, BRUSSELS),
    (1300, 1499, WALLONIA),
    (1500, 1999, FLANDERS),
    (2000, 2999, FLANDERS),
    (3000, 3499, FLANDERS),
    (3500, 3999, FLANDERS),
    (4000, 7999, WALLONIA),
    (8000, 8999, FLANDERS),
    (9000, 9999, FLANDERS),
)

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
    for first, last, region in _BELGIAN_POSTCODE_RANGES:
        if first <= code <= last:
            return region
    return UNKNOWN


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
