"""Belgian postcode ranges and the region they lie in: pure Python, no Django, so that both the
registry (``visd.actors.identifiers``) and the matching engine (``visd.matching.records``) use the
one table.

Source: ../shared/REFERENCE.md, "Belgian regions by postcode" (docs/data.md, "Region").

>>> region_of_postcode(3001), region_of_postcode(1050), region_of_postcode(4000), region_of_postcode(999)
('flanders', 'brussels', 'wallonia', '')
"""

FLANDERS = "flanders"
BRUSSELS = "brussels"
WALLONIA = "wallonia"

# (first, last, region) ranges of Belgian postcodes.
POSTCODE_RANGES = (
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


def region_of_postcode(code: int) -> str:
    """The region (flanders, brussels, wallonia) of a 4-digit Belgian postcode, '' outside the ranges."""
    for first, last, region in POSTCODE_RANGES:
        if first <= code <= last:
            return region
    return ""
