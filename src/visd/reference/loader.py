"""Load the checked reference data into the database: the one place that writes reference records.

``load_reference()`` reads and checks every file first (``validation``); on any problem it writes no
reference record, records a rejected ``ImportRun`` and raises ``ReferenceDataError``. Otherwise it
upserts everything in one transaction, saving a record only when one of its values changed, so a
second run changes nothing and leaves no history rows. Records in the database that the files do not
name (e.g. an instrument added through the admin) are left alone and counted as "not in files".
The lock, the transaction and the ``ImportRun`` are the importer core's (``visd.imports.core``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models

from visd.capabilities.models import BudgetTrajectoryPoint, CapabilityNeed, NeedLevel, NeedSource
from visd.funding.models import AidRate, Instrument, InstrumentGuidance
from visd.guidance.models import ContactPoint, Obligation
from visd.imports.core import Importer, ImportReport, Writer, run_import
from visd.imports.models import ImportRun
from visd.programme.models import KPI, BudgetAmount, BudgetLine
from visd.taxonomy.models import Concept, Portfolio, Scheme

from . import DATA_DIR
from .validation import FILES, Problem, ReferenceData, ReferenceDataError, read_reference_data

IMPORT_KIND = "reference"
CHANGE_REASON = "visd load-reference"
OUTCOMES = ("created", "updated", "unchanged", "not in files")


@dataclass
class LoadReport:
    """What a load did, per kind of record: created / updated / unchanged / not in files."""

    counts: dict[str, Counter] = field(default_factory=dict)
    import_run: ImportRun | None = None
    result: ImportReport | None = None  # the importer core's report, every importer's shape

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += number

    def as_json(self) -> dict[str, dict[str, int]]:
        return {kind: {outcome: counter[outcome] for outcome in OUTCOMES} for kind, counter in self.counts.items()}

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())


class _Upserter:
    """Creates or updates records of one model, keyed by natural-key fields, saving only changes."""

    def __init__(self, report: LoadReport, user=None):
        self.report = report
        self._save = Writer(user, CHANGE_REASON).save  # the importing user and reason in the history

    def run(self, kind: str, queryset: models.QuerySet, key_fields: tuple[str, ...],
            records: list[dict[str, Any]]) -> dict[tuple, models.Model]:
        """Upsert ``records`` (dicts of attribute values, key fields included) into ``queryset``'s
        model; returns every record by key, for the children that link to them."""
        model = queryset.model
        existing = {tuple(getattr(obj, f) for f in key_fields): obj for obj in queryset}
        loaded = {}
        for values in records:
            key = tuple(values[f] for f in key_fields)
            instance = existing.get(key)
            if instance is None:
                instance = model(**values)
                self._save(instance)
                self.report.count(kind, "created")
            else:
                changed = [name for name, value in values.items() if getattr(instance, name) != value]
                if changed:
                    for name in changed:
                        setattr(instance, name, values[name])
                    self._save(instance)
                    self.report.count(kind, "updated")
                else:
                    self.report.count(kind, "unchanged")
            loaded[key] = instance
        self.report.count(kind, "not in files", len(set(existing) - set(loaded)))
        return loaded


def _apply(data: ReferenceData, report: LoadReport, user) -> None:
    upsert = _Upserter(report, user)
    portfolios = upsert.run("portfolios", Portfolio.objects.all(), ("code",), data.portfolios)
    portfolio_ids = {code: obj.pk for (code,), obj in portfolios.items()}

    for kind, scheme, records in (("focus domains", Scheme.FOCUS_DOMAIN, data.focus_domains),
                                  ("EDA CapTechs", Scheme.CAPTECH, data.captechs)):
        rows = []
        for record in records:
            values = {k: v for k, v in record.items() if k != "portfolio"}
            values["scheme"] = scheme
            values["portfolio_id"] = portfolio_ids[record["portfolio"]] if record["portfolio"] else None
            rows.append(values)
        upsert.run(kind, Concept.objects.filter(scheme=scheme), ("scheme", "code"), rows)

    # Parents before children: dimensions, then capabilities, then items, each linking to the level above.
    need_ids: dict[str, int | None] = {"total": None}
    sv2025 = CapabilityNeed.objects.filter(source_kind=NeedSource.STRATEGIC_VISION_2025)
    for level, kind in ((NeedLevel.DIMENSION, "capability dimensions"), (NeedLevel.CAPABILITY, "capabilities"),
                        (NeedLevel.ITEM, "capability line items")):
        rows = [{
            "source_kind": NeedSource.STRATEGIC_VISION_2025, "code": r["code"], "level": level,
            "parent_id": need_ids[r["parent"]], "name": r["name"],
            "first_commitment_year": r["first_commitment_year"], "committed_eur": r["committed_eur"],
            "paid_eur": r["paid_eur"], "consolidated_development": r["consolidated_development"],
            "order": r["order"], "source": r["source"],
        } for r in data.capability_needs if r["level"] == level]
        loaded = upsert.run(kind, sv2025.filter(level=level), ("source_kind", "code"), rows)
        need_ids.update({code: obj.pk for (_, code), obj in loaded.items()})

    upsert.run("budget trajectory points", BudgetTrajectoryPoint.objects.all(), ("series", "year"),
               data.trajectory_points)
    lines = upsert.run("budget lines", BudgetLine.objects.all(), ("code",), data.budget_lines)
    line_ids = {code: obj.pk for (code,), obj in lines.items()}
    upsert.run("budget amounts", BudgetAmount.objects.all(), ("line_id", "year"), [
        {**{k: v for k, v in amount.items() if k != "line"}, "line_id": line_ids[amount["line"]]}
        for amount in data.budget_amounts
    ])
    upsert.run("KPIs", KPI.objects.all(), ("code",), data.kpis)
    instruments = upsert.run("instruments", Instrument.objects.all(), ("code",), data.instruments)
    instrument_ids = {code: obj.pk for (code,), obj in instruments.items()}
    upsert.run("instrument guidance", InstrumentGuidance.objects.all(), ("instrument_id",), [
        {**{k: v for k, v in g.items() if k != "instrument"}, "instrument_id": instrument_ids[g["instrument"]]}
        for g in data.instrument_guidance
    ])
    # Rates are keyed by instrument and case; a rate an administrator added for another case is kept.
    upsert.run("aid rates", AidRate.objects.all(), ("instrument_id", "project_kind", "size", "component"), [
        {**{k: v for k, v in r.items() if k != "instrument"}, "instrument_id": instrument_ids[r["instrument"]]}
        for r in data.aid_rates
    ])
    for kind, model, records in (("contact points", ContactPoint, data.contact_points),
                                 ("obligations", Obligation, data.obligations)):
        loaded = upsert.run(kind, model.objects.prefetch_related("instruments"), ("code",),
                            [{k: v for k, v in r.items() if k != "instruments"} for r in records])
        for record in records:
            _set_links(loaded[(record["code"],)], {instrument_ids[c] for c in record["instruments"]})


def _set_links(instance, instrument_ids: set[int]) -> None:
    """Make a record's instruments exactly those the file names, touching nothing when they already are."""
    current = {i.pk for i in instance.instruments.all()}
    if current != instrument_ids:
        instance.instruments.set(instrument_ids)


