"""Check the screening rule files and load the initial, sourced list records.

``check_all()`` returns every problem of the versioned rules (ESAC, export control) and of the
initial records; ``load_lists()`` upserts the export restrictions and country notes by code, saving
a record only when a value changed (so a second run changes nothing and leaves no history rows).
Records an administrator added in the admin are left alone. The lock, the transaction and the
``ImportRun`` are the importer core's (``visd.imports.core``): ``ScreeningRulesImport``."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml

from visd.imports.core import Importer, Tally, Writer, run_import
from visd.imports.models import ImportRun
from visd.imports.problems import Problem

from . import esac, export_control
from .countries import COUNTRY_CODES
from .models import (CountryFlag, CountryNote, ExportRestriction, GoodsScope, Regime, RestrictionKind,
                     RestrictionScope)

DATA_DIR = Path(__file__).resolve().parent / "data"
RESTRICTIONS = "export_restrictions.yaml"
NOTES = "country_notes.yaml"
CHANGE_REASON = "visd load-screening-rules"
IMPORT_KIND = "screening"
OUTCOMES = ("created", "updated", "unchanged", "not in files")

# file -> (its list's key, the model, the fields, the choices); the counts name the record types
# (``COUNT_NAMES``): "notes" is the core's key for notes about the input, so country notes count as
# "country_notes".
RECORD_FIELDS = {
    RESTRICTIONS: ("restrictions", ExportRestriction,
                   ["code", "country", "kind", "regime", "goods", "scope", "title_nl", "title_en", "note_nl", "note_en",
                    "effective_from", "effective_to", "review_date", "source", "legal_act_url"],
                   {"kind": set(RestrictionKind.values), "goods": set(GoodsScope.values),
                    "regime": set(Regime.values), "scope": set(RestrictionScope.values)}),
    NOTES: ("notes", CountryNote,
            ["code", "country", "flag", "title_nl", "title_en", "text_nl", "text_en",
             "effective_from", "effective_to", "review_date", "source"],
            {"flag": set(CountryFlag.values)}),
}
COUNT_NAMES = {RESTRICTIONS: "restrictions", NOTES: "country_notes"}
REQUIRED = {"code", "country", "title_nl", "title_en", "effective_from", "review_date", "source"}


def read_records(file: str, data_dir: Path = DATA_DIR) -> tuple[list[dict], list[str]]:
    key, _model, fields, choices = RECORD_FIELDS[file]
    data = yaml.safe_load((data_dir / file).read_text(encoding="utf-8")) or {}
    records, problems, seen = [], [], set()
    for index, raw in enumerate(data.get(key) or []):
        where = f"{file}, record {raw.get('code') or index + 1}"
        record = {f: raw.get(f) for f in fields}
        for f in fields:
            if record[f] is None and f not in {"effective_to"}:
                record[f] = "" if f not in {"effective_from", "review_date"} else None
        for f in REQUIRED | set(choices):
            if not str(record.get(f) or "").strip():
                problems.append(f"{where}: '{f}' is missing")
        for f in ("effective_from", "effective_to", "review_date"):
            if record.get(f) is not None and not isinstance(record[f], datetime.date):
                problems.append(f"{where}: '{f}' is not a date (YYYY-MM-DD)")
        if record.get("country") and record["country"] not in COUNTRY_CODES:
            problems.append(f"{where}: unknown country code {record['country']!r}")
        for f, allowed in choices.items():
            if record.get(f) and record[f] not in allowed:
                problems.append(f"{where}: {f} {record[f]!r} is not one of {sorted(allowed)}")
        if record.get("code") in seen:
            problems.append(f"{where}: code used twice")
        seen.add(record.get("code"))
        start, end = record.get("effective_from"), record.get("effective_to")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            problems.append(f"{where}: effective_to lies before effective_from")
        records.append(record)
    return records, problems


def check_all(data_dir: Path = DATA_DIR) -> list[str]:
    problems = esac.check_rules(yaml.safe_load((data_dir / "esac_rules.yaml").read_text(encoding="utf-8")))
    problems += export_control.check_rules(
        yaml.safe_load((data_dir / "export_control.yaml").read_text(encoding="utf-8")))
    for file in RECORD_FIELDS:
        problems += read_records(file, data_dir)[1]
    return problems


class ScreeningRulesError(ValueError):
    """The screening files were refused: ``problems`` (every one) and the rejected ``run``."""

    def __init__(self, problems: list, run: ImportRun | None = None):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems
        self.run = run


class ScreeningRulesImport(Importer):
    """The versioned rules are checked; the export restrictions and country notes are written."""

    kind = IMPORT_KIND

    def __init__(self, data_dir: Path = DATA_DIR):
        self.data_dir = data_dir
        self.files = ["esac_rules.yaml", "export_control.yaml", *RECORD_FIELDS]

    def check(self) -> list[Problem]:
        try:
            problems = check_all(self.data_dir)
        except (OSError, yaml.YAMLError) as error:  # a file missing or not YAML: nothing can be checked
            return [Problem(file=str(self.data_dir), code="unreadable", message=str(error))]
        # The rule checks say the file and record in their text; the whole text is the message.
        return [Problem(file="screening rules", code="invalid", message=problem) for problem in problems]

    def write(self, user) -> dict:
        writer = Writer(user, CHANGE_REASON)
        tally = Tally(*COUNT_NAMES.values())
        for file, (_key, model, _fields, _choices) in RECORD_FIELDS.items():
            name = COUNT_NAMES[file]
            records = read_records(file, self.data_dir)[0]
            existing = {obj.code: obj for obj in model.objects.all()}
            for values in records:
                instance = existing.get(values["code"])
                if instance is None:
                    instance, outcome = model(**values), "created"
                else:
                    changed = [f for f, v in values.items() if getattr(instance, f) != v]
                    if not changed:
                        tally.add(name, "unchanged")
                        continue
                    for f in changed:
                        setattr(instance, f, values[f])
                    outcome = "updated"
                instance.full_clean()
                writer.save(instance)
                tally.add(name, outcome)
            tally.counts[name]["not in files"] = len(set(existing) - {r["code"] for r in records})
        return tally.counts


def load_lists(data_dir: Path = DATA_DIR, user=None, *, check_only: bool = False, wait: bool = True) -> dict:
    """Load the lists all or nothing through the importer core; the counts per record type
    (``OUTCOMES``). Raises ``ScreeningRulesError`` with every problem when the files are refused."""
    report = run_import(ScreeningRulesImport(data_dir), user, wait=wait, dry_run=check_only,
                        refused_error=ScreeningRulesError)
    return report.counts
