"""The plain records the engine works on: actors, projects (an actor's track record) and
opportunities (calls and capability needs). The Django layer fills them from the registry; the
benchmarks fill them from the public CSV files (:mod:`visd.matching.datasets`).

All records can be given as these dataclasses or as plain dicts with the same keys.

>>> Actor.coerce({"id": "999", "name": "ACME", "country": "BE", "post_code": "9000"}).region
'VLG'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields

from visd.belgium import BRUSSELS, FLANDERS, WALLONIA, region_of_postcode

# the registry's region names -> the engine's Belgian region codes
REGION_CODES = {FLANDERS: "VLG", BRUSSELS: "BRU", WALLONIA: "WAL"}
# CORDIS activity types -> actor kinds
ACTIVITY_KINDS = {"PRC": "company", "REC": "research", "HES": "university", "PUB": "public", "OTH": "other"}


def belgian_region(post_code: str | int | None) -> str:
    """Belgian region of a Belgian postcode as the engine's code: 'BRU', 'VLG' (Flanders) or 'WAL',
    '' if unknown (ranges: :mod:`visd.belgium`).

    >>> belgian_region("B-3001"), belgian_region(1050), belgian_region("4000"), belgian_region("x")
    ('VLG', 'BRU', 'WAL', '')
    """
    digits = "".join(ch for ch in str(post_code or "") if ch.isdigit())
    if len(digits) != 4:
        return ""
    return REGION_CODES.get(region_of_postcode(int(digits)), "")


class _Record:
    @classmethod
    def coerce(cls, obj):
        """A record of this class from an instance or a dict (unknown keys go to ``extra``)."""
        if isinstance(obj, cls):
            return obj
        if not isinstance(obj, Mapping):
            raise TypeError(f"{cls.__name__} expects a mapping or {cls.__name__}, got {type(obj).__name__}")
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in obj.items() if k in names}
        extra = {k: v for k, v in obj.items() if k not in names}
        if extra:
            kw["extra"] = {**kw.get("extra", {}), **extra}
        kw["id"] = str(kw["id"])
        return cls(**kw)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Actor(_Record):
    """An organisation. ``region`` is derived from a Belgian ``post_code`` when not given;
    ``defence`` is declared defence experience (defence projects in the track record count too)."""

    id: str
    name: str = ""
    description: str = ""
    country: str = ""
    region: str = ""
    post_code: str = ""
    kind: str = ""
    size: str = ""
    defence: bool = False
    lang: str | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        self.country = (self.country or "").upper()
        if not self.region and self.country == "BE":
            self.region = belgian_region(self.post_code)
        if self.kind in ACTIVITY_KINDS:
            self.kind = ACTIVITY_KINDS[self.kind]


@dataclass
class Project(_Record):
    """A funded project: the track record of its participants.
    ``participants`` is a list of ``(actor_id, role)`` with role 'coordinator' or 'participant'."""

    id: str
    title: str = ""
    text: str = ""
    year: int | None = None
    participants: list = field(default_factory=list)
    programme: str = ""
    defence: bool = False
    lang: str | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        self.participants = [(str(p[0]), str(p[1]) if len(p) > 1 else "participant") if not isinstance(p, str)
                             else (p, "participant") for p in self.participants]


@dataclass
class Opportunity(_Record):
    """A call topic (``kind='call'``) or a capability need (``kind='need'``)."""

    id: str
    kind: str = "call"
    title: str = ""
    text: str = ""
    status: str = ""          # 'open', 'forthcoming', 'closed' (calls)
    deadline: str | None = None  # ISO date
    budget: float | None = None
    programme: str = ""
    lang: str | None = None
    extra: dict = field(default_factory=dict)
