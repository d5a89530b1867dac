"""Import the Flemish Dual Use Infrastructure Network inventory from CSV: all rows or none.

``import_facilities(text, user=None, file_name="")`` checks every row first and reports every problem
by row and column (``FacilityImportError``); only a clean file is written, in one transaction. Rows
are matched on operator and facility name, and a record is saved only when a value changed, so a
second import of the same file changes nothing. Each run is kept as an ``imports.ImportRun`` (kind
``facilities``). The lock, the transaction and the run record are the importer core's
(``visd.imports.core``); this module reads, checks and writes. The format is described in
docs/guidance.md and shown by ``EXAMPLE_FILE``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from visd.actors import identifiers
from visd.actors.models import Actor, ActorKind
from visd.imports.core import Importer, ImportReport, Tally, Writer, run_import
from visd.imports.models import ImportRun
from visd.taxonomy.models import Concept, Scheme

from .models import FacilityPhase, Infrastructure, OperatorMatch

IMPORT_KIND = "facilities"
CHANGE_REASON = "visd import-facilities"
EXAMPLE_FILE = Path(__file__).resolve().parent / "data" / "facilities_example.csv"
MAX_BYTES = 5 * 1024 * 1024
REQUIRED = ["name", "operator", "phases", "source"]
OPTIONAL = ["operator_kbo", "operator_kind", "city", "website", "domains", "market_terms", "training_required",
            "provider_decides", "access_conditions", "contact_name", "contact_email", "contact_url",
            "description_nl", "description_en"]
COLUMNS = REQUIRED + OPTIONAL
YES = {"yes", "ja", "oui", "true", "1", "y", "j"}
NO = {"no", "nee", "non", "false", "0", "n"}
DEFAULTS = {"market_terms": True, "training_required": False, "provider_decides": True}
LIMITS = {"name": 300, "operator": 300, "city": 120, "website": 500, "contact_name": 200, "contact_email": 254,
          "contact_url": 500, "source": 300}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row} if self.row else _("file")
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"

    def as_dict(self) -> dict:
        """The shape of ``visd.imports.problems.Problem``, as every ImportRun keeps its problems (row 0: the
        whole file)."""
        return {"file": "", "code": "invalid", "message": self.message, "row": self.row or None,
                "column": self.column or None}


class FacilityImportError(Exception):
    """The file was refused; ``problems`` lists every reason, ``run`` is the rejected ImportRun (None
    for a file too large or not UTF-8, and after a dry run)."""

    def __init__(self, problems: list[RowProblem], run: ImportRun | None = None):
        self.problems, self.run = problems, run
        super().__init__("\n".join(str(p) for p in problems))


# A facility its provider has claimed or registered and the programme office validated is the provider's to
# maintain (docs/onboarding.md): an inventory import leaves it as it is and counts it here.
VALIDATED_KEPT = "kept, validated by its provider"


@dataclass
class FacilityImportReport:
    """The importer core's report, with the counts also in the inventory's own short form (``counts``:
    created, updated, unchanged, operators created, kept), as the upload page and the command state
    them. ``report.counts`` holds them in every importer's shape: facilities and actors (operators)
    created / updated / unchanged, and the facilities kept as their provider validated them."""

    report: ImportReport = field(repr=False)

    @property
    def counts(self) -> dict[str, int]:
        facilities, actors = self.report.counts["facilities"], self.report.counts["actors"]
        return {**facilities, "operators created": actors["created"],
                VALIDATED_KEPT: self.report.counts["notes"]["validated_kept"]}

    @property
    def import_run(self) -> ImportRun | None:
        return self.report.run

    @property
    def changed(self) -> int:
        return self.counts["created"] + self.counts["updated"]


def decode(data: bytes) -> str:
    """Bytes of an uploaded or read file as text (UTF-8, with or without BOM)."""
    if len(data) > MAX_BYTES:
        raise FacilityImportError([RowProblem(0, "", _("the file is larger than %(mb)d MB") % {"mb": MAX_BYTES // 2**20})])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FacilityImportError([RowProblem(0, "", _("the file is not UTF-8 text; save it as 'CSV UTF-8'"))]) from None


def _flag(value: str, row: int, column: str, problems: list[RowProblem]) -> bool:
    text = value.strip().lower()
    if not text:
        return DEFAULTS[column]
    if text in YES:
        return True
    if text in NO:
        return False
    problems.append(RowProblem(row, column, _("%(value)r must be yes or no") % {"value": value}))
    return DEFAULTS[column]


def _codes(value: str, allowed: dict, row: int, column: str, problems: list[RowProblem]) -> list:
    result = []
    for code in (part.strip() for part in value.replace(",", ";").split(";")):
        if not code:
            continue
        if code not in allowed:
            problems.append(RowProblem(row, column, _("%(code)r is not one of %(allowed)s")
                                       % {"code": code, "allowed": ", ".join(sorted(allowed))}))
        elif allowed[code] not in result:
            result.append(allowed[code])
    return result


def _read(text: str) -> tuple[list[tuple[int, dict]], list[RowProblem]]:
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip() for h in (reader.fieldnames or [])]
    problems = []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing:
        problems.append(RowProblem(1, ", ".join(missing), _("required column missing; the columns are: %(columns)s")
                                   % {"columns": ", ".join(COLUMNS)}))
    if unknown:
        problems.append(RowProblem(1, ", ".join(unknown), _("unknown column; the columns are: %(columns)s")
                                   % {"columns": ", ".join(COLUMNS)}))
    if problems:
        return [], problems
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row:
            problems.append(RowProblem(number, "", _("more values than columns")))
            continue
        values = {key: (value or "").strip() for key, value in row.items()}
        if any(values.values()):
            rows.append((number, values))
    if not rows and not problems:
        problems.append(RowProblem(0, "", _("the file holds no facility")))
    return rows, problems


def _check(rows, problems: list[RowProblem]) -> list[dict]:
    """Every row as model values, operator still unresolved; problems collected, not raised."""
    domains = {c.code: c for c in Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN)}
    phases = {value: value for value in FacilityPhase.values}
    kinds = {value: value for value in ActorKind.values}
    url, email = URLValidator(schemes=["http", "https"]), EmailValidator()
    checked, seen = [], {}
    for number, values in rows:
        for column in REQUIRED:
            if not values[column]:
                problems.append(RowProblem(number, column, _("is empty")))
        for column, limit in LIMITS.items():
            if len(values.get(column, "")) > limit:
                problems.append(RowProblem(number, column, _("is longer than %(max)d characters") % {"max": limit}))
        for column, validator in (("website", url), ("contact_url", url), ("contact_email", email)):
            if values.get(column):
                try:
                    validator(values[column])
                except ValidationError:
                    problems.append(RowProblem(number, column, _("%(value)r is not a valid address") % {"value": values[column]}))
        kbo = identifiers.normalise_kbo(values.get("operator_kbo", ""))
        if values.get("operator_kbo") and not identifiers.kbo_is_valid(kbo):
            problems.append(RowProblem(number, "operator_kbo", _("%(value)r is not a valid enterprise number")
                                       % {"value": values["operator_kbo"]}))
            kbo = ""
        kind = values.get("operator_kind", "")
        if kind and kind not in kinds:
            problems.append(RowProblem(number, "operator_kind", _("%(code)r is not one of %(allowed)s")
                                       % {"code": kind, "allowed": ", ".join(kinds)}))
        key = (kbo or values["operator"].casefold(), values["name"].casefold())
        if key in seen:
            problems.append(RowProblem(number, "name", _("the same facility of the same operator is on row %(row)d")
                                       % {"row": seen[key]}))
        seen[key] = number
        row_phases = _codes(values["phases"], phases, number, "phases", problems)
        if values["phases"] and not row_phases:
            problems.append(RowProblem(number, "phases", _("name at least one phase")))
        checked.append({
            "row": number, "operator": values["operator"], "operator_kbo": kbo, "operator_kind": kind,
            "domains": _codes(values.get("domains", ""), domains, number, "domains", problems),
            "fields": {
                "name": values["name"], "city": values.get("city", ""), "website": values.get("website", ""),
                "phases": row_phases,
                "market_terms": _flag(values.get("market_terms", ""), number, "market_terms", problems),
                "training_required": _flag(values.get("training_required", ""), number, "training_required", problems),
                "provider_decides": _flag(values.get("provider_decides", ""), number, "provider_decides", problems),
                "access_conditions": values.get("access_conditions", ""),
                "contact_name": values.get("contact_name", ""), "contact_email": values.get("contact_email", ""),
                "contact_url": values.get("contact_url", ""),
                "description_nl": values.get("description_nl", ""), "description_en": values.get("description_en", ""),
                "data_source": values["source"],
            },
        })
    return checked


def _resolve_operators(checked: list[dict], problems: list[RowProblem]) -> dict[int, Actor | None]:
    """The operator of every row: by enterprise number, else by exact name; None = to be created."""
    operators = {}
    for row in checked:
        actor = None
        if row["operator_kbo"]:
            actor = Actor.objects.filter(kbo=row["operator_kbo"]).first()
        if actor is None:
            named = list(Actor.objects.filter(name__iexact=row["operator"])[:2])
            if len(named) > 1:
                problems.append(RowProblem(row["row"], "operator", _(
                    "%(name)r names more than one actor in the registry; give operator_kbo") % {"name": row["operator"]}))
            elif named:
                actor = named[0]
        if actor is None and not row["operator_kind"]:
            problems.append(RowProblem(row["row"], "operator_kind", _(
                "operator %(name)r is not in the registry; give operator_kind so it can be created")
                % {"name": row["operator"]}))
        operators[row["row"]] = actor
    return operators


def import_facilities(text: str, user=None, file_name: str = "", *, wait: bool = True,
                      dry_run: bool = False) -> FacilityImportReport:
    """Check every row of ``text`` (CSV) and write them all, or none; see the module docstring.
    Holds the import lock (``visd.imports.lock``), waiting for another import to finish (``wait=False``:
    ``ImportBusy`` at once). ``dry_run`` checks and writes, then undoes it all."""
    return FacilityImportReport(run_import(FacilitiesImport(text, file_name), user, wait=wait, dry_run=dry_run,
                                           refused_error=FacilityImportError))


class FacilitiesImport(Importer):
    kind = IMPORT_KIND

    def __init__(self, text: str, file_name: str = ""):
        self.text = text
        self.files = [file_name] if file_name else []

    def check(self) -> list[RowProblem]:
        rows, problems = _read(self.text)
        self.checked = _check(rows, problems) if not problems else []
        self.operators = _resolve_operators(self.checked, problems) if not problems else {}
        return problems

    def write(self, user) -> dict:
        writer = Writer(user, CHANGE_REASON)
        tally = Tally("facilities", "actors", notes=["validated_kept"])
        created_operators: dict[str, Actor] = {}
        for row in self.checked:
            operator = self.operators[row["row"]]
            if operator is None:
                key = row["operator_kbo"] or row["operator"].casefold()
                operator = created_operators.get(key)
                if operator is None:
                    operator = Actor(name=row["operator"], kind=row["operator_kind"], kbo=row["operator_kbo"] or None,
                                     data_source=_("Facility import"))
                    writer.save(operator)
                    created_operators[key] = operator
                    tally.add("actors", "created")
            facility = Infrastructure.objects.filter(operator=operator, name__iexact=row["fields"]["name"]).first()
            if facility is not None and facility.is_validated:
                tally.note("validated_kept")
                continue
            domain_ids = {d.pk for d in row["domains"]}
            if facility is None:
                facility = Infrastructure(operator=operator, operator_match=OperatorMatch.INVENTORY, **row["fields"])
                outcome = "created"
            else:
                changed = [k for k, v in row["fields"].items() if getattr(facility, k) != v]
                for name in changed:
                    setattr(facility, name, row["fields"][name])
                same_domains = {d.pk for d in facility.domains.all()} == domain_ids
                outcome = "updated" if changed or not same_domains else "unchanged"
                if not changed:
                    if not same_domains:
                        facility.domains.set(domain_ids)
                        writer.links_changed(facility)
                    tally.add("facilities", outcome)
                    continue
            facility.full_clean(exclude=["operator", "domains"], validate_unique=False)
            writer.save(facility)
            facility.domains.set(domain_ids)
            tally.add("facilities", outcome)
        # The operators the file names that were in the registry already: found, never changed.
        known = {operator.pk for operator in self.operators.values() if operator is not None}
        tally.add("actors", "unchanged", len(known))
        return tally.counts
