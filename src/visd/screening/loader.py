"""Check the screening rule files and load the initial, sourced list records.

``check_all()`` returns every problem of the versioned rules (ESAC, export control) and of the
initial records; ``load_lists()`` upserts the export restrictions and country notes by code, saving
a record only when a value changed (so a second run changes nothing and leaves no history rows).
Records an administrator added in the admin are left alone."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import yaml
from django.db import transaction

from . import esac, export_control
from .countries import COUNTRY_CODES
from .models import (CountryFlag, CountryNote, ExportRestriction, GoodsScope, Regime, RestrictionKind,
                     RestrictionScope)

DATA_DIR = Path(__file__).resolve().parent / "data"
RESTRICTIONS = "export_restrictions.yaml"
NOTES = "country_notes.yaml"
CHANGE_REASON = "visd load-screening-rules"

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


@transaction.atomic
def load_lists(data_dir: Path = DATA_DIR, user=None) -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for file, (key, model, _fields, _choices) in RECORD_FIELDS.items():
        records, problems = read_records(file, data_dir)
        if problems:
            raise ValueError("\n".join(problems))
        counter = Counter()
        existing = {obj.code: obj for obj in model.objects.all()}
        for values in records:
            instance = existing.get(values["code"])
            if instance is None:
                instance = model(**values)
                outcome = "created"
            else:
                changed = [f for f, v in values.items() if getattr(instance, f) != v]
                if not changed:
                    counter["unchanged"] += 1
                    continue
                for f in changed:
                    setattr(instance, f, values[f])
                outcome = "updated"
            instance.full_clean()
            instance._change_reason = CHANGE_REASON
            if user is not None:
                instance._history_user = user
            instance.save()
            counter[outcome] += 1
        counter["not in files"] = len(set(existing) - {r["code"] for r in records})
        counts[key] = counter
    return counts