def load_reference(data_dir: Path | None = None, user=None, *, check_only: bool = False,
                   wait: bool = True) -> LoadReport:
    """Check every reference file and load them all, or nothing.

    ``data_dir`` defaults to the files shipped in ``visd/reference/data``; ``user`` is recorded as the
    author of the history rows and of the ``ImportRun``; ``check_only`` checks and loads, then undoes
    it all (a dry run: not even an ``ImportRun`` is kept). Raises ``ReferenceDataError`` (with every
    problem) when the files are refused. Holds the import lock (``visd.imports.lock``), waiting for
    another import to finish (``wait=False``: ``ImportBusy`` at once).
    """
    loader = ReferenceImport(Path(data_dir) if data_dir else DATA_DIR)
    result = run_import(loader, user, wait=wait, dry_run=check_only, refused_error=_refused)
    loader.report.import_run = result.run
    loader.report.result = result
    return loader.report


def _refused(problems: list[Problem], run: ImportRun | None) -> ReferenceDataError:
    error = ReferenceDataError(problems)
    error.run = run  # the rejected ImportRun (None after a dry run)
    return error


class ReferenceImport(Importer):
    kind = IMPORT_KIND
    files = FILES

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.report = LoadReport()

    def check(self) -> list[Problem]:
        try:
            self.data = read_reference_data(self.data_dir)
        except ReferenceDataError as error:
            return error.problems
        return []

    def write(self, user) -> dict:
        _apply(self.data, self.report, user)
        return self.report.as_json()
